"""The door's pure parts: what is shown of an echoed value, text cleaning, name fitting, path text,
exception mapping, secret redaction and the stdio line check."""

from __future__ import annotations

import errno
import json
import sqlite3

import pytest

from nemo_video.backends.cloud.redact import redact, redact_event, register_secret
from nemo_video.backends.events import Text, ToolCall
from nemo_video.cli.common import resolve_media
from nemo_video.errors import ErrorCode, NemoVideoError, from_exception, shown
from nemo_video.guard import check_path_text
from nemo_video.mcp.stdio import Refusal, check_line
from nemo_video.service.door import MAX_STEM_BYTES, clean_text, fit_filename


def test_an_error_never_echoes_a_megabyte() -> None:
    error = NemoVideoError(ErrorCode.UNKNOWN_JOB, f"There is no job {'j' * 1_000_000!r}.")
    assert len(error.message) < 400 and error.message.startswith("There is no job 'jjj")
    assert error.message.endswith("jjj'.") and "characters cut" in error.message


def test_many_long_words_are_capped_as_a_whole() -> None:
    assert len(NemoVideoError(ErrorCode.INTERNAL, "word " * 100_000).message) <= 2000


@pytest.mark.parametrize(
    ("raw", "visible"),
    [
        ("a\x00b", "a\\x00b"),
        ("\x1b[2J", "\\x1b[2J"),
        ("\udce9t\udce9", "\\xe9t\\xe9"),
        ("\ud800", "\\ud800"),
        ("line\nbreak\ttab", "line\nbreak\ttab"),
        ("视频 ✨", "视频 ✨"),
    ],
)
def test_shown_escapes_what_a_terminal_or_json_cannot_carry(raw: str, visible: str) -> None:
    assert shown(raw) == visible
    json.dumps(shown(raw), ensure_ascii=False).encode("utf-8")  # always encodable


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("A\x00B", "AB"),
        ("x\r\ny\rz", "x\ny\nz"),
        ("\x85\x9b", ""),
        ("a\ud800b", "a\ufffdb"),
        ("tab\tkept\n", "tab\tkept\n"),
        ("\u202eRTL", "\u202eRTL"),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


@pytest.mark.parametrize(("name", "kept_ext"), [("视" * 120, ""), ("🎬" * 80 + ".mp4", ".mp4"), ("n" * 500, "")])
def test_fit_filename_cuts_at_a_character_boundary(name: str, kept_ext: str) -> None:
    fitted = fit_filename(name)
    stem = fitted.removesuffix(kept_ext)
    assert fitted.endswith(kept_ext) and 0 < len(stem.encode()) <= MAX_STEM_BYTES
    assert name.startswith(stem)


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/tmp/a\x00.jpg", ErrorCode.PATH_INVALID),
        ("/tmp/\udce9.jpg", ErrorCode.PATH_INVALID),
        ("/tmp/" + "n" * 256, ErrorCode.PATH_TOO_LONG),
        ("/" + "d/" * 2100, ErrorCode.PATH_TOO_LONG),
    ],
)
def test_check_path_text_refuses(path: str, code: ErrorCode) -> None:
    with pytest.raises(NemoVideoError) as info:
        check_path_text(path)
    assert info.value.code == code and info.value.hint


@pytest.mark.parametrize("path", ["/tmp/" + "n" * 255, "/tmp/a\x01b.jpg", "relative/视频.jpg", ""])
def test_check_path_text_accepts(path: str) -> None:
    check_path_text(path)


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (OSError(errno.ENOSPC, "No space left on device", "/data/x"), ErrorCode.DISK_FULL),
        (OSError(errno.EFBIG, "File too large"), ErrorCode.DISK_FULL),
        (OSError(errno.ENAMETOOLONG, "File name too long"), ErrorCode.PATH_TOO_LONG),
        (NotADirectoryError(errno.ENOTDIR, "Not a directory", "/data"), ErrorCode.FOLDER_UNUSABLE),
        (sqlite3.OperationalError("disk I/O error"), ErrorCode.STORAGE_FAILED),
        (sqlite3.OperationalError("database or disk is full"), ErrorCode.DISK_FULL),
        (ValueError("embedded null byte"), ErrorCode.PATH_INVALID),
        (UnicodeEncodeError("utf-8", "\udce9", 0, 1, "surrogates not allowed"), ErrorCode.INVALID_TEXT),
        (ExceptionGroup("one", [OSError(errno.ENOSPC, "full")]), ErrorCode.DISK_FULL),
        (KeyError("x"), ErrorCode.INTERNAL),
    ],
)
def test_from_exception(exc: Exception, code: ErrorCode) -> None:
    error = from_exception(exc, "The upload")
    assert error.code == code and error.message.startswith("The upload") and error.hint


def test_exact_secrets_are_replaced_before_the_token_shape() -> None:
    register_secret("nmv_usr_Door+Secret/Tail==")
    assert redact("echo nmv_usr_Door+Secret/Tail== end") == "echo *** end"
    assert redact("unknown nmv_usr_Other+Half/x== end") == "unknown nmv_usr_*** end"


def test_redact_event_walks_every_text_field() -> None:
    register_secret("opaque-Door-Key")
    assert redact_event(Text("key opaque-Door-Key")).text == "key ***"
    call = redact_event(ToolCall("f", {"a": ["opaque-Door-Key"], "n": 1}))
    assert call.args == {"a": ["***"], "n": 1}


@pytest.mark.parametrize(
    ("line", "verdict"),
    [
        (b"   \n", None),
        (b'{"jsonrpc":"2.0","id":1,"method":"ping"}\n', '{"jsonrpc":"2.0","id":1,"method":"ping"}\n'),
        (
            b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"\\ud800"}}',
            '{"jsonrpc": "2.0", "id": 1, "method": "ping", "params": {"x": "\ufffd"}}',
        ),
        (b"\xff", Refusal(-32700, "Parse error: the message is not valid UTF-8 (byte 0).")),
        (
            b"[]",
            Refusal(-32600, "Invalid Request: JSON-RPC batches are not supported by MCP; send one message per line."),
        ),
        (
            b'{"jsonrpc":"2.0","id":[1],"method":"ping"}',
            Refusal(-32600, "Invalid Request: an id must be a string or an integer."),
        ),
    ],
)
def test_check_line(line: bytes, verdict: object) -> None:
    assert check_line(line) == verdict


@pytest.mark.parametrize(
    ("items", "urls"),
    [
        (["photo:v2.jpg"], []),
        (["C:photo.jpg"], []),
        (["https://x.example/a.jpg"], ["https://x.example/a.jpg"]),
        (["ftp://x.example/a"], ["ftp://x.example/a"]),
        (["data:image/png;base64,AA=="], []),
    ],
)
def test_only_scheme_slash_slash_is_a_url_on_the_command_line(items: list[str], urls: list[str]) -> None:
    assert resolve_media(items)[1] == urls
