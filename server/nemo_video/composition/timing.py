"""Timing: how long each scene holds and when each text shows. Integer milliseconds, pure.

A scene's length is its *slot*: from the cut into it to the cut out of it, where a cut is the middle
of a transition. Segments overlap by the transition, so the draft's segments are a little longer than
their slots, and the video's length is the sum of the slots.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from . import defaults as D
from .model import Composition, Scene, TextLayer


@dataclass(frozen=True)
class Span:
    start: int
    d: int

    @property
    def end(self) -> int:
        return self.start + self.d


def clamp_total(ms: int) -> int:
    return max(D.MIN_TOTAL_MS, min(D.MAX_TOTAL_MS, ms))


def default_scene_ms(scene: Scene, pace: str, clip_ms: int | None) -> int:
    """A picture holds for the pace's length; a clip for its own length up to 6 s."""
    if scene.kind == "media" and clip_ms:
        return min(D.CLIP_DEFAULT_MS, clip_ms)
    return D.PACE_STYLE[pace][0]


def scene_slots(
    comp: Composition, clip_ms: Sequence[int | None], tail_ms: int = 0, beat_ms: float | None = None
) -> tuple[int, list[Span]]:
    """(total, slot of each scene, then the end card's when ``tail_ms``). Explicit lengths are kept, the
    rest share what the total leaves; with a beat, every cut moves to the nearest beat."""
    scenes = comp.scenes
    if not scenes:
        return clamp_total(comp.duration_ms or D.TEXT_ONLY_DEFAULT_MS), []
    asked = [s.duration_ms for s in scenes]
    if comp.duration_ms is None:
        lengths = [a or default_scene_ms(s, comp.pace, c) for a, s, c in zip(asked, scenes, clip_ms, strict=True)]
        if all(a is None for a in asked):
            target = max(D.MIN_DEFAULT_MS, min(sum(lengths), 60_000))
            lengths = _share(target, [None] * len(scenes), clip_ms)
        total = clamp_total(sum(lengths) + tail_ms)
        lengths = _fit(lengths, total - tail_ms) if tail_ms else _fit(lengths, total)
    else:
        total = clamp_total(comp.duration_ms)
        lengths = _share(total - tail_ms, asked, clip_ms)
    if tail_ms:
        lengths.append(tail_ms)
    if beat_ms:
        lengths = on_beats(lengths, beat_ms)
    spans, start = [], 0
    for length in lengths:
        spans.append(Span(start, length))
        start += length
    return total, spans


def on_beats(lengths: Sequence[int], beat_ms: float) -> list[int]:
    """Move every cut (not the end) to the nearest beat, keeping each slot at least one beat long."""
    total = sum(lengths)
    cuts, elapsed, previous = [], 0, 0
    for length in lengths[:-1]:
        elapsed += length
        beats = max(round(elapsed / beat_ms), round(previous / beat_ms) + 1)
        cut = round(beats * beat_ms)
        if cut >= total - D.MIN_SCENE_MS:
            return list(lengths)  # too short for the grid: keep the asked lengths
        cuts.append(cut)
        previous = cut
    edges = [0, *cuts, total]
    return [b - a for a, b in itertools.pairwise(edges)]


def _share(total: int, asked: Sequence[int | None], clip_ms: Sequence[int | None]) -> list[int]:
    """Fixed lengths stay while they fit; the free scenes share the rest (clips not past their length)."""
    fixed = sum(a for a in asked if a is not None)
    free = [i for i, a in enumerate(asked) if a is None]
    if not free or fixed + D.MIN_SCENE_MS * len(free) > total:
        return _fit([a or D.MIN_SCENE_MS for a in asked], total)
    caps: list[float | None] = [float(c) if c else None for i, c in enumerate(clip_ms) if i in free]
    shares = _fill(float(total - fixed), caps)
    lengths = [a if a is not None else 0 for a in asked]
    for i, share in zip(free, shares, strict=True):
        lengths[i] = int(share)
    return _fit(lengths, total)


def _fit(lengths: Sequence[int], total: int) -> list[int]:
    """Scale ``lengths`` to add up to ``total`` exactly (rounding goes to the last one)."""
    current = sum(lengths)
    scaled = [max(1, round(x * total / current)) for x in lengths] if current != total else list(lengths)
    scaled[-1] += total - sum(scaled)
    return scaled


def _fill(total: float, caps: list[float | None]) -> list[float]:
    """Share ``total`` equally, except that capped items get no more than their cap (water filling)."""
    shares = [0.0] * len(caps)
    free = list(range(len(caps)))
    remaining = total
    while free:
        share = remaining / len(free)
        capped = [i for i in free if (cap := caps[i]) is not None and cap < share]
        if not capped:
            for i in free:
                shares[i] = share
            return shares
        for i in capped:
            shares[i] = caps[i] or 0.0
            remaining -= shares[i]
            free.remove(i)
    return [s + remaining / len(shares) for s in shares]


def transition_ms(comp: Composition, slots: Sequence[Span]) -> tuple[str, int]:
    """(kind, length): the asked or the pace's, never more than 40% of the shortest slot."""
    _, pace_kind, pace_ms, _ = D.PACE_STYLE[comp.pace]
    kind = comp.transition.kind or pace_kind
    if kind == "cut" or len(slots) < 2:
        return kind, 0
    asked = comp.transition.duration_ms if comp.transition.duration_ms is not None else pace_ms
    limit = min(s.d for s in slots) * 2 // 5
    return kind, max(0, min(asked, limit)) // 20 * 20


def segment_spans(slots: Sequence[Span], overlap: int) -> list[Span]:
    """Each segment runs half a transition into its neighbours' slots."""
    half = overlap // 2
    spans = []
    for i, slot in enumerate(slots):
        start = slot.start - (half if i > 0 else 0)
        end = slot.end + (half if i < len(slots) - 1 else 0)
        spans.append(Span(start, end - start))
    return spans


def text_span(layer: TextLayer, scene_slot: Span | None, total: int) -> Span:
    """When an anchored or explicitly timed text shows."""
    if scene_slot is not None:
        start = scene_slot.start + min(layer.start_ms or 0, max(0, scene_slot.d - 300))
        end = scene_slot.end if layer.duration_ms is None else start + layer.duration_ms
        end = min(end, scene_slot.end, total)
        return Span(start, max(1, end - start))
    start = min(layer.start_ms or 0, max(0, total - 300))
    end = total if layer.duration_ms is None else min(total, start + layer.duration_ms)
    return Span(start, max(1, end - start))


def role_spans(
    total: int, has_title: bool, has_cta: bool, captions: int
) -> tuple[Span | None, list[Span], Span | None]:
    """Free texts by role: title near the start, captions spread over the body, CTA over the end."""
    title = Span(0, min(D.TITLE_MS, round(total * 0.35))) if has_title else None
    cta = None
    if has_cta:
        cta_d = min(D.CTA_MS, round(total * 0.3))
        cta = Span(total - cta_d, cta_d)
    body_start = title.d if title else 0  # the hook: words on screen from the first frame
    body_end = cta.start if cta else total
    count = min(captions, max(0, (body_end - body_start) // D.MIN_CAPTION_MS))
    spans = []
    for i in range(count):
        start = body_start + round(i * (body_end - body_start) / count)
        end = body_start + round((i + 1) * (body_end - body_start) / count)
        gap = 200 if i < count - 1 else 0
        spans.append(Span(start, end - start - gap))
    return title, spans, cta
