"""Message text → :class:`Request`: pure text understanding, no media and no draft involved."""

from __future__ import annotations

import re
from typing import Final

from .intent import Request
from .lexicon import (
    CREATE_PATTERN,
    FORMAT_PATTERNS,
    MOOD_PATTERNS,
    NO_MUSIC_PATTERN,
    PACE_PATTERNS,
    TRANSITION_PATTERNS,
    UNDO_PATTERN,
    UNSUPPORTED,
)
from .mediaops import find_media_ops
from .numbers import find_duration_ms, find_percent, language_of
from .words import find_captions, find_cta, find_title, quoted_spans

_MUSIC_WORD: Final = r"\b(?:music|bgm|soundtrack|song|track|tune|beat|audio)\b|音乐|配乐|bgm|歌"
_REMOVE_TITLE: Final = (
    r"\b(?:remove|drop|delete|hide|no|without|lose|get rid of)\s+(?:the\s+|a\s+)?"
    r"(?:title|tagline|headline|slogan)\b|去掉标题|删除标题|不要标题|无标题|去掉标语|删除标语|不要标语"
)
_CAPTIONS_OFF: Final = (
    r"\b(?:remove|drop|delete|hide|no|without|turn off|switch off|disable|lose|get rid of)\s+"
    r"(?:the\s+|all\s+(?:the\s+)?|any\s+)?(?:captions?|subtitles?|text overlays?|on-screen text)\b"
    r"|\bcaptions? off\b|去掉字幕|删除字幕|不要字幕|关闭字幕|隐藏字幕|无字幕|关掉字幕|去除字幕"
)
_CAPTIONS_ON: Final = (
    r"\b(?:add|show|turn on|enable|bring back|restore|put back|with)\s+(?:the\s+)?(?:captions?|subtitles?)\b"
    r"|\bcaptions? (?:back )?on\b|加上字幕|添加字幕|显示字幕|打开字幕|加字幕|恢复字幕|带字幕"
)
_REMOVE_CTA: Final = (
    r"\b(?:remove|drop|delete|hide|no|without|lose|get rid of)\s+(?:the\s+)?(?:cta|call[- ]to[- ]action"
    r"|(?:end|ending|closing|final|shop now|buy now)\s+card|card|button)\b"
    r"|去掉(?:结尾)?卡片|删除(?:结尾)?卡片|不要(?:结尾)?卡片|去掉购买按钮|去掉结尾|删除结尾"
)
_USE_AUDIO: Final = (
    r"\b(?:use|with|play|put)\s+(?:my|the|our)\s+(?:own\s+|uploaded\s+)?(?:song|audio|track|music|mp3|tune)\b"
    r"|用我的音乐|使用我的音乐|用上传的音乐|用我上传的|用我的歌|使用上传的音乐"
)
_QUIETER: Final = (
    r"\b(?:lower|quieter|softer|turn down|reduce|decrease|duck)\b.{0,30}(?:music|bgm|volume|soundtrack)"
    r"|(?:music|bgm|soundtrack)\b.{0,20}\b(?:quieter|softer|lower|down|too loud)\b"
    r"|音乐小一点|音乐调低|降低音乐|调低音乐|音量小|音量调低|小声|音乐小声|调小"
)
_LOUDER: Final = (
    r"\b(?:louder|raise|turn up|increase|boost)\b.{0,30}(?:music|bgm|volume|soundtrack)"
    r"|(?:music|bgm|soundtrack)\b.{0,20}\b(?:louder|higher|up|too quiet)\b"
    r"|音乐大一点|调高音乐|音乐调高|音量大|音量调高|大声|调大"
)
_VOLUME_CONTEXT: Final = _MUSIC_WORD + r"|\bvolume\b|音量"
_SHORTER: Final = r"\bshorter\b|\bshorten\b|\btrim it\b|缩短|短一点|短一些|短点"
_LONGER: Final = r"\blonger\b|\blengthen\b|\bextend\b|延长|长一点|长一些|长点"
_NORMAL_PACE: Final = r"\b(?:normal|medium|moderate|regular) (?:pace|speed)\b|正常节奏|中等节奏"


