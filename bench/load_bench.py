"""Load: N concurrent MCP clients over streamable HTTP against one ``nemo-video mcp --http`` process.

    python bench/load_bench.py [--clients 50] [--calls 20] [--render-every 10] [--deadline 900]

Starts the server as a subprocess (local backend, temporary data/output/config folders, a free
loopback port), runs ``clients`` MCP clients at once, each making ``calls`` calls: mostly
``get_state`` and ``get_credits``, and every ``render-every``-th call a tiny real video
(``generate_video`` of a 2-second clip, then ``export_video`` at 90 px, draft quality, each followed
through ``job_status`` to the end). Local renders run one at a time by design, so on a small machine
the render calls mostly measure the queue. Afterwards it stops the server and checks that no ffmpeg
process is left and no temporary file remains in the data or output folders.

Prints one JSON line (errors, latency percentiles per tool in ms, throughput) and exits 1 when there
was any error or leftover.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import anyio
import httpx

from mcp import Client

BIN = Path(sys.executable).parent / "nemo-video"
CALL_WAIT_S = 50  # the tools' own maximum: a render queued behind others hands back a job_id


class Tally:
    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.calls = 0
        self.renders = 0

    def summary(self) -> dict[str, dict[str, float]]:
        return {tool: percentiles(values) for tool, values in sorted(self.latency.items())}


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    cuts = statistics.quantiles(ordered, n=100, method="inclusive") if len(ordered) > 1 else ordered * 99

    def ms(v: float) -> float:
        return round(v * 1000, 1)

    return {"n": len(ordered), "p50": ms(cuts[49]), "p90": ms(cuts[89]), "p99": ms(cuts[98]), "max": ms(ordered[-1])}


async def call(client: Client, tally: Tally, tool: str, args: dict[str, Any]) -> dict[str, Any] | None:
    """One tool call, timed; a job left running is followed through job_status (timed as part of it)."""
    start = time.perf_counter()
    try:
        result = await client.call_tool(tool, args)
        tally.calls += 1
        while not result.is_error and (result.structured_content or {}).get("status") == "running":
            job_id = result.structured_content["job_id"]
            result = await client.call_tool("job_status", {"job_id": job_id, "wait_s": CALL_WAIT_S})
            tally.calls += 1
    except Exception as exc:  # the bench counts every failure instead of stopping at the first
        tally.errors.append(f"{tool}: {type(exc).__name__}: {exc}"[:300])
        return None
    tally.latency[tool].append(time.perf_counter() - start)
    if result.is_error:
        text = getattr(result.content[0], "text", "") if result.content else ""
        tally.errors.append(f"{tool}: {text}"[:300])
        return None
    out = result.structured_content or {}
    if out.get("status") not in (None, "completed"):
        tally.errors.append(f"{tool}: ended {out.get('status')}: {out.get('message')}"[:300])
        return None
    return out


async def client_run(base: str, index: int, calls: int, render_every: int, tally: Tally) -> None:
    async with Client(f"{base}/mcp") as client:
        for n in range(calls):
            if render_every and (index + n) % render_every == render_every - 1:
                made = await call(
                    client,
                    tally,
                    "generate_video",
                    {"request": f"a 2-second video with the title 'Load {index}-{n}'", "wait_s": CALL_WAIT_S},
                )
                if made is not None:
                    done = await call(
                        client,
                        tally,
                        "export_video",
                        {"height": 90, "quality": "draft", "filename": f"load-{index}-{n}", "wait_s": CALL_WAIT_S},
                    )
                    tally.renders += done is not None
            elif n % 2:
                await call(client, tally, "get_credits", {})
            else:
                await call(client, tally, "get_state", {})


# ---------------------------------------------------------------- the server and what it leaves


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(folder: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "NEMO_BACKEND": "local",
        "NEMO_DATA_DIR": str(folder / "data"),
        "NEMO_OUTPUT_DIR": str(folder / "out"),
        "NEMO_CONFIG_DIR": str(folder / "config"),
        "HOME": str(folder / "home"),
    }
    log = (folder / "server.log").open("wb")
    return subprocess.Popen(
        [str(BIN), "mcp", "--http", "--port", str(port)],
        env=env,
        cwd=folder,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )


async def wait_healthy(base: str, server: subprocess.Popen[bytes], timeout_s: float = 30) -> None:
    async with httpx.AsyncClient() as web:
        with anyio.fail_after(timeout_s):
            while True:
                if server.poll() is not None:
                    raise RuntimeError(f"the server exited with {server.returncode}")
                try:
                    if (await web.get(f"{base}/health")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await anyio.sleep(0.1)


def stop_server(server: subprocess.Popen[bytes]) -> int:
    server.send_signal(signal.SIGINT)
    try:
        return server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        return server.wait()


def ffmpeg_processes(marker: str) -> list[str]:
    """Live ffmpeg processes whose command line mentions ``marker`` (our temporary folder), from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if "ffmpeg" in cmdline and marker in cmdline and state != "Z":
            found.append(f"{entry.name}: {cmdline[:200]}")
    return found


