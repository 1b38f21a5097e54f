"""Streamable HTTP edges on a real loopback server: Origin allow-list, Bearer scheme, idle sessions,
resumable streams, and client roots that are too wide."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import httpx
import mcp_types as types
import pytest

from mcp import Client
from nemo_video.config import Settings
from nemo_video.guard import narrow_roots
from tests.mcp.protocol_server import http_server

INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}},
}
HEADERS = {"content-type": "application/json", "accept": "application/json, text/event-stream"}


async def test_wildcard_bind_checks_origin_and_any_bearer_spelling(settings: Settings) -> None:
    options = {"host": "0.0.0.0", "token": "tok-123456", "allowed_origins": ("https://app.example.com",)}
    async with http_server(settings, **options) as (base, _, _server), httpx.AsyncClient() as web:

        async def init(**headers: str) -> int:
            return (await web.post(f"{base}/mcp", json=INIT, headers={**HEADERS, **headers})).status_code

        ok = "Bearer tok-123456"
        assert await init(authorization=ok) == 200  # no Origin: not a browser
        assert await init(authorization=ok, origin="https://app.example.com") == 200
        assert await init(authorization=ok, origin="http://localhost:5173") == 200
        assert await init(authorization=ok, origin="http://evil.example") == 403
        assert await init(authorization=ok, origin="https://app.example.com.evil.example") == 403
        assert await init(authorization="bearer tok-123456") == 200  # RFC 7235: scheme is case-insensitive
        assert await init(authorization="BEARER  tok-123456") == 200
        assert await init(authorization="Basic tok-123456") == 401
        assert await init(authorization="Bearer tok-1234567") == 401


async def test_idle_sessions_expire_and_are_forgotten(settings: Settings) -> None:
    async with http_server(settings, idle_timeout_s=0.5) as (base, _, _server), httpx.AsyncClient() as web:
        ids = []
        for _ in range(60):  # opened and never closed
            opened = await web.post(f"{base}/mcp", json=INIT, headers=HEADERS)
            assert opened.status_code == 200
            ids.append(opened.headers["mcp-session-id"])
        ping = {"jsonrpc": "2.0", "id": 2, "method": "ping"}
        alive = await web.post(f"{base}/mcp", json=ping, headers={**HEADERS, "mcp-session-id": ids[-1]})
        assert alive.status_code == 200
        await anyio.sleep(1.5)
        statuses = {
            (await web.post(f"{base}/mcp", json=ping, headers={**HEADERS, "mcp-session-id": i})).status_code
            for i in ids
        }
    assert statuses == {404}  # every idle session was closed and forgotten


def sse_events(text: str) -> list[dict[str, str]]:
    events, current = [], {}
    for line in text.splitlines():
        if not line.strip():
            if current:
                events.append(current)
            current = {}
            continue
        key, _, value = line.partition(":")
        current[key] = current.get(key, "") + value.lstrip(" ")
    if current:
        events.append(current)
    return events


async def test_a_dropped_stream_resumes_with_last_event_id(settings: Settings) -> None:
    async with http_server(settings) as (base, _, _server), httpx.AsyncClient(timeout=30) as web:
        opened = await web.post(f"{base}/mcp", json=INIT, headers=HEADERS)
        session = {**HEADERS, "mcp-session-id": opened.headers["mcp-session-id"], "mcp-protocol-version": "2025-11-25"}
        await web.post(f"{base}/mcp", json={"jsonrpc": "2.0", "method": "notifications/initialized"}, headers=session)
        make = {
            "jsonrpc": "2.0",
            "id": 2,
            "method": "tools/call",
            "params": {
                "name": "generate_video",
                "arguments": {"request": "a 6-second video with the title 'Hi'", "wait_s": 50},
            },
        }
        made = await web.post(f"{base}/mcp", json=make, headers=session)
        assert '"status":"completed"' in made.text.replace(" ", "")
        export = {
            "jsonrpc": "2.0",
            "id": 3,
            "method": "tools/call",
            "params": {
                "name": "export_video",
                "arguments": {"quality": "high", "height": 360, "wait_s": 50},
                "_meta": {"progressToken": "p1"},
            },
        }
        async with web.stream("POST", f"{base}/mcp", json=export, headers=session) as stream:
            first = ""
            async for chunk in stream.aiter_text():
                first += chunk
                if "\n\n" in first.replace("\r\n", "\n"):
                    break  # the priming event arrived: drop the connection now
        priming = sse_events(first)[0]
        assert priming["data"] == "" and priming["id"] and priming["retry"] == "2000"
        await anyio.sleep(0.2)  # reconnect while the export still runs (a client retries after `retry` ms)
        replay_headers = {**session, "accept": "text/event-stream", "last-event-id": priming["id"]}
        async with web.stream("GET", f"{base}/mcp", headers=replay_headers) as resumed:
            text = ""
            with anyio.fail_after(30):  # a replay that never brings the result fails, never hangs the suite
                async for chunk in resumed.aiter_text():
                    text += chunk
                    if '"id":3' in text.replace(" ", "") and text.replace("\r\n", "\n").endswith("\n\n"):
                        break
    messages = [json.loads(e["data"]) for e in sse_events(text) if e.get("data")]
    progress = [m for m in messages if m.get("method") == "notifications/progress"]
    result = [m for m in messages if m.get("id") == 3]
    assert progress, "the progress sent while the stream was down is replayed"
    assert result and result[0]["result"]["structuredContent"]["status"] == "completed"


def test_roots_as_wide_as_the_disk_or_home_are_ignored(tmp_path: Path) -> None:
    home = tmp_path / "home"
    project = home / "work" / "film"
    roots = [Path("/"), home, tmp_path, project]
    assert narrow_roots(roots, home) == [project]
    assert narrow_roots(roots, home, allow_wide=True) == roots


@pytest.mark.parametrize("allow_wide", [False, True])
async def test_a_client_root_of_the_whole_disk_is_refused_unless_allowed(
    settings: Settings, photos: list[Path], tmp_path: Path, allow_wide: bool
) -> None:
    async def roots(_: Any) -> types.ListRootsResult:
        return types.ListRootsResult(roots=[types.Root(uri="file:///", name="everything")])

    narrow = settings.with_(media_dirs=(tmp_path / "elsewhere",), allow_wide_roots=allow_wide)
    async with (
        http_server(narrow) as (base, _, _server),
        Client(f"{base}/mcp", list_roots_callback=roots, mode="legacy") as client,
    ):
        upload = await client.call_tool("upload_media", {"paths": [str(photos[0])]})
    if allow_wide:
        assert not upload.is_error, upload.content
    else:
        assert upload.is_error and "outside the directories" in str(upload.content[0])
