"""The ``local`` backend: the embedded studio engine behind the Backend protocol (DESIGN §2–4).

Sessions, media, draft versions and jobs live in ``data_dir/studio.sqlite3`` (see :mod:`.store`).
A render runs as a background task in this process; its live progress is kept in memory and its
outcome written to the store, so after a restart a render that was cut off reports itself as
``render_interrupted`` instead of hanging in "processing" forever.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import anyio
import httpx

from ...composition import Operation
from ...config import Settings
from ...draft import Draft, TrackType
from ...errors import DEFAULT_HINTS, ErrorCode, NemoVideoError
from ...locks import is_held, lock_path
from ..base import (
    Asset,
    Credits,
    EditOutcome,
    ProgressCallback,
    RenderOutput,
    RenderRequest,
    RenderStatus,
    Session,
    SessionState,
)
from ..events import AgentEvent
from . import editor
from .agent import LocalAgent
from .media import MediaImporter
from .render import render_draft, sidecars
from .store import JobRow, Store

log = logging.getLogger(__name__)

FREE_NOTE = "The local backend is free: rendering runs on this machine and uses no credits."
_RUNNING = ("pending", "processing")
MAX_PARALLEL_RENDERS = 1


@dataclass
class _LiveRender:
    task: asyncio.Task[None] | None = None
    status: Literal["pending", "processing"] = "pending"
    progress: float = 0.0
    message: str = "Queued: waiting for the renderer"


class LocalBackend:
    """Implements :class:`~nemo_video.backends.base.Backend` on this machine, offline and free."""

    name: Literal["local"] = "local"

    def __init__(self, settings: Settings, *, http: httpx.AsyncClient | None = None) -> None:
        self._settings = settings
        self._http = http
        self._store: Store | None = None
        self._agent: LocalAgent | None = None
        self._media: MediaImporter | None = None
        self._open_lock = anyio.Lock()
        self._live: dict[str, _LiveRender] = {}
        # One render at a time: each uses every core ffmpeg can get, so parallel renders only thrash.
        self._render_slots = anyio.Semaphore(MAX_PARALLEL_RENDERS)

    async def _ready(self) -> Store:
        """Open the store on first use (nothing touches the disk at construction)."""
        async with self._open_lock:
            if self._store is None:
                store = await Store.open(self._settings.data_dir / "studio.sqlite3")
                self._agent = LocalAgent(store)
                self._media = MediaImporter(self._settings, store, http=self._http)
                self._store = store
            return self._store

    # ------------------------------------------------------------ sessions and the agent

    async def open_session(self, language: str = "en") -> Session:
        store = await self._ready()
        row = await store.create_session(f"local-{uuid.uuid4().hex[:16]}", language)
        return Session(id=row.id, backend="local", language=row.language, created_at=row.created_at)

    async def send(self, session: Session, message: str) -> AsyncIterator[AgentEvent]:
        await self._ready()
        assert self._agent is not None
        events = await self._agent.handle(session.id, message)
        for event in events:
            yield event

    async def upload(
        self, session: Session, paths: Sequence[Path] = (), urls: Sequence[str] = ()
    ) -> list[Asset]:
        store = await self._ready()
        assert self._media is not None
        await store.get_session(session.id)
        return await self._media.import_batch(session.id, [Path(p) for p in paths], urls)

    async def credits(self) -> Credits:
        return Credits(unlimited=True, note=FREE_NOTE)

    async def state(self, session: Session) -> SessionState:
        store = await self._ready()
        await store.get_session(session.id)
        current = await store.current_draft(session.id)
        media = await store.list_media(session.id)
        return SessionState(session_id=session.id, draft=current.draft, media=media, version=current.version)

    async def edit(self, session: Session, operations: Sequence[Operation]) -> EditOutcome:
        store = await self._ready()
        assert self._agent is not None
        row = await store.get_session(session.id)
        async with self._agent.lock(session.id):
            return await editor.edit(store, session.id, operations, row.language)

    # ------------------------------------------------------------ rendering

    async def start_render(self, session: Session, draft: Draft, request: RenderRequest) -> RenderStatus:
        store = await self._ready()
        await store.get_session(session.id)
        if draft is None or not draft.exportable or not draft.tracks_of(TrackType.VIDEO):
            raise NemoVideoError(
                ErrorCode.NOTHING_TO_EXPORT, "The timeline has no pictures yet: there is nothing to export."
            )
        if request.destination.exists() and not request.overwrite:
            raise NemoVideoError(ErrorCode.OUTPUT_EXISTS, f"{request.destination} already exists.")
        assert self._media is not None
        used = {seg.src for track in draft.tracks for seg in track.segments if seg.src}
        await self._media.verify(a for a in await store.list_media(session.id) if a.src in used)
        job_id = f"render-{uuid.uuid4().hex[:16]}"
        await store.create_job(
            job_id, session.id, "render", status="pending", message=_LiveRender.message,
            request=request.model_dump(mode="json"),
        )
        live = _LiveRender()
        self._live[job_id] = live
        live.task = asyncio.create_task(self._render(store, job_id, draft, request, live), name=job_id)
        return RenderStatus(job_id=job_id, status=live.status, progress=0.0, message=live.message)

    async def _render(
        self, store: Store, job_id: str, draft: Draft, request: RenderRequest, live: _LiveRender
    ) -> None:
        def on_progress(fraction: float, message: str) -> None:
            live.progress = min(max(fraction, live.progress, 0.0), 1.0)  # never goes backwards
            live.message = message

        try:
            async with self._render_slots:
                live.status, live.message = "processing", "Starting the render"
                await store.update_job(job_id, status="processing", message=live.message)
                output = await render_draft(draft, request, self._settings, on_progress=on_progress)
        except asyncio.CancelledError:
            with anyio.CancelScope(shield=True):
                await self._fail(store, job_id, _interrupted("The render was stopped before it finished."))
            raise
        except NemoVideoError as exc:
            log.info("render %s failed: %s", job_id, exc.message)  # the caller is told; no second line
            await self._fail(store, job_id, exc)
        except Exception as exc:  # a bug: report it as one instead of leaving the job hanging
            log.exception("render %s crashed", job_id)
            crash = NemoVideoError(ErrorCode.INTERNAL, f"The render crashed: {exc!r}.")
            await self._fail(store, job_id, crash)
        else:
            await store.update_job(
                job_id, status="completed", progress=1.0, message=f"Rendered {output.path.name}",
                result=output.model_dump(mode="json"),
            )
        finally:
            self._live.pop(job_id, None)

    async def _fail(self, store: Store, job_id: str, error: NemoVideoError) -> None:
        await store.update_job(
            job_id, status="failed", message=error.message,
            error={"code": error.code.value, "message": error.message, "hint": error.hint},
        )

    async def render_status(self, job_id: str) -> RenderStatus:
        store = await self._ready()
        live = self._live.get(job_id)
        if live is not None:
            return RenderStatus(
                job_id=job_id, status=live.status, progress=live.progress, message=live.message
            )
        row = await self._settled(store, job_id)
        if row.status in _RUNNING:  # rendering in another process on this data folder
            return RenderStatus(job_id=job_id, status="processing", progress=row.progress, message=row.message)
        if row.status == "completed":
            output = RenderOutput.model_validate(row.result or {})
            return RenderStatus(
                job_id=job_id, status="completed", progress=1.0, message=row.message,
                output_url=output.path.as_uri(),
            )
        error = _error_of(row)
        return RenderStatus(
            job_id=job_id, status="failed", progress=row.progress, message=f"{error.message} {error.hint}",
            error=error.code.value,
        )

    async def _settled(self, store: Store, job_id: str) -> JobRow:
        """The job's row; one left running by a process that is gone is marked interrupted first."""
        row = await store.get_job(job_id)
        if row.kind != "render":
            raise NemoVideoError(ErrorCode.UNKNOWN_JOB, f"Job {job_id!r} is not a render.")
        if row.status in _RUNNING and job_id not in self._live and not _alive_elsewhere(row):
            await self._fail(store, job_id, _interrupted("The render stopped when nemo-video restarted."))
            destination = (row.request or {}).get("destination")
            if isinstance(destination, str) and destination:
                await anyio.to_thread.run_sync(_remove_orphaned_partials, Path(destination))
            row = await store.get_job(job_id)
        return row

    async def fetch_output(
        self, status: RenderStatus, destination: Path, on_progress: ProgressCallback | None = None
    ) -> RenderOutput:
        store = await self._ready()
        if status.job_id in self._live:
            raise NemoVideoError(ErrorCode.JOB_RUNNING, f"Render {status.job_id} is still running.")
        row = await self._settled(store, status.job_id)
        if row.status != "completed":
            raise _error_of(row)
        output = RenderOutput.model_validate(row.result or {})
        if not output.path.is_file():
            raise NemoVideoError(
                ErrorCode.MEDIA_NOT_FOUND, f"The rendered file {output.path} is gone.",
                hint="Call export_video again to render it anew.",
            )
        target = Path(destination).expanduser().absolute()
        if target != output.path.absolute():
            overwrite = bool((row.request or {}).get("overwrite"))
            output = await anyio.to_thread.run_sync(_move_output, output, target, overwrite)
            await store.update_job(status.job_id, result=output.model_dump(mode="json"))
        if on_progress is not None:
            on_progress(1.0, f"Saved {target}")
        return output

    async def aclose(self) -> None:
        tasks = [live.task for live in self._live.values() if live.task is not None]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        if self._store is not None:
            await self._store.aclose()
            self._store = None


