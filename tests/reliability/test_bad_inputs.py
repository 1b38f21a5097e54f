"""The bad-input battery: every kind of wrong input, through the MCP tools and the CLI.

Each refusal must be a clear error (MCP: ``isError`` with the code and a next step; CLI: one line on
stderr and a non-zero exit code, never a traceback) and must change nothing: the session's draft
version and media list, the files in the store and the output folder, and no temporaries anywhere.
Some inputs are odd but valid (absurd lengths, emoji, right-to-left and CJK text): those must work.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mcp import Client
from nemo_video.config import Settings
from nemo_video.media import locate, probe
from tests.conftest import fixture_json
from tests.double import NemoDouble
from tests.mcp.conftest import serving
from tests.reliability.inputs import (
    Snapshot,
    good_photo,
    make_bad_files,
    noise_mp4,
    settings_env,
    temporaries,
)

BIN = Path(sys.executable).parent / "nemo-video"
SEED = "a 2-second video with the title 'Seed'"

Args = Callable[[dict[str, Path]], dict[str, Any]]


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    inside, outside = tmp_path_factory.mktemp("inside"), tmp_path_factory.mktemp("outside")
    mp4 = noise_mp4(tmp_path_factory.mktemp("mp4"), locate(Settings()))
    files = make_bad_files(inside, outside, mp4.read_bytes())
    files["good.jpg"] = good_photo(inside)
    files["inside"] = inside
    return files


@pytest.fixture
def studio(settings: Settings, bad: dict[str, Path]) -> Settings:
    """Local settings whose only media root (besides the working directory) is the ``inside`` folder."""
    return settings.with_(media_dirs=(bad["inside"],))


def up(name: str) -> Args:
    return lambda f: {"paths": [str(f[name])]}


def url(address: str) -> Args:
    return lambda f: {"urls": [address]}


def fixed(args: dict[str, Any]) -> Args:
    return lambda f: args


# (id, tool, arguments, expected error code)
FILE_CASES: list[tuple[str, str, Args, str]] = [
    ("corrupt-jpeg", "upload_media", up("corrupt.jpg"), "unsupported_media"),
    ("empty-file", "upload_media", up("empty.png"), "unsupported_media"),
    ("truncated-png", "upload_media", up("truncated.png"), "unsupported_media"),
    ("truncated-jpeg", "upload_media", up("truncated.jpg"), "unsupported_media"),
    ("truncated-mp4", "upload_media", up("truncated.mp4"), "unsupported_media"),
    ("text-renamed-mp4", "upload_media", up("notes.mp4"), "unsupported_media"),
    ("text-renamed-jpg", "upload_media", up("notes.jpg"), "unsupported_media"),
    ("image-renamed-mp4", "upload_media", up("photo.mp4"), "unsupported_media"),
    ("oversize-201mb", "upload_media", up("huge.mp4"), "media_too_large"),
    ("type-bmp", "upload_media", up("photo.bmp"), "unsupported_media"),
    ("type-txt", "upload_media", up("readme.txt"), "unsupported_media"),
    ("type-exe", "upload_media", up("setup.exe"), "unsupported_media"),
    ("outside-roots", "upload_media", up("outside.jpg"), "path_not_allowed"),
    ("system-file", "upload_media", fixed({"paths": ["/etc/passwd"]}), "path_not_allowed"),
    ("dotdot-traversal", "upload_media", up("dotdot.jpg"), "path_not_allowed"),
    ("symlink-escape", "upload_media", up("symlink.jpg"), "path_not_allowed"),
    ("symlinked-dir-escape", "upload_media", up("symlinked-dir.jpg"), "path_not_allowed"),
    ("directory", "upload_media", up("folder.jpg"), "media_not_found"),
    ("missing-file", "upload_media", up("missing.jpg"), "media_not_found"),
    (
        "bad-file-with-good-one",
        "upload_media",
        lambda f: {"paths": [str(f["good.jpg"]), str(f["corrupt.jpg"])]},
        "unsupported_media",
    ),
    (
        "generate-with-bad-media",
        "generate_video",
        lambda f: {"request": "make a video", "paths": [str(f["truncated.mp4"])]},
        "unsupported_media",
    ),
    ("nothing-to-upload", "upload_media", fixed({}), "invalid_input"),
]
URL_CASES: list[tuple[str, str, Args, str]] = [
    (f"url-{name}", "upload_media", url(address), "url_not_allowed")
    for name, address in [
        ("private-10", "http://10.0.0.1/a.jpg"),
        ("private-192", "https://192.168.1.20/a.jpg"),
        ("loopback", "http://127.0.0.1:8765/a.jpg"),
        ("localhost", "http://localhost/a.jpg"),
        ("ipv6-loopback", "http://[::1]/a.jpg"),
        ("link-local-metadata", "http://169.254.169.254/latest/meta-data/"),
        ("decimal-loopback", "http://2130706433/a.jpg"),
        ("scheme-file", "file:///etc/passwd"),
        ("scheme-ftp", "ftp://example.com/a.jpg"),
        ("scheme-data", "data:image/png;base64,iVBORw0KGgo="),
        ("scheme-javascript", "javascript:alert(1)"),
    ]
] + [
    (
        "generate-with-private-url",
        "generate_video",
        fixed({"request": "make a video", "urls": ["http://10.0.0.1/a.jpg"]}),
        "url_not_allowed",
    )
]
SCHEMA_CASES: list[tuple[str, str, Args, str]] = [
    ("string-for-list", "upload_media", fixed({"paths": "/tmp/a.jpg"}), "invalid_input"),
    ("number-for-path", "upload_media", fixed({"paths": [5]}), "invalid_input"),
    ("number-for-urls", "upload_media", fixed({"urls": 7}), "invalid_input"),
    ("number-for-request", "generate_video", fixed({"request": 5}), "invalid_input"),
    ("missing-request", "generate_video", fixed({}), "invalid_input"),
    ("unknown-format", "export_video", fixed({"format": "avi"}), "invalid_input"),
    ("unknown-quality", "export_video", fixed({"quality": "ultra"}), "invalid_input"),
    ("height-10", "export_video", fixed({"height": 10}), "invalid_input"),
    ("height-100000", "export_video", fixed({"height": 100000}), "invalid_input"),
    ("height-string", "export_video", fixed({"height": "tall"}), "invalid_input"),
    ("negative-wait", "export_video", fixed({"wait_s": -1}), "invalid_input"),
    ("negative-wait-status", "job_status", fixed({"job_id": "x", "wait_s": -5}), "invalid_input"),
    ("wait-too-long", "generate_video", fixed({"request": "hi", "wait_s": 3600}), "invalid_input"),
    ("number-for-job-id", "job_status", fixed({"job_id": 123}), "invalid_input"),
    ("non-bool-consent", "generate_video", fixed({"request": "hi", "confirm_spend": "maybe"}), "invalid_input"),
]
OTHER_CASES: list[tuple[str, str, Args, str]] = [
    ("unknown-job-status", "job_status", fixed({"job_id": "job-does-not-exist", "wait_s": 0}), "unknown_job"),
    ("unknown-job-cancel", "cancel_job", fixed({"job_id": "job-does-not-exist"}), "unknown_job"),
    ("blank-request", "generate_video", fixed({"request": "   \n\t"}), "invalid_input"),
    ("huge-request-200kb", "generate_video", fixed({"request": "make a video " * 16_000}), "invalid_input"),
    ("huge-ask-200kb", "ask", fixed({"text": "x" * 200_000}), "invalid_input"),
    ("filename-dotdot", "export_video", fixed({"filename": ".."}), "invalid_input"),
    ("filename-slashes", "export_video", fixed({"filename": "///"}), "invalid_input"),
]
ALL_CASES = FILE_CASES + URL_CASES + SCHEMA_CASES + OTHER_CASES


async def seed(client: Client, good: Path) -> dict[str, Any]:
    """A session with one photo and a draft: what a refused input must leave alone."""
    uploaded = await client.call_tool("upload_media", {"paths": [str(good)]})
    assert not uploaded.is_error, uploaded.content
    made = await client.call_tool("generate_video", {"request": SEED, "wait_s": 50})
    assert not made.is_error and made.structured_content is not None
    assert made.structured_content["status"] == "completed", made.structured_content
    return await state_of(client)


async def state_of(client: Client) -> dict[str, Any]:
    state = await client.call_tool("get_state", {})
    assert not state.is_error and state.structured_content is not None
    out = dict(state.structured_content)
    return {
        "session": out["session_id"],
        "summary": out["summary"],
        "draft": out["draft"],
        "media": [m["id"] for m in out["media"]],
    }


def assert_clear_error(result: Any, code: str) -> None:
    assert result.is_error, result.content
    text = result.content[0].text
    assert text.startswith(f"Error [{code}]: "), text
    assert "\nNext step: " in text and len(text.split("\nNext step: ")[1].strip()) > 10, text
    assert "Traceback" not in text and "pydantic.dev" not in text
    assert len(text) < 2000, "an error never echoes a huge input back"
    assert result.structured_content is None and result.meta["nemo-video/error"]["code"] == code


def assert_unchanged(settings: Settings, before: Snapshot) -> None:
    assert Snapshot.take(settings) == before
    assert temporaries(settings.data_dir, settings.output_dir) == []


@pytest.mark.parametrize(("tool", "args", "code"), [pytest.param(*c[1:], id=c[0]) for c in ALL_CASES])
async def test_mcp_refuses_bad_input_and_changes_nothing(
    studio: Settings, bad: dict[str, Path], tool: str, args: Args, code: str
) -> None:
    async with serving(studio) as (_, server), Client(server) as client:
        before_state = await seed(client, bad["good.jpg"])
        before = Snapshot.take(studio)
        result = await client.call_tool(tool, args(bad))
        assert_clear_error(result, code)
        assert await state_of(client) == before_state
    assert_unchanged(studio, before)
    assert not any(studio.output_dir.glob("*.mp4"))


@pytest.mark.parametrize(("tool", "args", "code"), [pytest.param(*c[1:], id=c[0]) for c in SCHEMA_CASES[:6]])
async def test_schema_errors_read_the_same_over_the_legacy_handshake(
    studio: Settings, bad: dict[str, Path], tool: str, args: Args, code: str
) -> None:
    async with serving(studio) as (_, server), Client(server, mode="legacy") as client:
        result = await client.call_tool(tool, args(bad))
    assert_clear_error(result, code)
    field = result.meta["nemo-video/error"]["fields"][0].split(".")[0]  # type: ignore[index]
    assert field in result.content[0].text.split("Next step: ")[1]  # type: ignore[union-attr]


async def test_a_saved_session_that_no_longer_exists_is_replaced_not_a_dead_end(studio: Settings) -> None:
    sessions = studio.data_dir / "service" / "sessions.json"
    sessions.parent.mkdir(parents=True)
    sessions.write_text(json.dumps({"local:default": {"id": "local-ghost", "backend": "local"}}))
    async with serving(studio) as (_, server), Client(server) as client:
        export = await client.call_tool("export_video", {"height": 90})
        assert_clear_error(export, "unknown_session")
        assert "get_state" in export.content[0].text  # type: ignore[union-attr]
        state = await client.call_tool("get_state", {})  # what the hint says to do
    assert not state.is_error and state.structured_content is not None
    assert state.structured_content["session_id"] != "local-ghost"
    assert "local-ghost no longer exists" in state.structured_content["notice"]
    assert not studio.output_dir.exists() or not any(studio.output_dir.iterdir())


@pytest.mark.parametrize(
    "draft",
    [
        "{not json",
        {"t": "not-a-list"},
        {"t": [{"tt": 0, "sg": [{"d": "long"}]}]},
        ["a", "list"],
    ],
    ids=["broken-json", "tracks-not-a-list", "duration-not-a-number", "draft-is-a-list"],
)
async def test_a_malformed_cloud_draft_is_invalid_draft_and_nothing_is_rendered(
    settings: Settings, nemo_double: NemoDouble, draft: Any
) -> None:
    cloud = settings.with_(api_base=nemo_double.url, backend="cloud", sse_idle_s=5.0, sse_max_s=10.0)
    async with serving(cloud) as (service, server), Client(server) as client:
        session = await service.session()
        state = fixture_json("state_latest.json")["data"]["state"]
        nemo_double.set_state(session.id, {**state, "draft": draft})
        export = await client.call_tool("export_video", {"height": 90})
        assert_clear_error(export, "invalid_draft")
        assert "generate_video" in export.content[0].text  # type: ignore[union-attr]
        shown = await client.call_tool("get_state", {})
        assert_clear_error(shown, "invalid_draft")
    assert nemo_double.count("render_submit") == 0
    assert not cloud.output_dir.exists() or not any(cloud.output_dir.iterdir())


@pytest.mark.parametrize(
    ("first", "then", "seconds", "asked"),
    [
        ("a 0-second video with the title 'Zero'", None, 2.0, "instead of 0"),
        ("a 10000-hour video with the title 'Forever'", None, 180.0, "instead of 36000000"),
        (SEED, "make it 10000 hours long", 180.0, "instead of 36000000"),
        (SEED, "make it 0 seconds", 2.0, "instead of 0"),
    ],
    ids=["zero-new", "10000-hours-new", "10000-hours-edit", "zero-edit"],
)
async def test_absurd_durations_are_clamped_with_an_honest_note(
    studio: Settings, first: str, then: str | None, seconds: float, asked: str
) -> None:
    async with serving(studio) as (_, server), Client(server) as client:
        result = await client.call_tool("generate_video", {"request": first, "wait_s": 50})
        if then is not None:
            result = await client.call_tool("generate_video", {"request": then, "wait_s": 50})
    assert not result.is_error, result.content
    made = result.structured_content["generate"]  # type: ignore[index]
    assert made["duration_s"] == seconds and made["exportable"]
    assert "2 to 180 seconds" in made["reply"] and asked in made["reply"]


async def test_emoji_rtl_and_cjk_text_renders_a_real_video(studio: Settings) -> None:
    title = "🎬 مرحبا שלום 你好 ✨"
    async with serving(studio) as (_, server), Client(server) as client:
        made = await client.call_tool(
            "generate_video", {"request": f"a 2-second video with the title '{title}'", "wait_s": 50}
        )
        assert not made.is_error, made.content
        assert title in made.structured_content["generate"]["summary"]  # type: ignore[index]
        out = await client.call_tool("export_video", {"height": 90, "quality": "draft", "wait_s": 50})
        while not out.is_error and out.structured_content["status"] == "running":  # type: ignore[index]
            job_id = out.structured_content["job_id"]  # type: ignore[index]
            out = await client.call_tool("job_status", {"job_id": job_id, "wait_s": 50})
        assert not out.is_error, out.content
        for text in ("👋🏽 مرحبا", "שלום עולם", "夏季促销 🌞", "émoji ✨ café"):  # planner and replies
            reply = await client.call_tool("generate_video", {"request": f"add the caption '{text}'"})
            assert not reply.is_error, reply.content
    video = Path(out.structured_content["export"]["path"])  # type: ignore[index]
    info = await probe(video, locate(studio))
    assert video.is_file() and (info.height, info.video_codec) == (90, "h264")
    assert info.duration_s is not None and abs(info.duration_s - 2.0) < 0.2
    assert temporaries(studio.data_dir, studio.output_dir) == []


# ---------------------------------------------------------------- the CLI


@pytest.fixture(scope="module")
def cli_studio(tmp_path_factory: pytest.TempPathFactory, bad: dict[str, Path]) -> Iterator[Settings]:
    """One seeded CLI home (a photo and a draft, no render) shared by the CLI cases."""
    root = tmp_path_factory.mktemp("cli")
    settings = Settings.from_env(
        {},
        home=root / "home",
        data_dir=root / "data",
        config_dir=root / "config",
        output_dir=root / "out",
        media_dirs=(bad["inside"],),
    )
    seeded = cli(settings, root, "chat", "--json", stdin=f"upload {bad['good.jpg']}\n{SEED}\nexit\n")
    replies = [json.loads(line) for line in seeded.stdout.splitlines() if line.strip()]
    assert [r["ok"] for r in replies] == [True, True], seeded.stdout + seeded.stderr
    yield settings


def cli(settings: Settings, cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN), *args],
        cwd=cwd,
        env=settings_env(settings),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


CLI_CASES: list[tuple[str, Callable[[dict[str, Path]], list[str]], str]] = [
    ("corrupt-jpeg", lambda f: ["upload", str(f["corrupt.jpg"])], "unsupported_media"),
    ("empty-file", lambda f: ["upload", str(f["empty.png"])], "unsupported_media"),
    ("truncated-mp4", lambda f: ["upload", str(f["truncated.mp4"])], "unsupported_media"),
    ("text-renamed-mp4", lambda f: ["upload", str(f["notes.mp4"])], "unsupported_media"),
    ("oversize-201mb", lambda f: ["upload", str(f["huge.mp4"])], "media_too_large"),
    ("type-exe", lambda f: ["upload", str(f["setup.exe"])], "unsupported_media"),
    ("directory", lambda f: ["upload", str(f["folder.jpg"])], "media_not_found"),
    ("missing-file", lambda f: ["upload", str(f["missing.jpg"])], "media_not_found"),
    ("url-link-local", lambda f: ["upload", "http://169.254.169.254/latest/meta-data/"], "url_not_allowed"),
    ("url-loopback", lambda f: ["upload", "http://[::1]:8765/a.jpg"], "url_not_allowed"),
    ("url-scheme-ftp", lambda f: ["upload", "ftp://example.com/a.jpg"], "url_not_allowed"),
    ("url-scheme-file", lambda f: ["upload", "file:///etc/passwd"], "url_not_allowed"),
    ("height-10", lambda f: ["export", "--height", "10"], "invalid_input"),
    ("height-100000", lambda f: ["export", "--height", "100000"], "invalid_input"),
    ("filename-dotdot", lambda f: ["export", "--output", ".."], "invalid_input"),
    ("unknown-job", lambda f: ["jobs", "job-does-not-exist"], "unknown_job"),
    ("huge-request-100kb", lambda f: ["generate", "x" * 100_000], "invalid_input"),
    (
        "generate-with-bad-media",
        lambda f: ["generate", "make a video", "--media", str(f["corrupt.jpg"])],
        "unsupported_media",
    ),
]


@pytest.mark.parametrize(("argv", "code"), [pytest.param(*c[1:], id=c[0]) for c in CLI_CASES])
def test_cli_refuses_bad_input_in_one_line_and_changes_nothing(
    cli_studio: Settings, bad: dict[str, Path], argv: Callable[[dict[str, Path]], list[str]], code: str
) -> None:
    before = Snapshot.take(cli_studio)
    result = cli(cli_studio, bad["inside"], *argv(bad))
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error [{code}]: ") and " — " in lines[0], result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    if cli_studio.output_dir.exists():
        assert not any(cli_studio.output_dir.glob("*.mp4"))
    # `generate` opens a fresh session before it reads its media; the seeded one must be untouched.
    assert Snapshot.take(cli_studio).of_sessions(before.sessions) == before
    assert temporaries(cli_studio.data_dir, cli_studio.output_dir) == []


@pytest.mark.parametrize(
    "argv",
    [["export", "--format", "avi"], ["export", "--height", "tall"], ["jobs", "--wait", "--cancel", "x"]],
    ids=["enum", "int", "exclusive"],
)
def test_cli_wrong_argument_types_are_usage_errors(cli_studio: Settings, argv: list[str]) -> None:
    before = Snapshot.take(cli_studio)
    result = cli(cli_studio, cli_studio.data_dir.parent, *argv)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("nemo-video ")  # argparse's "prog cmd: error: …"
    assert "error:" in result.stderr
    assert Snapshot.take(cli_studio) == before


def test_cli_json_errors_carry_the_code_and_the_hint(cli_studio: Settings, bad: dict[str, Path]) -> None:
    result = cli(cli_studio, bad["inside"], "upload", str(bad["truncated.mp4"]), "--json")
    payload = json.loads(result.stdout)
    assert result.returncode == 2 and payload["ok"] is False
    assert payload["error"]["code"] == "unsupported_media" and "again" in payload["error"]["hint"]
