"""The install manifests: valid against their published schemas, in step with the package."""

from __future__ import annotations

import copy
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from scripts import gen_readme, sync_manifests

import nemo_video
from nemo_video.config import ENV_VARS

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "tests" / "fixtures" / "schemas"
MANIFEST = ROOT / "manifest"
REGISTRY_SCHEMA_URL = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def validator(schema_file: str) -> jsonschema.protocols.Validator:
    schema = load(SCHEMAS / schema_file)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def mcpb() -> jsonschema.protocols.Validator:
    return validator("mcpb-manifest-v0.3.schema.json")


@pytest.fixture(scope="module")
def registry() -> jsonschema.protocols.Validator:
    return validator("server.schema.2025-12-11.json")


@pytest.fixture(scope="module")
def pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def errors(v: jsonschema.protocols.Validator, doc: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in v.iter_errors(doc)]


# --- the schemas are the real ones, and they bite --------------------------------------------------


def test_schemas_are_the_published_versions(registry, mcpb):
    assert registry.schema["$id"] == REGISTRY_SCHEMA_URL
    assert registry.schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert mcpb.schema["properties"]["manifest_version"]["const"] == "0.3"
    assert mcpb.schema["$schema"] == "http://json-schema.org/draft-07/schema#"


def test_mcpb_schema_rejects_what_claude_desktop_would(mcpb):
    doc = load(MANIFEST / "manifest.json")
    no_author = {k: v for k, v in doc.items() if k != "author"}
    assert any("author" in e for e in errors(mcpb, no_author))
    bad_type = copy.deepcopy(doc)
    bad_type["server"]["type"] = "ruby"
    assert errors(mcpb, bad_type)
    bad_option = copy.deepcopy(doc)
    bad_option["user_config"]["output_dir"]["type"] = "folder"
    assert errors(mcpb, bad_option)


def test_registry_schema_rejects_a_bad_entry(registry):
    doc = load(MANIFEST / "server.json")
    assert errors(registry, {**doc, "name": "no-slash-here"})
    assert errors(registry, {**doc, "description": "x" * 101})
    no_transport = copy.deepcopy(doc)
    del no_transport["packages"][0]["transport"]
    assert errors(registry, no_transport)


# --- manifest.json (MCPB 0.3) ----------------------------------------------------------------------


def test_manifest_validates(mcpb):
    doc = load(MANIFEST / "manifest.json")
    assert errors(mcpb, doc) == []
    assert doc["manifest_version"] == "0.3"


def test_manifest_runs_the_stdio_server():
    server = load(MANIFEST / "manifest.json")["server"]
    assert server["type"] == "python"
    assert (ROOT / server["entry_point"]).is_file()
    config = server["mcp_config"]
    assert config["args"] == ["-m", "nemo_video.cli", "mcp"]
    module = server["entry_point"].removeprefix("server/").removesuffix("/__main__.py").replace("/", ".")
    assert module == config["args"][1]


def test_manifest_user_config():
    options = load(MANIFEST / "manifest.json")["user_config"]
    assert options["backend"]["type"] == "string" and options["backend"]["default"] == "local"
    assert options["nemo_token"]["sensitive"] is True
    assert options["output_dir"]["type"] == "directory"
    assert not any(o.get("required") for o in options.values()), "everything must stay optional"


def test_manifest_env_uses_only_known_variables_and_options():
    config = load(MANIFEST / "manifest.json")["server"]["mcp_config"]
    options = set(load(MANIFEST / "manifest.json")["user_config"])
    envs = [config["env"], *(o["env"] for o in config["platform_overrides"].values())]
    for env in envs:
        for name, value in env.items():
            assert name in ENV_VARS or name.startswith("PYTHON"), name
            for ref in re.findall(r"\$\{user_config\.([^}]+)\}", value):
                assert ref in options, f"{name} refers to unknown option {ref}"
        assert env["PYTHONPATH"].startswith("${__dirname}/server")
    assert {k for k in config["env"] if k.startswith("NEMO_")} == {
        "NEMO_BACKEND",
        "NEMO_TOKEN",
        "NEMO_OUTPUT_DIR",
        "NEMO_MEDIA_DIRS",
    }


