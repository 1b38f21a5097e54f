"""Where the bearer token comes from (CONTRACT §3.1).

``NEMO_TOKEN`` (``settings.token``) wins. Otherwise an anonymous token is fetched with the per-user
client id (``X-Client-Id``) and cached with its expiry in ``settings.token_file`` (mode 0600), so one
client does not burn its one-token-per-7-days allowance on every start. A 400 on the token call
means the client id was refused: a new one is created and the call repeated once.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import anyio

from ...config import Settings, load_client_id, new_client_id, read_json, write_private
from ...errors import ErrorCode, NemoVideoError
from .http import HttpClient, Reply
from .redact import log, register_secret

TOKEN_PATH = "/api/auth/anonymous-token"
# A cached token this close to its expiry is replaced rather than risked mid-operation.
_EXPIRY_MARGIN = timedelta(minutes=5)
_DEFAULT_LIFETIME = timedelta(days=7)


class TokenSource:
    """Hands out the current token; :meth:`renew` replaces a rejected anonymous one."""

    def __init__(self, settings: Settings, http: HttpClient) -> None:
        self.settings = settings
        self.http = http
        self._token: str | None = None
        self._lock = anyio.Lock()
        self._client_id: str | None = None
        if settings.token:
            register_secret(settings.token.reveal())

    @property
    def explicit(self) -> bool:
        return bool(self.settings.token)

    async def token(self) -> str:
        if self.settings.token:
            return self.settings.token.reveal()
        async with self._lock:
            if self._token is None:
                self._token = self._cached() or await self._acquire()
            return self._token

    async def renew(self, rejected: str) -> str:
        """A fresh anonymous token with the same client id; ``rejected`` is the one that failed."""
        if self.settings.token:
            # Swapping a user's own token for an anonymous account would hide their projects.
            raise NemoVideoError(
                ErrorCode.AUTH_FAILED,
                "NemoVideo refused the token in NEMO_TOKEN (invalid or expired).",
                hint="Set NEMO_TOKEN to a valid token, or unset it to use a free anonymous token.",
            )
        async with self._lock:
            if self._token is not None and self._token != rejected:
                return self._token  # another task renewed it already
            self._token = await self._acquire()
            return self._token

    def _cached(self) -> str | None:
        _make_private(self.settings.token_file)
        cached = read_json(self.settings.token_file)
        if not cached or cached.get("api_base") != self.settings.api_base:
            return None
        token, expires = cached.get("token"), _parse_time(cached.get("expires_at"))
        if not isinstance(token, str) or not token or expires is None:
            return None
        if expires - _EXPIRY_MARGIN <= datetime.now(UTC):
            return None
        register_secret(token)
        self._client_id = cached.get("client_id") if isinstance(cached.get("client_id"), str) else None
        return token

    async def _acquire(self) -> str:
        client_id = self._client_id or load_client_id(self.settings)
        reply = await self._request(client_id)
        error = reply.error()
        if error is not None and error.code == ErrorCode.MISSING_CLIENT_ID:
            log.info("NemoVideo refused the client id; creating a new one and retrying once")
            client_id = new_client_id(self.settings)
            reply = await self._request(client_id)
            error = reply.error()
        if error is not None:
            raise error
        data = reply.data()
        token = data.get("token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            raise NemoVideoError(ErrorCode.AUTH_FAILED, "NemoVideo issued no token.")
        register_secret(token)
        self._client_id = client_id
        self._store(token, data.get("expires_at"), client_id)
        log.info("Obtained an anonymous NemoVideo token")
        return token

    async def _request(self, client_id: str) -> Reply:
        return await self.http.send("POST", TOKEN_PATH, token=None, extra_headers={"X-Client-Id": client_id})

    def _store(self, token: str, expires_at: object, client_id: str) -> None:
        expires = _parse_time(expires_at) or datetime.now(UTC) + _DEFAULT_LIFETIME
        record = {
            "token": token,
            "expires_at": expires.isoformat(),
            "client_id": client_id,
            "api_base": self.settings.api_base,
        }
        write_private(self.settings.token_file, json.dumps(record))


def _make_private(path: Path) -> None:
    """A cached token file others can read (copied, restored from a backup) is put back to 0600."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if mode & 0o077:
        log.warning("The cached token file %s was readable by other users; it is now 0600", path)
        os.chmod(path, 0o600)


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
