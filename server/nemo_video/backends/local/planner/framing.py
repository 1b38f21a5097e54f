"""How scenes show their pictures, in words: fit, motion, and one scene's length."""

from __future__ import annotations

import re
from typing import Final

from ....composition import defaults as D
from ....draft import format_seconds
from .context import Context
from .numbers import find_durations
from .scenerefs import scene_label, scene_refs

_CONTAIN: Final = (
    r"\bshow the whole\b|\bdon'?t crop\b|\bno cropping\b|\bwithout cropping\b|\bletterbox(?:ed)?\b"
    r"|\bfit (?:it |them )?(?:inside|in|within) the frame\b|完整显示|不要裁剪|不裁剪"
)
_COVER: Final = r"\bfill the (?:frame|screen)\b|\bcrop (?:it |them )?to fill\b|\bfull[- ]?screen\b|铺满|填满画面"
_STILL: Final = (
    r"\bno (?:zoom(?:ing)?|motion|movement|ken burns|pan(?:ning)?)\b|\bdon'?t (?:zoom|move|pan)\b"
    r"|\bkeep (?:it|them|the photos|the pictures|the images)? ?still\b|\bstatic\b"
    r"|\bstop (?:the )?zoom(?:ing)?\b|不要缩放|不要动|静止|固定画面"
)
_ZOOM: Final = (
    r"\bzoom (?P<dir>in|out)\b|\bslow zoom\b|\bken burns\b|\bpush in\b|\bpan (?P<pan>left|right|up|down)\b"
    r"|推近|拉远|缓慢放大"
)
_ATTACHED: Final = r"(?:\bfor|\bto|\bbe|\blast|\blasts|\bstay|\bstays|\bhold|\bshow|\bshows|停留|显示|持续|放|停)\s*$"
_SCENE_LONGER: Final = (
    r"\b(?:stay|stays|hold|last|linger|show)?\s*(?:a\s+(?:bit|little|touch)\s+|slightly\s+"
    r"|much\s+)?longer\b|停留久一点|长一点|多停留|久一点"
)
_SCENE_SHORTER: Final = (
    r"\b(?:stay|stays|hold|last|show)?\s*(?:a\s+(?:bit|little|touch)\s+|slightly\s+|much\s+)?shorter\b|短一点"
    r"|少停留|快一点过"
)


def _scenes_meant(ctx: Context, start: int) -> list[str]:
    """The scenes a clause is about: its reference, the subject carried from a verb, or all."""
    clause = ctx.clause_of(start)
    found = [r for r in scene_refs(ctx) if clause[0] <= r.start < clause[1] and r.scenes and r.problem is None]
    if found:
        for r in found:
            ctx.take_span(r.start, r.end)
        return list(found[0].scenes)
    carried = ctx.subject.get(clause[0])
    return [carried] if carried else [s.id for s in ctx.work.scenes if s.kind == "media"]


def reframe(ctx: Context) -> None:
    for pattern, fit in ((_CONTAIN, "contain"), (_COVER, "cover")):
        for m in ctx.take(pattern):
            ids = _scenes_meant(ctx, m.start())
            what = "the whole picture" if fit == "contain" else "the full frame"
            ctx.act(
                [{"op": "set_scene", "scene": i, "fit": fit} for i in ids],
                f"set {len(ids)} scene(s) to show {what}",
                f"{len(ids)}个画面改为{'完整显示' if fit == 'contain' else '铺满画面'}",
                "set_scene",
            )
    for m in ctx.take(_STILL):
        ids = _scenes_meant(ctx, m.start())
        ops = [{"op": "set_scene", "scene": i, "motion": {"kind": "none"}} for i in ids]
        ctx.act(ops, f"stopped the zoom on {len(ids)} scene(s)", f"{len(ids)}个画面不再缩放", "set_scene")
    for m in ctx.take(_ZOOM):
        ids = _scenes_meant(ctx, m.start())
        direction = m.group("dir") or m.group("pan") or ("out" if "拉远" in m.group() else "in")
        motion = {"kind": "ken_burns", "direction": direction}
        ops = [{"op": "set_scene", "scene": i, "motion": motion} for i in ids]
        ctx.act(
            ops,
            f"set a slow {direction} move on {len(ids)} scene(s)",
            f"{len(ids)}个画面改为缓慢{direction}运动",
            "set_scene",
        )


def scene_length(ctx: Context) -> None:
    from .settings import scene_ms

    for start, end in ctx.clauses:
        clause_refs = [r for r in scene_refs(ctx) if start <= r.start < end]
        ref = next((r for r in clause_refs if r.problem is None and len(r.scenes) == 1), None)
        scene_id = ref.scene if ref else ctx.subject.get(start) or None
        if not scene_id or ctx.work.scene(scene_id) is None:
            continue
        view = ctx.view[start:end]
        lengths = [f for f in find_durations(view) if re.search(_ATTACHED, view[: f[0]])]
        relative = [(m, 1.5 if "much" in m.group() else 1.4) for m in re.finditer(_SCENE_LONGER, view)] + [
            (m, 0.6) for m in re.finditer(_SCENE_SHORTER, view)
        ]
        if lengths:
            ms = lengths[0][2]
            ctx.take_span(start + lengths[0][0], start + lengths[0][1])
        elif relative:
            m, factor = relative[0]
            ms = round(scene_ms(ctx, scene_id) * factor / 100) * 100
            ctx.take_span(start + m.start(), start + m.end())
        else:
            continue
        if ref:
            ctx.take_span(ref.start, ref.end)
        ms = max(D.MIN_SCENE_MS, ms)
        name = scene_label(ctx, scene_id)
        ctx.act(
            [{"op": "set_duration", "seconds": ms / 1000, "scene": scene_id}],
            f"made {name} {format_seconds(ms)} seconds long",
            f"{name}改为{format_seconds(ms)}秒",
        )
