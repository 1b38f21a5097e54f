"""Text blocks and the logo as ffmpeg filters: one ``drawtext`` per line (so lines can be staggered),
the backdrop the plan chose (shadow, outline, a scrim band of ``drawbox`` strips, or a box), and the
named animations (CRAFT.md, Motion):

- ``fade``: opacity 0 → 1 over the enter time, lines 100 ms apart (the default);
- ``slide_up``: each line rises half its size into place (ease-out) while it fades in;
- ``pop``: each line grows from 0.9 to 1 with a small overshoot (ease-out-back on the font size);
- ``typewriter``: characters appear one after another, line after line;
- ``word_by_word``: words appear one after another (captions), at most ~8 a second.

Nothing blinks: each text appears once and leaves once (fade or cut), so no flashing at any rate.
"""

from __future__ import annotations

from ....composition import defaults as D
from .filters import filter_ as _filter
from .filters import num as _num
from .plan import RenderPlan
from .texts import Logo, TextBlock

SLIDE = 0.5  # slide_up travel, in font sizes
POP_FROM = 0.9
POP_OPAQUE = 0.4  # a pop reaches full opacity in this part of its enter time
BACK = 1.70158  # ease-out-back constant: the size overshoots 1 by about 1% before it settles
TYPE_STEP_S = 0.05  # typewriter: one character every 50 ms at most
MAX_STEPS = 24  # drawtext filters per line for a reveal: longer lines reveal several characters a step
FEATHER = ((0.35, 0.5), (0.25, 0.2))  # band edges: (height in font sizes, opacity relative to the band)


def _line_starts(t: TextBlock) -> list[float]:
    """When each line starts to appear: staggered, or one after another for reveals."""
    stagger = D.LINE_STAGGER_MS / 1000
    if t.enter in ("typewriter", "word_by_word"):
        starts, at = [], t.start_s
        for line in t.lines:
            starts.append(at)
            at += _reveal_length(t, line)
        return starts
    if t.enter == "none":
        return [t.start_s] * len(t.lines)
    return [min(t.start_s + i * stagger, t.end_s) for i in range(len(t.lines))]


def _units(t: TextBlock, line: str) -> list[str]:
    """The prefixes a reveal shows in turn (whole words for word_by_word; characters, grouped)."""
    if t.enter == "word_by_word" and " " in line:
        words = line.split(" ")
        return [" ".join(words[: i + 1]) for i in range(len(words))]
    chars = len(line)
    steps = min(chars, MAX_STEPS)
    return [line[: round(chars * (k + 1) / steps)].rstrip() for k in range(steps)]


def _reveal_length(t: TextBlock, line: str) -> float:
    steps = len(_units(t, line))
    span = max(t.end_s - t.start_s - t.fade_out_s, 0.1)
    if t.enter == "word_by_word":
        step = min(0.35, max(D.MIN_REVEAL_STEP_MS / 1000, 0.6 * span / max(1, sum(len(x.split()) for x in t.lines))))
    else:
        chars = max(1, sum(len(x) for x in t.lines))
        step = max(TYPE_STEP_S, min(0.1, 0.5 * span / chars)) * len(line) / steps
    return step * steps


def _alpha(t: TextBlock, start: float) -> str:
    s, e = _num(start), _num(t.end_s)
    rise = "1"
    if t.enter in ("fade", "slide_up", "pop") and t.fade_in_s > 0:
        # a pop is opaque early and then settles its size; the others fade over the whole enter time
        length = t.fade_in_s * (POP_OPAQUE if t.enter == "pop" else 1.0)
        rise = f"(t-{s})/{_num(length)}"
    fall = f"({e}-t)/{_num(t.fade_out_s)}" if t.exit != "none" and t.fade_out_s > 0 else "1"
    return f"max(0,min(1,min({rise},{fall})))"


def _progress(t: TextBlock, start: float) -> str:
    return f"max(0,min(1,(t-{_num(start)})/{_num(max(t.fade_in_s, 1e-3))}))"


