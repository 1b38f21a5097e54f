"""Reading the cloud agent's ``/run_sse`` frames into :data:`AgentEvent` values.

The payloads are ADK ``Event`` JSON (camelCase) or the simplified ``{"type": ...}`` form;
:class:`EventInterpreter` reads one stream. Classification follows CONTRACT §5.3–5.4. This lives
with the cloud backend because only it reads ADK frames; the local agent emits events directly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..events import AgentEvent, Error, Heartbeat, Text, ToolCall, ToolResult
from .redact import log

TEMPORARY_ISSUE = "i encountered a temporary issue"
NO_MESSAGE = "The agent stopped with an internal error and gave no reason."
# "RuntimeError: boom" -> "boom": a Python exception name means nothing to the person reading.
_EXCEPTION_NAME = re.compile(r"^[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt)\s*:\s*")


def classify(data: str, event: str | None = None) -> list[AgentEvent]:
    """Classify one SSE message (its ``event`` name and ``data``) statelessly.

    Partial chunks come back as ``_Partial`` markers for :class:`EventInterpreter` to handle.
    """
    data = data.strip("\r\n\t ")
    if (event or "").strip() == "heartbeat" or not data:
        return [Heartbeat()]
    try:
        obj = json.loads(data)
    except json.JSONDecodeError:
        if data.startswith('{"error"'):
            # ADK <= 1.1x writes the message unescaped, so it may not be valid JSON.
            message = data[len('{"error"') :].lstrip(" :").rstrip("}").strip().strip('"')
            return [Error(message or "The agent reported an error.")]
        return []
    if not isinstance(obj, dict):
        return []
    kind = obj.get("type")
    if kind == "heartbeat":
        return [Heartbeat()]
    if kind in ("text", "tool_call", "tool_result"):
        return _simplified(obj)
    if "error" in obj and "content" not in obj:
        return [_error_frame(obj)]
    if obj.get("errorCode") or obj.get("errorMessage"):
        return [Error(str(obj.get("errorMessage") or obj.get("errorCode")), kind="model_error")]
    return _adk(obj)


def _error_frame(obj: dict[str, Any]) -> Error:
    """ADK's frame for an exception inside the run. ADK 2.x sends ``{"error": "RuntimeError: boom",
    "error_details": {"error_type", "error_message", "timestamp"[, "stacktrace"]}}``; older ADK only
    ``{"error": "boom"}``. The person gets the message; the exception's details go to the log."""
    found = obj.get("error_details")
    details: dict[str, Any] = found if isinstance(found, dict) else {}
    raw = str(obj.get("error") or "")
    message = details.get("error_message")
    if not isinstance(message, str):
        name = details.get("error_type")
        named = isinstance(name, str) and name and raw.startswith(name + ":")
        message = raw[len(str(name)) + 1 :] if named else _EXCEPTION_NAME.sub("", raw, count=1)
    if details:
        log.warning(
            "The agent's run failed on the server: %s: %s (at %s)",
            details.get("error_type", "?"),
            message,
            details.get("timestamp", "?"),
        )
        if details.get("stacktrace"):
            log.debug("Server stacktrace:\n%s", details["stacktrace"])
    return Error(message.strip() or NO_MESSAGE)


def _simplified(obj: dict[str, Any]) -> list[AgentEvent]:
    kind = obj["type"]
    if kind == "text":
        content = obj.get("content") or obj.get("text") or ""
        return [Text(str(content))] if str(content).strip() else []
    if kind == "tool_call":
        args = obj.get("args")
        return [ToolCall(str(obj.get("name") or "tool"), args if isinstance(args, dict) else {})]
    return [ToolResult(str(obj.get("name") or "tool"), obj.get("result"))]


@dataclass(frozen=True, slots=True)
class _Partial:
    text: str


def _adk(obj: dict[str, Any]) -> list[AgentEvent]:
    content = obj.get("content") if isinstance(obj.get("content"), dict) else {}
    parts = [p for p in (content or {}).get("parts") or [] if isinstance(p, dict)]
    texts = [p["text"] for p in parts if isinstance(p.get("text"), str) and p["text"].strip() and not p.get("thought")]
    author = obj.get("author") if isinstance(obj.get("author"), str) else None
    if author == "system" and texts and texts[0].startswith("Error:"):
        return [Error(texts[0][len("Error:") :].strip() or "The agent reported an error.")]
    if obj.get("partial"):
        return [_Partial("".join(texts))] if texts else []  # type: ignore[list-item]
    events: list[AgentEvent] = []
    if texts and (content or {}).get("role", "model") != "user":
        events.append(Text("".join(texts), author=author))
    for part in parts:
        call = part.get("functionCall")
        if isinstance(call, dict):
            args = call.get("args")
            events.append(
                ToolCall(str(call.get("name") or "tool"), args if isinstance(args, dict) else {}, call.get("id"))
            )
        response = part.get("functionResponse")
        if isinstance(response, dict):
            events.append(ToolResult(str(response.get("name") or "tool"), response.get("response"), response.get("id")))
    return events


class EventInterpreter:
    """Stateful reading of one stream: drops partial chunks that the aggregate repeats, and a
    trailing "I encountered a temporary issue" after normal replies (CONTRACT §5.3)."""

    def __init__(self) -> None:
        self._partial: list[str] = []
        self.texts: list[str] = []
        self.errors: list[Error] = []
        self.tool_calls: list[ToolCall] = []

    def feed(self, data: str, event: str | None = None) -> list[AgentEvent]:
        out: list[AgentEvent] = []
        for item in classify(data, event):
            if isinstance(item, _Partial):
                self._partial.append(item.text)
                continue
            if isinstance(item, Text):
                self._partial.clear()
                if self.texts and TEMPORARY_ISSUE in item.text.lower():
                    continue
                self.texts.append(item.text)
            elif isinstance(item, Error):
                self.errors.append(item)
            elif isinstance(item, ToolCall):
                self.tool_calls.append(item)
            out.append(item)
        return out

    def finish(self) -> list[AgentEvent]:
        """At stream end: a preview that never got its aggregate is the best text we have."""
        leftover = "".join(self._partial).strip()
        self._partial.clear()
        if leftover:
            self.texts.append(leftover)
            return [Text(leftover)]
        return []


def iter_sse(raw: str) -> Iterator[tuple[str | None, str]]:
    """Split a raw SSE body into (event, data) pairs per the SSE spec (LF, CRLF or CR endings).

    The cloud backend reads the wire with httpx-sse; this is for transcripts (tests, the local
    recorder) and follows the same rules: comments are dropped, a final unterminated event is dropped.
    """
    event: str | None = None
    data: list[str] = []
    seen = False
    for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")[:-1]:
        if line == "":
            if seen:
                yield event, "\n".join(data)
            event, data, seen = None, [], False
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "data":
            data.append(value)
            seen = True
        elif name == "event":
            event = value
            seen = True
