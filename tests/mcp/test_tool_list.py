"""The tool list as a client sees it, in both protocol modes: schemas, annotations, descriptions."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from mcp import Client
from nemo_video.config import Settings
from nemo_video.mcp.progress import ProgressReporter
from nemo_video.service import JobRecord
from tests.mcp.conftest import serving

READ_ONLY = {"get_credits", "get_state", "job_status"}
LONG = {"generate_video", "export_video", "job_status", "ask"}


async def test_tools_have_schemas_annotations_and_descriptions(cloud_settings: Settings, mode: str) -> None:
    async with serving(cloud_settings) as (_, server), Client(server, mode=mode) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        prompts = (await client.list_prompts()).prompts
        templates = (await client.list_resource_templates()).resource_templates
        resources = (await client.list_resources()).resources
    assert set(tools) == {
        "generate_video",
        "upload_media",
        "get_credits",
        "get_state",
        "edit_video",
        "export_video",
        "job_status",
        "cancel_job",
        "ask",
        "batch_videos",
    }
    for name, tool in tools.items():
        ann = tool.annotations
        assert ann is not None and ann.read_only_hint == (name in READ_ONLY), name
        assert ann.destructive_hint == (name == "cancel_job"), name
        assert tool.output_schema is not None and tool.output_schema["type"] == "object", name
        assert tool.description and len(tool.description) > 80, name
        props = tool.input_schema.get("properties", {})
        assert not {"ctx", "consent", "roots"} & set(props), name  # injected, never asked of the model
        for field in props.values():
            assert field.get("description"), (name, field)
        if name in LONG:
            assert props["wait_s"]["maximum"] == 50 and props["wait_s"]["default"] == 40
    assert tools["generate_video"].annotations.open_world_hint is True  # type: ignore[union-attr]
    assert tools["job_status"].annotations.idempotent_hint is True  # type: ignore[union-attr]
    assert tools["generate_video"].input_schema["required"] == ["request"]
    ops = tools["edit_video"].input_schema["properties"]["operations"]
    kinds = {
        d["properties"]["op"]["const"]
        for d in tools["edit_video"].input_schema["$defs"].values()
        if "op" in d.get("properties", {})
    }
    assert ops["minItems"] == 1 and {"set_text", "move_scene", "set_music", "undo", "redo"} <= kinds
    assert "confirm_spend" in tools["generate_video"].input_schema["properties"]
    assert set(tools["export_video"].input_schema["properties"]["format"]["enum"]) == {"mp4", "webm", "mov", "gif"}
    assert [p.name for p in prompts] == ["product_video"]
    assert [t.uri_template for t in templates] == ["nemo-video://session/{session_id}/timeline"]
    assert {str(r.uri) for r in resources} == {"nemo-video://session/current/timeline", "nemo-video://exports"}


async def test_prompt_and_timeline_resource(cloud_settings: Settings) -> None:
    async with serving(cloud_settings) as (service, server), Client(server) as client:
        prompt = await client.get_prompt(
            "product_video", {"photos": "/a.jpg /b.jpg", "tagline": "Smooth. Bold. Yours."}
        )
        session = await service.session()
        timeline = await client.read_resource(f"nemo-video://session/{session.id}/timeline")
    text = prompt.messages[0].content.text  # type: ignore[union-attr]
    assert "upload_media" in text and "Smooth. Bold. Yours." in text and "export_video" in text
    body = timeline.contents[0].text  # type: ignore[union-attr]
    assert f'"session_id": "{session.id}"' in body and '"exportable": false' in body


@pytest.mark.parametrize("total_known", [True, False])
async def test_progress_reporter_is_strictly_increasing_even_on_heartbeats(total_known: bool) -> None:
    sent: list[tuple[float, float | None, str | None]] = []

    async def send(progress: float, total: float | None, message: str | None) -> None:
        sent.append((progress, total, message))

    report = ProgressReporter(send)
    record = JobRecord(id="j", kind="render", total_known=total_known)
    for fraction, heartbeat in [
        (0.1, False),
        (0.1, True),
        (0.1, True),
        (0.5, False),
        (0.3, False),
        (0.999, False),
        (0.999, True),
        (1.0, True),
    ]:
        record.fraction, record.steps = fraction, record.steps + (0 if heartbeat else 1)
        await report(record, heartbeat)
    values = [p for p, _, _ in sent]
    assert values == sorted(set(values)) and len(values) >= 6
    assert all(t == (100.0 if total_known else None) for _, t, _ in sent)
    if total_known:
        assert max(values) < 100  # never claims "done" while running
    assert any((m or "").startswith("still working") for _, _, m in sent)


async def test_tools_never_wait_past_wait_s(cloud_settings: Settings, nemo_double: Any) -> None:
    from tests.double import sse

    nemo_double.script_sse([sse.text("Hm."), *sse.heartbeats(3.0, every=0.1)])
    async with serving(cloud_settings) as (_, server), Client(server) as client:
        with anyio.fail_after(2.5):
            first = await client.call_tool("generate_video", {"request": "x", "confirm_spend": True, "wait_s": 1})
    assert first.structured_content is not None and first.structured_content["status"] == "running"
