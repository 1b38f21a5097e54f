"""The words a video shows, taken verbatim from a message: titles, captions, calls to action.

A text is found after its label ("title:", "with the title", "finish with", "end card", "字幕", "标题：")
either in quotes — "…" “…” '…' ‘…’ 「…」 『…』 《…》 — or, after an unmistakable label, unquoted up to
the end of its clause ("with the title Carry Your Story and the caption Handmade in Porto").
Numbers, prices, addresses and times inside a text are part of it, never settings: the words are
taken out of the message before anything reads a length or a format from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from .context import Context
from .lexicon import (
    ANIMATION_WORDS,
    BACKDROP_WORDS,
    BIGGER,
    BOLD,
    COLOR_WORDS,
    CTA_PATTERNS,
    REGULAR,
    SIZE_NAMES,
    SLOT_WORDS,
    SMALLER,
    URL_PATTERN,
)

_QUOTED: Final = re.compile(
    r"\"([^\"\n]+)\"|“([^”\n]+)”|「([^」\n]+)」|『([^』\n]+)』|‘([^’\n]+)’|《([^》\n]+)》|(?<!\w)'([^'\n]+?)'(?!\w)"
)
_SEP: Final = (
    r"(?:\s*(?:[:：=]|\bto\s+(?:say|read)\b|\bto\b|\bis\b|\bas\b|\breads?\b|\bsaying\b|\bthat says\b|\bwhich says\b"
    r"|\bshould (?:say|read|be)\b|\bsays?\b|改成|改为|换成|设为|设置为|写上?|是|为|叫)\s*)"
)
_EACH: Final = (
    r"(?:\s+(?:for|on|under|over)\s+(?:each|every|the)\s+(?:screen|photo|image|picture|scene|slide|shot|one)s?)"
)
# (label pattern, role, unquoted text allowed after it without a separator)
_LABELS: Final = (
    (r"\b(?:with|and|plus)\s+(?:the\s+|a\s+)?(?:title|headline|heading|tagline|slogan)(?:\s+text)?\s+", "title", True),
    (r"\btitled\s+|\bheadlined\s+", "title", True),
    (r"\b(?:title|headline|heading|tagline|slogan)(?:\s+text)?\b", "title", False),
    (r"标题|标语|口号|广告语|主题语", "title", False),
    (rf"\b(?:with|and|plus)\s+(?:the\s+|a\s+)?(?:captions?|subtitles?){_EACH}?\s+", "caption", True),
    (rf"\b(?:captions?|subtitles?|subs){_EACH}?", "caption", False),
    (r"(?:每张图?|每个画面|每个镜头)?(?:配上?|加上?)?字幕", "caption", False),
    (r"\b(?:cta|call[- ]to[- ]action|end(?:ing)? card|closing card|end screen|outro|button)\b", "cta", False),
    (r"\b(?:finish|end|close|wrap up|sign off)(?:\s+it)?\s+(?:with|on)\b", "cta", False),
    (r"结尾(?:卡片|文字|页)?|最后(?:显示|写上?|加上?)|行动号召|按钮", "cta", False),
    (r"\b(?:add|put|show|overlay|write)\s+(?:the\s+|a\s+|some\s+)?(?:text|words|overlay|label)\b", "custom", False),
)
_RUN_END: Final = re.compile(
    r"(?<=[.!?])(?=\s|$)|[;\n。！？；，,]|\s+(?:and|with|plus)\s+(?:the\s+|a\s+|an\s+)?"
    r"(?:captions?|subtitles?|title|headline|tagline|cta|call|end card|closing card|music|bgm|\w+\s+music|calm|upbeat"
    r"|no music|\d)"
)
_LIST_GAP: Final = re.compile(r"\s*(?:,|，|、|;|；|\band\b|&|\bthen\b|和)?\s*")
_TEXT_SOURCE: Final = re.compile(
    r"\b(?:from|with|using|of|show|use)\s+(?:this|the following|these|my)\s+(?:text|words|script|copy|lines|sentences)"
    r"\s*[:：]|\b(?:that|which|it)\s+says\s*[:：]|(?:这段|以下)(?:文字|文案|内容)[^:：\n]{0,10}[:：]"
)
_SENTENCE: Final = re.compile(r"[^.!?。！？\n]+[.!?。！？]*")


@dataclass(frozen=True)
class Content:
    role: str | None  # None: an unlabelled quote (the planner decides: title, caption or a scene's text)
    text: str
    start: int
    end: int
    each: bool = False  # one per scene, in order ("captions for each screen: 'A', 'B'")
    label: int | None = None  # where its label starts ("end card 'Open 7am-3pm'")

    @property
    def span(self) -> tuple[int, int]:
        return (self.start if self.label is None else min(self.label, self.start), self.end)


def quoted_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, inner text) of every quoted run."""
    spans = []
    for m in _QUOTED.finditer(text):
        inner = next(g for g in m.groups() if g is not None).strip()
        if inner:
            spans.append((m.start(), m.end(), inner))
    return spans


def extract(ctx: Context, fresh: bool) -> list[Content]:
    """Every text the message asks to show; their words are taken from ``ctx``."""
    found = _source_text(ctx)
    if found:
        return found
    quotes = quoted_spans(ctx.text)
    for pattern, role, bare in _LABELS:
        for label in ctx.find(pattern):
            found.extend(_after_label(ctx, label, role, bare, quotes))
    for start, end, inner in quotes:
        if ctx.view[start:end].strip():  # not taken by a label
            found.append(Content("cta" if _is_cta_phrase(inner) else None, inner, start, end))
            ctx.take_span(start, end)
    if fresh:
        found.extend(_cta_phrases(ctx))
    return sorted(found, key=lambda c: c.start)


