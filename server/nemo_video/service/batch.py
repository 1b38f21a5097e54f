"""Batch: one session and one render per row of a file, with a results file (the skill's "batch style").

Bad rows are found (with their line numbers) before anything renders and written to the results
file first. Every good row gets its own session: its media are uploaded, its request sent, and its
video rendered once per format (or once in its own shape). Locally the renders are farm tasks, so on
Ray rows render at once; on the cloud they are free renders on NemoVideo's proxy, while each request
spends credits: a cloud batch needs the caller's consent, reads the balance before it starts, and
never sends a row's request twice (see :mod:`.batch_results`). A failing row never stops the others.
The results file (JSON Lines: row, name, status, files, error with code and hint) is appended as rows
finish; a rerun skips rows whose files are all there.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio

from ..backends.base import Credits, OutputFormat, Quality, Session
from ..backends.events import Closed, Error
from ..errors import ErrorCode, NemoVideoError
from ..render_farm import FarmTask
from .batch_file import BadRow, BatchRow, read_batch
from .batch_results import BatchPlan, plan_batch
from .jobs import DEFAULT_CLIENT, Job, JobRecord
from .variants import many_job, renders_for, start_variants, tag, variant_drafts, variant_summary

if TYPE_CHECKING:
    from .core import VideoService

__all__ = ["plan", "rerun_many", "run_batch", "start_batch"]

log = logging.getLogger(__name__)
RowProgress = Callable[[int, int, str], None]  # (rows done, rows to do, message)
CLOUD_ROWS_AT_ONCE = 3  # rows whose requests are with the agent at the same time (cloud)


def plan(service: VideoService, batch: Path, client: str = DEFAULT_CLIENT) -> BatchPlan:
    """What running ``batch`` now would do (how many paid requests it sends), without doing it."""
    return plan_batch(batch, service.output_dir(client), resume_sent=service.spends_credits)


def check_consent(service: VideoService, planned: BatchPlan, confirm_spend: bool) -> None:
    if service.spends_credits and planned.to_send and not confirm_spend:
        raise NemoVideoError(
            ErrorCode.CONSENT_REQUIRED,
            f"This batch sends {planned.to_send} request(s) to the NemoVideo cloud agent, one per row, "
            "and each spends credits.",
            hint="Ask the user, then run it again with --yes (CLI) or confirm_spend=true (MCP); "
            "or use the free local backend (--backend local).",
        )


async def run_batch(
    service: VideoService,
    batch: Path,
    *,
    format: OutputFormat = "mp4",
    quality: Quality = "high",
    height: int | None = None,
    confirm_spend: bool = False,
    on_row: RowProgress | None = None,
    on_step: Callable[[str], None] | None = None,
    on_bad: Callable[[BadRow], None] | None = None,
    roots: Sequence[Path] = (),
    client: str = DEFAULT_CLIENT,
) -> dict[str, Any]:
    """Render every good row of ``batch``; the summary (counts, bad rows, results file, credits).

    ``on_row(done, total, message)`` is called as each row ends; ``on_step(message)`` says what a row
    is doing meanwhile (uploading, sending, rendering) and, on the cloud, the balance before it starts.

    Media paths must lie under the service's roots plus ``roots`` (the CLI passes the file's folder).
    On the cloud, ``confirm_spend`` must be true when any row's request is still to be sent.
    """
    planned = plan(service, batch, client)
    check_consent(service, planned, confirm_spend)
    credits = await _credits_before(service, planned, on_step)
    folder = planned.results.parent
    folder.mkdir(parents=True, exist_ok=True)
    todo = planned.todo
    lines: list[dict[str, Any]] = []

    def write(entry: dict[str, Any]) -> None:
        with planned.results.open("a", encoding="utf-8") as f:
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def record(entry: dict[str, Any]) -> None:
        lines.append(entry)
        write(entry)

    for invalid in planned.bad:  # said before anything renders
        if on_bad is not None:
            on_bad(invalid)
        record(invalid.to_dict())
    for kept in planned.rows:
        if kept.name in planned.done:
            record({**planned.done[kept.name], "row": kept.line, "status": "skipped"})
    done = 0
    options = _Options(format, quality, height, service.roots(roots))
    # Locally the planner is quick and renders are what run in parallel; on the cloud the agent is slow.
    agents = anyio.CapacityLimiter(CLOUD_ROWS_AT_ONCE if service.spends_credits else 1)

    def say(message: str) -> None:
        if on_step is not None:
            on_step(message)

    async def one(row: BatchRow) -> None:
        nonlocal done
        entry: dict[str, Any] = {"row": row.line, "name": row.name}
        earlier = planned.sent.get(row.name)
        try:
            async with agents:
                session = await _row_session(service, row, earlier, entry, options, write, say)
                tasks = await _tasks(service, session, row, folder, options, resumed=earlier is not None)
            say(f"{row.name}: rendering {len(tasks)} file(s)")
            results_ = await renders_for(service, session).run(tasks)
            entry["variants"] = [variant_summary(t.label, r) for t, r in zip(tasks, results_, strict=True)]
            errors = [r.error for r in results_ if r.error is not None]
            entry["files"] = [str(r.output.path) for r in results_ if r.output is not None]
            entry["status"] = "failed" if errors else "completed"
            if errors:
                entry["error"] = errors[0].to_dict()
        except NemoVideoError as exc:
            entry |= {"status": "failed", "files": [], "error": _row_error(exc, entry).to_dict()}
        done += 1
        record(entry)
        if on_row is not None:
            on_row(done, len(todo), f"{done}/{len(todo)} rows rendered ({row.name}: {entry['status']})")

    async with anyio.create_task_group() as tg:
        for pending in todo:
            tg.start_soon(one, pending)
    return await _summary(service, planned, lines, credits)


def _row_error(exc: NemoVideoError, entry: dict[str, Any]) -> NemoVideoError:
    """A row's failure as its results line says it; a lost cloud session frees the row to be sent anew."""
    if exc.code != ErrorCode.SESSION_NOT_FOUND:
        return exc
    entry.pop("sent", None)
    return NemoVideoError(
        exc.code, exc.message, hint="Run the batch again to send this row anew in a new session (spends credits)."
    )


