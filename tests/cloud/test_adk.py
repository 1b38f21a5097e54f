from __future__ import annotations

import pytest

from nemo_video.backends.cloud.adk import EventInterpreter, classify, iter_sse
from nemo_video.backends.events import Error, Heartbeat, Text, ToolCall, ToolResult
from tests.conftest import fixture_text


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
