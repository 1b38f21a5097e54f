"""Output files: unique names in the output directory, posters, and the facts a result reports."""

from __future__ import annotations

import logging
import re
import unicodedata
from datetime import datetime
from pathlib import Path

from ..backends.base import OutputFormat, RenderOutput
from ..errors import ErrorCode, NemoVideoError
from ..locks import RenderLock, is_held, lock_path
from ..media import MediaInfo, probe, run

logger = logging.getLogger(__name__)

POSTER_MAX_BYTES = 200_000
_POSTER_HEIGHTS = (360, 240, 160)
# room for "-NN" and, in the renderer, ".<pid>.<tag>.partial.contact.jpg" within NAME_MAX (255 bytes)
MAX_STEM_BYTES = 190
_UNSAFE = re.compile(r"[^\w.\- ]+", re.UNICODE)


class NameReserver:
    """Chooses output paths that never clobber a file on disk nor another export in flight, in this
    process or another: a chosen name's lock (:mod:`nemo_video.locks`) is held until it is released."""

    def __init__(self) -> None:
        self._taken: dict[Path, RenderLock | None] = {}

    def reserve(self, folder: Path, filename: str | None, fmt: OutputFormat, *, overwrite: bool = False) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        stem = safe_stem(filename) if filename else f"nemo-video-{datetime.now():%Y%m%d-%H%M%S}"
        first = (folder / f"{stem}.{fmt}").resolve()
        if overwrite and filename and first not in self._taken and self._claim(first):
            return first
        candidate, n = first, 1
        while candidate in self._taken or candidate.exists() or not self._claim(candidate):
            n += 1
            candidate = first.with_name(f"{stem}-{n}.{fmt}")
        return candidate

    def _claim(self, path: Path) -> bool:
        """Lock ``path``'s name; False when another export (here or in another process) holds it."""
        lock = RenderLock(lock_path(path))
        if is_held(lock.path):
            return False
        try:
            if not lock.acquire():
                return False
        except OSError:  # an unwritable folder: the export itself reports it, with its own code
            self._taken[path] = None
            return True
        self._taken[path] = lock
        return True

    def release(self, path: Path) -> None:
        lock = self._taken.pop(path, None)
        if lock is not None:
            lock.release()

    def retire(self, path: Path) -> None:
        """Keep a cancelled export's name off-limits in this process (the next export gets a fresh one),
        while letting other processes see that no render holds it any more."""
        lock = self._taken.get(path)
        if lock is not None:
            lock.release()
        self._taken[path] = None


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
    name = name[:120]
    while len(name.encode("utf-8")) > MAX_STEM_BYTES:  # file names are limited in bytes, not characters
        name = name[:-1]
    return name.rstrip(" .-")


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
            result = await run(args, timeout_s=30)  # never the caller's stdin/stdout (MCP's in stdio mode)
        except (TimeoutError, OSError, NemoVideoError):
            logger.warning("Could not make a poster for %s", video.name)
            return None
        if result.returncode != 0 or not poster.exists():
            logger.warning("ffmpeg could not make a poster for %s", video.name)
            return None
        if poster.stat().st_size < POSTER_MAX_BYTES:
            return poster
    return None
