"""Output files: unique names in the output directory, posters, and the facts a result reports."""

from __future__ import annotations

import logging
import re
import unicodedata
from datetime import datetime
from pathlib import Path

import anyio

from ..backends.base import OutputFormat, RenderOutput
from ..errors import ErrorCode, NemoVideoError
from ..media import MediaInfo, probe

logger = logging.getLogger(__name__)

POSTER_MAX_BYTES = 200_000
_POSTER_HEIGHTS = (360, 240, 160)
_UNSAFE = re.compile(r"[^\w.\- ]+", re.UNICODE)


class NameReserver:
    """Chooses output paths that never clobber a file on disk nor one another export in flight."""

    def __init__(self) -> None:
        self._taken: set[Path] = set()

    def reserve(self, folder: Path, filename: str | None, fmt: OutputFormat, *, overwrite: bool = False) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        stem = safe_stem(filename) if filename else f"nemo-video-{datetime.now():%Y%m%d-%H%M%S}"
        first = (folder / f"{stem}.{fmt}").resolve()
        if overwrite and filename and first not in self._taken:
            self._taken.add(first)
            return first
        candidate, n = first, 1
        while candidate in self._taken or candidate.exists():
            n += 1
            candidate = first.with_name(f"{stem}-{n}.{fmt}")
        self._taken.add(candidate)
        return candidate

    def release(self, path: Path) -> None:
        self._taken.discard(path)

    def retire(self, path: Path) -> None:
        """Keep a cancelled export's name off-limits in this process: the next export gets a fresh one."""
        self._taken.add(path)


def safe_stem(filename: str) -> str:
    """A file stem without directories, dangerous characters or a known video extension."""
    name = unicodedata.normalize("NFC", Path(filename.replace("\\", "/")).name).strip()
    for ext in (".mp4", ".webm", ".mov", ".gif"):
        if name.lower().endswith(ext):
            name = name[: -len(ext)]
    name = _UNSAFE.sub("-", name).strip(" .-")
    if not name:
        raise NemoVideoError(
            ErrorCode.INVALID_INPUT,
            f"{filename!r} is not a usable file name.",
            hint="Pass a plain name such as 'launch-video' (no folders).",
        )
    return name[:120]


async def describe(output: RenderOutput, ffmpeg: str) -> RenderOutput:
    """Fill in duration and resolution by probing when the backend did not report them."""
    if output.duration_s is not None and output.width and output.height:
        return output
    info: MediaInfo = await probe(output.path, ffmpeg)
    return output.model_copy(
        update={
            "duration_s": output.duration_s if output.duration_s is not None else info.duration_s,
            "width": output.width or info.width,
            "height": output.height or info.height,
        }
    )


async def make_poster(video: Path, ffmpeg: str, duration_s: float | None) -> Path | None:
    """A JPEG still from a third of the way in, kept under 200 KB; None if ffmpeg cannot make one."""
    poster = video.with_name(f"{video.stem}.poster.jpg")
    at = max(0.0, (duration_s or 0.0) / 3)
    for height in _POSTER_HEIGHTS:
        args = [
            ffmpeg,
            "-hide_banner",
            "-nostdin",
            "-loglevel",
            "error",
            "-y",
            "-ss",
            f"{at:.2f}",
            "-i",
            str(video),
            "-frames:v",
            "1",
            "-vf",
            f"scale=-2:{height}",
            "-q:v",
            "5",
            str(poster),
        ]
        try:
            with anyio.fail_after(30):
                result = await anyio.run_process(args, stdin=None, stdout=None, stderr=-1, check=False)
        except (TimeoutError, OSError):
            logger.warning("Could not make a poster for %s", video.name)
            return None
        if result.returncode != 0 or not poster.exists():
            logger.warning("ffmpeg could not make a poster for %s", video.name)
            return None
        if poster.stat().st_size < POSTER_MAX_BYTES:
            return poster
    return None
