"""What the renderer bent to keep to the rules reaches the person: a title too long for the safe zone
is shortened with an ellipsis, and the export's design report, its MCP text and the CLI say so."""

from __future__ import annotations

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

LONG = " ".join(["An exceptionally long headline that keeps going"] * 12)


async def test_a_shortened_title_is_noted_in_the_mcp_export_result(settings: Settings, tmp_path: Path) -> None:
    picture = photo(tmp_path / "p.jpg", "dark", False, seed=3)
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "nemo_video.mcp"], env=server_env(settings), cwd=str(tmp_path)
    )
    async with Client(params) as client:
        upload = await client.call_tool("upload_media", {"paths": [str(picture)]})
        assert not upload.is_error, upload.content
        ops: list[dict[str, Any]] = [
            {"op": "set_format", "platform": "reels"},
            {"op": "add_scene", "media": upload.structured_content["assets"][0]["id"], "seconds": 2},
            {"op": "set_text", "role": "title", "text": LONG},
            {"op": "set_music", "off": True},
        ]
        edited = await client.call_tool("edit_video", {"operations": ops})
        assert not edited.is_error, edited.content
        result = await client.call_tool("export_video", {"height": 180, "quality": "draft", "wait_s": 50})
        exported = await finish(client, result)
        status = await client.call_tool("job_status", {"job_id": exported["job_id"]})
    notes = exported["export"]["design_report"]["notes"]
    (shortened,) = [n for n in notes if "shortened" in n]
    assert LONG[:20] in shortened and "shortened to fit the safe zone" in shortened
    headline = str(getattr(status.content[0], "text", "")).split("\n\n", 1)[0]
    assert f"Changed to fit: {shortened}" in headline.splitlines()


def test_the_cli_prints_a_line_per_note(tmp_path: Path) -> None:
    media = cli_photos(tmp_path, 1)
    result = run(tmp_path, "generate", f"a 2-second video with the title '{LONG}'", "--media", *media,
                 "--height", "180")  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("Changed to fit: ")]
    assert any("shortened to fit the safe zone" in line for line in lines), result.stdout
