"""Regenerate the marked sections of README.md from the code itself.

- ``tools``: the tools reference, from the tool list of the live MCP server (built in-process and
  listed through the SDK's in-memory ``Client``, exactly as a host would see it);
- ``config``: the configuration table, from ``nemo_video.config.ENV_VARS``.

Usage::

    python scripts/gen_readme.py            # rewrite README.md in place
    python scripts/gen_readme.py --check    # exit 1 (and say which section) when README.md is stale

A section lives between ``<!-- BEGIN name ... -->`` and ``<!-- END name -->``; everything else in
the README is written by hand.
"""

from __future__ import annotations

import argparse
import inspect
import logging
import re
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import anyio

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
GENERATOR = "scripts/gen_readme.py"

logger = logging.getLogger("gen_readme")


# --- markers -----------------------------------------------------------------------------------


def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- BEGIN {re.escape(name)}\b[^>]*-->\n)(.*?)(<!-- END {re.escape(name)} -->)", re.S)


def section(text: str, name: str) -> str:
    """The body of section ``name`` (between its markers)."""
    match = _pattern(name).search(text)
    if match is None:
        raise ValueError(f"README has no section {name!r}: add <!-- BEGIN {name} --> ... <!-- END {name} -->")
    return match.group(2)


def replace_section(text: str, name: str, body: str) -> str:
    """``text`` with the body of section ``name`` replaced by ``body`` (markers kept)."""
    section(text, name)  # raises with a useful message when the markers are missing
    body = body if body.endswith("\n") else body + "\n"
    return _pattern(name).sub(lambda m: m.group(1) + body + m.group(3), text, count=1)


# --- configuration table -----------------------------------------------------------------------


def render_config(env_vars: Mapping[str, str]) -> str:
    lines = ["| Variable | What it does |", "|---|---|"]
    lines += [f"| `{name}` | {_cell(text)} |" for name, text in env_vars.items()]
    return "\n".join(lines) + "\n"


# --- tools reference ---------------------------------------------------------------------------


def render_tools(tools: Sequence[Any]) -> str:
    """Markdown for a list of ``mcp.types.Tool``: an index table, then one block per tool."""
    out = ["| Tool | What it does |", "|---|---|"]
    out += [f"| `{t.name}` | {_cell(t.title or _first_sentence(t.description))} |" for t in tools]
    for tool in tools:
        out += ["", *_render_tool(tool)]
    return "\n".join(out) + "\n"


def _render_tool(tool: Any) -> list[str]:
    title = f" — {tool.title}" if getattr(tool, "title", None) else ""
    lines = [f"#### `{tool.name}`{title}", ""]
    if tool.description:
        lines += [_unindent(tool.description), ""]
    hints = _annotation_words(tool.annotations)
    if hints:
        lines += [f"*{', '.join(hints)}*", ""]
    params = _parameters(tool.input_schema or {})
    if params:
        lines += ["| Parameter | Type | Required | Description |", "|---|---|---|---|", *params]
    else:
        lines += ["No parameters."]
    return lines


def _parameters(schema: Mapping[str, Any]) -> list[str]:
    required = set(schema.get("required", ()))
    rows = []
    for name, prop in (schema.get("properties") or {}).items():
        text = _description(prop)
        if "default" in prop and prop["default"] is not None:
            text = f"{text} (default: `{_json(prop['default'])}`)".strip()
        rows.append(
            f"| `{name}` | {_cell(_type_of(prop, schema))} | {'yes' if name in required else 'no'} | {_cell(text)} |"
        )
    return rows


def _description(prop: Mapping[str, Any]) -> str:
    """A property's description; for an optional value pydantic puts it on the non-null branch."""
    if prop.get("description"):
        return str(prop["description"])
    branches = [*prop.get("anyOf", ()), *prop.get("oneOf", ())]
    return next((str(b["description"]) for b in branches if b.get("description")), "")