def _source_text(ctx: Context) -> list[Content]:
    """ "make a video from this text: …" — every sentence after the colon is shown, verbatim, in order."""
    m = next(iter(ctx.find(_TEXT_SOURCE)), None)
    if m is None:
        return []
    out = []
    for s in _SENTENCE.finditer(ctx.text, m.end()):
        sentence = s.group().strip()
        if any(ch.isalnum() for ch in sentence):
            out.append(Content("caption", sentence, s.start(), s.end()))
    ctx.take_span(m.start(), len(ctx.text))
    return out


def _after_label(
    ctx: Context, label: re.Match[str], role: str, bare: bool, quotes: list[tuple[int, int, str]]
) -> list[Content]:
    if not ctx.view[label.start() : label.end()].strip():
        return []  # taken by an earlier label
    each = bool(re.search(r"each|every|每", label.group()))
    sep = re.compile(_SEP).match(ctx.lower, label.end())
    pos = sep.end() if sep else label.end()
    pos = len(ctx.lower[pos:]) - len(ctx.lower[pos:].lstrip()) + pos
    items: list[Content] = []
    while True:
        quote = next(((s, e, t) for s, e, t in quotes if s == pos), None)
        if quote is None:
            break
        items.append(Content(role, quote[2], quote[0], quote[1], each, label.start()))
        if role != "caption":
            break
        gap = _LIST_GAP.match(ctx.lower, quote[1])
        pos = gap.end() if gap else quote[1]
    if items:
        ctx.take_span(label.start(), items[-1].end)
        return items
    strong = sep is not None and re.search(r"[:：=]|\bto\b|read|say|改|换|设|写|叫|是|为", sep.group())
    capital = pos < len(ctx.text) and (ctx.text[pos].isupper() or ctx.text[pos].isdigit()) and role != "cta"
    if not (bare or strong or capital) or (role == "cta" and "with" in label.group()):
        return []
    run = _run(ctx, pos)
    if run is None:
        return []
    ctx.take_span(label.start(), run[1])
    return [Content(role, ctx.text[run[0] : run[1]], run[0], run[1], each, label.start())]


def _run(ctx: Context, start: int) -> tuple[int, int] | None:
    """Unquoted words from ``start`` to the end of their clause, unless they are only style words."""
    end_match = _RUN_END.search(ctx.lower, start)
    end = end_match.start() if end_match else len(ctx.text)
    while end > start and ctx.text[end - 1] in " \t.。":
        end -= 1
    words = ctx.lower[start:end].strip()
    if not words or not ctx.view[start:end].strip() or _is_style(words):
        return None
    return start, end


def _is_style(words: str) -> bool:
    """ "bigger", "orange", "at the bottom", "bold and yellow" are how a text looks, not what it says."""
    rest = words
    styles = [p for table in (COLOR_WORDS, SLOT_WORDS, SIZE_NAMES, BACKDROP_WORDS, ANIMATION_WORDS) for p, _ in table]
    for pattern in [*styles, BIGGER, SMALLER, BOLD, REGULAR]:
        rest = re.sub(pattern, " ", rest)
    rest = re.sub(
        r"\b(?:larger|bigger|smaller|bold|regular|italic|in|and|a|the|an|bit|little|more|less|font|color|colour"
        r"|size|text|box|shadow|outline|band|at|on|to|of|top|bottom|center|centre|middle|left|right|too|very|much|big"
        r"|small|large|bright|dark|visible|readable|italic|higher|lower|up|down|px|pixels|be|is|look|looks|appear|seem"
        r"|stand out|have|get|go|become|feel|more|less|\d+)\b|[^\w]",
        " ",
        rest,
    )
    return not rest.strip() or bool(re.fullmatch(r"[放大缩小一点些加粗居中色的和在到上下面方部]+", rest.strip()))


def _is_cta_phrase(text: str) -> bool:
    lower = text.lower().strip()
    return any(re.fullmatch(p + r"[.!]*", lower) for p in CTA_PATTERNS)


def _cta_phrases(ctx: Context) -> list[Content]:
    """A new video's unquoted call to action: a known phrase and/or a web address."""
    hits = sorted((m.start(), m.end()) for p in CTA_PATTERNS for m in ctx.find(p))
    phrase = None
    spans: list[tuple[int, int]] = []
    if hits:
        start, end = hits[0]
        phrase, spans = ctx.text[start].upper() + ctx.text[start + 1 : end], [(start, end)]
    url = next(iter(ctx.find(URL_PATTERN)), None)
    url_text = None
    if url is not None:
        url_text = ctx.text[url.start() : url.end()].rstrip(".,;:!?)")
        url_text = re.sub(r"^https?://", "", url_text, flags=re.IGNORECASE).rstrip("/")
        spans.append((url.start(), url.end()))
    text = phrase or url_text
    if phrase and url_text and url_text.lower() not in phrase.lower():
        text = f"{phrase} · {url_text}"
    if text is None:
        return []
    for start, end in spans:
        ctx.take_span(start, end)
    return [Content("cta", text, spans[0][0], spans[-1][1])]
