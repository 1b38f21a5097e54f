"""How the CLI talks to a person: progress on stderr, results on stdout, errors → exit codes.

Kept apart from the command definitions so each piece stays small: :class:`Progress` draws a one-line
bar on stderr (with a silent twin for ``--json`` and pipes), :func:`exit_code` maps the error family
onto process exit codes in one place.
"""

from __future__ import annotations

import json
import sys
import time
from typing import IO, Any

from ..errors import ErrorCode, NemoVideoError

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_ACCOUNT = 3
EXIT_RETRY = 4
EXIT_FAILED = 5
EXIT_MACHINE = 6
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130

_EXIT_BY_CODE: dict[ErrorCode, int] = {
    **dict.fromkeys(
        (
            ErrorCode.INVALID_INPUT,
            ErrorCode.INVALID_DRAFT,
            ErrorCode.UNSUPPORTED_MEDIA,
            ErrorCode.MEDIA_TOO_LARGE,
            ErrorCode.MEDIA_NOT_FOUND,
            ErrorCode.PATH_NOT_ALLOWED,
            ErrorCode.URL_NOT_ALLOWED,
            ErrorCode.NOTHING_TO_EXPORT,
            ErrorCode.UNKNOWN_SESSION,
            ErrorCode.UNKNOWN_JOB,
            ErrorCode.OUTPUT_EXISTS,
            ErrorCode.CONSENT_REQUIRED,
            ErrorCode.MEDIA_MISSING,
            ErrorCode.MEDIA_DAMAGED,
            ErrorCode.PATH_INVALID,
            ErrorCode.PATH_TOO_LONG,
            ErrorCode.INVALID_TEXT,
            ErrorCode.INVALID_SETTING,
        ),
        EXIT_USAGE,
    ),
    **dict.fromkeys(
        (
            ErrorCode.AUTH_EXPIRED,
            ErrorCode.AUTH_FAILED,
            ErrorCode.MISSING_CLIENT_ID,
            ErrorCode.OUT_OF_CREDITS,
            ErrorCode.EXPORT_BLOCKED,
        ),
        EXIT_ACCOUNT,
    ),
    **dict.fromkeys(
        (
            ErrorCode.RATE_LIMITED,
            ErrorCode.BACKEND_UNREACHABLE,
            ErrorCode.BACKEND_ERROR,
            ErrorCode.STREAM_TIMEOUT,
            ErrorCode.STREAM_DROPPED,
            ErrorCode.JOB_RUNNING,
        ),
        EXIT_RETRY,
    ),
    **dict.fromkeys(
        (
            ErrorCode.SESSION_NOT_FOUND,
            ErrorCode.AGENT_ERROR,
            ErrorCode.RENDER_FAILED,
            ErrorCode.RENDER_TIMEOUT,
            ErrorCode.RENDER_INTERRUPTED,
        ),
        EXIT_FAILED,
    ),
    ErrorCode.CANCELLED: EXIT_INTERRUPTED,
    ErrorCode.FFMPEG_MISSING: EXIT_MACHINE,
    ErrorCode.FONT_MISSING: EXIT_MACHINE,
    ErrorCode.DISK_FULL: EXIT_MACHINE,
    ErrorCode.OUTPUT_NOT_WRITABLE: EXIT_MACHINE,
    ErrorCode.FOLDER_UNUSABLE: EXIT_MACHINE,
    ErrorCode.STORAGE_FAILED: EXIT_MACHINE,
    ErrorCode.INTERNAL: EXIT_INTERNAL,
}


def exit_code(error: NemoVideoError) -> int:
    return _EXIT_BY_CODE.get(error.code, EXIT_INTERNAL)


class Progress:
    """A one-line progress bar on stderr; redraws at most every 0.1 s and never goes backwards."""

    def __init__(self, stream: IO[str] | None = None, width: int = 28) -> None:
        self._stream = stream or sys.stderr
        self._width = width
        self._fraction = 0.0
        self._last = 0.0
        self._shown = False

    def __call__(self, fraction: float, message: str) -> None:
        self._fraction = max(self._fraction, min(max(fraction, 0.0), 1.0))
        now = time.monotonic()
        if now - self._last < 0.1 and self._fraction < 1.0:
            return
        self._last = now
        filled = round(self._fraction * self._width)
        bar = "█" * filled + "░" * (self._width - filled)
        line = f"\r{bar} {self._fraction * 100:5.1f}%  {message[:60]:<60}"
        self._stream.write(line)
        self._stream.flush()
        self._shown = True

    def done(self) -> None:
        if self._shown:
            self._stream.write("\n")
            self._stream.flush()
            self._shown = False


class SilentProgress(Progress):
    """The twin used for ``--json`` and tests: records, draws nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[float, str]] = []

    def __call__(self, fraction: float, message: str) -> None:
        self.events.append((fraction, message))

    def done(self) -> None:
        pass


def emit_json(value: Any, stream: IO[str] | None = None) -> None:
    stream = stream or sys.stdout
    stream.write(json.dumps(value, ensure_ascii=False, default=str) + "\n")
    stream.flush()


def emit_error(error: NemoVideoError, *, as_json: bool) -> int:
    if as_json:
        emit_json({"ok": False, "error": error.to_dict()})
    else:
        sys.stderr.write(f"error [{error.code}]: {error.message}" + (f" — {error.hint}" if error.hint else "") + "\n")
    return exit_code(error)
