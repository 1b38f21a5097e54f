"""Keep the install manifests in step with the package.

Writes what can be derived from the code, so nobody copies it by hand:

- the version (``nemo_video.__version__``) into ``SKILL.md``, ``manifest/manifest.json`` and
  ``manifest/server.json`` (the entry and its PyPI package);
- ``manifest/server.json``'s environment variables, from ``nemo_video.config.ENV_VARS``.

Usage::

    python scripts/sync_manifests.py           # rewrite the files in place
    python scripts/sync_manifests.py --check   # exit 1 (naming the files) when any is stale
"""

from __future__ import annotations

import argparse
import copy
import json
import logging
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SKILL_MD = ROOT / "SKILL.md"
MANIFEST = ROOT / "manifest" / "manifest.json"
SERVER_JSON = ROOT / "manifest" / "server.json"

PYPI_PACKAGE = "nemo-video-mcp"
SECRET_VARS = frozenset({"NEMO_TOKEN", "NEMO_MCP_TOKEN"})
# Fixed choices a registry client can offer as a picker; everything else is free text.
CHOICES: Mapping[str, tuple[str, ...]] = {"NEMO_BACKEND": ("local", "cloud")}
DEFAULTS: Mapping[str, str] = {"NEMO_BACKEND": "local"}

logger = logging.getLogger("sync_manifests")


def env_entries(env_vars: Mapping[str, str]) -> list[dict[str, Any]]:
    """server.json ``environmentVariables``: every documented variable, optional, secrets marked."""
    entries = []
    for name, text in env_vars.items():
        entry: dict[str, Any] = {
            "name": name,
            "description": text,
            "isRequired": False,
            "isSecret": name in SECRET_VARS,
            "format": "string",
        }
        if name in DEFAULTS:
            entry["default"] = DEFAULTS[name]
        if name in CHOICES:
            entry["choices"] = list(CHOICES[name])
        entries.append(entry)
    return entries


def synced_server_json(doc: Mapping[str, Any], version: str, env_vars: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = copy.deepcopy(dict(doc))
    out["version"] = version
    for package in out.get("packages", []):
        if package.get("registryType") == "pypi" and package.get("identifier") == PYPI_PACKAGE:
            package["version"] = version
            package["environmentVariables"] = env_entries(env_vars)
    return out


def synced_manifest(doc: Mapping[str, Any], version: str) -> dict[str, Any]:
    out: dict[str, Any] = copy.deepcopy(dict(doc))
    out["version"] = version
    return out


def synced_skill(text: str, version: str) -> str:
    """SKILL.md with the frontmatter's ``version:`` line set (the frontmatter must come first)."""
    if not text.startswith("---\n"):
        raise ValueError("SKILL.md must start with its --- frontmatter")
    end = text.index("\n---", 4)
    front = re.sub(r"(?m)^version:.*$", f"version: {version}", text[:end], count=1)
    return front + text[end:]


def dump(doc: Mapping[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def expected_files(version: str, env_vars: Mapping[str, str]) -> dict[Path, str]:
    """What each file should contain; the key is the file's path."""
    return {
        SKILL_MD: synced_skill(SKILL_MD.read_text(encoding="utf-8"), version),
        MANIFEST: dump(synced_manifest(_load(MANIFEST), version)),
        SERVER_JSON: dump(synced_server_json(_load(SERVER_JSON), version, env_vars)),
    }


def _load(path: Path) -> dict[str, Any]:
    value = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(value, dict):
        raise ValueError(f"{path} must hold a JSON object")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Sync versions and env vars into the manifests.")
    parser.add_argument("--check", action="store_true", help="fail if any file is out of date")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)

    from nemo_video import __version__
    from nemo_video.config import ENV_VARS

    stale = [
        path for path, text in expected_files(__version__, ENV_VARS).items() if path.read_text(encoding="utf-8") != text
    ]
    if args.check:
        for path in stale:
            logger.error("%s is stale: run python scripts/sync_manifests.py", path.relative_to(ROOT))
        return 1 if stale else 0
    for path, text in expected_files(__version__, ENV_VARS).items():
        if path in stale:
            path.write_text(text, encoding="utf-8")
            logger.info("updated %s", path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
