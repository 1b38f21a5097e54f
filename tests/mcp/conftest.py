"""MCP fixtures: a service per backend (cloud against the loopback double), sample photos, a client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from mcp.server.mcpserver import MCPServer

from nemo_video.config import Settings
from nemo_video.demo import make_sample_media
from nemo_video.mcp.server import build_server
from nemo_video.service import VideoService
from tests.double import NemoDouble

HEARTBEAT_S = 0.2


@pytest.fixture
def photos(tmp_path: Path) -> list[Path]:
    return make_sample_media(tmp_path / "photos", size=(320, 240))


@pytest.fixture
def cloud_settings(settings: Settings, nemo_double: NemoDouble) -> Settings:
    return settings.with_(
        api_base=nemo_double.url, backend="cloud", sse_idle_s=5.0, sse_max_s=10.0, recover_max_unchanged=3
    )


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[tuple[VideoService, MCPServer[Any]]]:
    """A service and its MCP server, inside one task (anyio task groups cannot span fixtures)."""
    async with VideoService(settings) as service:
        yield service, build_server(service, heartbeat_s=HEARTBEAT_S)


@pytest.fixture(params=["auto", "legacy"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)
