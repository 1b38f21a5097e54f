"""Operations apply all-or-nothing; a bad one is refused naming its index, field and valid values."""

from __future__ import annotations

from typing import Any

import pytest

from nemo_video.composition import Composition, OperationError, apply, parse_operations, to_draft
from nemo_video.composition import defaults as D
from nemo_video.composition.wire import font_px, text_center

from .media import MEDIA


def build(*ops: dict[str, Any], base: Composition | None = None) -> Composition:
    return apply(base or Composition(), parse_operations(list(ops)), MEDIA)


def reel() -> Composition:
    return build(
        {"op": "set_format", "platform": "tiktok"},
        {"op": "add_scene", "media": "m1"},
        {"op": "add_scene", "media": "m2"},
        {"op": "add_scene", "media": "m3"},
        {"op": "set_text", "role": "title", "text": "Run The City"},
        {"op": "set_text", "role": "cta", "text": "Shop at stride.example"},
    )


def test_a_reel_from_operations_lays_out_in_the_safe_zone() -> None:
    comp = reel()
    assert comp.format.aspect == "9:16" and comp.format.resolved_platform == "tiktok"
    assert [s.media for s in comp.scenes] == ["m1", "m2", "m3"]
    draft = to_draft(comp, MEDIA)
    assert (draft.meta and draft.meta.width, draft.meta and draft.meta.height) == (1080, 1920)
    left, top, right, bottom = D.SAFE_ZONES["tiktok"]
    for text in comp.all_texts():
        x, y = text_center(comp, text)
        assert left <= x <= right and top <= y <= bottom
    title = comp.texts_of("title")[0]
    assert font_px(comp, title) >= 0.05 * 1920


def test_scene_texts_move_with_their_scene_and_go_with_it() -> None:
    comp = build({"op": "set_text", "text": "Only 200 pairs", "scene": "s2"}, base=reel())
    moved = build({"op": "move_scene", "scene": "s2", "to": 1}, base=comp)
    assert moved.scenes[0].id == "s2" and [t.text for t in moved.scenes[0].texts] == ["Only 200 pairs"]
    removed = build({"op": "remove_scene", "scene": "s2"}, base=moved)
    assert all(t.text != "Only 200 pairs" for t in removed.all_texts())
    assert [s.id for s in removed.scenes] == ["s1", "s3"]


def test_per_scene_duration_sets_each_scene_and_the_total_follows() -> None:
    comp = build(
        {"op": "set_duration", "seconds": 20}, {"op": "set_duration", "seconds": 3, "scene": "each"}, base=reel()
    )
    assert comp.duration_ms is None and {s.duration_ms for s in comp.scenes} == {3000}
    draft = to_draft(comp, MEDIA)
    assert draft.duration_ms == 9000 + 2500  # the call to action's end card follows
    video = draft.tracks[0].segments
    cuts = [seg.start + seg.duration_ms - 250 for seg in video[:-1]]  # a cut is mid-transition (500 ms)
    beat = 60_000 / 118  # the default upbeat bed
    assert [round(c / beat) for c in cuts] == [6, 12, 18] and all(abs(c / beat - round(c / beat)) < 0.01 for c in cuts)
    cta = next(t for t in draft.tracks if t.id == "track_cta").segments[0]
    assert video[-1].model_extra and video[-1].model_extra["role"] == "end_card"
    assert cta.start == cuts[-1] and cta.start + cta.duration_ms == 11500 and cta.duration_ms >= 2000


def test_without_beat_sync_the_cuts_keep_the_asked_lengths() -> None:
    comp = build(
        {"op": "set_duration", "seconds": 3, "scene": "each"}, {"op": "set_music", "beat_sync": False}, base=reel()
    )
    video = to_draft(comp, MEDIA).tracks[0].segments
    assert [seg.start + seg.duration_ms - 250 for seg in video[:-1]] == [3000, 6000, 9000]


def test_one_scene_longer_keeps_the_asked_total() -> None:
    comp = build({"op": "set_duration", "seconds": 12}, {"op": "set_duration", "seconds": 6, "scene": -1}, base=reel())
    draft = to_draft(comp, MEDIA)
    assert draft.duration_ms == 12000
    video = draft.tracks[0].segments
    assert video[-1].duration_ms is not None and video[0].duration_ms is not None
    assert video[-1].duration_ms > video[0].duration_ms


