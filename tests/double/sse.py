"""Building blocks of scripted ``/run_sse`` streams.

A script is a list of steps: a ``str`` is written to the wire as-is (one SSE block, ending with a
blank line), a ``float``/``int`` sleeps that many seconds, :data:`DROP` aborts the connection
mid-stream (the client sees an incomplete chunked body), and :class:`SetState` replaces the
session's state at that point (what the agent changed server-side).
"""

from __future__ import annotations

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
