"""Agent replies as the model sees them: GUI phrases translated, silent edits summarized, ask routes."""

from __future__ import annotations

from mcp import Client
from nemo_video.config import Settings
from tests.conftest import fixture_json, fixture_text
from tests.double import NemoDouble
from tests.mcp.conftest import serving

BEFORE = fixture_json("state_latest_before_edit.json")["data"]["state"]
AFTER = fixture_json("state_latest.json")["data"]["state"]


def blocks(name: str) -> list[str]:
    return [block + "\n\n" for block in fixture_text(name).split("\n\n") if block.strip()]


async def test_gui_instructions_are_translated_and_spending_actions_only_offered(
    cloud_settings: Settings, nemo_double: NemoDouble
) -> None:
    async with serving(cloud_settings) as (service, server), Client(server) as client:
        nemo_double.set_state((await service.session()).id, BEFORE)
        nemo_double.script_sse(blocks("sse_gui_instructions.sse"), state_after=AFTER)
        result = await client.call_tool("generate_video", {"request": "add a title", "confirm_spend": True})
    assert not result.is_error, result.content
    gen = result.structured_content["generate"]  # type: ignore[index]
    reply = gen["reply"].lower()
    assert "click" not in reply and "drag" not in reply
    kinds = {a["kind"] for a in gen["offered_actions"]}
    assert "export" in kinds
    assert nemo_double.count("render_submit") == 0  # offered, not taken


async def test_silent_edit_is_summarized_from_the_state_diff(cloud_settings: Settings, nemo_double: NemoDouble) -> None:
    async with serving(cloud_settings) as (service, server), Client(server) as client:
        nemo_double.set_state((await service.session()).id, BEFORE)
        nemo_double.script_sse(blocks("sse_edit_no_text.sse"), state_after=AFTER)
        result = await client.call_tool("generate_video", {"request": "add a title", "confirm_spend": True})
    gen = result.structured_content["generate"]  # type: ignore[index]
    # The cloud backend may already voice the diff itself; either way the reply says what changed.
    assert 'Title: "Golden Hour"' in gen["reply"]
    assert any("Title" in change or "Added" in change for change in gen["changes"])


async def test_ask_routes_free_text_and_names_the_route(settings: Settings, mode: str) -> None:
    async with serving(settings) as (_, server), Client(server, mode=mode) as client:
        credits = await client.call_tool("ask", {"text": "how many credits do I have?"})
        state = await client.call_tool("ask", {"text": "状态"})
        empty_export = await client.call_tool("ask", {"text": "导出"})
        made = await client.call_tool("ask", {"text": "a 2-second video with the title 'Hi'", "wait_s": 50})
    assert credits.structured_content["route"] == "credits"  # type: ignore[index]
    assert credits.structured_content["credits"]["unlimited"] is True  # type: ignore[index]
    assert state.structured_content["route"] == "state"  # type: ignore[index]
    assert empty_export.is_error and "nothing_to_export" in empty_export.content[0].text  # type: ignore[union-attr]
    out = made.structured_content
    assert out is not None and out["route"] == "generate" and out["job"]["status"] == "completed"
    assert out["job"]["generate"]["exportable"] is True
