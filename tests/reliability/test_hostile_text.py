"""Hostile text through the MCP tools: control characters, broken Unicode, huge ids and file names.

A request's control characters are dropped at the service's door (a NUL in a title used to poison the
session: every export then failed with ``internal`` "embedded null byte"); echoed values are shortened
(a 1 MB job id came back in a 2 MB error); an export name is cut to fit the 255-byte file-name limit
with room for its temporaries (120 CJK characters made a 360-byte name that could not be created).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mcp import Client
from nemo_video.config import Settings
from tests.mcp.conftest import serving
from tests.reliability.hostile import ACCEPTED, REFUSED, assert_cli_verdict, assert_mcp_verdict, run_cli

TITLE = "a 2-second video with the title '{}'"
MB = 1024 * 1024

# (id, title text put in a request, what the summary must show instead)
TITLE_CASES: list[tuple[str, str, str]] = [
    ("nul", "A\x00B", "AB"),
    ("many-nuls", "\x00A\x00\x00B\x00", "AB"),
    ("ansi-escape", "\x1b[31mRed\x1b[0m", "[31mRed[0m"),
    ("bell-backspace", "Be\x07ll\x08", "Bell"),
    ("delete-char", "De\x7fl", "Del"),
    ("c1-controls", "C\x85\x9b1", "C1"),
    ("lone-surrogate", "Sur\ud800rogate", "Sur\ufffdrogate"),
    ("reversed-pair", "X\udc00\ud800Y", "X\ufffd\ufffdY"),
    ("vertical-tab-form-feed", "V\x0bT\x0cF", "VTF"),
]
# (id, title, expected in the summary) for Unicode that is odd but valid: kept as it is
KEPT_CASES: list[tuple[str, str]] = [
    ("bidi-override", "\u202eevil\u202c"),
    ("zero-width", "Zero\u200bWidth\u200d"),
    ("combining-marks", "Z\u0351\u0352\u0353algo"),
    ("emoji-sequence", "👩\u200d👩\u200d👧\u200d👦"),
]
# (id, tool, arguments, verdict, code)
CALL_CASES: list[tuple[str, str, dict[str, Any], str, str | None]] = [
    ("only-control-chars", "generate_video", {"request": "\x00\x01\x02\x1b", "wait_s": 30}, REFUSED, "invalid_input"),
    ("nul-ask", "ask", {"text": "what is the st\x00ate?"}, ACCEPTED, None),
    ("surrogate-ask", "ask", {"text": "credits\udfff"}, ACCEPTED, None),
    ("huge-job-id-1mb", "job_status", {"job_id": "j" * MB, "wait_s": 0}, REFUSED, "unknown_job"),
    ("huge-job-id-spaced", "job_status", {"job_id": "job " * 250_000, "wait_s": 0}, REFUSED, "unknown_job"),
    ("huge-cancel-id", "cancel_job", {"job_id": "c" * MB}, REFUSED, "unknown_job"),
    ("nul-job-id", "job_status", {"job_id": "job\x00id", "wait_s": 0}, REFUSED, "unknown_job"),
    ("escape-job-id", "job_status", {"job_id": "\x1b]0;pwned\x07", "wait_s": 0}, REFUSED, "unknown_job"),
    ("surrogate-job-id", "cancel_job", {"job_id": "\ud83d"}, REFUSED, "unknown_job"),
    (
        "huge-request-with-nuls",
        "generate_video",
        {"request": "\x00" * 30_000 + "x" * 20_001, "wait_s": 1},
        REFUSED,
        "invalid_input",
    ),
    ("huge-path-echo", "upload_media", {"paths": ["/" + "p" * MB]}, REFUSED, "path_too_long"),
    ("huge-url-echo", "upload_media", {"urls": ["http://10.0.0.1/" + "u" * MB]}, REFUSED, "url_not_allowed"),
]
# (id, a title text set by edit_video, verdict, code, what the summary must show)
EDIT_CASES: list[tuple[str, str, str, str | None, str]] = [
    ("edit-nul-title", "Ed\x00it", REFUSED, "invalid_input", ""),
    ("edit-escape-title", "\x1b[1mBold", REFUSED, "invalid_input", ""),
    ("edit-surrogate-title", "Half\udc00", ACCEPTED, None, "Half\ufffd"),
    ("edit-only-controls", "\x00\x07", REFUSED, "invalid_input", ""),
]
# (id, requested file name, verdict, code): an export of the seeded draft
NAME_CASES: list[tuple[str, str, str, str | None]] = [
    ("cjk-120", "视" * 120, ACCEPTED, None),
    ("emoji-only-100", "🎬" * 100, REFUSED, "invalid_input"),  # no letter or digit survives
    ("cjk-and-emoji-60", "视频🎬" * 60, ACCEPTED, None),
    ("latin-1000", "n" * 1000, ACCEPTED, None),
    ("nul-in-name", "launch\x00video", ACCEPTED, None),
    ("escape-in-name", "\x1b[2Jlaunch", ACCEPTED, None),
    ("only-controls", "\x00\x01\x02", REFUSED, "invalid_input"),
    ("surrogate-name", "clip\ud800", ACCEPTED, None),
]


async def export(client: Client, **args: Any) -> Any:
    return await client.call_tool("export_video", {"height": 90, "quality": "draft", "wait_s": 50, **args})


@pytest.mark.parametrize(("title", "shown"), [pytest.param(c[1], c[2], id=c[0]) for c in TITLE_CASES])
async def test_control_characters_in_a_title_are_dropped_and_the_video_exports(
    settings: Settings, title: str, shown: str
) -> None:
    async with serving(settings) as (_, server), Client(server) as client:
        made = await client.call_tool("generate_video", {"request": TITLE.format(title), "wait_s": 50})
        assert_mcp_verdict(made, ACCEPTED)
        assert shown in made.structured_content["generate"]["summary"]  # type: ignore[index]
        exported = await export(client)
    assert_mcp_verdict(exported, ACCEPTED)
    assert exported.structured_content["status"] == "completed", exported.structured_content  # type: ignore[index]
    assert len(list(settings.output_dir.glob("*.mp4"))) == 1


@pytest.mark.parametrize("title", [pytest.param(c[1], id=c[0]) for c in KEPT_CASES])
async def test_odd_but_valid_unicode_is_kept(settings: Settings, title: str) -> None:
    async with serving(settings) as (_, server), Client(server) as client:
        made = await client.call_tool("generate_video", {"request": TITLE.format(title), "wait_s": 50})
    assert_mcp_verdict(made, ACCEPTED)
    assert title in made.structured_content["generate"]["summary"]  # type: ignore[index]


@pytest.mark.parametrize(("tool", "args", "verdict", "code"), [pytest.param(*c[1:], id=c[0]) for c in CALL_CASES])
async def test_hostile_text_arguments(
    settings: Settings, tool: str, args: dict[str, Any], verdict: str, code: str | None
) -> None:
    async with serving(settings) as (_, server), Client(server) as client:
        result = await client.call_tool(tool, args)
    assert_mcp_verdict(result, verdict, code)


@pytest.mark.parametrize(("name", "verdict", "code"), [pytest.param(*c[1:], id=c[0]) for c in NAME_CASES])
async def test_hostile_export_names(settings: Settings, name: str, verdict: str, code: str | None) -> None:
    async with serving(settings) as (_, server), Client(server) as client:
        made = await client.call_tool("generate_video", {"request": TITLE.format("Name"), "wait_s": 50})
        assert_mcp_verdict(made, ACCEPTED)
        result = await export(client, filename=name)
    assert_mcp_verdict(result, verdict, code)
    files = sorted(settings.output_dir.glob("*.mp4")) if settings.output_dir.exists() else []
    if verdict == REFUSED:
        assert files == []
        return
    assert result.structured_content["status"] == "completed", result.structured_content  # type: ignore[index]
    (video,) = files
    assert len(video.name.encode()) <= 255 and video.stat().st_size > 0
    assert Path(result.structured_content["export"]["path"]) == video  # type: ignore[index]
    assert not [p for p in settings.output_dir.iterdir() if "partial" in p.name or p.name.startswith(".")]


@pytest.mark.parametrize(("title", "verdict", "code", "shown"), [pytest.param(*c[1:], id=c[0]) for c in EDIT_CASES])
async def test_hostile_titles_through_edit_video(
    settings: Settings, title: str, verdict: str, code: str | None, shown: str
) -> None:
    async with serving(settings) as (_, server), Client(server) as client:
        made = await client.call_tool("generate_video", {"request": TITLE.format("Before"), "wait_s": 50})
        assert_mcp_verdict(made, ACCEPTED)
        edited = await client.call_tool(
            "edit_video", {"operations": [{"op": "set_text", "role": "title", "text": title}], "wait_s": 50}
        )
        assert_mcp_verdict(edited, verdict, code)
        if verdict == REFUSED:
            return
        state = await client.call_tool("get_state", {})
        assert shown in state.structured_content["summary"]  # type: ignore[index]
        exported = await export(client)
    assert_mcp_verdict(exported, ACCEPTED)
    assert exported.structured_content["status"] == "completed", exported.structured_content  # type: ignore[index]


# (id, bytes given to ``nemo-video edit --ops -``, verdict, code)
OPS_CASES: list[tuple[str, bytes, str, str | None]] = [
    ("not-utf8", b"\xff\xfe[]", REFUSED, "invalid_input"),
    ("deep-nesting", b"[" * 100_000, REFUSED, "invalid_input"),
    ("raw-nul-in-json", b'[{"op":"set_text","role":"title","text":"a\x00b"}]', REFUSED, "invalid_input"),
    ("escaped-nul-title", b'[{"op":"set_text","role":"title","text":"Tit\\u0000le"}]', REFUSED, "invalid_input"),
    ("escaped-newline-title", b'[{"op":"set_text","role":"title","text":"Two\\nLines"}]', ACCEPTED, None),
    ("escaped-only-controls", b'[{"op":"set_text","role":"title","text":"\\u0000\\u001b"}]', REFUSED, "invalid_input"),
    ("bare-number", b"42", REFUSED, "invalid_input"),
]


@pytest.mark.parametrize(("stdin", "verdict", "code"), [pytest.param(*c[1:], id=c[0]) for c in OPS_CASES])
def test_hostile_operations_on_the_command_line(tmp_path: Path, stdin: bytes, verdict: str, code: str | None) -> None:
    if verdict == ACCEPTED:  # a refusal comes before anything is looked up: no video needed
        made = run_cli(tmp_path, "generate", TITLE.format("Ops"), "--height", "90", "--quality", "draft")
        assert_cli_verdict(made, ACCEPTED)
    result = run_cli(tmp_path, "edit", "--ops", "-", stdin=stdin)
    assert_cli_verdict(result, verdict, code)
    if verdict == ACCEPTED:
        assert b"Two" in run_cli(tmp_path, "state").stdout
