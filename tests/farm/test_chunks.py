"""Long videos: chunks split at cuts, joined with -c copy, frame-exact against the single render."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from nemo_video.backends.base import RenderRequest
from nemo_video.backends.local.render import build_plan, render_draft
from nemo_video.config import Settings
from nemo_video.media import locate
from nemo_video.render_farm.chunks import choose_cuts, cut_candidates, render_chunked
from tests.render.builders import draft, image_segment, synth, text_segment


def frames_and_duration(ffmpeg: str, video: Path) -> tuple[int, float]:
    text = subprocess.run(
        [ffmpeg, "-nostdin", "-i", str(video), "-map", "0:v", "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=True,
        stdin=subprocess.DEVNULL,
    ).stderr
    frames = int(re.findall(r"frame=\s*(\d+)", text)[-1])
    h, m, s = re.search(r"Duration: (\d+):(\d+):([\d.]+)", text).groups()  # type: ignore[union-attr]
    return frames, int(h) * 3600 + int(m) * 60 + float(s)


def psnr_per_frame(ffmpeg: str, a: Path, b: Path, stats: Path) -> list[float]:
    subprocess.run(
        [
            ffmpeg,
            "-nostdin",
            "-loglevel",
            "error",
            "-i",
            str(a),
            "-i",
            str(b),
            "-lavfi",
            f"[0:v][1:v]psnr=stats_file={stats.name}",
            "-f",
            "null",
            "-",
        ],
        check=True,
        cwd=stats.parent,
        stdin=subprocess.DEVNULL,
    )
    values = []
    for line in stats.read_text().splitlines():
        found = re.search(r"psnr_avg:(\S+)", line)
        assert found
        values.append(float("inf") if found.group(1) == "inf" else float(found.group(1)))
    return values


async def test_chunked_render_is_frame_exact_against_the_whole_one(
    settings: Settings, photos: list[Path], tmp_path: Path
) -> None:
    colours = [photos[i % 2] for i in range(6)]
    visuals = [
        image_segment(
            p,
            1000,
            transition="crossfade" if i == 2 else "cut",
            t_ms=300,
            size=(480, 320) if p == photos[0] else (320, 480),
        )
        for i, p in enumerate(colours)
    ]
    d = draft(visuals, texts=[text_segment("All week", 0, 5700)], music=synth())
    ffmpeg = locate(settings)
    whole = await render_draft(d, RenderRequest(destination=tmp_path / "whole.mp4", height=120), settings)
    plan = build_plan(d, RenderRequest(destination=tmp_path / "x.mp4", height=120), {}, ())
    assert cut_candidates(plan) == [30, 60, 111, 141]  # scene starts; 81 follows the crossfade: no cut there
    cuts = choose_cuts(plan, 3)
    assert cuts == [60, 111]  # nearest to thirds of the 171 frames
    progress: list[str] = []
    joined = await render_chunked(
        d,
        RenderRequest(destination=tmp_path / "joined.mp4", height=120),
        settings,
        chunks=3,
        workers=2,
        on_progress=lambda f, m: progress.append(m),
    )
    assert joined is not None and joined.poster is not None and joined.poster.is_file()
    assert "4/4 pieces rendered" in progress
    assert frames_and_duration(ffmpeg, joined.path) == frames_and_duration(ffmpeg, whole.path)
    values = psnr_per_frame(ffmpeg, joined.path, whole.path, tmp_path / "psnr.log")
    for cut in cuts:
        for frame in (cut - 1, cut, cut + 1):
            assert values[frame] >= 45, (frame, values[frame - 2 : frame + 3])
    assert sorted(p.name for p in tmp_path.iterdir() if "partial" in p.name) == []
