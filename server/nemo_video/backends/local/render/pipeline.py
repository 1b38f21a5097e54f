"""render_draft: facts → plan → ffmpeg → verified file, poster and contact sheet, renamed into place.

Everything is written under temporary names in the destination's folder and renamed only once the
video passed its checks, so a cancelled or failed render leaves nothing behind and never replaces
an existing file unless ``overwrite`` was asked for: the final name is taken with an exclusive
create (a hard link), and the output name's lock (:mod:`nemo_video.locks`) is held for the whole
render so other processes see that it is alive. Failures are told by cause (:mod:`.diagnosis`).
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
from ....locks import RenderLock, lock_path
from ...base import ProgressCallback, RenderOutput, RenderRequest
from . import diagnosis, graph, lifetime, poster, runner, verify
from .plan import RenderPlan, SourceFacts, build_plan

log = logging.getLogger(__name__)
POSTER_QUALITIES = (4, 8, 14, 24)
# With ".<pid>.<tag>.partial.contact.jpg" around it, a longer stem would pass NAME_MAX (255 bytes).
MAX_STEM_BYTES = 200
PALETTE_HEIGHT = 120  # a GIF's colours are chosen on frames this tall: ~1/16 of a 480 px GIF's work


def sidecars(destination: Path) -> tuple[Path, Path]:
    return (
        destination.with_name(destination.stem + ".poster.jpg"),
        destination.with_name(destination.stem + ".contact.jpg"),
    )


async def gather_facts(draft: Draft, ffmpeg: str) -> dict[str, SourceFacts]:
    """Probe the files the plan needs facts about (clips, music, pictures without a stored size);
    every file the timeline uses must still be there."""
    facts: dict[str, SourceFacts] = {}
    for track in draft.tracks:
        for seg in track.segments:
            if not seg.src or seg.src in facts or seg.type not in ("image", "video", "audio"):
                continue
            path = Path(seg.src)
            if not path.is_file():
                raise diagnosis.media_problem(path)
            if seg.type == "image" and seg.source_width and seg.source_height:
                continue
            info = await ff.probe(path, ffmpeg)
            facts[seg.src] = SourceFacts(info.width, info.height, info.duration_s, info.has_audio)
    return facts


async def render_draft(
    draft: Draft, request: RenderRequest, settings: Settings, on_progress: ProgressCallback | None = None
) -> RenderOutput:
    destination = request.destination.expanduser().absolute()
    if len(destination.stem.encode("utf-8", "surrogateescape")) > MAX_STEM_BYTES:
        raise diagnosis.name_too_long(destination, MAX_STEM_BYTES)
    destination = destination.resolve()
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
    lock = _lock(destination)
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        return await _render(plan, destination, ffmpeg, settings, on_progress, small, request.overwrite)
    except OSError as exc:
        raise diagnosis.from_os_error(exc, destination) from exc
    finally:
        lock.release()


async def _render(
    plan: RenderPlan,
    destination: Path,
    ffmpeg: str,
    settings: Settings,
    on_progress: ProgressCallback | None,
    palette_plan: RenderPlan | None = None,
    overwrite: bool = False,
) -> RenderOutput:
    # the pid lets a later process tell a killed render's leftovers from a live one's
    tag = f".{destination.stem}.{os.getpid()}.{secrets.token_hex(4)}.partial"
    temp = destination.with_name(f"{tag}.{plan.format}")
    poster_tmp = destination.with_name(f"{tag}.poster.jpg")
    sheet_tmp = destination.with_name(f"{tag}.contact.jpg")
    palette = destination.with_name(f"{tag}.palette.png")
    poster_path, sheet_path = sidecars(destination)
    timeout = settings.render_timeout_s

    def video_progress(fraction: float, message: str) -> None:
        if on_progress is not None:
            on_progress(round(fraction * 0.95, 4), message)

    with lifetime.temporary_files(temp, poster_tmp, sheet_tmp, palette):
        if palette_plan is not None:
            args = graph.build_palette_args(palette_plan, ffmpeg, palette)
            await _run(args, palette, duration_s=plan.duration_s, timeout_s=timeout, label="Choosing colours")
        args = graph.build_args(plan, ffmpeg, temp, palette if palette_plan else None)
        await _run(args, temp, duration_s=plan.duration_s, timeout_s=timeout, on_progress=video_progress)
        _written(temp, destination)
        info = await ff.probe(temp, ffmpeg)
        verify.check(plan, info, temp)
        await _stills(plan, ffmpeg, temp, poster_tmp, sheet_tmp, settings)
        _place(temp, destination, overwrite)
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


def _lock(destination: Path) -> RenderLock:
    """Hold the output name's lock for the render's life (other processes then see it is alive). A
    lock that cannot be made only costs that view: the exclusive create at the end guards the file."""
    lock = RenderLock(lock_path(destination))
    try:
        taken = lock.acquire()
    except OSError as exc:
        log.warning("Rendering without a lock on the output name: %s", exc)
        return lock
    if not taken:
        raise NemoVideoError(
            ErrorCode.OUTPUT_EXISTS,
            f"Another export is writing {destination.name} right now.",
            hint="Choose another file name, or wait for that export to finish.",
        )
    return lock


async def _run(
    args: list[str],
    output: Path,
    *,
    duration_s: float,
    timeout_s: float,
    on_progress: ProgressCallback | None = None,
    label: str = "Rendering",
) -> None:
    """One ffmpeg run; a failure is told as what caused it (a picture, the folder) where ffmpeg says."""
    try:
        await runner.run_ffmpeg(args, duration_s=duration_s, timeout_s=timeout_s, on_progress=on_progress, label=label)
    except runner.FfmpegFailed as failure:
        raise diagnosis.from_ffmpeg(failure, args, output) from None


def _written(path: Path, destination: Path) -> None:
    """ffmpeg can finish writing into a folder deleted under it: the file is then gone."""
    if not path.is_file():
        gone = not destination.parent.is_dir()
        what = "no longer exists" if gone else "lost the video while it was being written"
        raise diagnosis.not_writable(destination.parent, what)


def _place(temp: Path, destination: Path, overwrite: bool) -> None:
    """Give the video its name; never replace a file that appeared meanwhile unless asked to."""
    if overwrite:
        os.replace(temp, destination)
        return
    try:
        os.link(temp, destination)  # fails if the name exists: an exclusive create
    except FileExistsError:
        raise NemoVideoError(
            ErrorCode.OUTPUT_EXISTS, f"{destination.name} appeared while this export was rendering."
        ) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        if destination.exists():  # a file system without hard links (FAT, some network shares)
            raise NemoVideoError(ErrorCode.OUTPUT_EXISTS, f"{destination.name} appeared meanwhile.") from exc
        os.replace(temp, destination)
        return
    temp.unlink()


async def _stills(
    plan: RenderPlan, ffmpeg: str, video: Path, poster_tmp: Path, sheet_tmp: Path, settings: Settings
) -> None:
    for quality in POSTER_QUALITIES:
        args = poster.build_args(plan, ffmpeg, video, poster_tmp, sheet_tmp, quality)
        await _run(
            args,
            poster_tmp,
            duration_s=plan.duration_s,
            timeout_s=settings.render_timeout_s,
            label="Making the poster",
        )
        if poster_tmp.stat().st_size < poster.POSTER_MAX_BYTES:
            return
    log.warning("poster is %d bytes even at the lowest quality", poster_tmp.stat().st_size)
