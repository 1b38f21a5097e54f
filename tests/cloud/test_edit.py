"""edit_video on the cloud: one precise instruction to the agent, then the state is read back and any
operation the timeline does not show is reported (the skill's verify-after-silent-edit rule)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from nemo_video.composition import parse_operations
from nemo_video.config import Settings
from nemo_video.errors import ErrorCode, NemoVideoError
from nemo_video.service import VideoService
from tests.conftest import fixture_json
from tests.double import NemoDouble, sse

OPS = [
    {"op": "set_text", "id": "seg_title_0001", "text": "Golden Hour at Sea, 6:40 am"},
    {"op": "move_scene", "scene": "seg_img_0003", "to": 1},
    {"op": "set_format", "aspect": "9:16"},
]


def state_with_title(title: str) -> dict[str, Any]:
    state = copy.deepcopy(fixture_json("state_latest.json")["data"]["state"])
    for track in state["draft"]["t"]:
        for seg in track["sg"]:
            if seg.get("type") == "text" and seg["id"] == "seg_title_0001":
                seg["text"] = title
    return state


async def edited(settings: Settings, nemo_double: NemoDouble, state_after: dict[str, Any]) -> dict[str, Any]:
    async with VideoService(settings) as service:
        session = await service.session()
        nemo_double.set_state(session.id, state_with_title("Golden Hour"))
        nemo_double.script_sse([sse.text("Done: I changed the title.")], state_after=state_after)
        job = await service.start_edit(parse_operations(OPS), confirm_spend=True)
        record = await service.wait(job.id, 20)
    assert record.status == "completed", record.error
    assert record.result is not None
    return record.result


async def test_operations_go_as_one_numbered_instruction_and_unseen_ones_are_reported(
    cloud_settings: Settings, nemo_double: NemoDouble
) -> None:
    result = await edited(cloud_settings, nemo_double, state_with_title("Golden Hour at Sea, 6:40 am"))
    [call] = nemo_double.calls("run_sse")
    message = call.json()["new_message"]["parts"][0]["text"]
    assert "1. Change the title 'Golden Hour' to the words 'Golden Hour at Sea, 6:40 am' (verbatim)." in message
    assert "2. Move scene 3 (sunset_pier.webp) to position 1" in message
    assert "3. Change the format to 9:16 (1080x1920)." in message
    assert result["reply"] == "Done: I changed the title."
    assert [line.split(":")[0] for line in result["not_applied"]] == [
        "operation 1 (move_scene)",
        "operation 2 (set_format)",
    ]
    assert result["applied"] == [
        "Change the title 'Golden Hour' to the words 'Golden Hour at Sea, 6:40 am' (verbatim)."
    ]
    titles = [t["text"] for t in result["composition"]["texts"] if t["role"] == "title"]
    assert titles == ["Golden Hour at Sea, 6:40 am"]


async def test_an_agent_that_did_everything_leaves_nothing_unapplied(
    cloud_settings: Settings, nemo_double: NemoDouble
) -> None:
    state = state_with_title("Golden Hour at Sea, 6:40 am")
    video = state["draft"]["t"][0]["sg"]
    video.insert(0, video.pop(2))
    state["draft"]["m"].update(width=1080, height=1920, ratio="9:16")
    result = await edited(cloud_settings, nemo_double, state)
    assert result["not_applied"] == [] and len(result["applied"]) == 3


async def test_cloud_edits_need_consent_and_bad_operations_never_reach_the_agent(
    cloud_settings: Settings, nemo_double: NemoDouble
) -> None:
    async with VideoService(cloud_settings) as service:
        session = await service.session()
        nemo_double.set_state(session.id, state_with_title("Golden Hour"))
        with pytest.raises(NemoVideoError) as refused:
            await service.start_edit(parse_operations(OPS))
        assert refused.value.code == ErrorCode.CONSENT_REQUIRED
        with pytest.raises(NemoVideoError) as bad:
            await service.start_edit(parse_operations([{"op": "remove_scene", "scene": "s9"}]), confirm_spend=True)
        assert bad.value.code == ErrorCode.INVALID_INPUT and "seg_img_0001" in bad.value.message
    assert nemo_double.count("run_sse") == 0
