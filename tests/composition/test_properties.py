"""Any operation list applies or is refused with OperationError; composition → draft → composition is the
identity; a draft we wrote reads back and writes out unchanged, unknown keys included (hypothesis)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nemo_video.composition import Composition, OperationError, apply, from_draft, parse_operations, to_draft
from nemo_video.composition import defaults as D
from nemo_video.draft import Draft

from .media import MEDIA

scene_ref = st.one_of(st.sampled_from(["s1", "s2", "s3", "s4", "s9", "each"]), st.integers(-4, 5))
media_id = st.sampled_from(["m1", "m2", "m3", "m4", "m5", "nope"])
seconds = st.one_of(st.floats(-1, 200, allow_nan=False), st.sampled_from([0.5, 2, 3, 15]))
words = st.text(min_size=0, max_size=30)
color = st.sampled_from(["orange", "#fff", "#12ab9C", "plaid", "white"])
style = st.fixed_dictionaries(
    {},
    optional={
        "size": st.one_of(st.sampled_from(D.STEP_ORDER), st.integers(0, 700)),
        "color": color,
        "weight": st.sampled_from([400, 700, 500]),
        "backdrop": st.sampled_from(["box", "band", "none", "glitter"]),
        "backdrop_opacity": st.floats(-0.5, 1.5, allow_nan=False),
    },
)
position = st.fixed_dictionaries(
    {}, optional={"slot": st.sampled_from([*D.SLOTS, "middle"]), "x": st.floats(-0.2, 1.2), "y": st.floats(0, 1)}
)

OPS = st.one_of(
    st.builds(
        lambda a, p: {"op": "set_format", "aspect": a, "platform": p},
        st.sampled_from([*D.ASPECTS, None, "3:2"]),
        st.sampled_from([*D.PLATFORMS, None]),
    ),
    st.builds(lambda s, r: {"op": "set_duration", "seconds": s, "scene": r}, seconds, st.one_of(st.none(), scene_ref)),
    st.builds(lambda p: {"op": "set_pace", "pace": p}, st.sampled_from([*D.PACES, "fast"])),
    st.builds(
        lambda m, k, p: {"op": "add_scene", "media": m, "kind": k, "position": p},
        st.one_of(st.none(), media_id),
        st.sampled_from(["media", "background", "card"]),
        st.one_of(st.none(), st.integers(-2, 6)),
    ),
    st.builds(lambda r: {"op": "remove_scene", "scene": r}, scene_ref),
    st.builds(lambda r, t: {"op": "move_scene", "scene": r, "to": t}, scene_ref, st.integers(-2, 6)),
    st.builds(lambda r, m: {"op": "replace_scene", "scene": r, "media": m}, scene_ref, media_id),
    st.builds(lambda r, f: {"op": "set_scene", "scene": r, "fit": f}, scene_ref, st.sampled_from(["cover", "contain"])),
    st.builds(
        lambda i, role, text, sty, pos, scene, start: {
            k: v
            for k, v in {
                "op": "set_text",
                "id": i,
                "role": role,
                "text": text,
                "style": sty,
                "position": pos,
                "scene": scene,
                "start_s": start,
            }.items()
            if v is not None
        },
        st.one_of(st.none(), st.sampled_from(["t1", "t2", "t7"])),
        st.one_of(st.none(), st.sampled_from(["title", "caption", "cta", "custom", "sticker"])),
        st.one_of(st.none(), words),
        st.one_of(st.none(), style),
        st.one_of(st.none(), position),
        st.one_of(st.none(), scene_ref, st.just("none")),
        st.one_of(st.none(), st.floats(0, 30)),
    ),
    st.builds(
        lambda i, role: {"op": "remove_text", "id": i, "role": role},
        st.one_of(st.none(), st.sampled_from(["t1", "t3"])),
        st.one_of(st.none(), st.sampled_from(["title", "caption"])),
    ),
    st.builds(
        lambda m, a, off, v: {"op": "set_music", "mood": m, "asset": a, "off": off, "volume": v},
        st.one_of(st.none(), st.sampled_from([*D.MOODS, "sad"])),
        st.one_of(st.none(), media_id),
        st.booleans(),
        st.one_of(st.none(), st.floats(-0.5, 1.5)),
    ),
    st.builds(
        lambda k, s: {"op": "set_transition", "kind": k, "seconds": s},
        st.one_of(st.none(), st.sampled_from([*D.TRANSITIONS, "spin"])),
        st.one_of(st.none(), st.floats(0, 3)),
    ),
    st.builds(
        lambda p, logo: {"op": "set_brand", "palette": p, "logo": logo},
        st.one_of(st.none(), st.lists(color, max_size=3)),
        st.one_of(st.none(), media_id),
    ),
)
SEED = [{"op": "add_scene", "media": m} for m in ("m1", "m2", "m3")]


def _apply(raw: list[dict[str, Any]], base: Composition) -> Composition | None:
    try:
        return apply(base, parse_operations(raw), MEDIA)
    except OperationError as err:
        assert 0 <= err.index < max(1, len(raw)) and err.field and err.valid
        return None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(OPS, min_size=1, max_size=8))
def test_any_operation_list_applies_or_is_refused_cleanly(raw: list[dict[str, Any]]) -> None:
    base = apply(Composition(), parse_operations(SEED), MEDIA)
    before = base.model_copy(deep=True)
    result = _apply(raw, base)
    assert base == before  # the input is never changed, applied or not
    if result is None:
        return
    draft = to_draft(result, MEDIA)
    assert draft.duration_ms is not None and D.MIN_TOTAL_MS <= draft.duration_ms <= D.MAX_TOTAL_MS
    assert from_draft(draft, MEDIA) == result


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(OPS, min_size=1, max_size=6), st.dictionaries(st.sampled_from(["x_a", "fx", "lut"]), st.integers()))
def test_our_drafts_read_back_and_write_out_unchanged_with_unknown_keys(
    raw: list[dict[str, Any]], unknown: dict[str, int]
) -> None:
    comp = _apply(raw, apply(Composition(), parse_operations(SEED), MEDIA))
    if comp is None:
        return
    wire = to_draft(comp, MEDIA).to_wire()
    wire["m"].update(unknown)
    wire.update({f"top_{k}": v for k, v in unknown.items()})
    for track in wire["t"]:
        for seg in track["sg"]:
            seg.update(unknown)
    wire["t"].append({"id": "track_fx", "tt": 3, "sg": [{"id": "fx1", "d": 100, **unknown}]})
    again = to_draft(from_draft(Draft.model_validate(wire), MEDIA), MEDIA).to_wire()
    assert again == wire


def test_a_cloud_draft_reads_into_a_composition_that_keeps_its_files_tracks_and_style_keys() -> None:
    import json
    from pathlib import Path

    wire = json.loads((Path(__file__).parents[1] / "fixtures" / "draft_example.json").read_text("utf-8"))
    comp = from_draft(Draft.model_validate(wire))
    assert [s.id for s in comp.scenes] == ["seg_img_0001", "seg_img_0002", "seg_img_0003"]
    assert sum(s.duration_ms or 0 for s in comp.scenes) == wire["d"]
    assert comp.music.kind == "asset" and comp.music.volume == 0.35 and comp.title == "Golden Hour"
    out = to_draft(comp).to_wire()
    assert [t["id"] for t in out["t"]] == [t["id"] for t in wire["t"]]
    assert [s["src"] for s in out["t"][0]["sg"]] == [s["src"] for s in wire["t"][0]["sg"]]
    assert out["t"][1]["sg"][0]["src"] == wire["t"][1]["sg"][0]["src"]
    title = out["t"][2]["sg"][0]
    assert title["style"]["font_family"] == "Montserrat" and title["style"]["stroke_width"] == 2
    assert title["style"]["font_size"] == 96 and title["animation"]["in_d"] == 800
    assert from_draft(Draft.model_validate(out)) == comp
