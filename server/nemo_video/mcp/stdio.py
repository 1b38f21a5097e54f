"""MCP over stdio with every line checked before the SDK sees it.

The SDK's stdio transport hands a line it cannot parse to the session as an exception, which answers
nothing: a client that sent invalid JSON, invalid UTF-8, a batch, a wrong ``jsonrpc`` version or a
string with a lone surrogate escape (``"\\ud800"``, which the SDK's parser refuses) waits forever. Here
each line is judged first (:func:`check_line`, pure): a good one is passed on unchanged, a repairable
one (lone surrogates become U+FFFD) is passed on repaired, and anything else is answered at once with
a JSON-RPC error — ``-32700`` parse error or ``-32600`` invalid request, with ``id: null`` as JSON-RPC
2.0 §5.1 says when the id cannot be known. A line over :data:`MAX_LINE_BYTES` is refused the same way
without being held in memory.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import IO, Any, cast

import anyio
import mcp_types as types
from mcp.server.mcpserver import MCPServer
from mcp.server.stdio import stdio_server
from mcp.shared.message import SessionMessage
from pydantic import ValidationError

logger = logging.getLogger(__name__)

MAX_LINE_BYTES = 16 * 1024 * 1024  # far above any tool call; a bigger line is refused unread
_READ_CHUNK = 1024 * 1024
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Refusal:
    """The error to answer for a line that cannot be passed on."""

    code: int
    message: str
    id: str | int | None = None

    def response(self) -> types.JSONRPCError:
        return types.JSONRPCError(
            jsonrpc="2.0", id=self.id, error=types.ErrorData(code=self.code, message=self.message)
        )


def check_line(raw: bytes) -> str | Refusal | None:
    """The text to pass on for one line, the refusal to answer, or None for a blank line."""
    if not raw.strip():
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Refusal(types.PARSE_ERROR, f"Parse error: the message is not valid UTF-8 (byte {exc.start}).")
    try:
        message = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        return Refusal(types.PARSE_ERROR, f"Parse error: the message is not valid JSON ({_reason(exc)}).")
    if isinstance(message, list):
        return Refusal(
            types.INVALID_REQUEST,
            "Invalid Request: JSON-RPC batches are not supported by MCP; send one message per line.",
        )
    if not isinstance(message, dict):
        return Refusal(types.INVALID_REQUEST, "Invalid Request: a message must be a JSON object.")
    if message.get("jsonrpc") != "2.0":
        return Refusal(types.INVALID_REQUEST, 'Invalid Request: "jsonrpc" must be "2.0".')
    if "method" in message and "id" in message and _id_of(message) is None:
        # otherwise taken for a notification (extra keys are allowed) and never answered
        return Refusal(types.INVALID_REQUEST, "Invalid Request: an id must be a string or an integer.")
    repaired = _replace_surrogates(message)
    try:
        types.jsonrpc_message_adapter.validate_python(repaired, by_name=False)
    except ValidationError:
        return Refusal(
            types.INVALID_REQUEST,
            "Invalid Request: not a JSON-RPC request, notification or response (check method, id and params).",
            _id_of(message),
        )
    return text if repaired == message else json.dumps(repaired, ensure_ascii=False)


def _reason(exc: Exception) -> str:
    return exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"


def _id_of(message: dict[str, Any]) -> str | int | None:
    """The request's id when it is one JSON-RPC allows (a string or an integer), else None."""
    value = message.get("id")
    return value if isinstance(value, str | int) and not isinstance(value, bool) else None


def _replace_surrogates(value: Any) -> Any:
    """``value`` with lone surrogates (from ``\\ud800``-style escapes) replaced by U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_replace_surrogates(k): _replace_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_surrogates(v) for v in value]
    return value


class CheckedLines:
    """The lines of a binary stream, checked: what the SDK's stdio reader iterates over.

    Refusals are answered through ``answer`` (set once the transport's write stream exists; the reader
    waits for it), so they reach the client in order with everything else the server writes.
    """

    def __init__(self, source: IO[bytes]) -> None:
        self._source = source
        self._answer: Callable[[types.JSONRPCError], Awaitable[None]] | None = None
        self._ready = anyio.Event()

    def answer_with(self, answer: Callable[[types.JSONRPCError], Awaitable[None]]) -> None:
        self._answer = answer
        self._ready.set()

    def __aiter__(self) -> CheckedLines:
        return self

    async def __anext__(self) -> str:
        while True:
            raw = await self._readline(MAX_LINE_BYTES + 1)
            if not raw:
                raise StopAsyncIteration
            if len(raw) > MAX_LINE_BYTES:
                await self._skip_rest(raw)
                verdict: str | Refusal | None = Refusal(
                    types.INVALID_REQUEST, f"Invalid Request: the message is over {MAX_LINE_BYTES:,} bytes."
                )
            else:
                verdict = check_line(raw)
            if isinstance(verdict, str):
                return verdict
            if verdict is not None:
                logger.warning("Refused a stdio message: %s", verdict.message)
                await self._ready.wait()
                assert self._answer is not None
                await self._answer(verdict.response())

    async def _readline(self, limit: int) -> bytes:
        # a blocking read in a worker thread, as the SDK's own reader does; abandoned on shutdown
        return await anyio.to_thread.run_sync(self._source.readline, limit, abandon_on_cancel=True)

    async def _skip_rest(self, raw: bytes) -> None:
        while not raw.endswith(b"\n"):
            raw = await self._readline(_READ_CHUNK)
            if not raw:
                return


async def run_stdio(server: MCPServer[Any]) -> None:
    """Serve ``server`` over this process's stdin/stdout, with every incoming line checked."""
    wire, release = _claim_stdin()
    try:
        lines = CheckedLines(wire)
        stdin = cast("anyio.AsyncFile[str]", lines)  # the SDK only iterates over it
        async with stdio_server(stdin=stdin) as (read_stream, write_stream):

            async def answer(error: types.JSONRPCError) -> None:
                await write_stream.send(SessionMessage(error))

            lines.answer_with(answer)
            lowlevel = server._lowlevel_server  # what MCPServer.run_stdio_async runs; no public accessor
            await lowlevel.run(read_stream, write_stream, lowlevel.create_initialization_options())
    finally:
        if release is not None:
            release()


def _claim_stdin() -> tuple[IO[bytes], Callable[[], None] | None]:
    """stdin's bytes, claimed as the SDK claims them: fd 0 then points at the null device, so no child
    process can read (steal) the protocol's bytes, and it is restored on exit. The SDK skips that when
    given its stdin, so the same (private, pinned-version) helper is used here."""
    try:
        from mcp.server.stdio import _claim_fd, _open_stdin_diversion
    except ImportError:  # a newer SDK without the helper: serve the buffer in place
        return sys.stdin.buffer, None
    return _claim_fd(0, sys.stdin, "rb", _open_stdin_diversion)
