"""An animated picture used as a photo is its first frame, and every scene keeps its slot (issue 12.4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from nemo_video.backends.base import RenderRequest
from nemo_video.backends.local.media import MediaImporter
from nemo_video.backends.local.render import render_draft
from nemo_video.backends.local.store import Store
from nemo_video.config import Settings

from ..render.builders import draft, image_segment
from ..render.media import frame
from .conftest import make_image

GREEN, MAGENTA, RED, BLUE = (30, 200, 40), (220, 30, 220), (220, 30, 30), (30, 60, 220)
SCENE_MS = 600


def animation(path: Path, fmt: str) -> Path:
    """Green first, then 39 magenta frames (a dot moves, so none merge): 4 s, far longer than its slot."""
    frames = [Image.new("RGB", (320, 180), GREEN)]
    for i in range(39):
        moving = Image.new("RGB", (320, 180), MAGENTA)
        moving.paste((255, 255, 255), (100 + 4 * i, 150, 104 + 4 * i, 154))
        frames.append(moving)
    frames[0].save(path, fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)
    with Image.open(path) as check:
        assert check.n_frames == 40
    return path


def near(pixel: tuple[int, int, int], color: tuple[int, int, int]) -> bool:
    return all(abs(a - b) < 45 for a, b in zip(pixel, color, strict=True))


@pytest.fixture
def importer(settings: Settings, store: Store) -> MediaImporter:
    return MediaImporter(settings, store)


@pytest.mark.parametrize("fmt", ["GIF", "WEBP"])
async def test_an_animated_photo_is_its_first_frame_and_the_scenes_after_it_keep_their_slots(
    importer: MediaImporter, settings: Settings, tmp_path: Path, fmt: str
) -> None:
    moving = animation(tmp_path / f"party.{fmt.lower()}", fmt)
    asset = await importer.import_path("s1", moving)
    assert (asset.kind, asset.name, asset.width, asset.height) == ("image", moving.name, 320, 180)
    assert asset.src.endswith(".png") and asset.colors == ("green",)
    with Image.open(asset.src) as stored:
        assert getattr(stored, "n_frames", 1) == 1

    red = await importer.import_path("s1", make_image(tmp_path / "red.png", RED, (320, 180)))
    blue = await importer.import_path("s1", make_image(tmp_path / "blue.png", BLUE, (320, 180)))
    scenes = [image_segment(Path(a.src), SCENE_MS, transition=None, size=(320, 180)) for a in (asset, red, blue)]
    out = tmp_path / "slots.mp4"
    result = await render_draft(draft(scenes), RenderRequest(destination=out, height=180, quality="draft"), settings)
    assert result.duration_s is not None and abs(result.duration_s - 3 * SCENE_MS / 1000) < 0.1
    for i, color in enumerate((GREEN, GREEN, RED, RED, BLUE, BLUE)):
        at = (i // 2 + (0.2 if i % 2 == 0 else 0.8)) * SCENE_MS / 1000
        pixel = frame(out, at, tmp_path / f"f{i}.png").getpixel((40, 40))
        assert near(pixel, color), f"at {at:.2f} s: {pixel}, expected {color}"