@dataclass(frozen=True)
class _Options:
    format: OutputFormat
    quality: Quality
    height: int | None
    allowed: Sequence[Path]


async def _credits_before(
    service: VideoService, planned: BatchPlan, on_step: Callable[[str], None] | None
) -> Credits | None:
    """The cloud balance before anything is spent; an empty account is refused before any row runs."""
    if not service.spends_credits:
        return None
    credits = await service.credits()
    if planned.to_send and credits.available is not None and credits.available <= 0:
        raise NemoVideoError(
            ErrorCode.OUT_OF_CREDITS,
            f"The NemoVideo account has no credits left; the batch would send {planned.to_send} request(s).",
        )
    if on_step is not None:
        shown = "unknown" if credits.available is None else str(credits.available)
        on_step(f"credits available: {shown}; sending {planned.to_send} request(s)")
    return credits


async def _row_session(
    service: VideoService,
    row: BatchRow,
    earlier: dict[str, Any] | None,
    entry: dict[str, Any],
    options: _Options,
    write: Callable[[dict[str, Any]], None],
    say: Callable[[str], None],
) -> Session:
    """The row's session: the one its request was already sent in (cloud), or a fresh one where the
    media are uploaded and the request sent. On the cloud a ``sending`` line is written first."""
    from ..guard import check_url, resolve_input_path

    backend = service.backend
    if earlier is not None:  # paid for already: never sent again
        entry |= {"session_id": earlier["session_id"], "sent": True, "request": row.request}
        return Session(id=str(earlier["session_id"]), backend=backend.name, language=service.settings.language)
    paths = [resolve_input_path(p, options.allowed) for p in row.paths]
    urls = [await check_url(u, service.settings.allow_private_urls) for u in row.urls]
    session = await backend.open_session(service.settings.language)
    if paths or urls:
        say(f"{row.name}: uploading {len(paths) + len(urls)} file(s)")
        await backend.upload(session, paths, urls)
    if service.spends_credits:
        entry |= {"session_id": session.id, "sent": True, "request": row.request}
        write({**entry, "status": "sending", "files": []})
    say(f"{row.name}: sending the request")
    await _send(backend, session, row.request)
    return session


