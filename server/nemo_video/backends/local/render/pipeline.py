"""render_draft: facts → plan → ffmpeg → verified file, poster and contact sheet, renamed into place.

Everything is written under temporary names in the destination's folder and renamed only once the
video passed its checks, so a cancelled or failed render leaves nothing behind and never replaces
an existing file unless ``overwrite`` was asked for.
"""

from __future__ import annotations

import errno
import logging
import os
import secrets
from pathlib import Path

from .... import media as ff
from ....config import Settings
from ....draft import Draft, TrackType
from ....errors import ErrorCode, NemoVideoError
from ...base import ProgressCallback, RenderOutput, RenderRequest
from . import graph, lifetime, poster, runner, verify
from .plan import RenderPlan, SourceFacts, build_plan

log = logging.getLogger(__name__)
POSTER_QUALITIES = (4, 8, 14, 24)
PALETTE_HEIGHT = 120  # a GIF's colours are chosen on frames this tall: ~1/16 of a 480 px GIF's work


def sidecars(destination: Path) -> tuple[Path, Path]:
    return (
        destination.with_name(destination.stem + ".poster.jpg"),
        destination.with_name(destination.stem + ".contact.jpg"),
    )


async def gather_facts(draft: Draft, ffmpeg: str) -> dict[str, SourceFacts]:
    """Probe the files the plan needs facts about (clips, music, pictures without a stored size)."""
    facts: dict[str, SourceFacts] = {}
    for track in draft.tracks:
        for seg in track.segments:
            if not seg.src or seg.src in facts or seg.type not in ("image", "video", "audio"):
                continue
            if seg.type == "image" and seg.source_width and seg.source_height:
                continue
            path = Path(seg.src)
            if not path.is_file():
                raise NemoVideoError(
                    ErrorCode.MEDIA_NOT_FOUND,
                    f"The timeline uses {path}, which no longer exists.",
                    hint="Upload the file again, or ask the agent to remove it from the video.",
                )
            info = await ff.probe(path, ffmpeg)
            facts[seg.src] = SourceFacts(info.width, info.height, info.duration_s, info.has_audio)
    return facts


def _disk_errors(exc: OSError) -> NemoVideoError | None:
    if exc.errno == errno.ENOSPC:
        return NemoVideoError(ErrorCode.DISK_FULL, "The disk filled up while writing the video.")
    return None


async def render_draft(
    draft: Draft, request: RenderRequest, settings: Settings, on_progress: ProgressCallback | None = None
) -> RenderOutput:
    destination = request.destination.expanduser().resolve()
    if destination.exists() and not request.overwrite:
        raise NemoVideoError(ErrorCode.OUTPUT_EXISTS, f"{destination} already exists.")
    if not draft.exportable or not draft.tracks_of(TrackType.VIDEO):
        raise NemoVideoError(ErrorCode.NOTHING_TO_EXPORT, "The timeline is empty.")
    ffmpeg = ff.locate(settings)
    facts = await gather_facts(draft, ffmpeg)
    plan = build_plan(draft, request, facts, settings.font_dirs)
    small = None
    if plan.format == "gif":  # the palette is chosen from the same video rendered small
        height = min(plan.height, PALETTE_HEIGHT)
        small = build_plan(draft, request.model_copy(update={"height": height}), facts, settings.font_dirs)
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        return await _render(plan, destination, ffmpeg, settings, on_progress, small)
    except OSError as exc:
        raise _disk_errors(exc) or NemoVideoError(
            ErrorCode.RENDER_FAILED, f"Could not write the video: {exc}"
        ) from exc


async def _render(
    plan: RenderPlan,
    destination: Path,
    ffmpeg: str,
    settings: Settings,
    on_progress: ProgressCallback | None,
    palette_plan: RenderPlan | None = None,
) -> RenderOutput:
    # the pid lets a later process tell a killed render's leftovers from a live one's
    tag = f".{destination.stem}.{os.getpid()}.{secrets.token_hex(4)}.partial"
    temp = destination.with_name(f"{tag}.{plan.format}")
    poster_tmp = destination.with_name(f"{tag}.poster.jpg")
    sheet_tmp = destination.with_name(f"{tag}.contact.jpg")
    palette = destination.with_name(f"{tag}.palette.png")
    poster_path, sheet_path = sidecars(destination)

    def video_progress(fraction: float, message: str) -> None:
        if on_progress is not None:
            on_progress(round(fraction * 0.95, 4), message)

    with lifetime.temporary_files(temp, poster_tmp, sheet_tmp, palette):
        if palette_plan is not None:
            await runner.run_ffmpeg(
                graph.build_palette_args(palette_plan, ffmpeg, palette),
                duration_s=plan.duration_s,
                timeout_s=settings.render_timeout_s,
                label="Choosing the GIF's colours",
            )
        await runner.run_ffmpeg(
            graph.build_args(plan, ffmpeg, temp, palette if palette_plan else None),
            duration_s=plan.duration_s,
            timeout_s=settings.render_timeout_s,
            on_progress=video_progress,
        )
        info = await ff.probe(temp, ffmpeg)
        verify.check(plan, info, temp)
        await _stills(plan, ffmpeg, temp, poster_tmp, sheet_tmp, settings)
        os.replace(temp, destination)
        os.replace(poster_tmp, poster_path)
        os.replace(sheet_tmp, sheet_path)
        palette.unlink(missing_ok=True)
    if on_progress is not None:
        on_progress(1.0, f"Rendered {plan.duration_s:g} s to {destination.name}")
    return RenderOutput(
        path=destination,
        size_bytes=destination.stat().st_size,
        format=plan.format,
        duration_s=info.duration_s,
        width=info.width,
        height=info.height,
        poster=poster_path,
        contact_sheet=sheet_path,
    )


async def _stills(
    plan: RenderPlan, ffmpeg: str, video: Path, poster_tmp: Path, sheet_tmp: Path, settings: Settings
) -> None:
    for quality in POSTER_QUALITIES:
        args = poster.build_args(plan, ffmpeg, video, poster_tmp, sheet_tmp, quality)
        await runner.run_ffmpeg(
            args, duration_s=plan.duration_s, timeout_s=settings.render_timeout_s, label="Making the poster"
        )
        if poster_tmp.stat().st_size < poster.POSTER_MAX_BYTES:
            return
    log.warning("poster is %d bytes even at the lowest quality", poster_tmp.stat().st_size)
