"""Timing and placement rules: title early, captions over the body, CTA at the end, exact lengths."""

from __future__ import annotations

import pytest

from nemo_video.backends.local.planner import plan
from nemo_video.backends.local.planner.numbers import find_duration_ms, language_of
from nemo_video.draft import Draft, Segment, TrackType

from .helpers import PHOTOS, check_draft, image

MESSAGE = (
    "Make a {s}-second {fmt} video. Cool mesh upper. Cushioned sole. Built to last. Light as air. "
    "Tagline: 'Smooth. Bold. Yours.' Shop now."
)


def _track(draft: Draft, track_id: str) -> list[Segment]:
    return [s for t in draft.tracks if t.id == track_id for s in t.segments]


@pytest.mark.parametrize(
    ("fmt", "title_y", "caption_y"),
    [("vertical", 0.2, 0.72), ("landscape", 0.18, 0.82), ("square", 0.18, 0.82)],
)
@pytest.mark.parametrize("seconds", [8, 15, 30, 90])
def test_text_timing_and_placement(fmt: str, title_y: float, caption_y: float, seconds: int) -> None:
    draft = plan(MESSAGE.format(s=seconds, fmt=fmt), PHOTOS, None).draft
    assert draft is not None
    check_draft(draft, PHOTOS)
    total = seconds * 1000
    (title,) = _track(draft, "track_title")
    (cta,) = _track(draft, "track_cta")
    captions = _track(draft, "track_captions")
    assert title.start == 0 and (title.duration_ms or 0) <= 3000
    assert title.position == {"x": 0.5, "y": title_y, "anchor": "center"}
    assert cta.start == total - (cta.duration_ms or 0) and (cta.duration_ms or 0) <= 2500
    assert cta.position and cta.position["y"] == 0.5
    assert captions, "at least one caption fits"
    for seg in captions:  # captions stay between the title and the CTA, never overlapping each other
        assert (seg.start or 0) >= (title.duration_ms or 0)
        assert (seg.start or 0) + (seg.duration_ms or 0) <= (cta.start or 0)
        assert seg.position and seg.position["y"] == caption_y
    ends = [(s.start or 0) + (s.duration_ms or 0) for s in captions]
    assert all(end <= (nxt.start or 0) for end, nxt in zip(ends, captions[1:], strict=False))
    # The last picture runs under the CTA card.
    last = draft.tracks_of(TrackType.VIDEO)[0].segments[-1]
    assert (last.start or 0) <= (cta.start or 0)


def test_captions_that_do_not_fit_are_dropped_and_said() -> None:
    result = plan(
        "Make an 8 second video. One. Two two. Three three. Four four. Five five. Six six.", PHOTOS, None
    )
    assert result.draft is not None
    shown = _track(result.draft, "track_captions")
    assert 0 < len(shown) < 6 and "did not fit" in result.reply


def test_ken_burns_direction_varies() -> None:
    draft = plan("Make a video", [image(n) for n in range(1, 7)], None).draft
    assert draft is not None
    directions = [s.motion["direction"] for s in draft.tracks_of(TrackType.VIDEO)[0].segments if s.motion]
    assert len(set(directions)) == 6


def test_text_only_backgrounds_are_deterministic_gradients() -> None:
    draft = plan("A 30 second video. Title: Launch. We open on Monday.", [], None).draft
    assert draft is not None
    check_draft(draft, [])
    segments = draft.tracks_of(TrackType.VIDEO)[0].segments
    assert len(segments) == 6 and all(s.type == "background" for s in segments)
    assert len({s.style["color"] for s in segments if s.style}) > 1


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("a 30-second video", 30_000),
        ("15s", 15_000),
        ("half a minute", 30_000),
        ("a minute", 60_000),
        ("30秒", 30_000),
        ("半分钟", 30_000),
        ("1分钟", 60_000),
        ("一分半", 90_000),
        ("十五秒", 15_000),
        ("from 30 seconds to 15 seconds", 15_000),
        ("a 90s-style look", None),
        ("9:16", None),
        ("a minute and a half", 90_000),
        ("two minutes", 120_000),
    ],
)
def test_durations(text: str, ms: int | None) -> None:
    assert find_duration_ms(text) == ms


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("make it 15 seconds", "en"),
        ("删除第二张", "zh"),
        ("把BGM调到35%", "zh"),
        ("Make a video about 抹茶", "en"),
        ("35%", "en"),
    ],
)
def test_language(text: str, lang: str) -> None:
    assert language_of(text) == lang


def test_a_text_only_video_of_just_a_title_shows_it_throughout() -> None:
    from nemo_video.backends.local.planner import plan

    result = plan("a 4-second video with the title 'Grand Opening'", [], None)
    assert result.draft is not None
    (title,) = [t for t in result.draft.tracks if t.id == "track_title"]
    assert [(s.start, s.duration_ms) for s in title.segments] == [(0, 4000)]
    with_cta = plan("a 6-second video with the title 'Grand Opening'. Shop now at example.com", [], None)
    assert with_cta.draft is not None
    (short,) = [t for t in with_cta.draft.tracks if t.id == "track_title"]
    assert short.segments[0].duration_ms < 6000  # a closing card follows it, so the title makes way
