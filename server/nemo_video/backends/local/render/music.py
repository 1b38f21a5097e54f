"""Music beds made here, per mood: deterministic ``aevalsrc`` expressions (no recordings, no network).

Each bed is a four-chord loop at the mood's tempo: a soft pad (chord tones with a slow swell), a
plucked arpeggio whose envelope decays to nothing before each note change (so changes never click),
and for the livelier moods a pitch-dropping kick. ``random()`` is not used, so the same mood, tempo
and length always give the same samples. Four bars are synthesised once and looped; the loudness
is a gain measured per mood (ebur128) rather than a loudnorm pass, which costs nothing at render.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .filters import chain, filter_, num

MOODS = ("upbeat", "calm", "cinematic", "lofi")


@dataclass(frozen=True)
class Mood:
    bpm: int
    chords: tuple[tuple[float, float, float], ...]  # Hz of three chord tones per bar
    pad: float  # gain of the sustained pad
    pluck: float  # gain of the arpeggio
    pluck_per_beat: int  # arpeggio notes per beat
    kick: float  # gain of the kick on each beat (0: none)
    decay: float  # pluck decay rate (1/s)
    gain_db: float = 0.0  # measured (ebur128, stereo) so that the bed sits at about -14 LUFS


# Progressions: I–V–vi–IV in C (upbeat), Fmaj7-ish (calm), Am–F–C–G low (cinematic), ii–V–I–vi (lofi).
_MOODS: dict[str, Mood] = {
    "upbeat": Mood(
        118,
        ((261.63, 329.63, 392.0), (196.0, 246.94, 293.66), (220.0, 261.63, 329.63), (174.61, 220.0, 261.63)),
        0.10,
        0.22,
        2,
        0.55,
        9.0,
        gain_db=11.9,
    ),
    "calm": Mood(
        72,
        ((174.61, 220.0, 261.63), (196.0, 246.94, 293.66), (164.81, 196.0, 246.94), (146.83, 174.61, 220.0)),
        0.16,
        0.14,
        1,
        0.0,
        3.0,
        gain_db=11.0,
    ),
    "cinematic": Mood(
        64,
        ((110.0, 130.81, 164.81), (87.31, 110.0, 130.81), (130.81, 164.81, 196.0), (98.0, 123.47, 146.83)),
        0.22,
        0.10,
        1,
        0.35,
        2.0,
        gain_db=9.1,
    ),
    "lofi": Mood(
        84,
        ((146.83, 174.61, 220.0), (196.0, 246.94, 293.66), (130.81, 164.81, 196.0), (110.0, 130.81, 164.81)),
        0.12,
        0.18,
        2,
        0.30,
        6.0,
        gain_db=12.5,
    ),
}


def mood_of(name: str | None) -> Mood:
    key = (name or "").lower().replace("-", "").replace(" ", "")
    return _MOODS.get(key, _MOODS["calm"])


def default_bpm(name: str | None) -> int:
    return mood_of(name).bpm


def swell_share(name: str | None) -> float:
    """The share of the bed's power in the pad, whose level swells from silence to full and back once
    per bar (sin² of the bar's phase): the loudness model of a short video needs it (``audio.py``)."""
    mood = mood_of(name)
    note = 60.0 / mood.bpm / mood.pluck_per_beat
    pad = mood.pad**2 * (1 + 0.64 + 0.49) / 4
    steps = 200
    envelope = sum((math.exp(-mood.decay * k / steps * note) * (1 - k / steps)) ** 2 for k in range(steps)) / steps
    pluck = mood.pluck**2 * envelope / 2
    return pad / (pad + pluck)


def _pick(index: str, values: tuple[float, ...]) -> str:
    """A piecewise constant: values[index] for index 0..n-1 (nested ifs; aevalsrc has no arrays)."""
    expr = f"{values[-1]:g}"
    for i in range(len(values) - 2, -1, -1):
        expr = f"if(eq({index},{i}),{values[i]:g},{expr})"
    return expr


def loop_seconds(mood_name: str | None, bpm: int | None = None) -> float:
    """The bed repeats every four bars: synthesise that much once and loop it."""
    return 4 * 4 * 60.0 / float(bpm or mood_of(mood_name).bpm)


def expression(mood_name: str | None, bpm: int | None = None) -> str:
    """The ``aevalsrc`` expression (mono, roughly −18 dBFS RMS before loudness normalisation)."""
    mood = mood_of(mood_name)
    beat = 60.0 / float(bpm or mood.bpm)
    bar = 4 * beat
    note = beat / mood.pluck_per_beat
    roots, thirds, fifths = (tuple(c[k] for c in mood.chords) for k in range(3))
    chord = f"mod(floor(t/{bar:.6f}),4)"
    # st(0..2): the bar's chord tones; st(3): time within the note; st(4): arpeggio step.
    parts = [
        f"st(0,{_pick('ld(5)', roots)})",
        f"st(1,{_pick('ld(5)', thirds)})",
        f"st(2,{_pick('ld(5)', fifths)})",
        f"st(3,mod(t,{note:.6f}))",
        f"st(4,mod(floor(t/{note:.6f}),3))",
    ]
    # The pad breathes once per bar and is silent at bar lines, where its chord (and the loop) changes.
    swell = f"sin(PI*mod(t,{bar:.6f})/{bar:.6f})"
    pad = f"{mood.pad}*{swell}*(sin(2*PI*ld(0)*t)+0.8*sin(2*PI*ld(1)*t)+0.7*sin(2*PI*ld(2)*t))"
    tone = "if(eq(ld(4),0),ld(0),if(eq(ld(4),1),ld(1),ld(2)))*2"
    envelope = f"exp(-{mood.decay}*ld(3))*(1-ld(3)/{note:.6f})"
    pluck = f"{mood.pluck}*{envelope}*sin(2*PI*{tone}*ld(3))"
    terms = [pad, pluck]
    if mood.kick:
        k = f"mod(t,{beat:.6f})"
        terms.append(f"{mood.kick}*exp(-18*{k})*(1-{k}/{beat:.6f})*sin(2*PI*(45*{k}+60*(1-exp(-30*{k}))/30))")
    body = "+".join(terms)
    return f"st(5,{chord});" + ";".join(parts) + f";0.5*({body})"


def bed_chain(mood_name: str | None, bpm: int | None, duration_s: float) -> str:
    """A filter chain (source included) producing the stereo bed at about -14 LUFS for ``duration_s``."""
    mood = mood_of(mood_name)
    period = min(loop_seconds(mood_name, bpm), duration_s)
    return chain(
        filter_("aevalsrc", exprs=expression(mood_name, bpm), s=48000, d=num(period)),
        filter_("aloop", loop=-1, size=round(period * 48000)),
        filter_("atrim", duration=num(duration_s)),
        filter_("aformat", sample_fmts="fltp", sample_rates=48000, channel_layouts="stereo"),
        filter_("volume", f"{mood.gain_db}dB"),
        # The kick's peaks would clip after the gain: a limiter keeps them under -2 dBFS (true peak -1 dBTP).
        filter_("alimiter", limit=0.79, level=0, latency=1),
    )
