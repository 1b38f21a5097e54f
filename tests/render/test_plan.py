"""Draft + request → render plan, without running anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from nemo_video.backends.base import RenderRequest
from nemo_video.backends.local.render import layout
from nemo_video.backends.local.render.fonts import noto_cjk, regional_face, roboto
from nemo_video.backends.local.render.plan import build_plan
from nemo_video.errors import ErrorCode, NemoVideoError

from .builders import background, draft, image_segment, synth, text_segment

OUT = Path("/tmp/never-written.mp4")


def _request(**kw: object) -> RenderRequest:
    return RenderRequest(destination=OUT, **kw)  # type: ignore[arg-type]


def _three(tmp: Path = Path("/x")) -> list[dict[str, object]]:
    return [
        image_segment(tmp / "a.jpg", 2000, direction="in"),
        image_segment(tmp / "b.jpg", 2000, direction="left", transition="wipeleft", t_ms=500),
        image_segment(tmp / "c.jpg", 2000, direction="out"),
    ]


def test_overlaps_follow_the_transitions() -> None:
    plan = build_plan(draft(_three()), _request(), {})
    starts = [v.start_s for v in plan.visuals]
    assert starts == pytest.approx([0.0, 1.7, 3.2])
    assert [v.transition for v in plan.visuals] == ["fade", "wipeleft", None]
    assert plan.duration_s == pytest.approx(5.2)
    assert plan.frames == 156


def test_cut_has_no_overlap_and_overlap_never_eats_a_segment() -> None:
    visuals = [
        image_segment(Path("/a.jpg"), 1000, transition="cut"),
        image_segment(Path("/b.jpg"), 400, transition="crossfade", t_ms=900),
        image_segment(Path("/c.jpg"), 1000),
    ]
    plan = build_plan(draft(visuals, duration=2000), _request(), {})
    assert plan.visuals[0].transition is None and plan.visuals[1].start_s == pytest.approx(1.0)
    assert plan.visuals[1].transition_s == pytest.approx(0.4 - 1 / 30)


def test_height_scales_size_and_fonts() -> None:
    d = draft(_three(), texts=[text_segment("Hello", 0, 2000, size=108)])
    full = build_plan(d, _request(), {})
    small = build_plan(d, _request(height=180), {})
    assert (full.width, full.height) == (1920, 1080)
    assert (small.width, small.height) == (320, 180)
    assert small.texts[0].size == 18 and full.texts[0].size == 108


def test_vertical_height_keeps_aspect_and_even_sizes() -> None:
    plan = build_plan(draft(_three(), width=1080, height=1920), _request(height=321), {})
    assert plan.height % 2 == 0 and plan.width % 2 == 0
    assert plan.width / plan.height == pytest.approx(1080 / 1920, abs=0.01)


@pytest.mark.parametrize("y", [0.0, 0.05, 0.5, 0.95, 1.0])
@pytest.mark.parametrize(("w", "h"), [(1920, 1080), (1080, 1920), (1080, 1080)])
def test_text_is_clamped_into_the_safe_zone(y: float, w: int, h: int) -> None:
    d = draft(_three(), width=w, height=h, texts=[text_segment("Summer sale, everything must go", 0, 2000, y=y)])
    text = build_plan(d, _request(), {}).texts[0]
    zone = layout.zone(None, w, h)
    assert text.top_y >= zone.top - 0.5
    assert text.top_y + text.height <= zone.bottom + 0.5
    assert zone.left - 0.5 <= text.center_x - max(text.widths) / 2
    assert text.center_x + max(text.widths) / 2 <= zone.right + 0.5


def test_long_text_wraps_within_the_frame() -> None:
    words = "A very long caption that cannot possibly fit on one line of a vertical video frame"
    d = draft(_three(), width=1080, height=1920, texts=[text_segment(words, 0, 2000, size=80)])
    text = build_plan(d, _request(), {}).texts[0]
    assert len(text.lines) >= 3
    assert " ".join(text.lines) == words


def test_fonts_latin_roboto_and_chinese_cjk() -> None:
    d = draft(_three(), texts=[text_segment("Hello", 0, 1000), text_segment("新品上市", 0, 1000, role="caption")])
    latin, chinese = build_plan(d, _request(), {}).texts
    assert latin.font == roboto(True)
    assert chinese.font == regional_face(noto_cjk(), "SC")  # type: ignore[arg-type]


def test_fades_and_timing_of_text() -> None:
    d = draft(_three(), texts=[text_segment("Hi", 500, 1000)])
    text = build_plan(d, _request(), {}).texts[0]
    assert (text.start_s, text.end_s, text.fade_in_s, text.fade_out_s) == pytest.approx((0.5, 1.5, 0.2, 0.2))


def test_directions_are_kept_and_missing_ones_vary() -> None:
    visuals = _three()
    for seg in visuals:
        seg.pop("motion")
    plan = build_plan(draft(visuals), _request(), {})
    directions = [v.motion.direction for v in plan.visuals if v.motion]
    assert len(set(directions)) == 3


def test_music_synth_and_silence() -> None:
    plan = build_plan(draft(_three(), music=synth("lofi", 0.35)), _request(), {})
    assert plan.music is not None and plan.music.kind == "synth" and plan.music.mood == "lofi"
    assert plan.music.volume == pytest.approx(0.35)
    assert build_plan(draft(_three()), _request(), {}).music is None


def test_background_only_plan() -> None:
    plan = build_plan(draft([background(1500), background(1500, colors=("#000000", "#ffffff"))]), _request(), {})
    assert [v.kind for v in plan.visuals] == ["background", "background"]
    assert plan.visuals[1].colors == ("#000000", "#ffffff")


def test_gif_is_capped_in_size_and_rate() -> None:
    plan = build_plan(draft(_three()), _request(format="gif"), {})
    assert plan.height == 480 and plan.fps == 15


def test_empty_timeline_and_sourceless_segment_are_refused() -> None:
    with pytest.raises(NemoVideoError) as info:
        build_plan(draft([]), _request(), {})
    assert info.value.code is ErrorCode.NOTHING_TO_EXPORT
    broken = image_segment(Path("/a.jpg"), 1000)
    broken.pop("src")
    with pytest.raises(NemoVideoError) as info:
        build_plan(draft([broken]), _request(), {})
    assert info.value.code is ErrorCode.INVALID_DRAFT
