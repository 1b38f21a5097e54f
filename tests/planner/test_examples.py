"""The sample conversations of tests/fixtures/conversations.jsonl, each turn checked against its ``expect``."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import FIXTURES

from .conversation import Session, asset, check, load

CONVERSATIONS = load(FIXTURES / "conversations.jsonl")

# The fixture's expectations, turn by turn, as checks on the resulting composition and draft.
CHECKS: dict[str, list[dict[str, Any]]] = {
    "P1": [
        {
            "total": 20,
            "aspect": "9:16",
            "title": "Run The City",
            "music": "upbeat",
            "count": 3,
            "cta": "Shop at stride.example",
            "cta_last_s": 2,
        },
        {"title_px_ratio": 1.15},
        {"scenes": ["street.jpg", "sneaker-white.jpg", "sneaker-black.jpg"]},
        {"texts_on": {"Only 200 pairs": "sneaker-black.jpg"}},
        {"title_style": {"color": "orange"}, "title_lower_half": True},
        {
            "scenes": ["street.jpg", "sneaker-black.jpg"],
            "count": 2,
            "texts_on": {"Only 200 pairs": "sneaker-black.jpg"},
        },
        {"each_s": 3, "total": 8.5},  # 2 x 3 s plus the 2.5 s end card
        {"volume_down": True, "transition_longer": True, "all_done": True},
    ],
    "P2": [
        {"total": 30, "aspect": "16:9", "title": "秋季新品上市", "music": "calm", "language": "zh"},
        {"scenes": ["IMG_0101.jpg", "IMG_0104.jpg", "IMG_0103.jpg", "IMG_0102.jpg"]},
        {"title_px_ratio": 1.15, "title_style": {"color": "white"}},
        {"texts_on": {"全场八折": "IMG_0101.jpg"}},
        {"scenes": ["IMG_0101.jpg", "IMG_0104.jpg", "IMG_0102.jpg"]},
        {"each_s": 4, "total": 12},
        {"same_as_turn": 4, "ops": ["undo"]},
    ],
    "P3": [
        {
            "text_only": True,
            "total_between": [6, 20],
            "caption_texts": [
                "Meet Lumi, the desk lamp that follows the sun.",
                "Warm light in the evening, bright light at noon.",
                "Pre-order now.",
            ],
        },
        {"aspect": "1:1", "music": "calm"},
    ],
    "P4": [
        {"total": 15, "aspect": "9:16", "title": "Carry Your Story", "captions": [["Handmade in Porto", None]]},
        {"scenes": ["bag-tan.jpg", "bag-navy.jpg", "model.jpg"], "scene_grows": "model.jpg", "total": 15},
        {"captions": [["Handmade in Porto", "bag-navy.jpg"]]},
        {"no_role": "caption", "title": "Carry Your Story"},
    ],
    "P5": [
        {
            "total": 10,
            "aspect": "1:1",
            "title": "Fresh every morning since 1987",
            "music": "none",
            "cta": "Open 7am-3pm, 42 Baker St",
        },
        {"total_between": [12, 15]},
        {
            "title_style": {"weight": 700, "color": "yellow"},
            "caption_style": {"backdrop": "box", "backdrop_color": "white", "color": "black"},
        },
    ],
    "P6": [
        {
            "total": 25,
            "aspect": "9:16",
            "platform": "shorts",
            "music": "upbeat",
            "captions": [["Track habits", "app-1.png"], ["See streaks", "app-2.png"], ["Share wins", "app-3.png"]],
        },
        {"transition": "slideleft", "transition_shorter": True},
        {"unchanged": True, "aspect": "9:16", "reply_has": ["export", "16:9"], "not_done": True},
    ],
}


def test_every_sample_turn_has_checks() -> None:
    assert [(name, len(turns)) for name, turns in CONVERSATIONS] == [(k, len(v)) for k, v in CHECKS.items()]


@pytest.mark.parametrize(("name", "turns"), CONVERSATIONS, ids=[c[0] for c in CONVERSATIONS])
def test_sample_conversation(name: str, turns: list[dict[str, Any]]) -> None:
    session = Session([asset(n) for n in turns[0]["media"]])
    after: list[Any] = []
    for index, (row, expect) in enumerate(zip(turns, CHECKS[name], strict=True)):
        before = session.draft
        result = session.send(row["turn"])
        expect = dict(expect)
        same = expect.pop("same_as_turn", None)
        if same is not None:
            assert session.draft is not None and session.draft.to_wire() == after[same].to_wire()
        check(session, before, result, expect, f"{name} turn {index + 1} ({row['turn']!r})")
        after.append(session.draft)
