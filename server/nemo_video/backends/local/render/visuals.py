"""Each visual as a stream of frames: pictures with Ken Burns motion, video clips, gradients.

A visual is built as one or more *pieces* (frame ranges): the head and tail that overlap the
neighbours' transitions, and the body between. Each piece is its own chain (a picture's single
decoded frame is split between them; a clip piece has its own cut input), so nothing waits in a
queue for a transition far ahead: splitting one whole stream three ways made ffmpeg buffer
hundreds of frames.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from .filters import chain as _chain
from .filters import filter_ as _filter
from .filters import num as _num

if TYPE_CHECKING:
    from .plan import RenderPlan, Visual

_TV = {"out_range": "tv", "out_color_matrix": "bt709"}


@dataclass(frozen=True)
class Piece:
    visual: int
    first: int  # first frame, counted within the visual
    count: int
    role: Literal["head", "body", "tail"] = "body"


def _rgb(color: str) -> tuple[int, int, int]:
    """``#rrggbb`` (or ``rrggbb``) as integers; anything else is mid grey."""
    text = color.strip().lstrip("#")
    try:
        value = int(text, 16) if len(text) == 6 else 0x808080
    except ValueError:
        value = 0x808080
    return value >> 16, (value >> 8) & 0xFF, value & 0xFF


