"""Texts in words: what they say (from :mod:`.words`), where they show, how they look, and removal.

A style phrase applies to the text its clause names ("headline in orange"); a clause that names no
text continues the one before ("…, at the bottom"). Sizes move one named step at a time
(:data:`~nemo_video.composition.defaults.STEP_ORDER`), so "larger" is always at least 15% larger.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any, Final

from ....composition import defaults as D
from .context import Context
from .lexicon import (
    ANIMATION_WORDS,
    BACKDROP_WORDS,
    BIGGER,
    BOLD,
    COLOR_WORDS,
    REGULAR,
    ROLE_WORDS,
    SIZE_NAMES,
    SLOT_WORDS,
    SMALLER,
)
from .scenerefs import scene_refs
from .words import Content

ROLE_NAMES: Final = {
    "title": ("the title", "标题"),
    "caption": ("the captions", "字幕"),
    "cta": ("the closing card", "结尾卡片"),
    "custom": ("the text", "文字"),
}
COLOR_ZH: Final = {
    "white": "白色", "black": "黑色", "gray": "灰色", "red": "红色", "orange": "橙色", "yellow": "黄色",
    "green": "绿色", "teal": "青色", "navy": "藏青色", "blue": "蓝色", "purple": "紫色", "pink": "粉色",
    "brown": "棕色", "beige": "米色", "gold": "金色",
}  # fmt: skip
_LIGHT: Final = frozenset({"white", "yellow", "beige", "gray", "gold", "orange", "pink"})
_BOX_AFTER: Final = r"\s*(?:colou?red\s+)?(?:box|background|backdrop|band|banner|label|pill|底框|底色|背景|色块)"
_REMOVE: Final = (
    r"\b(?:remove|delete|drop|hide|lose|get rid of|no|without|turn off|switch off|disable|take off"
    r"|kill)\s+(?:the\s+|all\s+(?:the\s+)?|any\s+|that\s+)?(?:{R})|(?:去掉|删除|删掉|不要|关掉|关闭|隐藏|去除|拿掉)(?:{R})"
    r"|把(?:{R})(?:给)?(?:去掉|删除|删掉|拿掉|隐藏)"
)
_KEEP: Final = r"\bkeep\s+(?:the\s+)?(?:{R})(?:\s+as (?:it is|is))?|保留(?:{R})"
_TO_SCENE: Final = (
    r"\b(?:appear|show|go|move|put|place|sit|be)\b|\bon\b|\bover\b|\bonto\b|放到|移到|挪到|放在|显示在|出现在"
)
_ALL_SCENES: Final = (
    r"\b(?:the whole video|throughout|all (?:the )?(?:photos|scenes|pictures)|every (?:photo|scene))\b|整个视频|全程"
)
_SLOT_ZH: Final = {"top": "顶部", "upper_third": "上方", "center": "中间", "lower_third": "下方", "bottom": "底部"}
_UP: Final = r"\b(?:up|higher|upward|upwards)\b|往上|上移|高一点|靠上"
_DOWN: Final = r"\b(?:down|lower|downward|downwards)\b|往下|下移|低一点|靠下"
_PX: Final = r"(\d{2,3})\s*(?:px|pixels?|像素)"


def _role_pattern() -> str:
    return "|".join(f"(?:{p})" for p, _ in ROLE_WORDS)


def place_contents(ctx: Context, contents: list[Content]) -> None:
    """Each text found in the message becomes a ``set_text``: its role, its scene, its words."""
    title_named = any(c.role == "title" for c in contents)
    each = 0
    for content in contents:
        role = content.role
        if role is None:
            role = "title" if ctx.fresh and not title_named else "caption"
            title_named = title_named or role == "title"
        raw: dict[str, Any] = {"op": "set_text", "role": role, "text": content.text}
        scene_id: str | None = None
        if content.each:
            scenes = ctx.work.scenes
            scene_id = scenes[each].id if each < len(scenes) else None
            each += 1
        elif role in ("caption", "custom"):
            scene_id = _scene_in_clause(ctx, content.start)
        ctx.roles[ctx.clause_of(content.start)[0]] = role
        if scene_id is not None:
            raw["scene"] = scene_id
        elif role == "caption" and not ctx.fresh and len(ctx.work.texts_of("caption")) == 1 and _changes(ctx, content):
            raw = {"op": "set_text", "id": ctx.work.texts_of("caption")[0].id, "text": content.text}
        _say_content(ctx, raw, role, content.text, scene_id)


def _changes(ctx: Context, content: Content) -> bool:
    start, end = ctx.clause_of(content.start)
    return bool(re.search(r"\b(?:change|replace|make|set|update|edit|rewrite)\b|改成|改为|换成", ctx.lower[start:end]))


def _scene_in_clause(ctx: Context, position: int) -> str | None:
    start, end = ctx.clause_of(position)
    for ref in scene_refs(ctx):
        placed = re.search(
            r"(?:\b(?:on|over|onto|under|above|across)|在|到)\s*(?:the\s+|that\s+)?$", ctx.view[: ref.start]
        )
        if start <= ref.start < end and ref.scene and ref.problem is None and placed:
            ctx.take_span(ref.start, ref.end)
            return ref.scene
    return None


def _say_content(ctx: Context, raw: dict[str, Any], role: str, text: str, scene_id: str | None) -> None:
    where_en, where_zh = "", ""
    if scene_id is not None:
        position = next(i for i, s in enumerate(ctx.work.scenes, 1) if s.id == scene_id)
        where_en, where_zh = f" on scene {position}", f"（第{position}个画面）"
    if "id" in raw:
        en, zh = f"changed the caption to '{text}'", f"字幕改为「{text}」"
    elif role == "title":
        en, zh = f"set the title to '{text}'", f"标题设为「{text}」"
    elif role == "cta":
        en, zh = f"set the closing card to '{text}'", f"结尾卡片设为「{text}」"
    else:
        en, zh = (
            f"added the {'caption' if role == 'caption' else 'text'} '{text}'{where_en}",
            f"加上{'字幕' if role == 'caption' else '文字'}「{text}」{where_zh}",
        )
    ctx.act([raw], en, zh)


def text_edits(ctx: Context) -> None:
    roles = _role_pattern()
    for m in ctx.find(_KEEP.replace("{R}", roles)):
        ctx.take_span(m.start(), m.end())
    for m in ctx.find(_REMOVE.replace("{R}", roles)):
        _remove(ctx, m)
    _move_to_scene(ctx)
    _styles(ctx)


def _role_of(word: str) -> str:
    return next(role for pattern, role in ROLE_WORDS if re.search(pattern, word))


def _remove(ctx: Context, m: re.Match[str]) -> None:
    role = _role_of(m.group())
    ctx.take_span(m.start(), m.end())
    present = ctx.work.texts_of(role)
    en, zh = ROLE_NAMES[role]
    if ctx.fresh and role in ("caption", "custom"):
        ctx.cache["no_captions"] = True  # "a video with no text": a wish, not an edit
    if not present:
        if not ctx.fresh:
            ctx.note(f"There is no {en[4:].rstrip('s')} to remove.", f"视频里没有{zh}可以去掉。")
        return
    where = re.match(r"\s*(?:on|from|of|in|over)\s+", ctx.view[m.end() :])
    ref = None
    if where is not None:
        at = m.end() + where.end()
        ref = next((r for r in scene_refs(ctx) if r.start == at and r.scene), None)
    if ref is not None and ref.scene is not None:
        ctx.take_span(m.end(), ref.end)
        position = next(i for i, s in enumerate(ctx.work.scenes, 1) if s.id == ref.scene)
        if not any(t.role == role for t in ctx.work.scenes[position - 1].texts):
            ctx.note(
                f"There is no {en[4:].rstrip('s')} on scene {position}, so I removed nothing.",
                f"第{position}个画面上没有{zh}，所以没有删除。",
            )
            return
        ctx.act(
            [{"op": "remove_text", "role": role, "scene": ref.scene}],
            f"removed {en} on scene {position}",
            f"去掉了第{position}个画面上的{zh}",
        )
        return
    ctx.act([{"op": "remove_text", "role": role}], f"removed {en}", f"去掉了{zh}")


def _move_to_scene(ctx: Context) -> None:
    roles = _role_pattern()
    for start, end in ctx.clauses:
        view = ctx.view[start:end]
        role_hit = re.search(roles, view)
        verb = re.search(_TO_SCENE, view)
        if role_hit is None or verb is None:
            continue
        role = _role_of(role_hit.group())
        everywhere = re.search(_ALL_SCENES, view)
        refs = [r for r in scene_refs(ctx) if start <= r.start < end and r.scene]
        if not refs and not everywhere:
            continue
        texts = ctx.work.texts_of(role)
        if not texts:
            ctx.note(
                f"There is no {ROLE_NAMES[role][0][4:].rstrip('s')} to move.",
                f"视频里没有{ROLE_NAMES[role][1]}可以移动。",
            )
            ctx.take_span(start, end)
            continue
        ctx.take_span(start + role_hit.start(), start + role_hit.end())
        ctx.take_span(start + verb.start(), start + verb.end())
        ctx.roles[start] = role
        ctx.take(r"\binstead\b|\brather\b|改为|改到")
        if refs:
            ctx.take_span(refs[0].start, refs[0].end)
            target: str = refs[0].scene or "none"
            position = next(i for i, s in enumerate(ctx.work.scenes, 1) if s.id == target)
            en, zh = (
                f"moved {ROLE_NAMES[role][0]} to scene {position}",
                f"把{ROLE_NAMES[role][1]}移到第{position}个画面",
            )
        else:
            assert everywhere is not None
            ctx.take_span(start + everywhere.start(), start + everywhere.end())
            target, en, zh = (
                "none",
                f"{ROLE_NAMES[role][0]} now show over the whole video",
                f"{ROLE_NAMES[role][1]}改为全程显示",
            )
        ctx.act([{"op": "set_text", "id": t.id, "scene": target} for t in texts[:1]], en, zh, "set_text")


def _styles(ctx: Context) -> None:
    role_words = _role_pattern()
    carried: str | None = None
    for start, end in _segments(ctx, role_words):
        view = ctx.view[start:end]
        style, position, animation, spans, said = _features(ctx, view, start)
        role_hit = re.search(role_words, view)
        role = _role_of(role_hit.group()) if role_hit else ctx.roles.get(start, carried)
        if not (style or position or animation):
            carried = _role_of(role_hit.group()) if role_hit else carried
            continue
        if role is None and ctx.fresh:
            continue  # a new video's adjectives describe it ("smooth and bold"), they style no text
        if role is None:
            present = sorted({t.role for t in ctx.work.all_texts()})
            role = present[0] if len(present) == 1 else None
        if role is None:
            ctx.note(
                "Say which text to change (the title, the captions or the closing card).",
                "请说明要修改哪段文字（标题、字幕或结尾卡片）。",
            )
            continue
        carried = role
        targets = [role]
        if role == "custom" and not ctx.work.texts_of("custom"):  # "the text": every text there is
            targets = sorted({t.role for t in ctx.work.all_texts()}) or [role]
        texts = ctx.work.texts_of(targets[0])
        en, zh = ROLE_NAMES[role]
        if role_hit:
            ctx.take_span(start + role_hit.start(), start + role_hit.end())
        for s, e in spans:
            ctx.take_span(s, e)
        if not texts:
            ctx.note(
                f"There is no {en[4:].rstrip('s')} yet, so I could not restyle it.",
                f"视频里还没有{zh}，所以无法修改它的样式。",
            )
            continue
        ops = [_op(ctx, r, dict(style), dict(position), animation) for r in targets]
        if len(targets) > 1:
            en, zh = "all the texts", "所有文字"
        ctx.act(ops, _sentence(en, [s[0] for s in said], False), _sentence(zh, [s[1] for s in said], True), "set_text")


def _segments(ctx: Context, role_words: str) -> list[tuple[int, int]]:
    """Clauses, cut again before each further text they name ("the title red and the captions yellow")."""
    out: list[tuple[int, int]] = []
    for start, end in ctx.clauses:
        cuts = [start + m.start() for m in re.finditer(role_words, ctx.view[start:end])][1:]
        bounds = [start, *cuts, end]
        out.extend(pairwise(bounds))
    return out


def _op(
    ctx: Context, role: str, style: dict[str, Any], position: dict[str, Any], animation: dict[str, Any]
) -> dict[str, Any]:
    first = ctx.work.texts_of(role)[0]
    if isinstance(style.get("size"), tuple):
        style["size"] = _step(first.style.size, style["size"][0])
    if isinstance(position.get("slot"), tuple):
        now = first.position.slot or (D.ROLE_SLOT[role] if ctx.work.scenes else D.TEXT_ONLY_SLOT)
        index = D.SLOTS.index(now) + position["slot"][0]
        position["slot"] = D.SLOTS[max(0, min(len(D.SLOTS) - 1, index))]
    raw: dict[str, Any] = {"op": "set_text", "role": role}
    for key, value in (("style", style), ("position", position), ("animation", animation)):
        if value:
            raw[key] = value
    return raw


def _sentence(name: str, said: list[str], zh: bool) -> str:
    looks = [s for s in said if not s.startswith("@")]
    moves = [s[1:].format(name) for s in said if s.startswith("@")]
    parts = ([f"{name}{'，'.join(looks)}" if zh else f"made {name} {', '.join(looks)}"] if looks else []) + moves
    return ("；" if zh else "; ").join(parts)


def _step(current: str | int | None, direction: int) -> str | int:
    if isinstance(current, int):
        return max(8, min(600, round(current * (1.25 if direction > 0 else 0.8))))
    index = D.STEP_ORDER.index(current or "medium")
    return D.STEP_ORDER[max(0, min(len(D.STEP_ORDER) - 1, index + direction))]


def _features(
    ctx: Context, view: str, offset: int
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], list[tuple[int, int]], list[tuple[str, str]]]:
    style: dict[str, Any] = {}
    position: dict[str, Any] = {}
    animation: dict[str, Any] = {}
    spans: list[tuple[int, int]] = []
    said: list[tuple[str, str]] = []

    def hit(m: re.Match[str]) -> None:
        spans.append((offset + m.start(), offset + m.end()))

    for pattern, name in COLOR_WORDS:
        for m in re.finditer(pattern, view):
            box = re.match(_BOX_AFTER, view[m.end() :])
            if box:
                band = re.search(r"band|banner|横条|色带", box.group())
                style.update(backdrop="band" if band else "box", backdrop_color=name, backdrop_opacity=0.9)
                style.setdefault("color", "black" if name in _LIGHT else "white")
                spans.append((offset + m.start(), offset + m.end() + box.end()))
                said.append((f"on a {name} {'band' if band else 'box'}", f"加{COLOR_ZH[name]}底框"))
            elif "color" not in style or (style["color"] in ("black", "white") and "backdrop" in style):
                style["color"] = name
                hit(m)
                said.append((name, f"改为{COLOR_ZH[name]}"))
    for pattern, value, en_zh in ((BIGGER, 1, ("larger", "放大")), (SMALLER, -1, ("smaller", "缩小"))):
        found = re.search(pattern, view)
        if found and "size" not in style:
            style["size"] = (value,)
            hit(found)
            said.append(en_zh)
    for pattern, step in SIZE_NAMES:
        found = re.search(pattern, view)
        if found and "size" not in style:
            style["size"] = step
            hit(found)
            said.append((f"size {step}", f"字号{step}"))
    px = re.search(_PX, view)
    if px and "size" not in style:
        style["size"] = int(px.group(1))
        hit(px)
        said.append((f"{px.group(1)} px", f"{px.group(1)}像素"))
    for pattern, weight, words in ((REGULAR, 400, ("regular weight", "常规字重")), (BOLD, 700, ("bold", "加粗"))):
        found = re.search(pattern, view)
        if found and "weight" not in style:
            style["weight"] = weight
            hit(found)
            said.append(words)
    for pattern, slot in SLOT_WORDS:
        found = re.search(pattern, view)
        if found and "slot" not in position:
            position["slot"] = slot
            hit(found)
            said.append((f"@moved {{}} to the {slot.replace('_', ' ')}", f"@{{}}放到{_SLOT_ZH[slot]}"))
    for pattern, delta, words in ((_UP, -1, ("higher", "上移")), (_DOWN, 1, ("lower", "下移"))):
        found = re.search(pattern, view)
        if found and "slot" not in position:
            position["slot"] = (delta,)
            hit(found)
            said.append((f"@moved {{}} {words[0]}", f"@{{}}{words[1]}"))
    for pattern, backdrop in BACKDROP_WORDS:
        found = re.search(pattern, view)
        if found and "backdrop" not in style:
            style["backdrop"] = backdrop
            hit(found)
            said.append((f"with {backdrop}" if backdrop != "none" else "without a backdrop", f"背景{backdrop}"))
    for pattern, kind in ANIMATION_WORDS:
        found = re.search(pattern, view)
        if found and not animation:
            animation["enter"] = kind
            hit(found)
            said.append((f"{kind.replace('_', ' ')} in", f"入场{kind}"))
    return style, position, animation, spans, said
