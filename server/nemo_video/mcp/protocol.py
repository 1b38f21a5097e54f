"""The protocol's optional parts, wired onto a server: logging, completions, resource subscriptions.

One call from :func:`~nemo_video.mcp.server.build_server`; each part lives in its own module.
"""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.subscriptions import SubscriptionBus

from ..service import VideoService
from .completions import register_completions
from .logs import register_logging
from .peers import Peers
from .watch import register_watch


def register_protocol(server: MCPServer[Any], service: VideoService, bus: SubscriptionBus | None = None) -> Peers:
    """Serve ``logging/setLevel``, ``completion/complete`` and ``resources/(un)subscribe``; resource
    changes also go to ``bus``, the server's ``subscriptions/listen`` fan-out (2026-07-28)."""
    peers = Peers()
    register_logging(server, peers)
    register_completions(server)
    register_watch(server, service, peers, bus)
    return peers
