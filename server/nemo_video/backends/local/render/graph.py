"""Render plan → ffmpeg argument list (pure; values are escaped in ``filters.escape`` only).

Stream labels are deterministic (``p0b`` for visual 0's body, ``x1`` for the transition into
visual 1, ``am`` for the music ...), so the same plan always gives the same arguments, which the
unit tests compare without running ffmpeg.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import textdraw, visuals
from .audio import audio_graph
from .filters import INPUT_OPTIONS
from .filters import chain as _chain
from .filters import file_url as _file
from .filters import filter_ as _filter
from .filters import num as _num
from .plan import RenderPlan

PRESETS = {"draft": ("veryfast", 26), "high": ("medium", 20)}
# A 1 s GOP gains little from a long look-ahead; 10 frames, run in step with the encoder, keeps a
# 1080x1920 render under 450 MB (x264's defaults alone hold ~400 MB there).
X264_PARAMS = "rc-lookahead=10:sync-lookahead=0"
WEBM = {"draft": ("realtime", 8, 36), "high": ("good", 4, 31)}


# ---------------------------------------------------------------- inputs and visuals


@dataclass
class _Inputs:
    args: list[str] = field(default_factory=list)
    count: int = 0
    pieces: dict[visuals.Piece, int] = field(default_factory=dict)  # piece → input number
    clip_audio: dict[int, int] = field(default_factory=dict)  # visual index → input number
    music: int | None = None
    logo: int | None = None

    def add(self, src: str, before: list[str]) -> int:
        self.args += [*before, *INPUT_OPTIONS, "-i", _file(src)]
        self.count += 1
        return self.count - 1


def _inputs(plan: RenderPlan, layout: list[tuple[visuals.Piece, ...]]) -> _Inputs:
    """One input per picture, one per clip piece (cut at the demuxer), one per clip's audio, music."""
    inputs = _Inputs()
    for own in layout:
        for piece in own:
            v = plan.visuals[piece.visual]
            if v.kind == "image" and v.src and piece is not own[0]:
                inputs.pieces[piece] = inputs.pieces[own[0]]  # a picture is decoded once
            elif v.src is not None and v.kind != "background":
                inputs.pieces[piece] = inputs.add(v.src, visuals.input_args(v, piece, plan.fps))
    for i, v in enumerate(plan.visuals):
        if v.kind == "video" and v.src and v.has_audio and v.volume > 0 and plan.format != "gif":
            cut = ["-ss", _num(v.source_start_s), "-t", _num(v.duration_s + 1)]
            inputs.clip_audio[i] = inputs.add(v.src, cut)
    if plan.music and plan.music.kind == "file" and plan.music.src and plan.format != "gif":
        inputs.music = inputs.add(plan.music.src, ["-stream_loop", "-1", "-ss", _num(plan.music.source_start_s)])
    if plan.logo is not None:
        inputs.logo = inputs.add(plan.logo.src, [])
    return inputs


def _piece_chain(plan: RenderPlan, piece: visuals.Piece, source: str, label: str) -> str:
    v = plan.visuals[piece.visual]
    # Pinning yuv420p at each piece's end keeps format negotiation from picking another format for
    # the whole chain (xfade accepts many): that made the per-frame scale convert every frame.
    end = [_filter("format", "yuv420p"), _filter("setsar", 1)]
    if v.kind == "background":
        return f"{_chain(visuals.background_source(v, plan, piece), *end)}[{label}]"
    chain = visuals.image_chain(v, plan, piece) if v.kind == "image" else visuals.video_chain(v, plan, piece)
    return f"[{source}]{_chain(*chain, *end)}[{label}]"


def _sources(plan: RenderPlan, i: int, own: tuple[visuals.Piece, ...], inputs: _Inputs, parts: list[str]) -> list[str]:
    """The stream each piece of visual ``i`` starts from (a picture's one frame is split between them)."""
    v = plan.visuals[i]
    if v.kind == "background":
        return ["" for _ in own]
    if v.kind == "video":
        return [f"{inputs.pieces[p]}:v" for p in own]
    prefix = _chain(*visuals.still_prefix(v, plan))
    if len(own) == 1:
        parts.append(f"[{inputs.pieces[own[0]]}:v]{prefix}[s{i}]")
        return [f"s{i}"]
    labels = [f"s{i}{p.role[0]}" for p in own]
    parts.append(
        f"[{inputs.pieces[own[0]]}:v]{prefix},{_filter('split', len(own))}" + "".join(f"[{x}]" for x in labels)
    )
    return labels


def _join(plan: RenderPlan, layout: list[tuple[visuals.Piece, ...]], inputs: _Inputs, parts: list[str]) -> str:
    """Chain every piece and join them: bodies as they are, overlapping tail+head through xfade
    (which then only ever sees the overlapping frames). Returns the joined label."""
    order: list[str] = []
    tail = ""
    for i, own in enumerate(layout):
        for piece, source in zip(own, _sources(plan, i, own, inputs, parts), strict=True):
            label = f"p{i}{piece.role[0]}"
            parts.append(_piece_chain(plan, piece, source, label))
            if piece.role == "tail":
                tail = label
            elif piece.role == "head":
                into = plan.visuals[i - 1].transition
                xfade = _filter("xfade", transition=into, duration=_num(piece.count / plan.fps), offset=0)
                parts.append(f"[{tail}][{label}]{xfade}[x{i}]")
                order.append(f"x{i}")
            else:
                order.append(label)
    if len(order) == 1:
        return order[0]
    parts.append("".join(f"[{p}]" for p in order) + _filter("concat", n=len(order), v=1, a=0) + "[joined]")
    return "joined"


