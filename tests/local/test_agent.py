"""LocalAgent: planner steps become the cloud's event shapes; versions are saved only on change."""

from __future__ import annotations

from nemo_video.backends.events import AgentEvent, Closed, Text, ToolCall, ToolResult
from nemo_video.backends.local.agent import LocalAgent
from nemo_video.backends.local.store import Store


async def talk(agent: LocalAgent, message: str) -> list[AgentEvent]:
    return [event async for event in agent.send("s1", message)]


async def test_text_only_request_creates_version_one_with_paired_steps(store: Store) -> None:
    events = await talk(LocalAgent(store), "a 6-second video with the title 'Launch day'")
    kinds = [type(e).__name__ for e in events]
    assert kinds[-2:] == ["Text", "Closed"] and kinds.count("ToolCall") == kinds.count("ToolResult") >= 2
    pairs = list(zip(events[:-2:2], events[1:-2:2], strict=True))
    assert all(isinstance(c, ToolCall) and isinstance(r, ToolResult) and c.name == r.name for c, r in pairs)
    current = await store.current_draft("s1")
    assert current.version == 1 and current.draft is not None and current.draft.total_ms() == 6000
    assert current.message == "a 6-second video with the title 'Launch day'"


async def test_chinese_request_gets_a_chinese_reply(store: Store) -> None:
    events = await talk(LocalAgent(store), "做一个10秒的视频，标题：新品上市")
    reply = next(e for e in events if isinstance(e, Text)).text
    assert any("\u4e00" <= ch <= "\u9fff" for ch in reply)
    assert (await store.current_draft("s1")).version == 1


async def test_a_request_it_cannot_act_on_changes_nothing(store: Store) -> None:
    agent = LocalAgent(store)
    await talk(agent, "a 6-second video with the title 'Hi'")
    events = await talk(agent, "hmm")
    assert not any(isinstance(e, ToolCall) for e in events)
    assert isinstance(events[-1], Closed) and isinstance(events[-2], Text) and events[-2].text
    assert (await store.current_draft("s1")).version == 1


async def test_nothing_to_undo_in_chinese(store: Store) -> None:
    events = await talk(LocalAgent(store), "撤销")
    reply = next(e for e in events if isinstance(e, Text)).text
    assert "没有可以撤销" in reply and (await store.current_draft("s1")).version == 0
