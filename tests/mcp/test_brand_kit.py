"""An agent sets a brand with edit_video; get_state shows it as the session's brand kit, and the
same client's next session starts its first video with it (another session name has its own kit)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mcp import Client
from nemo_video.config import Settings
from tests.mcp.conftest import serving
from tests.mcp.test_local_session import finish


async def _edit(client: Client, session: str, *ops: dict[str, Any]) -> dict[str, Any]:
    result = await client.call_tool("edit_video", {"operations": list(ops), "session": session})
    edit: dict[str, Any] = (await finish(client, result))["edit"]
    if edit.get("reply"):  # what the agent reads says it too
        assert edit["reply"] in str(getattr(result.content[0], "text", ""))
    return edit


async def test_get_state_shows_the_kit_and_a_new_session_starts_with_it(settings: Settings, photos: list[Path]) -> None:
    async with serving(settings) as (service, server), Client(server) as client:
        upload = await client.call_tool("upload_media", {"paths": [str(p) for p in photos], "session": "shop"})
        ids = [a["id"] for a in upload.structured_content["assets"]]  # type: ignore[index]
        await _edit(client, "shop", *({"op": "add_scene", "media": i} for i in ids))
        edited = await _edit(client, "shop", {"op": "set_brand", "palette": ["#0F766E", "white"], "font": "Lora"})
        assert "Saved as your brand kit: colours #0F766E, #FFFFFF; font Lora" in edited["reply"]

        state = await client.call_tool("get_state", {"session": "shop"})
        assert state.structured_content is not None
        assert state.structured_content["brand_kit"]["palette"] == ["#0F766E", "#FFFFFF"]
        assert "Brand kit (new videos start with it): colours #0F766E, #FFFFFF; font Lora" in str(
            getattr(state.content[0], "text", "")
        )
        other = await client.call_tool("get_state", {"session": "elsewhere"})
        assert other.structured_content is not None and other.structured_content.get("brand_kit") is None

        await service.new_session("shop")
        upload = await client.call_tool("upload_media", {"paths": [str(photos[0])], "session": "shop"})
        added = upload.structured_content["assets"][0]["id"]  # type: ignore[index]
        first = await _edit(client, "shop", {"op": "add_scene", "media": added})
        assert "Using your brand kit: colours #0F766E, #FFFFFF; font Lora" in first["reply"]
        assert first["composition"]["brand"]["font"] == "Lora"
