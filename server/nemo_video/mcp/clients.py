"""Which client a tool call comes from, so that each edits its own video (service ``client`` names).

In order: the ``session`` the caller named (a team shares a video by naming the same one); the MCP
protocol session (HTTP, protocol versions that have one, e.g. 2025-11-25); the bearer token of an
HTTP server started with one; otherwise ``default`` — the one user of a stdio server, and any
stateless HTTP client that names no session. Protocol session ids and tokens are hashed: neither
appears in a name, a result or a log.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from mcp.server.mcpserver import Context
from pydantic import Field

from ..service.jobs import DEFAULT_CLIENT
from ..service.sessions import EPHEMERAL_PREFIX, check_client_name

SessionName = Annotated[
    str | None,
    Field(
        description=(
            "Video session name (letters, digits, . _ -): leave it out for this connection's own; results "
            "return it as `session`; pass a name to continue or share that video."
        )
    ),
]


def client_of(ctx: Context[Any, Any], session: str | None) -> str:
    """The service's client name for this call."""
    if session:
        return check_client_name(session)
    try:
        headers = ctx.headers
    except ValueError:  # not inside a request (cannot happen in a tool call; be safe)
        headers = None
    if headers:
        protocol_session = headers.get("mcp-session-id")
        if protocol_session:
            return EPHEMERAL_PREFIX + _digest(protocol_session)
        scheme, _, token = (headers.get("authorization") or "").partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return "token-" + _digest(token.strip())
    return DEFAULT_CLIENT


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()[:16]
