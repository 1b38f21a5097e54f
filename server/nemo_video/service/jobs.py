"""The job manager: long work (an agent message, a render) as background tasks with progress.

A :class:`Job` has an id, a kind, a status (``running`` → ``completed`` | ``failed`` | ``cancelled``),
monotonic progress (a fraction 0–1 plus a line of text), and a result or an error. Progress fans out
to every waiter; jobs are written to ``<data_dir>/service/jobs-<backend>.json`` on every status change
so that a restart can resume a cloud render from its render id and report interrupted work honestly.

A job's body returns a typed result (:class:`GenerateResult`, :class:`EditResult`, :class:`ExportResult`) or raises a
:class:`NemoVideoError`; :attr:`Job.result` and :attr:`Job.error` keep them typed, and only the
persisted :class:`JobRecord` holds their JSON. Each job belongs to one client (``client``: the name of
the caller's video session, see ``VideoService``): other clients cannot see it.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import anyio
from anyio.abc import TaskGroup
from pydantic import BaseModel, Field

from ..config import write_private
from ..errors import ErrorCode, NemoVideoError
from .results import EditResult, ExportResult, GenerateResult

logger = logging.getLogger(__name__)

JobKind = Literal["message", "edit", "render"]
JobState = Literal["running", "completed", "failed", "cancelled"]
ProgressFn = Callable[[float, str], None]
JobResult = GenerateResult | EditResult | ExportResult
JobBody = Callable[["Job"], Awaitable[JobResult]]
AsyncWatcher = Callable[["JobRecord", bool], Awaitable[None]]

_PERSIST_EVERY_S = 1.0  # progress-only updates are written at most this often
CANCEL_WAIT_S = 5.0  # how long cancel() waits for the work to stop (ffmpeg is killed well within it)
DEFAULT_CLIENT = "default"


class JobRecord(BaseModel):
    """What is persisted (and shown) of a job."""

    id: str
    kind: JobKind
    status: JobState = "running"
    fraction: float = Field(default=0.0, ge=0.0, le=1.0)
    message: str = "starting"
    total_known: bool = Field(default=True, description="False when the fraction is only an estimate.")
    steps: int = Field(default=0, description="How many progress updates arrived (monotonic).")
    session_id: str | None = None
    client: str = Field(default=DEFAULT_CLIENT, description="The client (video session name) it belongs to.")
    backend: str = "local"
    render_id: str | None = Field(default=None, description="The backend's render job id, once known.")
    request: dict[str, Any] = Field(default_factory=dict, description="What was asked, to re-run it.")
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    updated_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    @property
    def done(self) -> bool:
        return self.status != "running"


class Job:
    """A running (or finished) job: its record plus the machinery to wait on it."""

    def __init__(self, record: JobRecord, manager: JobManager) -> None:
        self.record = record
        self._manager = manager
        self._changed = anyio.Event()
        self._finished = anyio.Event()
        self._scope: anyio.CancelScope | None = None
        self._stopped = anyio.Event()  # the body has returned (or never ran here)
        self.result: JobResult | None = None
        self.error: NemoVideoError | None = None
        if record.done:
            self._finished.set()
            self._stopped.set()

    @property
    def id(self) -> str:
        return self.record.id

    def progress(self, fraction: float, message: str) -> None:
        """``on_progress(fraction, message)``: monotonic; a lower fraction keeps the old one."""
        if self.record.done:
            return
        rec = self.record
        rec.fraction = min(1.0, max(rec.fraction, fraction))
        rec.message = message or rec.message
        rec.steps += 1
        rec.updated_at = datetime.now(UTC)
        self._manager.persist_soon()
        self._notify()

    def set_render_id(self, render_id: str) -> None:
        if render_id != self.record.render_id:
            self.record.render_id = render_id
            self._manager.persist()

    def _finish(
        self, status: JobState, *, result: JobResult | None = None, error: NemoVideoError | None = None
    ) -> None:
        rec = self.record
        if rec.done:
            return  # cancelled already: what the stopping work reports afterwards changes nothing
        self.result, self.error = result, error
        rec.status = status
        rec.result = result.model_dump(mode="json") if result is not None else None
        rec.error = error.to_dict() if error else None
        if status == "completed":
            rec.fraction = 1.0
            rec.message = "done"
        elif error is not None:
            rec.message = error.message
        rec.updated_at = datetime.now(UTC)
        self._manager.persist()
        self._notify()
        self._finished.set()
        for listener in self._manager.on_finish:
            listener(rec)

    def _notify(self) -> None:
        changed, self._changed = self._changed, anyio.Event()
        changed.set()

    async def wait(
        self, timeout_s: float, on_update: AsyncWatcher | None = None, heartbeat_s: float = 5.0
    ) -> JobRecord:
        """Wait up to ``timeout_s`` for the job to end, calling ``on_update(record, heartbeat)`` on
        every progress change and at least every ``heartbeat_s`` (``heartbeat=True``: nothing new).

        Cancelling the waiter never cancels the job: the work belongs to the service.
        """
        deadline = time.monotonic() + max(0.0, timeout_s)
        while not self.record.done:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            changed = self._changed
            with anyio.move_on_after(min(remaining, heartbeat_s)):
                await changed.wait()
            if on_update is not None and not self.record.done and time.monotonic() < deadline:
                await on_update(self.record, not changed.is_set())
        return self.record


class JobManager:
    """Runs jobs in the service's task group and keeps their records on disk."""

    def __init__(self, data_dir: Path, backend: str) -> None:
        self._file = data_dir / "service" / f"jobs-{backend}.json"
        self._backend = backend
        self._jobs: dict[str, Job] = {}
        self._tg: TaskGroup | None = None
        self._last_write = 0.0
        self.on_finish: list[Callable[[JobRecord], None]] = []  # called with each record that ends

    def attach(self, tg: TaskGroup) -> None:
        self._tg = tg

    # ------------------------------------------------------------ persistence

    def load(self) -> list[JobRecord]:
        """Read persisted records; returns those that were still running when the last process ended."""
        try:
            raw = json.loads(self._file.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
            return []
        orphans: list[JobRecord] = []
        for item in raw.get("jobs", []) if isinstance(raw, dict) else []:
            try:
                record = JobRecord.model_validate(item)
            except ValueError:
                logger.warning("Skipping an unreadable job record in %s", self._file)
                continue
            self._jobs[record.id] = Job(record, self)
            if not record.done:
                orphans.append(record)
        return orphans

    def persist(self) -> None:
        self._last_write = time.monotonic()
        records = [job.record.model_dump(mode="json") for job in self._jobs.values()]
        write_private(self._file, json.dumps({"jobs": records[-200:]}, ensure_ascii=False))

    def persist_soon(self) -> None:
        if time.monotonic() - self._last_write >= _PERSIST_EVERY_S:
            self.persist()

    # ------------------------------------------------------------ running

    def start(
        self,
        kind: JobKind,
        body: JobBody,
        *,
        session_id: str | None = None,
        client: str = DEFAULT_CLIENT,
        request: dict[str, Any] | None = None,
        message: str = "starting",
        total_known: bool = True,
        job_id: str | None = None,
    ) -> Job:
        """Start ``body(job)`` in the background; its return value becomes the job's result."""
        if job_id is not None and job_id in self._jobs:
            job = self._jobs[job_id]  # resuming a persisted job under its own id
            job.record.status, job.record.message = "running", message
            job._stopped = anyio.Event()
        else:
            record = JobRecord(
                id=job_id or f"job_{uuid.uuid4().hex[:12]}",
                kind=kind,
                session_id=session_id,
                client=client,
                backend=self._backend,
                request=request or {},
                message=message,
                total_known=total_known,
            )
            job = Job(record, self)
            self._jobs[record.id] = job
        self.persist()
        if self._tg is None:
            raise NemoVideoError(
                ErrorCode.INTERNAL,
                "The job manager is not running.",
                hint="Use VideoService as an async context manager.",
            )
        self._tg.start_soon(self._run, job, body)
        return job

    async def _run(self, job: Job, body: JobBody) -> None:
        try:
            await self._run_body(job, body)
        finally:
            job._stopped.set()

    async def _run_body(self, job: Job, body: JobBody) -> None:
        with anyio.CancelScope() as scope:
            job._scope = scope
            try:
                result = await body(job)
            except NemoVideoError as exc:
                job._finish("failed", error=exc)
            except Exception as exc:
                logger.exception("Job %s crashed", job.id)
                kind = job.record.kind
                job._finish(
                    "failed",
                    error=NemoVideoError(
                        ErrorCode.INTERNAL, f"The {kind} job failed unexpectedly ({type(exc).__name__})."
                    ),
                )
            else:
                job._finish("completed", result=result)
        if scope.cancelled_caught and not job.record.done:
            job._finish("cancelled", error=NemoVideoError(ErrorCode.CANCELLED, "The job was cancelled."))

    def fail(self, job_id: str, error: NemoVideoError) -> None:
        self.get(job_id)._finish("failed", error=error)

    async def cancel(self, job_id: str, note: str, client: str | None = None) -> JobRecord:
        """Cancel the job's work and wait (up to :data:`CANCEL_WAIT_S`) until it has stopped, so that
        when this returns a cancelled render's ffmpeg is gone and its partial files removed."""
        job = self.get(job_id, client)
        if job.record.done:
            return job.record
        job._finish("cancelled", error=NemoVideoError(ErrorCode.CANCELLED, note))
        if job._scope is not None:
            job._scope.cancel()
        with anyio.move_on_after(CANCEL_WAIT_S):
            await job._stopped.wait()
        if not job._stopped.is_set():
            logger.warning("Job %s did not stop within %s s of being cancelled", job.id, CANCEL_WAIT_S)
        return job.record

    def get(self, job_id: str, client: str | None = None) -> Job:
        """The job ``job_id``; with ``client``, only if it belongs to that client."""
        job = self._jobs.get(job_id)
        if job is None or (client is not None and job.record.client != client):
            raise NemoVideoError(
                ErrorCode.UNKNOWN_JOB,
                f"There is no job {job_id!r}.",
                hint="Call get_state to list the jobs of this session.",
            ) from None
        return job

    def records(self, session_id: str | None = None, client: str | None = None) -> list[JobRecord]:
        jobs = [j.record for j in self._jobs.values()]
        return [
            r
            for r in jobs
            if (session_id is None or r.session_id == session_id) and (client is None or r.client == client)
        ]
