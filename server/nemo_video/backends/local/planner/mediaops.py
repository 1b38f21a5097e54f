"""Scene edits in words: remove, move, swap, reverse, add, replace, reframe and per-scene length.

Each matcher finds a verb, then the reference right after it (see :mod:`.refs`), and becomes
operations on scene ids — so "the second photo" means the second photo at that point of the message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import pairwise
from typing import Any, Final

from ....composition import defaults as D
from ....draft import format_seconds
from .context import Context
from .numbers import CN_ORDINAL, EN_ORDINAL, find_durations, ordinal_value
from .refs import Ref, find_refs

_NEXT_EDIT: Final = (
    r"\s(?:and|then|also|and then)\s+(?=(?:then\s+)?(?:drop|remove|delete|move|put|open|start|end|swap|switch|add"
    r"|replace|use|make|lose|cut|get|take|show|place|bring|reverse|skip|finish|close)\b)"
)
_FILL: Final = re.compile(r"(?:\s|\bthe\b|\bboth\b|\bof\b|\bthat\b|把|将)*")
_REMOVE: Final = (
    r"\b(?:drop|remove|delete|cut|take out|get rid of|skip|lose|exclude|ditch|leave out|kill|don't use|do not use"
    r"|no more|without)\b|删除|删掉|删去|去掉|移除|去除|拿掉|不要|剪掉"
)
_ZH_REMOVE_AFTER: Final = r"\s*(?:给)?(?:删除|删掉|删去|去掉|移除|拿掉|剪掉|删了|去了|拿走)"
_FIRST: Final = r"first|start|beginning|front|the start|the beginning|the front|最前面|最前|开头|最开始|前面|第一个?"
_LAST: Final = r"last|end|the end|最后面|最后|末尾|结尾"
_WHERE: Final = (
    rf"(?:back\s+)?(?:(?:to|at|in|into|as)\s+)?(?:the\s+)?(?:position\s+(?P<n>\d+)|(?P<first>{_FIRST})"
    rf"|(?P<last>{_LAST})"
    rf"|(?P<ord>{EN_ORDINAL}|{CN_ORDINAL})(?:\s*(?:one|place|position|slot|张|位|个))?)"
)
_MOVE_VERB: Final = r"\b(?:put|move|place|make|bring|show|have|set)\b|放到|移到|挪到|放在|移动到|调到|换到|放"
_AFTER_REF_MOVE: Final = (
    r"\s*(?:should\s+|must\s+|needs? to\s+|to\s+)?(?:come|comes|go|goes|be|is|appear|appears|play|show)\s+" + _WHERE
)
_ZH_AFTER_REF_MOVE: Final = r"\s*(?:放到|移到|挪到|放在|移动到|调到|换到|放)\s*" + _WHERE
_OPEN_WITH: Final = r"\b(?:open|start|begin|lead|kick off)\s+(?:it\s+|the video\s+)?with\b|用(?=.{1,12}?(?:开头|开场))"
_END_WITH: Final = r"\b(?:end|finish|close)\s+(?:it\s+|the video\s+)?(?:with|on)\b|以(?=.{1,12}?结尾)"
_SWAP: Final = r"\b(?:swap|switch|exchange|flip|trade|interchange)\b|交换|调换|对调|互换"
_SWAP_AFTER: Final = (
    r"\s*(?:换一下位置|换个位置|换位置|互换(?:一下)?(?:位置)?|对调(?:一下)?"
    r"|交换(?:一下)?(?:位置)?|调换(?:一下)?(?:位置)?)"
)
_REVERSE: Final = (
    r"\breverse\s+(?:the\s+)?(?:order|photos|images|clips|sequence|scenes)\b|\bin reverse order\b"
    r"|\bbackwards\b|倒序|顺序反过来|反转顺序|顺序颠倒|倒过来"
)
_ADD_NEW: Final = (
    r"\b(?:add|include|use|put in)\s+(?:the\s+|my\s+|all\s+(?:the\s+)?)?(?:new|other|remaining|uploaded"
    r"|latest|rest of the)"
    r"\s+(?:\w+\s+)?(?:photos?|images?|pictures?|clips?|videos?|shots?|ones)\b"
    r"|(?:加上|加入|添加|用上|使用|放进)(?:新|刚上传|刚才上传|新上传|其他|剩下)的?(?:照片|图片|素材|视频)"
)
_ADD: Final = r"\b(?:add|include|insert|bring in|put in|use)\b|加上|加入|添加|放进|插入"
_REPLACE: Final = r"\b(?:replace|swap out)\b|把"
_REPLACE_MID: Final = r"\s*(?:with|for|by|换成|替换成|改成|换为)\s*"
_INSTEAD: Final = r"\buse\b|用"
_INSTEAD_MID: Final = r"\s*(?:instead of|in place of|替换|代替|换掉)\s*"
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


def scene_edits(ctx: Context) -> None:
    """Each part of the message in turn, so a later "the second one" sees the earlier changes."""
    for window in _windows(ctx):
        ctx.window = window
        for matcher in (_reverse, _add_new, _swap, _replace, _remove, _move, _add, _reframe, _scene_length):
            matcher(ctx)
    ctx.window = None


def _windows(ctx: Context) -> list[tuple[int, int]]:
    cuts = [m.start() for m in re.finditer(_NEXT_EDIT, ctx.lower)]
    out: list[tuple[int, int]] = []
    for start, end in ctx.clauses:
        inner = [c for c in cuts if start < c < end]
        out.extend(pairwise([start, *inner, end]))
    return out


def _refs(ctx: Context) -> list[Ref]:
    return find_refs(ctx.view, ctx.work, ctx.media)


def _ref_at(ctx: Context, refs: list[Ref], pos: int) -> Ref | None:
    skip = _FILL.match(ctx.view, pos)
    at = skip.end() if skip else pos
    return next((r for r in refs if pos <= r.start <= at and r.end > at), None)


def _usable(ctx: Context, ref: Ref, need_scene: bool = True) -> bool:
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


def _label(ctx: Context, scene_id: str) -> str:
    scene = ctx.work.scene(scene_id)
    asset = next((a for a in ctx.media if scene is not None and a.id == scene.media), None)
    if asset is not None:
        return asset.name
    position = next(i for i, s in enumerate(ctx.work.scenes, 1) if s.id == scene_id)
    return ctx.say(f"scene {position}", f"第{position}个画面")


def _position(ctx: Context, scene_id: str) -> int:
    return next(i for i, s in enumerate(ctx.work.scenes, 1) if s.id == scene_id)


def _each_verb(ctx: Context, verb: str, then: Callable[[re.Match[str], Ref, list[Ref]], bool]) -> None:
    for m in ctx.find(verb):
        refs = _refs(ctx)
        ref = _ref_at(ctx, refs, m.end())
        if ref is not None and then(m, ref, refs):
            ctx.subject[ctx.clause_of(m.start())[0]] = ref.scene or ""


def _remove(ctx: Context) -> None:
    def remove(m: re.Match[str], ref: Ref, refs: list[Ref]) -> bool:
        if not _usable(ctx, ref):
            return False
        ctx.take_span(m.start(), ref.end)
        _remove_scenes(ctx, ref.scenes)
        return True

    _each_verb(ctx, _REMOVE, remove)
    for ref in _refs(ctx):  # "把第二张删掉", "最后一张删掉"
        tail = re.match(_ZH_REMOVE_AFTER, ctx.view[ref.end :])
        if tail and _usable(ctx, ref):
            lead = re.search(r"把\s*$", ctx.view[: ref.start])
            ctx.take_span(lead.start() if lead else ref.start, ref.end + tail.end())
            _remove_scenes(ctx, ref.scenes)


def _remove_scenes(ctx: Context, ids: tuple[str, ...]) -> None:
    if len(ids) >= len(ctx.work.scenes):
        ctx.note(
            "I can't remove every picture: the video needs at least one.", "不能删除所有画面：视频至少要保留一个。"
        )
        return
    names = ", ".join(_label(ctx, i) for i in ids)
    ctx.act([{"op": "remove_scene", "scene": i} for i in ids], f"removed {names}", f"删除了{names}", "remove_scene")


def _target(ctx: Context, m: re.Match[str], scene_id: str) -> int | None:
    count = len(ctx.work.scenes)
    if m.group("n"):
        return min(count, max(1, int(m.group("n"))))
    if m.group("first"):
        return 1
    if m.group("last"):
        return count
    value = ordinal_value(m.group("ord")) if m.group("ord") else None
    if value is None:
        return None
    return count if value == -1 else min(count, max(1, value))


def _move_to(ctx: Context, scene_id: str, to: int) -> None:
    name = _label(ctx, scene_id)
    where_en = "first" if to == 1 else "last" if to == len(ctx.work.scenes) else f"to position {to}"
    where_zh = "放到最前面" if to == 1 else "放到最后" if to == len(ctx.work.scenes) else f"放到第{to}位"
    ctx.act([{"op": "move_scene", "scene": scene_id, "to": to}], f"moved {name} {where_en}", f"把{name}{where_zh}")


def _move(ctx: Context) -> None:
    for verb, fixed in ((_OPEN_WITH, 1), (_END_WITH, -1)):

        def to_end(m: re.Match[str], ref: Ref, refs: list[Ref], fixed: int = fixed) -> bool:
            if not _usable(ctx, ref) or ref.scene is None:
                return False
            tail = re.match(r"\s*(?:开头|开场|结尾)", ctx.view[ref.end :])
            ctx.take_span(m.start(), ref.end + (tail.end() if tail else 0))
            _move_to(ctx, ref.scene, 1 if fixed == 1 else len(ctx.work.scenes))
            return True

        _each_verb(ctx, verb, to_end)

    def put(m: re.Match[str], ref: Ref, refs: list[Ref]) -> bool:
        where = re.match(r"\s*" + _WHERE, ctx.view[ref.end :])
        if where is None or not _usable(ctx, ref) or ref.scene is None:
            return False
        to = _target(ctx, where, ref.scene)
        if to is None:
            return False
        ctx.take_span(m.start(), ref.end + where.end())
        _move_to(ctx, ref.scene, to)
        return True

    _each_verb(ctx, _MOVE_VERB, put)
    for ref in _refs(ctx):  # "the model photo should come last", "把第四张放到第二位"
        after = re.match(_AFTER_REF_MOVE, ctx.view[ref.end :]) or re.match(_ZH_AFTER_REF_MOVE, ctx.view[ref.end :])
        if after and ref.scene and _usable(ctx, ref):
            to = _target(ctx, after, ref.scene)
            if to is not None:
                lead = re.search(r"把\s*$", ctx.view[: ref.start])
                ctx.take_span(lead.start() if lead else ref.start, ref.end + after.end())
                ctx.subject[ctx.clause_of(ref.start)[0]] = ref.scene
                _move_to(ctx, ref.scene, to)


def _swap(ctx: Context) -> None:
    def swap(m: re.Match[str], ref: Ref, refs: list[Ref]) -> bool:
        pair = ref.scenes
        end = ref.end
        if len(pair) == 1:
            mid = re.match(r"\s*(?:and|with|&|和|与|跟)\s*", ctx.view[ref.end :])
            other = _ref_at(ctx, refs, ref.end + mid.end()) if mid else None
            if other is None or not _usable(ctx, other):
                return False
            pair, end = (ref.scenes[0], *other.scenes[:1]), other.end
        if not _usable(ctx, ref) or len(pair) != 2 or pair[0] == pair[1]:
            return False
        ctx.take_span(m.start(), end)
        _swap_pair(ctx, pair[0], pair[1])
        return True

    _each_verb(ctx, _SWAP, swap)
    for ref in _refs(ctx):  # "第二张和第四张换一下位置"
        after = re.match(_SWAP_AFTER, ctx.view[ref.end :])
        if after and len(ref.scenes) == 2 and _usable(ctx, ref):
            ctx.take_span(ref.start, ref.end + after.end())
            start = ctx.find(r"把")
            for b in start:
                if b.end() <= ref.start and not ctx.view[b.end() : ref.start].strip():
                    ctx.take_span(b.start(), b.end())
            _swap_pair(ctx, ref.scenes[0], ref.scenes[1])


def _swap_pair(ctx: Context, a: str, b: str) -> None:
    pa, pb = _position(ctx, a), _position(ctx, b)
    first, second = (a, b) if pa < pb else (b, a)
    low, high = min(pa, pb), max(pa, pb)
    na, nb = _label(ctx, a), _label(ctx, b)
    ops = [{"op": "move_scene", "scene": first, "to": high}, {"op": "move_scene", "scene": second, "to": low}]
    ctx.act(ops, f"swapped {na} and {nb}", f"交换了{na}和{nb}", "move_scene")


def _reverse(ctx: Context) -> None:
    if not ctx.take(_REVERSE):
        return
    ids = [s.id for s in ctx.work.scenes]
    ops = [{"op": "move_scene", "scene": sid, "to": i} for i, sid in enumerate(reversed(ids), 1)]
    ctx.act(ops, "reversed the order", "顺序倒过来了", "move_scene")


def _add_new(ctx: Context) -> None:
    if not ctx.take(_ADD_NEW):
        return
    used = {s.media for s in ctx.work.scenes}
    new = [a for a in ctx.media if a.kind in ("image", "video") and a.id not in used]
    if not new:
        ctx.note("All uploaded photos and clips are already in the video.", "上传的素材都已经在视频里了。")
        return
    names = ", ".join(a.name for a in new)
    ctx.act([{"op": "add_scene", "media": a.id} for a in new], f"added {names}", f"加入了{names}", "add_scene")


def _add(ctx: Context) -> None:
    def add(m: re.Match[str], ref: Ref, refs: list[Ref]) -> bool:
        if ref.media is None or ref.scenes or "logo" in ref.media.name.lower() or not _usable(ctx, ref, False):
            return False
        where = re.match(r"\s*" + _WHERE, ctx.view[ref.end :])
        count = len(ctx.work.scenes)
        position = count + 1
        if where is not None:
            position = 1 if where.group("first") else count + 1 if where.group("last") else position
            if where.group("n") or where.group("ord"):
                value = int(where.group("n")) if where.group("n") else ordinal_value(where.group("ord")) or -1
                position = count + 1 if value == -1 else max(1, min(count + 1, value))
        ctx.take_span(m.start(), ref.end + (where.end() if where else 0))
        raw: dict[str, Any] = {"op": "add_scene", "media": ref.media.id, "position": position}
        ctx.act([raw], f"added {ref.media.name} at position {position}", f"把{ref.media.name}加到第{position}位")
        return True

    _each_verb(ctx, _ADD, add)
    for m in ctx.find(
        r"\badd\s+(?:a|an)\s+(?:blank|plain|colou?red|background|gradient)\s+(?:scene|slide|background"
        r"|screen)\b|加一个背景画面"
    ):
        ctx.take_span(m.start(), m.end())
        ctx.act(
            [{"op": "add_scene", "kind": "background"}], "added a background scene at the end", "在结尾加了一个背景画面"
        )


def _replace(ctx: Context) -> None:
    def replace(m: re.Match[str], ref: Ref, refs: list[Ref]) -> bool:
        mid = re.match(_REPLACE_MID, ctx.view[ref.end :])
        new = _ref_at(ctx, refs, ref.end + mid.end()) if mid else None
        return new is not None and _do_replace(ctx, m.start(), new.end, old=ref, new=new)

    def instead(m: re.Match[str], ref: Ref, refs: list[Ref]) -> bool:
        mid = re.match(_INSTEAD_MID, ctx.view[ref.end :])
        old = _ref_at(ctx, refs, ref.end + mid.end()) if mid else None
        return old is not None and _do_replace(ctx, m.start(), old.end, old=old, new=ref)

    _each_verb(ctx, _REPLACE, replace)
    _each_verb(ctx, _INSTEAD, instead)


def _do_replace(ctx: Context, start: int, end: int, old: Ref, new: Ref) -> bool:
    if not _usable(ctx, old) or not _usable(ctx, new, need_scene=False) or new.media is None or old.scene is None:
        return False
    ctx.take_span(start, end)
    before = _label(ctx, old.scene)
    ctx.act(
        [{"op": "replace_scene", "scene": old.scene, "media": new.media.id}],
        f"replaced {before} with {new.media.name}",
        f"把{before}换成了{new.media.name}",
    )
    return True


def _scenes_meant(ctx: Context, start: int) -> list[str]:
    """The scenes a clause is about: its reference, the subject carried from a verb, or all."""
    clause = ctx.clause_of(start)
    refs = [r for r in _refs(ctx) if clause[0] <= r.start < clause[1] and r.scenes and r.problem is None]
    if refs:
        for r in refs:
            ctx.take_span(r.start, r.end)
        return list(refs[0].scenes)
    carried = ctx.subject.get(clause[0])
    return [carried] if carried else [s.id for s in ctx.work.scenes if s.kind == "media"]


def _reframe(ctx: Context) -> None:
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


def _scene_length(ctx: Context) -> None:
    from .settings import scene_ms

    for start, end in ctx.clauses:
        clause_refs = [r for r in _refs(ctx) if start <= r.start < end]
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
        name = _label(ctx, scene_id)
        ctx.act(
            [{"op": "set_duration", "seconds": ms / 1000, "scene": scene_id}],
            f"made {name} {format_seconds(ms)} seconds long",
            f"{name}改为{format_seconds(ms)}秒",
        )
