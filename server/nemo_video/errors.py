"""One exception family for everything nemo-video reports to a caller.

Every error carries a stable machine ``code`` (an :class:`ErrorCode`), a message for a person and a
``hint`` that says what to do next. Faces render them (MCP: an ``isError`` result; CLI: one line and
an exit code); nothing below the faces formats errors for a particular face.

Grouped by what the caller can do about it::

    NemoVideoError
      fix the input ........ invalid_input, invalid_draft, unsupported_media, media_too_large,
                             media_not_found, path_not_allowed, url_not_allowed, nothing_to_export,
                             unknown_session, unknown_job, output_exists, consent_required,
                             media_missing, media_damaged, path_invalid, path_too_long,
                             invalid_text, invalid_setting
      account / plan ....... auth_expired, auth_failed, missing_client_id, out_of_credits,
                             export_blocked
      wait and retry ....... rate_limited, backend_unreachable, backend_error, stream_timeout,
                             stream_dropped, job_running
      work that failed ..... session_not_found, agent_error, render_failed, render_timeout,
                             render_interrupted, cancelled
      this machine ......... ffmpeg_missing, font_missing, disk_full, output_not_writable,
                             folder_unusable, storage_failed, internal

Backend error codes (the NemoVideo envelope's ``code`` and a few HTTP statuses) are mapped onto this
family in exactly one place: :func:`from_backend`; operating-system and SQLite failures that reach a
boundary unhandled are mapped in :func:`from_exception`. Every message and hint is made safe to show
in one place (:func:`shown`): control characters and undecodable bytes become visible escapes and long
echoed values are shortened, so a 1 MB path never comes back as a 1 MB error.
"""

from __future__ import annotations

import errno
import re
import sqlite3
from enum import StrEnum
from typing import Any

SUPPORTED_FORMATS = (
    "mp4",
    "mov",
    "avi",
    "webm",
    "mkv",
    "jpg",
    "png",
    "gif",
    "webp",
    "mp3",
    "wav",
    "m4a",
    "aac",
)


class ErrorCode(StrEnum):
    INVALID_INPUT = "invalid_input"
    INVALID_DRAFT = "invalid_draft"
    UNSUPPORTED_MEDIA = "unsupported_media"
    MEDIA_TOO_LARGE = "media_too_large"
    MEDIA_NOT_FOUND = "media_not_found"
    MEDIA_CHANGED = "media_changed"
    PATH_NOT_ALLOWED = "path_not_allowed"
    URL_NOT_ALLOWED = "url_not_allowed"
    NOTHING_TO_EXPORT = "nothing_to_export"
    UNKNOWN_SESSION = "unknown_session"
    UNKNOWN_JOB = "unknown_job"
    OUTPUT_EXISTS = "output_exists"
    CONSENT_REQUIRED = "consent_required"
    MEDIA_MISSING = "media_missing"
    MEDIA_DAMAGED = "media_damaged"
    PATH_INVALID = "path_invalid"
    PATH_TOO_LONG = "path_too_long"
    INVALID_TEXT = "invalid_text"
    INVALID_SETTING = "invalid_setting"

    AUTH_EXPIRED = "auth_expired"
    AUTH_FAILED = "auth_failed"
    MISSING_CLIENT_ID = "missing_client_id"
    OUT_OF_CREDITS = "out_of_credits"
    EXPORT_BLOCKED = "export_blocked"

    RATE_LIMITED = "rate_limited"
    BACKEND_UNREACHABLE = "backend_unreachable"
    BACKEND_ERROR = "backend_error"
    STREAM_TIMEOUT = "stream_timeout"
    STREAM_DROPPED = "stream_dropped"
    JOB_RUNNING = "job_running"

    SESSION_NOT_FOUND = "session_not_found"
    AGENT_ERROR = "agent_error"
    RENDER_FAILED = "render_failed"
    RENDER_TIMEOUT = "render_timeout"
    RENDER_INTERRUPTED = "render_interrupted"
    CANCELLED = "cancelled"

    FFMPEG_MISSING = "ffmpeg_missing"
    FONT_MISSING = "font_missing"
    DISK_FULL = "disk_full"
    OUTPUT_NOT_WRITABLE = "output_not_writable"
    FOLDER_UNUSABLE = "folder_unusable"
    STORAGE_FAILED = "storage_failed"
    INTERNAL = "internal"