async def _tasks(
    service: VideoService, session: Session, row: BatchRow, folder: Path, options: _Options, *, resumed: bool
) -> list[FarmTask]:
    """The row's renders: once per format, or once in the shape its request made."""
    state = await service.backend.state(session)
    if state.draft is None or not state.draft.exportable:
        if resumed:
            raise NemoVideoError(
                ErrorCode.NOTHING_TO_EXPORT,
                f"The request of row {row.line} was sent before (session {session.id}) and made no video; "
                "it was not sent again, to avoid paying twice.",
                hint="To send it again (spends credits), change the row's request or give the row a new name.",
            )
        raise NemoVideoError(
            ErrorCode.NOTHING_TO_EXPORT,
            f"The request of row {row.line} made no video.",
            hint="Describe the video and give it at least one picture or clip.",
        )
    if row.formats:
        drafts = variant_drafts(state.draft, state.media, row.formats)
        named = {a: (d, f"{row.name}-{tag(a)}") for a, d in drafts.items()}
    else:
        ratio = state.draft.meta.ratio if state.draft.meta and state.draft.meta.ratio else "video"
        named = {ratio: (state.draft, row.name)}
    return [
        FarmTask(
            draft=d.to_wire(),
            destination=folder / f"{stem}.{options.format}",
            format=options.format,
            quality=options.quality,
            height=options.height,
            overwrite=True,
            label=label,
        )
        for label, (d, stem) in named.items()
    ]


async def _send(backend: Any, session: Session, text: str) -> None:
    async for event in backend.send(session, text):
        if isinstance(event, Error):
            raise event.exception()
        if isinstance(event, Closed) and event.reason != "end":
            raise NemoVideoError(ErrorCode.STREAM_DROPPED, f"The studio's answer stopped early ({event.reason}).")


async def _summary(
    service: VideoService, planned: BatchPlan, lines: list[dict[str, Any]], before: Credits | None
) -> dict[str, Any]:
    statuses = [e["status"] for e in lines]
    summary: dict[str, Any] = {
        "batch": str(planned.batch),
        "results": str(planned.results),
        "folder": str(planned.results.parent),
        "rendered": statuses.count("completed"),
        "skipped": statuses.count("skipped"),
        "failed": statuses.count("failed"),
        "invalid": statuses.count("invalid"),
        "bad_rows": [b.to_dict() for b in planned.bad],
        "rows": sorted(lines, key=lambda e: int(e.get("row", 0))),
    }
    if before is not None:  # reading the balance costs nothing
        after = await service.credits()
        summary |= {
            "requests_sent": planned.to_send,
            "credits_before": before.model_dump(mode="json"),
            "credits_after": after.model_dump(mode="json"),
        }
    return summary


async def start_batch(
    service: VideoService,
    batch: str | Path,
    *,
    format: OutputFormat = "mp4",
    quality: Quality = "high",
    height: int | None = None,
    confirm_spend: bool = False,
    roots: Sequence[Path] = (),
    client: str = DEFAULT_CLIENT,
) -> Job:
    """``run_batch`` as a job: progress per row, the summary as its result. Bad rows fail nothing.

    The file itself must lie under the service's roots plus ``roots`` (an MCP client's roots). A cloud
    batch without ``confirm_spend`` is refused here, before anything runs."""
    from ..guard import resolve_input_path

    path = resolve_input_path(batch, service.roots(roots))
    read_batch(path)  # an unreadable or empty file is refused now, not in the background
    check_consent(service, plan(service, path, client), confirm_spend)

    async def body(job: Job) -> dict[str, Any]:
        return await run_batch(
            service,
            path,
            format=format,
            quality=quality,
            height=height,
            confirm_spend=confirm_spend,
            roots=roots,
            client=client,
            on_row=lambda done, total, msg: job.progress(done / max(total, 1), msg),
            on_step=lambda msg: job.progress(job.record.fraction, msg),
        )

    return service.jobs.start(
        "render",
        many_job(body),
        client=client,
        message="starting the batch",
        request={
            "batch": str(path),
            "format": format,
            "quality": quality,
            "height": height,
            "roots": [str(r) for r in roots],
        },
    )


async def rerun_many(
    service: VideoService, record: JobRecord, *, confirm_spend: bool = False, client: str = DEFAULT_CLIENT
) -> Job | None:
    """Re-run a variants or batch job as what it was (every format; the batch file, skipping rows
    done); None for a plain export, which the caller re-runs itself."""
    req = record.request
    if "variants" in req:
        return await start_variants(
            service,
            req["variants"],
            format=req.get("format", "mp4"),
            quality=req.get("quality", "high"),
            filename=req.get("filename"),
            height=req.get("height"),
            client=client,
        )
    if "batch" in req:
        return await start_batch(
            service,
            req["batch"],
            format=req.get("format", "mp4"),
            quality=req.get("quality", "high"),
            height=req.get("height"),
            confirm_spend=confirm_spend,
            roots=[Path(r) for r in req.get("roots") or []],
            client=client,
        )
    return None
