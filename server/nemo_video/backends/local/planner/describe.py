"""Captions from a description: the descriptive sentences of a request for a new video.

"A 15s TikTok about our cold brew. Smooth, bold and never bitter." → "Smooth, bold and never bitter"
(the instruction is left out); when every sentence is an instruction, the subject of the first one
("a video about X") is shown instead.
"""

from __future__ import annotations

import re
from typing import Final

from .numbers import is_wide

_SENTENCE_END: Final = re.compile(r"(?<=[.!?])\s+|[;\n。！？；]+|[:：]\s*")
_CJK_CLAUSE: Final = re.compile(r"[，、,]\s*")
_INSTRUCTION: Final = re.compile(
    r"\d+\s*[:：]\s*\d+|\b(?:video|videos|clip|reel|reels|tiktok|shorts|stories|youtube|instagram|promo|ad|advert"
    r"|slideshow|montage|make|create|generate|produce|render"
    r"|seconds?|secs?|minutes?|music|bgm|soundtrack|song|format|vertical|landscape|portrait|square|horizontal"
    r"|photos?|images?|pictures?|transitions?|captions?|subtitles?|pace|title|tagline|slogan|please|use|add"
    r"|put|set|change|remove|drop|swap|move|mute|undo|i want|i need|can you|could you|let's|\d+s)\b"
    r"|视频|制作|生成|做一|做个|秒|分钟|音乐|配乐|竖屏|横屏|方形|字幕|转场|节奏|抖音|标题|标语|照片|图片|素材|帮我|请|删除|去掉"
    r"|加点|加个|加上|加一个|配上|改成|调到|背景|介绍|展示|宣传|推广|交换|调换|撤销|放到|加一个|添加|倒序|顺序|音量"
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


def _capitalize(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:]
