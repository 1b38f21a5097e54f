"""The SSE event store: sessions kept apart, memory bounded (driven through the real ASGI middleware)."""

from __future__ import annotations

from mcp.server.streamable_http import EventMessage
from mcp_types import JSONRPCNotification
from starlette.types import Receive, Scope, Send

from nemo_video.mcp.replay import MemoryEventStore, StreamScope

GET_STREAM = "_GET_stream"  # the SDK's one name for every session's standalone stream


def note(text: str) -> JSONRPCNotification:
    return JSONRPCNotification(jsonrpc="2.0", method="notifications/message", params={"data": text})


async def opening_request(store: MemoryEventStore, texts: list[str]) -> list[str]:
    """What a session's tasks store, as the SDK does it: inside the request that opened the session."""
    ids: list[str] = []

    async def app(_scope: Scope, _receive: Receive, _send: Send) -> None:
        ids.append(await store.store_event(GET_STREAM, None))  # the priming event
        for text in texts:
            ids.append(await store.store_event(GET_STREAM, note(text)))

    async def nothing() -> dict[str, str]:
        return {"type": "http.disconnect"}

    async def ignore(_message: object) -> None:
        return None

    await StreamScope(app)({"type": "http", "path": "/mcp", "headers": []}, nothing, ignore)
    return ids


async def replay(store: MemoryEventStore, last: str) -> tuple[str | None, list[str]]:
    seen: list[str] = []

    async def collect(event: EventMessage) -> None:
        seen.append(str(event.message.params["data"]))  # type: ignore[union-attr,index]

    return await store.replay_events_after(last, collect), seen


async def test_sessions_sharing_a_stream_name_replay_only_their_own_events() -> None:
    store = MemoryEventStore()
    a = await opening_request(store, ["a1", "a2"])
    b = await opening_request(store, ["b1"])
    assert await replay(store, a[0]) == (GET_STREAM, ["a1", "a2"])
    assert await replay(store, a[1]) == (GET_STREAM, ["a2"])
    assert await replay(store, b[0]) == (GET_STREAM, ["b1"])
    assert len(set(a + b)) == 5  # ids are unique across sessions


async def test_memory_is_bounded_and_forgotten_events_cannot_be_replayed() -> None:
    store = MemoryEventStore(max_events=3)
    ids = await opening_request(store, ["1", "2", "3", "4"])
    assert store.size == 3
    assert await replay(store, ids[0]) == (None, [])  # forgotten: nothing to replay, no error
    assert await replay(store, ids[2]) == (GET_STREAM, ["3", "4"])