def _type_of(prop: Mapping[str, Any], root: Mapping[str, Any]) -> str:
    if "$ref" in prop:
        return _type_of(_resolve(prop["$ref"], root), root)
    if "enum" in prop:
        return " | ".join(f"`{_json(v)}`" for v in prop["enum"])
    if "const" in prop:
        return f"`{_json(prop['const'])}`"
    for key in ("anyOf", "oneOf"):
        if key in prop:
            kinds = [_type_of(p, root) for p in prop[key]]
            return " | ".join(dict.fromkeys(kinds))
    kind = prop.get("type", "any")
    if isinstance(kind, list):
        return " | ".join(kind)
    if kind == "array":
        return f"array of {_type_of(prop.get('items') or {}, root)}"
    return str(kind)


def _resolve(ref: str, root: Mapping[str, Any]) -> Mapping[str, Any]:
    node: Any = root
    for part in ref.removeprefix("#/").split("/"):
        node = node.get(part, {}) if isinstance(node, Mapping) else {}
    return node if isinstance(node, Mapping) else {}


def _annotation_words(annotations: Any) -> list[str]:
    if annotations is None:
        return []
    words = []
    if annotations.read_only_hint:
        words.append("read-only")
    if annotations.destructive_hint:
        words.append("destructive")
    if annotations.idempotent_hint:
        words.append("idempotent")
    if annotations.open_world_hint:
        words.append("may reach the network")
    return words


def _first_sentence(text: str | None) -> str:
    text = " ".join((text or "").split())
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    return match.group(1) if match else text


def _unindent(text: str) -> str:
    return inspect.cleandoc(text)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


# --- the live server ---------------------------------------------------------------------------


async def live_tools() -> list[Any]:
    """The tool list of the real MCP server, through the SDK's in-memory client.

    The server is built with settings whose folders live in a temporary directory, so listing its
    tools touches nothing of the user's.
    """
    from nemo_video.config import Settings
    from nemo_video.mcp.server import build_server
    from nemo_video.service import VideoService

    with tempfile.TemporaryDirectory(prefix="nemo-video-readme-") as tmp:
        base = Path(tmp)
        settings = Settings.from_env(
            {},
            home=base / "home",
            data_dir=base / "data",
            config_dir=base / "config",
            output_dir=base / "out",
        )
        async with VideoService(settings) as service:
            return await list_tools_of(build_server(service))


async def list_tools_of(server: Any) -> list[Any]:
    """Every tool an in-memory ``mcp.Client`` sees on ``server`` (an ``MCPServer``), page by page."""
    from mcp import Client

    tools: list[Any] = []
    async with Client(server) as client:
        cursor: str | None = None
        while True:
            page = await client.list_tools(cursor=cursor)
            tools += page.tools
            cursor = page.next_cursor
            if cursor is None:
                return tools


def render_readme(text: str, tools: Sequence[Any], env_vars: Mapping[str, str]) -> str:
    text = replace_section(text, "tools", render_tools(tools))
    return replace_section(text, "config", render_config(env_vars))


def stale_sections(current: str, expected: str) -> list[str]:
    return [name for name in ("tools", "config") if section(current, name) != section(expected, name)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regenerate README.md's generated sections.")
    parser.add_argument("--check", action="store_true", help="fail if README.md is out of date")
    parser.add_argument("--readme", type=Path, default=README)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)

    from nemo_video.config import ENV_VARS

    current = args.readme.read_text(encoding="utf-8")
    expected = render_readme(current, anyio.run(live_tools), ENV_VARS)
    if args.check:
        stale = stale_sections(current, expected)
        if stale:
            logger.error("README.md is stale (%s): run python %s", ", ".join(stale), GENERATOR)
            return 1
        logger.info("README.md is up to date")
        return 0
    if expected != current:
        args.readme.write_text(expected, encoding="utf-8")
        logger.info("README.md updated")
    else:
        logger.info("README.md already up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