def ffmpeg_children(pid: int) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z" and "ffmpeg" in cmdline:
            found.append(entry.name)
    return found


def leftovers(*folders: Path) -> list[str]:
    """Temporary files: staging folders, partial renders, hidden files, SQLite journals."""
    found = []
    for folder in folders:
        if folder.exists():
            found += [
                str(p.relative_to(folder.parent))
                for p in folder.rglob("*")
                if p.name.startswith(".")
                or "partial" in p.name
                or "incoming" in p.name
                or p.name.endswith(("-journal", ".tmp"))
            ]
    return sorted(found)


# ---------------------------------------------------------------- main


async def run(args: argparse.Namespace) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="nemo-load-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(folder, port)
    tally = Tally()
    started = time.perf_counter()
    try:
        await wait_healthy(base, server)
        started = time.perf_counter()
        with anyio.move_on_after(args.deadline) as deadline:
            async with anyio.create_task_group() as tg:
                for index in range(args.clients):
                    tg.start_soon(client_run, base, index, args.calls, args.render_every, tally)
        if deadline.cancelled_caught:
            tally.errors.append(f"deadline: the run did not finish within {args.deadline} s")
        wall = time.perf_counter() - started
        await anyio.sleep(0.5)  # a cancelled render's ffmpeg gets a moment to be reaped
        running_children = ffmpeg_children(server.pid)
    finally:
        exit_code = stop_server(server)
    outputs = sorted((folder / "out").glob("*.mp4")) if (folder / "out").exists() else []
    report = {
        "bench": "load",
        "clients": args.clients,
        "calls_per_client": args.calls,
        "render_every": args.render_every,
        "cpus": os.cpu_count(),
        "wall_s": round(wall, 2),
        "tool_calls": tally.calls,
        "throughput_calls_per_s": round(tally.calls / wall, 1) if wall else 0.0,
        "renders": tally.renders,
        "videos_written": len(outputs),
        "errors": len(tally.errors),
        "error_samples": tally.errors[:5],
        "latency_ms": tally.summary(),
        "ffmpeg_children_after_run": running_children,
        "ffmpeg_left_after_stop": ffmpeg_processes(str(folder)),
        "leftovers": leftovers(folder / "data", folder / "out"),
        "server_exit": exit_code,
    }
    report["ok"] = (
        not tally.errors
        and not report["ffmpeg_children_after_run"]
        and not report["ffmpeg_left_after_stop"]
        and not report["leftovers"]
        and len(outputs) == tally.renders
    )
    if args.keep or not report["ok"]:
        report["folder"] = str(folder)
    else:
        shutil.rmtree(folder, ignore_errors=True)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50, help="concurrent MCP clients (default 50)")
    parser.add_argument("--calls", type=int, default=20, help="calls per client (default 20)")
    parser.add_argument(
        "--render-every",
        type=int,
        default=10,
        help="every Nth call is generate+export of a tiny video; 0 for none (default 10)",
    )
    parser.add_argument("--deadline", type=float, default=900, help="give up after this many seconds")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    report = anyio.run(run, args)
    sys.stdout.write(json.dumps(report) + "\n")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
