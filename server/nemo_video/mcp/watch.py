"""Resource subscriptions: ``resources/subscribe``, ``resources/unsubscribe`` and the notifications.

The service says when a timeline changed or an export landed (:mod:`nemo_video.service.events`); this
turns that into ``notifications/resources/updated`` for the clients subscribed to the resource that
changed (the current timeline, that session's timeline, the exports list). A landed export also
becomes a resource of its own (its ``file://`` URI, the one tool results link to), so the resource
list grows and subscribed clients get ``notifications/resources/list_changed``.

Clients of the 2026-07-28 protocol have no ``resources/subscribe``: they open a
``subscriptions/listen`` stream instead, and the same changes are published on the server's
subscription bus for them.

Subscribing to a URI the server does not (yet) serve is accepted: it simply never fires.
"""

from __future__ import annotations

import asyncio
import mimetypes
from pathlib import Path
from typing import Any

from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.resources import FileResource
from mcp.server.subscriptions import ResourcesListChanged, ResourceUpdated, SubscriptionBus
from mcp.server.subscriptions import ServerEvent as BusEvent
from mcp_types import (
    EmptyResult,
    ResourceListChangedNotification,
    ResourceUpdatedNotification,
    ResourceUpdatedNotificationParams,
    SubscribeRequestParams,
    UnsubscribeRequestParams,
)

from ..service import VideoService
from ..service.events import ExportReady, ServiceEvent, TimelineChanged
from .peers import Peers

CURRENT_TIMELINE = "nemo-video://session/current/timeline"
EXPORTS = "nemo-video://exports"


def timeline_uri(session_id: str) -> str:
    return f"nemo-video://session/{session_id}/timeline"


class Watcher:
    def __init__(self, server: MCPServer[Any], peers: Peers, bus: SubscriptionBus | None = None) -> None:
        self.server = server
        self.peers = peers
        self.bus = bus
        self._exports: set[str] = set()
        self._publishing: set[asyncio.Task[None]] = set()

    async def subscribe(self, ctx: ServerRequestContext[Any, Any], params: SubscribeRequestParams) -> EmptyResult:
        peer = self.peers.join(ctx)
        peer.uris.add(str(params.uri))
        self.peers.settle(peer)
        return EmptyResult()

    async def unsubscribe(self, ctx: ServerRequestContext[Any, Any], params: UnsubscribeRequestParams) -> EmptyResult:
        peer = self.peers.join(ctx)
        peer.uris.discard(str(params.uri))
        self.peers.settle(peer)
        return EmptyResult()

    def on_event(self, event: ServiceEvent) -> None:
        if isinstance(event, TimelineChanged):
            self._updated(CURRENT_TIMELINE, timeline_uri(event.session_id))
        elif isinstance(event, ExportReady) and event.path:
            self._add_export(Path(event.path))
            self._updated(EXPORTS)

    def _publish(self, event: BusEvent) -> None:
        if self.bus is None:
            return
        task = asyncio.get_running_loop().create_task(self.bus.publish(event))
        self._publishing.add(task)  # keep a reference until it is done
        task.add_done_callback(self._publishing.discard)

    def _updated(self, *uris: str) -> None:
        for uri in uris:
            self._publish(ResourceUpdated(uri=uri))
        for peer in self.peers:
            for uri in uris:
                if uri in peer.uris:
                    peer.post(ResourceUpdatedNotification(params=ResourceUpdatedNotificationParams(uri=uri)))

    def _add_export(self, path: Path) -> None:
        uri = path.as_uri()
        if uri in self._exports or not path.is_absolute():
            return
        self._exports.add(uri)
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self.server.add_resource(
            FileResource(
                uri=uri,
                path=path,
                name=path.name,
                title=f"Exported video {path.name}",
                description="A video nemo-video exported.",
                mime_type=mime,
            )
        )
        self._publish(ResourcesListChanged())
        for peer in self.peers:
            if peer.uris:
                peer.post(ResourceListChangedNotification())


class AnnounceListChanged:
    """Server middleware: the handshake's capabilities say ``resources.listChanged`` (the SDK derives
    that flag from options the streamable HTTP manager does not pass)."""

    async def __call__(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        result = await call_next(ctx)
        if ctx.method == "initialize" and isinstance(result, dict):
            resources = result.get("capabilities", {}).get("resources")
            if isinstance(resources, dict):
                resources["listChanged"] = True
        return result


def register_watch(
    server: MCPServer[Any], service: VideoService, peers: Peers, bus: SubscriptionBus | None = None
) -> Watcher:
    watcher = Watcher(server, peers, bus)
    lowlevel = server._lowlevel_server  # MCPServer has no public seam for these two methods (SDK 2.3)
    lowlevel.add_request_handler("resources/subscribe", SubscribeRequestParams, watcher.subscribe)
    lowlevel.add_request_handler("resources/unsubscribe", UnsubscribeRequestParams, watcher.unsubscribe)
    server.middleware.append(AnnounceListChanged())
    service.events.subscribe(watcher.on_event)
    return watcher