DEFAULT_HINTS: dict[ErrorCode, str] = {
    ErrorCode.INVALID_INPUT: "Check the arguments against the tool's schema and try again.",
    ErrorCode.INVALID_DRAFT: "Ask the agent to rebuild the timeline (generate_video), then export again.",
    ErrorCode.UNSUPPORTED_MEDIA: "Use one of the supported formats: " + ", ".join(SUPPORTED_FORMATS) + ".",
    ErrorCode.MEDIA_TOO_LARGE: "The limit is 200 MB per file: compress or trim it, then upload again.",
    ErrorCode.MEDIA_NOT_FOUND: "Check the path (absolute paths are safest) and that the file exists.",
    ErrorCode.MEDIA_CHANGED: "Upload the file again (that repairs the stored copy), then export again.",
    ErrorCode.PATH_NOT_ALLOWED: "Move the file under the working directory or a configured media "
    "directory (NEMO_MEDIA_DIRS), then try again.",
    ErrorCode.URL_NOT_ALLOWED: "Use a public http(s) URL, or upload the file by path instead.",
    ErrorCode.NOTHING_TO_EXPORT: "Generate something first (generate_video), then export.",
    ErrorCode.UNKNOWN_SESSION: "Call get_state to see the current session, or start a new one.",
    ErrorCode.UNKNOWN_JOB: "Call get_state to list the jobs of this session.",
    ErrorCode.OUTPUT_EXISTS: "Nothing was replaced: export again (a free file name is chosen), or choose "
    "another filename.",
    ErrorCode.CONSENT_REQUIRED: "This action spends cloud credits: ask the user, then call again "
    "with confirm_spend=true.",
    ErrorCode.PATH_INVALID: "Pass the path as plain text: no NUL or control characters, and a name that is "
    "valid UTF-8 (rename the file if its name is not).",
    ErrorCode.PATH_TOO_LONG: "Use a shorter path: each folder or file name at most 255 bytes, the whole path "
    "at most 4096 bytes (rename or move the file).",
    ErrorCode.INVALID_TEXT: "Send the text as UTF-8, without control characters.",
    ErrorCode.INVALID_SETTING: "Fix or unset the setting named in the message, then start nemo-video again.",
    ErrorCode.AUTH_EXPIRED: "The token expired: nemo-video fetches a new one automatically; if this "
    "persists, unset NEMO_TOKEN and try again.",
    ErrorCode.AUTH_FAILED: "Check NEMO_TOKEN, or unset it to use a free anonymous token.",
    ErrorCode.MISSING_CLIENT_ID: "Set NEMO_CLIENT_ID to a UUID, or let nemo-video create one.",
    ErrorCode.OUT_OF_CREDITS: "Register or top up at https://nemovideo.com, or use the free local "
    "backend (--backend local).",
    ErrorCode.EXPORT_BLOCKED: "This is the account's plan, not its credits: register at "
    "https://nemovideo.com to unlock cloud export, or export with the local backend.",
    ErrorCode.RATE_LIMITED: "Wait a minute and try again.",
    ErrorCode.BACKEND_UNREACHABLE: "Check the network connection (and NEMO_API_URL), then try again; "
    "the local backend works offline.",
    ErrorCode.BACKEND_ERROR: "Try again in a moment; if it keeps failing, check get_state.",
    ErrorCode.STREAM_TIMEOUT: "The agent took too long. Call get_state to see what was done; do not "
    "re-send the same request blindly.",
    ErrorCode.STREAM_DROPPED: "The connection dropped. Call get_state to see what was done before "
    "sending the request again.",
    ErrorCode.JOB_RUNNING: "Call job_status with the job id to keep waiting.",
    ErrorCode.SESSION_NOT_FOUND: "A new session was started; describe the video again to rebuild it.",
    ErrorCode.AGENT_ERROR: "Rephrase the request, or call get_state to see the current timeline.",
    ErrorCode.RENDER_FAILED: "Try exporting again; if it fails twice, check the timeline with get_state.",
    ErrorCode.RENDER_TIMEOUT: "The render was stopped: export a shorter video or a lower height, or raise "
    "NEMO_RENDER_TIMEOUT_SECONDS, then export again.",
    ErrorCode.RENDER_INTERRUPTED: "The render stopped when nemo-video restarted: call export_video again to re-run it.",
    ErrorCode.CANCELLED: "Nothing was saved; run the action again when ready.",
    ErrorCode.FFMPEG_MISSING: "Reinstall with `pip install --force-reinstall imageio-ffmpeg`, or set "
    "NEMO_FFMPEG to an ffmpeg binary.",
    ErrorCode.FONT_MISSING: "Install a font that covers this text (e.g. `pip install noto-cjk-sans-otc`)"
    " or set NEMO_FONT_DIRS.",
    ErrorCode.DISK_FULL: "Free some disk space in the output directory (or set NEMO_OUTPUT_DIR) and export again.",
    ErrorCode.MEDIA_MISSING: "Upload the file again (its stored copy is gone), or ask the agent to remove it "
    "from the video; then export again.",
    ErrorCode.MEDIA_DAMAGED: "Upload the original file again (the stored copy cannot be read), or ask the "
    "agent to remove it from the video; then export again.",
    ErrorCode.OUTPUT_NOT_WRITABLE: "Choose an output folder that exists and can be written (set "
    "NEMO_OUTPUT_DIR) or a shorter file name, then export again.",
    ErrorCode.FOLDER_UNUSABLE: "Point the setting named in the message at a folder (or remove the file that "
    "is in the way), then try again.",
    ErrorCode.STORAGE_FAILED: "Check free space and permissions of the data folder (NEMO_DATA_DIR), then try again.",
    ErrorCode.INTERNAL: "This is a bug in nemo-video: check where things stand (get_state) and try once "
    "more; if it fails again, report it with what you ran and the server's log.",
}


