"""Media import figures for docs/reliability.md (issue 12, items 1-5).

    python bench/media_bench.py            # all figures, ~1 min on 2 cores

1. Peak memory (max RSS of ffmpeg) of a 1 s render at 1080p of one picture, for the worst pictures
   the import accepts (20:1 and 1:20) and, for comparison, a 2000x2 picture that it now refuses
   (rendered here from a hand-made draft, as main did after importing it).
2. Import time of a 12 MP photo (copy, decode, hash, colours) and of a 1080p clip (plus its
   middle frame), and the hash check a render makes per 100 MB of stored media.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw

from nemo_video.errors import NemoVideoError

RENDER_ONE = """
import asyncio, json, resource, sys
from pathlib import Path
from nemo_video.backends.base import RenderRequest
from nemo_video.backends.local.render import render_draft
from nemo_video.config import Settings
from nemo_video.draft import Draft
src, out = sys.argv[1], sys.argv[6]
w, h, fw, fh = (int(a) for a in sys.argv[2:6])
seg = {"type": "image", "src": src, "start": 0, "d": 1000, "source_width": w, "source_height": h, "fit": "cover",
       "motion": {"type": "ken_burns", "from_scale": 1.0, "to_scale": 1.12, "direction": "in"}}
ratio = "16:9" if fw > fh else "9:16"
draft = Draft.from_wire({"d": 1000, "m": {"width": fw, "height": fh, "fps": 30, "ratio": ratio},
                         "t": [{"tt": 0, "id": "v", "sg": [seg]}]})
settings = Settings.from_env({"NEMO_DATA_DIR": str(Path(out).parent / "data")})
try:
    asyncio.run(render_draft(draft, RenderRequest(destination=Path(out), quality="draft"), settings))
    ok = "ok"
except Exception as exc:
    ok = type(exc).__name__ + ": " + str(exc).splitlines()[0][:80]
print(json.dumps({"peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, "result": ok}))
"""


def picture(path: Path, size: tuple[int, int]) -> Path:
    image = Image.new("RGB", size, (40, 90, 200))
    ImageDraw.Draw(image).line([(0, 0), size], fill=(255, 255, 255), width=1)
    image.save(path)
    return path


def render_peak(folder: Path, size: tuple[int, int], frame: tuple[int, int]) -> dict[str, object]:
    src = picture(folder / f"p{size[0]}x{size[1]}.png", size)
    out = folder / f"o{size[0]}x{size[1]}-{frame[0]}.mp4"
    args = [sys.executable, "-c", RENDER_ONE, str(src), *map(str, (*size, *frame)), str(out)]
    result = subprocess.run(args, capture_output=True, text=True, check=True)
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


async def import_times(folder: Path) -> dict[str, float]:
    from nemo_video.backends.base import Asset
    from nemo_video.backends.local.media import MediaImporter
    from nemo_video.backends.local.store import Store
    from nemo_video.config import Settings
    from nemo_video.media import locate

    settings = Settings.from_env({"NEMO_DATA_DIR": str(folder / "data")})
    store = await Store.open(settings.data_dir / "studio.sqlite3")
    await store.create_session("s", "en")
    importer = MediaImporter(settings, store)
    photo = folder / "12mp.jpg"
    Image.effect_mandelbrot((4000, 3000), (-2, -1.2, 1, 1.2), 100).convert("RGB").save(photo, quality=90)
    clip = folder / "clip.mp4"
    subprocess.run(
        [
            locate(settings),
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=1920x1080:rate=30",
            "-t",
            "10",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            str(clip),
        ],
        check=True,
    )
    times: dict[str, float] = {}
    for name, path in (("import 12 MP JPEG", photo), ("import 10 s 1080p clip", clip)):
        start = time.perf_counter()
        asset = await importer.import_path("s", path)
        times[name + " (s)"] = round(time.perf_counter() - start, 3)
        times[name + " colours"] = asset.colors  # type: ignore[assignment]
    big = folder / "data" / "media" / ("0" * 64 + ".mp4")
    big.write_bytes(bytes(100 * 1024 * 1024))
    fake = Asset(id="x", name="big.mp4", kind="video", src=str(big))
    start = time.perf_counter()
    with contextlib.suppress(NemoVideoError):  # zeros do not match the name: the hashing time is the figure
        await importer.verify([fake])
    times["hash check per 100 MB (s)"] = round(time.perf_counter() - start, 3)
    await store.aclose()
    return times


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for size, frame in (
            ((2000, 100), (1920, 1080)),
            ((2000, 100), (1080, 1920)),
            ((100, 2000), (1920, 1080)),
            ((2000, 2), (1920, 1080)),
        ):
            print(
                f"render 1 s of a {size[0]}x{size[1]} picture at {frame[0]}x{frame[1]}:",
                render_peak(folder, size, frame),
                flush=True,
            )
        print(json.dumps(asyncio.run(import_times(folder)), indent=1))


if __name__ == "__main__":
    main()
