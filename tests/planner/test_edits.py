"""Later messages edit the current draft; undo; the honest "cannot do that" reply; determinism."""

from __future__ import annotations

import pytest

from nemo_video.backends.local.planner import Plan, plan
from nemo_video.draft import Draft, TrackType

from .helpers import PHOTOS, check_draft, clip, image, song, texts

FIRST = (
    "Make a 30-second video about our sneakers. Lightweight mesh keeps feet cool. Cushioned sole. "
    "Made to last. Tagline: 'Smooth. Bold. Yours.' Shop now."
)


def _sources(draft: Draft) -> list[str]:
    return [s.src or "" for s in draft.tracks_of(TrackType.VIDEO)[0].segments]


def _bgm(draft: Draft) -> dict[str, object] | None:
    tracks = draft.tracks_of(TrackType.AUDIO)
    return tracks[0].segments[0].to_wire() if tracks else None


def _step(message: str, current: Draft | None, media: list = PHOTOS) -> Plan:  # type: ignore[type-arg]
    result = plan(message, media, current)
    if result.draft is not None:
        check_draft(result.draft, media)
    return result


def test_edit_sequence_generate_shorten_drop_volume() -> None:
    first = _step(FIRST, None)
    assert first.draft is not None and first.draft.duration_ms == 30_000

    shorter = _step("make it 15 seconds", first.draft)
    assert shorter.draft is not None and shorter.draft.duration_ms == 15_000
    assert shorter.reply.startswith("Done: set the length to 15 seconds.")
    assert texts(shorter.draft, "track_title") == ["Smooth. Bold. Yours."]
    assert texts(shorter.draft, "track_cta") == ["Shop now"]
    assert [s.name for s in shorter.steps] == ["set_duration"]

    dropped = _step("drop the second photo", shorter.draft)
    assert dropped.draft is not None
    assert _sources(dropped.draft) == ["/store/photo1.jpg", "/store/photo3.jpg"]
    assert dropped.draft.duration_ms == 15_000
    assert "removed the second photo (photo2.jpg)" in dropped.reply

    quieter = _step("BGM at 35%", dropped.draft)
    assert quieter.draft is not None
    assert _bgm(quieter.draft) is not None and _bgm(quieter.draft)["volume"] == 0.35  # type: ignore[index]
    assert _sources(quieter.draft) == _sources(dropped.draft)
    assert "35%" in quieter.reply and quieter.steps[0].name == "set_music_volume"

    undo = _step("undo", quieter.draft)
    assert undo.undo and undo.draft is None and undo.steps[0].name == "undo"


def test_chinese_edit_sequence_with_undo() -> None:
    first = _step("做一个30秒的竖屏视频，轻盈透气。标语：「轻盈每一步」", None)
    assert first.draft is not None and first.language == "zh"
    shorter = _step("改成15秒", first.draft)
    assert (
        shorter.draft is not None and shorter.draft.duration_ms == 15_000 and "时长改为15秒" in shorter.reply
    )
    dropped = _step("删除第二张", shorter.draft)
    assert dropped.draft is not None and _sources(dropped.draft) == ["/store/photo1.jpg", "/store/photo3.jpg"]
    assert "删除了第二张照片" in dropped.reply
    louder = _step("背景音乐调到35%", dropped.draft)
    assert louder.draft is not None and _bgm(louder.draft)["volume"] == 0.35  # type: ignore[index]
    assert louder.language == "zh" and "35%" in louder.reply
    undo = _step("撤销", louder.draft)
    assert undo.undo and undo.draft is None and undo.language == "zh"


@pytest.mark.parametrize(
    ("message", "order"),
    [
        ("swap the first and second photos", [2, 1, 3]),
        ("put the third photo first", [3, 1, 2]),
        ("move the first photo to the end", [2, 3, 1]),
        ("remove the last image", [1, 2]),
        ("drop the first and third photos", [2]),
        ("reverse the order", [3, 2, 1]),
        ("交换第一张和第二张", [2, 1, 3]),
        ("把第三张照片放到最前面", [3, 1, 2]),
        ("删除最后一张图片", [1, 2]),
    ],
)
def test_media_order_edits(message: str, order: list[int]) -> None:
    first = _step("Make a 12 second video", None)
    edited = _step(message, first.draft)
    assert edited.draft is not None, edited.reply
    assert _sources(edited.draft) == [f"/store/photo{n}.jpg" for n in order]
    assert edited.draft.duration_ms == 12_000


