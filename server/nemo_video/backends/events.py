"""What the service sees of an agent conversation: a stream of :data:`AgentEvent` values (DESIGN §4).

Both backends yield these from ``Backend.send``: the cloud backend reads them from ``/run_sse`` (ADK
event frames, see ``backends.cloud.adk``); the local agent emits them directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True, slots=True)
class Text:
    text: str
    author: str | None = None


@dataclass(frozen=True, slots=True)
class ToolCall:
    name: str
    args: dict[str, Any] = field(default_factory=dict)
    call_id: str | None = None


@dataclass(frozen=True, slots=True)
class ToolResult:
    name: str
    response: Any = None
    call_id: str | None = None


@dataclass(frozen=True, slots=True)
class Heartbeat:
    pass


@dataclass(frozen=True, slots=True)
class Error:
    message: str
    kind: Literal["model_error", "stream_error", "timeout", "dropped"] = "stream_error"


@dataclass(frozen=True, slots=True)
class Closed:
    reason: Literal["end", "dropped", "timeout", "error"] = "end"


AgentEvent = Text | ToolCall | ToolResult | Heartbeat | Error | Closed
