"""The audio half of the graph: clip audio kept at its volume, the music bed, loudness, fades."""

from __future__ import annotations

from . import music as music_beds
from .filters import chain as _chain
from .filters import filter_ as _filter
from .filters import num as _num
from .plan import Music, RenderPlan

_STEREO = {"sample_fmts": "fltp", "sample_rates": 48000, "channel_layouts": "stereo"}


def _music_chain(m: Music, plan: RenderPlan, music_input: int | None) -> str:
    d = plan.duration_s
    if m.kind == "file" and music_input is not None:
        # The user's file: normalise it to about -14 LUFS before the volume and fades, so
        # loudnorm never lifts a fade back up.
        steps = [
            _filter("atrim", duration=_num(d)),
            _filter("asetpts", "PTS-STARTPTS"),
            _filter("aformat", **_STEREO),
            _filter("loudnorm", I=-14, TP=-1.5, LRA=11),
            _filter("aresample", 48000),
        ]
        head = f"[{music_input}:a]" + _chain(*steps)
    else:
        head = music_beds.bed_chain(m.mood, m.bpm, d)
    steps = [_filter("volume", _num(m.volume))]
    fade_in = min(m.fade_in_s, d / 2)
    fade_out = min(m.fade_out_s, d / 2)
    if fade_in > 0:
        steps.append(_filter("afade", t="in", st=0, d=_num(fade_in)))
    if fade_out > 0:
        steps.append(_filter("afade", t="out", st=_num(d - fade_out), d=_num(fade_out)))
    return f"{head},{_chain(*steps)}[am]"


def audio_graph(plan: RenderPlan, index: dict[int, int], music_input: int | None) -> list[str]:
    parts: list[str] = []
    labels: list[str] = []
    for i, v in enumerate(plan.visuals):
        if v.kind != "video" or not v.has_audio or v.volume <= 0:
            continue
        delay = round(v.start_s * 1000)
        parts.append(
            f"[{index[i]}:a]"
            + _chain(
                _filter("asetpts", "PTS-STARTPTS"),
                _filter("atrim", duration=_num(v.duration_s)),
                _filter("aformat", **_STEREO),
                _filter("volume", _num(v.volume)),
                _filter("adelay", delays=delay, all=1),
            )
            + f"[a{i}]"
        )
        labels.append(f"a{i}")
    if plan.music:
        parts.append(_music_chain(plan.music, plan, music_input))
        labels.append("am")
    d = _num(plan.duration_s)
    if not labels:
        parts.append(
            _chain(_filter("anullsrc", r=48000, cl="stereo"), _filter("atrim", duration=d)) + "[aout]"
        )
        return parts
    mix = "".join(f"[{label}]" for label in labels)
    mixer = (
        _filter("amix", inputs=len(labels), normalize=0, duration="longest") if len(labels) > 1 else "anull"
    )
    parts.append(
        mix
        + _chain(mixer, _filter("apad"), _filter("atrim", duration=d), _filter("aformat", **_STEREO))
        + "[aout]"
    )
    return parts
