"""An agent edits a video with only get_state and edit_video, over a real stdio subprocess in both
protocol versions, exercising every operation kind, then exports it; bad operations come back as
isError results naming the operation's index, the field and the valid values."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from mcp import Client, StdioServerParameters
from nemo_video.config import Settings
from nemo_video.media import locate, probe
from tests.mcp.test_local_session import finish
from tests.mcp.test_stdio import server_env


async def edit(client: Client, *ops: dict[str, Any]) -> dict[str, Any]:
    result = await client.call_tool("edit_video", {"operations": list(ops)})
    assert not result.is_error, result.content
    assert result.structured_content is not None and result.structured_content["status"] == "completed"
    return dict(result.structured_content["edit"])


async def state(client: Client) -> dict[str, Any]:
    result = await client.call_tool("get_state", {})
    assert not result.is_error and result.structured_content is not None
    return dict(result.structured_content)


async def error_text(client: Client, *ops: Any) -> str:
    result = await client.call_tool("edit_video", {"operations": list(ops)})
    assert result.is_error, result.content
    return str(getattr(result.content[0], "text", ""))


@pytest.mark.parametrize("mode", ["legacy", "2026-07-28"])
async def test_an_agent_edits_with_operations_only_then_exports(
    settings: Settings, photos: list[Path], tmp_path: Path, mode: str
) -> None:
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "nemo_video.mcp"], env=server_env(settings), cwd=str(tmp_path)
    )
    async with Client(params, mode=mode) as client:  # type: ignore[arg-type]
        upload = await client.call_tool("upload_media", {"paths": [str(p) for p in photos]})
        assert not upload.is_error, upload.content
        media = [a["id"] for a in (await state(client))["media"]]
        assert len(media) == 3

        made = await edit(
            client,
            {"op": "set_format", "platform": "reels"},
            *({"op": "add_scene", "media": m} for m in media),
            {"op": "set_text", "role": "title", "text": "Run The City"},
            {"op": "set_text", "role": "cta", "text": "Shop at stride.example"},
            {"op": "set_music", "mood": "upbeat"},
        )
        comp = made["composition"]
        assert comp["format"]["aspect"] == "9:16" and [s["media"] for s in comp["scenes"]] == media
        assert any("Run The City" in line for line in made["applied"])
        first = made["version"]

        scenes = [s["id"] for s in comp["scenes"]]
        title = next(t["id"] for t in comp["texts"] if t["role"] == "title")
        await edit(
            client,
            {"op": "set_text", "id": title, "style": {"size": 150, "color": "orange"}, "position": {"slot": "bottom"}},
            {"op": "set_text", "text": "Only 200 pairs", "scene": scenes[1]},
            {"op": "move_scene", "scene": scenes[2], "to": 1},
            {"op": "set_scene", "scene": scenes[0], "fit": "contain"},
            {"op": "replace_scene", "scene": scenes[0], "media": media[1]},
            {"op": "add_scene", "kind": "card", "colors": ["#111111", "navy"]},
            {"op": "set_duration", "seconds": 1, "scene": "each"},
            {"op": "set_pace", "pace": "energetic"},
            {"op": "set_transition", "kind": "cut"},
            {"op": "set_brand", "palette": ["#FF6600"], "logo": media[0], "corner": "top_left"},
            {"op": "set_music", "volume": 0.3},
            {"op": "set_format", "aspect": "1:1"},
        )
        now = await state(client)
        comp = now["composition"]
        assert [s["id"] for s in comp["scenes"]] == [scenes[2], scenes[0], scenes[1], "s4"]
        assert [s["duration_ms"] for s in comp["scenes"]] == [1000] * 4
        assert now["duration_s"] == 4 + 2.5  # four 1 s scenes and the call to action's end card
        assert next(s for s in comp["scenes"] if s["id"] == scenes[1])["texts"][0]["text"] == "Only 200 pairs"
        laid_out = next(t for t in now["draft"]["t"] if t["id"] == "track_title")["sg"][0]
        assert laid_out["style"]["font_size"] == 150 and laid_out["style"]["color"] == "#F97316"
        assert (now["draft"]["m"]["width"], now["draft"]["m"]["height"]) == (1080, 1080)

        removed = await edit(client, {"op": "remove_scene", "scene": "s4"}, {"op": "remove_text", "role": "cta"})
        assert len(removed["composition"]["scenes"]) == 3
        assert all(t["role"] != "cta" for t in removed["composition"]["texts"])
        undone = await edit(client, {"op": "undo"})
        assert len(undone["composition"]["scenes"]) == 4
        redone = await edit(client, {"op": "redo"})
        assert len(redone["composition"]["scenes"]) == 3 and redone["version"] > first

        text = await error_text(
            client, {"op": "set_text", "role": "title", "text": "x"}, {"op": "move_scene", "scene": "s9", "to": 1}
        )
        assert "Operation 1 (scene)" in text and scenes[0] in text and "Next step" in text
        text = await error_text(client, {"op": "set_format", "aspect": "3:2"})
        assert "operations.0" in text and "aspect" in text and "'9:16'" in text
        assert (await state(client))["version"] == redone["version"]  # nothing applied

        exported = await finish(
            client,
            await client.call_tool(
                "export_video", {"height": 120, "quality": "draft", "filename": f"edited-{mode}", "wait_s": 50}
            ),
        )
    path = Path(exported["export"]["path"])
    info = await probe(path, locate(settings))
    assert (info.width, info.height) == (120, 120)
    assert info.duration_s is not None and abs(info.duration_s - 3.0) < 0.1
