"""Cloud-backend fixtures: settings pointed at the loopback double, and a backend per test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from nemo_video.backends.base import Session
from nemo_video.backends.cloud import CloudBackend
from nemo_video.backends.events import AgentEvent
from nemo_video.config import Settings
from tests.double import NemoDouble


@pytest.fixture
def cloud_settings(settings: Settings, nemo_double: NemoDouble) -> Settings:
    return settings.with_(
        api_base=nemo_double.url,
        backend="cloud",
        sse_idle_s=5.0,
        sse_max_s=10.0,
        skill_platform="unknown",
        recover_max_unchanged=3,
    )


@pytest.fixture
async def backend(cloud_settings: Settings) -> AsyncIterator[CloudBackend]:
    cloud = CloudBackend(cloud_settings)
    try:
        yield cloud
    finally:
        await cloud.aclose()


async def collect(cloud: CloudBackend, session: Session, message: str) -> list[AgentEvent]:
    return [event async for event in cloud.send(session, message)]
