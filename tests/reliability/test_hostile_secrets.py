"""Tokens that come back from the cloud: in the agent's words, in tool calls, in error bodies.

The agent (or a prompt-injected page it read) may repeat the user's token: that text used to be
returned verbatim and written to the job file. A token with ``+``, ``/`` or ``=`` echoed in an error
came out half redacted (``nmv_usr_***+TAIL/x==``) because the token shape was replaced before the
exact secret. Runs against the loopback double with a real MCP client.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mcp import Client
from nemo_video.config import Secret, Settings
from tests.double import Fault, NemoDouble, sse
from tests.mcp.conftest import serving

SHAPED = "nmv_usr_Hostile+Secret/Tail=="  # the shape the old pattern stopped inside
OPAQUE = "opaque.Hostile-Key+with/slash=="  # a token that does not look like nmv_usr_
TAILS = ("Hostile", "Secret/Tail", "Tail==", "with/slash")

Script = Callable[[str], list[Any]]

# (id, the stream the agent sends, given the token)
STREAMS: list[tuple[str, Script]] = [
    ("plain-text", lambda t: [sse.text(f"Your token is {t}.")]),
    ("after-a-label", lambda t: [sse.text(f"token: {t}")]),
    ("in-a-tool-call", lambda t: [sse.tool_call("fetch", {"url": f"https://x.example/?k={t}"}), sse.text("ok")]),
    ("in-a-tool-result", lambda t: [sse.tool_result("fetch", {"echo": t}), sse.text("done")]),
    ("repeated-twice", lambda t: [sse.text(f"{t} and again {t}")]),
]


def _scrubbed(text: str) -> None:
    for tail in TAILS:
        assert tail not in text, text[:500]


@pytest.mark.parametrize("token", [SHAPED, OPAQUE], ids=["token-shaped", "opaque"])
@pytest.mark.parametrize("script", [pytest.param(c[1], id=c[0]) for c in STREAMS])
async def test_agent_text_never_carries_the_token(
    settings: Settings, nemo_double: NemoDouble, token: str, script: Script
) -> None:
    nemo_double.add_token(token)
    cloud = settings.with_(
        api_base=nemo_double.url, backend="cloud", token=Secret(token), sse_idle_s=5.0, sse_max_s=10.0
    )
    nemo_double.script_sse(script(token))
    async with serving(cloud) as (_, server), Client(server) as client:
        made = await client.call_tool("generate_video", {"request": "say it", "confirm_spend": True, "wait_s": 30})
        job_id = made.structured_content["job_id"]  # type: ignore[index]
        status = await client.call_tool("job_status", {"job_id": job_id, "wait_s": 0})
    for result in (made, status):
        _scrubbed(str(result.content) + str(result.structured_content))
    for job_file in settings.data_dir.rglob("*.json"):
        _scrubbed(job_file.read_text(encoding="utf-8"))


@pytest.mark.parametrize("token", [SHAPED, OPAQUE], ids=["token-shaped", "opaque"])
async def test_an_echoed_token_in_an_error_is_wholly_redacted(
    settings: Settings, nemo_double: NemoDouble, token: str
) -> None:
    nemo_double.add_token(token)
    cloud = settings.with_(api_base=nemo_double.url, backend="cloud", token=Secret(token))
    nemo_double.fail_next("credits", Fault(200, {"code": 4001, "message": f"bad token {token}", "data": None}))
    async with serving(cloud) as (_, server), Client(server) as client:
        result = await client.call_tool("get_credits", {})
    assert result.is_error
    text = str(result.content) + str(result.structured_content)
    _scrubbed(text)
    assert "***" in text  # the server's message is shown, with the secret blanked
