"""Scene edits in words: remove, move, swap, reverse, add and replace (framing and one scene's length: :mod:`.framing`).

Each matcher finds a verb, then the reference right after it (see :mod:`.refs`), and becomes
operations on scene ids — so "the second photo" means the second photo at that point of the message.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any, Final

from .context import Context
from .framing import reframe, scene_length
from .numbers import CN_ORDINAL, EN_ORDINAL, ordinal_value
from .refs import Ref
from .scenerefs import each_verb, ref_at, scene_label, scene_position, scene_refs, usable

_NEXT_EDIT: Final = (
    r"\s(?:and|then|also|and then)\s+(?=(?:then\s+)?(?:drop|remove|delete|move|put|open|start|end|swap|switch|add"
    r"|replace|use|make|lose|cut|get|take|show|place|bring|reverse|skip|finish|close)\b)"
)
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


def scene_edits(ctx: Context) -> None:
    """Each part of the message in turn, so a later "the second one" sees the earlier changes."""
    for window in _windows(ctx):
        ctx.window = window
        for matcher in (_reverse, _add_new, _swap, _replace, _remove, _move, _add, reframe, scene_length):
            matcher(ctx)
    ctx.window = None


def _windows(ctx: Context) -> list[tuple[int, int]]:
    cuts = [m.start() for m in re.finditer(_NEXT_EDIT, ctx.lower)]
    out: list[tuple[int, int]] = []
    for start, end in ctx.clauses:
        inner = [c for c in cuts if start < c < end]
        out.extend(pairwise([start, *inner, end]))
    return out


def _remove(ctx: Context) -> None:
    def remove(m: re.Match[str], ref: Ref, refs: list[Ref]) -> bool:
        if not usable(ctx, ref):
            return False
        ctx.take_span(m.start(), ref.end)
        _remove_scenes(ctx, ref.scenes)
        return True

    each_verb(ctx, _REMOVE, remove)
    for ref in scene_refs(ctx):  # "把第二张删掉", "最后一张删掉"
        tail = re.match(_ZH_REMOVE_AFTER, ctx.view[ref.end :])
        if tail and usable(ctx, ref):
            lead = re.search(r"把\s*$", ctx.view[: ref.start])
            ctx.take_span(lead.start() if lead else ref.start, ref.end + tail.end())
            _remove_scenes(ctx, ref.scenes)


def _remove_scenes(ctx: Context, ids: tuple[str, ...]) -> None:
    if len(ids) >= len(ctx.work.scenes):
        ctx.note(
            "I can't remove every picture: the video needs at least one.", "不能删除所有画面：视频至少要保留一个。"
        )
        return
    names = ", ".join(scene_label(ctx, i) for i in ids)
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
    name = scene_label(ctx, scene_id)
    where_en = "first" if to == 1 else "last" if to == len(ctx.work.scenes) else f"to position {to}"
    where_zh = "放到最前面" if to == 1 else "放到最后" if to == len(ctx.work.scenes) else f"放到第{to}位"
    ctx.act([{"op": "move_scene", "scene": scene_id, "to": to}], f"moved {name} {where_en}", f"把{name}{where_zh}")


def _move(ctx: Context) -> None:
    for verb, fixed in ((_OPEN_WITH, 1), (_END_WITH, -1)):

        def to_end(m: re.Match[str], ref: Ref, refs: list[Ref], fixed: int = fixed) -> bool:
            if not usable(ctx, ref) or ref.scene is None:
                return False
            tail = re.match(r"\s*(?:开头|开场|结尾)", ctx.view[ref.end :])
            ctx.take_span(m.start(), ref.end + (tail.end() if tail else 0))
            _move_to(ctx, ref.scene, 1 if fixed == 1 else len(ctx.work.scenes))
            return True

        each_verb(ctx, verb, to_end)

    def put(m: re.Match[str], ref: Ref, refs: list[Ref]) -> bool:
        where = re.match(r"\s*" + _WHERE, ctx.view[ref.end :])
        if where is None or not usable(ctx, ref) or ref.scene is None:
            return False
        to = _target(ctx, where, ref.scene)
        if to is None:
            return False
        ctx.take_span(m.start(), ref.end + where.end())
        _move_to(ctx, ref.scene, to)
        return True

    each_verb(ctx, _MOVE_VERB, put)
    for ref in scene_refs(ctx):  # "the model photo should come last", "把第四张放到第二位"
        after = re.match(_AFTER_REF_MOVE, ctx.view[ref.end :]) or re.match(_ZH_AFTER_REF_MOVE, ctx.view[ref.end :])
        if after and ref.scene and usable(ctx, ref):
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
            after = [r for r in refs if r.start >= ref.end]  # "the white and black sneakers"
            other = (ref_at(ctx, after, ref.end + mid.end()) or ref_at(ctx, after, ref.end)) if mid else None
            if other is None or not usable(ctx, other):
                return False
            pair, end = (ref.scenes[0], *other.scenes[:1]), other.end
        if not usable(ctx, ref) or len(pair) != 2 or pair[0] == pair[1]:
            return False
        ctx.take_span(m.start(), end)
        _swap_pair(ctx, pair[0], pair[1])
        return True

    each_verb(ctx, _SWAP, swap)
    for ref in scene_refs(ctx):  # "第二张和第四张换一下位置"
        after = re.match(_SWAP_AFTER, ctx.view[ref.end :])
        if after and len(ref.scenes) == 2 and usable(ctx, ref):
            ctx.take_span(ref.start, ref.end + after.end())
            start = ctx.find(r"把")
            for b in start:
                if b.end() <= ref.start and not ctx.view[b.end() : ref.start].strip():
                    ctx.take_span(b.start(), b.end())
            _swap_pair(ctx, ref.scenes[0], ref.scenes[1])


def _swap_pair(ctx: Context, a: str, b: str) -> None:
    pa, pb = scene_position(ctx, a), scene_position(ctx, b)
    first, second = (a, b) if pa < pb else (b, a)
    low, high = min(pa, pb), max(pa, pb)
    na, nb = scene_label(ctx, a), scene_label(ctx, b)
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
        if ref.media is None or ref.scenes or "logo" in ref.media.name.lower() or not usable(ctx, ref, False):
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

    each_verb(ctx, _ADD, add)
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
        new = ref_at(ctx, refs, ref.end + mid.end()) if mid else None
        return new is not None and _do_replace(ctx, m.start(), new.end, old=ref, new=new)

    def instead(m: re.Match[str], ref: Ref, refs: list[Ref]) -> bool:
        mid = re.match(_INSTEAD_MID, ctx.view[ref.end :])
        old = ref_at(ctx, refs, ref.end + mid.end()) if mid else None
        return old is not None and _do_replace(ctx, m.start(), old.end, old=old, new=ref)

    each_verb(ctx, _REPLACE, replace)
    each_verb(ctx, _INSTEAD, instead)


def _do_replace(ctx: Context, start: int, end: int, old: Ref, new: Ref) -> bool:
    if not usable(ctx, old) or not usable(ctx, new, need_scene=False) or new.media is None or old.scene is None:
        return False
    ctx.take_span(start, end)
    before = scene_label(ctx, old.scene)
    ctx.act(
        [{"op": "replace_scene", "scene": old.scene, "media": new.media.id}],
        f"replaced {before} with {new.media.name}",
        f"把{before}换成了{new.media.name}",
    )
    return True
