"""The Python SDK client, in memory and over stdio, in both protocol versions: every failure reaches it
as the server's own text (an ``isError`` result, or JSON-RPC -32602 for a bad ``prompts/get``), and a
crash in a tool becomes ``internal`` with a next step while its traceback stays in the log."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest
from mcp.shared.exceptions import MCPError

from mcp import Client, StdioServerParameters
from nemo_video.config import Settings
from tests.mcp.conftest import serving
from tests.mcp.error_cases import (
    BAD_PROMPTS,
    ERROR_META,
    INVALID_PARAMS,
    UNKNOWN_TOOL,
    check_error_text,
    check_unknown_tool_text,
    error_cases,
)
from tests.mcp.test_stdio import server_env

VERSIONS = {"legacy": "2025-11-25", "auto": "2026-07-28"}


async def check_errors(client: Client, missing: Path) -> None:
    for case in error_cases(missing):
        result = await client.call_tool(case.tool, case.arguments)
        assert result.is_error and result.structured_content is None, (case, result)
        check_error_text(case, result.content[0].text)  # type: ignore[union-attr]
        assert result.meta is not None and result.meta[ERROR_META]["code"] == case.code
    unknown = await client.call_tool(*UNKNOWN_TOOL)
    assert unknown.is_error
    check_unknown_tool_text(unknown.content[0].text)  # type: ignore[union-attr]
    for name, arguments, reason in BAD_PROMPTS:
        with pytest.raises(MCPError) as refused:
            await client.get_prompt(name, arguments)
        assert refused.value.error.code == INVALID_PARAMS and reason in refused.value.error.message


async def test_errors_in_memory(
    settings: Settings, tmp_path: Path, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with serving(settings) as (_, server), Client(server, mode=mode) as client:
        assert client.protocol_version == VERSIONS[mode]
        await check_errors(client, tmp_path / "missing.mp4")
    assert "Traceback" not in caplog.text  # refusals are answers, not crashes


async def test_errors_over_stdio(settings: Settings, tmp_path: Path, mode: str) -> None:
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "nemo_video.mcp"], env=server_env(settings), cwd=str(tmp_path)
    )
    async with Client(params, mode=mode) as client:
        assert client.protocol_version == VERSIONS[mode]
        await check_errors(client, tmp_path / "missing.mp4")


async def test_a_crash_is_internal_with_a_next_step_and_its_traceback_only_in_the_log(
    settings: Settings, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    def crash() -> str:
        """A tool with a bug in it."""
        raise RuntimeError("db password hunter2 in a stack frame")

    async with serving(settings) as (_, server):
        server.add_tool(crash, name="crash")
        with caplog.at_level(logging.ERROR):
            async with Client(server, mode=mode) as client:
                result = await client.call_tool("crash", {})
    text = result.content[0].text  # type: ignore[union-attr]
    assert result.is_error and text.startswith("Error [internal]: crash stopped on an unexpected error."), text
    assert "\nNext step: " in text and "get_state" in text
    assert "hunter2" not in text and "RuntimeError" not in text
    assert "Traceback" in caplog.text and "hunter2" in caplog.text
