"""Timing arithmetic: how long each picture stays, and when each text shows. Integer milliseconds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from ...base import Asset
from .lexicon import PACE_STYLE
from .numbers import clamp_duration

TITLE_MS: Final = 3_000
CTA_MS: Final = 2_500
MIN_CAPTION_MS: Final = 1_800
CLIP_DEFAULT_MS: Final = 6_000
TEXT_ONLY_DEFAULT_MS: Final = 15_000
MIN_DEFAULT_MS: Final = 6_000


@dataclass(frozen=True)
class Span:
    start: int
    d: int


def default_duration(visuals: Sequence[Asset], pace: str) -> int:
    """~3 s per picture (per pace), a clip's own length up to 6 s, at least 6 s; 15 s for text only."""
    if not visuals:
        return TEXT_ONLY_DEFAULT_MS
    per_image = PACE_STYLE[pace][0]
    total = sum(_clip_ms(a) or per_image if a.kind == "video" else per_image for a in visuals)
    return clamp_duration(max(MIN_DEFAULT_MS, min(total, 60_000)))


def _clip_ms(asset: Asset) -> int | None:
    if asset.duration_s is None or asset.duration_s <= 0:
        return None
    return min(CLIP_DEFAULT_MS, round(asset.duration_s * 1000))


def visual_spans(
    total: int, caps: Sequence[int | None], transition_ms: int, tail_ms: int
) -> tuple[list[Span], int]:
    """Lay out ``len(caps)`` overlapping segments that end exactly at ``total``.

    Each segment overlaps the next by the transition; the last one also runs under the closing
    ``tail_ms`` (the call-to-action card). A clip is not stretched past its length (``caps``) while
    pictures can take the time instead. Returns the spans and the transition actually used.
    """
    n = len(caps)
    if n == 1:
        return [Span(0, total)], 0
    tail = tail_ms if tail_ms < total / 2 else 0
    before_tail = total - tail
    transition = min(transition_ms, (before_tail * 2 // (5 * n)) // 10 * 10)
    shares = _fill(
        before_tail + (n - 1) * transition,
        [_cap(c, transition) for c in caps[:-1]]
        + [_cap(None if caps[-1] is None else caps[-1] - tail, transition)],
    )
    lengths = [int(s) for s in shares]
    lengths[-1] += before_tail + (n - 1) * transition - sum(lengths) + tail
    spans, start = [], 0
    for length in lengths:
        spans.append(Span(start, length))
        start += length - transition
    return spans, transition


def _cap(cap: int | None, transition: int) -> float | None:
    # A segment must outlast both of its transitions, or the next one would start before it does.
    return None if cap is None else float(max(cap, 2 * transition + 200))


def _fill(total: float, caps: list[float | None]) -> list[float]:
    """Share ``total`` equally, except that capped items get no more than their cap (water filling)."""
    shares = [0.0] * len(caps)
    free = list(range(len(caps)))
    remaining = total
    while free:
        share = remaining / len(free)
        capped = [i for i in free if caps[i] is not None and caps[i] < share]  # type: ignore[operator]
        if not capped:
            for i in free:
                shares[i] = share
            return shares
        for i in capped:
            shares[i] = caps[i]  # type: ignore[assignment]
            remaining -= shares[i]
            free.remove(i)
    # Every item is a clip shorter than its share: spread what is left evenly.
    return [s + remaining / len(shares) for s in shares]


def text_spans(
    total: int, has_title: bool, has_cta: bool, captions: int
) -> tuple[Span | None, list[Span], Span | None]:
    """Title near the start, captions spread over the body, CTA over the last ~2.5 s."""
    title = Span(0, min(TITLE_MS, round(total * 0.35))) if has_title else None
    cta = None
    if has_cta:
        cta_d = min(CTA_MS, round(total * 0.3))
        cta = Span(total - cta_d, cta_d)
    body_start = title.d if title else min(500, total // 10)
    body_end = cta.start if cta else total
    count = min(captions, max(0, (body_end - body_start) // MIN_CAPTION_MS))
    spans = []
    for i in range(count):
        start = body_start + round(i * (body_end - body_start) / count)
        end = body_start + round((i + 1) * (body_end - body_start) / count)
        gap = 200 if i < count - 1 else 0
        spans.append(Span(start, end - start - gap))
    return title, spans, cta


def caption_capacity(total: int, has_title: bool, has_cta: bool) -> int:
    title, _, cta = text_spans(total, has_title, has_cta, 0)
    body_start = title.d if title else min(500, total // 10)
    body_end = cta.start if cta else total
    return max(0, (body_end - body_start) // MIN_CAPTION_MS)
