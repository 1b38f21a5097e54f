"""The conversation table (tests/planner/conversations/*.jsonl): every turn's composition is checked."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from nemo_video.composition.ops import OP_NAMES

from .conversation import HERE, Session, asset, check, load

CONVERSATIONS = [c for path in sorted(HERE.glob("*.jsonl")) for c in load(path)]


def test_the_table_is_large_and_covers_every_operation_in_three_phrasings() -> None:
    turns = [row for _, rows in CONVERSATIONS for row in rows]
    assert len(CONVERSATIONS) >= 25 and len(turns) >= 150
    assert {_language(r["turn"]) for r in turns} == {"en", "zh"}
    phrasings: Counter[str] = Counter()
    for row in turns:
        for kind in set(row["expect"].get("ops", [])):
            phrasings[kind] += 1
    missing = {kind: phrasings[kind] for kind in OP_NAMES if phrasings[kind] < 3}
    assert not missing, f"operations asked for in fewer than 3 phrasings: {missing}"


def _language(text: str) -> str:
    return "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in text) else "en"


@pytest.mark.parametrize(("name", "turns"), CONVERSATIONS, ids=[c[0] for c in CONVERSATIONS])
def test_conversation(name: str, turns: list[dict[str, Any]]) -> None:
    session = Session([asset(n) for n in turns[0]["media"]])
    after: list[Any] = []
    for index, row in enumerate(turns):
        session.media.extend(asset(n) for n in row.get("upload", []))
        before = session.draft
        result = session.send(row["turn"])
        expect = dict(row["expect"])
        same = expect.pop("same_as_turn", None)
        if same is not None:
            assert session.draft is not None and session.draft.to_wire() == after[same].to_wire(), f"turn {index + 1}"
        check(session, before, result, expect, f"{name} turn {index + 1} ({row['turn']!r})")
        after.append(session.draft)