def _interrupted(message: str) -> NemoVideoError:
    code = ErrorCode.RENDER_INTERRUPTED
    return NemoVideoError(code, message, hint=DEFAULT_HINTS[code])


def _remove_orphaned_partials(destination: Path) -> None:
    """Delete the temporaries a killed process left for ``destination`` (``.<stem>.<pid>.<tag>.partial.*``).

    The renderer removes its own on failure or cancellation; only a process that was killed outright
    leaves them, and its pid is then gone. Files of a live pid belong to a render still running.
    """
    prefix = f".{destination.stem}."
    try:
        names = [p for p in destination.parent.iterdir() if p.name.startswith(prefix)]
    except OSError:
        return
    for path in names:
        pid, _, rest = path.name[len(prefix):].partition(".")
        if pid.isdigit() and "partial" in rest.split(".") and not _alive(int(pid)):
            log.info("Removing %s, left by an interrupted render", path.name)
            path.unlink(missing_ok=True)


def _alive_elsewhere(row: JobRow) -> bool:
    """Another process still renders this job: it holds its output name's lock (nemo_video.locks)."""
    destination = (row.request or {}).get("destination")
    return isinstance(destination, str) and bool(destination) and is_held(lock_path(Path(destination)))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _error_of(row: JobRow) -> NemoVideoError:
    error: dict[str, Any] = row.error or {}
    try:
        code = ErrorCode(error.get("code", ErrorCode.RENDER_FAILED))
    except ValueError:
        code = ErrorCode.RENDER_FAILED
    message = str(error.get("message") or row.message or "The render failed.")
    return NemoVideoError(code, message, hint=error.get("hint"), details={"job_id": row.id})


def _move_output(output: RenderOutput, target: Path, overwrite: bool) -> RenderOutput:
    """Move the video to ``target`` and its poster and contact sheet alongside it."""
    _move(output.path, target, overwrite)
    moved: dict[str, Any] = {"path": target}
    for key, current, wanted in zip(("poster", "contact_sheet"), (output.poster, output.contact_sheet),
                                    sidecars(target), strict=True):
        if current is not None and current.is_file() and (overwrite or not wanted.exists()):
            _move(current, wanted, overwrite=True)
            moved[key] = wanted
    return output.model_copy(update=moved)


def _move(source: Path, target: Path, overwrite: bool) -> None:
    if target.exists() and not overwrite:
        raise NemoVideoError(ErrorCode.OUTPUT_EXISTS, f"{target} already exists.")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(source, target)
    except OSError:  # another filesystem: copy under a temporary name, then rename
        partial = target.with_name(f".{target.name}.partial")
        shutil.copyfile(source, partial)
        os.replace(partial, target)
        source.unlink()
