"""The design report where people read it: the MCP tool result (structured and one line of text) over
a real stdio server, and the CLI's ``--json``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from mcp import Client, StdioServerParameters
from nemo_video.config import Settings
from tests.cli.test_cli import photos as cli_photos
from tests.cli.test_cli import run
from tests.mcp.test_local_session import finish
from tests.mcp.test_stdio import server_env

from .requests import photo


async def test_export_video_result_carries_the_report_and_its_summary_line(settings: Settings, tmp_path: Path) -> None:
    pictures = [photo(tmp_path / f"p{i}.jpg", "dark", i == 1, seed=i) for i in range(2)]
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "nemo_video.mcp"], env=server_env(settings), cwd=str(tmp_path)
    )
    async with Client(params) as client:
        upload = await client.call_tool("upload_media", {"paths": [str(p) for p in pictures]})
        assert not upload.is_error, upload.content
        ops: list[dict[str, Any]] = [{"op": "set_format", "platform": "reels"}]
        ops += [{"op": "add_scene", "media": a["id"]} for a in upload.structured_content["assets"]]
        ops += [{"op": "set_text", "role": "title", "text": "Night market"}, {"op": "set_music", "mood": "lofi"}]
        edited = await client.call_tool("edit_video", {"operations": ops})
        assert not edited.is_error, edited.content
        result = await client.call_tool("export_video", {"height": 240, "quality": "draft", "wait_s": 50})
        exported = await finish(client, result)
        text = " ".join(str(getattr(block, "text", "")) for block in (await client.call_tool(
            "job_status", {"job_id": exported["job_id"]})).content)  # fmt: skip
    report = exported["export"]["design_report"]
    rules = {c["rule"] for c in report["checks"]}
    assert {"text_size", "text_zone", "text_contrast", "hook", "end_card", "beats", "loudness", "true_peak"} <= rules
    assert report["texts"][0]["words"] == "Night market" and report["texts"][0]["contrast"] > 4.5
    assert abs(report["loudness_lufs"] + 14) <= 1 and report["true_peak_dbtp"] <= -1
    assert "Design report: " in text and "LUFS" in text


def test_cli_json_has_the_report_and_the_text_output_its_line(tmp_path: Path) -> None:
    media = cli_photos(tmp_path, 2)
    result = run(tmp_path, "generate", "a 3-second video with the title 'Fresh Start'", "--media", *media,
                 "--height", "180", "--json")  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)["design_report"]
    assert report["height"] == 180 and report["texts"] and report["measured_s"] < 5
    assert next(c for c in report["checks"] if c["rule"] == "hook")["status"] == "pass"
    plain = run(tmp_path, "generate", "a 2-second video that says 'Hello'", "--height", "180")
    assert plain.returncode == 0, plain.stderr
    assert "design: Design report: " in plain.stdout