def _visual_graph(
    plan: RenderPlan, inputs: _Inputs, layout: list[tuple[visuals.Piece, ...]], gif_end: str = ""
) -> list[str]:
    parts: list[str] = []
    current = _join(plan, layout, inputs, parts)
    if plan.logo is not None and inputs.logo is not None:  # on every scene, under the texts
        parts.append(f"[{inputs.logo}:v]{_chain(*textdraw.logo_chain(plan.logo))}[logo]")
        parts.append(f"[{current}][logo]{textdraw.logo_overlay(plan.logo)}[branded]")
        current = "branded"
    for k, t in enumerate(plan.texts):  # bands and boxes go under every text
        if t.backdrop in ("band", "box"):
            parts.append(f"{textdraw.panel_source(t, plan.width, plan.fps)}[panel{k}]")
            parts.append(f"[{current}][panel{k}]{textdraw.panel_overlay(t, plan.width)}[under{k}]")
            current = f"under{k}"
    end = plan.visuals[-1].start_s + plan.visuals[-1].duration_s
    tail: list[str] = []
    if plan.duration_s > end + 1e-6:
        tail.append(_filter("tpad", stop_mode="clone", stop_duration=_num(plan.duration_s - end)))
    tail.append(_filter("trim", duration=_num(plan.duration_s)))
    tail += textdraw.text_filters(plan)
    if plan.format == "gif":
        parts.append(f"[{current}]{_chain(*tail)}{gif_end}[vout]")
    else:
        # Tag the frames themselves: encoders take colour properties from frames, not only from options.
        tags = _filter("setparams", range="tv", color_primaries="bt709", color_trc="bt709", colorspace="bt709")
        parts.append(f"[{current}]{_chain(*tail, _filter('format', 'yuv420p'), tags)}[vout]")
    return parts


# ---------------------------------------------------------------- outputs


def _codec_args(plan: RenderPlan) -> list[str]:
    fps = str(plan.fps)
    color = ["-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv"]
    if plan.format == "gif":
        return ["-c:v", "gif", "-loop", "0", "-f", "gif"]
    audio_aac = ["-c:a", "aac", "-b:a", "192k", "-ar", "48000", "-ac", "2"]
    if plan.format == "webm":
        deadline, cpu, crf = WEBM[plan.quality]
        return [
            "-c:v",
            "libvpx-vp9",
            "-deadline",
            deadline,
            "-cpu-used",
            str(cpu),
            "-row-mt",
            "1",
            "-crf",
            str(crf),
            "-b:v",
            "0",
            "-pix_fmt",
            "yuv420p",
            "-g",
            fps,
            *color,
            "-c:a",
            "libopus",
            "-b:a",
            "128k",
            "-ar",
            "48000",
            "-ac",
            "2",
            "-f",
            "webm",
        ]
    preset, crf = PRESETS[plan.quality]
    return [
        "-c:v",
        "libx264",
        "-profile:v",
        "high",
        "-preset",
        preset,
        "-crf",
        str(crf),
        "-pix_fmt",
        "yuv420p",
        "-g",
        fps,
        "-x264-params",
        X264_PARAMS,
        "-keyint_min",
        fps,
        *color,
        *audio_aac,
        "-movflags",
        "+faststart",
        "-f",
        "mov" if plan.format == "mov" else "mp4",
    ]


_HEAD = ("-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-progress", "pipe:2", "-y")


def build_args(plan: RenderPlan, ffmpeg: str, output: Path, palette: Path | None = None) -> list[str]:
    """The whole ffmpeg command for ``plan`` writing ``output`` (an argument list, never a shell string).

    A GIF is coloured with ``palette``, made beforehand by :func:`build_palette_args`: choosing the
    palette in the same run would hold every frame in memory until the last one was seen.
    """
    layout = visuals.pieces(plan)
    inputs = _inputs(plan, layout)
    gif_end = ""
    if plan.format == "gif":
        if palette is None:
            raise ValueError("a GIF is rendered with the palette that build_palette_args makes")
        colours = inputs.add(str(palette), [])
        gif_end = f"[g];[g][{colours}:v]" + _filter("paletteuse", dither="bayer", bayer_scale=4)
    graph = _visual_graph(plan, inputs, layout, gif_end)
    maps = ["-map", "[vout]"]
    if plan.format != "gif":
        graph += audio_graph(plan, inputs.clip_audio, inputs.music)
        maps += ["-map", "[aout]"]
    exact = ["-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact"]
    return [
        ffmpeg,
        *_HEAD,
        *inputs.args,
        "-filter_complex",
        ";".join(graph),
        *maps,
        "-r",
        str(plan.fps),
        "-t",
        _num(plan.duration_s),
        *_codec_args(plan),
        *exact,
        _file(str(output)),
    ]


def build_palette_args(plan: RenderPlan, ffmpeg: str, palette: Path) -> list[str]:
    """The GIF's 256 colours, chosen from every frame of ``plan`` (render it small: colours do not
    depend on size) by palettegen, which keeps a colour histogram, never the frames."""
    layout = visuals.pieces(plan)
    inputs = _inputs(plan, layout)
    graph = _visual_graph(plan, inputs, layout, "," + _filter("palettegen", stats_mode="diff"))
    return [
        ffmpeg,
        *_HEAD,
        *inputs.args,
        "-filter_complex",
        ";".join(graph),
        "-map",
        "[vout]",
        "-frames:v",
        "1",
        "-update",
        "1",
        "-f",
        "image2",
        _file(str(palette)),
    ]
