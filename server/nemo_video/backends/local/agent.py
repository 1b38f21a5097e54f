"""The local agent: one message in, the same events out as the cloud agent (DESIGN §4).

A message is handled whole under the session's lock — read media and the current draft, plan,
save the new version (or undo) — and only then are its events yielded. So two messages to one
session never interleave, and a caller that stops reading half-way cannot leave a lock held or
a plan half-saved.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence

import anyio

from ...draft import Draft
from ...errors import ErrorCode, NemoVideoError
from ..base import Asset
from ..events import AgentEvent, Closed, Text, ToolCall, ToolResult
from .planner import Plan, plan
from .store import Store

log = logging.getLogger(__name__)

_NOTHING_TO_UNDO = {
    "en": "There is nothing to undo yet: the timeline has no earlier version.",
    "zh": "没有可以撤销的操作：时间线还没有更早的版本。",
}


class LocalAgent:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._locks: dict[str, anyio.Lock] = {}

    def lock(self, session_id: str) -> anyio.Lock:
        """The session's lock: one message or edit at a time."""
        return self._locks.setdefault(session_id, anyio.Lock())

    async def send(self, session_id: str, message: str) -> AsyncIterator[AgentEvent]:
        """Plan and apply ``message``; yields ToolCall/ToolResult per step, then Text, then Closed."""
        events = await self.handle(session_id, message)
        for event in events:
            yield event

    async def handle(self, session_id: str, message: str) -> list[AgentEvent]:
        await self._store.get_session(session_id)  # unknown_session before anything else
        async with self.lock(session_id):
            media = await self._store.list_media(session_id)
            current = await self._store.current_draft(session_id)
            result = _plan(message, media, current.draft)
            reply = await self._apply(session_id, message, result, current.draft)
        return [*_step_events(result), Text(reply, author="local"), Closed("end")]

    async def _apply(self, session_id: str, message: str, result: Plan, current: Draft | None) -> str:
        if result.undo:
            restored = await self._store.undo(session_id, message)
            if restored is None:
                return _NOTHING_TO_UNDO.get(result.language, _NOTHING_TO_UNDO["en"])
            log.info("session %s: undo → version %d", session_id, restored.version)
            return result.reply
        if result.draft is None:
            return result.reply  # nothing the planner could act on; its reply says so
        before = current.to_wire() if current is not None else None
        if result.draft.to_wire() != before:
            saved = await self._store.save_draft(session_id, result.draft, message)
            log.info("session %s: draft version %d", session_id, saved.version)
        return result.reply


def _plan(message: str, media: Sequence[Asset], current: Draft | None) -> Plan:
    try:
        return plan(message, media, current)
    except NemoVideoError:
        raise
    except Exception as exc:  # a planner bug: say so in our own terms, keep the traceback in the log
        log.exception("the planner failed on %r", message[:200])
        raise NemoVideoError(
            ErrorCode.AGENT_ERROR, f"The local planner could not handle this request ({type(exc).__name__}).",
            hint="Rephrase the request; the timeline was not changed. Call get_state to see it.",
        ) from exc


def _step_events(result: Plan) -> list[AgentEvent]:
    events: list[AgentEvent] = []
    for index, step in enumerate(result.steps, start=1):
        call_id = f"local-{index}"
        events.append(ToolCall(step.name, dict(step.args), call_id))
        events.append(ToolResult(step.name, step.result, call_id))
    return events
