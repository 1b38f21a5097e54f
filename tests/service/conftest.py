"""Service fixtures: settings pointed at the loopback NemoVideo double, sample photos."""

from __future__ import annotations

from pathlib import Path

import pytest

from nemo_video.config import Settings
from nemo_video.demo import make_sample_media
from tests.double import NemoDouble


@pytest.fixture
def cloud_settings(settings: Settings, nemo_double: NemoDouble) -> Settings:
    return settings.with_(
        api_base=nemo_double.url, backend="cloud", sse_idle_s=5.0, sse_max_s=10.0, recover_max_unchanged=3
    )


@pytest.fixture
def photos(tmp_path: Path) -> list[Path]:
    return make_sample_media(tmp_path / "photos", size=(320, 240))
