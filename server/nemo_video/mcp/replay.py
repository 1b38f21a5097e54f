"""Resumable SSE streams: a bounded, in-memory event store for streamable HTTP.

The SDK stores every message it sends on an SSE stream (and a priming event per stream) through an
:class:`~mcp.server.streamable_http.EventStore`, and replays a stream after the ``Last-Event-ID`` a
reconnecting client presents. One store serves every protocol session, and the SDK names streams by
request id (or one fixed name for the GET stream), which repeat from session to session. So each
session's streams are kept apart by a *scope*: :class:`StreamScope` gives every request that opens a
session a fresh scope in a context variable, which the session's tasks inherit, and the store files
each event under (scope, stream). Event ids are random, so one client cannot name another's events.

Memory is bounded: at most ``max_events`` events are kept in all; the oldest go first.
"""

from __future__ import annotations

import secrets
from collections import deque
from contextvars import ContextVar
from dataclasses import dataclass

from mcp.server.streamable_http import EventCallback, EventId, EventMessage, EventStore, StreamId
from mcp_types import JSONRPCMessage
from starlette.types import ASGIApp, Receive, Scope, Send

MAX_EVENTS = 4096
_SESSION_HEADER = b"mcp-session-id"
_scope: ContextVar[str] = ContextVar("nemo_video_stream_scope", default="")


class StreamScope:
    """ASGI middleware: a request that opens a protocol session (no ``Mcp-Session-Id``) gets a new
    scope, so the events of that session are filed apart from every other session's."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _SESSION_HEADER not in dict(scope.get("headers") or []):
            token = _scope.set(secrets.token_hex(8))
            try:
                await self.app(scope, receive, send)
            finally:
                _scope.reset(token)
            return
        await self.app(scope, receive, send)


@dataclass(frozen=True)
class _Event:
    id: str
    stream: tuple[str, StreamId]
    message: JSONRPCMessage | None  # None: a priming event


class MemoryEventStore(EventStore):
    """The last ``max_events`` SSE events of all sessions, replayable per stream."""

    def __init__(self, max_events: int = MAX_EVENTS) -> None:
        self.max_events = max_events
        self._order: deque[_Event] = deque()
        self._by_id: dict[str, _Event] = {}
        self._streams: dict[tuple[str, StreamId], deque[_Event]] = {}

    @property
    def size(self) -> int:
        """How many events are kept (not ``__len__``: the SDK tests a store for truth)."""
        return len(self._order)

    async def store_event(self, stream_id: StreamId, message: JSONRPCMessage | None) -> EventId:
        event = _Event(secrets.token_urlsafe(12), (_scope.get(), stream_id), message)
        if len(self._order) >= self.max_events:
            self._forget(self._order.popleft())
        self._order.append(event)
        self._by_id[event.id] = event
        self._streams.setdefault(event.stream, deque()).append(event)
        return event.id

    def _forget(self, event: _Event) -> None:
        del self._by_id[event.id]
        stream = self._streams[event.stream]
        stream.popleft()  # the oldest event overall is the oldest of its stream
        if not stream:
            del self._streams[event.stream]

    async def replay_events_after(self, last_event_id: EventId, send_callback: EventCallback) -> StreamId | None:
        last = self._by_id.get(last_event_id)
        if last is None:
            return None  # unknown or already forgotten: nothing can be replayed
        later = list(self._streams.get(last.stream, ()))
        start = next(i for i, event in enumerate(later) if event is last) + 1
        for event in later[start:]:
            if event.message is not None:
                await send_callback(EventMessage(event.message, event.id))
        return last.stream[1]
