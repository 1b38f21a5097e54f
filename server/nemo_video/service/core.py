"""VideoService: each client's current session, the five actions, and long work as jobs (see the package doc)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Self

import anyio
from anyio.abc import TaskGroup

from ..backends.base import Backend, Credits, OutputFormat, Quality, RenderRequest, Session, SessionState
from ..composition import Composition, Operation, apply, from_draft, history_op
from ..config import Settings
from ..errors import ErrorCode, NemoVideoError, from_exception
from ..guard import narrow_roots
from . import ask as asking
from . import brand_turns, work
from .ask import check_request_length
from .brand_kit import BrandKit, KitBook
from .door import clean_model, clean_text, fit_filename
from .events import EventHub, ExportReady, TimelineChanged
from .jobs import DEFAULT_CLIENT, AsyncWatcher, Job, JobManager, JobRecord
from .outputs import NameReserver, safe_stem
from .results import JobView, StateResult, UploadResult
from .sessions import SessionBook, kit_owner

logger = logging.getLogger(__name__)

MIN_HEIGHT, MAX_HEIGHT = 64, 4320  # the export_video schema's bounds, for callers without a schema (CLI)


class VideoService:
    """One backend, each client's current session (per project), and a job manager. Use ``async with``.

    Every action takes ``client`` (default ``"default"``: the one user of the CLI or a stdio server):
    clients never see one another's sessions, jobs or exports (see :mod:`.sessions`).
    """

    def __init__(self, settings: Settings, backend: Backend | None = None, *, project: str = "default") -> None:
        self.settings = settings
        self.project = project
        self._backend = backend
        self._owns_backend = backend is None
        self._sessions: SessionBook | None = None
        self.kits = KitBook(settings.data_dir / "brand", project, kit_owner)  # touches the disk only when used
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
            work.resume(self, record)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
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
            raise NemoVideoError(
                ErrorCode.INTERNAL, "The service is not open.", hint="Use VideoService as an async context manager."
            )
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
    def _book(self) -> SessionBook:
        if self._sessions is None:
            file = self.settings.data_dir / "service" / "sessions.json"
            self._sessions = SessionBook(file, self.backend_name, self.project)
        return self._sessions

    async def session(self, client: str = DEFAULT_CLIENT) -> Session:
        """The client's current session, continued across restarts, opened on first use."""
        async with self._session_lock:
            current = self._book.get(client)
            if current is None:
                current = await self.backend.open_session(self.settings.language)
                self._book.set(client, current)
            return current

    async def new_session(self, client: str = DEFAULT_CLIENT) -> Session:
        async with self._session_lock:
            session = await self.backend.open_session(self.settings.language)
            self._book.set(client, session)
            return session

    def adopt(self, session: Session, client: str = DEFAULT_CLIENT) -> None:
        """Make ``session`` the client's current one and remember it for the next start."""
        self._book.set(client, session)

    def adopt_replacement(self, error: NemoVideoError, client: str = DEFAULT_CLIENT) -> None:
        """The cloud opened a replacement for a lost session: the client continues with it."""
        new_id = error.details.get("new_session_id")
        if isinstance(new_id, str) and new_id:
            self._book.replace(client, new_id, "The previous session was lost; a new one was started.")

    async def _state(self, session: Session, client: str = DEFAULT_CLIENT) -> SessionState:
        try:
            return await self.backend.state(session)
        except NemoVideoError as exc:
            if exc.code == ErrorCode.SESSION_NOT_FOUND:
                self.adopt_replacement(exc, client)
            raise

    async def _replace_unknown(self, lost: Session, client: str) -> Session:
        """The saved session is gone from the backend (its data folder was moved or wiped): start a new
        one and say so, instead of failing every call that the error's hint points to."""
        fresh = await self.backend.open_session(self.settings.language)
        notice = f"The saved session {lost.id} no longer exists; a new, empty session was started."
        fresh = fresh.model_copy(update={"notice": notice})
        async with self._session_lock:
            self.adopt(fresh, client)
        return fresh

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

    async def upload(
        self,
        paths: Sequence[str | Path] = (),
        urls: Sequence[str] = (),
        *,
        roots: Sequence[Path] = (),
        client: str = DEFAULT_CLIENT,
    ) -> UploadResult:
        """Check every path against the sandbox and every URL against the network policy, then upload."""
        from ..guard import check_url, resolve_input_path

        if not paths and not urls:
            raise NemoVideoError(
                ErrorCode.INVALID_INPUT,
                "Nothing to upload: no paths and no URLs.",
                hint="Pass paths=[...] (absolute paths) and/or urls=[...].",
            )
        allowed = self.roots(roots)
        resolved = [resolve_input_path(p, allowed) for p in paths]
        checked = [await check_url(u, self.settings.allow_private_urls) for u in urls]
        session = await self.session(client)
        try:
            assets = await self.backend.upload(session, resolved, checked)
        except NemoVideoError as exc:
            if exc.code == ErrorCode.SESSION_NOT_FOUND:
                self.adopt_replacement(exc, client)
            raise
        except OSError as exc:  # a full disk, a name the store cannot hold: said, not a traceback
            raise from_exception(exc, "The upload") from exc
        return UploadResult(session_id=session.id, session=client, assets=assets, notice=session.notice)

    async def credits(self) -> Credits:
        return await self.backend.credits()

    async def state(self, client: str = DEFAULT_CLIENT) -> StateResult:
        session = await self.session(client)
        try:
            state = await self._state(session, client)
        except NemoVideoError as exc:
            if exc.code != ErrorCode.UNKNOWN_SESSION:
                raise
            session = await self._replace_unknown(session, client)
            state = await self._state(session, client)
        draft = state.draft
        return StateResult(
            session_id=session.id,
            session=client,
            backend=self.backend.name,
            summary=state.summary,
            exportable=bool(draft and draft.exportable),
            duration_s=round(draft.total_ms() / 1000, 3) if draft else None,
            version=state.version,
            composition=from_draft(draft, state.media) if draft else None,
            draft=draft.to_wire() if draft else None,
            media=state.media,
            jobs=[JobView.of(r) for r in self.jobs.records(session.id, client)][-10:],
            notice=session.notice,
            brand_kit=self.kits.get(client),
        )

    def brand_kit(self, client: str = DEFAULT_CLIENT) -> BrandKit | None:
        """The client's saved brand kit (a new session's first video starts with it)."""
        return self.kits.get(client)

    def forget_brand_kit(self, client: str = DEFAULT_CLIENT) -> BrandKit | None:
        """Delete the client's brand kit; returns what it was (None: there was none)."""
        return self.kits.forget(client)

    async def start_edit(
        self, operations: Sequence[Operation], *, confirm_spend: bool = False, client: str = DEFAULT_CLIENT
    ) -> Job:
        """Apply typed operations to the current video (all or none; undo/redo alone) as a job: instant on
        the local backend, an agent message on the cloud. A bad list is refused before anything runs."""
        if self.spends_credits and not confirm_spend:
            raise NemoVideoError(
                ErrorCode.CONSENT_REQUIRED, "Sending these edits to the NemoVideo cloud agent spends credits."
            )
        operations = [clean_model(op) for op in operations]
        session = await self.session(client)
        before = await self._state(session, client)
        if history_op(operations) is None:
            base = from_draft(before.draft, before.media) if before.draft else Composition()
            apply(base, operations, before.media)
        request = {"operations": [op.model_dump(mode="json", exclude_defaults=True) for op in operations]}
        return self.jobs.start(
            "edit",
            lambda job: brand_turns.run_edit(self, session, before, operations, client),
            session_id=session.id,
            client=client,
            request=request,
            total_known=False,
            message="applying the edits",
        )

    # ------------------------------------------------------------ long work

    async def start_generate(
        self,
        text: str,
        paths: Sequence[str | Path] = (),
        urls: Sequence[str] = (),
        *,
        confirm_spend: bool = False,
        roots: Sequence[Path] = (),
        client: str = DEFAULT_CLIENT,
    ) -> Job:
        """Upload any media, then send ``text`` to the agent as a background job."""
        text = clean_text(text)
        if not text.strip():
            raise NemoVideoError(
                ErrorCode.INVALID_INPUT,
                "The request is empty.",
                hint="Describe the video, e.g. 'a 15-second vertical video from my photos'.",
            )
        check_request_length(text)
        if self.spends_credits and not confirm_spend:
            raise NemoVideoError(
                ErrorCode.CONSENT_REQUIRED, "Sending this to the NemoVideo cloud agent spends credits."
            )
        if paths or urls:
            await self.upload(paths, urls, roots=roots, client=client)
        session = await self.session(client)
        return self.jobs.start(
            "message",
            lambda job: brand_turns.run_message(self, job, session, text),
            session_id=session.id,
            client=client,
            request={"text": text},
            total_known=False,
            message="sending the request to the agent",
        )

    async def start_export(
        self,
        *,
        format: OutputFormat = "mp4",
        quality: Quality = "high",
        filename: str | None = None,
        height: int | None = None,
        overwrite: bool = False,
        client: str = DEFAULT_CLIENT,
    ) -> Job:
        """Check there is something to export, choose a file name, and render in the background."""
        if height is not None and not MIN_HEIGHT <= height <= MAX_HEIGHT:
            raise NemoVideoError(
                ErrorCode.INVALID_INPUT,
                f"An output height of {height} px is out of range.",
                hint=f"Use a height from {MIN_HEIGHT} to {MAX_HEIGHT}, e.g. 720 or 1080, or "
                "leave it out to keep the timeline's size.",
            )
        if filename is not None:
            filename = fit_filename(filename)
            safe_stem(filename)  # a bad name is the caller's to fix before anything is looked up
        session = await self.session(client)
        state = await self._state(session, client)
        if state.draft is None or not state.draft.exportable:
            raise NemoVideoError(ErrorCode.NOTHING_TO_EXPORT, "The timeline is empty: there is nothing to export.")
        destination = self.names.reserve(self.output_dir(client), filename, format, overwrite=overwrite)
        request = RenderRequest(
            format=format, quality=quality, destination=destination, height=height, overwrite=overwrite
        )
        return self.jobs.start(
            "render",
            lambda job: work.run_render(self, job, session, state.draft, request),
            session_id=session.id,
            client=client,
            message="starting the render",
            request={
                "format": format,
                "quality": quality,
                "filename": filename,
                "height": height,
                "destination": str(destination),
            },
        )

    def output_dir(self, client: str = DEFAULT_CLIENT) -> Path:
        """Where the client's videos go: the output folder, or its own subfolder for a named client."""
        root = self.settings.output_dir
        return root if client == DEFAULT_CLIENT else root / client

    async def rerun(self, job_id: str, client: str = DEFAULT_CLIENT, *, confirm_spend: bool = False) -> Job:
        """Run a failed or interrupted export again with the same options: one call. Variants and
        batches run again as what they were (a cloud batch with rows left to send needs ``confirm_spend``)."""
        from .batch import rerun_many

        record = self.jobs.get(job_id, client).record
        if record.kind != "render":
            raise NemoVideoError(
                ErrorCode.INVALID_INPUT,
                "Only exports can be re-run; agent messages are never re-sent automatically.",
                hint="Call get_state, then send a new request.",
            )
        many = await rerun_many(self, record, confirm_spend=confirm_spend, client=client)
        if many is not None:
            return many
        req = record.request
        return await self.start_export(
            format=req.get("format", "mp4"),
            quality=req.get("quality", "high"),
            filename=req.get("filename"),
            height=req.get("height"),
            client=client,
        )

    def job(self, job_id: str, client: str = DEFAULT_CLIENT) -> JobRecord:
        return self.jobs.get(job_id, client).record

    async def wait(
        self,
        job_id: str,
        timeout_s: float,
        on_update: AsyncWatcher | None = None,
        heartbeat_s: float = 5.0,
        *,
        client: str = DEFAULT_CLIENT,
    ) -> JobRecord:
        """Wait for a job up to ``timeout_s``; cancelling this wait leaves the job running."""
        return await self.jobs.get(job_id, client).wait(timeout_s, on_update, heartbeat_s)

    async def cancel(self, job_id: str, client: str = DEFAULT_CLIENT) -> JobRecord:
        """Stop a job and wait until its work has stopped (a local render: ffmpeg killed, no file).

        Cloud work may already be paid for and may still finish: the note says so.
        """
        record = self.jobs.get(job_id, client).record
        if record.backend == "cloud":
            note = (
                "Stopped following this job. The NemoVideo cloud may still finish it and credits may "
                "already be spent; call get_state to see what it did."
            )
        else:
            note = "The job was cancelled; nothing was saved."
        return await self.jobs.cancel(job_id, note, client)

    def plan(self, text: str) -> asking.AskPlan:
        """Decide what free text will do (route, spend, export after) without doing it."""
        text = clean_text(text)
        check_request_length(text)
        return asking.plan(text, spends_on_agent=self.spends_credits)

    async def ask(
        self,
        text: str,
        *,
        confirm_spend: bool = False,
        roots: Sequence[Path] = (),
        client: str = DEFAULT_CLIENT,
        plan: asking.AskPlan | None = None,
    ) -> asking.Asked:
        """Act on free text: the plan (decided once, or the one given) and its result or Job."""
        text = clean_text(text)
        chosen = plan or self.plan(text)
        return await asking.act(self, chosen, text, confirm_spend=confirm_spend, roots=roots, client=client)

    def _job_finished(self, record: JobRecord) -> None:
        if record.kind in ("message", "edit") and record.session_id:
            self.events.emit(TimelineChanged(record.session_id))  # even a failed message may have edited
        elif record.kind == "render" and record.status == "completed" and record.result:
            self.events.emit(ExportReady(record.session_id, str(record.result.get("path", ""))))
