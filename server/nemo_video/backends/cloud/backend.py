"""``CloudBackend``: the NemoVideo HTTP API behind the :class:`~nemo_video.backends.base.Backend`
protocol. Construction does no I/O; the first call fetches (or reads the cached) token.

A lost session (1002, or ``/run_sse``'s 404) is never papered over: a new session is opened and
``session_not_found`` is raised with ``details["new_session_id"]`` so the service adopts it and
tells the user the old timeline is gone. Nothing is re-sent to the agent on the new session.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any, Literal, NoReturn, TypeVar

import httpx

from ...composition import Composition, Operation, apply, from_draft, history_op
from ...config import Settings
from ...draft import Draft
from ...errors import ErrorCode, NemoVideoError
from ..base import (
    Asset,
    Credits,
    EditOutcome,
    ProgressCallback,
    RenderIdCallback,
    RenderOutput,
    RenderRequest,
    RenderStatus,
    Session,
    SessionState,
)
from ..events import AgentEvent, Error, Text
from . import edits
from .api import Api
from .download import fetch_output
from .http import HttpClient
from .media import assets_from_wire, check_paths, check_urls
from .redact import install_filter, log, redact_event
from .render import Renders
from .stream import APP_NAME, AgentStream

T = TypeVar("T")

SESSION_PATH = f"/api/tasks/me/with-session/{APP_NAME}"
CREDITS_PATH = "/api/credits/balance/simple"


def state_path(session_id: str) -> str:
    return f"/api/state/{APP_NAME}/me/{session_id}/latest"


def upload_path(session_id: str) -> str:
    return f"/api/upload-video/{APP_NAME}/me/{session_id}"


class CloudBackend:
    name: Literal["local", "cloud"] = "cloud"

    def __init__(self, settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        install_filter()
        self.settings = settings
        self.http = HttpClient(settings, transport)
        self.api = Api(settings, self.http)
        self.agent = AgentStream(settings, self.api)
        self.renders = Renders(settings, self.api)

    # ------------------------------------------------------------ sessions and the agent

    async def open_session(self, language: str = "en") -> Session:
        body = {"task_name": "project", "language": language}
        data = await self.api.call("POST", SESSION_PATH, json_body=body)
        session_id = data.get("session_id") if isinstance(data, dict) else None
        if session_id in (None, ""):
            raise NemoVideoError(ErrorCode.BACKEND_ERROR, "NemoVideo created a session but sent no session id.")
        log.info("Opened NemoVideo session %s", session_id)
        return Session(id=str(session_id), backend="cloud", language=language)

    async def send(self, session: Session, message: str) -> AsyncIterator[AgentEvent]:
        try:
            async for event in self.agent.run(session.id, message, lambda: self._draft(session.id)):
                yield redact_event(event)
            return
        except NemoVideoError as exc:
            if not _is_lost(exc):
                raise
        await self._replace_lost(session)

    async def edit(self, session: Session, operations: Sequence[Operation]) -> EditOutcome:
        """The operations as one instruction to the agent; then the state is read back and checked."""
        if history_op(operations) is not None:  # the agent's own words for it (skill intent table)
            message = "undo the last change" if operations[0].op == "undo" else "redo the last undone change"
            reply = await self._reply(session, message)
            return EditOutcome(draft=(await self.state(session)).draft, reply=reply)
        before_state = await self.state(session)
        media = before_state.media
        names = {a.id: a.name for a in media}
        before = from_draft(before_state.draft, media) if before_state.draft else Composition()
        expected = apply(before, operations, media)  # refuses a bad list before anything is spent
        reply = await self._reply(session, edits.instruction(operations, before, names))
        after_draft = (await self.state(session)).draft
        after = from_draft(after_draft, media) if after_draft else Composition()
        return EditOutcome(
            draft=after_draft, reply=reply, not_applied=edits.not_applied(operations, expected, after, names)
        )

    async def _reply(self, session: Session, message: str) -> str:
        texts = []
        async for event in self.send(session, message):
            if isinstance(event, Error):  # a failed turn is an error, not an empty reply
                raise event.exception()
            if isinstance(event, Text):
                texts.append(event.text)
        return "".join(texts).strip()

    # ------------------------------------------------------------ media, credits, state

    async def upload(self, session: Session, paths: Sequence[Path] = (), urls: Sequence[str] = ()) -> list[Asset]:
        files, links = check_paths(paths), check_urls(urls)
        if not files and not links:
            raise NemoVideoError(ErrorCode.INVALID_INPUT, "Nothing to upload: give at least one path or URL.")
        assets: list[Asset] = []
        if files:
            parts = [("files", path, mime) for path, mime in files]
            sizes = {path.name: path.stat().st_size for path, _ in files}
            path = upload_path(session.id)
            data = await self._scoped(session, lambda: self.api.call("POST", path, files=parts))
            assets += assets_from_wire(_items(data), sizes)
        if links:
            body = {"urls": links, "source_type": "url"}
            path = upload_path(session.id)
            data = await self._scoped(session, lambda: self.api.call("POST", path, json_body=body))
            assets += assets_from_wire(_items(data))
        return assets

    async def credits(self) -> Credits:
        data = await self.api.call("GET", CREDITS_PATH)
        data = data if isinstance(data, dict) else {}
        return Credits(
            available=_int(data.get("available")), frozen=_int(data.get("frozen")), total=_int(data.get("total"))
        )

    async def state(self, session: Session) -> SessionState:
        state = await self._scoped(session, lambda: self._raw_state(session.id))
        generated = state.get("generated_media")
        generated = generated if isinstance(generated, list) else []
        return SessionState(
            session_id=session.id,
            draft=Draft.from_wire(state.get("draft")),
            media=assets_from_wire(state.get("video_infos")),
            generated_media=[g for g in generated if isinstance(g, dict)],
        )

    async def _raw_state(self, session_id: str) -> dict[str, Any]:
        data = await self.api.call("GET", state_path(session_id))
        state = data.get("state") if isinstance(data, dict) else None
        if isinstance(state, str):  # defensively: a JSON-encoded state
            try:
                state = json.loads(state)
            except json.JSONDecodeError:
                state = None
        return state if isinstance(state, dict) else {}

    async def _draft(self, session_id: str) -> Draft | None:
        return Draft.from_wire((await self._raw_state(session_id)).get("draft"))

    # ------------------------------------------------------------ export

    async def render(
        self,
        session: Session,
        draft: Draft,
        request: RenderRequest,
        on_progress: ProgressCallback | None = None,
        on_render_id: RenderIdCallback | None = None,
    ) -> RenderOutput:
        """Submit, poll until done, then download: one awaited call (see :class:`Renders`)."""
        if not draft.exportable:
            raise NemoVideoError(ErrorCode.NOTHING_TO_EXPORT, "The timeline is empty; there is nothing to export.")
        if request.destination.exists() and not request.overwrite:
            raise NemoVideoError(ErrorCode.OUTPUT_EXISTS, f"{request.destination} already exists.")
        started = await self._scoped(session, lambda: self.renders.start(session.id, draft, request))
        return await self._finish(started, request, on_progress, on_render_id)

    async def resume(
        self,
        render_id: str,
        request: RenderRequest,
        on_progress: ProgressCallback | None = None,
        on_render_id: RenderIdCallback | None = None,
    ) -> RenderOutput:
        """Continue polling a render submitted before a restart; one NemoVideo forgot is interrupted."""
        try:
            status = await self.renders.status(render_id)
        except NemoVideoError as exc:
            if exc.code == ErrorCode.UNKNOWN_JOB:
                raise NemoVideoError(
                    ErrorCode.RENDER_INTERRUPTED, "The render stopped when nemo-video restarted."
                ) from exc
            raise
        return await self._finish(status, request, on_progress, on_render_id)

    async def _finish(
        self,
        status: RenderStatus,
        request: RenderRequest,
        on_progress: ProgressCallback | None,
        on_render_id: RenderIdCallback | None,
    ) -> RenderOutput:
        def polled(fraction: float, message: str) -> None:
            if on_progress is not None:
                on_progress(0.9 * fraction, message)

        def fetched(fraction: float, message: str) -> None:
            if on_progress is not None:
                on_progress(0.9 + 0.1 * fraction, message or "downloading")

        done = await self.renders.follow(status, polled, on_render_id)
        polled(1.0, "saving the video")
        return await fetch_output(self.settings, self.api, done, request.destination, fetched)

    async def aclose(self) -> None:
        await self.http.aclose()

    # ------------------------------------------------------------ lost sessions

    async def _scoped(self, session: Session, call: Callable[[], Awaitable[T]]) -> T:
        try:
            return await call()
        except NemoVideoError as exc:
            if not _is_lost(exc):
                raise
        await self._replace_lost(session)

    async def _replace_lost(self, session: Session) -> NoReturn:
        new = await self.open_session(session.language)
        raise NemoVideoError(
            ErrorCode.SESSION_NOT_FOUND,
            f"The NemoVideo session {session.id} expired and its timeline is gone; "
            f"a new session {new.id} was opened in its place.",
            hint="Describe the video again (and upload the media again) to rebuild it in the new session.",
            details={"new_session_id": new.id, "old_session_id": session.id},
        )


def _is_lost(exc: NemoVideoError) -> bool:
    return exc.code == ErrorCode.SESSION_NOT_FOUND and "new_session_id" not in exc.details


def _items(data: object) -> object:
    return data.get("files") if isinstance(data, dict) else data


def _int(value: object) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
