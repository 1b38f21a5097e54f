"""Shared fixtures: contract fixtures from tests/fixtures, isolated settings per test."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nemo_video.config import Settings

pytest_plugins = ["tests.double.plugin"]

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def fixture_json(name: str) -> Any:
    return json.loads(fixture_text(name))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings that touch nothing outside tmp_path and never wait long."""
    return Settings.from_env(
        {},
        home=tmp_path / "home",
        data_dir=tmp_path / "data",
        config_dir=tmp_path / "config",
        output_dir=tmp_path / "out",
        media_dirs=(tmp_path,),
        rate_limit_wait_s=0.01,
        render_poll_s=0.01,
        recover_first_wait_s=0.01,
        recover_next_wait_s=0.01,
        read_retry_wait_s=0.01,
        http_timeout_s=5.0,
    )
