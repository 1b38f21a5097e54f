"""A real stdio subprocess: the SDK client works, and stdout carries only JSON-RPC messages."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import anyio

from mcp import Client, StdioServerParameters
from nemo_video.config import Settings

TOOLS = {
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


def server_env(settings: Settings) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(settings.data_dir.parent / "home"),
        "NEMO_BACKEND": settings.backend,
        "NEMO_API_URL": settings.api_base,
        "NEMO_DATA_DIR": str(settings.data_dir),
        "NEMO_CONFIG_DIR": str(settings.config_dir),
        "NEMO_OUTPUT_DIR": str(settings.output_dir),
    }


async def test_sdk_client_over_stdio_subprocess(cloud_settings: Settings, tmp_path: Path) -> None:
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "nemo_video.mcp"], env=server_env(cloud_settings), cwd=str(tmp_path)
    )
    async with Client(params, mode="legacy") as client:
        tools = (await client.list_tools()).tools
        state = await client.call_tool("get_state", {})
    assert {t.name for t in tools} == TOOLS
    assert not state.is_error and state.structured_content is not None
    assert state.structured_content["backend"] == "cloud"


async def test_stdout_carries_only_protocol_messages(cloud_settings: Settings, tmp_path: Path) -> None:
    requests = [
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "t", "version": "0"},
            },
        },
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
        {"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "get_state", "arguments": {}}},
        {
            "jsonrpc": "2.0",
            "id": 4,
            "method": "tools/call",
            "params": {"name": "upload_media", "arguments": {"paths": ["/etc/hostname"]}},
        },
    ]
    stdin = "".join(json.dumps(r) + "\n" for r in requests).encode()
    async with await anyio.open_process(
        [sys.executable, "-m", "nemo_video.mcp"], cwd=tmp_path, env=server_env(cloud_settings)
    ) as proc:
        assert proc.stdin is not None and proc.stdout is not None
        await proc.stdin.send(stdin)
        received = b""
        with anyio.fail_after(30):
            while received.count(b"\n") < 4:
                received += await proc.stdout.receive()
        await proc.stdin.aclose()
        with anyio.fail_after(15):
            await proc.wait()
    lines = [line for line in received.decode().splitlines() if line.strip()]
    messages = [json.loads(line) for line in lines]  # every line parses: nothing else was printed
    assert all(m.get("jsonrpc") == "2.0" for m in messages)
    by_id = {m["id"]: m for m in messages if "id" in m}
    assert set(by_id) == {1, 2, 3, 4}
    assert by_id[4]["result"]["isError"] is True
    assert "path_not_allowed" in by_id[4]["result"]["content"][0]["text"]
