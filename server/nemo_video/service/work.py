"""The bodies of the service's jobs: one agent message, one render (and its resumption)."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio

from ..backends.base import RenderRequest, RenderStatus, Session
from ..backends.events import Closed, Error, Heartbeat, Text, ToolCall, ToolResult
from ..draft import Draft
from ..errors import DEFAULT_HINTS, ErrorCode, NemoVideoError
from ..media import locate
from .jobs import Job
from .outputs import describe, make_poster
from .results import ExportResult, GenerateResult, OfferedAction

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


async def run_message(service: VideoService, job: Job, session: Session, text: str) -> dict[str, Any]:
    before = await service._state(session)
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
                raise NemoVideoError(code, f"The agent's answer stopped early ({event.reason}); the request "
                                     "was not sent again, to avoid paying twice.")
    except NemoVideoError as exc:
        if exc.code == ErrorCode.SESSION_NOT_FOUND:
            service.adopt_replacement(exc)
        raise
    job.progress(0.9, "reading the timeline")
    after = await service._state(session)
    return (await _shape_reply(service, session, "\n\n".join(t for t in texts if t.strip()),
                               before.draft, after.draft, note=" ".join(notes))).model_dump(mode="json")


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


async def _shape_reply(service: VideoService, session: Session, reply: str,
                       before: Draft | None, after: Draft | None, note: str = "") -> GenerateResult:
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
            offered.append(OfferedAction(kind=action.kind, phrase=action.phrase,
                                         spends_credits=action.spends_credits,
                                         next_call=_NEXT_CALL.get(action.kind, "get_state")))
    return GenerateResult(
        session_id=session.id, reply=reply, silent_edit=silent, changes=changes, summary=summarize(after),
        exportable=bool(after and after.exportable),
        duration_s=round(after.total_ms() / 1000, 3) if after else None,
        draft=after.to_wire() if after else None, offered_actions=offered, credits=credits,
        notice=session.notice,
    )


# ---------------------------------------------------------------- render


async def run_render(service: VideoService, job: Job, session: Session, draft: Draft | None,
                     request: RenderRequest) -> dict[str, Any]:
    assert draft is not None
    try:
        status = await service.backend.start_render(session, draft, request)
        job.set_render_id(status.job_id)
        return await _follow_render(service, job, status, request.destination)
    finally:
        service.names.release(request.destination)


async def resume_render(service: VideoService, job: Job) -> dict[str, Any]:
    record = job.record
    assert record.render_id is not None
    destination = Path(str(record.request.get("destination")))
    try:
        status = await service.backend.render_status(record.render_id)
    except NemoVideoError as exc:
        if exc.code in (ErrorCode.UNKNOWN_JOB, ErrorCode.RENDER_INTERRUPTED):
            raise NemoVideoError(ErrorCode.RENDER_INTERRUPTED,
                                 "The render stopped when nemo-video restarted.") from exc
        raise
    return await _follow_render(service, job, status, destination)


async def _follow_render(service: VideoService, job: Job, status: RenderStatus,
                         destination: Path) -> dict[str, Any]:
    settings = service.settings
    cloud = service.backend.name == "cloud"
    interval = settings.render_poll_s if cloud else min(0.25, settings.render_poll_s)
    # A local render enforces the limit itself (the runner stops ffmpeg and says so); a deadline
    # here would only stop *following* a render that still writes its file, or one still queued.
    deadline = time.monotonic() + settings.render_timeout_s if cloud else float("inf")
    while status.status not in ("completed", "failed"):
        job.progress(0.05 + 0.85 * (status.progress or 0.0), status.message or f"rendering ({status.status})")
        if time.monotonic() > deadline:
            raise NemoVideoError(ErrorCode.RENDER_TIMEOUT, "The render did not finish in time.")
        await anyio.sleep(interval)
        status = await service.backend.render_status(status.job_id)
        job.set_render_id(status.job_id)  # a cloud retry may hand back a new id: continue with it
    if status.status == "failed":
        raise _render_error(status)
    job.progress(0.9, "saving the video")

    def fetched(fraction: float, message: str) -> None:
        job.progress(0.9 + 0.08 * fraction, message or "downloading")

    output = await service.backend.fetch_output(status, destination, fetched)
    ffmpeg = locate(settings)
    output = await describe(output, ffmpeg)
    poster = output.poster if output.poster and output.poster.exists() else None
    if poster is None:
        job.progress(0.98, "making a poster frame")
        poster = await make_poster(output.path, ffmpeg, output.duration_s)
    path = output.path.resolve()
    return ExportResult(
        path=str(path), uri=path.as_uri(), size_bytes=output.size_bytes, format=output.format,
        duration_s=output.duration_s, width=output.width, height=output.height,
        poster=str(poster.resolve()) if poster else None,
        contact_sheet=str(output.contact_sheet.resolve()) if output.contact_sheet else None,
    ).model_dump(mode="json")


def _render_error(status: RenderStatus) -> NemoVideoError:
    try:
        code = ErrorCode(status.error or "render_failed")
    except ValueError:
        code = ErrorCode.RENDER_FAILED
    detail = (status.message or status.error or "no reason given").removesuffix(DEFAULT_HINTS[code]).strip()
    detail = detail.rstrip(".")  # the hint is added once, below; the message ends with one full stop
    if code == ErrorCode.RENDER_INTERRUPTED:
        return NemoVideoError(code, "The render stopped when nemo-video restarted.")
    if code == ErrorCode.RENDER_TIMEOUT:  # the render was stopped: "call job_status later" would not help
        return NemoVideoError(code, f"The render failed: {detail}.", hint="Export a shorter video or a "
                              "lower height, or raise NEMO_RENDER_TIMEOUT_SECONDS.")
    return NemoVideoError(code, f"The render failed: {detail}.")
