"""Why a render failed, in words a person can act on (pure: ffmpeg's tail and errno in, an error out).

ffmpeg names the input a message is about (``[in#3 @ …]`` while opening, ``[vist#3:0/png @ …]`` while
decoding): that picks the picture to blame. A failure writing the output, and an ``OSError`` while
moving files into place, point at the output folder instead. What is not recognised stays
``render_failed`` with ffmpeg's last line; the whole tail goes to the log, never to the user.
"""

from __future__ import annotations

import errno
import re
from collections.abc import Sequence
from pathlib import Path

from ....errors import ErrorCode, NemoVideoError
from .runner import FfmpegFailed

MAX_NAME_BYTES = 255
_INPUT = re.compile(r"^\[(?:in|vist|aist)#(?P<n>\d+)\b.*$", re.M)
_DAMAGED = ("Invalid data", "Decoding error", "Decode error", "chunk too big", "Truncated", "corrupt")
_OUTPUT_TROUBLE = {
    "Read-only file system": "is on a read-only disk",
    "Permission denied": "cannot be written",
    "No such file or directory": "no longer exists",
    "File name too long": "gives a file name that is too long",
}


def inputs_of(args: Sequence[str]) -> list[Path]:
    """The files an ffmpeg argument list reads, in input order (``-i file:/x`` → ``/x``)."""
    return [Path(args[i + 1].removeprefix("file:")) for i, a in enumerate(args[:-1]) if a == "-i"]


def from_ffmpeg(failure: FfmpegFailed, args: Sequence[str], output: Path) -> NemoVideoError:
    """The error a person should see for ``failure`` of the run ``args`` writing ``output``."""
    sources = inputs_of(args)
    for found in _INPUT.finditer(failure.tail):
        n = int(found["n"])
        if n < len(sources) and any(word in found[0] for word in (*_DAMAGED, "No such file", "opening")):
            return media_problem(sources[n])
    for line in failure.tail.splitlines():
        if output.name in line or "out#" in line or "Error opening output" in line:
            for text, what in _OUTPUT_TROUBLE.items():
                if text in line:
                    return not_writable(output.parent, what)
    return failure


def media_problem(source: Path) -> NemoVideoError:
    if not source.is_file():
        return NemoVideoError(
            ErrorCode.MEDIA_MISSING, f"The timeline uses {source.name}, whose stored copy is gone ({source.parent})."
        )
    return NemoVideoError(
        ErrorCode.MEDIA_DAMAGED, f"The timeline uses {source.name}, which cannot be read: it is damaged or incomplete."
    )


def not_writable(folder: Path, what: str) -> NemoVideoError:
    return NemoVideoError(ErrorCode.OUTPUT_NOT_WRITABLE, f"The output folder {folder} {what}.")


def from_os_error(exc: OSError, destination: Path) -> NemoVideoError:
    """An ``OSError`` met while writing or moving the video's files."""
    if exc.errno == errno.ENOSPC:
        return NemoVideoError(ErrorCode.DISK_FULL, "The disk filled up while writing the video.")
    if exc.errno == errno.ENAMETOOLONG:
        return name_too_long(destination, MAX_NAME_BYTES - 55)
    what = {
        errno.EROFS: "is on a read-only disk",
        errno.EACCES: "cannot be written",
        errno.EPERM: "cannot be written",
        errno.ENOENT: "no longer exists",
        errno.ENOTDIR: "is not a folder",
        errno.EEXIST: "is not a folder",
    }.get(exc.errno or 0)
    if what is not None:
        return not_writable(destination.parent, what)
    return NemoVideoError(ErrorCode.RENDER_FAILED, f"Could not write the video: {exc.strerror or exc}.")


def name_too_long(destination: Path, limit: int) -> NemoVideoError:
    size = len(destination.stem.encode("utf-8", "surrogateescape"))
    return NemoVideoError(
        ErrorCode.OUTPUT_NOT_WRITABLE,
        f"The file name {destination.name[:40]}… is too long ({size} bytes; at most {limit}, so that "
        f"its poster and temporary files stay within the system's {MAX_NAME_BYTES}).",
    )
