"""Hostile paths, through the MCP tools (in process) and the CLI (a real subprocess).

Each bad path string gets its own code before anything touches the disk: a NUL (``path_invalid``), a
name that is not UTF-8 (``path_invalid``: a Latin-1 name given to the CLI arrives as surrogate escapes
and used to crash the store), a name over 255 bytes or a path over 4095 (``path_too_long``; both were
raw ``OSError`` tracebacks). Odd names that are valid (a control character, a newline, a colon) work.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from mcp import Client
from nemo_video.config import Settings
from tests.mcp.conftest import serving
from tests.reliability.hostile import ACCEPTED, REFUSED, assert_cli_verdict, assert_mcp_verdict, run_cli

Where = Callable[[Path], str]


def inside(name: str) -> Where:
    return lambda root: str(root / name)


def literal(text: str) -> Where:
    return lambda root: text


# (id, path, verdict, code): upload_media with one path; ``root`` is the only media folder
MCP_CASES: list[tuple[str, Where, str, str | None]] = [
    ("nul-middle", inside("a\x00.jpg"), REFUSED, "path_invalid"),
    ("nul-end", inside("photo.jpg\x00"), REFUSED, "path_invalid"),
    ("nul-only", literal("\x00"), REFUSED, "path_invalid"),
    ("surrogate-escape", inside("\udce9t\udce9.jpg"), REFUSED, "path_invalid"),
    ("lone-surrogate", inside("\ud800.jpg"), REFUSED, "path_invalid"),
    ("name-256-bytes", inside("n" * 252 + ".jpg"), REFUSED, "path_too_long"),
    ("name-cjk-100", inside("图" * 100 + ".jpg"), REFUSED, "path_too_long"),
    ("path-5000-bytes", inside("d/" * 2500 + "a.jpg"), REFUSED, "path_too_long"),
    ("path-1mb", inside("x" * (1 << 20)), REFUSED, "path_too_long"),
    ("name-255-missing", inside("n" * 251 + ".jpg"), REFUSED, "media_not_found"),
    ("empty-string", literal(""), REFUSED, "media_not_found"),
    ("spaces", literal("   "), REFUSED, "media_not_found"),
    ("root", literal("/"), REFUSED, "path_not_allowed"),
    ("home-tilde", literal("~"), REFUSED, "path_not_allowed"),
    ("dev-zero", literal("/dev/zero"), REFUSED, "path_not_allowed"),
    ("proc-environ", literal("/proc/self/environ"), REFUSED, "path_not_allowed"),
    ("windows-drive", inside("C:\\photos\\a.jpg"), REFUSED, "media_not_found"),
    ("unc-share", inside("\\\\server\\share\\a.jpg"), REFUSED, "media_not_found"),
    ("file-url-as-path", literal("file:///etc/passwd"), REFUSED, "media_not_found"),
    ("fifo", inside("pipe.jpg"), REFUSED, "media_not_found"),
    ("socket", inside("sock.jpg"), REFUSED, "media_not_found"),
    ("symlink-loop", inside("loop.jpg"), REFUSED, "media_not_found"),
    ("folder-trailing-slash", inside("folder/"), REFUSED, "media_not_found"),
    ("control-char-name", inside("a\x01b.jpg"), ACCEPTED, None),
    ("newline-name", inside("line\nbreak.jpg"), ACCEPTED, None),
    ("colon-name", inside("photo:v2.jpg"), ACCEPTED, None),
    ("escape-name", inside("\x1b[31mred.jpg"), ACCEPTED, None),
    ("dot-segments-inside", inside("folder/../photo.jpg"), ACCEPTED, None),
]


def _files(root: Path) -> None:
    for name in ("photo.jpg", "a\x01b.jpg", "line\nbreak.jpg", "photo:v2.jpg", "\x1b[31mred.jpg"):
        Image.new("RGB", (64, 48), (200, 60, 40)).save(root / name, format="JPEG")
    (root / "folder").mkdir()
    os.mkfifo(root / "pipe.jpg")
    (root / "loop.jpg").symlink_to(root / "loop.jpg")


@pytest.fixture
def studio(settings: Settings, tmp_path: Path) -> Iterator[tuple[Settings, Path]]:
    root = tmp_path / "media"
    root.mkdir()
    _files(root)
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(root / "sock.jpg"))
        yield settings.with_(media_dirs=(root,)), root


@pytest.mark.parametrize(("where", "verdict", "code"), [pytest.param(*c[1:], id=c[0]) for c in MCP_CASES])
async def test_hostile_paths_over_mcp(
    studio: tuple[Settings, Path], where: Where, verdict: str, code: str | None
) -> None:
    settings, root = studio
    before = sorted(p.name for p in root.iterdir())
    async with serving(settings) as (_, server), Client(server) as client:
        result = await client.call_tool("upload_media", {"paths": [where(root)]})
    assert_mcp_verdict(result, verdict, code)
    assert sorted(p.name for p in root.iterdir()) == before  # nothing of the user's moved or lost


# ------------------------------------------------------------------ the CLI, as a person runs it

Args = Callable[[Path], list[str | bytes]]


def _cli_files(root: Path) -> None:
    Image.new("RGB", (64, 48), (40, 160, 90)).save(root / "photo:v2.jpg", format="JPEG")
    Image.new("RGB", (64, 48), (40, 160, 90)).save(os.fsencode(root) + b"/\xe9t\xe9.jpg", format="JPEG")


# (id, arguments, verdict, code)
CLI_CASES: list[tuple[str, Args, str, str | None]] = [
    ("latin-1-name", lambda r: ["upload", os.fsencode(r) + b"/\xe9t\xe9.jpg"], REFUSED, "path_invalid"),
    ("latin-1-relative", lambda r: ["upload", b"\xe9t\xe9.jpg"], REFUSED, "path_invalid"),
    ("colon-is-a-file", lambda r: ["upload", "photo:v2.jpg"], ACCEPTED, None),
    ("colon-missing-file", lambda r: ["upload", "photo:v3.jpg"], REFUSED, "media_not_found"),
    ("ftp-is-a-url", lambda r: ["upload", "ftp://example.com/a.jpg"], REFUSED, "url_not_allowed"),
    ("upper-case-scheme", lambda r: ["upload", "HTTP://10.0.0.1/a.jpg"], REFUSED, "url_not_allowed"),
    ("name-300-bytes", lambda r: ["upload", "n" * 300 + ".jpg"], REFUSED, "path_too_long"),
    ("path-5000-bytes", lambda r: ["upload", "d/" * 2500 + "a.jpg"], REFUSED, "path_too_long"),
    ("export-name-cjk-200", lambda r: ["export", "--output", "视" * 200], REFUSED, "nothing_to_export"),
]


@pytest.mark.parametrize(("args", "verdict", "code"), [pytest.param(*c[1:], id=c[0]) for c in CLI_CASES])
def test_hostile_paths_on_the_command_line(tmp_path: Path, args: Args, verdict: str, code: str | None) -> None:
    _cli_files(tmp_path)
    assert_cli_verdict(run_cli(tmp_path, *args(tmp_path)), verdict, code)


def test_hostile_media_arguments_leave_no_stray_state(tmp_path: Path) -> None:
    """After every refusal above, the data folder holds no media and no temporaries."""
    _cli_files(tmp_path)
    for _, args, verdict, _ in CLI_CASES:
        if verdict == REFUSED:
            run_cli(tmp_path, *args(tmp_path))
    media = tmp_path / "data" / "media"
    assert not media.exists() or not any(media.rglob("*.*"))
    leftovers: list[Any] = [p for p in (tmp_path / "data").rglob("*") if "partial" in p.name]
    assert leftovers == []
