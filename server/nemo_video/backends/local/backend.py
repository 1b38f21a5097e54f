"""The ``local`` backend: the embedded studio engine behind the Backend protocol (DESIGN §2–4).

Sessions, media and draft versions live in ``data_dir/studio.sqlite3`` (see :mod:`.store`). A render
is one awaited call in the caller's task: the service's job record is its only record, and cancelling
the call kills ffmpeg and removes its partial files (the renderer's runner and pipeline do that).
The call runs on the render farm (:mod:`nemo_video.render_farm`): in this process by default, taking
the process's one render slot (shared with variants and batch rows), or as a Ray task when
``NEMO_RAY_ADDRESS`` is set, so many clients' exports render at once on the cluster.
A render cannot outlive its process: :meth:`LocalBackend.resume` cleans up what a killed one left
and reports ``render_interrupted``.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Literal

import anyio
import httpx

from ...composition import Operation
from ...config import Settings
from ...draft import Draft, TrackType
from ...errors import DEFAULT_HINTS, ErrorCode, NemoVideoError
from ...locks import is_held, lock_path, render_slot
from ...render_farm import FarmTask, LocalFarm, RenderFarm, create_farm
from ..base import (
    Asset,
    Credits,
    EditOutcome,
    ProgressCallback,
    RenderIdCallback,
    RenderOutput,
    RenderRequest,
    Session,
    SessionState,
)
from ..events import AgentEvent
from . import editor
from .agent import LocalAgent
from .media import MediaImporter
from .render import sidecars
from .store import Store

log = logging.getLogger(__name__)

FREE_NOTE = "The local backend is free: rendering runs on this machine and uses no credits."
RESUME_POLL_S = 0.25  # how often a resumed render checks on the process that runs it


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
        self._local_farm = LocalFarm(settings)
        self._cluster: RenderFarm | None = None  # the Ray farm, joined on the first export that needs it

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

    async def upload(self, session: Session, paths: Sequence[Path] = (), urls: Sequence[str] = ()) -> list[Asset]:
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

    async def render(
        self,
        session: Session,
        draft: Draft,
        request: RenderRequest,
        on_progress: ProgressCallback | None = None,
        on_render_id: RenderIdCallback | None = None,
    ) -> RenderOutput:
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
        render_id = f"render-{uuid.uuid4().hex[:16]}"
        if on_render_id is not None:
            on_render_id(render_id)
        if on_progress is not None:
            on_progress(0.0, "Queued: waiting for the renderer")
        if self._settings.ray_address:
            if self._cluster is None:
                self._cluster = create_farm(self._settings)
            log.info("render %s -> %s on the Ray cluster", render_id, request.destination.name)
            return await self._cluster.render(_task(draft, request), on_progress)
        # One render at a time in this process: each uses every core ffmpeg can get.
        async with render_slot():
            if on_progress is not None:
                on_progress(0.0, "Starting the render")
            log.info("render %s -> %s", render_id, request.destination.name)
            return await self._local_farm.render_here(draft, request, on_progress=on_progress)

    async def resume(
        self,
        render_id: str,
        request: RenderRequest,
        on_progress: ProgressCallback | None = None,
        on_render_id: RenderIdCallback | None = None,
    ) -> RenderOutput:
        """A render started by another process on this data folder: wait for it while it runs there and
        return its file once saved. One whose process is gone is reported ``render_interrupted``, after
        removing what it left behind."""
        destination = request.destination.expanduser().absolute()
        waited = False
        while await anyio.to_thread.run_sync(_rendering_elsewhere, destination):
            if on_progress is not None and not waited:
                on_progress(0.0, "Rendering in another nemo-video process")
            waited = True
            await anyio.sleep(RESUME_POLL_S)
        if destination.is_file() and (waited or not request.overwrite):
            return _saved_output(destination)
        await anyio.to_thread.run_sync(_remove_orphaned_partials, destination)
        raise _interrupted(f"The render {render_id} stopped when nemo-video restarted.")

    async def aclose(self) -> None:
        if self._store is not None:
            await self._store.aclose()
            self._store = None
        if self._cluster is not None:
            await self._cluster.aclose()


def _task(draft: Draft, request: RenderRequest) -> FarmTask:
    return FarmTask(
        draft=draft.to_wire(),
        destination=request.destination,
        format=request.format,
        quality=request.quality,
        height=request.height,
        overwrite=request.overwrite,
    )


def _interrupted(message: str) -> NemoVideoError:
    code = ErrorCode.RENDER_INTERRUPTED
    return NemoVideoError(code, message, hint=DEFAULT_HINTS[code])


def _saved_output(destination: Path) -> RenderOutput:
    """The file a render saved (and its poster and contact sheet when they are there)."""
    poster, sheet = sidecars(destination)
    suffix = destination.suffix.lstrip(".").lower()
    return RenderOutput(
        path=destination,
        size_bytes=destination.stat().st_size,
        format=suffix if suffix in ("mp4", "webm", "mov", "gif") else "mp4",  # type: ignore[arg-type]
        poster=poster if poster.is_file() else None,
        contact_sheet=sheet if sheet.is_file() else None,
    )


def _partials(destination: Path) -> list[tuple[Path, int]]:
    """The renderer's temporaries for ``destination`` (``.<stem>.<pid>.<tag>.partial.*``) with their pid."""
    prefix = f".{destination.stem}."
    try:
        names = [p for p in destination.parent.iterdir() if p.name.startswith(prefix)]
    except OSError:
        return []
    found: list[tuple[Path, int]] = []
    for path in names:
        pid, _, rest = path.name[len(prefix) :].partition(".")
        if pid.isdigit() and "partial" in rest.split("."):
            found.append((path, int(pid)))
    return found


def _rendering_elsewhere(destination: Path) -> bool:
    """Another live process is writing ``destination``: it holds the name's lock (nemo_video.locks), or
    its temporaries carry a live pid."""
    if is_held(lock_path(destination)):
        return True
    return any(pid != os.getpid() and _alive(pid) for _, pid in _partials(destination))


def _remove_orphaned_partials(destination: Path) -> None:
    """Delete the temporaries a killed process left for ``destination`` (``.<stem>.<pid>.<tag>.partial.*``).

    The renderer removes its own on failure or cancellation; only a process that was killed outright
    leaves them, and its pid is then gone. Files of a live pid belong to a render still running.
    """
    for path, pid in _partials(destination):
        if not _alive(pid):
            log.info("Removing %s, left by an interrupted render", path.name)
            path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True
