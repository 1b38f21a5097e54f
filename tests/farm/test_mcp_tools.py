"""export_video(variants=...) and batch_videos through a real MCP client (in memory), progress per row."""

from __future__ import annotations

import json
from pathlib import Path

from mcp import Client
from nemo_video.config import Settings
from tests.mcp.conftest import serving
from tests.mcp.test_local_session import Progress, finish


async def test_variants_and_a_batch_over_mcp(settings: Settings, photos: list[Path], tmp_path: Path) -> None:
    batch = tmp_path / "two.jsonl"
    rows = [
        {"name": "mug", "request": "a 1-second video titled 'Mug'", "media": [photos[0].name]},
        {"name": "cap", "request": "a 1-second video titled 'Cap'", "media": [photos[1].name], "formats": ["1:1"]},
        {"name": "bad", "request": "", "media": []},
    ]
    batch.write_text("".join(json.dumps(r) + "\n" for r in rows))
    async with serving(settings) as (_, server), Client(server) as client:
        made = await client.call_tool(
            "generate_video", {"request": "a 2-second video titled 'Hi'", "paths": [str(p) for p in photos]}
        )
        await finish(client, made)
        done = await finish(
            client,
            await client.call_tool(
                "export_video", {"variants": ["9:16", "16:9"], "height": 120, "quality": "draft", "filename": "hi"}
            ),
        )
        files = {v["variant"]: Path(v["path"]) for v in done["many"]["variants"]}
        assert set(files) == {"9:16", "16:9"} and all(p.is_file() for p in files.values())
        refused = await client.call_tool("export_video", {"variants": ["3:2"]})
        assert refused.is_error
        progress = Progress()
        out = await finish(
            client,
            await client.call_tool(
                "batch_videos", {"file": str(batch), "height": 120, "quality": "draft"}, progress_callback=progress
            ),
            progress,
        )
    result = out["many"]
    assert (result["rendered"], result["invalid"]) == (2, 1)
    assert result["bad_rows"][0]["row"] == 3 and result["bad_rows"][0]["error"]["hint"]
    assert any("rows rendered" in (m or "") for _, _, m in progress.seen)
    assert sorted(p.name for p in (settings.output_dir / "two").glob("*.mp4")) == ["cap-1x1.mp4", "mug.mp4"]
