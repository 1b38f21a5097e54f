"""Cloud export: submit and poll until the render ends (CONTRACT §3.7–3.8); download is in ``download``.

* ids are ``render_<ms>``, made unique within this process even when two fall in the same ms;
* a failed submit gets a new id and one retry; 402 is the plan (``export_blocked``), never retried;
* polling accepts both documented shapes (data-wrapped ``outputUrl`` and top-level ``output.url``),
  retries transient failures on the same id, and resubmits a *failed* render once under a new id:
  the returned status then carries that new ``job_id``, and callers continue with it;
* :meth:`Renders.follow` polls inside one awaited call until the render completes, fails or outlasts
  ``render_timeout_s``; progress and every new render id are reported as they come.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import anyio

from ...config import Settings
from ...draft import Draft
from ...errors import ErrorCode, NemoVideoError
from ..base import ProgressCallback, RenderIdCallback, RenderRequest, RenderState, RenderStatus
from .api import Api
from .redact import log

SUBMIT_PATH = "/api/render/proxy/lambda"
_STATES: frozenset[str] = frozenset({"pending", "processing", "completed", "failed"})
_POLL_ATTEMPTS = 3  # one poll = up to this many tries on transient failures


@dataclass
class _Job:
    session_id: str
    draft: dict[str, Any]
    output: dict[str, str]
    resubmitted: bool = False
    aliases: list[str] = field(default_factory=list)


class RenderIds:
    """``render_<ms>``; the ms is bumped when the clock has not moved since the last id."""

    def __init__(self) -> None:
        self._last = 0

    def next(self) -> str:
        self._last = max(int(time.time() * 1000), self._last + 1)
        return f"render_{self._last}"


class Renders:
    def __init__(self, settings: Settings, api: Api) -> None:
        self.settings = settings
        self.api = api
        self.ids = RenderIds()
        self._jobs: dict[str, _Job] = {}

    async def start(self, session_id: str, draft: Draft, request: RenderRequest) -> RenderStatus:
        job = _Job(session_id, draft.to_wire(), {"format": request.format, "quality": request.quality})
        return await self._submit(job)

    async def _submit(self, job: _Job) -> RenderStatus:
        first_error: NemoVideoError | None = None
        for _ in (1, 2):
            job_id = self.ids.next()
            body = {"id": job_id, "sessionId": job.session_id, "draft": job.draft, "output": job.output}
            try:
                data = await self.api.call("POST", SUBMIT_PATH, json_body=body)
            except NemoVideoError as exc:
                if exc.code in _FATAL_SUBMIT:
                    raise _explain(exc) from None
                log.info("Render submit %s failed (%s); retrying once with a new id", job_id, exc.code)
                first_error = first_error or exc
                continue
            self._jobs[job_id] = job
            inner = data if isinstance(data, dict) else {}
            return RenderStatus(
                job_id=job_id,
                status=_state(inner.get("status"), "pending"),
                progress=_fraction(inner.get("progress")),
                message="Export submitted to NemoVideo.",
            )
        assert first_error is not None
        raise NemoVideoError(
            ErrorCode.RENDER_FAILED,
            f"NemoVideo refused the export twice ({first_error.message}).",
            details={"first_error": first_error.code},
        )

    async def status(self, job_id: str) -> RenderStatus:
        inner = await self._poll(job_id)
        status = parse_status(job_id, inner)
        job = self._jobs.get(job_id)
        if status.status != "failed" or job is None or job.resubmitted:
            return status
        log.info("Render %s failed (%s); resubmitting once with a new id", job_id, status.error)
        job.resubmitted = True
        retried = await self._submit(job)
        return retried.model_copy(
            update={
                "message": f"The first render ({job_id}) failed ({status.error or 'no reason given'}); "
                f"resubmitted as {retried.job_id}. Continue with job id {retried.job_id}."
            }
        )

    async def follow(
        self,
        status: RenderStatus,
        on_progress: ProgressCallback | None = None,
        on_render_id: RenderIdCallback | None = None,
    ) -> RenderStatus:
        """Poll ``status`` until the render completes (returned) or fails (raised), within the time limit."""
        deadline = time.monotonic() + self.settings.render_timeout_s
        if on_render_id is not None:
            on_render_id(status.job_id)
        while status.status not in ("completed", "failed"):
            if on_progress is not None:
                on_progress(status.progress or 0.0, status.message or f"rendering ({status.status})")
            if time.monotonic() > deadline:
                raise NemoVideoError(ErrorCode.RENDER_TIMEOUT, "The render did not finish in time.")
            await anyio.sleep(self.settings.render_poll_s)
            status = await self.status(status.job_id)
            if on_render_id is not None:
                on_render_id(status.job_id)  # a resubmitted render continues under its new id
        if status.status == "failed":
            raise render_error(status)
        return status

    async def _poll(self, job_id: str) -> dict[str, Any]:
        path = f"{SUBMIT_PATH}/{job_id}"
        for attempt in range(1, _POLL_ATTEMPTS + 1):
            try:
                data = await self.api.call("GET", path)
            except NemoVideoError as exc:
                if exc.code == ErrorCode.SESSION_NOT_FOUND or exc.details.get("http_status") == 404:
                    # a 404 here is about the job, not a session
                    raise NemoVideoError(
                        ErrorCode.UNKNOWN_JOB, f"NemoVideo does not know the render {job_id}."
                    ) from None
                if exc.code == ErrorCode.EXPORT_BLOCKED:
                    raise _explain(exc) from None
                if not exc.retryable or attempt == _POLL_ATTEMPTS:
                    raise
                log.info("Polling %s failed (%s); trying the same id again", job_id, exc.code)
                await anyio.sleep(self.settings.render_poll_s)
                continue
            return data if isinstance(data, dict) else {}
        raise AssertionError("unreachable")

    def draft_of(self, job_id: str) -> dict[str, Any] | None:
        job = self._jobs.get(job_id)
        return job.draft if job else None


_FATAL_SUBMIT = frozenset(
    {
        ErrorCode.EXPORT_BLOCKED,
        ErrorCode.AUTH_EXPIRED,
        ErrorCode.AUTH_FAILED,
        ErrorCode.SESSION_NOT_FOUND,
        ErrorCode.OUT_OF_CREDITS,
    }
)


def _explain(exc: NemoVideoError) -> NemoVideoError:
    if exc.code != ErrorCode.EXPORT_BLOCKED:
        return exc
    return NemoVideoError(
        ErrorCode.EXPORT_BLOCKED,
        "NemoVideo blocked the export: this is the account's plan, not its credits (anonymous "
        "free-plan accounts cannot export from this client).",
        details=exc.details,
    )


def parse_status(job_id: str, inner: dict[str, Any]) -> RenderStatus:
    """Both shapes: ``{"success", "data": {status, outputUrl}}`` (already unwrapped here) and the
    top-level ``{status, output: {url}}``."""
    output = inner.get("output")
    output = output if isinstance(output, dict) else {}
    url = output.get("url") or inner.get("outputUrl") or inner.get("output_url")
    error = inner.get("error")
    state = _state(inner.get("status"), "processing")
    return RenderStatus(
        job_id=job_id,
        status=state,
        progress=1.0 if state == "completed" else _fraction(inner.get("progress")),
        error=str(error) if state == "failed" and error else ("unknown error" if state == "failed" else None),
        output_url=url if isinstance(url, str) and url else None,
        message=_MESSAGES[state],
    )


_MESSAGES: dict[str, str] = {
    "pending": "Export queued on NemoVideo.",
    "processing": "NemoVideo is rendering the video.",
    "completed": "The render is complete.",
    "failed": "The render failed.",
}


def _state(value: object, default: RenderState) -> RenderState:
    text = str(value).lower() if value is not None else ""
    if text in _STATES:
        return text  # type: ignore[return-value]
    return default


def _fraction(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return min(1.0, max(0.0, float(value) / 100.0))


def render_error(status: RenderStatus) -> NemoVideoError:
    """The error of a render NemoVideo reported as failed."""
    try:
        code = ErrorCode(status.error or "render_failed")
    except ValueError:
        code = ErrorCode.RENDER_FAILED
    detail = (status.error or "no reason given").strip().rstrip(".")
    if code == ErrorCode.RENDER_INTERRUPTED:
        return NemoVideoError(code, "The render stopped when nemo-video restarted.")
    return NemoVideoError(
        code, f"NemoVideo could not render the video: {detail}.", details={"render_id": status.job_id}
    )
