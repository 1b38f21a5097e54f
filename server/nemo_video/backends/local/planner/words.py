"""The words a video shows: the title, the call to action and caption lines taken from a message."""

from __future__ import annotations

import re
from typing import Final

from .lexicon import CTA_PATTERNS, URL_PATTERN
from .numbers import is_wide, text_units

_QUOTED: Final = re.compile(
    r"\"([^\"\n]+)\"|“([^”\n]+)”|「([^」\n]+)」|『([^』\n]+)』|‘([^’\n]+)’|《([^》\n]+)》|(?<!\w)'([^'\n]+?)'(?!\w)"
)
_TITLE_LABEL: Final = re.compile(
    r"\b(?:title|tagline|slogan|headline|heading)\b(?:\s+text)?\s*"
    r"(?:to\s+be|to|is|as|should be|reads?|:|：|=)?\s*"
    r"|(?:标题|标语|口号|广告语|主题语)\s*(?:改成|改为|换成|设为|设置为|是|为|：|:)?\s*"
)
_CTA_LABEL_BEFORE: Final = re.compile(
    r"(?:\bcta|\bcall[- ]to[- ]action|\bbutton|\bend(?:ing)? card|\bclosing card|结尾卡片|行动号召|按钮)\s*"
    r"(?:to|is|as|saying|that says|reading|:|：|=|改成|改为|为|是)?\s*$"
)
_CTA_LABEL_AFTER: Final = re.compile(r"^\s*(?:card|button|cta|end card|ending|at the end|结尾|按钮|卡片)")
_CAPTION_LABEL_BEFORE: Final = re.compile(r"(?:\bcaptions?|\bsubtitles?|字幕)\s*(?:to|is|:|：|=)?\s*$")
_SENTENCE_END: Final = re.compile(r"(?<=[.!?])\s+|[;\n。！？；]+")
_CJK_CLAUSE: Final = re.compile(r"[，、,]\s*")
_INSTRUCTION: Final = re.compile(
    r"\d+\s*[:：]\s*\d+|\b(?:video|videos|clip|reel|reels|tiktok|shorts|stories|youtube|instagram|promo|ad|advert"
    r"|slideshow|montage|make|create|generate|produce|render"
    r"|seconds?|secs?|minutes?|music|bgm|soundtrack|song|format|vertical|landscape|portrait|square|horizontal"
    r"|photos?|images?|pictures?|transitions?|captions?|subtitles?|pace|title|tagline|slogan|please|use|add"
    r"|put|set|change|remove|drop|swap|move|mute|undo|i want|i need|can you|could you|let's|\d+s)\b"
    r"|视频|制作|生成|做一|做个|秒|分钟|音乐|配乐|竖屏|横屏|方形|字幕|转场|节奏|抖音|标题|标语|照片|图片|素材|帮我|请|删除|去掉"
    r"|改成|调到|背景|介绍|展示|宣传|推广|交换|调换|撤销|放到|加一个|添加|倒序|顺序|音量"
    r"|\b(?:reverse|order|undo|lower|louder|shorter|longer|faster|slower|transitions?)\b"
)
_SUBJECT: Final = (
    re.compile(
        r"\b(?:about|showcasing|featuring|promoting|introducing|advertising|highlighting|presenting"
        r"|announcing|celebrating)\s+(.+)$"
    ),
    re.compile(r"\b(?:for|of)\s+(.+)$"),
    re.compile(r"(?:关于|介绍|展示|宣传|推广)(.+?)(?:的视频|的短视频|的广告|视频|$)"),
    re.compile(r"(?:给|为)(.+?)(?:做|制作|生成)"),
)
_SUBJECT_CUT: Final = re.compile(
    r",|，|\bwith\b|\busing\b|\bfrom\b|\bin (?:a |an )?(?:\d|vertical|square|landscape|portrait)|\bthat\b"
    r"|\bto (?:post|share|upload)\b|\bon (?:tiktok|youtube|instagram)|\bat\b|的视频|视频"
)
_NOT_SUBJECTS: Final = re.compile(
    r"^(?:tiktok|youtube|instagram|reels?|shorts|stories|story|the web|social media|social"
    r"|my photos|these photos"
    r"|me|us|it|this|that|them|抖音|快手|小红书)$"
)


