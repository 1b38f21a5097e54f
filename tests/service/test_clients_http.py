"""Two HTTP clients of one `nemo-video mcp --http` edit and export independently.

Each client gets its own video session — by its MCP protocol session (2025-11-25), by the `session`
name it passes (2026-07-28 has no protocol sessions), by the bearer token otherwise — and neither
sees the other's timeline, jobs or exports. Naming the same session shares a video on purpose.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx2
import uvicorn
from mcp.client.streamable_http import streamable_http_client

from mcp import Client
from nemo_video.config import Settings
from nemo_video.mcp.http import build_http_app
from tests.mcp.conftest import serving

MODERN = "2026-07-28"


@asynccontextmanager
async def http_server(settings: Settings, token: str | None = None) -> AsyncIterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    async with serving(settings) as (_, server):
        app = build_http_app(server, host="127.0.0.1", port=port, token=token)
        web = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", lifespan="on"))
        async with anyio.create_task_group() as tg:
            tg.start_soon(web.serve)
            while not web.started:
                await anyio.sleep(0.02)
            yield f"http://127.0.0.1:{port}/mcp"
            web.should_exit = True


async def call(client: Client, tool: str, args: dict[str, Any]) -> dict[str, Any]:
    result = await client.call_tool(tool, args)
    assert not result.is_error, result.content
    assert result.structured_content is not None
    return dict(result.structured_content)


async def refused(client: Client, tool: str, args: dict[str, Any]) -> str:
    result = await client.call_tool(tool, args)
    assert result.is_error
    return str(getattr(result.content[0], "text", ""))


async def make_and_export(client: Client, title: str, photo: Path, session: dict[str, str]) -> dict[str, Any]:
    await call(client, "upload_media", {"paths": [str(photo)], **session})
    made = await call(
        client,
        "generate_video",
        {"request": f"a 2-second horizontal video with the title '{title}'", "wait_s": 30, **session},
    )
    assert made["status"] == "completed", made
    done = await call(client, "export_video", {"height": 180, "filename": "video", "wait_s": 45, **session})
    while done["status"] == "running":
        done = await call(client, "job_status", {"job_id": done["job_id"], "wait_s": 45, **session})
    assert done["status"] == "completed", done
    return done


async def check_isolated(
    a: Client, b: Client, photos: list[Path], name_a: dict[str, str], name_b: dict[str, str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A makes and exports 'Alpha'; B sees none of it, then makes 'Beta'; each sees only its own."""
    alpha = await make_and_export(a, "Alpha", photos[0], name_a)
    empty = await call(b, "get_state", name_b)
    assert empty["summary"].startswith("Timeline (0 tracks)") and empty["jobs"] == [] and empty["media"] == []
    for tool in ("job_status", "cancel_job"):
        text = await refused(b, tool, {"job_id": alpha["job_id"], **name_b})
        assert "unknown_job" in text

    beta = await make_and_export(b, "Beta", photos[1], name_b)
    state_a, state_b = await call(a, "get_state", name_a), await call(b, "get_state", name_b)
    assert "Alpha" in state_a["summary"] and "Beta" not in state_a["summary"]
    assert "Beta" in state_b["summary"] and "Alpha" not in state_b["summary"]
    assert state_a["session"] != state_b["session"] and state_a["session_id"] != state_b["session_id"]
    assert [m["name"] for m in state_a["media"]] == [photos[0].name]
    assert [m["name"] for m in state_b["media"]] == [photos[1].name]
    jobs_a, jobs_b = {j["job_id"] for j in state_a["jobs"]}, {j["job_id"] for j in state_b["jobs"]}
    assert alpha["job_id"] in jobs_a and beta["job_id"] in jobs_b and not jobs_a & jobs_b
    paths_a = {j["result_path"] for j in state_a["jobs"] if j.get("result_path")}
    paths_b = {j["result_path"] for j in state_b["jobs"] if j.get("result_path")}
    assert paths_a == {alpha["export"]["path"]} and paths_b == {beta["export"]["path"]}
    # both asked for "video.mp4": each got it, in its own folder, and neither file replaced the other
    path_a, path_b = Path(alpha["export"]["path"]), Path(beta["export"]["path"])
    assert path_a.name == path_b.name == "video.mp4" and path_a != path_b
    assert path_a.parent.name == state_a["session"] and path_b.parent.name == state_b["session"]
    assert path_a.is_file() and path_b.is_file() and path_a.read_bytes() != path_b.read_bytes()
    return state_a, state_b


async def test_two_protocol_sessions_edit_and_export_independently(settings: Settings, photos: list[Path]) -> None:
    async with http_server(settings) as url:
        async with Client(url, mode="legacy") as a, Client(url, mode="legacy") as b:
            assert a.protocol_version == b.protocol_version == "2025-11-25"
            state_a, _ = await check_isolated(a, b, photos, {}, {})
            assert state_a["session"].startswith("mcp-")
        # a team shares a video on purpose by naming the session a result returned
        async with Client(url, mode=MODERN) as c:
            shared = await call(c, "get_state", {"session": state_a["session"]})
        assert shared["session_id"] == state_a["session_id"] and "Alpha" in shared["summary"]


async def test_stateless_clients_name_their_own_sessions_and_share_by_name(
    settings: Settings, photos: list[Path]
) -> None:
    async with http_server(settings) as url:
        async with Client(url, mode=MODERN) as a, Client(url, mode=MODERN) as b:
            assert a.protocol_version == MODERN
            alice, bob = {"session": "alice"}, {"session": "bob"}
            state_a, state_b = await check_isolated(a, b, photos, alice, bob)
            assert (state_a["session"], state_b["session"]) == ("alice", "bob")
        async with Client(url, mode=MODERN) as teammate:
            joined = await call(teammate, "get_state", alice)
            bad = await refused(teammate, "get_state", {"session": "../bob"})
    assert joined["session_id"] == state_a["session_id"] and "Alpha" in joined["summary"]
    assert "invalid_input" in bad


async def test_a_token_is_an_identity_and_never_shows(settings: Settings) -> None:
    token = "team-token-0123456789"
    async with http_server(settings, token=token) as url:
        web_a = httpx2.AsyncClient(headers={"authorization": f"Bearer {token}"})
        web_b = httpx2.AsyncClient(headers={"authorization": f"Bearer {token}"})
        async with (
            web_a,
            web_b,
            Client(streamable_http_client(url, http_client=web_a), mode=MODERN) as a,
            Client(streamable_http_client(url, http_client=web_b), mode=MODERN) as b,
        ):
            first, second = await call(a, "get_state", {}), await call(b, "get_state", {})
            other = await call(a, "get_state", {"session": "apart"})
    assert first["session"] == second["session"] and first["session"].startswith("token-")
    assert token not in first["session"] and other["session_id"] != first["session_id"]
