"""Farm fixtures: a local Ray with two worker processes (started once per module, shut down after)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from nemo_video.config import Settings
from tests.render.builders import picture


@pytest.fixture(scope="module")
def ray_two_workers() -> Iterator[None]:
    os.environ.setdefault("RAY_AUTH_MODE", "token")  # read when ray is imported
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield
    finally:
        ray.shutdown()


@pytest.fixture
def small(settings: Settings) -> Settings:
    """Renders fast: 1-2 s timelines, 120 px high, draft quality."""
    return settings


@pytest.fixture
def photos(tmp_path: Path) -> list[Path]:
    return [
        picture(tmp_path, "red.jpg", (200, 40, 40), (480, 320)),
        picture(tmp_path, "blue.jpg", (40, 60, 200), (320, 480)),
    ]
