"""Text blocks and the logo as ffmpeg filters: one ``drawtext`` per line (so lines can be staggered),
the backdrop the plan chose (shadow, outline, a scrim band with soft edges that fades with the text, or
a box), and the named animations (CRAFT.md, Motion):

- ``fade``: opacity 0 → 1 over the enter time, lines 100 ms apart (the default);
- ``slide_up``: each line rises half its size into place (ease-out) while it fades in;
- ``pop``: each line grows from 0.9 to 1 with a small overshoot (ease-out-back on the font size);
- ``typewriter``: characters appear one after another, line after line;
- ``word_by_word``: words appear one after another (captions), at most ~8 a second.

Nothing blinks: each text appears once and leaves once (fade or cut), so no flashing at any rate.
"""

from __future__ import annotations

import math

from ....composition import defaults as D
from ....composition.colors import luminance, rgb
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
FEATHER = 0.6  # the band's soft edges, in font sizes
BOX_PAD = (0.35, 0.12)  # room around the block inside a box (x, y), in font sizes


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
    """How long ``line`` takes to appear: words 120–350 ms apart, characters 50–100 ms (grouped when a
    line has more than ``MAX_STEPS``), and the whole text shown by 60% of its time on screen."""
    span = max(t.end_s - t.start_s - t.fade_out_s, 0.1)
    units = max(1, sum(len(_units(t, x)) for x in t.lines))
    if t.enter == "word_by_word":
        step = min(0.35, max(D.MIN_REVEAL_STEP_MS / 1000, 0.6 * span / units))
    else:
        chars = max(1, sum(len(x) for x in t.lines))
        step = max(TYPE_STEP_S, min(0.1, 0.5 * span / chars)) * chars / units
    step = max(1 / 30, min(step, 0.6 * span / units))
    return step * len(_units(t, line))


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
    if t.backdrop in ("shadow", "outline") and luminance(*rgb(t.box_color)) < 0.18:  # a light glow is no shadow
        options |= {"shadowcolor": f"{t.box_color}@0.5", "shadowx": soft, "shadowy": soft}
    if t.backdrop == "outline":
        options |= {"borderw": max(1, round(t.size / 16)), "bordercolor": t.box_color}
    elif t.faux_bold:  # a thin stroke in the text's own colour: the CJK face's bold weight
        options |= {"borderw": max(1, round(t.size / 30)), "bordercolor": t.color}
    return options


def panel(t: TextBlock, width: int) -> tuple[int, int, int, int, int]:
    """(x, y, w, h, feather) of ``t``'s band or box. A band crosses the frame with a solid core over
    the block and soft edges; a box wraps the block with some room, kept inside the text's zone."""
    if t.backdrop == "band":
        pad, feather = round(t.size * 0.3), max(2, round(t.size * FEATHER))
        row = round(t.top_y) - pad - feather
        return 0, row, width, round(t.height) + 2 * (pad + feather), feather
    half = max(t.widths, default=0.0) / 2
    left = max(t.zone[0], t.center_x - half - BOX_PAD[0] * t.size)
    right = min(t.zone[2], t.center_x + half + BOX_PAD[0] * t.size)
    top = max(t.zone[1], t.top_y - BOX_PAD[1] * t.size)
    bottom = min(t.zone[3], t.top_y + t.height + BOX_PAD[1] * t.size)
    x, y = math.floor(left), math.floor(top)
    return x, y, max(2, math.ceil(right) - x), max(2, math.ceil(bottom) - y), 0


def panel_source(t: TextBlock, width: int, fps: int) -> str:
    """The band or box as its own stream: one frame with its alpha (computed once), held for the
    text's time and faded with it, so it lands and leaves as softly as the words."""
    _, _, w, h, feather = panel(t, width)
    alpha = _num(255 * t.box_opacity)
    if feather:
        ramp = f"min(1,min(Y,{h - 1}-Y)/{feather})"
        alpha = f"{alpha}*{ramp}*{ramp}*(3-2*{ramp})"  # smoothstep edges
    frames = max(1, round((t.end_s - t.start_s) * fps))
    chain = [
        _filter("color", c=t.box_color, s=f"{w}x{h}", r=fps, d=_num(1 / fps)),
        _filter("format", "yuva420p"),
        _filter("geq", lum="lum(X,Y)", cb="cb(X,Y)", cr="cr(X,Y)", a=alpha),
        _filter("loop", loop=frames - 1, size=1, start=0),
        _filter("setpts", f"N/({fps}*TB)+{_num(t.start_s)}/TB"),
    ]
    if t.fade_in_s > 0 and t.enter != "none":
        chain.append(_filter("fade", t="in", st=_num(t.start_s), d=_num(t.fade_in_s), alpha=1))
    if t.fade_out_s > 0 and t.exit != "none":
        chain.append(_filter("fade", t="out", st=_num(t.end_s - t.fade_out_s), d=_num(t.fade_out_s), alpha=1))
    return ",".join(chain)


def panel_overlay(t: TextBlock, width: int) -> str:
    x, y, *_ = panel(t, width)
    return _filter("overlay", x=x, y=y, eof_action="pass", format="yuv420")


def _drawtext(t: TextBlock, text: str, y: str, x: str, alpha: str, enable: str, size: str | int) -> str:
    return _filter(
        "drawtext",
        fontfile=str(t.font),
        text=text,
        expansion="none",
        fontsize=size,
        y_align="font",  # every line (and every typed prefix) on the same ascent line
        **_style(t),
        x=x,
        y=y,
        alpha=alpha,
        enable=enable,
    )


def block_filters(t: TextBlock) -> list[str]:
    """Every filter drawing ``t`` (band first, then each line)."""
    out: list[str] = []  # a band or box is laid under the text by the graph (see panel_source)
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
