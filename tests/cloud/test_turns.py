"""One agent turn through the service against the double: what the caller is told (issue 11, item 6).

A silent edit is reported as one (``silent_edit: true``) in both ADK generations; a dropped stream and
an idle timeout keep their own codes and hints; an ADK error frame shows its message, never the Python
exception name.
"""

from __future__ import annotations

from typing import Any

import pytest

from nemo_video.composition import parse_operations
from nemo_video.config import Settings
from nemo_video.errors import DEFAULT_HINTS, ErrorCode
from nemo_video.service import GenerateResult, VideoService
from nemo_video.service.jobs import JobRecord
from tests.conftest import fixture_json
from tests.double import NemoDouble, sse

BEFORE = fixture_json("state_latest_before_edit.json")["data"]["state"]
AFTER = fixture_json("state_latest.json")["data"]["state"]


async def turn(
    settings: Settings, double: NemoDouble, steps: list[sse.Step], state_after: dict[str, Any] | None = None
) -> JobRecord:
    async with VideoService(settings) as service:
        double.set_state((await service.session()).id, BEFORE)
        double.script_sse(steps, state_after=state_after)
        job = await service.start_generate("Add the title 'Golden Hour' for 3 seconds", confirm_spend=True)
        return await service.wait(job.id, 20)


def generated(record: JobRecord) -> GenerateResult:
    assert record.status == "completed", record.error
    return GenerateResult.model_validate(record.result)


@pytest.mark.parametrize("transcript", ["sse_edit_no_text.sse", "sse_edit_empty_text.sse", "sse_adk2_silent_edit.sse"])
async def test_a_silent_edit_is_reported_as_silent(
    cloud_settings: Settings, nemo_double: NemoDouble, transcript: str
) -> None:
    result = generated(await turn(cloud_settings, nemo_double, sse.fixture_blocks(transcript), AFTER))
    assert result.silent_edit is True
    assert 'Title: "Golden Hour"' in result.reply  # the reply says what changed instead
    assert any("Golden Hour" in change for change in result.changes)


async def test_a_reply_in_words_is_not_silent(cloud_settings: Settings, nemo_double: NemoDouble) -> None:
    steps = [sse.adk2_tool_call("edit_multitrack"), sse.adk2_text("Added the title."), sse.adk2_end_of_agent()]
    result = generated(await turn(cloud_settings, nemo_double, steps, AFTER))
    assert result.silent_edit is False and result.reply == "Added the title."


async def test_a_drop_after_finished_work_is_a_silent_success(
    cloud_settings: Settings, nemo_double: NemoDouble
) -> None:
    result = generated(
        await turn(cloud_settings, nemo_double, [sse.adk2_tool_call("edit_multitrack"), sse.DROP], AFTER)
    )
    assert result.silent_edit is True and any("Golden Hour" in change for change in result.changes)
    assert result.reply.startswith("The connection dropped, but the agent finished its work.")
    assert nemo_double.count("run_sse") == 1


async def test_a_dropped_stream_keeps_its_code(cloud_settings: Settings, nemo_double: NemoDouble) -> None:
    record = await turn(cloud_settings, nemo_double, [sse.adk2_text("Working on it."), sse.DROP])
    assert record.status == "failed" and record.error is not None
    assert record.error["code"] == "stream_dropped"
    assert record.error["hint"] == DEFAULT_HINTS[ErrorCode.STREAM_DROPPED]
    assert "not sent again" in record.error["message"] and "Rephrase" not in record.error["hint"]
    assert nemo_double.count("run_sse") == 1


async def test_an_idle_stream_keeps_its_code(cloud_settings: Settings, nemo_double: NemoDouble) -> None:
    steps = [sse.adk2_text("Starting."), *sse.heartbeats(2.0, every=0.05)]
    record = await turn(cloud_settings.with_(sse_idle_s=0.4), nemo_double, steps)
    assert record.status == "failed" and record.error is not None
    assert record.error["code"] == "stream_timeout"
    assert record.error["hint"] == DEFAULT_HINTS[ErrorCode.STREAM_TIMEOUT]
    assert "keep-alive" in record.error["message"]


async def test_an_adk_error_frame_shows_its_message(cloud_settings: Settings, nemo_double: NemoDouble) -> None:
    steps = sse.fixture_blocks("sse_adk2_error_frame.sse")
    record = await turn(cloud_settings, nemo_double, steps)
    assert record.status == "failed" and record.error is not None
    assert record.error["code"] == "agent_error"
    assert record.error["message"] == (
        "The agent reported an error: Seedance quota exhausted for this project; try again in 10 minutes"
    )
    assert "RuntimeError" not in str(record.error)


async def test_a_failed_cloud_edit_is_an_error_not_an_empty_reply(
    cloud_settings: Settings, nemo_double: NemoDouble
) -> None:
    async with VideoService(cloud_settings) as service:
        nemo_double.set_state((await service.session()).id, AFTER)
        nemo_double.script_sse([sse.adk_error("draft is locked")])
        job = await service.start_edit(parse_operations([{"op": "set_format", "aspect": "9:16"}]), confirm_spend=True)
        record = await service.wait(job.id, 20)
    assert record.status == "failed" and record.error is not None
    assert record.error["code"] == "agent_error" and record.error["message"].endswith("draft is locked")
