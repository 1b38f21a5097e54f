"""Readable text on any picture: measure what a text will cover over its time on screen, then pick the
least intrusive way to reach WCAG 4.5:1 (CRAFT.md, Legibility).

The pixels come from each picture's stored file, decoded small with Pillow (≤ 256 px, cached), in the
part the Ken Burns motion shows under the text at the start and at the end of the text's time on that
picture (the union of both: everything that passes behind the glyphs). Gradients are computed. A video
clip is not decoded here (the plan starts no process): the small frames kept beside it at import
(:mod:`..clip_frames`) that fall inside the text's time on the clip (its trim applied) are sampled
under the text, in the part its cover crop shows; a clip without them counts as "anything from black
to white", and as busy.

The choice, in order of subtlety: the text colour (white or near-black), a gradient scrim band across
the frame, a box. A colour or backdrop the user asked for is kept, and the least intrusive backdrop that
still reaches the contrast is added or strengthened. An outline (with a soft shadow) stands in for a
backdrop only where the user asked for an outline or for no backdrop: it does not change what surrounds
the letters, which is what the design report measures, so the renderer never picks it on its own.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageChops, ImageFilter, ImageOps, ImageStat

from ....composition import defaults as D
from ....composition.colors import contrast, luminance, rgb
from .. import clip_frames
from . import visuals as vis

if TYPE_CHECKING:
    from .plan import Visual

log = logging.getLogger(__name__)

THUMB = 256
MARGIN = 1.1  # aim above 4.5:1: encoding blurs glyph edges and subsamples colour
MAX_SAMPLES = 4096
SALIENCE_RADIUS = 0.12  # of the thumbnail's longer side: larger than a subject, smaller than the frame
BAND_MAX_OPACITY = 0.6  # past this a band darkens too much of the frame: a box is tighter
BUSY = 64.0  # the edge strength assumed for what cannot be seen
BRIEF = 0.25  # a visual behind a text for less than this share of its time does not decide its backdrop
OUTLINE_FLOOR = 3.0  # colour alone at ≥ 3:1 (WCAG large text): an outline is the least that helps when
# the user asked for no backdrop
WHITE = "#FFFFFF"
UNKNOWN: tuple[tuple[int, int, int], ...] = ((0, 0, 0), (255, 255, 255))
Rect = tuple[float, float, float, float]  # left, top, right, bottom in output pixels


@dataclass(frozen=True)
class Asked:
    """What the user set explicitly (``None``: the renderer chooses)."""

    color: str | None = None
    backdrop: str | None = None
    fill: str | None = None
    opacity: float | None = None


@dataclass(frozen=True)
class Choice:
    color: str  # the glyphs
    backdrop: str  # none, shadow, outline, band or box
    fill: str  # colour of the outline / band / box / shadow
    opacity: float  # of the band or box (1 for an outline)
    contrast: float  # predicted: glyphs against what is right behind them
    note: str | None = None


@functools.lru_cache(maxsize=32)
def _thumbnail(src: str, stamp: float) -> Image.Image | None:
    try:
        with Image.open(src) as image:
            image.draft("RGB", (THUMB, THUMB))  # JPEG: decode at 1/2..1/8 scale directly
            small = ImageOps.exif_transpose(image).convert("RGB")
        small.thumbnail((THUMB, THUMB))
        return small
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        log.info("legibility: cannot sample %s (%s): assuming anything behind its texts", Path(src).name, exc)
        return None


def thumbnail(src: str) -> Image.Image | None:
    try:
        stamp = Path(src).stat().st_mtime
    except OSError:
        return None
    return _thumbnail(src, stamp)


def _edges(small: Image.Image) -> Image.Image:
    """Edge strength of a thumbnail or kept frame (≤ 256 px: well under a millisecond)."""
    return small.convert("L").filter(ImageFilter.FIND_EDGES)


@functools.lru_cache(maxsize=32)
def _salience(src: str, stamp: float) -> Image.Image | None:
    """Where the subject is: each pixel's difference from a heavily blurred copy (a difference of
    Gaussians: smooth backdrops, gradients and vignettes vanish, a product or a face stands out,
    flat inside included)."""
    small = _thumbnail(src, stamp)
    return None if small is None else _salience_of(small)


def _salience_of(small: Image.Image) -> Image.Image:
    blurred = small.filter(ImageFilter.GaussianBlur(max(small.size) * SALIENCE_RADIUS))  # see subject.py
    return ImageChops.difference(small, blurred).convert("L").filter(ImageFilter.GaussianBlur(2))


def salience_map(src: str) -> Image.Image | None:
    """Where ``src``'s subject is (a small greyscale map), or None when it cannot be read."""
    try:
        return _salience(src, Path(src).stat().st_mtime)
    except OSError:
        return None


