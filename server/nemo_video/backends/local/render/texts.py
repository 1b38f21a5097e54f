"""The draft's texts and logo as placed, sized, legible blocks of the render plan.

Per text: the font, the lines fitted into the platform's safe zone (:mod:`.layout`), the calmest place
when the user left the place to us, the colour and backdrop that reach 4.5:1 over what moves behind it
(:mod:`.legibility`), and the named animation. What the user set explicitly is read from the text's
``spec`` (what was asked; a draft without ``spec`` counts its own style as asked).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image

from ....composition import defaults as D
from ....draft import Draft, Segment, TrackType
from . import fonts, layout, legibility

if TYPE_CHECKING:
    from .plan import Visual

ANIMATIONS = ("none", "fade", "slide_up", "pop", "typewriter", "word_by_word")
CALM_STEPS = 9  # candidate places tried across the zone's height for a text placed by us
CALM_PULL = 12.0  # edge strength a move across the whole zone must save to be worth it
SUBJECT_WEIGHT = 0.6  # a text over the subject (salience 0..255) costs like this much edge strength
CROWDED = 1000.0  # cost of a place another text (or the logo) already holds at the same time


@dataclass(frozen=True)
class TextBlock:
    lines: tuple[str, ...]
    font: Path
    size: int
    color: str
    start_s: float
    end_s: float
    center_x: float  # px
    top_y: float  # px, inside the safe zone
    fade_in_s: float = 0.0  # the enter animation's length (named so for every animation)
    fade_out_s: float = 0.0
    box: bool = False
    box_color: str = "#000000"
    box_opacity: float = 0.45
    role: str = "custom"
    enter: str = "fade"
    exit: str = "fade"
    backdrop: str = "shadow"  # none, shadow, outline, band, box
    widths: tuple[float, ...] = ()  # each line's width in px (Pillow, same font and size)
    contrast: float = 0.0  # predicted worst case, glyphs against what is behind them
    faux_bold: bool = False  # bold asked, but the face that draws the text has no bold (Noto CJK)
    line_ratio: float = layout.LINE_HEIGHT  # a line box (ascent + descent) in font sizes
    zone: tuple[float, float, float, float] = (0.0, 0.0, 1e9, 1e9)  # the safe zone (px): left, top, right, bottom

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def line_spacing(self) -> int:
        return round(self.size * layout.LINE_GAP)

    @property
    def height(self) -> float:
        return layout.block_height(len(self.lines), self.size, self.line_ratio)


@dataclass(frozen=True)
class Logo:
    src: str
    width: int  # px on the output
    height: int
    x: int
    y: int
    corner: str


def _seconds(ms: Any, default: float = 0.0) -> float:
    return default if not isinstance(ms, int | float) else max(0.0, float(ms) / 1000.0)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _extra(seg: Segment, key: str) -> Any:
    return (seg.model_extra or {}).get(key)


def _asked(seg: Segment) -> tuple[legibility.Asked, bool]:
    """(explicit style, whether the user set the place)."""
    style = seg.style or {}
    spec = _extra(seg, "spec")
    if isinstance(spec, dict):
        s = _dict(spec.get("style"))
        opacity = s.get("backdrop_opacity")
        asked = legibility.Asked(
            color=s.get("color"),
            backdrop=s.get("backdrop"),
            fill=s.get("backdrop_color"),
            opacity=float(opacity) if isinstance(opacity, int | float) else None,
        )
        return asked, bool(spec.get("position"))
    backdrop = style.get("backdrop") or ("box" if style.get("box") else None)
    opacity = style.get("box_opacity")
    asked = legibility.Asked(
        color=str(style["color"]) if isinstance(style.get("color"), str) else None,
        backdrop=str(backdrop) if backdrop else None,
        fill=str(style["box_color"]) if backdrop in ("box", "band") and style.get("box_color") else None,
        opacity=float(opacity) if backdrop in ("box", "band") and isinstance(opacity, int | float) else None,
    )
    return asked, True


def asked_words(seg: Segment) -> str | None:
    """What the user set explicitly about a text's look, in words ("backdrop none, colour #FFFFFF"),
    or None: the design report names it where a measure fails because of it."""
    asked, _ = _asked(seg)
    parts = [f"backdrop {asked.backdrop}"] if asked.backdrop else []
    parts += [f"colour {asked.color}"] if asked.color else []
    return ", ".join(parts) or None


@dataclass
class _Frame:
    """What every text of one plan is laid out against."""

    width: int
    height: int
    scale: float
    duration: float
    font_dirs: tuple[Path, ...]
    zone: layout.Zone
    pictures: legibility.Pictures
    notes: list[str] = field(default_factory=list)
    taken: list[tuple[legibility.Rect, float, float]] = field(default_factory=list)  # placed, with times

    def collides(self, rect: legibility.Rect, start: float, end: float) -> bool:
        return any(
            a < end and start < b and rect[0] < r[2] and r[0] < rect[2] and rect[1] < r[3] and r[1] < rect[3]
            for r, a, b in self.taken
        )


def build(
    draft: Draft,
    width: int,
    height: int,
    scale: float,
    duration: float,
    font_dirs: Sequence[Path],
    visuals: Sequence[Visual],
    logo: Logo | None = None,
) -> tuple[tuple[TextBlock, ...], list[str]]:
    """Every text of ``draft`` (in track order: earlier texts keep their place, later ones avoid them)."""
    meta = (draft.meta.model_extra or {}) if draft.meta else {}
    frame = _Frame(
        width,
        height,
        scale,
        duration,
        tuple(font_dirs),
        layout.zone(meta.get("platform"), width, height),
        legibility.Pictures(visuals, width, height),
    )
    if logo is not None:
        frame.taken.append(((logo.x, logo.y, logo.x + logo.width, logo.y + logo.height), 0.0, duration))
    blocks: list[TextBlock] = []
    for track in draft.tracks_of(TrackType.TEXT):
        for seg in track.segments:
            if seg.display_text() and _seconds(seg.start_ms()) < duration:
                blocks.append(_block(seg, frame))
    return tuple(blocks), frame.notes


def _rect(cx: float, top: float, fitted: layout.Fitted, pad: float) -> legibility.Rect:
    bottom = top + fitted.height
    return (cx - fitted.width / 2 - pad, top - pad, cx + fitted.width / 2 + pad, bottom + pad)


def _block(seg: Segment, frame: _Frame) -> TextBlock:
    text = seg.display_text() or ""
    style = seg.style or {}
    role = str(_extra(seg, "role") or "custom")
    role = role if role in D.ROLE_MIN_SIZE["other"] else "custom"
    weight = style.get("font_weight", 700 if role == "title" else 400)
    bold = isinstance(weight, int | float) and weight >= 600
    font, drawn = fonts.fit_font(text, bold, frame.font_dirs)
    left_out = fonts.left_out_note(fonts.left_out(text, drawn))
    if left_out:
        frame.notes.append(f"{text[:30]!r}: {left_out}")
    text = drawn
    asked_size = style.get("font_size")
    base = float(asked_size) if isinstance(asked_size, int | float) else frame.height / 14 / frame.scale
    size = max(8, round(base * frame.scale))
    zone = frame.zone
    fitted = layout.fit(font, text, size, layout.min_size(role, zone, frame.height, size), zone)
    label = text[:30]
    if fitted.note:
        frame.notes.append(f"{label!r}: {fitted.note}")
    start = _seconds(seg.start_ms())
    end = min(frame.duration, start + _seconds(seg.length_ms(), frame.duration))
    asked, placed_by_user = _asked(seg)
    position = seg.position or {}
    center = (float(position.get("x", 0.5)) * frame.width, float(position.get("y", 0.5)) * frame.height)
    if not placed_by_user:
        center = _calmest(center, fitted, frame, start, end)
    cx, top = layout.place(center, fitted, zone)
    rect = _rect(cx, top, fitted, 0.2 * fitted.size)
    frame.taken.append((rect, start, end))
    choice = legibility.choose(frame.pictures.pixels(rect, start, end), asked, fitted.size)
    if choice.note:
        frame.notes.append(f"{label!r}: {choice.note}")
    anim = seg.animation or {}
    enter = str(anim.get("in", "fade")) if anim.get("in", "fade") in ANIMATIONS else "fade"
    exit_ = str(anim.get("out", "fade")) if anim.get("out", "fade") in ANIMATIONS else "fade"
    span = max(0.0, end - start)
    return TextBlock(
        lines=fitted.lines,
        font=font.path,
        size=fitted.size,
        color=choice.color,
        start_s=start,
        end_s=end,
        center_x=cx,
        top_y=top,
        fade_in_s=0.0 if enter == "none" else min(_seconds(anim.get("in_d"), 0.4), span / 2),
        fade_out_s=0.0 if exit_ == "none" else min(_seconds(anim.get("out_d"), 0.4), span / 2),
        box=choice.backdrop in ("box", "band"),
        box_color=choice.fill,
        box_opacity=choice.opacity,
        role=role,
        enter=enter,
        exit=exit_,
        backdrop=choice.backdrop,
        widths=fitted.widths,
        contrast=round(choice.contrast, 2),
        zone=(zone.left, zone.top, zone.right, zone.bottom),
        line_ratio=fitted.ratio,
        faux_bold=bold and not font.bold,
    )


def _calmest(
    center: tuple[float, float], fitted: layout.Fitted, frame: _Frame, start: float, end: float
) -> tuple[float, float]:
    """The centre, moved up or down inside the zone to where the pictures behind are calmest and
    clear of their subject, and no other text (or the logo) is at the same time."""
    zone = frame.zone
    height = fitted.height
    if height >= zone.height:
        return center
    cx, _ = layout.place(center, fitted, zone)
    low, high = zone.top + height / 2, zone.bottom - height / 2
    best, best_cost = center, float("inf")
    for k in range(CALM_STEPS + 1):
        y = center[1] if k == CALM_STEPS else low + (high - low) * k / (CALM_STEPS - 1)
        _, top = layout.place((cx, y), fitted, zone)
        rect = _rect(cx, top, fitted, 0.2 * fitted.size)
        cost = frame.pictures.busyness(rect, start, end) + CALM_PULL * abs(y - center[1]) / zone.height
        cost += SUBJECT_WEIGHT * frame.pictures.salience(rect, start, end)
        cost += CROWDED if frame.collides(rect, start, end) else 0.0
        if cost < best_cost - 1e-9:
            best, best_cost = (center[0], y), cost
    return best


# ---------------------------------------------------------------- logo


def _logo_source(draft: Draft) -> str | None:
    """The logo's file: the resolved ``m.brand.logo_src``, else a segment showing the brand's logo id."""
    meta = (draft.meta.model_extra or {}) if draft.meta else {}
    brand = _dict(meta.get("brand"))
    if isinstance(brand.get("logo_src"), str):
        return str(brand["logo_src"])
    wanted = _dict(_dict(meta.get("spec")).get("brand")).get("logo")
    for track in draft.tracks:
        for seg in track.segments:
            if wanted and _extra(seg, "media_id") == wanted and seg.src:
                return seg.src
    return None


def logo(draft: Draft, width: int, height: int) -> tuple[Logo | None, list[str]]:
    """The brand's logo, 10% of the frame width, in its corner inside the safe zone, on every scene."""
    meta: Mapping[str, Any] = (draft.meta.model_extra or {}) if draft.meta else {}
    brand = {**_dict(_dict(meta.get("spec")).get("brand")), **_dict(meta.get("brand"))}
    if not brand.get("logo") and not brand.get("logo_src"):
        return None, []
    src = _logo_source(draft)
    if src is None or not Path(src).is_file():
        return None, [f"the logo {brand.get('logo')!r} has no file in the timeline: not drawn"]
    try:
        with Image.open(src) as image:
            source = image.size
    except (OSError, ValueError) as exc:
        return None, [f"the logo could not be read ({exc}): not drawn"]
    zone = layout.zone(meta.get("platform"), width, height)
    w = max(2, round(D.LOGO_WIDTH_FRACTION * width / 2) * 2)
    h = max(2, round(w * source[1] / max(source[0], 1) / 2) * 2)
    h = min(h, max(2, int(zone.height / 4) // 2 * 2))  # a tall logo is capped, its width follows
    w = max(2, round(h * source[0] / max(source[1], 1) / 2) * 2) if h < w * source[1] / source[0] - 1 else w
    corner = str(brand.get("corner") or D.DEFAULT_CORNER)
    corner = corner if corner in ("top_left", "top_right", "bottom_left", "bottom_right") else D.DEFAULT_CORNER
    x = zone.left if corner.endswith("left") else zone.right - w
    y = zone.top if corner.startswith("top") else zone.bottom - h
    return Logo(src, w, h, round(x), round(y), corner), []
