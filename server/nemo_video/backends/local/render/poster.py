"""A poster frame (JPEG under 200 KB) and a contact sheet (a grid of frames across the whole video).

Both come from one ffmpeg run. The contact sheet decodes only key frames (one per second or less,
as the renderer sets the GOP), so it costs a fraction of a full decode even for long videos.
"""

from __future__ import annotations

import math
from pathlib import Path

from .filters import INPUT_OPTIONS
from .filters import filter_ as _filter
from .plan import RenderPlan

POSTER_MAX_BYTES = 200_000
POSTER_MAX_SIDE = 1280
SHEET_COLUMNS = 4
SHEET_THUMB_WIDTH = 320


def poster_time(plan: RenderPlan) -> float:
    """When the poster is taken: the middle of the first text block (the title), else a third in."""
    if plan.texts:
        first = plan.texts[0]
        return min(plan.duration_s * 0.95, (first.start_s + first.end_s) / 2)
    return plan.duration_s / 3


def sheet_grid(duration_s: float) -> tuple[int, int]:
    """(columns, rows) for a contact sheet: about one frame per 2.5 s, 4..12 frames."""
    frames = min(12, max(4, math.ceil(duration_s / 2.5)))
    frames = SHEET_COLUMNS * math.ceil(frames / SHEET_COLUMNS)
    return SHEET_COLUMNS, frames // SHEET_COLUMNS


def build_args(plan: RenderPlan, ffmpeg: str, video: Path, poster: Path, sheet: Path, quality: int = 4) -> list[str]:
    cols, rows = sheet_grid(plan.duration_s)
    count = cols * rows
    side = POSTER_MAX_SIDE
    poster_scale = _filter("scale", w=f"min(iw,{side})", h=f"min(ih,{side})", force_original_aspect_ratio="decrease")
    # fps over the key-frame-only stream picks `count` frames spread across the whole duration.
    rate = f"{count}/{plan.duration_s:.3f}"
    # Key frames come once a second: enough to pick from only when the video is long.
    key_frames_only = ["-skip_frame", "nokey"] if plan.duration_s >= 2 * count else []
    thumb = _filter("scale", w=SHEET_THUMB_WIDTH, h=-2)
    graph = (
        f"[0:v]{poster_scale},{_filter('format', 'yuvj420p')}[p];"
        f"[1:v]{_filter('fps', rate)},{thumb},{_filter('tile', f'{cols}x{rows}', padding=4, margin=4)},"
        f"{_filter('format', 'yuvj420p')}[s]"
    )
    return [
        ffmpeg,
        "-hide_banner",
        "-nostdin",
        "-nostats",
        "-loglevel",
        "error",
        "-y",
        "-ss",
        f"{poster_time(plan):.3f}",
        "-t",
        "2",  # read past the seek point only as far as the poster frame needs
        *INPUT_OPTIONS,
        "-i",
        str(video),
        *key_frames_only,
        *INPUT_OPTIONS,
        "-i",
        str(video),
        "-filter_complex",
        graph,
        "-map",
        "[p]",
        "-frames:v",
        "1",
        "-q:v",
        str(quality),
        "-f",
        "image2",
        str(poster),
        "-map",
        "[s]",
        "-frames:v",
        "1",
        "-q:v",
        "5",
        "-f",
        "image2",
        str(sheet),
    ]
