"""Words through the real LocalAgent and SQLite store: plan → apply → to_draft → saved version."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PIL import Image

from nemo_video.backends.events import AgentEvent, Closed, Text, ToolCall, ToolResult
from nemo_video.backends.local.agent import LocalAgent
from nemo_video.backends.local.backend import LocalBackend
from nemo_video.backends.local.store import Store
from nemo_video.composition import from_draft
from nemo_video.config import Settings


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "studio.sqlite3")
    await opened.create_session("s1", "en")
    for index, name in enumerate(("sneaker-white.jpg", "sneaker-black.jpg", "street.jpg")):
        path = tmp_path / name
        path.write_bytes(b"x" * (index + 1))
        await opened.add_media(
            "s1",
            name=name,
            kind="image",
            path=path,
            sha256=f"{index + 1}" * 64,
            size=index + 1,
            facts={"width": 1600, "height": 1200},
        )
    yield opened
    await opened.aclose()


async def say(agent: LocalAgent, message: str) -> tuple[str, list[AgentEvent]]:
    events = [e async for e in agent.send("s1", message)]
    assert isinstance(events[-1], Closed) and isinstance(events[-2], Text)
    return events[-2].text, events


async def names(store: Store) -> list[str]:
    current = await store.current_draft("s1")
    media = await store.list_media("s1")
    assert current.draft is not None
    comp = from_draft(current.draft, media)
    by_id = {m.id: m.name for m in media}
    return [by_id[s.media or ""] for s in comp.scenes]


async def test_a_conversation_through_the_agent_saves_one_version_per_change(store: Store) -> None:
    agent = LocalAgent(store)
    reply, events = await say(agent, "Make a 12 second vertical video, headline 'Run The City'")
    calls = [e for e in events if isinstance(e, ToolCall)]
    results = [e for e in events if isinstance(e, ToolResult)]
    assert calls and [c.name for c in calls] == [r.name for r in results] and "set_format" in [c.name for c in calls]
    assert "Run The City" in reply and (await store.current_draft("s1")).version == 1
    await say(agent, "open with the street photo and drop the second one")
    assert await names(store) == ["street.jpg", "sneaker-black.jpg"]
    reply, _ = await say(agent, "the headline should be larger and add sparkles")
    assert "sparkles" in reply and (await store.current_draft("s1")).version == 3
    title = next(t for t in from_draft((await store.current_draft("s1")).draft, []).texts)  # type: ignore[arg-type]
    assert title.style.size == "large"
    reply, events = await say(agent, "make it wobble")  # nothing understood: no step, no version
    assert not any(isinstance(e, ToolCall) for e in events) and "wobble" in reply
    assert (await store.current_draft("s1")).version == 3
    await say(agent, "undo")
    assert (await store.current_draft("s1")).draft is not None
    assert title.style.size == "large"
    undone = from_draft((await store.current_draft("s1")).draft, [])  # type: ignore[arg-type]
    assert undone.texts[0].style.size is None
    await say(agent, "redo")
    redone = from_draft((await store.current_draft("s1")).draft, [])  # type: ignore[arg-type]
    assert redone.texts[0].style.size == "large"
    reply, _ = await say(agent, "redo")
    assert "nothing to redo" in reply.lower()


async def test_a_chinese_edit_gets_a_chinese_reply(store: Store) -> None:
    agent = LocalAgent(store)
    await say(agent, "做一个10秒的视频，标题：新品上市")
    reply, _ = await say(agent, "删除第一张，标题改成红色")
    assert "删除" in reply and "红色" in reply
    assert await names(store) == ["sneaker-black.jpg", "street.jpg"]


async def test_colours_and_orientation_computed_at_import_reach_the_planner(settings: Settings, tmp_path: Path) -> None:
    pictures = [("sky.jpg", (40, 90, 220), (480, 320)), ("tomato.jpg", (220, 40, 30), (320, 480)),
                ("grass.jpg", (40, 170, 60), (480, 320))]  # fmt: skip
    paths = []
    for name, colour, size in pictures:
        Image.new("RGB", size, colour).save(tmp_path / name, "JPEG")
        paths.append(tmp_path / name)
    backend = LocalBackend(settings)
    try:
        session = await backend.open_session()
        assets = await backend.upload(session, paths)
        assert [a.colors[0] for a in assets] == ["blue", "red", "green"]
        [_ async for _ in backend.send(session, "Make a 9 second video")]
        [_ async for _ in backend.send(session, "lose the blue one and put the portrait one last")]
        state = await backend.state(session)
        assert state.draft is not None
        comp = from_draft(state.draft, state.media)
        names = {a.id: a.name for a in state.media}
        assert [names[s.media or ""] for s in comp.scenes] == ["grass.jpg", "tomato.jpg"]
    finally:
        await backend.aclose()
