"""Building blocks of scripted ``/run_sse`` streams.

A script is a list of steps: a ``str`` is written to the wire as-is (one SSE block, ending with a
blank line), a ``float``/``int`` sleeps that many seconds, :data:`DROP` aborts the connection
mid-stream (the client sees an incomplete chunked body), and :class:`SetState` replaces the
session's state at that point (what the agent changed server-side).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@dataclass(frozen=True)
class SetState:
    state: dict[str, Any]


class _Drop:
    def __repr__(self) -> str:
        return "DROP"


DROP = _Drop()
Step = str | float | int | SetState | _Drop


def fixture_blocks(name: str) -> list[str]:
    """The SSE blocks of a ``tests/fixtures/*.sse`` transcript, each ending with a blank line."""
    raw = (FIXTURES / name).read_text(encoding="utf-8")
    return [block + "\n\n" for block in raw.split("\n\n") if block.strip()]


def _event(obj: dict[str, Any]) -> str:
    return "data: " + json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n\n"


def _adk(parts: list[dict[str, Any]], role: str = "model") -> dict[str, Any]:
    return {
        "content": {"parts": parts, "role": role},
        "invocationId": "e-00000000-0000-4000-8000-00000000d001",
        "author": "nemo_agent",
        "actions": {"stateDelta": {}, "artifactDelta": {}, "requestedAuthConfigs": {}},
        "id": "DOUBLE01",
        "timestamp": 1767225600.0,
    }


def text(value: str) -> str:
    return _event(_adk([{"text": value}]))


def tool_call(name: str, args: dict[str, Any] | None = None, call_id: str = "adk-double-1") -> str:
    return _event(_adk([{"functionCall": {"id": call_id, "args": args or {}, "name": name}}]))


def tool_result(name: str, response: Any = None, call_id: str = "adk-double-1") -> str:
    return _event(_adk([{"functionResponse": {"id": call_id, "name": name, "response": response}}], "user"))


# ---------------------------------------------------------------- ADK 2.x shapes
# As google-adk 2.x's api_server writes them (cli/api_server.py run_agent_sse, events/event.py):
# every Event carries ``nodeInfo`` (the workflow node path), model finals say ``"partial": false`` and
# ``"turnComplete": true``, a workflow ends an agent with an ``endOfAgent`` event without content, and
# an exception inside the run becomes ``{"error": "<Type>: <msg>", "error_details": {...}}``.

ADK2_INVOCATION = "e-00000000-0000-4000-8000-00000000d002"
ADK2_NODE_PATH = "nemo_agent@1"
_ids = itertools.count(1)


def _adk2(content: dict[str, Any] | None = None, actions: dict[str, Any] | None = None, **llm: Any) -> dict[str, Any]:
    """An Event as ``model_dump_json(exclude_none=True, by_alias=True)`` orders it: the LlmResponse
    fields (content, partial, turnComplete, finishReason, ...) first, then the Event's own."""
    event: dict[str, Any] = {} if content is None else {"content": content}
    event.update(llm)
    event.update(
        invocationId=ADK2_INVOCATION,
        author="nemo_agent",
        actions={
            "stateDelta": {},
            "artifactDelta": {},
            "requestedAuthConfigs": {},
            "requestedToolConfirmations": {},
            **(actions or {}),
        },
        nodeInfo={"path": ADK2_NODE_PATH},
        id=f"00000000-0000-4000-8000-{next(_ids):012d}",
        timestamp=1767226900.0,
    )
    return event


def adk2_text(value: str) -> str:
    """A final model reply: ``partial: false``, ``turnComplete: true``."""
    content = {"parts": [{"text": value}], "role": "model"}
    return _event(_adk2(content, partial=False, turnComplete=True, finishReason="STOP"))


def adk2_partial(chunk: str) -> str:
    """One streamed chunk (the request had ``streaming: true``); the final event repeats the whole text."""
    return _event(_adk2({"parts": [{"text": chunk}], "role": "model"}, partial=True))


def adk2_tool_call(name: str, args: dict[str, Any] | None = None, call_id: str = "adk-double-2") -> str:
    call = {"functionCall": {"id": call_id, "args": args or {}, "name": name}}
    return _event(_adk2({"parts": [call], "role": "model"}, partial=False, finishReason="STOP"))


def adk2_tool_result(
    name: str, response: Any = None, call_id: str = "adk-double-2", state_delta: dict[str, Any] | None = None
) -> str:
    """The tool's answer; ``skipSummarization`` means the model says nothing after it (a silent edit)."""
    part = {"functionResponse": {"id": call_id, "name": name, "response": response}}
    actions = {"skipSummarization": True, "stateDelta": state_delta or {}}
    return _event(_adk2({"parts": [part], "role": "user"}, actions))


def adk2_end_of_agent() -> str:
    """The workflow's marker that the agent finished its run: no content at all."""
    return _event(_adk2(actions={"endOfAgent": True}))


def adk_error(message: str, error_type: str = "RuntimeError", stacktrace: str | None = None) -> str:
    """ADK 2.x's frame for an exception inside the run, byte for byte (``json.dumps`` defaults)."""
    details: dict[str, Any] = {"error_type": error_type, "error_message": message, "timestamp": 1767226901.5}
    if stacktrace is not None:  # only when the server logs at DEBUG
        details["stacktrace"] = stacktrace
    return "data: " + json.dumps({"error": f"{error_type}: {message}", "error_details": details}) + "\n\n"


def heartbeat(form: Literal["empty", "comment", "json", "event"] = "empty") -> str:
    return {
        "empty": "data:\n\n",
        "comment": ": heartbeat\n\n",
        "json": 'data: {"type":"heartbeat"}\n\n',
        "event": "event: heartbeat\ndata:\n\n",
    }[form]


def heartbeats(seconds: float, every: float = 0.05) -> list[Step]:
    """Heartbeats only, for about ``seconds``."""
    steps: list[Step] = []
    for _ in range(max(1, int(seconds / every))):
        steps += [heartbeat(), every]
    return steps
