"""A real ``nemo-video`` MCP server on a loopback port, with the HTTP options the tests vary."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import uvicorn
from mcp.server.mcpserver import MCPServer

from nemo_video.config import Settings
from nemo_video.mcp.http import build_http_app
from nemo_video.service import VideoService
from tests.mcp.conftest import serving
from tests.mcp.test_http import free_port


@asynccontextmanager
async def http_server(settings: Settings, **options: Any) -> AsyncIterator[tuple[str, VideoService, MCPServer[Any]]]:
    """Serve on 127.0.0.1 whatever ``host`` the app is built for (a wildcard app needs no real 0.0.0.0)."""
    port = free_port()
    options.setdefault("host", "127.0.0.1")
    async with serving(settings) as (service, server):
        app = build_http_app(server, port=port, **options)
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", lifespan="on")
        web = uvicorn.Server(config)
        async with anyio.create_task_group() as tg:
            tg.start_soon(web.serve)
            while not web.started:
                await anyio.sleep(0.02)
            yield f"http://127.0.0.1:{port}", service, server
            web.should_exit = True
