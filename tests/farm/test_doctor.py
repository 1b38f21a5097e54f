"""`nemo-video doctor` reports the render farm: in-process without importing Ray, an unreachable cluster
quickly and with a next step (a reachable one: tests/farm/test_ray.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nemo_video.config import Settings
from nemo_video.doctor import check_farm
from nemo_video.errors import ErrorCode, NemoVideoError
from nemo_video.render_farm.ray_farm import connect

PROBE = """
import json, sys, anyio
from nemo_video.config import Settings
from nemo_video.doctor import run_checks
checks = anyio.run(run_checks, Settings.from_env())
farm = [c.as_dict() for c in checks if c.name == "render farm"]
print(json.dumps({"farm": farm, "ray_imported": "ray" in sys.modules}))
"""


def test_in_process_is_reported_without_importing_ray(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("NEMO_RAY_ADDRESS", "NEMO_CHUNK_SECONDS")}
    env.update(NEMO_DATA_DIR=str(tmp_path / "d"), NEMO_OUTPUT_DIR=str(tmp_path / "o"), NEMO_CONFIG_DIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
    )
    out = json.loads(done.stdout)
    assert out["ray_imported"] is False, done.stderr
    assert out["farm"] == [
        {"name": "render farm", "status": "ok", "detail": "in this process, one render at a time", "hint": ""}
    ]


def test_chunking_asked_in_process_is_reported(tmp_path: Path) -> None:
    check = check_farm(Settings.from_env({"NEMO_CHUNK_SECONDS": "90"}, home=tmp_path))
    assert check.detail == "in this process, one render at a time; exports over 90 s are split into chunks"


def test_an_address_nobody_answers_fails_fast_with_a_next_step() -> None:
    started = time.monotonic()
    check = check_farm(Settings(ray_address="ray://someone:secret@127.0.0.1:1"))
    assert time.monotonic() - started < 10  # Ray alone would wait minutes
    assert check.status == "fail" and "127.0.0.1:1" in check.detail and "NEMO_RAY_ADDRESS" in check.hint
    assert "secret" not in check.detail + check.hint
    with pytest.raises(NemoVideoError) as caught:
        connect("127.0.0.1:1")
    assert caught.value.code == ErrorCode.BACKEND_UNREACHABLE
