"""README.md: its generated sections are current, its commands are real, and the generator works."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Annotated

import pytest
from mcp.server.mcpserver import MCPServer
from mcp_types import ToolAnnotations
from pydantic import Field
from scripts import gen_readme

from nemo_video.cli import build_parser
from nemo_video.config import ENV_VARS

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


# --- the README as shipped ----------------------------------------------------------------------------


def test_quick_start_commands_are_exact():
    # .ci/run executes the test command verbatim; the render command is what a newcomer types first.
    assert '```bash\npip install -e ".[test]" && pytest\n```' in README
    assert "```bash\npip install -e . && nemo-video demo\n```" in README
    assert 'pip install -e ".[test]" && pytest' in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_demo_image_marker_is_in_place():
    assert README.count("<!-- demo-image -->") == 1


def test_configuration_table_is_current():
    assert gen_readme.section(README, "config") == gen_readme.render_config(ENV_VARS)
    for name in ENV_VARS:
        assert f"| `{name}` |" in README


async def test_tools_reference_matches_the_live_server():
    tools = await gen_readme.live_tools()
    assert {t.name for t in tools} >= {
        "generate_video",
        "upload_media",
        "get_credits",
        "get_state",
        "export_video",
        "job_status",
        "cancel_job",
        "ask",
    }
    assert gen_readme.section(README, "tools") == gen_readme.render_tools(tools), (
        "README tools section is stale: run python scripts/gen_readme.py"
    )


def _commands(text: str) -> list[list[str]]:
    """Every `nemo-video ...` command line shown in code (inline or fenced), split into words."""
    found = re.findall(r"`(nemo-video [^`\n]*)`", text)
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        for line in block.splitlines():
            parts = (part.strip() for part in line.split("#")[0].split("&&"))
            found += [part for part in parts if part.startswith("nemo-video ")]
    return [line.split() for line in found]


@pytest.mark.parametrize("doc", ["README.md", "SKILL.md"])
def test_every_cli_command_shown_is_a_real_command(doc):
    text = (ROOT / doc).read_text(encoding="utf-8")
    commands = {words[1] for words in _commands(text) if len(words) > 1 and words[1][0] not in "-<"}
    expected = (
        {"demo", "doctor", "generate", "chat", "mcp", "jobs"}
        if doc == "README.md"
        else {"chat", "export", "jobs", "credits", "state", "upload", "generate", "doctor"}
    )
    assert commands >= expected
    subcommands = _subcommands()
    assert commands <= set(subcommands), commands - set(subcommands)
    for words in _commands(text):
        if len(words) > 1 and words[1].startswith("<"):
            continue  # a placeholder such as `nemo-video <command> --json`
        flags = {w.split("=")[0] for w in words if w.startswith("--")}
        known = (
            {o for a in subcommands[words[1]]._actions for o in a.option_strings}
            if len(words) > 1 and (words[1] in subcommands)
            else {"--help", "--version"}
        )
        assert flags <= known, (words, flags - known)


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


# --- the generator -------------------------------------------------------------------------------------


async def _tool_list() -> list:
    server = MCPServer("t")

    async def export(
        format: Annotated[str, Field(description="mp4 or webm.")] = "mp4",
        height: Annotated[int | None, Field(description="Pixels | tall.")] = None,
        paths: Annotated[list[str], Field(description="Files.")] | None = None,
    ) -> str:
        """Render the video. Returns the path."""
        return format

    async def status(job_id: Annotated[str, Field(description="The job id.")]) -> str:
        return job_id

    server.add_tool(
        export,
        name="export",
        title="Export",
        annotations=ToolAnnotations(destructive_hint=False, open_world_hint=False),
    )
    server.add_tool(
        status,
        name="job_status",
        description="Wait on a job.\n\nCall again while running.",
        annotations=ToolAnnotations(read_only_hint=True, idempotent_hint=True),
    )
    return await gen_readme.list_tools_of(server)


async def test_render_tools_documents_names_parameters_and_hints():
    text = gen_readme.render_tools(await _tool_list())
    assert "| `export` | Export |" in text
    assert "| `job_status` | Wait on a job. |" in text
    assert "#### `export` — Export" in text
    assert '| `format` | string | no | mp4 or webm. (default: `"mp4"`) |' in text
    assert "| `height` | integer \\| null | no | Pixels \\| tall. |" in text
    assert "| `paths` | array of string \\| null | no | Files. |" in text
    assert "| `job_id` | string | yes | The job id. |" in text
    assert "Wait on a job.\n\nCall again while running." in text
    assert "*read-only, idempotent*" in text
    assert text.index("#### `export`") < text.index("#### `job_status`")


def test_replace_section_keeps_the_rest_and_needs_markers():
    text = "intro\n<!-- BEGIN tools (note) -->\nold\n<!-- END tools -->\noutro\n"
    new = gen_readme.replace_section(text, "tools", "new")
    assert new == "intro\n<!-- BEGIN tools (note) -->\nnew\n<!-- END tools -->\noutro\n"
    assert gen_readme.section(new, "tools") == "new\n"
    with pytest.raises(ValueError, match="config"):
        gen_readme.replace_section(text, "config", "x")


def test_check_mode_names_the_stale_section():
    current = "<!-- BEGIN tools -->\na\n<!-- END tools -->\n<!-- BEGIN config -->\nb\n<!-- END config -->\n"
    expected = gen_readme.replace_section(current, "config", "c")
    assert gen_readme.stale_sections(current, expected) == ["config"]
    assert gen_readme.stale_sections(current, current) == []
