"""Job progress as spec-correct MCP progress notifications.

The spec requires ``progress`` to increase with every notification, ``total`` only when known. A
render knows its fraction (``progress`` in percent of ``total=100``); an agent message does not, so
its notifications count steps with no total. "Still working" pings during heartbeat-only stretches
nudge the value up by a shrinking amount, so it stays below the total until the work is done.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from ..service import JobRecord

logger = logging.getLogger(__name__)

Send = Callable[[float, float | None, str | None], Awaitable[None]]
_CEILING = 99.9


class ProgressReporter:
    """Turns job updates into notifications for one tool call (one progress token)."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self._last: float = -1.0

    async def __call__(self, record: JobRecord, heartbeat: bool) -> None:
        if record.total_known:
            target = min(_CEILING, round(record.fraction * 100, 3))
            value = target if target > self._last else min(_CEILING, self._nudge(_CEILING))
            total: float | None = 100.0
        else:
            value = float(record.steps) if record.steps > self._last else self._last + 1
            total = None
        if value <= self._last:
            return  # at the ceiling: nothing honest left to say until the job ends
        self._last = value
        message = f"still working: {record.message}" if heartbeat else record.message
        try:
            await self._send(value, total, message[:200])
        except Exception:  # a client that went away must not break the wait
            logger.debug("Could not send a progress notification", exc_info=True)

    def _nudge(self, ceiling: float) -> float:
        return self._last + max(0.001, (ceiling - self._last) / 20)
