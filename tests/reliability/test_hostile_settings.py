"""Hostile settings, folders and a store that is corrupt or full: each said once, with a code.

``NEMO_RENDER_TIMEOUT_SECONDS=nan`` used to start (and -5 was taken); a data or output folder that is a
file, a corrupt SQLite file, a full disk and invalid UTF-8 on ``chat``'s stdin were tracebacks (the
chat's reader thread died and the chat hung). A full disk is simulated with ``RLIMIT_FSIZE`` in the
child process (writes past the limit fail with ``EFBIG``, SIGXFSZ ignored): no root, no loop device.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image

from mcp import Client
from nemo_video.config import Settings
from nemo_video.errors import NemoVideoError
from tests.mcp.conftest import serving
from tests.reliability.hostile import ACCEPTED, REFUSED, assert_cli_verdict, cli_env, run_cli

TIMINGS = (
    "NEMO_HTTP_TIMEOUT",
    "NEMO_SSE_MAX_SECONDS",
    "NEMO_SSE_IDLE_SECONDS",
    "NEMO_RENDER_POLL_SECONDS",
    "NEMO_RENDER_MAX_POLLS",
    "NEMO_RATE_LIMIT_WAIT_SECONDS",
    "NEMO_RENDER_TIMEOUT_SECONDS",
)
BAD_NUMBERS = ("nan", "NaN", "-5", "inf", "-inf", "0", "abc", "1e999", "-0")

# (id, environment, verdict, code)
ENV_CASES: list[tuple[str, dict[str, str], str, str | None]] = [
    *[
        (f"timeout-{value}", {"NEMO_RENDER_TIMEOUT_SECONDS": value}, REFUSED, "invalid_setting")
        for value in BAD_NUMBERS
    ],
    *[
        (f"{key.lower()}-{value}", {key: value}, REFUSED, "invalid_setting")
        for key in TIMINGS[:-1]
        for value in ("nan", "-5")
    ],
    ("max-polls-fraction", {"NEMO_RENDER_MAX_POLLS": "2.5"}, REFUSED, "invalid_setting"),
    ("backend-gpu", {"NEMO_BACKEND": "gpu"}, REFUSED, "invalid_setting"),
    ("backend-nul", {"NEMO_BACKEND": "lo\x01cal"}, REFUSED, "invalid_setting"),
    ("timeout-padded", {"NEMO_RENDER_TIMEOUT_SECONDS": " 7.5 "}, ACCEPTED, None),
    ("timeout-tiny", {"NEMO_RENDER_TIMEOUT_SECONDS": "0.001"}, ACCEPTED, None),
    ("backend-upper", {"NEMO_BACKEND": " LOCAL "}, ACCEPTED, None),
]


@pytest.mark.parametrize(("env", "verdict", "code"), [pytest.param(*c[1:], id=c[0]) for c in ENV_CASES])
def test_hostile_settings(tmp_path: Path, env: dict[str, str], verdict: str, code: str | None) -> None:
    if verdict == ACCEPTED:
        Settings.from_env(env, home=tmp_path)
        return
    with pytest.raises(NemoVideoError) as info:
        Settings.from_env(env, home=tmp_path)
    assert info.value.code == code and info.value.hint and len(info.value.message) < 300
    assert next(iter(env)) in info.value.message  # names the variable to fix


Layout = Callable[[Path], dict[str, str]]


def _file(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("not a folder")
    return path


# (id, folders made hostile): every one refused as folder_unusable, naming the variable
FOLDER_CASES: list[tuple[str, Layout]] = [
    ("data-is-a-file", lambda r: {"NEMO_DATA_DIR": str(_file(r / "data"))}),
    ("output-is-a-file", lambda r: {"NEMO_OUTPUT_DIR": str(_file(r / "out"))}),
    ("config-is-a-file", lambda r: {"NEMO_CONFIG_DIR": str(_file(r / "config"))}),
    ("data-under-a-file", lambda r: {"NEMO_DATA_DIR": str(_file(r / "blocker") / "data" / "deeper")}),
    ("output-under-a-file", lambda r: {"NEMO_OUTPUT_DIR": str(_file(r / "blocker") / "out")}),
]


@pytest.mark.parametrize("layout", [pytest.param(c[1], id=c[0]) for c in FOLDER_CASES])
def test_a_folder_that_is_a_file_is_said_at_start(tmp_path: Path, layout: Layout) -> None:
    env = layout(tmp_path)
    result = run_cli(tmp_path, "state", env={**cli_env(tmp_path), **env})
    assert_cli_verdict(result, REFUSED, "folder_unusable")
    assert next(iter(env)).encode() in result.stderr
    assert result.returncode == 6


@pytest.mark.parametrize("value", ["nan", "-5"])
def test_a_bad_timeout_is_one_line_from_the_cli(tmp_path: Path, value: str) -> None:
    result = run_cli(tmp_path, "state", env=cli_env(tmp_path, NEMO_RENDER_TIMEOUT_SECONDS=value))
    assert_cli_verdict(result, REFUSED, "invalid_setting")


# ------------------------------------------------------------------ a corrupt store

Corrupt = Callable[[Path], None]


def _garbage(db: Path) -> None:
    db.write_bytes(os.urandom(8192))


def _truncated(db: Path) -> None:
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3])


def _zeroed_pages(db: Path) -> None:
    data = bytearray(db.read_bytes())
    data[4096:8192] = b"\xff" * 4096
    db.write_bytes(bytes(data))


CORRUPTIONS: list[tuple[str, Corrupt]] = [
    ("random-bytes", _garbage),
    ("truncated", _truncated),
    ("overwritten-page", _zeroed_pages),
]


@pytest.mark.parametrize("corrupt", [pytest.param(c[1], id=c[0]) for c in CORRUPTIONS])
async def test_a_corrupt_database_is_moved_aside_and_the_user_told(
    settings: Settings, tmp_path: Path, corrupt: Corrupt
) -> None:
    async with serving(settings) as (_, server), Client(server) as client:
        made = await client.call_tool("generate_video", {"request": "a 2-second video titled 'Old'", "wait_s": 50})
        assert not made.is_error
    db = settings.data_dir / "studio.sqlite3"
    with sqlite3.connect(db) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for extra in db.parent.glob("studio.sqlite3-*"):
        extra.unlink()
    corrupt(db)
    damaged = db.read_bytes()
    async with serving(settings) as (_, server), Client(server) as client:
        state = await client.call_tool("get_state", {})
        made = await client.call_tool("generate_video", {"request": "a 2-second video titled 'New'", "wait_s": 50})
    assert not state.is_error, state.content
    notice = state.structured_content["notice"]  # type: ignore[index]
    assert "no longer exists" in notice, notice
    assert not made.is_error, made.content
    (aside,) = [p for p in db.parent.glob("studio.sqlite3.corrupt-*") if not p.name.endswith(("-wal", "-shm"))]
    assert aside.read_bytes() == damaged  # kept for the user, not deleted
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA quick_check").fetchone()[0] == "ok"


def test_the_cli_warns_when_it_moves_a_corrupt_database_aside(tmp_path: Path) -> None:
    assert_cli_verdict(run_cli(tmp_path, "state"), ACCEPTED)
    db = tmp_path / "data" / "studio.sqlite3"
    for extra in db.parent.glob("studio.sqlite3-*"):
        extra.unlink()
    _garbage(db)
    result = run_cli(tmp_path, "state")
    assert_cli_verdict(result, ACCEPTED)
    assert b"moved aside" in result.stderr and b"no longer exists" in result.stdout


# ------------------------------------------------------------------ a full disk


def _file_size_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.fixture
def other_disk() -> Iterator[Path]:
    """A folder on another file system when there is one (/dev/shm), so an upload must copy bytes."""
    base = "/dev/shm" if Path("/dev/shm").is_dir() and os.access("/dev/shm", os.W_OK) else None
    folder = Path(tempfile.mkdtemp(prefix="nemo-hostile-", dir=base))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_a_full_disk_on_upload_is_disk_full(tmp_path: Path, other_disk: Path) -> None:
    big = other_disk / "noise.png"
    Image.effect_noise((400, 400), 90).convert("RGB").save(big)
    assert big.stat().st_size > 200_000
    assert_cli_verdict(run_cli(tmp_path, "state"), ACCEPTED)  # the store exists and has room for rows
    env = cli_env(tmp_path, NEMO_MEDIA_DIRS=str(other_disk))
    result = run_cli(tmp_path, "upload", str(big), env=env, preexec_fn=_file_size_limit(150_000))
    assert_cli_verdict(result, REFUSED, "disk_full")
    assert result.returncode == 6
    assert big.stat().st_size > 200_000  # the user's file is untouched
    state = run_cli(tmp_path, "state", "--json")
    assert_cli_verdict(state, ACCEPTED)
    assert b'"media": []' in state.stdout  # no half-imported asset


def test_a_store_that_cannot_be_written_is_storage_failed(tmp_path: Path) -> None:
    result = run_cli(
        tmp_path, "generate", "a 2-second video titled 'Full'", "--height", "90", preexec_fn=_file_size_limit(20_000)
    )
    assert_cli_verdict(result, REFUSED, "storage_failed")
    assert result.returncode == 6


# ------------------------------------------------------------------ chat's stdin

# (id, bytes piped to chat, what stdout must show)
CHAT_CASES: list[tuple[str, bytes, bytes]] = [
    ("latin-1-line", b"credits\n\xe9t\xe9 video\nstatus\n", b"error [invalid_text]"),
    ("lone-continuation-byte", b"\x80\nstatus\n", b"error [invalid_text]"),
    ("overlong-encoding", b"\xc0\xaf\nstatus\n", b"error [invalid_text]"),
    ("nul-in-line", b"sta\x00tus\n", b"session "),
    ("crlf-lines", b"credits\r\nstatus\r\n", b"session "),
    ("no-final-newline", b"status", b"session "),
]


@pytest.mark.parametrize(("stdin", "expected"), [pytest.param(*c[1:], id=c[0]) for c in CHAT_CASES])
def test_chat_survives_hostile_stdin(tmp_path: Path, stdin: bytes, expected: bytes) -> None:
    result = run_cli(tmp_path, "chat", stdin=stdin, timeout=60)
    assert_cli_verdict(result, ACCEPTED)
    assert expected in result.stdout, result.stdout[-1000:]
    if b"status" in stdin:
        assert b"session " in result.stdout  # the line after a bad one is still handled
