"""SKILL.md: a frontmatter ClawHub/OpenClaw can read, and a body that covers every tool and error."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from nemo_video import SKILL_NAME
from nemo_video.config import ENV_VARS
from nemo_video.errors import ErrorCode
from nemo_video.skill.intents import route

ROOT = Path(__file__).resolve().parents[2]
TEXT = (ROOT / "SKILL.md").read_text(encoding="utf-8")
FRONT, BODY = TEXT.removeprefix("---\n").split("\n---\n", 1)
TOOLS = (
    "generate_video",
    "upload_media",
    "get_credits",
    "get_state",
    "export_video",
    "job_status",
    "cancel_job",
    "ask",
)


def frontmatter() -> dict[str, str]:
    # OpenClaw reads single-line keys only, so every key must fit on its line.
    pairs = (line.split(":", 1) for line in FRONT.splitlines())
    return {key.strip(): value.strip() for key, value in pairs}


def test_frontmatter_comes_first_with_one_line_keys():
    assert TEXT.startswith("---\n")
    fields = frontmatter()
    assert fields["name"] == SKILL_NAME
    assert set(fields) >= {"name", "version", "description", "metadata"}
    assert 50 < len(fields["description"]) < 400


def test_openclaw_metadata():
    meta = json.loads(frontmatter()["metadata"])["openclaw"]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert meta["emoji"]
    assert meta["requires"]["bins"] == ["nemo-video"]
    assert set(meta["requires"]["bins"]) <= set(scripts)
    assert meta["primaryEnv"] == "NEMO_TOKEN" and meta["primaryEnv"] in ENV_VARS
    (install,) = meta["install"]
    assert install["package"] == "nemo-video-mcp" and install["bins"] == ["nemo-video"]


def test_every_tool_is_explained():
    for tool in TOOLS:
        assert f"`{tool}" in BODY, tool


def test_every_error_code_has_an_instruction():
    rows = dict(re.findall(r"(?m)^\| `([a-z_]+)` \| [^|]+ \| ([^|]+) \|$", BODY))
    rows.pop("code")  # the header row
    assert set(rows) == {code.value for code in ErrorCode}
    assert all(len(text.strip()) > 10 for text in rows.values())


def test_intent_table_agrees_with_the_router():
    # Each quoted phrase in a row of the table must route where the row says.
    section = BODY.split("## What the user says", 1)[1].split("\n## ", 1)[0]
    checked = 0
    for row in re.findall(r"(?m)^\| (.+?) \| (export|credits|state|upload|generate) \|", section):
        phrases, action = row
        for phrase in re.findall(r'"([^"…]+)"', phrases):
            assert route(phrase).action == action, (phrase, route(phrase))
            checked += 1
    assert checked >= 15


def test_long_job_pattern_is_taught():
    assert 'status: "running"' in BODY and "job_id" in BODY and "job_status(job_id" in BODY
    assert "Never re-send" in BODY
