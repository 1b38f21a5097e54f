"""The local planner: words → the same typed operations agents send to ``edit_video``.

``plan(message, media, current)`` is pure and deterministic (no clock, no randomness, no I/O). It reads
the message with matchers that each *take* the words they understand (:mod:`.context`), turns them
into :data:`~nemo_video.composition.Operation` values — each checked by applying it to a working copy —
and replies in the message's language with what was done and, by name, what was not. It never lays
anything out: the agent applies the operations and :func:`~nemo_video.composition.to_draft` lays out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from ....composition import Composition, Operation
from ...base import Asset
from . import brandkit, mediaops, reply, settings, texts
from .context import Context, safe_lower
from .describe import find_captions
from .lexicon import CREATE, REDO, UNDO, UNSUPPORTED, VIDEO_WORD
from .numbers import language_of
from .reply import summary
from .words import extract, quoted_spans

__all__ = ["Plan", "PlanStep", "plan", "summary"]

_VERSION_NOTE: Final = (
    "A second version is not made inside this one: export this video first, then ask for the other format "
    "(for example 'make it 16:9') and export again — say 'undo' to come back to this one.",
    "另一个版本不会放在同一个视频里：请先导出当前视频，再说“改成16:9”之类的画幅并再次导出；说“撤销”即可回到当前版本。",
)


_ASKS_MORE: Final = r"\b(?:with|add|adding|include|including|use|using|put|show|plus|make it)\b|加|配|带|用"


@dataclass(frozen=True)
class PlanStep:
    name: str
    args: dict[str, Any]
    result: str


@dataclass(frozen=True)
class Plan:
    ops: list[Operation]  # apply them to ``current`` (or to an empty composition when ``fresh``)
    reply: str  # in the request's language: what was done, and which part was not
    language: str = "en"
    history: Literal["undo", "redo"] | None = None  # the store moves in its history instead
    fresh: bool = False  # start from an empty Composition(language=language)
    notes: list[str] = field(default_factory=list)  # what was not done
    steps: list[PlanStep] = field(default_factory=list)  # one per action, for the agent's ToolCall events


def plan(message: str, media: Sequence[Asset], current: Composition | None) -> Plan:
    """Turn one message into operations (or an undo/redo, or an honest "cannot do that")."""
    text = message.strip()
    unquoted = _without_quotes(text)
    lang = language_of(unquoted, current.language if current is not None else "en")
    zh = lang == "zh"
    lower = safe_lower(unquoted)
    for kind, pattern in (("redo", REDO), ("undo", UNDO)):
        if re.search(pattern, lower):
            name: Literal["undo", "redo"] = "redo" if kind == "redo" else "undo"
            return Plan([], reply.history(name, zh), lang, history=name, steps=[PlanStep(name, {}, name)])
    empty = current is None or (not current.scenes and not current.all_texts())
    fresh = empty or bool(re.search(CREATE, lower))
    base = Composition(language=lang) if fresh or current is None else current
    ctx = Context(text, media, base, language=lang, fresh=fresh)
    _unsupported(ctx)
    contents = extract(ctx, fresh)
    content_spans = [c.span for c in contents]
    described: list[str] = []
    if fresh:
        ctx.take(CREATE)
        if not any(c.role == "caption" for c in contents):  # the description's sentences are words to show
            described = list(find_captions(ctx.text, ctx.lower, content_spans))
            for line in described:
                at = ctx.lower.find(line.lower())
                if at >= 0:
                    ctx.take_span(at, at + len(line))
    if fresh:
        visual = [a for a in media if a.kind in ("image", "video") and "logo" not in a.name.lower()]
        names = ", ".join(a.name for a in visual)
        ctx.act([{"op": "add_scene", "media": a.id} for a in visual], f"added {names}", f"加入{names}", "add_scene")
    settings.each_duration(ctx)
    mediaops.scene_edits(ctx)
    texts.place_contents(ctx, contents)
    settings.transitions(ctx)
    settings.music(ctx)
    settings.pace(ctx)
    settings.format_(ctx)
    settings.total_duration(ctx)
    brandkit.words(ctx)
    settings.brand(ctx)
    texts.text_edits(ctx)
    if fresh:
        return _fresh(ctx, contents, described, empty)
    unknown = reply.leftovers(ctx)
    return _result(ctx, unknown, empty=False)


def _without_quotes(text: str) -> str:
    chars = list(text)
    for start, end, _ in quoted_spans(text):
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _unsupported(ctx: Context) -> None:
    for pattern, en, zh in UNSUPPORTED:  # the words up to the next "and" or comma go with it
        hits = ctx.find(rf"(?:{pattern})(?:(?!\band\b|\bthen\b)[^,.;，。；])*")
        for m in hits:
            ctx.take_span(m.start(), m.end())
        if hits:
            if en == "make a second version":
                ctx.note(*_VERSION_NOTE)
            else:
                ctx.note(f"I can't {en} here, so I left that out.", f"这里无法{zh}，这部分没有做。")


def _fresh(ctx: Context, contents: list[Any], described: list[str], empty: bool) -> Plan:
    for line in [] if ctx.cache.get("no_captions") else described:
        ctx.act(
            [{"op": "set_text", "role": "caption", "text": line}],
            f"added the caption '{line}'",
            f"加上字幕「{line}」",
        )
    asks = (
        contents
        or re.search(CREATE, _without_quotes(ctx.lower))
        or re.search(VIDEO_WORD, ctx.lower)
        or any(d.step != "add_scene" for d in ctx.done)
    )
    if not asks or (not ctx.work.scenes and not ctx.work.all_texts()):
        ctx.done.clear()
        ctx.ops.clear()
        return _result(ctx, [], empty=True)
    # A new video's leftover words are its description; only asks for something more are named.
    unknown = [u for u in reply.leftovers(ctx) if re.search(_ASKS_MORE, u.lower())]
    return _result(ctx, unknown, empty)


def _result(ctx: Context, unknown: list[str], empty: bool) -> Plan:
    notes = [n.zh if ctx.language == "zh" else n.en for n in ctx.notes] + unknown
    steps = [PlanStep(d.step, d.args, d.en) for d in ctx.done]
    text = reply.compose(ctx, unknown, empty and not ctx.done)
    return Plan(list(ctx.ops), text, ctx.language, fresh=ctx.fresh and bool(ctx.ops), notes=notes, steps=steps)
