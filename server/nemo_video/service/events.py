"""What changed in the service, for whoever listens (the MCP face tells its subscribers).

The service knows nothing of its listeners: it calls :meth:`EventHub.emit` with a plain event when a
session's timeline changed or an export landed, and every listener is called in turn on the event
loop. A listener that raises is logged and skipped; it never fails the work that emitted the event.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TimelineChanged:
    """The draft of ``session_id`` changed (an agent message or an edit ended)."""

    session_id: str


@dataclass(frozen=True)
class ExportReady:
    """A finished video file is in the output folder."""

    session_id: str | None
    path: str


ServiceEvent = TimelineChanged | ExportReady
Listener = Callable[[ServiceEvent], None]


class EventHub:
    """Synchronous fan-out of :data:`ServiceEvent` values to listeners, in subscription order."""

    def __init__(self) -> None:
        self._listeners: dict[object, Listener] = {}

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Register ``listener``; returns an idempotent unsubscribe callable."""
        token = object()
        self._listeners[token] = listener
        return lambda: self._listeners.pop(token, None) and None

    def emit(self, event: ServiceEvent) -> None:
        for listener in list(self._listeners.values()):
            try:
                listener(event)
            except Exception:  # one bad listener must not fail the work or starve the others
                logger.exception("A service event listener failed on %s", type(event).__name__)
