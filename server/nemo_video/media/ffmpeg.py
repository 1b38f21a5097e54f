"""The ffmpeg binary that the service and both backends run, and how a short ffmpeg call is made.

The wheel ``imageio-ffmpeg`` brings an ffmpeg binary but no ffprobe, so probing (``media.probe``)
parses the stream description ffmpeg prints for ``-i``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import anyio

from ..config import Settings
from ..errors import ErrorCode, NemoVideoError

CHECK_TIMEOUT_S = 15.0
NOT_WORKING_HINT = (
    "Set NEMO_FFMPEG to a working ffmpeg binary (`$NEMO_FFMPEG -version` must print its version), or "
    "unset NEMO_FFMPEG to use the one bundled with imageio-ffmpeg."
)
_VERSION = re.compile(r"^ffmpeg version n?(?P<major>\d+)\.", re.M)
_checked: dict[str, int] = {}


def locate(settings: Settings) -> str:
    """Path of the ffmpeg to run: ``NEMO_FFMPEG`` if set, else the one in the imageio-ffmpeg wheel."""
    if settings.ffmpeg:
        found = shutil.which(settings.ffmpeg) or (settings.ffmpeg if Path(settings.ffmpeg).is_file() else None)
        if not found:
            raise NemoVideoError(
                ErrorCode.FFMPEG_MISSING,
                f"NEMO_FFMPEG points at {settings.ffmpeg!r}, which is not an ffmpeg binary.",
                hint=NOT_WORKING_HINT,
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


async def check(ffmpeg: str) -> int:
    """Run ``ffmpeg -version`` once per binary; its major version (0 for a git build), or
    ``ffmpeg_missing`` naming NEMO_FFMPEG when the binary does not run or is not ffmpeg."""
    if ffmpeg in _checked:
        return _checked[ffmpeg]
    try:
        with anyio.fail_after(CHECK_TIMEOUT_S):
            result = await anyio.run_process(
                [ffmpeg, "-hide_banner", "-version"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                check=False,
            )
    except (OSError, TimeoutError) as exc:
        raise _not_working(ffmpeg, f"could not be run ({type(exc).__name__})") from exc
    text = result.stdout.decode("utf-8", "replace")
    if result.returncode != 0 or not text.startswith("ffmpeg version"):
        why = f"exited with code {result.returncode}" if result.returncode else "did not say it is ffmpeg"
        raise _not_working(ffmpeg, why)
    found = _VERSION.search(text)
    _checked[ffmpeg] = int(found["major"]) if found else 0
    return _checked[ffmpeg]


def _not_working(ffmpeg: str, why: str) -> NemoVideoError:
    return NemoVideoError(
        ErrorCode.FFMPEG_MISSING,
        f"The ffmpeg at {ffmpeg} does not work: `-version` {why}.",
        hint=NOT_WORKING_HINT,
    )
