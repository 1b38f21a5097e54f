"""Numbers in words: durations, ordinals, percentages and Chinese numerals, plus script detection."""

from __future__ import annotations

import re
from typing import Final

_WORD_NUMBERS: Final = {
    "one": 1,
    "a": 1,
    "an": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "twenty-five": 25,
    "thirty": 30,
    "forty": 40,
    "forty-five": 45,
    "fifty": 50,
    "sixty": 60,
    "ninety": 90,
}
_CN_DIGITS: Final = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_NUMBER: Final = r"[零一二两三四五六七八九十百\d]+"
_NUM: Final = r"\d+(?:\.\d+)?"
_WORDS: Final = "|".join(sorted((re.escape(w) for w in _WORD_NUMBERS), key=len, reverse=True))

# Each pattern yields (value, unit multiplier in ms) via its groups; order does not matter (position does).
_DURATION_PATTERNS: Final = (
    (r"\b(?:a|one)\s+minute\s+and\s+a\s+half\b|\b(?:1|one)\.5[- ]?minutes?\b|一分半(?:钟)?", 90_000),
    (r"\bhalf\s+(?:a\s+)?minute\b|\bhalf-minute\b|半分钟", 30_000),
    (r"\b(?:a|one)[- ]minute\b|(?<![\d.])1[- ]?min(?:ute)?s?\b", 60_000),
)
_NUMBER_UNIT: Final = re.compile(
    rf"(?<![\w.])(?:({_NUM})\s*-?\s*(seconds?|secs?|s|minutes?|mins?)|({_WORDS})[- ]"
    r"(seconds?|minutes?))\b"
    r"(?![- ]?(?:style|vibe|look|era|aesthetic|walk|drive|ride|read|wait|delivery))"
    rf"|({_CN_NUMBER})\s*(秒钟?|分钟)"
)
_HOURS: Final = re.compile(
    rf"(?<![\w.])({_NUM})\s*-?\s*(?:hours?|hrs?)(?=\s+(?:long\b|video|clip|reel|movie|film)|\s*$)"
)
_TARGET_BEFORE: Final = re.compile(
    r"(?:\bto|\binto|\bat|改成|改为|调到|调成|变成|缩短到|延长到|缩到|剪到|设为|设置为)\s*$"
)


def cn_number(text: str) -> int | None:
    """``"三十"`` → 30, ``"十五"`` → 15, ``"两百"`` → 200, ``"45"`` → 45; None when not a number."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for char in text:
        if char in _CN_DIGITS:
            current = _CN_DIGITS[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def find_durations(text: str) -> list[tuple[int, int, int]]:
    """Every length the text names, as (start, end, ms), in order. Hours count only when said of the video
    ("a 10000-hour video"), never in a description ("cold-brewed for 18 hours", "冷萃十八小时")."""
    found: list[tuple[int, int, int]] = []
    for pattern, ms in _DURATION_PATTERNS:
        found.extend((m.start(), m.end(), ms) for m in re.finditer(pattern, text))
    for m in _HOURS.finditer(text):  # only as a length of the video: "a 10000-hour video", "10 hours long"
        found.append((m.start(), m.end(), round(float(m.group(1)) * 3_600_000)))
    for m in _NUMBER_UNIT.finditer(text):
        value = _match_ms(m)
        if value is not None and not any(s <= m.start() < e for s, e, _ in found):
            found.append((m.start(), m.end(), value))
    return sorted(found)


def is_target(text: str, position: int) -> bool:
    """True when the number at ``position`` follows "to" / "改成" (the new value, not the old)."""
    return bool(_TARGET_BEFORE.search(text[:position]))


def _match_ms(m: re.Match[str]) -> int | None:
    if m.group(1) or m.group(3):
        raw, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        value = float(raw) if raw[0].isdigit() else float(_WORD_NUMBERS[raw])
        factor = 60_000 if unit.startswith("m") else 1_000
    else:
        number = cn_number(m.group(5))
        if number is None:
            return None
        value = float(number)
        unit = m.group(6)
        factor = 1_000 if unit.startswith("秒") else 60_000
    # Zero and absurd lengths are still asked-for lengths: the edit clamps them and says so.
    return round(value * factor)


# ---------------------------------------------------------------- ordinals

ORDINAL_WORDS: Final = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "last": -1,
    "final": -1,
}
EN_ORDINAL: Final = (
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|final|\d+(?:st|nd|rd|th))"
)
CN_ORDINAL: Final = rf"(?:第\s*{_CN_NUMBER}|最后一|最后)"


def ordinal_value(token: str) -> int | None:
    """1-based index (``-1`` = last) of ``"second"``, ``"2nd"``, ``"2"``, ``"第二"``, ``"最后"``."""
    token = token.strip().lower()
    if token in ORDINAL_WORDS:
        return ORDINAL_WORDS[token]
    if token.startswith("最后"):
        return -1
    token = token.removeprefix("第").strip()
    digits = re.match(r"\d+", token)
    if digits:
        return int(digits.group()) or None
    return cn_number(token) or None


def find_percent(text: str) -> float | None:
    """``"35%"``, ``"35 percent"``, ``"百分之三十五"`` → 0.35 (capped to 0..1)."""
    m = re.search(r"(\d+(?:\.\d+)?)\s*(?:%|％|percent\b|per cent\b)", text)
    if m:
        return min(1.0, float(m.group(1)) / 100)
    m = re.search(rf"百分之({_CN_NUMBER})", text)
    if m and (value := cn_number(m.group(1))) is not None:
        return min(1.0, value / 100)
    return None


# ---------------------------------------------------------------- scripts

_CJK: Final = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
_HAN: Final = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD: Final = re.compile(r"[A-Za-z]+")


def language_of(text: str, fallback: str = "en") -> str:
    """``"zh"`` when the text is mostly Chinese (about two characters per word), else ``"en"``."""
    han = len(_HAN.findall(text))
    words = len(_LATIN_WORD.findall(text))
    if not han and not words:
        return fallback
    return "zh" if han and han / 2 >= words else "en"


def is_wide(ch: str) -> bool:
    return bool(_CJK.match(ch))
