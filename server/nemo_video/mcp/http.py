"""Streamable HTTP: the MCP app with Host/Origin checks, a ``/health`` route and a bearer token.

Loopback binds (the default) check Host and Origin against loopback names. Any other bind requires a
bearer token: without one :func:`build_http_app` refuses to start. Wildcard binds (0.0.0.0, ::) cannot
know their own host names, so they rely on the token alone.
"""

from __future__ import annotations

import hmac
import json
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from .. import __version__
from ..errors import ErrorCode, NemoVideoError

LOOPBACK = ("127.0.0.1", "localhost", "::1")
_WILDCARD = ("0.0.0.0", "::", "")


def is_loopback(host: str) -> bool:
    return host in LOOPBACK or host.startswith("127.")


def security_for(host: str, port: int) -> TransportSecuritySettings:
    if is_loopback(host):
        return TransportSecuritySettings(
            allowed_hosts=["127.0.0.1:*", "localhost:*", "[::1]:*", "127.0.0.1", "localhost"],
            allowed_origins=["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"],
        )
    if host in _WILDCARD:
        return TransportSecuritySettings(enable_dns_rebinding_protection=False)
    name = f"[{host}]" if ":" in host else host
    return TransportSecuritySettings(
        allowed_hosts=[f"{name}:{port}", name], allowed_origins=[f"http://{name}:{port}", f"https://{name}"],
    )


class BearerToken:
    """ASGI middleware: every path but ``/health`` needs ``Authorization: Bearer <token>``."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self._expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("path") != "/health":
            given = dict(scope.get("headers") or []).get(b"authorization", b"")
            if not hmac.compare_digest(given, self._expected):
                body = json.dumps({"error": "unauthorized", "message": "A valid bearer token is required "
                                   "(Authorization: Bearer <token>)."}).encode()
                headers = [(b"content-type", b"application/json"),
                           (b"www-authenticate", b'Bearer realm="nemo-video"')]
                await send({"type": "http.response.start", "status": 401, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def build_http_app(server: MCPServer[Any], *, host: str = "127.0.0.1", port: int = 8765,
                   token: str | None = None) -> ASGIApp:
    """The ASGI app to serve; raises ``invalid_input`` for a non-loopback bind without a token."""
    if not is_loopback(host) and not token:
        raise NemoVideoError(
            ErrorCode.INVALID_INPUT, f"Serving MCP on {host!r} (not loopback) needs a bearer token.",
            hint="Set NEMO_MCP_TOKEN (or pass --token), or bind 127.0.0.1.",
        )

    async def health(_: Request) -> Response:
        return JSONResponse({"status": "ok", "server": "nemo-video", "version": __version__})

    server.custom_route("/health", methods=["GET"])(health)

    app: ASGIApp = server.streamable_http_app(transport_security=security_for(host, port), host=host)
    return BearerToken(app, token) if token else app
