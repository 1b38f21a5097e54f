"""/run_sse: events as they arrive, silent edits, the no-resend rule, heartbeat and total limits."""

from __future__ import annotations

import logging
import time

import anyio
import pytest

from nemo_video.backends.cloud import CloudBackend
from nemo_video.backends.events import Closed, Error, Heartbeat, Text, ToolCall, ToolResult
from nemo_video.config import Settings
from nemo_video.errors import ErrorCode, NemoVideoError
from tests.cloud.conftest import collect
from tests.conftest import fixture_json
from tests.double import NemoDouble, sse

BEFORE = fixture_json("state_latest_before_edit.json")["data"]["state"]
AFTER = fixture_json("state_latest.json")["data"]["state"]


async def test_events_are_yielded_as_they_arrive(backend: CloudBackend, nemo_double: NemoDouble) -> None:
    session = await backend.open_session()
    nemo_double.script_sse([sse.text("first"), 1.0, sse.text("second")])
    started = time.monotonic()
    arrivals = []
    async for event in backend.send(session, "hi"):
        arrivals.append((event, time.monotonic() - started))
    assert arrivals[0][0] == Text("first", author="nemo_agent") and arrivals[0][1] < 0.8
    assert arrivals[1][0] == Text("second", author="nemo_agent") and arrivals[1][1] >= 1.0
    assert arrivals[-1][0] == Closed("end")


async def test_fixture_transcript_with_heartbeats(backend: CloudBackend, nemo_double: NemoDouble) -> None:
    session = await backend.open_session()
    nemo_double.script_sse(sse.fixture_blocks("sse_heartbeats_then_text.sse"))
    events = await collect(backend, session, "make it vertical")
    texts = [e.text for e in events if isinstance(e, Text)]
    assert len(texts) == 2 and texts[1].startswith("Done! Your vertical 9:16 version")
    assert sum(isinstance(e, Heartbeat) for e in events) >= 4
    assert any(isinstance(e, ToolCall) for e in events) and any(isinstance(e, ToolResult) for e in events)


async def test_silent_edit_reports_the_state_diff(backend: CloudBackend, nemo_double: NemoDouble) -> None:
    session = await backend.open_session()
    nemo_double.set_state(session.id, BEFORE)
    nemo_double.script_sse(sse.fixture_blocks("sse_edit_no_text.sse"), state_after=AFTER)
    events = await collect(backend, session, "Add the title 'Golden Hour' for the first 3 seconds")
    texts = [e for e in events if isinstance(e, Text)]
    assert len(texts) == 1 and texts[0].text.startswith("✅ ")
    assert 'Title: "Golden Hour" (0-3s)' in texts[0].text
    assert texts[0].origin == "backend"  # nemo-video's words, not a reply from the agent
    assert events[-1] == Closed("end")
    assert nemo_double.count("state") == 2  # before the message, and once after the silent stream


async def test_adk2_silent_edit_reports_the_state_diff(backend: CloudBackend, nemo_double: NemoDouble) -> None:
    session = await backend.open_session()
    nemo_double.set_state(session.id, BEFORE)
    nemo_double.script_sse(sse.fixture_blocks("sse_adk2_silent_edit.sse"), state_after=AFTER)
    events = await collect(backend, session, "Add the title 'Golden Hour' for the first 3 seconds")
    assert [type(e) for e in events] == [ToolCall, ToolResult, Text, Closed]
    assert events[2].origin == "backend" and 'Title: "Golden Hour"' in events[2].text  # type: ignore[union-attr]
    assert events[-1] == Closed("end")


async def test_adk2_reply_with_end_of_agent(backend: CloudBackend, nemo_double: NemoDouble) -> None:
    nemo_double.adk = "2.x"
    session = await backend.open_session()
    events = await collect(backend, session, "hello")
    assert events == [Text("OK: hello", author="nemo_agent"), Closed("end")]
    assert nemo_double.count("state") == 1  # a reply with words needs no state poll afterwards


async def test_adk2_error_frame_closes_as_error_without_the_exception_name(
    backend: CloudBackend, nemo_double: NemoDouble
) -> None:
    session = await backend.open_session()
    nemo_double.script_sse([sse.adk2_tool_call("edit_multitrack"), sse.adk_error("draft is locked")])
    events = await collect(backend, session, "do it")
    assert events[-2:] == [Error("draft is locked"), Closed("error")]


async def test_empty_text_part_counts_as_silent(backend: CloudBackend, nemo_double: NemoDouble) -> None:
    session = await backend.open_session()
    nemo_double.set_state(session.id, BEFORE)
    nemo_double.script_sse(sse.fixture_blocks("sse_edit_empty_text.sse"), state_after=AFTER)
    events = await collect(backend, session, "title please")
    assert [(e.text[:2], e.origin) for e in events if isinstance(e, Text)] == [("✅ ", "backend")]


async def test_stream_error_event_closes_as_error(backend: CloudBackend, nemo_double: NemoDouble) -> None:
    session = await backend.open_session()
    nemo_double.script_sse(sse.fixture_blocks("sse_error_event_system_author.sse"))
    events = await collect(backend, session, "do it")
    assert any(isinstance(e, Error) for e in events)
    assert events[-1] == Closed("error")


def test_a_caller_that_stops_at_the_error_leaves_no_stream_open(
    cloud_settings: Settings, nemo_double: NemoDouble, caplog: pytest.LogCaptureFixture
) -> None:
    async def stop_at_the_error() -> Error:
        cloud = CloudBackend(cloud_settings)
        try:
            session = await cloud.open_session()
            nemo_double.script_sse([sse.adk2_tool_call("edit_multitrack"), sse.adk_error("boom")])
            async for event in cloud.send(session, "do it"):
                if isinstance(event, Error):
                    return event  # as the service does: it raises, never finishing the iteration
            raise AssertionError("the turn ended without its error")
        finally:
            await cloud.aclose()

    # A fresh loop, so that closing it finalizes whatever the abandoned turn left open, inside this test.
    with caplog.at_level(logging.ERROR, logger="asyncio"):
        assert anyio.run(stop_at_the_error) == Error("boom")
    assert [r.getMessage() for r in caplog.records if r.name == "asyncio"] == []


