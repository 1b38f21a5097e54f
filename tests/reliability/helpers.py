"""Shared bits of the fault and security tests: subprocess environments, polling, process lookup."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import anyio

from mcp import StdioServerParameters
from nemo_video.config import Settings

PYTHON = sys.executable


def env_for(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment that makes a subprocess use exactly these settings' folders and API base."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(settings.data_dir.parent / "home"),
        "NEMO_BACKEND": settings.backend,
        "NEMO_API_URL": settings.api_base,
        "NEMO_DATA_DIR": str(settings.data_dir),
        "NEMO_CONFIG_DIR": str(settings.config_dir),
        "NEMO_OUTPUT_DIR": str(settings.output_dir),
        "NEMO_MEDIA_DIRS": os.pathsep.join(str(p) for p in settings.media_dirs),
        "NEMO_RENDER_POLL_SECONDS": str(settings.render_poll_s),
        **extra,
    }


def stdio_server(settings: Settings, cwd: Path) -> StdioServerParameters:
    return StdioServerParameters(command=PYTHON, args=["-m", "nemo_video.mcp"], env=env_for(settings), cwd=str(cwd))


async def until(predicate: Callable[[], object], timeout: float = 20.0, every: float = 0.02) -> None:
    with anyio.fail_after(timeout):
        while not predicate():
            await anyio.sleep(every)


def children(pid: int) -> list[tuple[int, str]]:
    """(pid, command line) of the live child processes of ``pid``, read from /proc."""
    found: list[tuple[int, str]] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        # the command name may hold spaces or parentheses: the fields after the last ")" are fixed
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append((int(entry.name), cmdline))
    return found


def ffmpeg_children(pid: int, marker: str = ".partial") -> list[int]:
    """ffmpeg children of ``pid`` writing a render (a temporary ``.partial`` output), not probes."""
    return [child for child, cmd in children(pid) if "ffmpeg" in cmd and marker in cmd]