def quoted_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, inner text) of every quoted run: "…" “…” '…' ‘…’ 「…」 『…』 《…》."""
    spans = []
    for m in _QUOTED.finditer(text):
        inner = next(g for g in m.groups() if g is not None).strip()
        if inner:
            spans.append((m.start(), m.end(), inner))
    return spans


def find_title(text: str, lower: str) -> tuple[str | None, list[tuple[int, int]]]:
    """The title text and the character spans it came from (so captions skip them)."""
    quotes = quoted_spans(text)
    for label in _TITLE_LABEL.finditer(lower):
        after = label.end()
        for start, end, inner in quotes:
            if start == after or (start > after and not text[after:start].strip(" :：")):
                return inner, [(label.start(), end)]
        if _has_separator(lower[label.start() : after]):
            rest = _SENTENCE_END.split(text[after:], maxsplit=1)[0].strip().strip(".,;:。，；：")
            if rest:
                return rest, [(label.start(), after + len(rest))]
    for start, end, inner in quotes:
        if not _is_cta_quote(lower, start, end, inner) and not _CAPTION_LABEL_BEFORE.search(lower[:start]):
            return inner, [(start, end)]
    return None, []


def _has_separator(label: str) -> bool:
    return bool(re.search(r"[:：=]|\bto\b|\bis\b|\bas\b|改成|改为|换成|是|为", label))


def _is_cta_quote(lower: str, start: int, end: int, inner: str) -> bool:
    if any(re.fullmatch(p + r"[.!]*", inner.lower().strip()) for p in CTA_PATTERNS):
        return True
    return bool(_CTA_LABEL_BEFORE.search(lower[:start]) or _CTA_LABEL_AFTER.match(lower[end:]))


def find_cta(text: str, lower: str) -> tuple[str | None, list[tuple[int, int]]]:
    """The closing card's words: a quoted CTA, a CTA phrase, a URL, or a phrase and URL together."""
    spans: list[tuple[int, int]] = []
    phrase: str | None = None
    for start, end, inner in quoted_spans(text):
        if _is_cta_quote(lower, start, end, inner):
            phrase, spans = inner, [(start, end)]
            break
    if phrase is None:
        hits = sorted((m.start(), m.end()) for p in CTA_PATTERNS for m in re.finditer(p, lower))
        if hits:
            start, end = hits[0]
            phrase, spans = _capitalize(text[start:end]), [(start, end)]
    url = re.search(URL_PATTERN, lower)
    url_text = None
    if url:
        url_text = text[url.start() : url.end()].rstrip(".,;:!?)")
        url_text = re.sub(r"^https?://", "", url_text, flags=re.IGNORECASE).rstrip("/")
        spans.append((url.start(), url.end()))
    if phrase and url_text and url_text.lower() not in phrase.lower():
        return f"{phrase} · {url_text}", spans
    return phrase or url_text, spans


def _capitalize(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:]


def find_captions(text: str, lower: str, skip: list[tuple[int, int]]) -> tuple[str, ...]:
    """Descriptive sentences of the message (instructions, title, CTA and URLs left out).

    When every sentence is an instruction, the subject of the first ("a video about X") is used.
    """
    kept = "".join(" " if _inside(i, skip) else ch for i, ch in enumerate(text))
    kept_lower = "".join(" " if _inside(i, skip) else ch for i, ch in enumerate(lower))
    descriptive: list[str] = []
    subjects: list[str] = []
    for sentence, sentence_lower in _sentences(kept, kept_lower):
        if _INSTRUCTION.search(sentence_lower):
            subject = _subject(sentence, sentence_lower)
            if subject:
                subjects.append(subject)
        elif _has_words(sentence):
            descriptive.append(sentence)
    return tuple(descriptive) if descriptive else tuple(subjects[:1])


