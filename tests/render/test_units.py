"""Fonts, music beds and the progress parser: small pieces, checked without a render."""

from __future__ import annotations

from pathlib import Path

import pytest

from nemo_video.backends.local.render import fonts, music
from nemo_video.backends.local.render.runner import ProgressParser
from nemo_video.errors import ErrorCode, NemoVideoError


def test_latin_text_gets_roboto_and_chinese_gets_a_cjk_font() -> None:
    assert fonts.pick_font("Summer sale", bold=True).path == fonts.roboto(True)
    cjk = fonts.pick_font("夏季促销", bold=True)
    assert cjk.path == fonts.regional_face(fonts.noto_cjk(), "SC")  # type: ignore[arg-type]
    assert not fonts.covers(fonts.roboto(False), "夏")  # type: ignore[arg-type]
    assert fonts.covers(cjk.path, "夏季促销 Sale!")


def test_no_font_for_the_text_is_a_clear_error(tmp_path: Path) -> None:
    # A private-use character no font draws: every candidate is checked and refused.
    with pytest.raises(NemoVideoError) as info:
        fonts.pick_font("\U000f0001", bold=False, font_dirs=(tmp_path,))
    assert info.value.code is ErrorCode.FONT_MISSING
    assert "NEMO_FONT_DIRS" in info.value.hint


def test_wrap_by_words_and_by_cjk_characters() -> None:
    latin = fonts.pick_font("x", bold=False)
    lines = fonts.wrap(latin, 40, "one two three four five six seven", 200)
    assert len(lines) > 1 and " ".join(lines) == "one two three four five six seven"
    assert all(fonts.text_width(latin, 40, line) <= 200 for line in lines)
    cjk = fonts.pick_font("新", bold=False)
    lines = fonts.wrap(cjk, 40, "新品上市立即购买限时优惠", 170)
    assert "".join(lines) == "新品上市立即购买限时优惠" and len(lines) == 3


@pytest.mark.parametrize("mood", music.MOODS)
def test_music_expression_is_deterministic_and_distinct(mood: str) -> None:
    assert music.expression(mood, 100) == music.expression(mood, 100)
    others = {music.expression(m) for m in music.MOODS if m != mood}
    assert music.expression(mood) not in others
    assert "random" not in music.expression(mood)


def test_music_bed_loops_four_bars() -> None:
    assert music.loop_seconds("upbeat", 120) == pytest.approx(8.0)
    chain = music.bed_chain("calm", 60, 5.0)
    assert "aevalsrc=" in chain and "d=5" in chain and "alimiter" in chain  # shorter than a loop: no waste


def test_progress_is_monotonic_with_a_message_and_keeps_the_error_tail() -> None:
    seen: list[tuple[float, str]] = []
    parser = ProgressParser(10.0, lambda f, m: seen.append((f, m)))
    for line in [
        "frame=1",
        "out_time_us=N/A",
        "out_time_us=2500000",
        "progress=continue",
        "[x264 @ 0x1] something odd",
        "out_time_us=1000000",
        "out_time_us=12300000",
        "progress=end",
    ]:
        parser.feed(line)
    assert [f for f, _ in seen] == [0.25, 0.99, 1.0]
    assert seen[0][1] == "Rendering 2.5 s of 10 s"
    assert parser.error_text() == "[x264 @ 0x1] something odd"
