"""Design-report benchmark: what measuring an export adds, on render_bench's timeline (30 s,
1080x1920, three pictures, a title, the upbeat bed), rendered once with ``render_draft``.

The report decodes one small cropped frame per text (plus the hook's) in one ffmpeg call, and runs
``ebur128=peak=true`` over the audio. Prints one JSON line: the render's wall time, the report's
(best of three) and its share of the render.

    python bench/report_bench.py [--quality high|draft] [--keep DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

from nemo_video.backends.base import RenderRequest
from nemo_video.backends.local.render import render_draft
from nemo_video.config import Settings
from nemo_video.media import locate
from nemo_video.report import measure_export

sys.path.insert(0, str(Path(__file__).resolve().parent))
from render_bench import H, make_draft, make_images


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quality", choices=("high", "draft"), default="high")
    parser.add_argument("--keep", type=Path, help="keep the outputs in this folder")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="nemo-report-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    draft = make_draft(make_images(work))
    settings = Settings.from_env({})
    video = work / "ours.mp4"
    started = time.monotonic()
    asyncio.run(render_draft(draft, RenderRequest(destination=video, quality=args.quality, overwrite=True), settings))
    render_s = time.monotonic() - started
    ffmpeg = locate(settings)
    times, report = [], None
    for _ in range(3):
        started = time.monotonic()
        report = asyncio.run(measure_export(draft, video, ffmpeg, H))
        times.append(time.monotonic() - started)
    assert report is not None
    result = {
        "render_s": round(render_s, 2),
        "report_s": round(min(times), 3),
        "report_share": round(min(times) / render_s, 4),
        "texts": len(report.texts),
        "lufs": report.loudness_lufs,
        "true_peak_dbtp": report.true_peak_dbtp,
        "summary": report.summary(),
    }
    print(json.dumps(result, ensure_ascii=False), flush=True)  # the script's result line


if __name__ == "__main__":
    main()
