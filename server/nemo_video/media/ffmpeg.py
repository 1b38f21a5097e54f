"""The ffmpeg binary that the service and both backends run, and how a short ffmpeg call is made.

The wheel ``imageio-ffmpeg`` brings an ffmpeg binary but no ffprobe, so probing (``media.probe``)
parses the stream description ffmpeg prints for ``-i``.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import anyio

from ..config import Settings
from ..errors import ErrorCode, NemoVideoError


def locate(settings: Settings) -> str:
    """Path of the ffmpeg to run: ``NEMO_FFMPEG`` if set, else the one in the imageio-ffmpeg wheel."""
    if settings.ffmpeg:
        found = shutil.which(settings.ffmpeg) or (settings.ffmpeg if Path(settings.ffmpeg).is_file() else None)
        if not found:
            raise NemoVideoError(
                ErrorCode.FFMPEG_MISSING, f"NEMO_FFMPEG points at {settings.ffmpeg!r}, which is not an ffmpeg binary."
            )
        return found
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError) as exc:
        raise NemoVideoError(ErrorCode.FFMPEG_MISSING, "No ffmpeg binary was found.") from exc


async def run(args: Sequence[str], *, timeout_s: float) -> subprocess.CompletedProcess[bytes]:
    """Run a short ffmpeg command to its end: no stdin, no stdout (stdout belongs to MCP in stdio
    mode), stderr captured. Past ``timeout_s`` the process is killed and ``TimeoutError`` raised;
    a missing binary is ``ffmpeg_missing``. The exit code is the caller's to judge."""
    try:
        with anyio.fail_after(timeout_s):
            return await anyio.run_process(
                list(args), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
            )
    except FileNotFoundError as exc:
        raise NemoVideoError(ErrorCode.FFMPEG_MISSING, f"ffmpeg was not found at {args[0]}.") from exc
