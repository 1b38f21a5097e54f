"""MCP benchmarks over a real stdio subprocess.

* cold start: spawn ``python -m nemo_video.mcp`` → initialize → tools/list (target ≤ 1.0 s);
* ``get_state`` round trip on a warm connection (target p50 ≤ 5 ms).

Raw JSON-RPC over the pipes (no client library in the timing path), a throw-away data dir, the
backend chosen with ``--backend`` (default local: no network). Run::

    /work/venv/bin/python bench/mcp_bench.py [--runs 5] [--calls 200] [--backend local]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import anyio
from anyio.abc import Process

INIT = {
    "jsonrpc": "2.0",
    "id": 0,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "0"}},
}
INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}


class Pipe:
    def __init__(self, proc: Process) -> None:
        self.proc = proc
        self.buffer = b""

    async def send(self, message: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        await self.proc.stdin.send((json.dumps(message) + "\n").encode())

    async def reply(self, request_id: int) -> dict[str, Any]:
        assert self.proc.stdout is not None
        while True:
            while b"\n" in self.buffer:
                line, self.buffer = self.buffer.split(b"\n", 1)
                message = json.loads(line)
                if message.get("id") == request_id:
                    return dict(message)
            self.buffer += await self.proc.stdout.receive()


# The SDK's own floor: the smallest MCPServer with one tool, served over stdio the same way.
BASELINE_SERVER = """
from mcp.server import MCPServer
server = MCPServer("baseline")

@server.tool()
def hello(name: str) -> str:
    return "hi " + name

server.run()
"""


def env_for(folder: Path, backend: str) -> dict[str, str]:
    env = {
        **os.environ,
        "NEMO_BACKEND": backend,
        "NEMO_DATA_DIR": str(folder / "data"),
        "NEMO_CONFIG_DIR": str(folder / "config"),
        "NEMO_OUTPUT_DIR": str(folder / "out"),
    }
    # A user's Python caches bytecode; some sandboxes switch that off, which would time compilation.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


async def cold_start(folder: Path, backend: str, baseline: bool = False) -> float:
    started = time.perf_counter()
    command = [sys.executable, "-c", BASELINE_SERVER] if baseline else [sys.executable, "-m", "nemo_video.mcp"]
    async with await anyio.open_process(command, env=env_for(folder, backend), stderr=None) as proc:
        pipe = Pipe(proc)
        await pipe.send(INIT)
        await pipe.reply(0)
        await pipe.send(INITIALIZED)
        await pipe.send({"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
        tools = await pipe.reply(1)
        elapsed = time.perf_counter() - started
        names = {t["name"] for t in tools["result"]["tools"]}
        expected = {"generate_video", "export_video", "edit_video", "get_state", "batch_videos"}
        assert len(names) == 1 if baseline else expected <= names, names
        assert proc.stdin is not None
        await proc.stdin.aclose()
        await proc.wait()
    return elapsed


async def round_trips(folder: Path, backend: str, calls: int) -> list[float]:
    command = [sys.executable, "-m", "nemo_video.mcp"]
    async with await anyio.open_process(command, env=env_for(folder, backend), stderr=None) as proc:
        pipe = Pipe(proc)
        await pipe.send(INIT)
        await pipe.reply(0)
        await pipe.send(INITIALIZED)
        timings: list[float] = []
        for i in range(calls + 5):
            started = time.perf_counter()
            await pipe.send(
                {
                    "jsonrpc": "2.0",
                    "id": 10 + i,
                    "method": "tools/call",
                    "params": {"name": "get_state", "arguments": {}},
                }
            )
            answer = await pipe.reply(10 + i)
            if i >= 5:  # the first calls open the session and warm caches
                timings.append(time.perf_counter() - started)
            assert not answer["result"].get("isError"), answer
        assert proc.stdin is not None
        await proc.stdin.aclose()
        await proc.wait()
    return timings


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--backend", default="local", choices=("local", "cloud"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        await cold_start(folder, args.backend)  # warm-up: writes bytecode caches, as any first run does
        await cold_start(folder, args.backend, baseline=True)
        starts, floors = [], []
        for _ in range(args.runs):  # interleaved, so both see the same machine load
            starts.append(await cold_start(folder, args.backend))
            floors.append(await cold_start(folder, args.backend, baseline=True))
        trips = await round_trips(folder, args.backend, args.calls)
    trips_ms = sorted(t * 1000 for t in trips)
    p95 = trips_ms[int(len(trips_ms) * 0.95) - 1]
    print(
        f"cold start (spawn → initialize → tools/list), {args.runs} runs: "
        f"median {statistics.median(starts):.3f} s, min {min(starts):.3f} s  (target ≤ 1.0 s); "
        f"SDK floor (one-tool MCPServer) median {statistics.median(floors):.3f} s, "
        f"ratio {statistics.median(starts) / statistics.median(floors):.2f}x"
    )
    print(
        f"get_state round trip over stdio, {len(trips_ms)} calls: "
        f"p50 {statistics.median(trips_ms):.2f} ms, p95 {p95:.2f} ms  (target p50 ≤ 5 ms)"
    )


if __name__ == "__main__":
    anyio.run(main)
