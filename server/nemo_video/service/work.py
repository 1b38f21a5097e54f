"""The bodies of the service's jobs: one agent message, one edit, one render (and its resumption)."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import anyio

from ..backends.base import ProgressCallback, RenderOutput, RenderRequest, Session, SessionState
from ..backends.events import Closed, Error, Heartbeat, Text, ToolCall, ToolResult
from ..composition import Composition, Operation, from_draft
from ..composition.describe import describe as describe_op
from ..draft import Draft
from ..errors import ErrorCode, NemoVideoError
from ..media import locate
from .design import with_design_report
from .jobs import Job, JobRecord
from .outputs import describe, make_poster
from .results import EditResult, ExportResult, GenerateResult, OfferedAction

if TYPE_CHECKING:
    from .core import VideoService

logger = logging.getLogger(__name__)

_NEXT_CALL = {
    "export": "export_video",
    "state": "get_state",
    "summary": "get_state",
    "credits": "get_credits",
    "send_edit": "generate_video with the edit in words",
}


# ---------------------------------------------------------------- agent message


async def run_message(service: VideoService, job: Job, session: Session, text: str) -> GenerateResult:
    client = job.record.client
    before = await service._state(session, client)
    texts: list[str] = []  # the agent's own words; none at all makes a silent edit
    notes: list[str] = []  # what the backend wrote about the turn (the diff after a silent stream or a drop)
    try:
        async for event in service.backend.send(session, text):
            _report_event(job, event)
            if isinstance(event, Text):
                (texts if event.origin == "agent" else notes).append(event.text)
            elif isinstance(event, Error):
                raise event.exception()
            elif isinstance(event, Closed) and event.reason == "dropped" and (texts or notes):
                # The backend polled the state after the drop and reported the agent's finished
                # work: that is the answer (the message was still sent only once).
                break
            elif isinstance(event, Closed) and event.reason != "end":
                code = ErrorCode.STREAM_TIMEOUT if event.reason == "timeout" else ErrorCode.STREAM_DROPPED
                raise NemoVideoError(
                    code,
                    f"The agent's answer stopped early ({event.reason}); the request "
                    "was not sent again, to avoid paying twice.",
                )
    except NemoVideoError as exc:
        if exc.code == ErrorCode.SESSION_NOT_FOUND:
            service.adopt_replacement(exc, client)
        raise
    job.progress(0.9, "reading the timeline")
    after = await service._state(session, client)
    return await _shape_reply(
        service, session, "\n\n".join(t for t in texts if t.strip()), before.draft, after.draft, note=" ".join(notes)
    )


def _report_event(job: Job, event: object) -> None:
    # The agent's pace is unknown: creep towards 0.85 so progress stays monotonic and honest.
    estimate = job.record.fraction + (0.85 - job.record.fraction) * 0.1
    if isinstance(event, Text):
        snippet = " ".join(event.text.split())[:80]
        job.progress(estimate, f"agent: {snippet}")
    elif isinstance(event, ToolCall):
        job.progress(estimate, f"agent is working: {event.name}")
    elif isinstance(event, ToolResult):
        job.progress(estimate, f"agent finished {event.name}")
    elif isinstance(event, Heartbeat):
        job.progress(job.record.fraction, "still working")


async def _shape_reply(
    service: VideoService, session: Session, reply: str, before: Draft | None, after: Draft | None, note: str = ""
) -> GenerateResult:
    from ..draft import diff, summarize
    from ..skill import gui

    changes = diff(before, after)
    offered: list[OfferedAction] = []
    credits = None
    silent = not reply.strip()
    if silent:  # the backend's note says what changed (and e.g. that the connection dropped)
        reply = note or gui.summarize_silent_edit(before, after)
    else:
        translation = gui.translate(reply)
        reply = translation.text
        for action in translation.actions:
            if action.kind == "credits" and credits is None:
                credits = await service.backend.credits()  # reading the balance costs nothing
            offered.append(
                OfferedAction(
                    kind=action.kind,
                    phrase=action.phrase,
                    spends_credits=action.spends_credits,
                    next_call=_NEXT_CALL.get(action.kind, "get_state"),
                )
            )
    return GenerateResult(
        session_id=session.id,
        reply=reply,
        silent_edit=silent,
        changes=changes,
        summary=summarize(after),
        exportable=bool(after and after.exportable),
        duration_s=round(after.total_ms() / 1000, 3) if after else None,
        draft=after.to_wire() if after else None,
        offered_actions=offered,
        credits=credits,
        notice=session.notice,
    )


# ---------------------------------------------------------------- edit


async def run_edit(
    service: VideoService, session: Session, before: SessionState, operations: Sequence[Operation], client: str
) -> EditResult:
    names = {a.id: a.name for a in before.media}
    base = from_draft(before.draft, before.media) if before.draft else Composition()
    outcome = await service.backend.edit(session, operations)
    state = await service._state(session, client)
    draft = state.draft
    skipped = {u.index for u in outcome.not_applied}
    applied = [describe_op(op, base, names) for i, op in enumerate(operations) if i not in skipped]
    return EditResult(
        session_id=session.id,
        version=outcome.version or state.version,
        applied=applied,
        not_applied=[f"operation {u.index} ({u.op}): {u.reason}" for u in outcome.not_applied],
        reply=outcome.reply,
        summary=state.summary,
        exportable=bool(draft and draft.exportable),
        duration_s=round(draft.total_ms() / 1000, 3) if draft else None,
        composition=from_draft(draft, state.media) if draft else None,
    )


# ---------------------------------------------------------------- render


async def run_render(
    service: VideoService, job: Job, session: Session, draft: Draft | None, request: RenderRequest
) -> ExportResult:
    """One awaited backend call; cancelling the job cancels it and leaves no file behind."""
    assert draft is not None
    progress = _render_progress(job)
    cancelled = False
    try:
        with _no_file_if_cancelled(request):
            output = await service.backend.render(session, draft, request, progress, job.set_render_id)
            result = await _finish(service, job, output)
            job.progress(0.99, "measuring the design report")
            return await with_design_report(result, draft, locate(service.settings))
    except anyio.get_cancelled_exc_class():
        cancelled = True
        raise
    finally:
        if cancelled:  # its name stays taken in this process: the next export gets a fresh one
            service.names.retire(request.destination)
        else:
            service.names.release(request.destination)


async def resume_render(service: VideoService, job: Job) -> ExportResult:
    """Continue a render started before a restart (cloud), or report it interrupted (local)."""
    record = job.record
    assert record.render_id is not None
    request = RenderRequest(
        destination=Path(str(record.request.get("destination"))),
        format=record.request.get("format", "mp4"),
        quality=record.request.get("quality", "high"),
        height=record.request.get("height"),
    )
    with _no_file_if_cancelled(request):
        output = await service.backend.resume(record.render_id, request, _render_progress(job), job.set_render_id)
        return await _finish(service, job, output)


def _render_progress(job: Job) -> ProgressCallback:
    def on_progress(fraction: float, message: str) -> None:
        job.progress(0.02 + 0.93 * fraction, message or "rendering")

    return on_progress


@contextmanager
def _no_file_if_cancelled(request: RenderRequest) -> Iterator[None]:
    """A cancelled render leaves no file: remove what it wrote if cancelled after writing it.

    The backends already remove their temporaries; this covers a cancel that lands after the file
    was renamed into place (while its poster is made, say). A file that was there before and was not
    replaced is left alone.
    """
    paths = (request.destination, *_sidecars(request.destination))
    before = {path: _identity(path) for path in paths}
    try:
        yield
    except anyio.get_cancelled_exc_class():
        for path in paths:
            now = _identity(path)
            if now is not None and now != before[path]:
                logger.info("Removing %s: its render was cancelled", path.name)
                path.unlink(missing_ok=True)
        raise


def _sidecars(destination: Path) -> tuple[Path, Path]:
    return (
        destination.with_name(f"{destination.stem}.poster.jpg"),
        destination.with_name(f"{destination.stem}.contact.jpg"),
    )


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_ino, info.st_mtime_ns


async def _finish(service: VideoService, job: Job, output: RenderOutput) -> ExportResult:
    ffmpeg = locate(service.settings)
    output = await describe(output, ffmpeg)
    poster = output.poster if output.poster and output.poster.exists() else None
    if poster is None:
        job.progress(0.97, "making a poster frame")
        poster = await make_poster(output.path, ffmpeg, output.duration_s)
    path = output.path.resolve()
    return ExportResult(
        path=str(path),
        uri=path.as_uri(),
        size_bytes=output.size_bytes,
        format=output.format,
        duration_s=output.duration_s,
        width=output.width,
        height=output.height,
        poster=str(poster.resolve()) if poster else None,
        contact_sheet=str(output.contact_sheet.resolve()) if output.contact_sheet else None,
    )


# ---------------------------------------------------------------- restart


def resume(service: VideoService, record: JobRecord) -> None:
    """A job that was running when the last process stopped: resume it (a render) or report it honestly."""
    if record.kind == "render" and record.render_id:
        service.jobs.start(
            "render",
            lambda job: resume_render(service, job),
            job_id=record.id,
            client=record.client,
            message="resuming the render after a restart",
        )
        return
    render = record.kind == "render"
    service.jobs.fail(
        record.id,
        NemoVideoError(
            ErrorCode.RENDER_INTERRUPTED if render else ErrorCode.STREAM_DROPPED,
            f"The {record.kind} job was interrupted when nemo-video restarted; it was not re-sent.",
            hint=None if render else "Call get_state to see what was done.",
        ),
    )
