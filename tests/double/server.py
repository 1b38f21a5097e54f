"""The double's state, its scripting API and its lifecycle (uvicorn in a background thread).

Routes live in ``routes.py``; this module holds what tests touch: ``NemoDouble``.
"""

from __future__ import annotations

import copy
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import uvicorn

from .sse import FIXTURES, Step


def fixture_json(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


ENDPOINTS = (
    "token",
    "session",
    "run_sse",
    "upload",
    "credits",
    "state",
    "render_submit",
    "render_status",
    "render_download",
    "output",
)


@dataclass(frozen=True)
class Recorded:
    """One request as the double received it. Header names are lower-case."""

    endpoint: str
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Fault:
    """An injected answer: ``status`` with ``body`` (JSON-encoded unless bytes), or a connection
    reset after the response headers (``reset=True``)."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    reset: bool = False

    @classmethod
    def for_code(cls, code: int | str) -> Fault:
        """The documented answer for a backend code or HTTP status (CONTRACT §4, fixtures/index.json)."""
        if code == "reset":
            return cls(reset=True)
        if code in _BUSINESS:
            return cls(200, fixture_json(_BUSINESS[code]))
        if code in _HTTP:
            name, headers = _HTTP[code]
            return cls(int(code), fixture_json(name), headers)
        if code == 401:
            return cls(401, {"detail": "Unauthorized"})
        if code == 413:
            return cls(413, b"<html><body><h1>413 Request Entity Too Large</h1></body></html>")
        if isinstance(code, int) and 500 <= code < 600:
            return cls(code, f"<html><body><h1>{code} Bad Gateway</h1></body></html>".encode())
        if isinstance(code, int):
            return cls(200, {"code": code, "message": f"error {code}", "data": None})
        raise ValueError(f"unknown fault {code!r}")


_BUSINESS = {
    1001: "error_1001_token_invalid.json",
    1002: "error_1002_session_not_found.json",
    2001: "error_2001_insufficient_credits.json",
    4001: "error_4001_unsupported_file_type.json",
    4002: "error_4002_file_too_large.json",
}
_HTTP: dict[int | str, tuple[str, dict[str, str]]] = {
    400: ("error_400_missing_client_id.json", {}),
    402: ("error_402_export_blocked.json", {}),
    404: ("run_sse_session_not_found_404.json", {}),
    409: ("render_submit_duplicate_id.json", {}),
    422: ("run_sse_validation_error_422.json", {}),
    429: ("error_429_rate_limited.json", {"Retry-After": "30"}),
}


@dataclass
class RenderScript:
    """How render jobs behave. Change fields on ``double.render`` before exporting."""

    polls_to_complete: int = 2  # the Nth status poll of a job answers "completed"
    shape: Literal["wrapped", "toplevel"] = "wrapped"
    fail_first: int = 0  # this many jobs (in submit order) end "failed" on their first poll
    output: Literal["url", "no_url", "broken_url"] = "url"


@dataclass
class Job:
    id: str
    session_id: str
    draft: Any
    output: Any
    fail: bool
    polls: int = 0


@dataclass
class SseScript:
    steps: list[Step]
    state_after: dict[str, Any] | None = None


class NemoDouble:
    """A NemoVideo API on 127.0.0.1. Start with :meth:`start` (the ``nemo_double`` fixture does)."""

    def __init__(self, mp4: bytes = b"") -> None:
        self.mp4 = mp4
        self.url = ""
        self.requests: list[Recorded] = []
        self.tokens: set[str] = set()
        self.client_ids: list[str] = []
        self.sessions: dict[str, dict[str, Any]] = {}
        self.jobs: dict[str, Job] = {}
        self.render = RenderScript()
        self.credits: dict[str, int] = dict(fixture_json("credits.json")["data"])
        self.max_upload_bytes = 200 * 1024 * 1024
        self.auth_failure_status = 200  # 1001 arrives with this HTTP status (401 is the alternative)
        self.missing_session: Literal["404", "1002"] = "404"  # how /run_sse reports a missing session
        self.adk: Literal["1.x", "2.x"] = "1.x"  # the event shapes of an unscripted /run_sse reply
        self._faults: dict[str, deque[Fault]] = {name: deque() for name in (*ENDPOINTS, "any")}
        self._scripts: deque[SseScript] = deque()
        self._lock = threading.Lock()
        self._counter = 0
        self._jobs_submitted = 0
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------ scripting

    def fail_next(self, endpoint: str, fault: int | str | Fault, *, times: int = 1) -> None:
        """The next ``times`` calls to ``endpoint`` (one of ENDPOINTS, or "any") get ``fault``:
        a backend code (1001, 1002, 2001, 4001, 4002), an HTTP status (400, 401, 402, 404, 409, 413,
        422, 429, 5xx), "reset", or a custom :class:`Fault`."""
        if endpoint not in self._faults:
            raise ValueError(f"unknown endpoint {endpoint!r}; use one of {ENDPOINTS} or 'any'")
        answer = fault if isinstance(fault, Fault) else Fault.for_code(fault)
        with self._lock:
            self._faults[endpoint].extend([answer] * times)

    def script_sse(self, steps: Sequence[Step], *, state_after: dict[str, Any] | None = None) -> None:
        """Queue the stream the next ``/run_sse`` call plays. ``state_after`` (a ``data.state``
        object) becomes the session state when the script ends or drops."""
        with self._lock:
            self._scripts.append(SseScript(list(steps), state_after))

    def add_token(self, token: str) -> None:
        """Accept ``token`` as valid (e.g. a NEMO_TOKEN the test sets)."""
        self.tokens.add(token)

    def revoke_tokens(self) -> None:
        """Every issued token becomes invalid (the next authenticated call gets 1001)."""
        self.tokens.clear()

    def new_session(self, state: dict[str, Any] | None = None) -> str:
        with self._lock:
            self._counter += 1
            session_id = str(7000000000000000000 + self._counter)
        self.set_state(session_id, state or fixture_json("state_latest_empty.json")["data"]["state"])
        return session_id

    def set_state(self, session_id: str, state: dict[str, Any]) -> None:
        """Replace a session's ``data.state``.

        E.g. ``fixture_json("state_latest.json")["data"]["state"]``.
        """
        self.sessions[session_id] = copy.deepcopy(state)

    def drop_session(self, session_id: str) -> None:
        self.sessions.pop(session_id, None)

    # ------------------------------------------------------------ what happened

    def calls(self, endpoint: str) -> list[Recorded]:
        return [r for r in self.requests if r.endpoint == endpoint]

    def count(self, endpoint: str) -> int:
        return len(self.calls(endpoint))

    # ------------------------------------------------------------ used by the routes

    def record(self, endpoint: str, method: str, path: str, headers: dict[str, str], body: bytes) -> None:
        with self._lock:
            self.requests.append(Recorded(endpoint, method, path, headers, body))

    def take_fault(self, endpoint: str) -> Fault | None:
        with self._lock:
            for name in (endpoint, "any"):
                if self._faults[name]:
                    return self._faults[name].popleft()
        return None

    def take_script(self) -> SseScript | None:
        with self._lock:
            return self._scripts.popleft() if self._scripts else None

    def issue_token(self, client_id: str) -> str:
        with self._lock:
            self._counter += 1
            token = f"nmv_usr_DOUBLEsecret{self._counter:04d}{time.monotonic_ns() % 10**8:08d}"
            self.tokens.add(token)
            self.client_ids.append(client_id)
        return token

    def submit_job(self, job_id: str, session_id: str, draft: Any, output: Any) -> Job:
        with self._lock:
            self._jobs_submitted += 1
            job = Job(job_id, session_id, draft, output, fail=self._jobs_submitted <= self.render.fail_first)
            self.jobs[job_id] = job
        return job

    # ------------------------------------------------------------ lifecycle

    def start(self) -> NemoDouble:
        from .routes import build_app

        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        config = uvicorn.Config(
            build_app(self),
            log_config=None,
            log_level="critical",
            lifespan="off",
            http="h11",
            ws="none",
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the NemoVideo double did not start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=5)
            if self._thread.is_alive():
                self._server.force_exit = True
                self._thread.join(timeout=5)
        self._server = self._thread = None
