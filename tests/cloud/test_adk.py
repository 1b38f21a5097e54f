"""Reading /run_sse frames: ADK 1.x and 2.x events, partial chunks, heartbeats and error frames."""

from __future__ import annotations

import logging

import pytest

from nemo_video.backends.cloud.adk import NO_MESSAGE, EventInterpreter, classify, iter_sse
from nemo_video.backends.events import Error, Heartbeat, Text, ToolCall, ToolResult
from nemo_video.errors import ErrorCode
from tests.conftest import fixture_text
from tests.double import sse


def run(name: str, *, crlf: bool = False) -> tuple[list, EventInterpreter]:
    raw = fixture_text(name)
    if crlf:
        raw = raw.replace("\n", "\r\n")
    interp = EventInterpreter()
    events = []
    for event, data in iter_sse(raw):
        events.extend(interp.feed(data, event))
    events.extend(interp.finish())
    return events, interp


@pytest.mark.parametrize("crlf", [False, True])
def test_generate_with_text(crlf):
    events, interp = run("sse_generate_with_text.sse", crlf=crlf)
    kinds = [type(e) for e in events]
    assert kinds[:3] == [Text, ToolCall, ToolResult]
    assert events[1].name == "generate_video_with_seedance"
    assert events[1].args["duration"] == 10
    assert interp.texts and interp.texts[0].startswith("Great idea!")


def test_heartbeats_in_all_four_forms():
    events, _ = run("sse_heartbeats_then_text.sse")
    beats = [e for e in events if isinstance(e, Heartbeat)]
    # empty data x3, {"type":"heartbeat"}, event: heartbeat — comment lines are dropped by the framing
    assert len(beats) == 5
    assert isinstance(events[-1], Text) and events[-1].text.startswith("Done!")


def test_partial_chunks_are_not_shown_twice():
    events, _interp = run("sse_partial_chunks.sse")
    texts = [e.text for e in events if isinstance(e, Text)]
    assert len(texts) == 1
    assert texts[0].startswith("With your 3 photos I can make a slideshow")
    assert "The user asks" not in texts[0]  # thought parts never shown


def test_partial_without_aggregate_is_flushed_at_the_end():
    interp = EventInterpreter()
    assert interp.feed('{"content":{"parts":[{"text":"Hel"}],"role":"model"},"partial":true}') == []
    assert interp.feed('{"content":{"parts":[{"text":"lo"}],"role":"model"},"partial":true}') == []
    assert interp.finish() == [Text("Hello")]


def test_simplified_type_events():
    events, _ = run("sse_simplified_type_events.sse")
    assert [type(e) for e in events] == [Text, ToolCall, Heartbeat, ToolResult, Text]
    assert events[-1].text == "Your 10-second sunset video is ready!"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("sse_error_event.sse", "stream_error"),
        ("sse_error_event_system_author.sse", "stream_error"),
        ("sse_error_code_fields.sse", "model_error"),
    ],
)
def test_error_forms(name, kind):
    events, _interp = run(name)
    errors = [e for e in events if isinstance(e, Error)]
    assert len(errors) == 1 and errors[0].kind == kind
    assert not any(isinstance(e, Text) and e.text.startswith("Error:") for e in events)


def test_unescaped_adk_error_line_is_still_an_error():
    (event,) = classify('{"error": "bad "quote" here"}')
    assert isinstance(event, Error) and "quote" in event.message


def test_trailing_temporary_issue_is_ignored_after_normal_text():
    _events, interp = run("sse_trailing_temporary_issue.sse")
    assert not any("temporary issue" in t.lower() for t in interp.texts)
    assert interp.texts


def test_silent_edit_streams_have_no_text():
    for name in ("sse_edit_no_text.sse", "sse_edit_empty_text.sse"):
        events, interp = run(name)
        assert interp.texts == []
        assert any(isinstance(e, ToolCall) for e in events)


def test_gui_instruction_stream_has_text():
    _, interp = run("sse_gui_instructions.sse")
    assert interp.texts


def test_iter_sse_drops_unterminated_final_event_and_handles_cr():
    assert list(iter_sse("data: a\r\rdata: b\n")) == [(None, "a")]
    assert list(iter_sse("event: heartbeat\ndata:\n\n")) == [("heartbeat", "")]


# ---------------------------------------------------------------- ADK 2.x shapes (google-adk 2.13)


def test_adk2_streamed_reply_is_shown_once_and_end_of_agent_is_silent():
    events, interp = run("sse_adk2_streamed_reply.sse")
    full = "With your 3 photos I can make a slideshow with music, a vertical reel, or a collage. 🎬"
    assert events == [Text(full, author="nemo_agent")]  # the partial:false final, not the three chunks
    assert interp.texts == [full]


def test_adk2_silent_edit_has_no_text_only_the_tool_turn():
    events, interp = run("sse_adk2_silent_edit.sse")
    assert [type(e) for e in events] == [ToolCall, ToolResult]
    assert events[0].name == "edit_multitrack" and events[0].args["operations"][0]["text"] == "Golden Hour"
    assert interp.texts == []


def test_adk2_error_frame_shows_the_message_and_logs_the_exception(caplog):
    with caplog.at_level(logging.DEBUG, logger="nemo_video.backends.cloud"):
        events, interp = run("sse_adk2_error_frame.sse")
    assert [type(e) for e in events] == [ToolCall, Error]
    message = "Seedance quota exhausted for this project; try again in 10 minutes"
    assert events[1] == Error(message) and interp.errors == [Error(message)]
    logged = [r.getMessage() for r in caplog.records]
    assert any("RuntimeError" in line and message in line for line in logged), logged


def test_adk2_error_frame_stacktrace_goes_to_the_debug_log_only(caplog):
    frame = sse.adk_error("boom", "ValueError", stacktrace='Traceback (most recent call last):\n  File "x.py"')
    with caplog.at_level(logging.DEBUG, logger="nemo_video.backends.cloud"):
        (event,) = EventInterpreter().feed(next(iter_sse(frame))[1])
    assert event == Error("boom")
    traces = [r for r in caplog.records if "Traceback" in r.getMessage()]
    assert [r.levelno for r in traces] == [logging.DEBUG]


@pytest.mark.parametrize(
    ("frame", "shown"),
    [
        (
            '{"error": "RuntimeError: ", "error_details": {"error_type": "RuntimeError", "error_message": ""}}',
            NO_MESSAGE,
        ),
        ('{"error": "KeyError: \'draft\'", "error_details": {"error_type": "KeyError"}}', "'draft'"),
        ('{"error": "google.genai.errors.ClientError: 429 quota"}', "429 quota"),
        ('{"error": "Seedance generation failed: upstream timeout"}', "Seedance generation failed: upstream timeout"),
    ],
)
def test_error_frames_never_show_a_python_exception_name(frame, shown):
    (event,) = classify(frame)
    assert event == Error(shown)


def test_error_kinds_keep_their_codes():
    assert Error("gone", kind="dropped").exception().code == ErrorCode.STREAM_DROPPED
    assert Error("slow", kind="timeout").exception().code == ErrorCode.STREAM_TIMEOUT
    failed = Error("boom", kind="model_error").exception()
    assert failed.code == ErrorCode.AGENT_ERROR and failed.message == "The agent reported an error: boom"