def _style(t: TextBlock) -> dict[str, object]:
    """Colour and backdrop options of every drawtext of ``t``."""
    options: dict[str, object] = {"fontcolor": t.color}
    soft = max(1, round(t.size / 20))
    if t.backdrop in ("shadow", "outline"):
        options |= {"shadowcolor": f"{t.box_color}@0.5", "shadowx": soft, "shadowy": soft}
    if t.backdrop == "outline":
        options |= {"borderw": max(1, round(t.size / 16)), "bordercolor": t.box_color}
    if t.backdrop == "box":
        gap = max(1, round(t.size * 0.04))
        options |= {
            "box": 1,
            "boxcolor": f"{t.box_color}@{_num(t.box_opacity)}",
            "boxborderw": f"{gap}|{max(2, round(t.size * 0.3))}",
        }
    return options


def _band(t: TextBlock) -> list[str]:
    """A scrim across the frame behind the block: a solid core and softer strips above and below."""
    pad = round(t.size * 0.3)
    top, bottom = round(t.top_y) - pad, round(t.top_y + t.height) + pad
    enable = f"between(t,{_num(t.start_s)},{_num(t.end_s)})"
    boxes = [(top, bottom - top, t.box_opacity)]
    above, below = top, bottom
    for height_em, relative in FEATHER:
        h = max(1, round(height_em * t.size))
        boxes += [(above - h, h, t.box_opacity * relative), (below, h, t.box_opacity * relative)]
        above, below = above - h, below + h
    return [
        _filter("drawbox", x=0, y=y, w="iw", h=h, color=f"{t.box_color}@{_num(round(a, 3))}", t="fill", enable=enable)
        for y, h, a in boxes
    ]


def _drawtext(t: TextBlock, text: str, y: str, x: str, alpha: str, enable: str, size: str | int) -> str:
    return _filter(
        "drawtext",
        fontfile=str(t.font),
        text=text,
        expansion="none",
        fontsize=size,
        **_style(t),
        x=x,
        y=y,
        alpha=alpha,
        enable=enable,
    )


def block_filters(t: TextBlock) -> list[str]:
    """Every filter drawing ``t`` (band first, then each line)."""
    out = _band(t) if t.backdrop == "band" else []
    pitch = t.size + t.line_spacing
    starts = _line_starts(t)
    for i, line in enumerate(t.lines):
        start, top = starts[i], t.top_y + i * pitch
        alpha, end = _alpha(t, start), _num(t.end_s)
        centred = f"max(0,min(w-text_w,{_num(t.center_x)}-text_w/2))"
        if t.enter in ("typewriter", "word_by_word"):
            width = t.widths[i] if i < len(t.widths) else 0.0
            left = _num(round(max(0.0, t.center_x - width / 2)))
            units = _units(t, line)
            step = _reveal_length(t, line) / max(1, len(units))
            for k, shown in enumerate(units):
                a = start + k * step
                until = f"lt(t,{_num(start + (k + 1) * step)})" if k < len(units) - 1 else f"lte(t,{end})"
                out.append(_drawtext(t, shown, _num(top), left, alpha, f"gte(t,{_num(a)})*{until}", t.size))
            continue
        enable = f"between(t,{_num(start)},{end})"
        y, size = _num(top), str(t.size)
        u = _progress(t, start)
        if t.enter == "slide_up":
            y = f"{_num(top)}+{_num(SLIDE * t.size)}*pow(1-{u},3)"
        elif t.enter == "pop":
            v = f"({u}-1)"
            scale = f"({POP_FROM}+{_num(1 - POP_FROM)}*(1+{_num(BACK + 1)}*pow({v},3)+{_num(BACK)}*pow({v},2)))"
            size = f"{t.size}*{scale}"
            y = f"{_num(top)}+{_num(t.size * 0.6)}*(1-{scale})"
        out.append(_drawtext(t, line, y, centred, alpha, enable, size))
    return out


def text_filters(plan: RenderPlan) -> list[str]:
    return [f for t in plan.texts for f in block_filters(t)]


def logo_chain(logo: Logo) -> list[str]:
    """The logo input scaled to its size (kept with its transparency) before it is laid over."""
    return [_filter("scale", w=logo.width, h=logo.height, flags="lanczos"), _filter("format", "rgba")]


def logo_overlay(logo: Logo) -> str:
    return _filter("overlay", x=logo.x, y=logo.y, format="yuv420", eof_action="repeat")
