"""Two Ray nodes on one machine, each with its own temporary folder: renders cross nodes without a shared disk.

The head node has no CPUs for tasks, so every render runs on the second node: the media reach it
through the object store and the files come back the same way, then are verified and renamed here.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest

from nemo_video.config import Settings
from nemo_video.media import locate, probe

RAY = str(Path(sys.executable).with_name("ray"))


def _stop(folders: list[Path]) -> None:
    """Kill the processes of these nodes only (their command lines name the nodes' folders), then wait."""
    mine = [str(f) for f in folders]
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and any(
                m in (entry / "cmdline").read_bytes().decode(errors="replace") for m in mine
            ):
                pids.append(int(entry.name))
        except OSError:
            continue
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    time.sleep(0.5)


@pytest.fixture
def two_nodes() -> Iterator[tuple[str, dict[str, str]]]:
    head, node = (Path(tempfile.mkdtemp(prefix=f"rf{n}-", dir="/tmp")) for n in "ab")
    env = {**os.environ, "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(16)}
    try:
        started = subprocess.run(
            [
                RAY,
                "start",
                "--head",
                "--port=0",
                "--num-cpus=0",
                "--include-dashboard=false",
                "--disable-usage-stats",
                f"--temp-dir={head}",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )
        found = re.search(r"--address='([^']+)'", started.stdout + started.stderr)
        assert started.returncode == 0 and found, started.stdout + started.stderr
        address = found.group(1)
        joined = subprocess.run(
            [RAY, "start", f"--address={address}", "--num-cpus=2", f"--temp-dir={node}", "--disable-usage-stats"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )
        assert joined.returncode == 0, joined.stdout + joined.stderr
        yield address, env
    finally:
        _stop([head, node])
        shutil.rmtree(head, ignore_errors=True)
        shutil.rmtree(node, ignore_errors=True)


def test_a_batch_renders_across_nodes_without_a_shared_disk(
    two_nodes: tuple[str, dict[str, str]], settings: Settings, photos: list[Path], tmp_path: Path
) -> None:
    address, env = two_nodes
    batch = tmp_path / "pair.jsonl"
    rows = [
        {"name": n, "request": f"a 1-second video titled '{n}'", "media": [p.name]}
        for n, p in zip("ab", photos, strict=True)
    ]
    batch.write_text("".join(json.dumps(r) + "\n" for r in rows))
    env = {
        **env,
        "NEMO_RAY_ADDRESS": address,
        "NEMO_DATA_DIR": str(settings.data_dir),
        "NEMO_OUTPUT_DIR": str(settings.output_dir),
        "NEMO_CONFIG_DIR": str(settings.config_dir),
    }
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "nemo_video.cli",
            "batch",
            str(batch),
            "--height",
            "120",
            "--quality",
            "draft",
            "--json",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout)
    assert out["rendered"] == 2, out
    for name in "ab":
        video = settings.output_dir / "pair" / f"{name}.mp4"
        info = anyio.run(probe, video, locate(settings))
        assert info.height == 120 and info.has_audio and info.duration_s
        assert video.with_name(f"{name}.poster.jpg").is_file()
