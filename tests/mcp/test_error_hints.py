"""Default hints are next steps an agent can take: they name real tools and real parameters."""

from __future__ import annotations

import re

from mcp import Client
from nemo_video.config import Settings
from nemo_video.errors import DEFAULT_HINTS, ErrorCode, NemoVideoError
from tests.mcp.conftest import serving


async def test_hints_name_only_tools_and_parameters_that_exist(settings: Settings) -> None:
    async with serving(settings) as (_, server), Client(server) as client:
        tools = (await client.list_tools()).tools
    names = {tool.name for tool in tools}
    parameters = {p for tool in tools for p in tool.input_schema.get("properties", {})}
    assert set(DEFAULT_HINTS) == set(ErrorCode)
    for code, hint in DEFAULT_HINTS.items():
        for parameter in re.findall(r"\b([a-z_]+)=", hint):  # "call again with confirm_spend=true"
            assert parameter in parameters, (code, parameter)
        for word in re.findall(r"(?<![\w.-])([a-z]+(?:_[a-z]+)+)\b", hint):  # get_state, wait_s, ...
            assert word in names | parameters, (code, word)


def test_output_exists_hint_offers_what_export_video_can_do() -> None:
    hint = DEFAULT_HINTS[ErrorCode.OUTPUT_EXISTS]
    assert "overwrite" not in hint and "filename" in hint


def test_render_timeout_hint_fits_a_render_that_was_stopped() -> None:
    hint = DEFAULT_HINTS[ErrorCode.RENDER_TIMEOUT]
    assert "job_status" not in hint and "NEMO_RENDER_TIMEOUT_SECONDS" in hint


def test_a_message_never_ends_in_two_full_stops() -> None:
    detail = "/out/launch.mp4 already exists."
    err = NemoVideoError(ErrorCode.OUTPUT_EXISTS, f"The render failed: {detail}.")
    assert err.message == "The render failed: /out/launch.mp4 already exists."
    assert NemoVideoError(ErrorCode.CANCELLED, "Wait for it...").message == "Wait for it..."
