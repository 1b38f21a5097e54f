"""The ffmpeg binary that the service and both backends run.

The wheel ``imageio-ffmpeg`` brings an ffmpeg binary but no ffprobe, so probing (``media.probe``)
parses the stream description ffmpeg prints for ``-i``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

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
