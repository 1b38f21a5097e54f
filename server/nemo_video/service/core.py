"""VideoService: the current session, the five actions, and long work as jobs (see the package doc)."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import anyio
from anyio.abc import TaskGroup

from ..backends.base import Backend, Credits, OutputFormat, Quality, RenderRequest, Session, SessionState
from ..composition import Composition, Operation, apply, from_draft, history_op
from ..composition.describe import describe
from ..config import Settings, read_json, write_private
from ..errors import ErrorCode, NemoVideoError
from ..guard import narrow_roots
from . import work
from .events import EventHub, ExportReady, TimelineChanged
from .jobs import AsyncWatcher, Job, JobManager, JobRecord
from .outputs import NameReserver, safe_stem
from .results import EditResult, JobView, Route, StateResult, UploadResult

logger = logging.getLogger(__name__)

MIN_HEIGHT, MAX_HEIGHT = 64, 4320  # the export_video schema's bounds, for callers without a schema (CLI)
MAX_REQUEST_CHARS = 20_000  # far beyond any description of a 3-minute video; a pasted file is a mistake


def check_request_length(text: str) -> None:
    """Refuse a request no person would type (it would cost cloud credits and say nothing more)."""
    if len(text) > MAX_REQUEST_CHARS:
        raise NemoVideoError(
            ErrorCode.INVALID_INPUT,
            f"The request is {len(text):,} characters long; the limit is {MAX_REQUEST_CHARS:,}.",
            hint=f"Shorten the request to under {MAX_REQUEST_CHARS:,} characters: describe the video and "
            "quote only the lines it should show.")


class VideoService:
    """One backend, its current session per project, and a job manager. Use ``async with``."""

    def __init__(self, settings: Settings, backend: Backend | None = None, *,
                 project: str = "default") -> None:
        self.settings = settings
        self.project = project
        self._backend = backend
        self._owns_backend = backend is None
        self._session: Session | None = None
        self._session_lock = anyio.Lock()
        self._tg: TaskGroup | None = None
        self.jobs = JobManager(settings.data_dir, backend.name if backend else settings.backend)
        self.names = NameReserver()
        self.extra_roots: tuple[Path, ...] = ()
        self.events = EventHub()  # timeline changes and finished exports, for listeners such as MCP
        self.jobs.on_finish.append(self._job_finished)

    # ------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> Self:
        # The backend is built on first use (see `backend`): serving tools/list needs no engine, and
        # importing one costs a host's cold start about a tenth of a second.
        self._tg = anyio.create_task_group()
        await self._tg.__aenter__()
        self.jobs.attach(self._tg)
        for record in self.jobs.load():
            self._resume(record)
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        assert self._tg is not None
        self._tg.cancel_scope.cancel()  # running jobs stay "running" on disk and resume next start
        # The body's own exception is not the task group's business: keeping it out of the group lets
        # it propagate as itself instead of wrapped in an ExceptionGroup.
        await self._tg.__aexit__(None, None, None)
        self._tg = None
        if self._owns_backend and self._backend is not None:
            await self._backend.aclose()

    @property
    def backend(self) -> Backend:
        if self._tg is None:
            raise NemoVideoError(ErrorCode.INTERNAL, "The service is not open.",
                                 hint="Use VideoService as an async context manager.")
        if self._backend is None:
            from ..backends import create_backend

            self._backend = create_backend(self.settings)
        return self._backend

    @property
    def backend_name(self) -> str:
        return self._backend.name if self._backend is not None else self.settings.backend

    @property
    def spends_credits(self) -> bool:
        """True when agent messages cost credits (the cloud backend): callers must get consent."""
        return self.backend_name == "cloud"

    # ------------------------------------------------------------ sessions

    @property
    def _sessions_file(self) -> Path:
        return self.settings.data_dir / "service" / "sessions.json"

    def _session_key(self) -> str:
        return f"{self.backend_name}:{self.project}"

    async def session(self) -> Session:
        """The current session of this project, continued across restarts, opened on first use."""
        async with self._session_lock:
            if self._session is None:
                saved = (read_json(self._sessions_file) or {}).get(self._session_key())
                if isinstance(saved, dict):
                    try:
                        self._session = Session.model_validate(saved)
                    except ValueError:
                        logger.warning("Ignoring an unreadable saved session")
            if self._session is None:
                self.adopt(await self.backend.open_session(self.settings.language))
            assert self._session is not None
            return self._session

    async def new_session(self) -> Session:
        async with self._session_lock:
            self.adopt(await self.backend.open_session(self.settings.language))
            assert self._session is not None
            return self._session

    def adopt(self, session: Session) -> None:
        """Make ``session`` current and remember it for the next start."""
        self._session = session
        saved = read_json(self._sessions_file) or {}
        saved[self._session_key()] = session.model_dump(mode="json")
        write_private(self._sessions_file, json.dumps(saved, ensure_ascii=False))

    def adopt_replacement(self, error: NemoVideoError) -> None:
        """The cloud opened a replacement for a lost session: continue with it."""
        new_id = error.details.get("new_session_id")
        if isinstance(new_id, str) and new_id and self._session is not None:
            self.adopt(Session(id=new_id, backend=self._session.backend, language=self._session.language,
                               notice="The previous session was lost; a new one was started."))

    async def _state(self, session: Session) -> SessionState:
        try:
            return await self.backend.state(session)
        except NemoVideoError as exc:
            if exc.code == ErrorCode.SESSION_NOT_FOUND:
                self.adopt_replacement(exc)
            raise

    async def _replace_unknown(self, lost: Session) -> Session:
        """The saved session is gone from the backend (its data folder was moved or wiped): start a new
        one and say so, instead of failing every call that the error's hint points to."""
        fresh = await self.backend.open_session(self.settings.language)
        notice = f"The saved session {lost.id} no longer exists; a new, empty session was started."
        async with self._session_lock:
            self.adopt(fresh.model_copy(update={"notice": notice}))
        return self._session or fresh

    # ------------------------------------------------------------ quick actions

    def roots(self, extra: Sequence[Path] = ()) -> list[Path]:
        """Where input files may come from: cwd, configured media dirs, and the client's roots.

        A working directory that is the filesystem root (hosts often start servers in ``/``) is no
        sandbox at all, so it does not count.
        """
        cwd = Path.cwd()
        here = [] if cwd == Path(cwd.anchor) else [cwd]
        client = narrow_roots(extra, Path.home(), allow_wide=self.settings.allow_wide_roots)
        return [*here, *self.settings.media_dirs, *self.extra_roots, *client]

    async def upload(self, paths: Sequence[str | Path] = (), urls: Sequence[str] = (),
                     *, roots: Sequence[Path] = ()) -> UploadResult:
        """Check every path against the sandbox and every URL against the network policy, then upload."""
        from ..guard import check_url, resolve_input_path

        if not paths and not urls:
            raise NemoVideoError(ErrorCode.INVALID_INPUT, "Nothing to upload: no paths and no URLs.",
                                 hint="Pass paths=[...] (absolute paths) and/or urls=[...].")
        allowed = self.roots(roots)
        resolved = [resolve_input_path(p, allowed) for p in paths]
        checked = [await check_url(u, self.settings.allow_private_urls) for u in urls]
        session = await self.session()
        try:
            assets = await self.backend.upload(session, resolved, checked)
        except NemoVideoError as exc:
            if exc.code == ErrorCode.SESSION_NOT_FOUND:
                self.adopt_replacement(exc)
            raise
        return UploadResult(session_id=session.id, assets=assets, notice=session.notice)

    async def credits(self) -> Credits:
        return await self.backend.credits()

    async def state(self) -> StateResult:
        session = await self.session()
        try:
            state = await self._state(session)
        except NemoVideoError as exc:
            if exc.code != ErrorCode.UNKNOWN_SESSION:
                raise
            session = await self._replace_unknown(session)
            state = await self._state(session)
        draft = state.draft
        return StateResult(
            session_id=session.id, backend=self.backend.name, summary=state.summary,
            exportable=bool(draft and draft.exportable),
            duration_s=round(draft.total_ms() / 1000, 3) if draft else None, version=state.version,
            composition=from_draft(draft, state.media) if draft else None,
            draft=draft.to_wire() if draft else None, media=state.media,
            jobs=[JobView.of(r) for r in self.jobs.records(session.id)][-10:], notice=session.notice,
        )

    async def start_edit(self, operations: Sequence[Operation], *, confirm_spend: bool = False) -> Job:
        """Apply typed operations to the current video (all or none; undo/redo alone) as a job: instant on
        the local backend, an agent message on the cloud. A bad list is refused before anything runs."""
        if self.spends_credits and not confirm_spend:
            raise NemoVideoError(ErrorCode.CONSENT_REQUIRED,
                                 "Sending these edits to the NemoVideo cloud agent spends credits.")
        session = await self.session()
        before = await self._state(session)
        if history_op(operations) is None:
            base = from_draft(before.draft, before.media) if before.draft else Composition()
            apply(base, operations, before.media)
        request = {"operations": [op.model_dump(mode="json", exclude_defaults=True) for op in operations]}
        return self.jobs.start("edit", lambda job: self._edit(session, before, operations), session_id=session.id,
                               request=request, total_known=False, message="applying the edits")

    async def _edit(self, session: Session, before: SessionState, operations: Sequence[Operation]) -> dict[str, Any]:
        names = {a.id: a.name for a in before.media}
        base = from_draft(before.draft, before.media) if before.draft else Composition()
        outcome = await self.backend.edit(session, operations)
        self.events.emit(TimelineChanged(session.id))
        state = await self._state(session)
        draft = state.draft
        skipped = {u.index for u in outcome.not_applied}
        applied = [describe(op, base, names) for i, op in enumerate(operations) if i not in skipped]
        return EditResult(
            session_id=session.id, version=outcome.version or state.version, applied=applied,
            not_applied=[f"operation {u.index} ({u.op}): {u.reason}" for u in outcome.not_applied],
            reply=outcome.reply, summary=state.summary,
            exportable=bool(draft and draft.exportable),
            duration_s=round(draft.total_ms() / 1000, 3) if draft else None,
            composition=from_draft(draft, state.media) if draft else None,
        ).model_dump(mode="json")

    # ------------------------------------------------------------ long work

    async def start_generate(self, text: str, paths: Sequence[str | Path] = (), urls: Sequence[str] = (),
                             *, confirm_spend: bool = False, roots: Sequence[Path] = ()) -> Job:
        """Upload any media, then send ``text`` to the agent as a background job."""
        if not text.strip():
            raise NemoVideoError(ErrorCode.INVALID_INPUT, "The request is empty.",
                                 hint="Describe the video, e.g. 'a 15-second vertical video from my photos'.")
        check_request_length(text)
        if self.spends_credits and not confirm_spend:
            raise NemoVideoError(ErrorCode.CONSENT_REQUIRED,
                                 "Sending this to the NemoVideo cloud agent spends credits.")
        if paths or urls:
            await self.upload(paths, urls, roots=roots)
        session = await self.session()
        return self.jobs.start("message", lambda job: work.run_message(self, job, session, text),
                               session_id=session.id, request={"text": text}, total_known=False,
                               message="sending the request to the agent")

    async def start_export(self, *, format: OutputFormat = "mp4", quality: Quality = "high",
                           filename: str | None = None, height: int | None = None,
                           overwrite: bool = False) -> Job:
        """Check there is something to export, choose a file name, and render in the background."""
        if height is not None and not MIN_HEIGHT <= height <= MAX_HEIGHT:
            raise NemoVideoError(ErrorCode.INVALID_INPUT, f"An output height of {height} px is out of range.",
                                 hint=f"Use a height from {MIN_HEIGHT} to {MAX_HEIGHT}, e.g. 720 or 1080, or "
                                 "leave it out to keep the timeline's size.")
        if filename is not None:
            safe_stem(filename)  # a bad name is the caller's to fix before anything is looked up
        session = await self.session()
        state = await self._state(session)
        if state.draft is None or not state.draft.exportable:
            raise NemoVideoError(ErrorCode.NOTHING_TO_EXPORT,
                                 "The timeline is empty: there is nothing to export.")
        destination = self.names.reserve(self.settings.output_dir, filename, format, overwrite=overwrite)
        request = RenderRequest(format=format, quality=quality, destination=destination, height=height,
                                overwrite=overwrite)
        return self.jobs.start(
            "render", lambda job: work.run_render(self, job, session, state.draft, request),
            session_id=session.id, message="starting the render",
            request={"format": format, "quality": quality, "filename": filename, "height": height,
                     "destination": str(destination)},
        )

    async def rerun(self, job_id: str) -> Job:
        """Run a failed or interrupted export again with the same options: one call."""
        record = self.jobs.get(job_id).record
        if record.kind != "render":
            raise NemoVideoError(ErrorCode.INVALID_INPUT, "Only exports can be re-run; agent messages are "
                                 "never re-sent automatically.",
                                 hint="Call get_state, then send a new request.")
        req = record.request
        return await self.start_export(format=req.get("format", "mp4"), quality=req.get("quality", "high"),
                                       filename=req.get("filename"), height=req.get("height"))

    def job(self, job_id: str) -> JobRecord:
        return self.jobs.get(job_id).record

    async def wait(self, job_id: str, timeout_s: float, on_update: AsyncWatcher | None = None,
                   heartbeat_s: float = 5.0) -> JobRecord:
        """Wait for a job up to ``timeout_s``; cancelling this wait leaves the job running."""
        return await self.jobs.get(job_id).wait(timeout_s, on_update, heartbeat_s)

    async def cancel(self, job_id: str) -> JobRecord:
        """Stop a job. Cloud work may already be paid for and may still finish: the note says so."""
        record = self.jobs.get(job_id).record
        if record.backend == "cloud":
            note = ("Stopped following this job. The NemoVideo cloud may still finish it and credits may "
                    "already be spent; call get_state to see what it did.")
        else:
            note = "The job was cancelled; nothing was saved."
        return self.jobs.cancel(job_id, note)

    async def ask(self, text: str, *, confirm_spend: bool = False,
                  roots: Sequence[Path] = ()) -> tuple[Route, str, Any]:
        """Route free text to an action; returns (route, reason, result or Job)."""
        from ..skill.intents import route

        check_request_length(text)
        chosen = route(text)
        action: Route = chosen.action
        result: Any
        if action == "export":
            opts = chosen.options
            fmt, quality, height = opts.get("format", "mp4"), opts.get("quality", "high"), opts.get("height")
            result = await self.start_export(
                format=fmt if fmt in ("mp4", "webm", "mov", "gif") else "mp4",  # type: ignore[arg-type]
                quality="draft" if quality == "draft" else "high",
                height=height if isinstance(height, int) else None)
        elif action == "credits":
            result = await self.credits()
        elif action == "state":
            result = await self.state()
        elif action == "upload" and (chosen.paths or chosen.urls):
            result = await self.upload(chosen.paths, chosen.urls, roots=roots)
            rest = str(chosen.options.get("then_text") or "").strip()
            if chosen.options.get("then") == "generate" and rest:  # "upload a.jpg and make a video"
                result = await self.start_generate(rest, confirm_spend=confirm_spend, roots=roots)
                return "generate", f"{chosen.reason}, uploaded, then the rest of the text", result
        else:
            action = "generate"
            result = await self.start_generate(text, confirm_spend=confirm_spend, roots=roots)
        return action, chosen.reason, result

    def _job_finished(self, record: JobRecord) -> None:
        if record.kind == "message" and record.session_id:
            self.events.emit(TimelineChanged(record.session_id))  # even a failed message may have edited
        elif record.kind == "render" and record.status == "completed" and record.result:
            self.events.emit(ExportReady(record.session_id, str(record.result.get("path", ""))))

    # ------------------------------------------------------------ restart

    def _resume(self, record: JobRecord) -> None:
        """A job that was running when the last process stopped: resume or report it honestly."""
        if record.kind == "render" and record.render_id:
            self.jobs.start("render", lambda job: work.resume_render(self, job), job_id=record.id,
                            message="resuming the render after a restart")
            return
        self.jobs.fail(record.id, NemoVideoError(
            ErrorCode.RENDER_INTERRUPTED if record.kind == "render" else ErrorCode.STREAM_DROPPED,
            f"The {record.kind} job was interrupted when nemo-video restarted; it was not re-sent.",
            hint=None if record.kind == "render" else "Call get_state to see what was done.",
        ))
