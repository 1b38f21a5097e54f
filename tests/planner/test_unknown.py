"""Requests outside the vocabulary: nothing silently wrong — the reply names the part not done."""

from __future__ import annotations

import pytest

from nemo_video.backends.local.planner import plan
from nemo_video.composition import Composition, apply, from_draft, to_draft

from .conversation import asset

MEDIA = [asset(n) for n in ("sneaker-white.jpg", "sneaker-black.jpg", "street.jpg")]


def _start() -> Composition:
    first = plan("Make a 12 second video with the title 'Run' and the caption 'Fast feet'", MEDIA, None)
    comp = apply(Composition(language=first.language), first.ops, MEDIA)
    return from_draft(to_draft(comp, MEDIA), MEDIA)


START = _start()

# (request, a word the reply must name as not done)
NOTHING: list[tuple[str, str]] = [
    ("add sparkles", "sparkles"),
    ("make it go viral", "viral"),
    ("add a countdown timer", "countdown"),
    ("blur the faces", "blur"),
    ("make the sky more dramatic", "sky"),
    ("add a voice-over", "voice-over"),
    ("add a talking avatar", "avatar"),
    ("translate the captions to Spanish", "translate"),
    ("add some emojis", "stickers"),
    ("make it in 3D", "images"),
    ("add a QR code", "qr"),
    ("put a watermark on it", "watermark"),
    ("sync the cuts to the lyrics", "lyrics"),
    ("add film grain", "grain"),
    ("remove the background of the street photo", "backgrounds"),
    ("apply a vintage filter", "vintage"),
    ("add confetti at the end", "confetti"),
    ("make the sneaker spin", "sneaker"),
    ("lip sync it to the song", "lip sync"),
    ("make the music jazzier", "jazzier"),
    ("remove the seventh photo", "seventh"),
    ("make a GIF version too", "gif"),
    ("加个烟花特效", "烟花"),
    ("加点滤镜", "滤镜"),
    ("把人脸打码", "打码"),
    ("加一个倒计时", "倒计时"),
    ("让它更有高级感", "高级感"),
    ("加个配音", "配音"),
    ("加个二维码", "二维码"),
    ("换脸", "换脸"),
    ("加点贴纸", "贴纸"),
    ("删除第九张", "第九"),
]
# (request, the understood operation kinds, a word the reply must name as not done)
PARTLY: list[tuple[str, set[str], str]] = [
    ("title in red and add sparkles", {"set_text"}, "sparkles"),
    ("add a voice-over and make it 15 seconds", {"set_duration"}, "voice-over"),
    ("quieter music and a glitch effect", {"set_music"}, "glitch"),
    ("标题改成红色，再加个烟花特效", {"set_text"}, "烟花"),
    ("swap photos one and two, then add lens flares", {"move_scene"}, "lens flares"),
]


@pytest.mark.parametrize(("message", "word"), NOTHING)
def test_an_unknown_request_changes_nothing_and_says_so(message: str, word: str) -> None:
    result = plan(message, MEDIA, START)
    assert result.ops == [] and result.history is None, result.ops
    assert any(word.lower() in note.lower() for note in result.notes), result.notes
    for part in result.notes:
        assert part in result.reply
    assert "not changed" in result.reply or "没有改动" in result.reply


@pytest.mark.parametrize(("message", "kinds", "word"), PARTLY)
def test_a_partly_understood_request_does_only_that_part(message: str, kinds: set[str], word: str) -> None:
    result = plan(message, MEDIA, START)
    assert {op.op for op in result.ops} == kinds
    apply(START, result.ops, MEDIA)
    assert any(word.lower() in note.lower() for note in result.notes), result.notes
    assert any(part in result.reply for part in result.notes)


def test_there_are_at_least_thirty_unknown_requests() -> None:
    assert len(NOTHING) + len(PARTLY) >= 30


@pytest.mark.parametrize(
    ("message", "word"),
    [
        ("Make a 10 second video with sparkles and a countdown", "sparkles"),
        ("做一个视频，加点烟花特效", "烟花"),
        ("Make a video about our shoes with a voice-over", "voice-over"),
    ],
)
def test_a_new_video_names_what_it_left_out(message: str, word: str) -> None:
    result = plan(message, MEDIA, None)
    assert result.fresh and [op.op for op in result.ops].count("add_scene") == len(MEDIA)
    assert any(word in note for note in result.notes) and any(note in result.reply for note in result.notes)


@pytest.mark.parametrize(
    ("request_text", "said"),
    [
        ("make it -5 s", "cannot be negative"),
        ("minus ten seconds", "cannot be negative"),
        ("-3 seconds per photo", "cannot be negative"),
        ("时长改成负五秒", "不能是负数"),
    ],
)
def test_a_negative_length_is_refused_not_flipped(request_text: str, said: str) -> None:
    result = plan(request_text, MEDIA, START)
    assert result.ops == [] and said in result.reply


def test_a_minus_sign_inside_a_quoted_text_is_content() -> None:
    result = plan("title 'Sale -50% today', 8 seconds", MEDIA, START)
    ops = {op.op: op for op in result.ops}
    assert ops["set_duration"].seconds == 8  # type: ignore[union-attr]
    assert ops["set_text"].text == "Sale -50% today"  # type: ignore[union-attr]