class Pictures:
    """The visuals of one plan, sampled under a rectangle of the frame over a span of time."""

    def __init__(self, visuals: Sequence[Visual], width: int, height: int) -> None:
        self.visuals, self.width, self.height = visuals, width, height
        # maps computed from a thumbnail or kept frame, by the image's id (the image is kept with them)
        self._maps: dict[tuple[str, int], tuple[Image.Image, Image.Image]] = {}

    def _map(self, kind: str, small: Image.Image) -> Image.Image:
        """The edge (``edges``) or subject (``salience``) map of ``small``, computed once per plan."""
        key = (kind, id(small))
        if key not in self._maps:
            self._maps[key] = (small, _edges(small) if kind == "edges" else _salience_of(small))
        return self._maps[key][1]

    def _under(self, start: float, end: float) -> list[tuple[Visual, float, float]]:
        """The visuals behind a text between ``start`` and ``end`` with their progress there. A visual
        seen for under a quarter of the text's time and only inside a transition (while
        the text fades in) is left out when another covers the rest; a hard cut always counts."""
        found = []
        for i, v in enumerate(self.visuals):
            a, b = max(start, v.start_s), min(end, v.start_s + v.duration_s)
            if b > a or (a == b == start):
                span = max(v.duration_s, 1e-6)
                incoming = self.visuals[i - 1].transition_s if i else 0.0
                fading = b <= v.start_s + incoming + 1e-6 or a >= v.start_s + v.duration_s - v.transition_s - 1e-6
                brief = fading and b - a < BRIEF * (end - start)
                found.append((v, (a - v.start_s) / span, (b - v.start_s) / span, brief))
        main = [f for f in found if not f[3]]
        return [(v, p0, p1) for v, p0, p1, _ in (main or found)]

    def _box(self, v: Visual, rect: Rect, p0: float, p1: float, size: tuple[int, int]) -> tuple[int, int, int, int]:
        """The thumbnail pixels behind ``rect`` at any time between progress p0 and p1."""
        boxes = []
        for p in (p0, p1):
            x0, y0, x1, y1 = vis.visible(v, self.width, self.height, p)
            fx = (rect[0] / self.width, rect[2] / self.width)
            fy = (rect[1] / self.height, rect[3] / self.height)
            boxes.append(
                (x0 + fx[0] * (x1 - x0), y0 + fy[0] * (y1 - y0), x0 + fx[1] * (x1 - x0), y0 + fy[1] * (y1 - y0))
            )
        left, top = min(b[0] for b in boxes), min(b[1] for b in boxes)
        right, bottom = max(b[2] for b in boxes), max(b[3] for b in boxes)
        w, h = size
        x, y = max(0, int(left * w)), max(0, int(top * h))
        return x, y, min(w, max(x + 1, round(right * w))), min(h, max(y + 1, round(bottom * h)))

    def pixels(self, rect: Rect, start: float, end: float) -> list[tuple[int, int, int]]:
        """Colours behind ``rect`` between ``start`` and ``end`` s (``UNKNOWN`` stands for a clip)."""
        out: list[tuple[int, int, int]] = []
        for v, p0, p1 in self._under(start, end):
            if v.kind == "background":
                top, bottom = rgb(v.colors[0]), rgb(v.colors[1])
                for y in (rect[1], rect[3]):
                    f = min(max(y / max(self.height - 1, 1), 0.0), 1.0)
                    r, g, b = (round(lo + (hi - lo) * f) for lo, hi in zip(top, bottom, strict=True))
                    out.append((r, g, b))
                continue
            smalls = self._images(v, p0, p1)
            if not smalls:
                out.extend(UNKNOWN)
                continue
            budget = MAX_SAMPLES // len(smalls)
            for small in smalls:
                raw = small.crop(self._box(v, rect, p0, p1, small.size)).tobytes()
                step = 3 * max(1, len(raw) // 3 // budget)
                out.extend((raw[i], raw[i + 1], raw[i + 2]) for i in range(0, len(raw) - 2, step))
        return out or list(UNKNOWN)

    def _images(self, v: Visual, p0: float, p1: float) -> tuple[Image.Image, ...]:
        """What ``v`` shows between progress p0 and p1, small: a picture's thumbnail, or the kept
        frames of a clip inside that time of the clip (none: unknown)."""
        if not v.src or not v.source_size:
            return ()
        if v.kind == "image":
            small = thumbnail(v.src)
            return () if small is None else (small,)
        if v.kind == "video":
            kept = clip_frames.load(v.src)
            if kept is None:
                return ()
            at = v.source_start_s  # the clip plays from its trim at normal speed (visuals.video_chain)
            return kept.around(at + p0 * v.duration_s, at + p1 * v.duration_s)
        return ()

    def busyness(self, rect: Rect, start: float, end: float) -> float:
        """Mean edge strength (0..255) behind ``rect``: low is calm. A clip without kept frames
        counts as busy; with them, its busiest frame under the text decides."""
        scores = []
        for v, p0, p1 in self._under(start, end):
            if v.kind == "background":
                scores.append(0.0)
                continue
            smalls = self._images(v, p0, p1)
            if not smalls:
                scores.append(BUSY)
                continue
            for small in smalls:
                edges = self._map("edges", small)
                scores.append(float(ImageStat.Stat(edges.crop(self._box(v, rect, p0, p1, edges.size))).mean[0]))
        return max(scores, default=0.0)

    def salience(self, rect: Rect, start: float, end: float) -> float:
        """Mean subject strength (0..255) behind ``rect``: high means the text would cover the subject
        (of a clip: in any of its kept frames under the text)."""
        scores = []
        for v, p0, p1 in self._under(start, end):
            found: tuple[Image.Image, ...] = ()
            if v.kind == "image" and v.src and v.source_size:
                picture = salience_map(v.src)
                found = () if picture is None else (picture,)
            elif v.kind == "video":
                found = tuple(self._map("salience", small) for small in self._images(v, p0, p1))
            for m in found:
                scores.append(float(ImageStat.Stat(m.crop(self._box(v, rect, p0, p1, m.size))).mean[0]))
        return max(scores, default=0.0)


# ---------------------------------------------------------------- the choice


def _lum(color: tuple[float, float, float]) -> float:
    return luminance(*color)


def worst(text: str, pixels: Sequence[tuple[int, int, int]]) -> float:
    """The lowest contrast of ``text`` against any of ``pixels``."""
    lt = _lum(rgb(text))
    return min(contrast(lt, _lum(p)) for p in set(pixels))


def _blend(p: tuple[int, int, int], fill: tuple[int, int, int], a: float) -> tuple[float, float, float]:
    return tuple(c * (1 - a) + f * a for c, f in zip(p, fill, strict=True))  # type: ignore[return-value]


def needed_opacity(text: str, fill: str, pixels: Sequence[tuple[int, int, int]], target: float) -> float | None:
    """The least opacity of ``fill`` laid over ``pixels`` that gives ``text`` ``target`` contrast."""
    lt, f = _lum(rgb(text)), rgb(fill)
    unique = list(set(pixels))

    def ok(a: float) -> bool:
        return all(contrast(lt, _lum(_blend(p, f, a))) >= target for p in unique)

    if ok(0.0):
        return 0.0
    if not ok(1.0):
        return None
    low, high = 0.0, 1.0
    for _ in range(10):
        middle = (low + high) / 2
        low, high = (low, middle) if ok(middle) else (middle, high)
    return round(min(1.0, high + 0.02), 2)


def _opposite(text: str) -> str:
    return "#000000" if _lum(rgb(text)) > 0.18 else WHITE


def choose(pixels: Sequence[tuple[int, int, int]], asked: Asked, size: int) -> Choice:
    """Text colour and backdrop for a text over ``pixels``, keeping what was asked."""
    target = D.MIN_CONTRAST * MARGIN
    colors = [asked.color] if asked.color else [WHITE, D.DARK_TEXT_COLOR]
    color = max(colors, key=lambda c: worst(c, pixels))
    alone = worst(color, pixels)
    if alone < target and not asked.color:  # a backdrop will do the work: white over a dark one
        color, alone = WHITE, worst(WHITE, pixels)
    if asked.backdrop in ("box", "band"):
        return _filled(asked.backdrop, color, pixels, asked, target, alone)
    fill = asked.fill or _opposite(color)
    edge = contrast(_lum(rgb(color)), _lum(rgb(fill)))
    if asked.backdrop == "outline" and edge >= target:
        return Choice(color, "outline", fill, 1.0, edge)
    if alone >= target:
        soft = asked.backdrop if asked.backdrop in ("shadow", "outline", "none") else None
        kind = soft or ("shadow" if _lum(rgb(color)) > 0.18 else "none")
        return Choice(color, kind, fill, 1.0, alone)
    if alone >= OUTLINE_FLOOR and asked.backdrop in ("none", "outline") and edge >= target:
        return Choice(color, "outline", fill, 1.0, edge)
    band = _filled("band", color, pixels, asked, target, alone)
    if band.backdrop == "band" and band.opacity <= BAND_MAX_OPACITY:
        return band
    return _filled("box", color, pixels, asked, target, alone)


def _filled(
    kind: str, color: str, pixels: Sequence[tuple[int, int, int]], asked: Asked, target: float, alone: float
) -> Choice:
    fill = asked.fill or _opposite(color)
    need = needed_opacity(color, fill, pixels, target)
    if need is None:  # the asked fill itself is too close to the text colour
        fill = _opposite(color)
        need = needed_opacity(color, fill, pixels, target) or 1.0
    opacity = max(need, asked.opacity or 0.0) if kind == "box" or asked.opacity else need
    opacity = round(min(1.0, max(opacity, 0.3)), 2)
    behind = [_blend(p, rgb(fill), opacity) for p in set(pixels)]
    reached = min(contrast(_lum(rgb(color)), _lum(b)) for b in behind)
    note = None
    if asked.backdrop is None and alone < D.MIN_CONTRAST:
        note = f"added a {kind} behind the text for contrast ({alone:.1f}:1 → {reached:.1f}:1)"
    return Choice(color, kind, fill, opacity, reached, note)