async def test_manifest_lists_the_live_server_tools():
    listed = load(MANIFEST / "manifest.json")["tools"]
    assert [t["name"] for t in listed] == [t.name for t in await gen_readme.live_tools()]
    assert all(t["description"] for t in listed)


# --- server.json (MCP Registry) --------------------------------------------------------------------


def test_server_json_validates(registry):
    doc = load(MANIFEST / "server.json")
    assert errors(registry, doc) == []
    assert doc["$schema"] == REGISTRY_SCHEMA_URL


def test_server_json_describes_the_pypi_package(pyproject):
    doc = load(MANIFEST / "server.json")
    (package,) = doc["packages"]
    assert package["registryType"] == "pypi"
    assert package["identifier"] == pyproject["project"]["name"] == "nemo-video-mcp"
    assert package["transport"] == {"type": "stdio"}
    assert [a.get("value") for a in package["packageArguments"]] == ["mcp"]


def test_server_json_env_vars_match_the_settings():
    (package,) = load(MANIFEST / "server.json")["packages"]
    env = {e["name"]: e for e in package["environmentVariables"]}
    assert list(env) == list(ENV_VARS)
    assert env["NEMO_TOKEN"]["isSecret"] is True
    assert [n for n, e in env.items() if e["isSecret"]] == ["NEMO_TOKEN", "NEMO_MCP_TOKEN"]  # tokens only
    assert all(e["isRequired"] is False for e in env.values())
    assert env["NEMO_BACKEND"]["default"] == "local"
    assert env["NEMO_BACKEND"]["choices"] == ["local", "cloud"]
    assert all(e["description"] == ENV_VARS[n] for n, e in env.items())


def test_readme_carries_the_registry_ownership_marker():
    name = load(MANIFEST / "server.json")["name"]
    assert f"mcp-name: {name}" in (ROOT / "README.md").read_text(encoding="utf-8")


# --- versions agree everywhere -----------------------------------------------------------------------


def test_every_version_string_is_the_package_version(pyproject):
    version = nemo_video.__version__
    assert pyproject["project"]["version"] == version
    skill_front = (ROOT / "SKILL.md").read_text(encoding="utf-8").split("---")[1]
    assert re.search(rf"^version:\s*{re.escape(version)}\s*$", skill_front, re.M)
    assert load(MANIFEST / "manifest.json")["version"] == version
    server = load(MANIFEST / "server.json")
    assert server["version"] == version
    assert [p["version"] for p in server["packages"]] == [version]


def test_sync_script_finds_nothing_to_change():
    expected = sync_manifests.expected_files(nemo_video.__version__, ENV_VARS)
    stale = [path.name for path, text in expected.items() if path.read_text(encoding="utf-8") != text]
    assert stale == []


def test_sync_script_rewrites_versions():
    doc = load(MANIFEST / "server.json")
    moved = sync_manifests.synced_server_json(doc, "9.8.7", {"NEMO_TOKEN": "t", "NEMO_X": "x"})
    assert moved["version"] == "9.8.7" and moved["packages"][0]["version"] == "9.8.7"
    assert [e["name"] for e in moved["packages"][0]["environmentVariables"]] == ["NEMO_TOKEN", "NEMO_X"]
    assert doc["version"] == nemo_video.__version__, "the input must not be modified"
    skill = sync_manifests.synced_skill("---\nname: x\nversion: 0.0.1\n---\nversion: keep\n", "9.8.7")
    assert skill == "---\nname: x\nversion: 9.8.7\n---\nversion: keep\n"
    with pytest.raises(ValueError):
        sync_manifests.synced_skill("# no frontmatter\n", "1.0.0")


# --- host config examples ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["claude_desktop_config.json", "cursor-mcp.json"])
def test_host_config_names_an_installed_command(name, pyproject):
    servers = load(MANIFEST / name)["mcpServers"]
    entry = servers["nemo-video"]
    assert entry["command"] in pyproject["project"]["scripts"]
    assert entry["args"] == ["mcp"]
    assert set(entry.get("env", {})) <= set(ENV_VARS)
    target = pyproject["project"]["scripts"][entry["command"]]
    assert target == "nemo_video.cli:main"


def test_mcp_is_a_cli_command():
    from nemo_video.cli import build_parser

    parser = build_parser()
    assert parser.parse_args(["mcp"]).command == "mcp"
