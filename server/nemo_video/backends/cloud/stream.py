"""``POST /run_sse``: one agent message, its events yielded as they arrive (CONTRACT §3.3, §5).

Rules that cost money if broken:

* the message is sent **once**. A stream that drops is never re-sent (the backend may still be
  working, and a second send is charged twice); the session state is polled instead and whatever
  changed is reported. Only a refusal *before* the backend accepted anything (a rejected token, or a
  connection that never opened) can lead to a second request.
* the stream is capped at ``sse_max_s``, and a stream that only sends heartbeats for ``sse_idle_s``
  is given up (``Error(kind="timeout")``).
* an error frame is reported after the stream has closed (the ADK writes it last anyway).
* a stream that ends without visible text (a silent edit) is followed by one state poll, and the
  difference is reported as text marked ``origin="backend"`` (so it is never taken for a reply).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal

import anyio
import httpx
from httpx_sse import EventSource

from ...config import Settings
from ...draft import Draft, diff, summarize
from ...errors import NemoVideoError
from ..events import AgentEvent, Closed, Error, Heartbeat, Text
from .adk import EventInterpreter
from .api import Api, is_auth_error
from .http import read_reply, unreachable
from .redact import log

RUN_SSE_PATH = "/run_sse"
APP_NAME = "nemo_agent"

FetchDraft = Callable[[], Awaitable[Draft | None]]


@dataclass
class _Turn:
    interpreter: EventInterpreter = field(default_factory=EventInterpreter)
    outcome: Literal["end", "dropped", "timeout"] = "end"
    timeout_reason: str = ""


def run_sse_body(session_id: str, message: str) -> dict[str, object]:
    return {
        "app_name": APP_NAME,
        "user_id": "me",
        "session_id": session_id,
        "new_message": {"parts": [{"text": message}]},
    }


class AgentStream:
    def __init__(self, settings: Settings, api: Api) -> None:
        self.settings = settings
        self.api = api

    async def run(self, session_id: str, message: str, fetch_draft: FetchDraft) -> AsyncIterator[AgentEvent]:
        before = await fetch_draft()
        turn = _Turn()
        async for event in self._stream(session_id, message, turn):
            yield event
        if turn.interpreter.errors:
            # Reported once the connection is closed, so a caller that stops at the error leaks nothing.
            for event in [*turn.interpreter.finish(), *turn.interpreter.errors]:
                yield event
            yield Closed("error")
            return
        if turn.outcome == "dropped":
            async for event in self._recover(before, fetch_draft):
                yield event
            return
        if turn.outcome == "timeout":
            yield Error(self._timeout_message(turn), kind="timeout")
            yield Closed("timeout")
            return
        for event in turn.interpreter.finish():
            yield event
        if not turn.interpreter.texts:
            yield await self._silent_edit_text(before, fetch_draft)
        yield Closed("end")

    async def _stream(self, session_id: str, message: str, turn: _Turn) -> AsyncIterator[AgentEvent]:
        body = run_sse_body(session_id, message)
        token = await self.api.auth.token()
        for attempt in (1, 2):
            try:
                async with self.api.http.stream(
                    "POST",
                    RUN_SSE_PATH,
                    token=token,
                    json_body=body,
                    extra_headers={"Accept": "text/event-stream"},
                ) as response:
                    if _is_event_stream(response):
                        async for event in self._consume(response, turn):
                            yield event
                        return
                    reply = await read_reply(response)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                raise unreachable(exc, "POST /run_sse") from None  # nothing was sent
            except httpx.HTTPError as exc:
                # The request may have reached the agent: never re-send, poll state instead.
                log.warning("/run_sse failed before streaming (%s); polling state", type(exc).__name__)
                turn.outcome = "dropped"
                return
            if attempt == 1 and is_auth_error(reply):
                log.info("/run_sse: token refused before the message was accepted; renewing it once")
                token = await self.api.auth.renew(token)
                continue
            error = reply.error() or NemoVideoError(
                "backend_error", f"NemoVideo answered /run_sse with HTTP {reply.status} and no stream."
            )
            raise error

    async def _consume(self, response: httpx.Response, turn: _Turn) -> AsyncIterator[AgentEvent]:
        settings = self.settings
        start = anyio.current_time()
        cap = start + settings.sse_max_s
        idle_deadline = start + settings.sse_idle_s
        messages = EventSource(response).aiter_sse()
        try:
            while True:
                deadline = min(cap, idle_deadline)
                try:
                    with anyio.fail_after(max(0.0, deadline - anyio.current_time())):
                        sse = await messages.__anext__()
                except StopAsyncIteration:
                    return
                except TimeoutError:
                    turn.outcome = "timeout"
                    turn.timeout_reason = "cap" if cap <= idle_deadline else "idle"
                    return
                except httpx.HTTPError as exc:
                    log.warning("/run_sse stream dropped (%s); polling state, not re-sending", type(exc).__name__)
                    turn.outcome = "dropped"
                    return
                events = turn.interpreter.feed(sse.data, sse.event)
                if not events or not all(isinstance(e, Heartbeat) for e in events):
                    idle_deadline = anyio.current_time() + settings.sse_idle_s
                for event in events:
                    if not isinstance(event, Error):  # errors wait for the end of the stream (see run)
                        yield event
        finally:
            await messages.aclose()

    async def _recover(self, before: Draft | None, fetch_draft: FetchDraft) -> AsyncIterator[AgentEvent]:
        """Poll state after a drop: first wait, then a longer wait between polls, stop when the
        draft changed or after ``recover_max_unchanged`` unchanged polls."""
        settings = self.settings
        await anyio.sleep(settings.recover_first_wait_s)
        unchanged = 0
        while True:
            try:
                changes = diff(before, await fetch_draft())
            except NemoVideoError as exc:
                log.info("State poll after a dropped stream failed: %s", exc.code)
                changes = []
            if changes:
                yield _note("The connection dropped, but the agent finished its work. ✅ " + " ".join(changes))
                yield Closed("dropped")
                return
            unchanged += 1
            if unchanged >= settings.recover_max_unchanged:
                yield Error(
                    "The connection to NemoVideo dropped and the timeline did not change after "
                    f"{unchanged} checks. The message was not sent again, because a second send is "
                    "charged twice. Check get_state, then send the request again if it is still wanted.",
                    kind="dropped",
                )
                yield Closed("dropped")
                return
            yield Heartbeat()
            await anyio.sleep(settings.recover_next_wait_s)

    async def _silent_edit_text(self, before: Draft | None, fetch_draft: FetchDraft) -> Text:
        try:
            after = await fetch_draft()
        except NemoVideoError as exc:
            return _note(f"✅ The agent finished without a reply; the timeline was unreadable ({exc.code}).")
        changes = diff(before, after)
        if changes:
            return _note("✅ " + " ".join(changes))
        return _note(f"✅ The agent finished without a reply; the timeline is unchanged. {summarize(after)}")

    def _timeout_message(self, turn: _Turn) -> str:
        if turn.timeout_reason == "cap":
            limit = f"the {self.settings.sse_max_s:g}s limit for one message"
        else:
            limit = f"{self.settings.sse_idle_s:g}s with only keep-alive heartbeats"
        return (
            f"The agent did not finish within {limit}. It may still be working: check get_state "
            "before sending the request again."
        )


def _note(text: str) -> Text:
    """Text this client wrote, not the agent: the service still counts the turn as a silent edit."""
    return Text(text, origin="backend")


def _is_event_stream(response: httpx.Response) -> bool:
    content_type = response.headers.get("content-type", "").partition(";")[0].strip()
    return response.status_code == 200 and content_type == "text/event-stream"
