"""Batch: one session and one render per row of a file, on the render farm, with a results file.

Bad rows are found (with their line numbers) before anything renders and written to the results
file first. Every good row gets its own session: its media are uploaded, its request sent, and its
video rendered once per format (or once in its own shape) as farm tasks, so on Ray rows render at
once. A failing row never stops the others. The results file (JSON Lines: row, name, status, files,
error with code and hint) is appended as rows finish; a rerun skips rows whose files are all there.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio

from ..backends.base import OutputFormat, Quality, Session
from ..backends.events import Closed, Error
from ..errors import ErrorCode, NemoVideoError
from ..render_farm import FarmTask
from .batch_file import BadRow, BatchRow, read_batch
from .jobs import DEFAULT_CLIENT, Job
from .variants import farm_of, many_job, tag, variant_drafts, variant_summary

if TYPE_CHECKING:
    from .core import VideoService

log = logging.getLogger(__name__)
RowProgress = Callable[[int, int, str], None]  # (rows done, rows to do, message)


def results_path(settings_output: Path, batch: Path) -> Path:
    return settings_output / batch.stem / "results.jsonl"


def finished_rows(results: Path) -> dict[str, dict[str, Any]]:
    """Rows a previous run completed whose files are all still there, by name (the last line wins)."""
    done: dict[str, dict[str, Any]] = {}
    if not results.is_file():
        return done
    for line in results.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str):
            continue
        complete = entry.get("status") in ("completed", "skipped") and entry.get("files")
        if complete and all(Path(f).is_file() for f in entry["files"]):
            done[name] = entry
        else:
            done.pop(name, None)
    return done


async def run_batch(
    service: VideoService,
    batch: Path,
    *,
    format: OutputFormat = "mp4",
    quality: Quality = "high",
    height: int | None = None,
    on_row: RowProgress | None = None,
    on_bad: Callable[[BadRow], None] | None = None,
    roots: Sequence[Path] = (),
    client: str = DEFAULT_CLIENT,
) -> dict[str, Any]:
    """Render every good row of ``batch``; the summary (counts, bad rows, results file).

    Media paths must lie under the service's roots plus ``roots`` (the CLI passes the file's folder).
    """
    if service.backend_name != "local":
        raise NemoVideoError(
            ErrorCode.INVALID_INPUT,
            "Batches are made by the local engine only.",
            hint="Run the batch with --backend local.",
        )
    rows, bad = read_batch(batch)
    folder = service.output_dir(client) / batch.stem
    results = results_path(service.output_dir(client), batch)
    folder.mkdir(parents=True, exist_ok=True)
    previous = finished_rows(results)
    todo = [r for r in rows if r.name not in previous]
    lines: list[dict[str, Any]] = []

    def record(entry: dict[str, Any]) -> None:
        lines.append(entry)
        with results.open("a", encoding="utf-8") as f:
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")

    for invalid in bad:  # said before anything renders
        if on_bad is not None:
            on_bad(invalid)
        record(invalid.to_dict())
    for kept in rows:
        if kept.name in previous:
            record({**previous[kept.name], "row": kept.line, "status": "skipped"})
    done = 0
    allowed = service.roots(roots)
    generate_lock = anyio.Lock()  # the planner is quick; renders are what run in parallel

    async def one(row: BatchRow) -> None:
        nonlocal done
        try:
            async with generate_lock:
                tasks = await _prepare(service, row, folder, format, quality, height, allowed)
            results_ = await farm_of(service).run(tasks)
            summaries = [variant_summary(t.label, r) for t, r in zip(tasks, results_, strict=True)]
            entry: dict[str, Any] = {"row": row.line, "name": row.name, "variants": summaries}
            errors = [r.error for r in results_ if r.error is not None]
            entry["files"] = [str(r.output.path) for r in results_ if r.output is not None]
            entry["status"] = "failed" if errors else "completed"
            if errors:
                entry["error"] = errors[0].to_dict()
        except NemoVideoError as exc:
            entry = {"row": row.line, "name": row.name, "status": "failed", "files": [], "error": exc.to_dict()}
        done += 1
        record(entry)
        if on_row is not None:
            on_row(done, len(todo), f"{done}/{len(todo)} rows rendered ({row.name}: {entry['status']})")

    async with anyio.create_task_group() as tg:
        for pending in todo:
            tg.start_soon(one, pending)
    statuses = [e["status"] for e in lines]
    return {
        "batch": str(batch),
        "results": str(results),
        "folder": str(folder),
        "rendered": statuses.count("completed"),
        "skipped": statuses.count("skipped"),
        "failed": statuses.count("failed"),
        "invalid": statuses.count("invalid"),
        "bad_rows": [b.to_dict() for b in bad],
        "rows": sorted(lines, key=lambda e: int(e.get("row", 0))),
    }


async def _prepare(
    service: VideoService,
    row: BatchRow,
    folder: Path,
    format: OutputFormat,
    quality: Quality,
    height: int | None,
    allowed: Sequence[Path],
) -> list[FarmTask]:
    """A fresh session for the row: upload, send the request, and the farm tasks of its formats."""
    from ..guard import check_url, resolve_input_path

    paths = [resolve_input_path(p, allowed) for p in row.paths]
    backend = service.backend
    session = await backend.open_session(service.settings.language)
    urls = [await check_url(u, service.settings.allow_private_urls) for u in row.urls]
    if paths or urls:
        await backend.upload(session, paths, urls)
    await _send(backend, session, row.request)
    state = await backend.state(session)
    if state.draft is None or not state.draft.exportable:
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
            destination=folder / f"{stem}.{format}",
            format=format,
            quality=quality,
            height=height,
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


async def start_batch(
    service: VideoService,
    batch: str | Path,
    *,
    format: OutputFormat = "mp4",
    quality: Quality = "high",
    height: int | None = None,
    roots: Sequence[Path] = (),
    client: str = DEFAULT_CLIENT,
) -> Job:
    """``run_batch`` as a job: progress per row, the summary as its result. Bad rows fail nothing.

    The file itself must lie under the service's roots plus ``roots`` (an MCP client's roots)."""
    from ..guard import resolve_input_path

    path = resolve_input_path(batch, service.roots(roots))
    read_batch(path)  # an unreadable or empty file is refused now, not in the background

    async def body(job: Job) -> dict[str, Any]:
        return await run_batch(
            service,
            path,
            format=format,
            quality=quality,
            height=height,
            roots=roots,
            client=client,
            on_row=lambda done, total, msg: job.progress(done / max(total, 1), msg),
        )

    return service.jobs.start(
        "render",
        many_job(body),
        client=client,
        message="starting the batch",
        request={"batch": str(path), "format": format, "quality": quality, "height": height},
    )
