"""The ``logging`` capability: ``logging/setLevel`` and ``notifications/message``.

A client that sets a level gets the records of the ``nemo_video`` loggers at that level and above
as ``notifications/message``, token-shaped text and registered secrets redacted by the cloud
backend's own :func:`~nemo_video.backends.cloud.redact.redact`. A record caused by one client's
request (a tool call and the job it started) goes to that client only; the server's own records go
to every client that asked. Debug records reach a client without reaching stderr: only the
``nemo_video`` logger's level is lowered, never a handler's.

The 2026-07-28 protocol has no ``logging/setLevel``: a request opts in with the reserved
``io.modelcontextprotocol/logLevel`` ``_meta`` key, and the records that request causes while it is
being answered ride its own response stream.
"""

from __future__ import annotations

import logging
import time
from contextvars import ContextVar
from typing import Any

from mcp.server.connection import allowed_log_levels
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.mcpserver import MCPServer
from mcp_types import (
    EmptyResult,
    LoggingLevel,
    LoggingMessageNotification,
    LoggingMessageNotificationParams,
    SetLevelRequestParams,
)
from mcp_types.version import MODERN_PROTOCOL_VERSIONS

from ..backends.cloud.redact import redact
from .peers import Peer, Peers, current_peer, peer_key

ROOT_LOGGER = "nemo_video"
LEVELS: tuple[LoggingLevel, ...] = ("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency")
_PYTHON_LEVEL = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "notice": logging.INFO + 5,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}  # critical and above: CRITICAL
_QUIET = (__name__, "nemo_video.mcp.peers")  # never forward our own records (no feedback loops)
logger = logging.getLogger(__name__)
logger_for_tools = logging.getLogger("nemo_video.mcp.tools")  # what clients see at "info"
# The 2026-07-28 request being answered, when it opted in to log messages.
_request_sink: ContextVar[Peer | None] = ContextVar("nemo_video_request_log_sink", default=None)


def mcp_level(levelno: int) -> LoggingLevel:
    """The MCP level of a Python record level."""
    for name in ("critical", "error", "warning", "notice", "info"):
        if levelno >= _PYTHON_LEVEL.get(name, logging.CRITICAL):
            return name
    return "debug"


class LogBridge(logging.Handler):
    """Forwards ``nemo_video`` records to the peers that asked, at the level each asked for."""

    def __init__(self, peers: Peers) -> None:
        super().__init__(logging.DEBUG)
        self.peers = peers
        self.logger = logging.getLogger(ROOT_LOGGER)
        self._own_level: int | None = None  # the logger's level before a client lowered it
        self._request_sinks: list[Peer] = []  # 2026-07-28 requests of this server being answered
        peers.on_change.append(self.refresh)

    def request_sink(self, ctx: ServerRequestContext[Any, Any]) -> Peer | None:
        """A sink on this request's own stream, when it is a 2026-07-28 request that opted in."""
        if ctx.protocol_version not in MODERN_PROTOCOL_VERSIONS or ctx.request_id is None:
            return None
        allowed = allowed_log_levels(ctx.protocol_version, ctx.meta)
        if not allowed:
            return None
        sink = Peer(f"request:{ctx.request_id}", ctx.session, lambda _: None, related=ctx.request_id)
        sink.log_rank = min(LEVELS.index(level) for level in allowed)
        return sink

    async def set_level(self, ctx: ServerRequestContext[Any, Any], params: SetLevelRequestParams) -> EmptyResult:
        peer = self.peers.join(ctx)
        peer.log_rank = LEVELS.index(params.level)
        self.peers.settle(peer)
        logger.debug("Client %s asked for %s logs", peer.key[:8], params.level)
        return EmptyResult()

    def refresh(self) -> None:
        """Attach while any peer wants logs, lower the logger's level to the lowest wanted, and undo
        both when none does."""
        ranks = [p.log_rank for p in self.peers if p.log_rank is not None and not p.gone]
        ranks += [s.log_rank for s in self._request_sinks if s.log_rank is not None]
        attached = self in self.logger.handlers
        if ranks and not attached:
            self._own_level = self.logger.level
            self.logger.addHandler(self)
        elif not ranks and attached:
            self.logger.removeHandler(self)
            self.logger.setLevel(self._own_level or logging.NOTSET)
            return
        if ranks:
            wanted = _PYTHON_LEVEL.get(LEVELS[min(ranks)], logging.CRITICAL)
            inherited = self._own_level or (self.logger.parent or logging.root).getEffectiveLevel()
            self.logger.setLevel(min(wanted, inherited))

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith(_QUIET):
            return
        level = mcp_level(record.levelno)
        rank = LEVELS.index(level)
        try:
            text = redact(record.getMessage())
        except (TypeError, ValueError):
            text = redact(str(record.msg))
        notification = LoggingMessageNotification(
            params=LoggingMessageNotificationParams(level=level, logger=record.name, data=text)
        )
        sink = _request_sink.get()
        if sink in self._request_sinks and sink.log_rank is not None and rank >= sink.log_rank:
            sink.post(notification)
        for peer in self.peers.audience(current_peer.get()):
            if peer.log_rank is not None and rank >= peer.log_rank:
                peer.post(notification)

    def hold_level(self, sink: Peer) -> None:
        self._request_sinks.append(sink)
        self.refresh()

    def drop_level(self, sink: Peer) -> None:
        self._request_sinks.remove(sink)
        self.refresh()


class Attribution:
    """Server middleware: marks each request with its client (see :data:`current_peer`), and says at
    ``info`` which tool a client called and how it ended."""

    def __init__(self, bridge: LogBridge) -> None:
        self.bridge = bridge

    async def __call__(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        sink = self.bridge.request_sink(ctx)
        if sink is None:
            return await self._attributed(ctx, call_next)
        token = _request_sink.set(sink)
        self.bridge.hold_level(sink)
        try:
            result = await self._attributed(ctx, call_next)
            await sink.flush()  # the request's stream closes with its response: send the logs first
            return result
        finally:
            self.bridge.drop_level(sink)
            _request_sink.reset(token)

    async def _attributed(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        token = current_peer.set(peer_key(ctx))
        try:
            if ctx.method != "tools/call":
                return await call_next(ctx)
            name = str((ctx.params or {}).get("name", "?"))
            started = time.monotonic()
            logger_for_tools.info("Calling %s", name)
            result = await call_next(ctx)
            failed = isinstance(result, dict) and result.get("isError")
            logger_for_tools.info(
                "%s %s after %.1f s", name, "failed" if failed else "answered", time.monotonic() - started
            )
            return result
        finally:
            current_peer.reset(token)


def register_logging(server: MCPServer[Any], peers: Peers) -> LogBridge:
    bridge = LogBridge(peers)
    server._lowlevel_server.add_request_handler("logging/setLevel", SetLevelRequestParams, bridge.set_level)
    server.middleware.append(Attribution(bridge))
    return bridge