class NemoVideoError(Exception):
    """An error with a stable code, a message for a person and a hint for the next step."""

    def __init__(
        self,
        code: ErrorCode | str,
        message: str,
        *,
        hint: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.code = ErrorCode(code)
        self.message = _one_full_stop(shown(message, MAX_MESSAGE_CHARS))
        self.hint = shown(hint if hint is not None else DEFAULT_HINTS.get(self.code, ""), MAX_MESSAGE_CHARS)
        self.details = details or {}
        super().__init__(message)

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip() if self.hint else self.message

    def to_dict(self) -> dict[str, Any]:
        return {"code": str(self.code), "message": self.message, "hint": self.hint, **self.details}

    @property
    def retryable(self) -> bool:
        return self.code in _RETRYABLE


def _one_full_stop(message: str) -> str:
    """'… already exists.' wrapped in 'The render failed: {detail}.' must not end in '..'."""
    message = message.rstrip()
    while message.endswith("..") and not message.endswith("..."):
        message = message[:-1]
    return message


MAX_MESSAGE_CHARS = 2000  # a message or hint never exceeds this, whatever it echoes
MAX_WORD_CHARS = 300  # one echoed value (a path, a URL, an id) is shortened past this
_UNSHOWABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_LONG_WORD = re.compile(rf"\S{{{MAX_WORD_CHARS + 1},}}")


def _escape(match: re.Match[str]) -> str:
    char = ord(match.group())
    # surrogateescape turns an undecodable byte b into U+DC00+b: show the byte it stood for
    return (
        f"\\x{char - 0xDC00:02x}" if 0xDC80 <= char <= 0xDCFF else f"\\u{char:04x}" if char > 0xFF else f"\\x{char:02x}"
    )


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    keep = limit - 40
    return f"{text[: keep * 2 // 3]}…[{len(text) - keep:,} characters cut]…{text[-(keep // 3) :]}"


def shown(text: str, limit: int = MAX_WORD_CHARS) -> str:
    """``text`` as safe to show: control characters and lone surrogates escaped, each echoed value
    longer than :data:`MAX_WORD_CHARS` and the whole text longer than ``limit`` shortened in the middle."""
    text = _UNSHOWABLE.sub(_escape, text)
    text = _LONG_WORD.sub(lambda m: _shorten(m.group(), MAX_WORD_CHARS), text)
    return _shorten(text, limit)


_RETRYABLE = frozenset({ErrorCode.RATE_LIMITED, ErrorCode.BACKEND_UNREACHABLE, ErrorCode.BACKEND_ERROR})

# Backend code → (our code, message). Business codes come in the envelope's `code`; 400/402/429 are
# HTTP statuses that a body may echo. 1010/1011 are the other gateway's auth codes (CONTRACT §4).
_BACKEND_CODES: dict[int, tuple[ErrorCode, str]] = {
    1001: (ErrorCode.AUTH_EXPIRED, "The NemoVideo token is invalid or expired."),
    1010: (ErrorCode.AUTH_EXPIRED, "The NemoVideo token is invalid or expired."),
    1011: (ErrorCode.AUTH_EXPIRED, "The NemoVideo token is invalid or expired."),
    401: (ErrorCode.AUTH_EXPIRED, "The NemoVideo token was refused."),
    1002: (ErrorCode.SESSION_NOT_FOUND, "The NemoVideo session no longer exists."),
    404: (ErrorCode.SESSION_NOT_FOUND, "The NemoVideo session no longer exists."),
    2001: (ErrorCode.OUT_OF_CREDITS, "The NemoVideo account is out of credits."),
    4001: (ErrorCode.UNSUPPORTED_MEDIA, "NemoVideo does not accept this file type."),
    4002: (ErrorCode.MEDIA_TOO_LARGE, "The file is larger than NemoVideo's 200 MB limit."),
    413: (ErrorCode.MEDIA_TOO_LARGE, "The file is larger than NemoVideo's 200 MB limit."),
    400: (ErrorCode.MISSING_CLIENT_ID, "NemoVideo needs a client id (X-Client-Id) for this call."),
    402: (ErrorCode.EXPORT_BLOCKED, "NemoVideo blocked the export on the free plan."),
    422: (ErrorCode.INVALID_INPUT, "NemoVideo rejected the request as malformed."),
    429: (ErrorCode.RATE_LIMITED, "NemoVideo is rate limiting this client."),
}


def from_backend(code: int, server_message: str | None = None, *, status: int | None = None) -> NemoVideoError:
    """Map a NemoVideo business code or HTTP status onto the family (the one place this happens)."""
    known = _BACKEND_CODES.get(code)
    if known is None and code >= 500:
        err_code, message = ErrorCode.BACKEND_ERROR, f"NemoVideo answered with a server error ({code})."
    elif known is None:
        err_code, message = ErrorCode.BACKEND_ERROR, f"NemoVideo answered with error {code}."
    else:
        err_code, message = known
    if server_message and server_message.lower() not in {"success", "error", ""}:
        message = f"{message} (server said: {server_message})"
    details: dict[str, Any] = {"backend_code": code}
    if status is not None:
        details["http_status"] = status
    return NemoVideoError(err_code, message, details=details)


_DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def from_exception(exc: BaseException, doing: str = "The operation") -> NemoVideoError:
    """Map an exception that reached a boundary unhandled onto the family (no traceback for the user).

    ``doing`` names the work for the message ("The upload", "The render job").
    """
    if isinstance(exc, NemoVideoError):
        return exc
    if isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
        return from_exception(exc.exceptions[0], doing)
    if isinstance(exc, OSError) and exc.errno in _DISK_FULL_ERRNOS:
        where = f" ({exc.filename})" if exc.filename else ""
        return NemoVideoError(
            ErrorCode.DISK_FULL,
            f"{doing} stopped: the disk is full{where}.",
            hint="Free some disk space (or point NEMO_DATA_DIR / NEMO_OUTPUT_DIR at a disk with room), then try again.",
        )
    if isinstance(exc, OSError) and exc.errno == errno.ENAMETOOLONG:
        return NemoVideoError(ErrorCode.PATH_TOO_LONG, f"{doing} stopped: a file name or path is too long.")
    if isinstance(exc, (NotADirectoryError, FileExistsError, IsADirectoryError)):
        return NemoVideoError(
            ErrorCode.FOLDER_UNUSABLE, f"{doing} stopped: {exc.filename or 'a path'} is a file where a folder belongs."
        )
    if isinstance(exc, sqlite3.OperationalError) and ("full" in str(exc) or "I/O" in str(exc)):
        full = "full" in str(exc)
        return NemoVideoError(
            ErrorCode.DISK_FULL if full else ErrorCode.STORAGE_FAILED,
            f"{doing} stopped: the data folder could not be written (SQLite: {exc}).",
            hint=DEFAULT_HINTS[ErrorCode.STORAGE_FAILED],
        )
    if isinstance(exc, ValueError) and "null" in str(exc):  # "embedded null byte"
        return NemoVideoError(ErrorCode.PATH_INVALID, f"{doing} stopped: a path contains a NUL character.")
    if isinstance(exc, UnicodeError):
        return NemoVideoError(ErrorCode.INVALID_TEXT, f"{doing} stopped: some text is not valid UTF-8 ({exc}).")
    return NemoVideoError(ErrorCode.INTERNAL, f"{doing} failed unexpectedly ({type(exc).__name__}).")