def test_missing_photo_is_an_honest_no_op() -> None:
    first = _step("Make a 12 second video", None)
    result = _step("drop the fifth photo", first.draft)
    assert result.draft is None
    assert result.reply.startswith("There is no fifth photo (there are 3).")


def test_removing_every_photo_is_refused() -> None:
    first = _step("Make a video", None, [image(1)])
    result = _step("remove the first photo", first.draft, [image(1)])
    assert result.draft is None and "at least one" in result.reply


@pytest.mark.parametrize(
    ("message", "check"),
    [
        ("make it vertical", lambda d: (d.meta.width, d.meta.height) == (1080, 1920)),
        ("make it square", lambda d: (d.meta.width, d.meta.height) == (1080, 1080)),
        ("change the title to 'Summer Sale'", lambda d: texts(d, "track_title") == ["Summer Sale"]),
        ("标题改成「夏日特卖」", lambda d: texts(d, "track_title") == ["夏日特卖"]),
        ("remove the title", lambda d: texts(d, "track_title") == [] and d.meta.title is None),
        ("remove the captions", lambda d: texts(d, "track_captions") == []),
        ("去掉字幕", lambda d: texts(d, "track_captions") == []),
        ("mute the music", lambda d: _bgm(d) is None and d.to_wire()["m"]["mood"] == "none"),
        ("不要音乐", lambda d: _bgm(d) is None),
        ("lower the music", lambda d: _bgm(d)["volume"] == 0.48),  # type: ignore[index]
        ("make the music louder", lambda d: _bgm(d)["volume"] == 1.0),  # type: ignore[index]
        ("switch to calm music", lambda d: _bgm(d)["mood"] == "calm"),  # type: ignore[index]
        ("use wipe transitions", lambda d: _first_transition(d) == {"type": "wipeleft", "d": 500}),
        ("no transitions", lambda d: _first_transition(d) == {"type": "cut", "d": 0}),
        ("hard cuts please", lambda d: _first_transition(d) == {"type": "cut", "d": 0}),
        ("make it faster", lambda d: _first_transition(d) == {"type": "slideleft", "d": 300}),
        ("remove the call to action", lambda d: texts(d, "track_cta") == []),
        ("end with 'Order now'", lambda d: texts(d, "track_cta") == ["Order now"]),
        ("make it a minute long", lambda d: d.duration_ms == 60_000),
        ("make it shorter", lambda d: d.duration_ms == 20_000),
    ],
)
def test_single_edits(message: str, check) -> None:  # type: ignore[no-untyped-def]
    first = _step(FIRST, None)
    edited = _step(message, first.draft)
    assert edited.draft is not None, edited.reply
    assert check(edited.draft)
    assert edited.steps and edited.reply


def _first_transition(draft: Draft) -> dict[str, object] | None:
    return draft.tracks_of(TrackType.VIDEO)[0].segments[0].transition_out


def test_edit_keeps_what_it_was_not_asked_to_change() -> None:
    first = _step(FIRST + " Use dissolve transitions, cinematic music.", None)
    assert first.draft is not None
    edited = _step("make it vertical", first.draft)
    assert edited.draft is not None
    assert _first_transition(edited.draft)["type"] == "dissolve"  # type: ignore[index]
    assert _bgm(edited.draft)["mood"] == "cinematic"  # type: ignore[index]
    assert texts(edited.draft, "track_captions") == texts(first.draft, "track_captions")


def test_added_photos_join_the_video() -> None:
    first = _step("Make a video", None, PHOTOS[:2])
    edited = _step("add the new photos", first.draft, PHOTOS)
    assert edited.draft is not None and _sources(edited.draft)[-1] == "/store/photo3.jpg"


