"""Authenticated calls: the token on every request, and one renewal when it is refused.

1001/1010/1011/401 (all ``auth_expired``) → fetch a new anonymous token with the same client id and
repeat the call once; a second refusal is reported. Used for every endpoint except ``/run_sse``'s
stream itself (see ``stream.py``), which applies the same rule before any event arrives.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import anyio

from ...config import Settings
from ...errors import ErrorCode, NemoVideoError
from .auth import TokenSource
from .http import FilePart, HttpClient, Reply
from .redact import log

_READ_ATTEMPTS = 3


class Api:
    def __init__(self, settings: Settings, http: HttpClient) -> None:
        self.settings = settings
        self.http = http
        self.auth = TokenSource(settings, http)

    async def call(self, method: str, path: str, *, json_body: Any = None, files: Sequence[FilePart] = ()) -> Any:
        """The ``data`` of a successful reply; any failure raises ``NemoVideoError``.

        Reads (GET) are retried on a dropped connection or a 5xx: they change nothing, so asking
        again is safe. Writes are never retried here (a second POST could be charged twice).
        """
        attempts = _READ_ATTEMPTS if method == "GET" else 1
        for attempt in range(1, attempts + 1):
            try:
                reply = await self.reply(method, path, json_body=json_body, files=files)
            except NemoVideoError as exc:  # the connection failed: no reply at all
                error = exc
            else:
                failed = reply.error()
                if failed is None:
                    return reply.data()
                error = failed
            if attempt == attempts or not _transient(error):
                raise error
            log.info("%s %s failed (%s); reading again", method, path, error.code)
            await anyio.sleep(self.settings.read_retry_wait_s * attempt)
        raise AssertionError("unreachable")

    async def reply(self, method: str, path: str, *, json_body: Any = None, files: Sequence[FilePart] = ()) -> Reply:
        """The reply after at most one token renewal; the caller classifies it."""
        token = await self.auth.token()
        reply = await self.http.send(method, path, token=token, json_body=json_body, files=files)
        if is_auth_error(reply):
            log.info("%s %s: token refused; renewing it once", method, path)
            token = await self.auth.renew(token)
            reply = await self.http.send(method, path, token=token, json_body=json_body, files=files)
        return reply


def _transient(error: NemoVideoError) -> bool:
    """A failure that a second read may not meet: no connection, or the server's own 5xx."""
    if error.code == ErrorCode.BACKEND_UNREACHABLE:
        return True
    status = error.details.get("http_status")
    return error.code == ErrorCode.BACKEND_ERROR and isinstance(status, int) and status >= 500


def is_auth_error(reply: Reply) -> bool:
    error = reply.error()
    return error is not None and error.code == ErrorCode.AUTH_EXPIRED
