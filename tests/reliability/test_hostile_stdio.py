"""Protocol abuse on stdio: raw bytes written to a real ``nemo-video mcp`` process.

JSON-RPC 2.0 §5.1: a line that is not JSON gets ``-32700`` and one that is not a valid request gets
``-32600``, with ``id: null`` when the id cannot be known. Before, such lines got no reply at all, and
a request with a lone surrogate escape was never answered (the client hung). One server serves the
whole table, so each case also proves the previous ones left it working.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.helpers import children
from tests.reliability.hostile import BIN, cli_env

PARSE, INVALID = -32700, -32600
INIT = {
    "jsonrpc": "2.0",
    "id": 0,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "h", "version": "1"}},
}


def ping(n: int) -> bytes:
    return json.dumps({"jsonrpc": "2.0", "id": n, "method": "ping"}).encode()


# (id, raw line, expected: an error code with the id it must carry, or "result" for the request's id)
CASES: list[tuple[str, bytes, tuple[int, Any] | tuple[str, Any]]] = [
    ("not-json", b"hello there", (PARSE, None)),
    ("truncated-json", b'{"jsonrpc": "2.0", "id": 9, "method": "pi', (PARSE, None)),
    ("invalid-utf8", b"\xff\xfe\xfd", (PARSE, None)),
    ("invalid-utf8-inside-json", b'{"jsonrpc":"2.0","id":10,"method":"ping","x":"\xe9"}', (PARSE, None)),
    ("nul-bytes", b"\x00\x00\x00", (PARSE, None)),
    ("single-quotes", b"{'jsonrpc': '2.0', 'id': 1, 'method': 'ping'}", (PARSE, None)),
    ("trailing-garbage", ping(11) + b" trailing", (PARSE, None)),
    ("deep-nesting", b"[" * 100_000 + b"]" * 100_000, (PARSE, None)),
    ("bare-number", b"42", (INVALID, None)),
    ("bare-string", b'"ping"', (INVALID, None)),
    ("null", b"null", (INVALID, None)),
    ("empty-object", b"{}", (INVALID, None)),
    ("batch", b"[" + ping(12) + b"," + ping(13) + b"]", (INVALID, None)),
    ("empty-batch", b"[]", (INVALID, None)),
    ("jsonrpc-1.0", b'{"jsonrpc":"1.0","id":14,"method":"ping"}', (INVALID, None)),
    ("jsonrpc-missing", b'{"id":15,"method":"ping"}', (INVALID, None)),
    ("jsonrpc-number", b'{"jsonrpc":2.0,"id":16,"method":"ping"}', (INVALID, None)),
    ("method-number", b'{"jsonrpc":"2.0","id":17,"method":5}', (INVALID, 17)),
    ("id-object", b'{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}', (INVALID, None)),
    ("id-bool", b'{"jsonrpc":"2.0","id":true,"method":"ping"}', (INVALID, None)),
    ("params-string", b'{"jsonrpc":"2.0","id":18,"method":"ping","params":"x"}', (INVALID, 18)),
    ("lone-surrogate-escape", b'{"jsonrpc":"2.0","id":19,"method":"ping","params":{"x":"\\ud800"}}', ("result", 19)),
    (
        "surrogate-in-tool-call",
        b'{"jsonrpc":"2.0","id":20,"method":"tools/call","params":{"name":"job_status",'
        b'"arguments":{"job_id":"\\udfff","wait_s":0}}}',
        ("result", 20),
    ),
    ("unknown-method", b'{"jsonrpc":"2.0","id":21,"method":"no/such"}', (-32601, 21)),
    ("string-id", b'{"jsonrpc":"2.0","id":"abc","method":"ping"}', ("result", "abc")),
    ("huge-string-id", b'{"jsonrpc":"2.0","id":"' + b"i" * 100_000 + b'","method":"no/such"}', (-32601, "i" * 100_000)),
    ("bom-prefix", b"\xef\xbb\xbf" + ping(22), (PARSE, None)),
    (
        "over-16mb",
        b'{"jsonrpc":"2.0","id":23,"method":"ping","params":{"p":"' + b"x" * (17 << 20) + b'"}}',
        (INVALID, None),
    ),
]


class Wire:
    """A running ``nemo-video mcp`` and its raw stdin/stdout."""

    def __init__(self, root: Path) -> None:
        self.proc = subprocess.Popen(
            [str(BIN), "mcp"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=cli_env(root),
            cwd=root,
        )
        self.buffer = b""

    def send(self, line: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + b"\n")
        self.proc.stdin.flush()

    def receive(self, timeout: float = 15.0) -> dict[str, Any]:
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.proc.stdout], [], [], max(left, 0))
            assert ready, "no reply: the client would hang"
            chunk = os.read(self.proc.stdout.fileno(), 1 << 20)
            assert chunk, "the server closed stdout"
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        reply: dict[str, Any] = json.loads(line)
        return reply


@pytest.fixture(scope="module")
def wire(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Wire]:
    server = Wire(tmp_path_factory.mktemp("stdio"))
    server.send(json.dumps(INIT).encode())
    assert server.receive()["id"] == 0
    server.send(b'{"jsonrpc":"2.0","method":"notifications/initialized"}')
    yield server
    assert server.proc.stdin is not None
    server.proc.stdin.close()
    assert server.proc.wait(timeout=20) == 0  # end of input is a clean exit
    stderr = server.proc.stderr.read() if server.proc.stderr else b""
    assert b"Traceback" not in stderr, stderr[-3000:]
    assert children(server.proc.pid) == []


@pytest.mark.parametrize(("line", "expected"), [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_every_line_gets_an_answer(wire: Wire, line: bytes, expected: tuple[Any, Any]) -> None:
    wire.send(line)
    reply = wire.receive()
    kind, request_id = expected
    assert reply["jsonrpc"] == "2.0" and reply["id"] == request_id, str(reply)[:300]
    if kind == "result":
        assert "result" in reply, str(reply)[:300]
    else:
        assert reply["error"]["code"] == kind and reply["error"]["message"], reply
        assert len(json.dumps(reply)) < 2000 + len(json.dumps(request_id))
    wire.send(ping(999))
    assert wire.receive() == {"jsonrpc": "2.0", "id": 999, "result": {}}  # still serving
