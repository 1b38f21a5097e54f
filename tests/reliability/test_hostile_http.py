"""Protocol abuse on streamable HTTP: raw requests to a real ``nemo-video mcp --http`` with a token.

Whatever arrives — a body that is not JSON, a batch, a wrong version, a lone surrogate, a 20 MB body,
malformed HTTP, a wrong or huge Authorization header — the answer is a 4xx (never a 5xx, never a
traceback in the log), the token never comes back, and the server keeps serving.
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.reliability.helpers import children
from tests.reliability.hostile import BIN, cli_env

TOKEN = "nmv-http-Secret+Tok/en=="
INIT = {
    "jsonrpc": "2.0",
    "id": 0,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "h", "version": "1"}},
}
ACCEPT = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
AUTH = {**ACCEPT, "Authorization": f"Bearer {TOKEN}"}

# (id, method, path, headers, body, allowed statuses)
REQUESTS: list[tuple[str, str, str, dict[str, str], bytes, set[int]]] = [
    ("no-token", "POST", "/mcp", ACCEPT, json.dumps(INIT).encode(), {401}),
    ("wrong-token", "POST", "/mcp", {**ACCEPT, "Authorization": "Bearer nope"}, json.dumps(INIT).encode(), {401}),
    ("basic-scheme", "POST", "/mcp", {**ACCEPT, "Authorization": f"Basic {TOKEN}"}, json.dumps(INIT).encode(), {401}),
    (
        "token-prefix",
        "POST",
        "/mcp",
        {**ACCEPT, "Authorization": f"Bearer {TOKEN[:-1]}"},
        json.dumps(INIT).encode(),
        {401},
    ),
    (
        "huge-authorization",
        "POST",
        "/mcp",
        {**ACCEPT, "Authorization": "Bearer " + "t" * 60_000},
        json.dumps(INIT).encode(),
        {400, 401, 413, 431},
    ),
    ("not-json", "POST", "/mcp", AUTH, b"hello", {400}),
    ("invalid-utf8", "POST", "/mcp", AUTH, b"\xff\xfe{", {400}),
    ("empty-body", "POST", "/mcp", AUTH, b"", {400}),
    ("batch", "POST", "/mcp", AUTH, json.dumps([INIT, INIT]).encode(), {400}),
    ("jsonrpc-1.0", "POST", "/mcp", AUTH, json.dumps({**INIT, "jsonrpc": "1.0"}).encode(), {400}),
    ("bare-number", "POST", "/mcp", AUTH, b"42", {400}),
    ("null", "POST", "/mcp", AUTH, b"null", {400}),
    ("lone-surrogate", "POST", "/mcp", AUTH, json.dumps(INIT).replace('"h"', '"\\ud800"').encode(), {200, 400}),
    ("deep-nesting", "POST", "/mcp", AUTH, b"[" * 50_000 + b"]" * 50_000, {400}),
    ("body-20mb", "POST", "/mcp", AUTH, b'{"p":"' + b"x" * (20 << 20) + b'"}', {400, 413}),
    ("text-plain", "POST", "/mcp", {**AUTH, "Content-Type": "text/plain"}, json.dumps(INIT).encode(), {400, 415}),
    (
        "unknown-session",
        "POST",
        "/mcp",
        {**AUTH, "Mcp-Session-Id": "no-such-session"},
        json.dumps(INIT).encode(),
        {400, 404},
    ),
    ("huge-session-id", "POST", "/mcp", {**AUTH, "Mcp-Session-Id": "s" * 8000}, json.dumps(INIT).encode(), {400, 404}),
    ("put", "PUT", "/mcp", AUTH, b"{}", {400, 405}),
    ("delete-no-session", "DELETE", "/mcp", AUTH, b"", {400, 404, 405}),
    ("get-no-session", "GET", "/mcp", AUTH, b"", {400, 404, 405, 406}),
    ("foreign-host", "POST", "/mcp", {**AUTH, "Host": "evil.example"}, json.dumps(INIT).encode(), {400, 421}),
    ("foreign-origin", "POST", "/mcp", {**AUTH, "Origin": "http://evil.example"}, json.dumps(INIT).encode(), {403}),
    ("path-traversal", "GET", "/../../etc/passwd", AUTH, b"", {401, 404}),
]
# (id, raw bytes sent on a fresh connection): malformed HTTP; the answer is a 4xx or a closed connection
RAW: list[tuple[str, bytes]] = [
    ("garbage-request-line", b"GARBAGE\r\n\r\n"),
    ("header-without-colon", b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nNoColonHere\r\n\r\n"),
    ("bad-content-length", b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: lots\r\n\r\n"),
    ("negative-content-length", b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -5\r\n\r\n"),
    ("bad-chunking", b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nx\r\n"),
    ("nul-in-path", b"GET /mc\x00p HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
    ("http-0.9", b"GET /mcp\r\n\r\n"),
    ("huge-header-block", b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: " + b"a" * 200_000 + b"\r\n\r\n"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class HttpServer:
    def __init__(self, root: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [str(BIN), "mcp", "--http", "--port", str(self.port)],
            cwd=root,
            env=cli_env(root, NEMO_MCP_TOKEN=TOKEN),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise AssertionError("the HTTP server did not start")

    def alive(self) -> bool:
        return httpx.get(f"{self.url}/health", timeout=5).json()["status"] == "ok"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HttpServer]:
    running = HttpServer(tmp_path_factory.mktemp("http"))
    yield running
    running.proc.terminate()
    running.proc.wait(timeout=20)
    out = running.proc.stdout.read() if running.proc.stdout else b""
    err = running.proc.stderr.read() if running.proc.stderr else b""
    log = err.decode(errors="replace")
    # Known, reported, not ours to fix here: for a body h11 cannot parse (bad-chunking) uvicorn answers
    # 400 itself and then logs the app's own reply as "Exception in ASGI application" (h11 MUST_CLOSE).
    # The client sees a clean 400; any other traceback fails.
    race = "LocalProtocolError: can't handle event type Response when role=SERVER and state=MUST_CLOSE"
    assert log.count("Traceback") == log.count(race), log[-6000:]
    assert TOKEN.encode() not in out + err
    assert children(running.proc.pid) == []


@pytest.mark.parametrize(
    ("method", "path", "headers", "body", "allowed"), [pytest.param(*c[1:], id=c[0]) for c in REQUESTS]
)
def test_hostile_requests_get_a_4xx(
    server: HttpServer, method: str, path: str, headers: dict[str, str], body: bytes, allowed: set[int]
) -> None:
    response = httpx.request(method, server.url + path, headers=headers, content=body, timeout=30)
    assert response.status_code in allowed, (response.status_code, response.text[:300])
    assert TOKEN not in response.text and len(response.content) < 5000
    if response.headers.get("content-type", "").startswith("application/json") and response.status_code == 400:
        error = response.json()
        assert error["jsonrpc"] == "2.0" and error["id"] is None and error["error"]["code"] < 0
    assert server.alive()


@pytest.mark.parametrize("raw", [pytest.param(c[1], id=c[0]) for c in RAW])
def test_malformed_http_is_refused_and_the_server_lives(server: HttpServer, raw: bytes) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        answer = b""
        try:
            sock.sendall(raw)
            sock.shutdown(socket.SHUT_WR)
            while chunk := sock.recv(65536):
                answer += chunk
        except OSError:  # closed (or reset) before reading it all: a refusal too
            pass
    if answer:  # either a 4xx status line, or the connection is simply closed
        status = int(answer.split(b" ", 2)[1])
        assert 400 <= status < 500, answer[:300]
    assert server.alive()
