"""For any message the planner never raises, its operations always apply, and it is deterministic."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nemo_video.backends.base import Asset
from nemo_video.backends.local.planner import plan
from nemo_video.composition import Composition, apply, from_draft, to_draft

from .conversation import asset

_LINES = (
    "make a video 30-second 15s vertical square TikTok 'Title' 「标题」 shop now example.com drop the second",
    "photo swap first and third BGM at 35% undo redo no music calm energetic wipe transitions remove",
    "captions title: 半分钟 删除第二张 撤销 竖屏 立即购买 put last move to position 99 0 seconds",
    "1000 minutes . , 。 标语： “quoted” make it shorter lower the music larger bigger orange",
    "blue white one street shot portrait landscape 蓝色那张 第三张 每张图停留四秒 标题放大一点",
    "headline bottom top box band caption over on instead per photo each 3 seconds logo font",
    "replace with use instead of open with end card finish with 'Shop at x.example' swap photos one two",
)
WORDS = [w for line in _LINES for w in line.split()] + [
    "冷萃十八小时",
    "since 1987",
    "quieter music and slower transitions",
    "captions for each screen:",
]
MEDIA: list[list[Asset]] = [
    [],
    [asset(n) for n in ("sneaker-white.jpg", "sneaker-black.jpg", "street.jpg")],
    [asset("beach.jpg")],
    [asset(n) for n in ("beach.jpg", "surf.mp4", "kitchen.mp4", "song.mp3", "logo.png")],
    [asset(n) for n in ("IMG_0101.jpg", "IMG_0102.jpg", "IMG_0103.jpg", "IMG_0104.jpg", "cat.jpg", "dog.jpg")],
]
messages = st.one_of(st.text(max_size=160), st.lists(st.sampled_from(WORDS), max_size=20).map(" ".join))


def _start(media: list[Asset]) -> Composition:
    first = plan("Make a 20 second video, title 'Hi', captions: 'A', 'B'. Shop now.", media, None)
    comp = apply(Composition(language=first.language), first.ops, media)
    return from_draft(to_draft(comp, media), media)


STARTS = [_start(m) if m else None for m in MEDIA]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(message=messages, which=st.integers(0, len(MEDIA) - 1), edit=st.booleans())
def test_plan_never_raises_and_its_operations_apply(message: str, which: int, edit: bool) -> None:
    media = MEDIA[which]
    current = STARTS[which] if edit else None
    result = plan(message, media, current)
    assert isinstance(result.reply, str) and result.reply.strip()
    assert result.language in ("en", "zh")
    if result.history is not None:
        assert result.ops == []
        return
    if result.ops:
        base = Composition(language=result.language) if result.fresh or current is None else current
        after = apply(base, result.ops, media)  # raises OperationError if the planner broke its contract
        draft = to_draft(after, media)
        assert from_draft(draft, media) == from_draft(to_draft(from_draft(draft, media), media), media)
        assert result.steps, "every change is reported as a step"
    else:
        assert not result.steps
    again = plan(message, media, current)
    assert again.ops == result.ops and again.reply == result.reply
