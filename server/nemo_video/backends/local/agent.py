"""The local agent: one message in, the same events out as the cloud agent (DESIGN §4).

A message is handled whole under the session's lock — read media and the current draft, read it as
a composition, plan operations, apply them and lay the result out as the new version (or move in the
history: undo/redo) — and only then are its events yielded. So two messages to one
session never interleave, and a caller that stops reading half-way cannot leave a lock held or
a plan half-saved.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence

import anyio

from ...composition import Composition, OperationError, apply, from_draft, to_draft
from ...draft import Draft
from ...errors import ErrorCode, NemoVideoError
from ..base import Asset
from ..events import AgentEvent, Closed, Text, ToolCall, ToolResult
from .planner import Plan, plan, summary
from .store import Store

log = logging.getLogger(__name__)

_NOTHING = {
    ("undo", "en"): "There is nothing to undo yet: the timeline has no earlier version.",
    ("undo", "zh"): "没有可以撤销的操作：时间线还没有更早的版本。",
    ("redo", "en"): "There is nothing to redo: no change has been undone since the last edit.",
    ("redo", "zh"): "没有可以重做的操作：最近没有被撤销的修改。",
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
            comp, result = _plan(message, media, current.draft)
            reply = await self._apply(session_id, message, result, comp, current.draft, media)
        return [*_step_events(result), Text(reply, author="local"), Closed("end")]

    async def _apply(
        self,
        session_id: str,
        message: str,
        result: Plan,
        comp: Composition | None,
        current: Draft | None,
        media: Sequence[Asset],
    ) -> str:
        if result.history is not None:
            move = self._store.undo if result.history == "undo" else self._store.redo
            restored = await move(session_id, message)
            if restored is None:
                return _NOTHING[(result.history, "zh" if result.language == "zh" else "en")]
            log.info("session %s: %s → version %d", session_id, result.history, restored.version)
            return result.reply
        if not result.ops:
            return result.reply  # nothing the planner could act on; its reply says which part and why
        base = Composition(language=result.language) if result.fresh or comp is None else comp
        try:
            after = apply(base, result.ops, media)
            draft = to_draft(after, media)
        except OperationError as exc:  # the planner checks every operation: this is its bug, not the user's
            log.error("planner operations did not apply to %r: %s", message[:200], exc.message)
            raise NemoVideoError(
                ErrorCode.AGENT_ERROR,
                "The local planner produced a change it could not apply.",
                hint="Rephrase the request; the timeline was not changed. Call get_state to see it.",
            ) from exc
        before = current.to_wire() if current is not None else None
        if draft.to_wire() != before:
            saved = await self._store.save_draft(session_id, draft, message)
            log.info("session %s: draft version %d", session_id, saved.version)
        zh = result.language == "zh"
        return ("" if zh else " ").join((result.reply, summary(after, draft.total_ms(), zh)))


def _plan(message: str, media: Sequence[Asset], current: Draft | None) -> tuple[Composition | None, Plan]:
    try:
        comp = from_draft(current, media) if current is not None and current.exportable else None
        return comp, plan(message, media, comp)
    except NemoVideoError:
        raise
    except Exception as exc:  # a planner bug: say so in our own terms, keep the traceback in the log
        log.exception("the planner failed on %r", message[:200])
        raise NemoVideoError(
            ErrorCode.AGENT_ERROR,
            f"The local planner could not handle this request ({type(exc).__name__}).",
            hint="Rephrase the request; the timeline was not changed. Call get_state to see it.",
        ) from exc


def _step_events(result: Plan) -> list[AgentEvent]:
    events: list[AgentEvent] = []
    for index, step in enumerate(result.steps, start=1):
        call_id = f"local-{index}"
        events.append(ToolCall(step.name, dict(step.args), call_id))
        events.append(ToolResult(step.name, step.result, call_id))
    return events
