"""Renders at the machine's limits: GIF memory, a filter graph past the kernel's argument limit, an
ffmpeg that does not work. Real ffmpeg; peak memory is measured in a child Python process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from nemo_video.backends.base import RenderRequest
from nemo_video.backends.local.render import build_args, build_plan, render_draft
from nemo_video.config import Settings
from nemo_video.errors import ErrorCode, NemoVideoError
from nemo_video.media import probe

from .builders import draft, image_segment, picture
from .media import ffmpeg

ROOT = Path(__file__).resolve().parents[2]
MAX_ARG_STRLEN = 128 * 1024  # Linux: the longest single argument execve accepts

# Renders one GIF of `seconds` (two still pictures, 320x180, 15 fps) in a fresh process and prints
# the peak RSS of its largest child (ffmpeg: the palette pass, the GIF pass or the poster pass).
_GIF_RSS = """
import asyncio, json, resource, sys
from pathlib import Path
from PIL import Image
from nemo_video.backends.base import RenderRequest
from nemo_video.backends.local.render import render_draft
from nemo_video.config import Settings
from nemo_video.draft import Draft

root, seconds = Path(sys.argv[1]), float(sys.argv[2])
half = int(seconds * 500)
segments = []
for i, colour in enumerate([(200, 40, 40), (40, 60, 200)]):
    path = root / f"still-{i}.png"
    Image.new("RGB", (320, 180), colour).save(path)
    segments.append({"type": "image", "src": str(path), "start": i * half, "d": half,
                     "source_width": 320, "source_height": 180, "fit": "cover"})
d = Draft.model_validate({"d": 2 * half, "m": {"width": 1920, "height": 1080, "fps": 30},
                          "t": [{"tt": 0, "id": "v", "sg": segments}]})
settings = Settings.from_env({}, home=root / "h", data_dir=root / "d", config_dir=root / "c",
                             output_dir=root / "out")
dest = root / "out" / "long.gif"
out = asyncio.run(render_draft(d, RenderRequest(destination=dest, format="gif", height=180), settings))
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"peak_mb": peak_kb / 1024, "bytes": out.size_bytes, "duration": out.duration_s}))
"""


def _gif_peak(folder: Path, seconds: float) -> dict[str, float]:
    folder.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", _GIF_RSS, str(folder), str(seconds)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_gif_export_memory_does_not_grow_with_its_length(tmp_path: Path) -> None:
    # Choosing the palette in the same pass (split → palettegen + paletteuse) holds every frame
    # until the last: 900 frames of 320x180 are >= 150 MB more for 60 s than for 2 s (measured on
    # the old graph: 252 MB against 54 MB). Streamed, ffmpeg's peak is the same for both (~40 MB);
    # 25 MB of slack covers allocator noise but not even a sixth of the held frames.
    short = _gif_peak(tmp_path / "short", 2)
    long = _gif_peak(tmp_path / "long", 60)
    assert long["duration"] == pytest.approx(60, abs=0.1) and long["bytes"] > 0
    assert long["peak_mb"] < short["peak_mb"] + 25, (short, long)
    assert long["peak_mb"] < 120, long


async def test_gif_colours_come_from_the_video(settings: Settings, tmp_path: Path) -> None:
    red = picture(tmp_path, "red.png", (220, 30, 30), (160, 90))
    d = draft([image_segment(red, 1000, transition=None, size=(160, 90))])
    dest = settings.output_dir / "red.gif"
    await render_draft(d, RenderRequest(destination=dest, format="gif", height=90), settings)
    with Image.open(dest) as gif:
        r, g, b = gif.convert("RGB").resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))  # type: ignore[misc]
    assert r > 150 and g < 110 and b < 110  # the palette pass saw the red picture
    assert sorted(p.name for p in settings.output_dir.iterdir()) == [
        "red.contact.jpg",
        "red.gif",
        "red.poster.jpg",
    ]  # the palette was a temporary


async def test_256_photos_export_although_their_graph_passes_the_argument_limit(
    settings: Settings, tmp_path: Path
) -> None:
    segments = []
    for i in range(256):
        photo = tmp_path / f"photo-{i:03d}.png"
        Image.new("RGB", (48, 32), (i, 255 - i, 128)).save(photo)
        # a crossfade every fourth photo: the graph of a real slideshow, kept to ~500 frames
        segments.append(
            image_segment(photo, 100, size=(48, 32), t_ms=66, transition="crossfade" if i % 4 == 0 else "cut")
        )
    d = draft(segments)
    request = RenderRequest(destination=settings.output_dir / "many.mp4", height=72, quality="draft")
    plan = build_plan(d, request, {}, settings.font_dirs)
    args = build_args(plan, ffmpeg(), request.destination)
    assert len(args[args.index("-filter_complex") + 1].encode()) > MAX_ARG_STRLEN  # it would not pass
    out = await render_draft(d, request, settings)
    info = await probe(out.path, ffmpeg())
    assert info.duration_s == pytest.approx(plan.duration_s, abs=0.05) and (info.width, info.height) == (128, 72)
    assert sorted(p.name for p in settings.output_dir.iterdir()) == ["many.contact.jpg", "many.mp4", "many.poster.jpg"]


@pytest.mark.parametrize("binary", ["/bin/false", "/bin/true", "/bin/echo"])
async def test_an_ffmpeg_that_does_not_work_is_named_with_nemo_ffmpeg(
    settings: Settings, tmp_path: Path, binary: str
) -> None:
    photo = picture(tmp_path, "a.png", (10, 120, 200))
    d = draft([image_segment(photo, 1000, transition=None)])
    broken = settings.with_(ffmpeg=binary)
    with pytest.raises(NemoVideoError) as caught:
        await render_draft(d, RenderRequest(destination=settings.output_dir / "x.mp4", height=72), broken)
    error = caught.value
    assert error.code is ErrorCode.FFMPEG_MISSING, error
    assert binary in error.message and "does not work" in error.message and "no error text" not in error.message
    assert "unset NEMO_FFMPEG" in error.hint
    assert not settings.output_dir.exists() or list(settings.output_dir.iterdir()) == []
