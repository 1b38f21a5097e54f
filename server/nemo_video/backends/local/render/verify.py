"""Post-render checks: the file is what the plan asked for, before it gets its final name."""

from __future__ import annotations

from pathlib import Path

from ....errors import ErrorCode, NemoVideoError
from ....media import MediaInfo, moov_before_mdat
from .plan import RenderPlan

_CODECS = {"mp4": "h264", "mov": "h264", "webm": "vp9", "gif": "gif"}


def problems(plan: RenderPlan, info: MediaInfo, path: Path) -> list[str]:
    """What is wrong with the rendered file (empty when it is right)."""
    found: list[str] = []
    if info.video_codec != _CODECS[plan.format]:
        found.append(f"video codec {info.video_codec}, expected {_CODECS[plan.format]}")
    if (info.width, info.height) != (plan.width, plan.height):
        found.append(f"size {info.width}x{info.height}, expected {plan.width}x{plan.height}")
    # GIF frame delays are in centiseconds, so allow a little more there.
    slack = (1.0 / plan.fps) + (0.05 if plan.format == "gif" else 0.0)
    if info.duration_s is None or abs(info.duration_s - plan.duration_s) > slack + 1e-3:
        found.append(f"duration {info.duration_s}, expected {plan.duration_s:.3f} s")
    if plan.format != "gif" and not info.has_audio:
        found.append("no audio track")
    if plan.format in ("mp4", "mov"):
        if info.pix_fmt != "yuv420p":
            found.append(f"pixel format {info.pix_fmt}")
        if not moov_before_mdat(path):
            found.append("index not at the front (faststart)")
    return found


def check(plan: RenderPlan, info: MediaInfo, path: Path) -> None:
    found = problems(plan, info, path)
    if found:
        raise NemoVideoError(ErrorCode.RENDER_FAILED, "The rendered file failed its checks: " + "; ".join(found) + ".")
