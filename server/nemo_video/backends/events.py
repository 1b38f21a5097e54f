"""What the service sees of an agent conversation: a stream of :data:`AgentEvent` values (DESIGN §4).

Both backends yield these from ``Backend.send``: the cloud backend reads them from ``/run_sse`` (ADK
event frames, see ``backends.cloud.adk``); the local agent emits them directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ..errors import ErrorCode, NemoVideoError


@dataclass(frozen=True, slots=True)
class Text:
    """Words to show. ``origin="backend"`` marks text nemo-video wrote itself (what changed after a
    silent stream or a dropped connection), never the agent's reply: a turn without agent text is a
    silent edit."""

    text: str
    author: str | None = None
    origin: Literal["agent", "backend"] = "agent"


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
    """The turn failed. ``timeout`` and ``dropped`` are the connection's fault, not the agent's, and
    keep their own codes (the request may still be running: it is never re-sent)."""

    message: str
    kind: Literal["model_error", "stream_error", "timeout", "dropped"] = "stream_error"

    def exception(self) -> NemoVideoError:
        """This failure as the caller sees it (the one place an event's kind becomes a code)."""
        if self.kind == "timeout":
            return NemoVideoError(ErrorCode.STREAM_TIMEOUT, self.message)
        if self.kind == "dropped":
            return NemoVideoError(ErrorCode.STREAM_DROPPED, self.message)
        return NemoVideoError(ErrorCode.AGENT_ERROR, f"The agent reported an error: {self.message}")


@dataclass(frozen=True, slots=True)
class Closed:
    reason: Literal["end", "dropped", "timeout", "error"] = "end"


AgentEvent = Text | ToolCall | ToolResult | Heartbeat | Error | Closed