def test_title_style_and_slot_change_only_what_is_given() -> None:
    comp = build(
        {
            "op": "set_text",
            "role": "title",
            "style": {"size": "large", "color": "orange"},
            "position": {"slot": "bottom"},
        },
        base=reel(),
    )
    title = comp.texts_of("title")[0]
    assert title.text == "Run The City" and title.style.size == "large" and title.style.color == "#F97316"
    assert font_px(comp, title) >= 1.15 * font_px(reel(), reel().texts_of("title")[0])
    assert text_center(comp, title)[1] > text_center(reel(), reel().texts_of("title")[0])[1]


def test_restyling_a_role_without_text_changes_every_text_of_it() -> None:
    comp = build(
        {"op": "set_text", "role": "caption", "text": "A", "scene": 1},
        {"op": "set_text", "role": "caption", "text": "B", "scene": 2},
        {"op": "set_text", "role": "caption", "style": {"color": "yellow"}},
        base=reel(),
    )
    assert [t.style.color for t in comp.texts_of("caption")] == ["#FACC15", "#FACC15"]


def test_music_transition_and_brand() -> None:
    comp = build(
        {"op": "set_music", "asset": "m5", "volume": 0.4},
        {"op": "set_transition", "kind": "slideleft", "seconds": 0.3},
        {"op": "set_brand", "palette": ["#112233", "orange"], "logo": "m1", "corner": "top_left"},
        base=reel(),
    )
    assert comp.music.kind == "asset" and comp.music.asset == "m5" and comp.music.volume == 0.4
    assert comp.transition.kind == "slideleft" and comp.transition.duration_ms == 300
    assert comp.brand.palette == ["#112233", "#F97316"] and comp.brand.logo == "m1"
    draft = to_draft(comp, MEDIA)
    bgm = next(t for t in draft.tracks if t.id == "track_bgm").segments[0]
    assert bgm.src == "/store/beat.mp3" and bgm.volume == 0.4


@pytest.mark.parametrize(
    ("ops", "index", "field", "valid"),
    [
        ([{"op": "remove_scene", "scene": "s9"}], 0, "scene", "s1, s2, s3"),
        (
            [{"op": "set_text", "role": "title", "text": "x"}, {"op": "move_scene", "scene": "s1", "to": 7}],
            1,
            "to",
            "1..3",
        ),
        ([{"op": "add_scene", "media": "m5"}], 0, "media", "m1, m2, m3, m4"),
        ([{"op": "set_music", "asset": "m1"}], 0, "asset", "m4, m5"),
        ([{"op": "set_text", "id": "t42", "text": "x"}], 0, "id", "t1, t2"),
        ([{"op": "set_brand", "logo": "m4"}], 0, "logo", "m1, m2, m3"),
        ([{"op": "remove_text", "role": "caption"}], 0, "role", "t1 (title), t2 (cta)"),
    ],
)
def test_a_bad_operation_names_index_field_value_and_valid_values(
    ops: list[dict[str, Any]], index: int, field: str, valid: str
) -> None:
    before = reel()
    with pytest.raises(OperationError) as caught:
        build(*ops, base=before)
    err = caught.value
    assert (err.index, err.field) == (index, field) and valid in err.valid
    assert f"Operation {index} ({field})" in err.message and "nothing was applied" in err.hint
    assert before == reel()  # untouched


@pytest.mark.parametrize(
    ("raw", "index", "field", "valid"),
    [
        ([{"op": "set_format", "aspect": "3:2"}], 0, "aspect", "'9:16', '1:1', '4:5' or '16:9'"),
        ([{"op": "sparkle"}], 0, "op", "set_format"),
        ([{"op": "set_text", "text": "x"}, {"op": "set_duration", "seconds": -5}], 1, "seconds", "greater than 0"),
        ([{"op": "set_text", "text": "x", "style": {"color": "plaid"}}], 0, "style.color", "#RRGGBB"),
        ([{"op": "set_music", "volume": 3}], 0, "volume", "le 1"),
        ([], 0, "operations", "non-empty list"),
        ([{"op": "set_text", "text": " \n "}], 0, "text", "something visible"),
        ([{"op": "set_text", "text": "Sale\x00"}], 0, "text", "without control characters"),
    ],
)
def test_schema_errors_name_index_field_and_valid_values(raw: Any, index: int, field: str, valid: str) -> None:
    with pytest.raises(OperationError) as caught:
        parse_operations(raw)
    assert (caught.value.index, caught.value.field) == (index, field)
    assert valid in caught.value.message


