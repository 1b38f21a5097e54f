"""Render plan → ffmpeg argument list (pure; values are escaped in ``filters.escape`` only).

Stream labels are deterministic (``v0``, ``a0``, ``x1`` ...), so the same plan always gives the same
arguments, which the unit tests compare without running ffmpeg.
"""

from __future__ import annotations

from pathlib import Path

from . import poster
from .audio import audio_graph
from .filters import INPUT_OPTIONS
from .filters import chain as _chain
from .filters import file_url as _file
from .filters import filter_ as _filter
from .filters import num as _num
from .plan import RenderPlan, TextBlock, Visual

PRESETS = {"draft": ("veryfast", 26), "high": ("medium", 20)}
WEBM = {"draft": ("realtime", 8, 36), "high": ("good", 4, 31)}


# ---------------------------------------------------------------- inputs and visuals


def _cover(source: tuple[int, int], width: int, height: int, zoom: float) -> tuple[int, int]:
    """Even size that covers width x height at ``zoom`` with the source's aspect ratio."""
    sw, sh = source
    scale = max(width / sw, height / sh) * zoom
    return max(width, int(-(-sw * scale // 2)) * 2), max(height, int(-(-sh * scale // 2)) * 2)


_TV = {"out_range": "tv", "out_color_matrix": "bt709"}


def _image_chain(v: Visual, plan: RenderPlan) -> list[str]:
    w, h, n = plan.width, plan.height, v.frames
    motion = v.motion
    zoom = motion.to_scale if motion else 1.0
    big_w, big_h = _cover(v.source_size or (w, h), w, h, zoom)
    head = [
        _filter("scale", w=big_w, h=big_h, flags="bicubic", **_TV),
        _filter("format", "yuv420p"),
        _filter("loop", loop=n - 1, size=1, start=0),
        _filter("setpts", f"N/({plan.fps}*TB)"),
    ]
    last = max(1, n - 1)
    if motion is None:
        return [*head, _filter("crop", w=w, h=h)]
    if motion.direction in ("in", "out"):
        lo, hi = motion.from_scale / motion.to_scale, 1.0
        a, b = (lo, hi) if motion.direction == "in" else (hi, lo)
        # Smoothstep easing; scale re-evaluated every frame, then a centred crop.
        z = f"({_num(a)}+({_num(b - a)})*(3-2*min(n/{last},1))*pow(min(n/{last},1),2))"
        return [
            *head,
            _filter(
                "scale",
                w=f"2*trunc({big_w}*{z}/2)",
                h=f"2*trunc({big_h}*{z}/2)",
                eval="frame",
                flags="bilinear",
            ),
            _filter("crop", w=w, h=h, x="(iw-ow)/2", y="(ih-oh)/2"),
        ]
    p = f"(n/{last})"
    x, y = {
        "left": (f"(iw-ow)*(1-{p})", "(ih-oh)/2"),
        "right": (f"(iw-ow)*{p}", "(ih-oh)/2"),
        "up": ("(iw-ow)/2", f"(ih-oh)*(1-{p})"),
        "down": ("(iw-ow)/2", f"(ih-oh)*{p}"),
    }[motion.direction]
    return [*head, _filter("crop", w=w, h=h, x=x, y=y)]


def _video_chain(v: Visual, plan: RenderPlan) -> list[str]:
    w, h = plan.width, plan.height
    return [
        _filter("setpts", "PTS-STARTPTS"),
        _filter("fps", plan.fps),
        _filter("scale", w=w, h=h, force_original_aspect_ratio="increase", **_TV),
        _filter("crop", w=w, h=h),
        _filter("format", "yuv420p"),
        _filter("tpad", stop_mode="clone", stop_duration=_num(v.duration_s)),
        _filter("trim", duration=_num(v.duration_s)),
    ]


def _background_source(v: Visual, plan: RenderPlan) -> str:
    w, h = plan.width, plan.height
    return _chain(
        _filter(
            "gradients",
            s=f"{w}x{h}",
            c0=v.colors[0],
            c1=v.colors[1],
            nb_colors=2,
            x0=0,
            y0=0,
            x1=0,
            y1=h,
            speed=0,
            r=plan.fps,
            d=_num(1 / plan.fps),
        ),
        _filter("scale", **_TV),
        _filter("format", "yuv420p"),
        _filter("loop", loop=v.frames - 1, size=1, start=0),
        _filter("setpts", f"N/({plan.fps}*TB)"),
    )


def _inputs(plan: RenderPlan) -> tuple[list[str], dict[int, int], int | None]:
    """Input arguments, visual index → input number, and the music input number."""
    args: list[str] = []
    index: dict[int, int] = {}
    count = 0
    for i, v in enumerate(plan.visuals):
        if v.kind == "background" or v.src is None:
            continue
        if v.kind == "video":
            args += ["-ss", _num(v.source_start_s), "-t", _num(v.duration_s + 1)]
        args += [*INPUT_OPTIONS, "-i", _file(v.src)]
        index[i] = count
        count += 1
    music_input = None
    if plan.music and plan.music.kind == "file" and plan.music.src:
        args += [
            "-stream_loop",
            "-1",
            "-ss",
            _num(plan.music.source_start_s),
            *INPUT_OPTIONS,
            "-i",
            _file(plan.music.src),
        ]
        music_input = count
    return args, index, music_input


def _visual_graph(plan: RenderPlan, index: dict[int, int], with_stills: bool) -> list[str]:
    parts: list[str] = []
    for i, v in enumerate(plan.visuals):
        if v.kind == "background":
            body = _background_source(v, plan)
            parts.append(f"{body},{_filter('setsar', 1)}[v{i}]")
            continue
        chain = _image_chain(v, plan) if v.kind == "image" else _video_chain(v, plan)
        parts.append(f"[{index[i]}:v]{_chain(*chain, _filter('setsar', 1))}[v{i}]")
    current = "v0"
    for i in range(1, len(plan.visuals)):
        prev, v = plan.visuals[i - 1], plan.visuals[i]
        out = f"x{i}"
        if prev.transition:
            parts.append(
                f"[{current}][v{i}]"
                + _filter(
                    "xfade",
                    transition=prev.transition,
                    duration=_num(prev.transition_s),
                    offset=_num(v.start_s),
                )
                + f"[{out}]"
            )
        else:
            parts.append(f"[{current}][v{i}]" + _filter("concat", n=2, v=1, a=0) + f"[{out}]")
        current = out
    end = plan.visuals[-1].start_s + plan.visuals[-1].duration_s
    tail: list[str] = []
    if plan.duration_s > end + 1e-6:
        tail.append(_filter("tpad", stop_mode="clone", stop_duration=_num(plan.duration_s - end)))
    tail.append(_filter("trim", duration=_num(plan.duration_s)))
    tail += [_drawtext(t) for t in plan.texts]
    if plan.format == "gif":
        parts.append(f"[{current}]{_chain(*tail, _filter('split'))}[g0][g1]")
        parts.append("[g0]" + _filter("palettegen", stats_mode="diff") + "[pal]")
        parts.append("[g1][pal]" + _filter("paletteuse", dither="bayer", bayer_scale=4) + "[vout]")
    else:
        # Tag the frames themselves: encoders take colour properties from frames, not only from options.
        tags = _filter(
            "setparams", range="tv", color_primaries="bt709", color_trc="bt709", colorspace="bt709"
        )
        final = [*tail, _filter("format", "yuv420p"), tags]
        if with_stills:
            parts.append(f"[{current}]{_chain(*final, _filter('split', 3))}[vout][ps][cs]")
            parts += poster.inline_graph(plan, "ps", "cs")
        else:
            parts.append(f"[{current}]{_chain(*final)}[vout]")
    return parts


# ---------------------------------------------------------------- text


def _alpha(t: TextBlock) -> str:
    s, e, fi, fo = (_num(x) for x in (t.start_s, t.end_s, t.fade_in_s, t.fade_out_s))
    rise = f"(t-{s})/{fi}" if t.fade_in_s > 0 else "1"
    fall = f"({e}-t)/{fo}" if t.fade_out_s > 0 else "1"
    return f"max(0,min(1,min({rise},{fall})))"


def _drawtext(t: TextBlock) -> str:
    options: dict[str, object] = {
        "fontfile": str(t.font),
        "text": t.text,
        "expansion": "none",
        "text_align": "C",
        "fontsize": t.size,
        "fontcolor": t.color,
        "line_spacing": t.line_spacing,
        "x": f"max(0,min(w-text_w,{_num(t.center_x)}-text_w/2))",
        "y": _num(t.top_y),
        "alpha": _alpha(t),
        "enable": f"between(t,{_num(t.start_s)},{_num(t.end_s)})",
    }
    if t.box:
        options |= {
            "box": 1,
            "boxcolor": f"{t.box_color}@{_num(t.box_opacity)}",
            "boxborderw": max(2, round(t.size * 0.3)),
        }
    else:  # a soft shadow keeps white text readable on bright pictures
        options |= {
            "shadowcolor": "black@0.45",
            "shadowx": max(1, t.size // 24),
            "shadowy": max(1, t.size // 24),
        }
    return _filter("drawtext", **options)


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
        # A 1 s GOP gains nothing from a longer look-ahead; 20 frames saves ~80 MB at 1080x1920.
        "rc-lookahead=20",
        "-keyint_min",
        fps,
        *color,
        *audio_aac,
        "-movflags",
        "+faststart",
        "-f",
        "mov" if plan.format == "mov" else "mp4",
    ]


def build_args(
    plan: RenderPlan, ffmpeg: str, output: Path, stills: tuple[Path, Path] | None = None
) -> list[str]:
    """The whole ffmpeg command for ``plan`` writing ``output`` (an argument list, never a shell string).

    With ``stills`` = (poster, contact sheet), the same run also writes both JPEGs from the frames
    it encodes, so they cost no second decode (not for GIF, whose stream ends in a palette).
    """
    inputs, index, music_input = _inputs(plan)
    with_stills = stills is not None and plan.format != "gif"
    graph = _visual_graph(plan, index, with_stills)
    maps = ["-map", "[vout]"]
    if plan.format != "gif":
        graph += audio_graph(plan, index, music_input)
        maps += ["-map", "[aout]"]
    head = [ffmpeg, "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-progress", "pipe:2", "-y"]
    exact = ["-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact"]
    args = [
        *head,
        *inputs,
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
    if with_stills and stills is not None:
        args += poster.inline_outputs(*stills)
    return args
