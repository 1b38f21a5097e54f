"""Streamable HTTP: the MCP app with Host/Origin checks, a ``/health`` route, a bearer token,
resumable streams and idle-session expiry.

Loopback binds (the default) check Host and Origin against loopback names. Any other bind requires a
bearer token: without one :func:`build_http_app` refuses to start. Wildcard binds (0.0.0.0, ::) cannot
know their own host names, so Host is not checked there, but a browser's ``Origin`` still is: only
loopback pages and the origins in ``NEMO_MCP_ALLOWED_ORIGINS`` may call.

Every SSE stream starts with a priming event and a ``retry`` hint, and its events are kept in a
bounded in-memory :class:`~nemo_video.mcp.replay.MemoryEventStore`, so a client whose stream dropped
reconnects with ``Last-Event-ID`` and gets what was sent meanwhile. A protocol session with no request
for ``mcp_session_idle_s`` is closed and forgotten.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Sequence
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from .. import __version__
from ..errors import ErrorCode, NemoVideoError
from .replay import MemoryEventStore, StreamScope

LOOPBACK = ("127.0.0.1", "localhost", "::1")
LOOPBACK_ORIGINS = ("http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*")
_WILDCARD = ("0.0.0.0", "::", "")
RETRY_MS = 2000  # how soon a client whose SSE stream dropped should reconnect
DEFAULT_IDLE_S = 1800.0


def is_loopback(host: str) -> bool:
    return host in LOOPBACK or host.startswith("127.")


def security_for(host: str, port: int, origins: Sequence[str] = ()) -> TransportSecuritySettings:
    """The SDK's Host/Origin checks; off for wildcard binds, where :class:`OriginCheck` does Origin."""
    if is_loopback(host):
        return TransportSecuritySettings(
            allowed_hosts=["127.0.0.1:*", "localhost:*", "[::1]:*", "127.0.0.1", "localhost"],
            allowed_origins=[*LOOPBACK_ORIGINS, *origins],
        )
    if host in _WILDCARD:
        return TransportSecuritySettings(enable_dns_rebinding_protection=False)
    name = f"[{host}]" if ":" in host else host
    return TransportSecuritySettings(
        allowed_hosts=[f"{name}:{port}", name],
        allowed_origins=[f"http://{name}:{port}", f"https://{name}", *origins],
    )


def origin_allowed(origin: str, allowed: Sequence[str]) -> bool:
    """``origin`` equals an allowed origin, or matches one ending in ``:*`` (any port)."""
    origin = origin.rstrip("/")
    return any(
        origin == a or (a.endswith(":*") and origin.startswith(a[:-1]) and origin[len(a) - 1 :].isdigit())
        for a in allowed
    )


def _refuse(status: int, error: str, message: str, extra: Sequence[tuple[bytes, bytes]] = ()) -> ASGIApp:
    async def app(_scope: Scope, _receive: Receive, send: Send) -> None:
        body = json.dumps({"error": error, "message": message}).encode()
        headers = [(b"content-type", b"application/json"), *extra]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


class OriginCheck:
    """ASGI middleware for wildcard binds: a request that carries an ``Origin`` must be allowed."""

    def __init__(self, app: ASGIApp, allowed: Sequence[str]) -> None:
        self.app = app
        self.allowed = tuple(allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("path") != "/health":
            origin = dict(scope.get("headers") or []).get(b"origin")
            if origin is not None and not origin_allowed(origin.decode("latin-1"), self.allowed):
                refuse = _refuse(
                    403,
                    "origin_not_allowed",
                    "This Origin may not call nemo-video; add it "
                    "to NEMO_MCP_ALLOWED_ORIGINS on the server to allow it.",
                )
                await refuse(scope, receive, send)
                return
        await self.app(scope, receive, send)


class BearerToken:
    """ASGI middleware: every path but ``/health`` needs ``Authorization: Bearer <token>``.

    The scheme name is case-insensitive (RFC 7235), the token is compared in constant time.
    """

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self._expected = token.encode()

    def _accepts(self, header: bytes) -> bool:
        scheme, _, given = header.strip().partition(b" ")
        return scheme.lower() == b"bearer" and hmac.compare_digest(given.strip(), self._expected)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("path") != "/health":
            given = dict(scope.get("headers") or []).get(b"authorization", b"")
            if not self._accepts(given):
                refuse = _refuse(
                    401,
                    "unauthorized",
                    "A valid bearer token is required (Authorization: Bearer <token>).",
                    [(b"www-authenticate", b'Bearer realm="nemo-video"')],
                )
                await refuse(scope, receive, send)
                return
        await self.app(scope, receive, send)


def build_http_app(
    server: MCPServer[Any],
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    token: str | None = None,
    allowed_origins: Sequence[str] = (),
    idle_timeout_s: float = DEFAULT_IDLE_S,
    event_store: MemoryEventStore | None = None,
) -> ASGIApp:
    """The ASGI app to serve; raises ``invalid_input`` for a non-loopback bind without a token."""
    if not is_loopback(host) and not token:
        raise NemoVideoError(
            ErrorCode.INVALID_INPUT,
            f"Serving MCP on {host!r} (not loopback) needs a bearer token.",
            hint="Set NEMO_MCP_TOKEN (or pass --token), or bind 127.0.0.1.",
        )
    if not idle_timeout_s > 0:
        raise NemoVideoError(
            ErrorCode.INVALID_INPUT,
            f"An idle session timeout of {idle_timeout_s} s is not possible.",
            hint="Set NEMO_MCP_SESSION_IDLE_SECONDS to a positive number of seconds, e.g. 1800.",
        )

    async def health(_: Request) -> Response:
        return JSONResponse({"status": "ok", "server": "nemo-video", "version": __version__})

    server.custom_route("/health", methods=["GET"])(health)

    app: ASGIApp = server.streamable_http_app(
        transport_security=security_for(host, port, allowed_origins),
        host=host,
        event_store=event_store if event_store is not None else MemoryEventStore(),
        retry_interval=RETRY_MS,
        session_idle_timeout=idle_timeout_s,
    )
    app = StreamScope(app)
    if host in _WILDCARD:
        app = OriginCheck(app, [*LOOPBACK_ORIGINS, *allowed_origins])
    return BearerToken(app, token) if token else app