async def test_dropped_stream_is_never_resent_and_reports_what_changed(
    backend: CloudBackend, nemo_double: NemoDouble
) -> None:
    session = await backend.open_session()
    nemo_double.set_state(session.id, BEFORE)
    nemo_double.script_sse([sse.tool_call("edit_multitrack"), sse.DROP], state_after=AFTER)
    events = await collect(backend, session, "Add a title")
    assert nemo_double.count("run_sse") == 1
    assert isinstance(events[0], ToolCall)
    text = [e for e in events if isinstance(e, Text)]
    assert len(text) == 1 and "connection dropped" in text[0].text and "Golden Hour" in text[0].text
    assert text[0].origin == "backend"
    assert events[-1] == Closed("dropped")


async def test_dropped_stream_with_no_change_reports_failure_after_the_polls(
    backend: CloudBackend, nemo_double: NemoDouble, cloud_settings: Settings
) -> None:
    session = await backend.open_session()
    nemo_double.script_sse([sse.text("working on it"), sse.DROP])
    events = await collect(backend, session, "Add a title")
    assert nemo_double.count("run_sse") == 1
    # one poll before sending, then recover_max_unchanged polls after the drop
    assert nemo_double.count("state") == 1 + cloud_settings.recover_max_unchanged
    error = events[-2]
    assert isinstance(error, Error) and error.kind == "dropped" and "not sent again" in error.message
    assert events[-1] == Closed("dropped")


async def test_reset_before_any_event_is_not_resent(backend: CloudBackend, nemo_double: NemoDouble) -> None:
    session = await backend.open_session()
    nemo_double.fail_next("run_sse", "reset")
    events = await collect(backend, session, "Add a title")
    assert nemo_double.count("run_sse") == 1
    assert events[-1] == Closed("dropped")


async def test_heartbeats_only_times_out(cloud_settings: Settings, nemo_double: NemoDouble) -> None:
    cloud = CloudBackend(cloud_settings.with_(sse_idle_s=0.4, sse_max_s=10.0))
    session = await cloud.open_session()
    nemo_double.script_sse([sse.text("starting"), *sse.heartbeats(3.0, every=0.05), sse.text("too late")])
    started = time.monotonic()
    events = await collect(cloud, session, "generate")
    await cloud.aclose()
    assert time.monotonic() - started < 2.0
    assert [e.text for e in events if isinstance(e, Text)] == ["starting"]
    error = events[-2]
    assert isinstance(error, Error) and error.kind == "timeout" and "keep-alive" in error.message
    assert events[-1] == Closed("timeout")
    assert nemo_double.count("run_sse") == 1


async def test_real_events_reset_the_heartbeat_timer(cloud_settings: Settings, nemo_double: NemoDouble) -> None:
    cloud = CloudBackend(cloud_settings.with_(sse_idle_s=0.5))
    session = await cloud.open_session()
    steps: list[sse.Step] = []
    for i in range(4):  # 4 x 0.3 s of heartbeats, each followed by a tool call: never 0.5 s idle
        steps += [*sse.heartbeats(0.3, every=0.05), sse.tool_call("step", {"i": i})]
    nemo_double.script_sse([*steps, sse.text("done")])
    events = await collect(cloud, session, "generate")
    await cloud.aclose()
    assert events[-1] == Closed("end") and events[-2] == Text("done", author="nemo_agent")


async def test_total_cap(cloud_settings: Settings, nemo_double: NemoDouble) -> None:
    cloud = CloudBackend(cloud_settings.with_(sse_idle_s=5.0, sse_max_s=0.6))
    session = await cloud.open_session()
    steps: list[sse.Step] = []
    for i in range(40):
        steps += [sse.tool_call("step", {"i": i}), 0.05]
    nemo_double.script_sse(steps)
    started = time.monotonic()
    events = await collect(cloud, session, "generate")
    await cloud.aclose()
    assert 0.6 <= time.monotonic() - started < 1.5
    error = events[-2]
    assert isinstance(error, Error) and error.kind == "timeout" and "limit for one message" in error.message
    assert events[-1] == Closed("timeout")


async def test_out_of_credits_before_streaming(backend: CloudBackend, nemo_double: NemoDouble) -> None:
    session = await backend.open_session()
    nemo_double.fail_next("run_sse", 2001)
    with pytest.raises(NemoVideoError) as caught:
        await collect(backend, session, "generate")
    assert caught.value.code == ErrorCode.OUT_OF_CREDITS
    assert nemo_double.count("run_sse") == 1


async def test_run_sse_is_never_retried_on_429(backend: CloudBackend, nemo_double: NemoDouble) -> None:
    session = await backend.open_session()
    nemo_double.fail_next("run_sse", 429)
    with pytest.raises(NemoVideoError) as caught:
        await collect(backend, session, "generate")
    assert caught.value.code == ErrorCode.RATE_LIMITED
    assert nemo_double.count("run_sse") == 1


async def test_token_refused_before_streaming_is_renewed(backend: CloudBackend, nemo_double: NemoDouble) -> None:
    session = await backend.open_session()
    nemo_double.fail_next("run_sse", 1001)
    events = await collect(backend, session, "hello")
    assert events[0] == Text("OK: hello", author="nemo_agent")
    assert nemo_double.count("token") == 2 and nemo_double.count("run_sse") == 2
