"""Text inside the platform's safe zone: balanced lines, then smaller (down to the role's minimum), then
shortened with an ellipsis and a note — never out of the zone (CRAFT.md, Layout and Type).

The zone comes from ``composition.defaults.SAFE_ZONES`` by the draft's ``m.platform`` (by the frame's
aspect when a draft does not say), so the planner's slots and the renderer agree on one table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ....composition import defaults as D
from . import fonts

ELLIPSIS = "…"
LINE_GAP = 0.25  # line spacing, as a fraction of the font size
LINE_HEIGHT = 1.2  # a drawn line's height (ascender to descender), as a fraction of the font size
SHRINK = 0.94  # each fitting step's size, relative to the last


@dataclass(frozen=True)
class Zone:
    """Where text may go, in output pixels."""

    left: float
    top: float
    right: float
    bottom: float
    platform: str

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def vertical(self) -> bool:
        return self.platform in ("reels", "tiktok", "shorts")


def platform_of(platform: object, width: int, height: int) -> str:
    """The draft's platform when it names one we know, else the default for the nearest aspect."""
    if isinstance(platform, str) and platform in D.SAFE_ZONES:
        return platform
    aspect = min(D.SIZES, key=lambda r: abs(D.SIZES[r][0] / D.SIZES[r][1] - width / max(height, 1)))
    return D.default_platform(aspect)


def zone(platform: object, width: int, height: int) -> Zone:
    name = platform_of(platform, width, height)
    left, top, right, bottom = D.SAFE_ZONES[name]
    return Zone(left * width, top * height, right * width, bottom * height, name)


def family(z: Zone) -> str:
    return "vertical" if z.vertical else "other"


def min_size(role: str, z: Zone, frame_height: int, asked: int) -> int:
    """The smallest the fitting may go: the role's minimum, or what was asked when that is smaller."""
    fraction = D.ROLE_MIN_SIZE[family(z)].get(role, D.ROLE_MIN_SIZE[family(z)]["custom"])
    return max(8, min(asked, round(fraction * frame_height)))


def block_height(lines: int, size: int, ratio: float = LINE_HEIGHT) -> float:
    """Height of ``lines`` drawn lines: each line box (``ratio`` x size: the font's ascent + descent;
    drawtext places lines by the font's ascent) plus the gaps between them."""
    return (lines - 1) * (size + round(size * LINE_GAP)) + ratio * size


def line_ratio(font: fonts.Font) -> float:
    """The font's line box (ascent + descent) as a fraction of its size, at least ``LINE_HEIGHT``."""
    ascent, descent = fonts.metrics(font, 100)
    return max(LINE_HEIGHT, (ascent + descent) / 100)


@dataclass(frozen=True)
class Fitted:
    lines: tuple[str, ...]
    size: int
    widths: tuple[float, ...]
    note: str | None = None
    ratio: float = LINE_HEIGHT

    @property
    def height(self) -> float:
        return block_height(len(self.lines), self.size, self.ratio)

    @property
    def width(self) -> float:
        return max(self.widths, default=0.0)


def fit(font: fonts.Font, text: str, size: int, smallest: int, z: Zone) -> Fitted:
    """``text`` in the zone at ``size`` or smaller (not below ``smallest``), shortened if it must be."""
    max_chars = D.MAX_LINE_CHARS[family(z)]
    ratio = line_ratio(font)
    current = size
    while True:
        for chars in (max_chars, None):  # the line-length rule gives way before the size does
            lines = fonts.balanced_wrap(font, current, text, z.width, chars)
            if block_height(len(lines), current, ratio) <= z.height:
                note = None if current == size else f"made smaller to fit ({size} → {current} px)"
                return _fitted(font, current, lines, note, ratio)
        if current <= smallest:
            break
        current = max(smallest, int(current * SHRINK))
    lines = fonts.balanced_wrap(font, current, text, z.width, None)
    room = max(1, int((z.height - ratio * current) // (current + round(current * LINE_GAP))) + 1)
    kept = lines[:room]
    kept[-1] = _with_ellipsis(font, current, kept[-1], z.width)
    shown = " ".join(kept)
    note = f"shortened to fit the safe zone: {text[:40]!r} shows as {shown[:40]!r}"
    return _fitted(font, current, kept, note, ratio)


def _fitted(font: fonts.Font, size: int, lines: list[str], note: str | None, ratio: float) -> Fitted:
    widths = tuple(fonts.text_width(font, size, line) for line in lines)
    return Fitted(tuple(lines), size, widths, note, ratio)


def _with_ellipsis(font: fonts.Font, size: int, line: str, max_width: float) -> str:
    text = line.rstrip()
    while text and fonts.text_width(font, size, text + ELLIPSIS) > max_width:
        text = text[:-1].rstrip()
    return text + ELLIPSIS


def place(center: tuple[float, float], fitted: Fitted, z: Zone) -> tuple[float, float]:
    """(centre x, top y) of the block, moved as little as needed to sit wholly inside the zone."""
    half = fitted.width / 2
    cx = min(max(center[0], z.left + half), z.right - half) if half * 2 <= z.width else z.left + z.width / 2
    height = fitted.height
    top = float(round(min(max(center[1] - height / 2, z.top), z.bottom - height)))
    if top + height > z.bottom:
        top = float(math.floor(z.bottom - height))
    return cx, max(top, float(math.ceil(z.top)))
