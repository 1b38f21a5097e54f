"""Helpers shared by the scene matchers: the references of the text, the one right after a verb,
and how a scene is named in a reply."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from .context import Context
from .refs import Ref, find_refs

_FILL: Final = re.compile(r"(?:\s|\bthe\b|\bboth\b|\bof\b|\bthat\b|把|将)*")


def scene_refs(ctx: Context) -> list[Ref]:
    """The references in what is left of the text, against the working composition (cached until either
    changes)."""
    view, work = ctx.view, ctx.work
    cached = ctx.cache.get("refs")
    if cached is not None and cached[0] == view and cached[1] is work:
        return list(cached[2])
    found = find_refs(view, work, ctx.media)
    ctx.cache["refs"] = (view, work, found)
    return list(found)


def ref_at(ctx: Context, refs: list[Ref], pos: int) -> Ref | None:
    skip = _FILL.match(ctx.view, pos)
    at = skip.end() if skip else pos
    return next((r for r in refs if pos <= r.start <= at and r.end > at), None)


def usable(ctx: Context, ref: Ref, need_scene: bool = True) -> bool:
    if ref.problem is not None:
        ctx.take_span(ref.start, ref.end)
        ctx.note(f"I did not change anything for that: {ref.problem[0]}.", f"这部分没有修改：{ref.problem[1]}。")
        return False
    if need_scene and not ref.scenes:
        ctx.take_span(ref.start, ref.end)
        name = ref.media.name if ref.media else "that photo"
        ctx.note(f"{name} is not in the video, so I could not change it.", f"{name}不在视频里，所以没有修改。")
        return False
    return True


def scene_label(ctx: Context, scene_id: str) -> str:
    scene = ctx.work.scene(scene_id)
    asset = next((a for a in ctx.media if scene is not None and a.id == scene.media), None)
    if asset is not None:
        return asset.name
    position = next(i for i, s in enumerate(ctx.work.scenes, 1) if s.id == scene_id)
    return ctx.say(f"scene {position}", f"第{position}个画面")


def scene_position(ctx: Context, scene_id: str) -> int:
    return next(i for i, s in enumerate(ctx.work.scenes, 1) if s.id == scene_id)


def each_verb(ctx: Context, verb: str, then: Callable[[re.Match[str], Ref, list[Ref]], bool]) -> None:
    for m in ctx.find(verb):
        found = scene_refs(ctx)
        ref = ref_at(ctx, found, m.end())
        if ref is not None and then(m, ref, found):
            ctx.subject[ctx.clause_of(m.start())[0]] = ref.scene or ""
