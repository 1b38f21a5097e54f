"""The audio half of the graph: clip sound and the music bed, ducked, faded and brought to -14 LUFS.

Loudness without a second pass: every source reaches the mix at a known loudness — a music bed at
its measured gain (``music.py``), the user's music file and each clip's sound through a one-pass
``loudnorm`` at -14 LUFS before any fade — so the program's loudness follows from the volumes,
the fades and the ducking, computed here over the timeline (``program_gain_db``: the same gating as
EBU R128 on a model of the mix). One static gain then sets the program at -14 LUFS and a limiter
keeps the true peak under -1 dBTP. The music ducks under a clip's own sound (``sidechaincompress``
keyed on the clip's normalised sound, 150 ms attack, 300 ms release: about 10 dB under speech)
unless the draft's music says ``ducking: false``, fades in and fades out ending on a bar line of the
bed when one is near the end.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from . import music as music_beds
from .filters import chain as _chain
from .filters import filter_ as _filter
from .filters import num as _num
from .plan import Music, RenderPlan, Visual

_STEREO = {"sample_fmts": "fltp", "sample_rates": 48000, "channel_layouts": "stereo"}
TARGET_LUFS = -14.0
DEFAULT_MUSIC_VOLUME = 0.8  # the volume at which a bed alone plays at the target
MIN_FADE_IN_S = 0.3
BAR_SNAP_S = 1.0  # end the music on the last bar line when it falls this close to the end
# Ducking: keyed on the clip's sound at -14 LUFS, 4:1 over -33 dB takes about 10 dB off the music (measured).
DUCK = {"threshold": 0.022, "ratio": 4, "attack": 150, "release": 300, "knee": 2}
DUCK_DB = 10.0
LIMIT = 0.79  # -2 dBFS sample peak, so the AAC file's true peak stays at or under -1 dBTP
_NORMALISE = {"I": TARGET_LUFS, "TP": -2, "LRA": 11}


@dataclass(frozen=True)
class MusicShape:
    """When the music plays and how it fades (seconds)."""

    amplitude: float
    fade_in_s: float
    fade_out_s: float
    end_s: float  # the fade-out ends here (a bar line when one is near the end), silence after
    bar_s: float = 0.0  # a bed's bar, over which its pad swells (0: a file, taken as steady)
    swell: float = 0.0  # the share of the bed's power that swells with the bar
    ducking: bool = True  # the music is lowered under a clip's sound (``set_music ducking=false``: not)


def music_shape(m: Music, duration_s: float) -> MusicShape:
    end, bar = duration_s, 0.0
    if m.kind == "synth" and m.bpm > 0:
        bar = 4 * 60.0 / m.bpm
        last_bar = math.floor(duration_s / bar + 1e-6) * bar
        if duration_s - last_bar <= BAR_SNAP_S and last_bar >= duration_s / 2:
            end = last_bar
    fade_in = m.fade_in_s if m.fade_in_s <= 0 else max(MIN_FADE_IN_S, m.fade_in_s)
    fade_in = min(fade_in, end / 2)
    fade_out = min(m.fade_out_s, end / 2)
    swell = music_beds.swell_share(m.mood) if bar else 0.0
    return MusicShape(m.volume / DEFAULT_MUSIC_VOLUME, fade_in, fade_out, end, bar, swell, m.ducking)


def _clips(plan: RenderPlan, index: dict[int, int]) -> list[tuple[int, Visual]]:
    return [(i, v) for i, v in enumerate(plan.visuals) if i in index and v.kind == "video" and v.volume > 0]


def _music_chain(m: Music, plan: RenderPlan, music_input: int | None, shape: MusicShape, keyed: bool) -> list[str]:
    d = plan.duration_s
    if m.kind == "file" and music_input is not None:
        steps = [
            _filter("atrim", duration=_num(d)),
            _filter("asetpts", "PTS-STARTPTS"),
            _filter("aformat", **_STEREO),
            _filter("loudnorm", **_NORMALISE),  # before the fades, so it never lifts a fade back up
            _filter("aresample", 48000),
        ]
        head = f"[{music_input}:a]" + _chain(*steps)
    else:
        head = music_beds.bed_chain(m.mood, m.bpm, d)
    parts: list[str] = []
    if keyed:
        parts.append(f"{head}[am0]")
        head = "[am0][key]" + _filter("sidechaincompress", **DUCK)
    steps = [_filter("volume", _num(round(shape.amplitude, 4)))]
    if shape.fade_in_s > 0:
        steps.append(_filter("afade", t="in", st=0, d=_num(shape.fade_in_s)))
    if shape.fade_out_s > 0:
        steps.append(_filter("afade", t="out", st=_num(shape.end_s - shape.fade_out_s), d=_num(shape.fade_out_s)))
    elif shape.end_s < d:
        steps.append(_filter("volume", "0", enable=f"gte(t,{_num(shape.end_s)})"))
    parts.append(f"{head},{_chain(*steps)}[am]")
    return parts


def _clip_chains(plan: RenderPlan, clips: list[tuple[int, Visual]], index: dict[int, int], keyed: bool) -> list[str]:
    parts: list[str] = []
    for i, v in clips:
        delay = round(v.start_s * 1000)
        head = f"[{index[i]}:a]" + _chain(
            _filter("asetpts", "PTS-STARTPTS"),
            _filter("atrim", duration=_num(v.duration_s)),
            _filter("aformat", **_STEREO),
            _filter("loudnorm", **_NORMALISE),
            _filter("aresample", 48000),
            _filter("aformat", **_STEREO),
            _filter("adelay", delays=delay, all=1),
            # after loudnorm, adelay's timestamps run ahead of its samples (ffmpeg 9) and the pads
            # below stop short: count time in samples again
            _filter("asetpts", "N/SR/TB"),
        )
        if keyed:
            parts.append(f"{head},{_filter('asplit', 2)}[c{i}][k{i}]")
            parts.append(f"[c{i}]{_filter('volume', _num(v.volume))}[a{i}]")
        else:
            parts.append(f"{head},{_filter('volume', _num(v.volume))}[a{i}]")
    if keyed:
        keys = "".join(f"[k{i}]" for i, _ in clips)
        mixer = _filter("amix", inputs=len(clips), normalize=0) if len(clips) > 1 else "anull"
        d = _num(plan.duration_s)
        parts.append(keys + _chain(mixer, _filter("apad", whole_dur=d), _filter("atrim", duration=d)) + "[key]")
    return parts


def program_gain_db(
    duration_s: float, clips: Sequence[tuple[float, float, float]], shape: MusicShape | None, step_s: float = 0.01
) -> float:
    """The gain that brings the mix to -14 LUFS, from a model of it: each clip (start, length, volume)
    and the music at -14 LUFS at unity, the music ducked under clips and faded; gated as EBU R128 does
    (400 ms blocks every 100 ms, absolute -70 LUFS and relative -10 LU gates)."""
    n = max(1, round(duration_s / step_s))
    power = [0.0] * n
    for k in range(n):
        t = (k + 0.5) * step_s
        clip = sum(vol * vol for start, length, vol in clips if start <= t < start + length)
        p = clip
        if shape is not None and t < shape.end_s:
            a = shape.amplitude
            if shape.bar_s > 0:
                phase = math.sin(math.pi * (t % shape.bar_s) / shape.bar_s)
                a *= math.sqrt(1 - shape.swell + shape.swell * 2 * phase * phase)
            if shape.fade_in_s > 0 and t < shape.fade_in_s:
                a *= t / shape.fade_in_s
            if shape.fade_out_s > 0 and t > shape.end_s - shape.fade_out_s:
                a *= (shape.end_s - t) / shape.fade_out_s
            p += a * a * (10 ** (-DUCK_DB / 10) if clip > 0 and shape.ducking else 1.0)
        power[k] = p
    block, hop = max(1, round(0.4 / step_s)), max(1, round(0.1 / step_s))
    blocks = [sum(power[s : s + block]) / block for s in range(0, max(1, n - block + 1), hop)]
    floor = 10 ** ((-70 - TARGET_LUFS) / 10)
    gated = [b for b in blocks if b > floor]
    if not gated:
        return 0.0
    relative = sum(gated) / len(gated) / 10
    kept = [b for b in gated if b > relative]
    return round(-10 * math.log10(sum(kept) / len(kept)), 2)


def audio_graph(plan: RenderPlan, index: dict[int, int], music_input: int | None) -> list[str]:
    d = _num(plan.duration_s)
    clips = _clips(plan, index)
    shape = music_shape(plan.music, plan.duration_s) if plan.music else None
    keyed = bool(clips) and shape is not None and shape.ducking
    parts = _clip_chains(plan, clips, index, keyed)
    labels = [f"a{i}" for i, _ in clips]
    if plan.music and shape is not None:
        parts += _music_chain(plan.music, plan, music_input, shape, keyed)
        labels.append("am")
    if not labels:
        parts.append(_chain(_filter("anullsrc", r=48000, cl="stereo"), _filter("atrim", duration=d)) + "[aout]")
        return parts
    spans = [(v.start_s, v.duration_s, v.volume) for _, v in clips]
    gain = program_gain_db(plan.duration_s, spans, shape)
    mix = "".join(f"[{label}]" for label in labels)
    mixer = _filter("amix", inputs=len(labels), normalize=0, duration="longest") if len(labels) > 1 else "anull"
    parts.append(
        mix
        + _chain(
            mixer,
            _filter("apad", whole_dur=d),
            _filter("atrim", duration=d),
            _filter("volume", f"{_num(gain)}dB"),
            _filter("alimiter", limit=LIMIT, level=0, attack=5, release=50, latency=1),
            _filter("aformat", **_STEREO),
        )
        + "[aout]"
    )
    return parts
