"""Clients that asked to be told things later: a log level, resource subscriptions.

A :class:`Peer` is one client connection (one protocol session over HTTP, the one client over stdio)
that called ``logging/setLevel`` or ``resources/subscribe``. It keeps the request session it last
used, whose standalone channel (the GET stream over HTTP, stdout over stdio) carries notifications,
and an outbox drained by one task, so notifications leave in order and a slow client never blocks
the work that caused them. A peer whose connection has gone is dropped at its first failed send; at
most :data:`MAX_PEERS` are kept (the oldest go first), so clients that never unsubscribe cannot pile up.

Records and events may come from other threads (a render's worker thread logs too): :meth:`Peer.post`
hops onto the peer's event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from mcp.server.context import ServerRequestContext
from mcp.server.session import ServerSession
from mcp_types import RequestId, ServerNotification

MAX_PEERS = 1024
OUTBOX = 512  # notifications waiting per client; beyond that the oldest are dropped
STDIO = "stdio"

# Which client's request is being served: records and events it causes are that client's only.
current_peer: ContextVar[str | None] = ContextVar("nemo_video_current_peer", default=None)


def peer_key(ctx: ServerRequestContext[Any, Any]) -> str:
    """The protocol session id over HTTP; one fixed key for the single stdio client."""
    headers = getattr(ctx.request, "headers", None)
    session_id = headers.get("mcp-session-id") if headers is not None else None
    return str(session_id) if session_id else STDIO


class Peer:
    def __init__(
        self, key: str, session: ServerSession, on_gone: Callable[[Peer], None], related: RequestId | None = None
    ) -> None:
        self.key = key
        self.session = session
        self.related = related  # set: notifications ride that request's stream, not the standalone one
        self.log_rank: int | None = None  # the lowest MCP log level rank wanted, None: no logs
        self.uris: set[str] = set()
        self._on_gone = on_gone
        self._loop = asyncio.get_running_loop()
        self._outbox: deque[ServerNotification] = deque(maxlen=OUTBOX)
        self._task: asyncio.Task[None] | None = None
        self.gone = False

    @property
    def wanted(self) -> bool:
        return self.log_rank is not None or bool(self.uris)

    def post(self, notification: ServerNotification) -> None:
        """Queue ``notification`` for this client; callable from any thread, never blocks."""
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            self._post_here(notification)
            return
        with contextlib.suppress(RuntimeError):  # a closed loop: the server is gone
            self._loop.call_soon_threadsafe(self._post_here, notification)

    def _post_here(self, notification: ServerNotification) -> None:
        if self.gone:
            return
        self._outbox.append(notification)
        if self._task is None or self._task.done():
            self._task = self._loop.create_task(self._drain())

    async def flush(self) -> None:
        """Wait until what was queued so far has been sent (or the client found gone)."""
        if self._task is not None and not self._task.done():
            await self._task

    async def _drain(self) -> None:
        while self._outbox and not self.gone:
            notification = self._outbox.popleft()
            try:
                await self.session.send_notification(notification, related_request_id=self.related)
            except Exception:  # closed or broken streams, a reset socket: the client is gone
                self.gone = True
        if self.gone:
            self._outbox.clear()
            self._on_gone(self)


class Peers:
    """The peers of one server, by key."""

    def __init__(self) -> None:
        self._peers: dict[str, Peer] = {}
        self.on_change: list[Callable[[], None]] = []  # e.g. the log bridge re-reading levels

    def __iter__(self) -> Any:
        return iter(list(self._peers.values()))

    def get(self, key: str) -> Peer | None:
        return self._peers.get(key)

    def join(self, ctx: ServerRequestContext[Any, Any]) -> Peer:
        """The peer of this request's client (refreshed to its latest request session)."""
        key = peer_key(ctx)
        peer = self._peers.pop(key, None)
        if peer is None or peer.gone:
            peer = Peer(key, ctx.session, self._drop)
        peer.session = ctx.session
        self._peers[key] = peer  # most recently used last
        while len(self._peers) > MAX_PEERS:
            self._drop(next(iter(self._peers.values())))
        return peer

    def settle(self, peer: Peer) -> None:
        """Forget ``peer`` when it no longer wants anything; tell listeners levels may have changed."""
        if not peer.wanted:
            self._peers.pop(peer.key, None)
        self._changed()

    def _drop(self, peer: Peer) -> None:
        peer.gone = True
        if self._peers.get(peer.key) is peer:
            del self._peers[peer.key]
        self._changed()

    def _changed(self) -> None:
        for listener in self.on_change:
            listener()

    def audience(self, origin: str | None) -> list[Peer]:
        """Who may hear of something a client's request caused (``origin``), or of the server's own
        doings (``None``): the originating client only, or every peer."""
        return [p for p in self if not p.gone and (origin is None or p.key == origin)]
