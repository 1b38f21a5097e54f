"""Reliability fixtures: settings pointed at the loopback NemoVideo double."""

from __future__ import annotations

import pytest

from nemo_video.config import Settings
from tests.double import NemoDouble


@pytest.fixture
def cloud_settings(settings: Settings, nemo_double: NemoDouble) -> Settings:
    return settings.with_(
        api_base=nemo_double.url, backend="cloud", sse_idle_s=5.0, sse_max_s=10.0, recover_max_unchanged=3
    )