def test_undo_and_redo_must_stand_alone() -> None:
    from nemo_video.composition import history_op

    assert history_op(parse_operations([{"op": "undo"}])) == "undo"
    assert history_op(parse_operations([{"op": "redo"}])) == "redo"
    assert history_op(parse_operations([{"op": "set_pace", "pace": "calm"}])) is None
    with pytest.raises(OperationError) as caught:
        history_op(parse_operations([{"op": "set_pace", "pace": "calm"}, {"op": "undo"}]))
    assert caught.value.index == 1


def test_the_end_card_takes_the_brand_colour_or_the_pictures_dark_enough_for_white_text() -> None:
    from nemo_video.backends.base import Asset
    from nemo_video.composition.colors import contrast, luminance, rgb
    from nemo_video.composition.wire import card_colors

    white = luminance(255, 255, 255)
    branded = build({"op": "set_brand", "palette": ["#F97316"]}, base=reel())
    orange_card = card_colors(branded, {m.id: m for m in MEDIA})
    pictures = [m.model_copy(update={"palette": ("#7DD3FC",)}) if isinstance(m, Asset) else m for m in MEDIA]
    sky_card = card_colors(reel(), {m.id: m for m in pictures})
    assert card_colors(reel(), {m.id: m for m in MEDIA}) == (D.CARD_COLOR, D.CARD_COLOR)
    for card, hue in ((orange_card, "#F97316"), (sky_card, "#7DD3FC")):
        assert all(contrast(white, luminance(*rgb(c))) >= 7 for c in card)
        r, g, b = rgb(card[0])
        hr, hg, hb = rgb(hue)
        assert (r >= g >= b) == (hr >= hg >= hb)  # the same hue, only darker


def test_without_a_brand_the_end_card_takes_the_pictures_accent_not_their_grey_backdrop() -> None:
    """A product shot's dominant colour is often its grey studio backdrop: the card takes the most
    vivid colour of the pictures instead (the demo: a grey-blue, teal and coral set gives a rust card)."""
    from nemo_video.backends.base import Asset
    from nemo_video.composition.wire import card_colors

    palettes = (("#A3A2AC", "#2F395D"), ("#76BAB0", "#CDE6DF"), ("#F1AC97", "#F9DACC"))
    pictures = [m for m in MEDIA if isinstance(m, Asset) and m.kind == "image"][:3]
    media = {m.id: m.model_copy(update={"palette": p}) for m, p in zip(pictures, palettes, strict=True)}
    comp = build(*({"op": "add_scene", "media": m} for m in media))
    card = card_colors(comp, media)[0]
    r, g, b = (int(card[i : i + 2], 16) for i in (1, 3, 5))
    assert r > g > b and r - b > 80, card  # the coral's hue, darkened: not the grey #565560
    grey = {m: a.model_copy(update={"palette": ("#A3A2AC",)}) for m, a in media.items()}
    assert card_colors(comp, grey)[0] == "#565560"  # only greys: the dominant one, darkened


def test_card_scenes_are_drawn_as_backdrops_and_read_back_as_cards() -> None:
    from nemo_video.backends.base import RenderRequest
    from nemo_video.backends.local.render.plan import build_plan
    from nemo_video.composition import from_draft

    comp = build(
        {"op": "add_scene", "kind": "card", "colors": ["navy", "#000000"]},
        {"op": "set_text", "text": "Open 7am-3pm", "scene": 1},
    )
    draft = to_draft(comp)
    [segment] = draft.tracks[0].segments
    assert segment.type == "background" and segment.style == {"color": "#1E3A8A", "color2": "#000000"}
    plan = build_plan(draft, RenderRequest(destination="/tmp/x.mp4", height=180), {})
    assert [v.kind for v in plan.visuals] == ["background"] and plan.texts[0].lines
    assert from_draft(draft).scenes[0].kind == "card"


def test_the_brand_logo_is_resolved_to_its_file_in_the_draft() -> None:
    comp = build({"op": "set_brand", "logo": "m1", "corner": "bottom_left"}, base=reel())
    meta = to_draft(comp, MEDIA).meta
    assert meta is not None and (meta.model_extra or {})["brand"] == {
        "logo_src": "/store/sneaker-white.jpg",
        "corner": "bottom_left",
    }
