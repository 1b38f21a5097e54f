"""Streamable HTTP on loopback: tools over a real socket, /health, Host/Origin checks, bearer token."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import httpx
import httpx2
import pytest
import uvicorn
from mcp.client.streamable_http import streamable_http_client

from mcp import Client
from nemo_video.config import Settings
from nemo_video.errors import NemoVideoError
from nemo_video.mcp.http import build_http_app
from tests.double import NemoDouble
from tests.mcp.conftest import serving

INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}},
}
HEADERS = {"content-type": "application/json", "accept": "application/json, text/event-stream"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def http_server(settings: Settings, token: str | None = None) -> AsyncIterator[str]:
    port = free_port()
    async with serving(settings) as (_, server):
        app = build_http_app(server, host="127.0.0.1", port=port, token=token)
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", lifespan="on")
        web = uvicorn.Server(config)
        async with anyio.create_task_group() as tg:
            tg.start_soon(web.serve)
            while not web.started:
                await anyio.sleep(0.02)
            yield f"http://127.0.0.1:{port}"
            web.should_exit = True


async def test_tools_over_streamable_http(cloud_settings: Settings, nemo_double: NemoDouble) -> None:
    async with http_server(cloud_settings) as base:
        async with httpx.AsyncClient() as web:
            health = await web.get(f"{base}/health")
        assert health.status_code == 200 and health.json()["status"] == "ok"
        async with Client(f"{base}/mcp") as client:
            names = {tool.name for tool in (await client.list_tools()).tools}
            state = await client.call_tool("get_state", {})
        assert "export_video" in names
        assert not state.is_error and state.structured_content is not None
        assert state.structured_content["summary"].startswith("Timeline (0 tracks)")


async def test_foreign_origin_and_host_are_refused(cloud_settings: Settings, nemo_double: NemoDouble) -> None:
    async with http_server(cloud_settings) as base, httpx.AsyncClient() as web:
        ok = await web.post(f"{base}/mcp", json=INIT, headers={**HEADERS, "origin": base})
        evil_origin = await web.post(f"{base}/mcp", json=INIT, headers={**HEADERS, "origin": "http://evil.example"})
        evil_host = await web.post(f"{base}/mcp", json=INIT, headers={**HEADERS, "host": "evil.example"})
    assert ok.status_code == 200
    assert evil_origin.status_code == 403
    assert evil_host.status_code in (400, 421)


async def test_bearer_token_is_required_when_set(cloud_settings: Settings, nemo_double: NemoDouble) -> None:
    async with http_server(cloud_settings, token="s3cret-token") as base:
        async with httpx.AsyncClient() as web:
            missing = await web.post(f"{base}/mcp", json=INIT, headers=HEADERS)
            bad = {**HEADERS, "authorization": "Bearer no"}
            wrong = await web.post(f"{base}/mcp", json=INIT, headers=bad)
            health = await web.get(f"{base}/health")
        assert missing.status_code == 401 and wrong.status_code == 401
        assert "s3cret" not in missing.text
        assert health.status_code == 200
        auth = httpx2.AsyncClient(headers={"authorization": "Bearer s3cret-token"})
        async with auth, Client(streamable_http_client(f"{base}/mcp", http_client=auth)) as client:
            credits = await client.call_tool("get_credits", {})
        assert not credits.is_error


async def test_non_loopback_bind_needs_a_token(cloud_settings: Settings, nemo_double: NemoDouble) -> None:
    async with serving(cloud_settings) as (_, server):
        with pytest.raises(NemoVideoError) as caught:
            build_http_app(server, host="0.0.0.0", port=free_port(), token=None)
        assert caught.value.code == "invalid_input" and "NEMO_MCP_TOKEN" in caught.value.hint
        assert build_http_app(server, host="0.0.0.0", port=free_port(), token="t") is not None
