"""Authenticated calls: the token on every request, and one renewal when it is refused.

1001/1010/1011/401 (all ``auth_expired``) → fetch a new anonymous token with the same client id and
repeat the call once; a second refusal is reported. Used for every endpoint except ``/run_sse``'s
stream itself (see ``stream.py``), which applies the same rule before any event arrives.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...config import Settings
from ...errors import ErrorCode
from .auth import TokenSource
from .http import FilePart, HttpClient, Reply
from .redact import log


class Api:
    def __init__(self, settings: Settings, http: HttpClient) -> None:
        self.settings = settings
        self.http = http
        self.auth = TokenSource(settings, http)

    async def call(
        self, method: str, path: str, *, json_body: Any = None, files: Sequence[FilePart] = ()
    ) -> Any:
        """The ``data`` of a successful reply; any failure raises ``NemoVideoError``."""
        reply = await self.reply(method, path, json_body=json_body, files=files)
        error = reply.error()
        if error is not None:
            raise error
        return reply.data()

    async def reply(
        self, method: str, path: str, *, json_body: Any = None, files: Sequence[FilePart] = ()
    ) -> Reply:
        """The reply after at most one token renewal; the caller classifies it."""
        token = await self.auth.token()
        reply = await self.http.send(method, path, token=token, json_body=json_body, files=files)
        if is_auth_error(reply):
            log.info("%s %s: token refused; renewing it once", method, path)
            token = await self.auth.renew(token)
            reply = await self.http.send(method, path, token=token, json_body=json_body, files=files)
        return reply


def is_auth_error(reply: Reply) -> bool:
    error = reply.error()
    return error is not None and error.code == ErrorCode.AUTH_EXPIRED
