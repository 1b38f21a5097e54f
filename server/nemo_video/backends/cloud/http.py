"""The HTTP layer: one ``httpx.AsyncClient``, the attribution headers, the response envelopes and
the error classification of CONTRACT §2.3–2.4, and the 429 wait-and-retry-once rule.

Everything that leaves this module as an error is a :class:`NemoVideoError` built by
``errors.from_backend`` (backend codes) or here (network failures). Headers never go into an error.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import httpx

from ...config import Settings
from ...errors import ErrorCode, NemoVideoError, from_backend
from .redact import log, redact

# (form field, local path, MIME type) of one file in a multipart upload.
FilePart = tuple[str, Path, str]
_MAX_MESSAGE = 300


@dataclass(frozen=True)
class Reply:
    """A fully read response: status, parsed JSON body (or None) and the raw text."""

    status: int
    body: Any
    text: str
    reason: str

    def error(self) -> NemoVideoError | None:
        """CONTRACT §2.4: the body ``code`` first whatever the status, then ``success: false``, then
        the HTTP status."""
        body = self.body if isinstance(self.body, dict) else {}
        code = body.get("code")
        if isinstance(code, int) and not isinstance(code, bool) and code != 0:
            return from_backend(code, self.message(), status=self.status)
        if body.get("success") is False:
            return NemoVideoError(
                ErrorCode.BACKEND_ERROR,
                f"NemoVideo refused the request (server said: {self.message()}).",
                details={"backend_code": "request_failed", "http_status": self.status},
            )
        if self.status >= 400:
            return from_backend(self.status, self.message(), status=self.status)
        return None

    def message(self) -> str:
        body = self.body if isinstance(self.body, dict) else {}
        for key in ("message", "detail", "error"):
            value = body.get(key)
            if isinstance(value, str) and value.strip():
                return redact(value.strip())[:_MAX_MESSAGE]
            if isinstance(value, list) and value:  # FastAPI 422: a list of pydantic errors
                first = value[0]
                text = first.get("msg") if isinstance(first, dict) else str(first)
                return redact(str(text))[:_MAX_MESSAGE]
        return self.reason

    def data(self) -> Any:
        """The payload of envelope A/B (``data``) or the bare object of envelope C."""
        if not isinstance(self.body, dict):
            raise NemoVideoError(
                ErrorCode.BACKEND_ERROR,
                f"NemoVideo answered with something that is not JSON (HTTP {self.status}).",
                details={"http_status": self.status},
            )
        if "data" in self.body and ("code" in self.body or "success" in self.body):
            return self.body["data"]
        return self.body

    @property
    def is_rate_limited(self) -> bool:
        error = self.error()
        return error is not None and error.code == ErrorCode.RATE_LIMITED


def unreachable(exc: httpx.HTTPError, what: str) -> NemoVideoError:
    """A network failure, described without the request (whose headers hold the token)."""
    if isinstance(exc, httpx.TimeoutException):
        message = f"NemoVideo did not answer in time ({what})."
    else:
        message = f"Could not talk to NemoVideo ({what}: {type(exc).__name__})."
    return NemoVideoError(ErrorCode.BACKEND_UNREACHABLE, message)


class HttpClient:
    """Sends requests to the API base with the attribution headers; no auth policy lives here."""

    def __init__(self, settings: Settings, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.settings = settings
        self.client = httpx.AsyncClient(
            base_url=settings.api_base,
            timeout=httpx.Timeout(settings.http_timeout_s),
            transport=transport,
            headers=self.attribution(),
            follow_redirects=True,
        )

    def attribution(self) -> dict[str, str]:
        s = self.settings
        return {
            "X-Skill-Source": s.skill_source,
            "X-Skill-Version": s.skill_version,
            "X-Skill-Platform": s.skill_platform,
        }

    @staticmethod
    def headers(token: str | None, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        headers = dict(extra or {})
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return headers

    async def send(
        self,
        method: str,
        path: str,
        *,
        token: str | None,
        json_body: Any = None,
        files: Sequence[FilePart] = (),
        extra_headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """One request, read in full. A 429 waits ``rate_limit_wait_s`` and is retried once."""
        reply = await self._send_once(method, path, token, json_body, files, extra_headers)
        if reply.is_rate_limited:
            log.info(
                "%s %s was rate limited; waiting %.1fs, then retrying once",
                method,
                path,
                self.settings.rate_limit_wait_s,
            )
            await anyio.sleep(self.settings.rate_limit_wait_s)
            reply = await self._send_once(method, path, token, json_body, files, extra_headers)
        return reply

    async def _send_once(
        self,
        method: str,
        path: str,
        token: str | None,
        json_body: Any,
        files: Sequence[FilePart],
        extra_headers: Mapping[str, str] | None,
    ) -> Reply:
        headers = self.headers(token, extra_headers)
        async with AsyncExitStack() as stack:
            kwargs: dict[str, Any] = {}
            if files:
                # Files are reopened per attempt so a retry sends them whole; httpx sets the
                # multipart Content-Type with its boundary.
                kwargs["files"] = [
                    (field, (path_.name, stack.enter_context(path_.open("rb")), mime)) for field, path_, mime in files
                ]
            elif json_body is not None:
                kwargs["json"] = json_body
            try:
                response = await self.client.request(method, path, headers=headers, **kwargs)
            except httpx.HTTPError as exc:
                log.info("%s %s failed: %s", method, path, type(exc).__name__)
                raise unreachable(exc, f"{method} {path}") from None
        log.debug("%s %s -> %d", method, path, response.status_code)
        return _reply(response)

    @asynccontextmanager
    async def stream(
        self,
        method: str,
        url: str,
        *,
        token: str | None,
        json_body: Any = None,
        extra_headers: Mapping[str, str] | None = None,
        read_timeout: float | None = None,
    ) -> AsyncIterator[httpx.Response]:
        """A streamed response (SSE, downloads); the caller reads the body and classifies errors."""
        timeout = httpx.Timeout(self.settings.http_timeout_s, read=read_timeout)
        kwargs: dict[str, Any] = {"json": json_body} if json_body is not None else {}
        async with self.client.stream(
            method, url, headers=self.headers(token, extra_headers), timeout=timeout, **kwargs
        ) as response:
            yield response

    async def aclose(self) -> None:
        await self.client.aclose()


def _reply(response: httpx.Response) -> Reply:
    return Reply(response.status_code, parse_json(response.text), response.text, response.reason_phrase)


async def read_reply(response: httpx.Response) -> Reply:
    """Read a streamed response that turned out not to be a stream (an error before SSE began)."""
    await response.aread()
    return _reply(response)


def parse_json(text: str) -> Any:
    try:
        return json.loads(text) if text.strip() else None
    except json.JSONDecodeError:
        return None  # envelope E: HTML from a proxy, classified by status alone
