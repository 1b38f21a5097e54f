"""TypeScript-SDK clients (what most hosts run) see the server's own error text, over stdio and HTTP.

The 1.x SDK validates any ``structuredContent`` against the tool's ``outputSchema`` even on an error
result, and used to throw a schema error instead of showing "Error [code] … Next step". Each case
starts the real server (``python -m nemo_video.mcp``, local backend, a fresh data dir) and runs the
real client under node 22: 1.x in 2025-11-25, 2.x in 2025-11-25 and 2026-07-28 (1.x cannot speak it).
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from nemo_video.config import Settings
from tests.mcp.error_cases import (
    BAD_PROMPTS,
    ERROR_META,
    INVALID_PARAMS,
    UNKNOWN_TOOL,
    check_error_text,
    check_unknown_tool_text,
    error_cases,
)
from tests.mcp.test_http import free_port
from tests.mcp.test_stdio import server_env
from tests.mcp.ts_client import TsClient, install

LEGACY, MODERN = "2025-11-25", "2026-07-28"
CLIENTS = [("sdk", LEGACY), ("client", LEGACY), ("client", MODERN)]


@pytest.fixture(scope="module")
def ts_client() -> TsClient:
    return install()


@pytest.fixture(scope="module")
def server_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ts-server")


@pytest.fixture(scope="module")
def local_settings(server_folder: Path) -> Settings:
    return Settings.from_env(
        {},
        home=server_folder / "home",
        data_dir=server_folder / "data",
        config_dir=server_folder / "config",
        output_dir=server_folder / "out",
        backend="local",
    )


@pytest.fixture(scope="module")
def http_url(local_settings: Settings, server_folder: Path) -> Iterator[str]:
    """``nemo-video mcp --http`` on loopback, shared by the HTTP cases (none of them changes anything)."""
    port = free_port()
    command = [str(Path(sys.executable).with_name("nemo-video")), "mcp", "--http", "--port", str(port)]
    with subprocess.Popen(
        command, cwd=server_folder, env=server_env(local_settings), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL
    ) as server:
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert server.poll() is None and time.monotonic() < deadline, "the HTTP server did not start"
                time.sleep(0.1)
            yield f"http://127.0.0.1:{port}/mcp"
        finally:
            server.terminate()
            server.wait(timeout=15)


def plan(package: str, era: str, server: dict[str, Any], missing: Path) -> dict[str, Any]:
    return {
        "package": package,
        "era": era,
        "server": server,
        "tools": [{"name": c.tool, "arguments": c.arguments} for c in error_cases(missing)]
        + [{"name": UNKNOWN_TOOL[0], "arguments": UNKNOWN_TOOL[1]}],
        "prompts": [{"name": name, "arguments": args} for name, args, _ in BAD_PROMPTS],
    }


def check(out: dict[str, Any], era: str, missing: Path) -> None:
    assert out["protocolVersion"] == era
    assert "export_video" in out["tools"]
    *calls, unknown = out["calls"]
    for case, call in zip(error_cases(missing), calls, strict=True):
        assert "error" not in call, f"the client threw instead of showing the error: {call}"
        result = call["result"]
        assert result["isError"] is True and "structuredContent" not in result, result
        check_error_text(case, result["content"][0]["text"])
        assert result["_meta"][ERROR_META]["code"] == case.code
    assert unknown["result"]["isError"] is True
    check_unknown_tool_text(unknown["result"]["content"][0]["text"])
    for (_, _, reason), prompt in zip(BAD_PROMPTS, out["prompts"], strict=True):
        assert "result" not in prompt, prompt
        assert prompt["error"]["code"] == INVALID_PARAMS and reason in prompt["error"]["message"], prompt


@pytest.mark.parametrize(("package", "era"), CLIENTS, ids=[f"{p}-{e}" for p, e in CLIENTS])
def test_ts_client_over_stdio_shows_the_error_text(
    ts_client: TsClient, local_settings: Settings, tmp_path: Path, package: str, era: str
) -> None:
    settings = local_settings.with_(data_dir=tmp_path / "data")  # a fresh, empty timeline
    server = {
        "command": sys.executable,
        "args": ["-m", "nemo_video.mcp"],
        "env": server_env(settings),
        "cwd": str(tmp_path),
    }
    missing = tmp_path / "missing.mp4"
    check(ts_client.run(plan(package, era, server, missing)), era, missing)


@pytest.mark.parametrize(("package", "era"), CLIENTS, ids=[f"{p}-{e}" for p, e in CLIENTS])
def test_ts_client_over_http_shows_the_error_text(
    ts_client: TsClient, http_url: str, server_folder: Path, package: str, era: str
) -> None:
    missing = server_folder / "missing.mp4"
    check(ts_client.run(plan(package, era, {"url": http_url}, missing)), era, missing)


def test_without_npm_the_ts_client_tests_skip_saying_how_to_get_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEMO_TEST_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    with pytest.raises(pytest.skip.Exception, match="npm is not installed") as skipped:
        install()
    assert "https://nodejs.org" in str(skipped.value) and str(tmp_path / "cache") in str(skipped.value)