def _cover(source: tuple[int, int], width: int, height: int, zoom: float) -> tuple[int, int]:
    """Even size that covers width x height at ``zoom`` with the source's aspect ratio."""
    sw, sh = source
    scale = max(width / sw, height / sh) * zoom
    return max(width, int(-(-sw * scale // 2)) * 2), max(height, int(-(-sh * scale // 2)) * 2)


def _frame_clock(fps: int) -> list[str]:
    """Timestamps counted in frames, and the link's frame rate said so: an image input's time base
    and rate are 1/25 and 25, so N/(30*TB) would round pts onto the wrong frames (duplicates and
    drops) and xfade would see a 25 fps stream."""
    return [_filter("settb", f"1/{fps}"), _filter("setpts", "N"), _filter("fps", fps)]


PAN_TRAVEL = 0.2  # a pan moves at most this fraction of the frame over the segment


def _even_up(value: float) -> int:
    return int(-(-value // 2)) * 2


def _window(v: Visual, plan: RenderPlan, big: tuple[int, int]) -> tuple[int, int]:
    """The part of the cover-scaled picture the motion ever shows: cropped once, before the loop,
    so the per-frame work touches only those pixels (a wide photo in a tall frame is mostly unseen)."""
    return window(v, plan.width, plan.height, big)


def geometry(v: Visual, w: int, h: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """(cover-scaled size, window size) of a picture in a ``w`` x ``h`` frame: what the chain builds."""
    big = _cover(v.source_size or (w, h), w, h, v.motion.to_scale if v.motion else 1.0)
    return big, window(v, w, h, big)


def visible(v: Visual, w: int, h: int, progress: float) -> tuple[float, float, float, float]:
    """The part of the picture on screen at ``progress`` (0..1 of the visual) as fractions of the
    source (left, top, right, bottom), following the same motion as :func:`image_chain`."""
    (bw, bh), (ww, wh) = geometry(v, w, h)
    p = min(max(progress, 0.0), 1.0)
    x, y, vw, vh = (ww - w) / 2, (wh - h) / 2, float(w), float(h)
    motion = v.motion
    if motion is not None and motion.direction in ("in", "out"):
        lo = motion.from_scale / motion.to_scale
        a, b = (lo, 1.0) if motion.direction == "in" else (1.0, lo)
        z = a + (b - a) * (3 - 2 * p) * p * p
        vw, vh = w / z, h / z
        x, y = (ww - vw) / 2, (wh - vh) / 2
        toward = focus(v, (bw, bh), (ww, wh))
        if toward is not None:
            x = min(max(toward[0] * ww - vw / 2, 0.0), ww - vw)
            y = min(max(toward[1] * wh - vh / 2, 0.0), wh - vh)
    elif motion is not None:
        x, y = {
            "left": ((ww - w) * (1 - p), 0.0),
            "right": ((ww - w) * p, 0.0),
            "up": (0.0, (wh - h) * (1 - p)),
            "down": (0.0, (wh - h) * p),
        }[motion.direction]
    left, top = window_origin(v, (bw, bh), (ww, wh))
    ox, oy = left + x, top + y
    return ox / bw, oy / bh, (ox + vw) / bw, (oy + vh) / bh


KEEP = 0.2  # a focal point is kept at least this far (a share of the window) from its edges


def window_origin(v: Visual, big: tuple[int, int], win: tuple[int, int]) -> tuple[int, int]:
    """Where the window sits in the cover-scaled picture: in the middle, moved only as far as it
    takes to keep the subject (``v.focal``) in the window's middle 60 % — the framing changes no
    more than needed, and a product at the picture's edge is no longer cut away."""
    x, y = (big[0] - win[0]) // 2, (big[1] - win[1]) // 2
    if v.focal is None:
        return x, y
    px, py = v.focal[0] * big[0], v.focal[1] * big[1]
    x = round(min(max(x, px - (1 - KEEP) * win[0]), px - KEEP * win[0]))
    y = round(min(max(y, py - (1 - KEEP) * win[1]), py - KEEP * win[1]))
    x, y = min(max(x, 0), big[0] - win[0]), min(max(y, 0), big[1] - win[1])
    return x // 2 * 2, y // 2 * 2  # even: the chroma planes are half the size


def focus(v: Visual, big: tuple[int, int], win: tuple[int, int]) -> tuple[float, float] | None:
    """The subject's place in the window (fractions), where a zoom heads; None: the middle."""
    if v.focal is None:
        return None
    ox, oy = window_origin(v, big, win)
    fx = (v.focal[0] * big[0] - ox) / win[0]
    fy = (v.focal[1] * big[1] - oy) / win[1]
    return min(max(fx, 0.0), 1.0), min(max(fy, 0.0), 1.0)


def window(v: Visual, w: int, h: int, big: tuple[int, int]) -> tuple[int, int]:
    motion = v.motion
    if motion is None:
        return w, h
    if motion.direction in ("in", "out"):
        ratio = motion.to_scale / motion.from_scale
        return min(big[0], _even_up(w * ratio)), min(big[1], _even_up(h * ratio))
    if motion.direction in ("left", "right"):
        return min(big[0], _even_up(w * (1 + PAN_TRAVEL))), h
    return w, min(big[1], _even_up(h * (1 + PAN_TRAVEL)))


def still_prefix(v: Visual, plan: RenderPlan) -> list[str]:
    """Once per picture: cover-scale to TV-range BT.709 and keep only the part the motion shows.
    The result is one frame, so splitting it between pieces queues nothing."""
    w, h, motion = plan.width, plan.height, v.motion
    big = _cover(v.source_size or (w, h), w, h, motion.to_scale if motion else 1.0)
    win_w, win_h = _window(v, plan, big)
    origin = window_origin(v, big, (win_w, win_h))
    scaled, at = _source_crop(v.source_size, big, (win_w, win_h), origin)
    return [*scaled, _filter("crop", w=win_w, h=win_h, x=at[0], y=at[1]), _filter("format", "yuv420p")]


def _source_crop(
    source: tuple[int, int] | None, big: tuple[int, int], win: tuple[int, int], origin: tuple[int, int]
) -> tuple[list[str], tuple[int, int]]:
    """Scale to ``big`` only the part of the source that becomes the window (plus a 2-pixel rim for
    the filter's taps), instead of the whole picture: the scaled frame is held for the picture's
    whole time on screen, and its buffers until the render ends, so this is most of a render's
    memory per picture (measured: 1080x1920, 9 pictures, 473 → 372 MB) and of its scaling time.

    The filters, then where the window starts in what they produce."""
    whole = _filter("scale", w=big[0], h=big[1], flags="bicubic", **_TV)
    if source is None or (win[0] >= big[0] - 4 and win[1] >= big[1] - 4):
        return [whole], origin
    sw, sh = source
    fx, fy = big[0] / sw, big[1] / sh  # output pixels per source pixel
    cw, ch = min(sw, _even_up(win[0] / fx + 4)), min(sh, _even_up(win[1] / fy + 4))
    centre = ((origin[0] + win[0] / 2) / fx, (origin[1] + win[1] / 2) / fy)  # in source pixels
    x0 = int(min(max(centre[0] - cw / 2, 0), sw - cw)) // 2 * 2
    y0 = int(min(max(centre[1] - ch / 2, 0), sh - ch)) // 2 * 2
    out_w, out_h = max(win[0], _even_up(cw * fx)), max(win[1], _even_up(ch * fy))
    gx, gy = out_w / cw, out_h / ch
    at_x = min(max(round((centre[0] - x0) * gx - win[0] / 2), 0), out_w - win[0])
    at_y = min(max(round((centre[1] - y0) * gy - win[1] / 2), 0), out_h - win[1])
    crop = _filter("crop", w=cw, h=ch, x=x0, y=y0)
    scale = _filter("scale", w=out_w, h=out_h, flags="bicubic", **_TV)
    return [crop, scale], (at_x // 2 * 2, at_y // 2 * 2)


def image_chain(v: Visual, plan: RenderPlan, piece: Piece) -> list[str]:
    """A piece of a picture: the one decoded frame repeated (a looped JPEG input would decode every
    frame) and moved: zoom by a per-frame scale and a crop toward the subject, or a pan by crop offsets."""
    w, h, n = plan.width, plan.height, v.frames
    motion = v.motion
    win_w, win_h = _window(v, plan, _cover(v.source_size or (w, h), w, h, motion.to_scale if motion else 1.0))
    head = [
        _filter("loop", loop=piece.count - 1, size=1, start=0),
        *_frame_clock(plan.fps),
    ]
    last = max(1, n - 1)
    k = f"(n+{piece.first})" if piece.first else "n"  # frame number within the whole visual
    if motion is None:
        return head
    if motion.direction in ("in", "out"):
        lo = motion.from_scale / motion.to_scale
        a, b = (lo, 1.0) if motion.direction == "in" else (1.0, lo)
        # Smoothstep easing; the size is re-evaluated every frame (rounded up, so never below the
        # frame), then a crop centred on the subject (or the middle): smooth where zoompan stutters.
        z = f"({_num(a)}+({_num(b - a)})*(3-2*min({k}/{last},1))*pow(min({k}/{last},1),2))"
        size = {"w": f"max({w},2*ceil({win_w}*{z}/2))", "h": f"max({h},2*ceil({win_h}*{z}/2))"}
        toward = focus(v, _cover(v.source_size or (w, h), w, h, motion.to_scale), (win_w, win_h))
        if toward is None:
            x, y = "(iw-ow)/2", "(ih-oh)/2"
        else:  # the crop's centre on the subject as far as the picture allows: the zoom heads there
            x = f"max(0,min(iw-ow,{_num(toward[0])}*iw-ow/2))"
            y = f"max(0,min(ih-oh,{_num(toward[1])}*ih-oh/2))"
        return [
            *head,
            _filter("scale", **size, eval="frame", flags="bilinear"),
            _filter("crop", w=w, h=h, x=x, y=y, exact=1),
        ]
    p = f"({k}/{last})"
    x, y = {
        "left": (f"(iw-ow)*(1-{p})", "0"),
        "right": (f"(iw-ow)*{p}", "0"),
        "up": ("0", f"(ih-oh)*(1-{p})"),
        "down": ("0", f"(ih-oh)*{p}"),
    }[motion.direction]
    return [*head, _filter("crop", w=w, h=h, x=x, y=y, exact=1)]


def video_chain(v: Visual, plan: RenderPlan, piece: Piece) -> list[str]:
    """A clip piece; its input is already cut with -ss/-t (see ``input_args``)."""
    w, h = plan.width, plan.height
    length = _num(piece.count / plan.fps)
    return [
        _filter("setpts", "PTS-STARTPTS"),
        _filter("fps", plan.fps),
        _filter("scale", w=w, h=h, force_original_aspect_ratio="increase", **_TV),
        _filter("crop", w=w, h=h),
        _filter("format", "yuv420p"),
        _filter("tpad", stop_mode="clone", stop_duration=length),
        _filter("trim", end_frame=piece.count),
    ]


def background_source(v: Visual, plan: RenderPlan, piece: Piece) -> str:
    """One frame of a top-to-bottom gradient, computed per pixel row, then looped.

    (ffmpeg's ``gradients`` source spreads its colours over part of the frame only: measured, a
    320-row gradient reached its end colour by row 160, or by row 40 with the default type.)
    The rows are computed on a 2-pixel-wide strip and widened by the scaler (every column of a
    row is the same): a full-width geq at 1080x1920 cost ~50 MB of the render's peak memory.
    """
    w, h = plan.width, plan.height
    top, bottom = _rgb(v.colors[0]), _rgb(v.colors[1])
    channels = {name: f"{a}+({b - a})*Y/{max(h - 1, 1)}" for name, a, b in zip("rgb", top, bottom, strict=True)}
    return _chain(
        _filter("color", c="black", s=f"2x{h}", r=plan.fps, d=_num(1 / plan.fps)),
        _filter("format", "rgb24"),
        _filter("geq", **channels),
        _filter("scale", w=w, h=h, flags="neighbor", **_TV),
        _filter("format", "yuv420p"),
        _filter("loop", loop=piece.count - 1, size=1, start=0),
        *_frame_clock(plan.fps),
    )


def input_args(v: Visual, piece: Piece, fps: int) -> list[str]:
    """Options placed before ``-i`` for a piece's input (a clip is cut at the demuxer)."""
    if v.kind != "video":
        return []
    start = v.source_start_s + piece.first / fps
    return ["-ss", _num(start), "-t", _num(piece.count / fps + 1)]


def pieces(plan: RenderPlan) -> list[tuple[Piece, ...]]:
    """Per visual: its pieces in order (head?, body, tail?) by frame ranges."""
    fps = plan.fps
    result: list[tuple[Piece, ...]] = []
    incoming = 0
    for i, v in enumerate(plan.visuals):
        outgoing = round(v.transition_s * fps) if v.transition else 0
        own: list[Piece] = []
        if incoming:
            own.append(Piece(i, 0, incoming, "head"))
        own.append(Piece(i, incoming, v.frames - incoming - outgoing))
        if outgoing:
            own.append(Piece(i, v.frames - outgoing, outgoing, "tail"))
        result.append(tuple(own))
        incoming = outgoing
    return result