def _inside(index: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= index < end for start, end in spans)


def _sentences(text: str, lower: str) -> list[tuple[str, str]]:
    """Split into sentences; Chinese also splits at commas so each clause is judged alone."""
    pieces: list[tuple[str, str]] = []
    cursor = 0
    for m in [*_SENTENCE_END.finditer(text), None]:
        end = m.start() if m else len(text)
        chunk, chunk_lower = text[cursor:end], lower[cursor:end]
        cursor = m.end() if m else len(text)
        if any(is_wide(ch) for ch in chunk):
            offset = 0
            for c in [*_CJK_CLAUSE.finditer(chunk), None]:
                c_end = c.start() if c else len(chunk)
                pieces.append((chunk[offset:c_end], chunk_lower[offset:c_end]))
                offset = c.end() if c else len(chunk)
        else:
            pieces.append((chunk, chunk_lower))
    return [(_clean(s), _clean(lo)) for s, lo in pieces if _clean(s)]


def _clean(sentence: str) -> str:
    sentence = re.sub(r"\s+", " ", sentence).strip()
    return sentence.strip(" .;:,-—–·。；：，、").strip()


_FILLER: Final = frozenset(
    {
        *("at", "on", "via", "to", "visit", "go", "and", "or", "the", "a", "an", "in", "now", "today"),
        *("here", "link", "bio", "our", "us", "www", "more", "访问", "点击", "链接"),
    }
)


def _has_words(sentence: str) -> bool:
    """True when a sentence has real words, not only leftovers such as "at" from "Shop now at x.com"."""
    if sum(1 for ch in sentence if ch.isalpha()) < 2:
        return False
    if any(is_wide(ch) for ch in sentence):
        return sentence not in _FILLER
    return any(w not in _FILLER for w in re.findall(r"[a-z']+", sentence.lower()))


def _subject(sentence: str, lower: str) -> str | None:
    for pattern in _SUBJECT:
        m = pattern.search(lower)
        if not m:
            continue
        start = m.start(1)
        cut = _SUBJECT_CUT.search(lower, start)
        end = cut.start() if cut else len(lower)
        subject = _clean(sentence[start:end])
        if _has_words(subject) and not _NOT_SUBJECTS.match(subject.lower()):
            return _capitalize(subject)
    return None


def caption_lines(sentences: tuple[str, ...], max_units: float) -> list[str]:
    """Short caption lines: long sentences split at commas, then between words (or characters)."""
    lines: list[str] = []
    for sentence in sentences:
        pieces = [p for p in re.split(r"(?<=[,，、;；:：])\s*", sentence) if p.strip()]
        current = ""
        for piece in pieces:
            candidate = f"{current} {piece}".strip() if current and not is_wide(piece[0]) else current + piece
            if current and text_units(candidate) > max_units:
                lines.append(_clean(current))
                current = piece
            else:
                current = candidate
        if current:
            lines.append(_clean(current))
    return [part for line in lines for part in _wrap(line, max_units) if part]


def _wrap(line: str, max_units: float) -> list[str]:
    if text_units(line) <= max_units:
        return [line]
    tokens = re.findall(
        r"[\u3000-\u9fff\uf900-\ufaff\uff00-\uffef]|[^\s\u3000-\u9fff\uf900-\ufaff\uff00-\uffef]+", line
    )
    out: list[str] = []
    current = ""
    for token in tokens:
        joiner = "" if not current or is_wide(token[0]) or is_wide(current[-1]) else " "
        candidate = current + joiner + token
        if current and text_units(candidate) > max_units:
            out.append(_clean(current))
            current = token
        else:
            current = candidate
    if current:
        out.append(_clean(current))
    return out
