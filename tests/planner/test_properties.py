"""plan() never raises, and whatever it returns satisfies the draft invariants (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nemo_video.backends.local.planner import plan

from .helpers import PHOTOS, check_draft, clip, image, song

WORDS = [
    "make",
    "a",
    "video",
    "30-second",
    "15s",
    "vertical",
    "square",
    "TikTok",
    "'Title'",
    "「标题」",
    "shop now",
    "example.com",
    "drop",
    "the",
    "second",
    "photo",
    "swap",
    "first",
    "and",
    "third",
    "BGM",
    "at",
    "35%",
    "undo",
    "no music",
    "calm",
    "energetic",
    "wipe",
    "transitions",
    "remove",
    "captions",
    "title:",
    "半分钟",
    "删除第二张",
    "撤销",
    "竖屏",
    "立即购买",
    "put",
    "last",
    "move",
    "to",
    "position",
    "99",
    "0 seconds",
    "1000 minutes",
    ".",
    ",",
    "。",
    "\n",
    "标语：",
    "“quoted”",
    "make it",
    "shorter",
    "lower",
    "the music",
]
MEDIA = [
    [],
    PHOTOS,
    [image(1)],
    [image(1), clip(1, 0.2), clip(2, 30.0, False), song()],
    [image(n) for n in range(1, 13)],
]

texts = st.one_of(st.text(max_size=200), st.lists(st.sampled_from(WORDS), max_size=25).map(" ".join))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(message=texts, media_index=st.integers(0, len(MEDIA) - 1), edit=st.booleans())
def test_plan_never_raises_and_drafts_are_valid(message: str, media_index: int, edit: bool) -> None:
    media = MEDIA[media_index]
    current = (
        plan("Make a 20 second video. Tagline: 'Hi'. Fresh every day. Shop now.", media, None).draft
        if edit and media
        else None
    )
    result = plan(message, media, current)
    assert isinstance(result.reply, str) and result.reply
    assert result.language in ("en", "zh")
    if result.undo:
        assert result.draft is None
    if result.draft is not None:
        check_draft(result.draft, media)
        assert plan(message, media, current).draft == result.draft
