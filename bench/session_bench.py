"""Idle HTTP MCP sessions: memory while many are open, and after they expire.

    python bench/session_bench.py [--sessions 2000] [--idle 5] [--wait SECONDS]

Starts ``nemo-video mcp --http`` as a subprocess (local backend, temporary folders, a free loopback
port, ``NEMO_MCP_SESSION_IDLE_SECONDS=--idle``), opens ``sessions`` protocol sessions (``initialize``
only, never closed), then waits for them to expire. Prints one JSON line: the server's RSS in MB at
start, after opening, after expiry, and after opening as many again (Python keeps freed memory for
reuse rather than handing it back, so released sessions show as a second round that does not grow),
and how many of the old session ids still answer (should be 0).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

import httpx

INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "bench", "version": "0"}},
}
HEADERS = {"content-type": "application/json", "accept": "application/json, text/event-stream"}


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return -1.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=2000)
    parser.add_argument("--idle", type=float, default=5.0)
    parser.add_argument("--wait", type=float, default=None, help="seconds to wait (default idle + 2)")
    args = parser.parse_args()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "NEMO_DATA_DIR": f"{tmp}/data",
            "NEMO_CONFIG_DIR": f"{tmp}/config",
            "NEMO_OUTPUT_DIR": f"{tmp}/out",
            "NEMO_MCP_SESSION_IDLE_SECONDS": str(args.idle),
        }
        server = subprocess.Popen(
            [sys.executable, "-m", "nemo_video.mcp", "--http", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            with httpx.Client(timeout=10) as web:
                for _ in range(100):
                    try:
                        if web.get(f"{base}/health").status_code == 200:
                            break
                    except httpx.TransportError:
                        time.sleep(0.1)
                start = rss_mb(server.pid)
                ids = [
                    web.post(f"{base}/mcp", json=INIT, headers=HEADERS).headers["mcp-session-id"]
                    for _ in range(args.sessions)
                ]
                opened = rss_mb(server.pid)
                time.sleep(args.idle + 2 if args.wait is None else args.wait)
                ping = {"jsonrpc": "2.0", "id": 2, "method": "ping"}
                alive = sum(
                    web.post(f"{base}/mcp", json=ping, headers={**HEADERS, "mcp-session-id": i}).status_code == 200
                    for i in ids
                )
                expired = rss_mb(server.pid)
                for _ in range(args.sessions):
                    web.post(f"{base}/mcp", json=INIT, headers=HEADERS)
                again = rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait(10)
    print(
        json.dumps(
            {
                "sessions": args.sessions,
                "idle_s": args.idle,
                "rss_mb_start": start,
                "rss_mb_open": opened,
                "rss_mb_after_expiry": expired,
                "rss_mb_second_round": again,
                "still_alive": alive,
            }
        )
    )
    return 0 if alive == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
