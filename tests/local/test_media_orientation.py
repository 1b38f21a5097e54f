"""Phone photos and clips keep their shape: the stored size is the size as displayed (issue 12.1).

Each picture shows a circle and a red corner mark as a viewer displays it; the pixels are stored
turned or mirrored with the EXIF Orientation (1-8) that puts them back, as cameras do. Imported,
rendered tiny with real ffmpeg and read back, the circle must stay round and the mark must stay in
the top-left corner.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageOps

from nemo_video.backends.base import Asset, RenderRequest
from nemo_video.backends.local.media import MediaImporter
from nemo_video.backends.local.render import render_draft
from nemo_video.backends.local.store import Store
from nemo_video.config import Settings

from ..render.builders import draft, image_segment
from ..render.media import frame
from .conftest import run_ffmpeg

# The transpose that stores a displayed picture so that EXIF orientation N shows it upright again.
STORED_AS = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}
SCENE_MS = 500


def shown(size: tuple[int, int]) -> Image.Image:
    """What a viewer should see: white, a black circle in the middle, a red mark top-left."""
    w, h = size
    image = Image.new("RGB", size, (255, 255, 255))
    draw = ImageDraw.Draw(image)
    r = min(w, h) // 4
    draw.ellipse([w // 2 - r, h // 2 - r, w // 2 + r, h // 2 + r], fill=(0, 0, 0))
    draw.rectangle([0, 0, w // 3, h // 4], fill=(255, 0, 0))
    return image


def phone_photo(folder: Path, orientation: int) -> Path:
    display = shown((320, 180))
    method = STORED_AS[orientation]
    pixels = display if method is None else display.transpose(method)
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = folder / f"phone-{orientation}.jpg"
    pixels.save(path, "JPEG", quality=95, exif=exif.tobytes())
    with Image.open(path) as check:  # the fixture itself: upright again for any EXIF-aware viewer
        upright = ImageOps.exif_transpose(check)
        assert upright.size == (320, 180) and upright.getpixel((10, 10))[0] > 200
    return path


def circle_aspect(image: Image.Image) -> float:
    """Width / height of the dark pixels' bounding box."""
    dark = image.convert("L").point(lambda v: 255 if v < 50 else 0)
    box = dark.getbbox()
    assert box is not None, "no circle in the frame"
    return (box[2] - box[0]) / (box[3] - box[1])


def is_red(pixel: tuple[int, int, int]) -> bool:
    r, g, b = pixel
    return r > 170 and g < 90 and b < 90


def check_upright(image: Image.Image, label: str) -> None:
    w, h = image.size
    assert 0.9 <= circle_aspect(image) <= 1.1, f"{label}: circle drawn {circle_aspect(image):.2f}:1"
    corners = {
        (w // 12, h // 14): True,
        (w - 1 - w // 12, h // 14): False,
        (w // 12, h - 1 - h // 14): False,
        (w - 1 - w // 12, h - 1 - h // 14): False,
    }
    for spot, red in corners.items():
        assert is_red(image.getpixel(spot)) == red, f"{label}: mark {'missing at' if red else 'found at'} {spot}"


@pytest.fixture
def importer(settings: Settings, store: Store) -> MediaImporter:
    return MediaImporter(settings, store)


async def test_all_eight_exif_orientations_are_stored_and_rendered_as_displayed(
    importer: MediaImporter, settings: Settings, tmp_path: Path
) -> None:
    assets: list[Asset] = []
    for orientation in STORED_AS:
        asset = await importer.import_path("s1", phone_photo(tmp_path, orientation))
        assert (asset.width, asset.height, asset.orientation) == (320, 180, "landscape"), orientation
        assets.append(asset)

    scenes = [image_segment(Path(a.src), SCENE_MS, transition=None, size=(a.width or 0, a.height or 0)) for a in assets]
    out = tmp_path / "phones.mp4"
    await render_draft(draft(scenes), RenderRequest(destination=out, height=180, quality="draft"), settings)
    for i, orientation in enumerate(STORED_AS):
        picture = frame(out, (i + 0.5) * SCENE_MS / 1000, tmp_path / f"f{orientation}.png")
        check_upright(picture, f"EXIF orientation {orientation}")


async def test_a_clip_with_rotation_metadata_is_stored_at_its_displayed_size(
    importer: MediaImporter, settings: Settings, tmp_path: Path
) -> None:
    # A portrait phone clip: landscape frames plus a display matrix that turns them a quarter.
    shown((180, 320)).transpose(Image.Transpose.ROTATE_270).save(tmp_path / "frames.png")
    run_ffmpeg(
        "-loop",
        "1",
        "-i",
        str(tmp_path / "frames.png"),
        "-t",
        "1",
        "-r",
        "10",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        str(tmp_path / "landscape.mp4"),
    )
    run_ffmpeg(
        "-display_rotation", "90", "-i", str(tmp_path / "landscape.mp4"), "-c", "copy", str(tmp_path / "portrait.mp4")
    )

    asset = await importer.import_path("s1", tmp_path / "portrait.mp4")
    assert (asset.kind, asset.width, asset.height, asset.orientation) == ("video", 180, 320, "portrait")

    clip = {"type": "video", "src": asset.src, "d": 800, "source_width": asset.width, "source_height": asset.height}
    out = tmp_path / "clip.mp4"
    vertical = draft([clip], width=1080, height=1920)
    await render_draft(vertical, RenderRequest(destination=out, height=320, quality="draft"), settings)
    check_upright(frame(out, 0.4, tmp_path / "clip.png"), "rotated clip")