def safe_lower(text: str) -> str:
    """Lower-case without changing the length (so positions in it index the original text)."""
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)


def parse(message: str, fallback_language: str = "en") -> Request:
    text = message.strip()
    lower = safe_lower(text)
    title, title_spans = find_title(text, lower)
    cta, cta_spans = find_cta(text, lower)
    captions = find_captions(text, lower, title_spans + cta_spans)
    outside_quotes = _without_quotes(lower)
    # Mood and pace words are read outside the product description too ("Soft cotton tees" is no mood).
    instructions = _without(outside_quotes, captions)
    mood, explicit = _mood(instructions)
    duration = find_duration_ms(outside_quotes)
    return Request(
        language=language_of(_without_quotes(text), fallback_language),
        duration_ms=duration,
        duration_factor=None if duration is not None else _duration_factor(outside_quotes),
        ratio=_ratio(outside_quotes),
        title=title,
        remove_title=bool(re.search(_REMOVE_TITLE, outside_quotes)),
        captions=captions,
        captions_on=_captions_on(outside_quotes),
        cta=cta,
        remove_cta=bool(re.search(_REMOVE_CTA, outside_quotes)),
        mood=mood,
        mood_is_explicit_music=explicit,
        use_audio=bool(re.search(_USE_AUDIO, outside_quotes)),
        volume=find_percent(outside_quotes) if re.search(_VOLUME_CONTEXT, outside_quotes) else None,
        volume_factor=_volume_factor(outside_quotes),
        pace=_pace(instructions),
        transition=_transition(outside_quotes),
        media_ops=find_media_ops(outside_quotes),
        undo=bool(re.search(UNDO_PATTERN, outside_quotes)),
        create=bool(re.search(CREATE_PATTERN, outside_quotes)),
        unsupported=tuple((en, zh) for pattern, en, zh in UNSUPPORTED if re.search(pattern, outside_quotes)),
    )


def _without_quotes(text: str) -> str:
    """The text with quoted runs blanked, so a title like "Fast & Calm" sets neither pace."""
    chars = list(text)
    for start, end, _ in quoted_spans(text):
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _without(text: str, sentences: tuple[str, ...]) -> str:
    for sentence in sentences:
        text = text.replace(safe_lower(sentence), " " * len(sentence))
    return text


def _first_match(text: str, table: tuple[tuple[str, str], ...]) -> str | None:
    hits = [(m.start(), value) for pattern, value in table for m in [re.search(pattern, text)] if m]
    return min(hits)[1] if hits else None


def _ratio(text: str) -> str | None:
    # "YouTube Shorts" is vertical: blank "youtube" there so it does not read as 16:9.
    return _first_match(re.sub(r"youtube(?=\s*shorts)", " " * 7, text), FORMAT_PATTERNS)


def _mood(text: str) -> tuple[str | None, bool]:
    if re.search(NO_MUSIC_PATTERN, text):
        return "none", True
    mood = _first_match(text, MOOD_PATTERNS)
    return mood, mood is not None and bool(re.search(_MUSIC_WORD, text))


def _pace(text: str) -> str | None:
    if re.search(_NORMAL_PACE, text):
        return "normal"
    return _first_match(text, PACE_PATTERNS)


def _transition(text: str) -> str | None:
    hits = []
    for pattern, value in TRANSITION_PATTERNS:
        m = re.search(pattern, text)
        # "fade" alone counts only when said about transitions, not "fade out the music".
        if m and (value != "crossfade" or re.search(r"transition|cross|转场|淡入淡出|交叉", text)):
            hits.append((m.start(), value))
    return min(hits)[1] if hits else None


def _captions_on(text: str) -> bool | None:
    if re.search(_CAPTIONS_OFF, text):
        return False
    if re.search(_CAPTIONS_ON, text):
        return True
    return None


def _volume_factor(text: str) -> float | None:
    if re.search(_QUIETER, text):
        return 0.6
    if re.search(_LOUDER, text):
        return 1.4
    return None


def _duration_factor(text: str) -> float | None:
    if re.search(_SHORTER, text):
        return 2 / 3
    if re.search(_LONGER, text):
        return 1.5
    return None