def test_uploaded_song_becomes_the_music_on_request() -> None:
    first = _step("Make a video", None)
    edited = _step("use my song", first.draft, [*PHOTOS, song()])
    assert edited.draft is not None and _bgm(edited.draft)["src"] == "/store/song1.mp3"  # type: ignore[index]


def test_volume_on_a_silent_video_adds_music() -> None:
    first = _step("Make a video without music", None)
    edited = _step("BGM at 35%", first.draft)
    assert edited.draft is not None and _bgm(edited.draft)["volume"] == 0.35  # type: ignore[index]
    assert "added music" in edited.reply


@pytest.mark.parametrize("message", ["add a talking avatar", "make it look better", "hmm"])
def test_cannot_act_reply_lists_what_it_can_do(message: str) -> None:
    first = _step(FIRST, None)
    result = _step(message, first.draft)
    assert result.draft is None and not result.undo and result.steps == []
    assert "I can set the length" in result.reply
    if "avatar" in message:
        assert "I can't add a talking avatar here." in result.reply


def test_cannot_act_in_chinese() -> None:
    first = _step(FIRST, None)
    result = _step("加一个数字人", first.draft)
    assert result.draft is None and result.language == "zh"
    assert "这里无法添加数字人" in result.reply and "我可以" in result.reply


def test_nothing_to_show_without_media_or_words() -> None:
    result = plan("make it look better", [], None)
    assert result.draft is None and "There is no video yet" in result.reply


def test_unsupported_part_of_a_doable_request_is_mentioned() -> None:
    result = _step("Make a 20 second video with a voice-over about our tea. Grown on misty hills.", None)
    assert result.draft is not None and "I can't add a voice-over here" in result.reply


def test_a_new_request_replaces_the_current_draft() -> None:
    first = _step(FIRST, None)
    fresh = _step("Make a square 10 second video", first.draft)
    assert fresh.draft is not None and fresh.draft.duration_ms == 10_000
    assert texts(fresh.draft, "track_title") == [] and fresh.reply.startswith("Made a 10-second 1080x1080")


@pytest.mark.parametrize(
    ("message", "media", "current"),
    [
        (FIRST, PHOTOS, False),
        ("做一个30秒的竖屏视频，轻盈透气。标语：「轻盈每一步」", PHOTOS, False),
        ("A text-only video. Title: Launch day. Big things are coming.", [], False),
        ("make it 15 seconds and drop the second photo", PHOTOS, True),
        ("Make a video", [image(1), clip(1, 3.0), clip(2, 20.0, has_audio=False), song()], False),
    ],
)
def test_same_input_gives_identical_draft(message: str, media: list, current: bool) -> None:  # type: ignore[type-arg]
    base = plan(FIRST, PHOTOS, None).draft if current else None
    one, two = plan(message, media, base), plan(message, media, base)
    assert one.draft is not None and two.draft is not None
    assert one.draft.to_wire() == two.draft.to_wire()
    assert one.reply == two.reply and one.steps == two.steps


def test_clip_is_not_stretched_past_its_length_when_photos_can_take_the_time() -> None:
    media = [image(1), clip(1, 3.0), image(2)]
    result = _step("Make a 20 second video", None, media)
    assert result.draft is not None
    segments = result.draft.tracks_of(TrackType.VIDEO)[0].segments
    assert segments[1].type == "video" and (segments[1].duration_ms or 0) <= 3000
    assert segments[1].volume == 0.25  # ducked under the music


def test_a_draft_from_elsewhere_can_be_edited() -> None:
    from tests.conftest import fixture_json

    cloud = Draft.from_wire(fixture_json("draft_example.json"))
    assert cloud is not None
    media = [s for t in cloud.tracks_of(TrackType.VIDEO) for s in t.segments]
    result = plan("make it vertical", [], cloud)
    assert result.draft is not None
    assert (result.draft.meta.width, result.draft.meta.height) == (1080, 1920)  # type: ignore[union-attr]
    assert _sources(result.draft) == [s.src for s in media]
    assert texts(result.draft, "track_title") == ["Golden Hour"]
