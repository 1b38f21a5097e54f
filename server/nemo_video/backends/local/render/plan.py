"""Draft + render request → a typed render plan (pure: no processes, no clock).

The plan is everything the graph builder needs, in seconds and output pixels: where each visual
starts and how it moves, where each text block sits and how it stays legible (:mod:`.texts`: fitted
into the platform's safe zone, coloured and backed for 4.5:1 contrast), the logo, and what the music
is. Facts about source files (size, duration, audio) come in as a mapping so this module never probes
anything itself (the legibility check reads small thumbnails of the pictures and the frames kept
of each clip at import).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ....draft import Draft, Segment, TrackType
from ....errors import ErrorCode, NemoVideoError
from ...base import OutputFormat, Quality, RenderRequest
from . import music, subject, texts
from .texts import Logo, TextBlock

TRANSITIONS = {
    "crossfade": "fade",
    "fade": "fade",
    "fadeblack": "fadeblack",
    "wipeleft": "wipeleft",
    "slideleft": "slideleft",
    "circleopen": "circleopen",
    "dissolve": "dissolve",
}
DIRECTIONS = ("in", "left", "out", "right", "up", "down")
GIF_MAX_HEIGHT = 480
GIF_FPS = 15
VisualKind = Literal["image", "video", "background"]


@dataclass(frozen=True)
class SourceFacts:
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None
    has_audio: bool = False


@dataclass(frozen=True)
class Motion:
    direction: str
    from_scale: float
    to_scale: float


@dataclass(frozen=True)
class Visual:
    kind: VisualKind
    start_s: float
    duration_s: float
    frames: int
    src: str | None = None
    source_size: tuple[int, int] | None = None
    source_start_s: float = 0.0
    volume: float = 0.0
    has_audio: bool = False
    motion: Motion | None = None
    colors: tuple[str, str] = ("#1b2a49", "#3d5a80")
    transition: str | None = None  # xfade name into the next visual; None = cut
    transition_s: float = 0.0
    focal: tuple[float, float] | None = None  # the subject, as fractions of the source (x, y)


@dataclass(frozen=True)
class Music:
    kind: Literal["file", "synth"]
    volume: float
    fade_in_s: float
    fade_out_s: float
    src: str | None = None
    source_start_s: float = 0.0
    mood: str = "calm"
    bpm: int = 72
    ducking: bool = True  # lower the music under a clip's own sound (the draft's ``ducking``)


@dataclass(frozen=True)
class RenderPlan:
    width: int
    height: int
    fps: int
    duration_s: float
    format: OutputFormat
    quality: Quality
    visuals: tuple[Visual, ...]
    texts: tuple[TextBlock, ...] = ()
    music: Music | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    logo: Logo | None = None
    notes: tuple[str, ...] = ()  # what was bent to fit the rules (a text shortened, a box added ...)

    @property
    def frames(self) -> int:
        return round(self.duration_s * self.fps)


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)


def _seconds(ms: float | None, default: float = 0.0) -> float:
    return default if ms is None else max(0.0, float(ms) / 1000.0)


def canvas(draft: Draft, request: RenderRequest) -> tuple[int, int, int, float]:
    """(width, height, fps, font scale) of the output."""
    meta = draft.meta
    base_w = int(meta.width) if meta and meta.width else 1920
    base_h = int(meta.height) if meta and meta.height else 1080
    fps = round(float(meta.fps)) if meta and meta.fps else 30
    height = request.height or base_h
    if request.format == "gif":
        height = min(height, GIF_MAX_HEIGHT) if request.height is None else height
        fps = min(fps, GIF_FPS)
    height = _even(height)
    width = _even(base_w * height / base_h)
    return width, height, fps, height / base_h


def build_plan(
    draft: Draft,
    request: RenderRequest,
    facts: Mapping[str, SourceFacts],
    font_dirs: Sequence[Path] = (),
) -> RenderPlan:
    width, height, fps, scale = canvas(draft, request)
    visuals = _visuals(draft, facts, fps)
    if not visuals:
        raise NemoVideoError(ErrorCode.NOTHING_TO_EXPORT, "The timeline has no pictures, clips or backgrounds.")
    end = visuals[-1].start_s + visuals[-1].duration_s
    duration = round(_seconds(draft.duration_ms, end) * fps) / fps if draft.duration_ms else end
    duration = max(1.0 / fps, duration)
    logo, logo_notes = texts.logo(draft, width, height)
    blocks, notes = texts.build(draft, width, height, scale, duration, font_dirs, visuals, logo)
    return RenderPlan(
        width,
        height,
        fps,
        duration,
        request.format,
        request.quality,
        visuals,
        blocks,
        _music(draft),
        logo=logo,
        notes=(*notes, *logo_notes),
    )


# ---------------------------------------------------------------- visuals


def _visuals(draft: Draft, facts: Mapping[str, SourceFacts], fps: int) -> tuple[Visual, ...]:
    segments = [
        s
        for t in draft.tracks_of(TrackType.VIDEO)
        for s in t.segments
        if (s.length_ms() or 0) > 0 and s.type in ("image", "video", "background")
    ]
    visuals: list[Visual] = []
    cursor, incoming = 0.0, 0.0
    for index, seg in enumerate(segments):
        frames = max(1, round(_seconds(seg.length_ms()) * fps))
        duration = frames / fps
        is_last = index == len(segments) - 1
        transition, overlap = (None, 0.0) if is_last else _transition(seg, duration - incoming, segments, index, fps)
        visuals.append(_visual(seg, index, cursor, duration, frames, facts, transition, overlap))
        cursor = round((cursor + duration - overlap) * fps) / fps
        incoming = overlap
    return tuple(visuals)


def _transition(seg: Segment, free: float, segments: list[Segment], index: int, fps: int) -> tuple[str | None, float]:
    """(xfade name, overlap s) into the next segment; ``free`` is the time not already overlapped."""
    spec = seg.transition_out or {}
    name = TRANSITIONS.get(str(spec.get("type", "cut")))
    if name is None:
        return None, 0.0
    following = _seconds(segments[index + 1].length_ms())
    # An overlap never eats a whole segment: keep one frame of each side on screen.
    limit = min(free, following) - 1.0 / fps
    overlap = round(min(_seconds(spec.get("d"), 0.5), limit) * fps) / fps
    return (name, overlap) if overlap > 0 else (None, 0.0)


def _visual(
    seg: Segment,
    index: int,
    start: float,
    duration: float,
    frames: int,
    facts: Mapping[str, SourceFacts],
    transition: str | None,
    overlap: float,
) -> Visual:
    common: dict[str, Any] = {
        "start_s": start,
        "duration_s": duration,
        "frames": frames,
        "transition": transition,
        "transition_s": overlap,
    }
    if seg.type == "background":
        style = seg.style or {}
        colors = (str(style.get("color", "#1b2a49")), str(style.get("color2", style.get("color", "#3d5a80"))))
        return Visual(kind="background", colors=colors, **common)
    if not seg.src:
        raise NemoVideoError(ErrorCode.INVALID_DRAFT, f"Segment {index + 1} ({seg.type}) has no source file.")
    fact = facts.get(seg.src, SourceFacts())
    size = (seg.source_width or fact.width, seg.source_height or fact.height)
    if not size[0] or not size[1]:
        raise NemoVideoError(ErrorCode.INVALID_DRAFT, f"The size of {Path(seg.src).name} is unknown.")
    source_size = (int(size[0]), int(size[1]))
    if seg.type == "image":
        focal = _focal(seg) or subject.center(seg.src)
        motion = _motion(seg, index)
        return Visual(kind="image", src=seg.src, source_size=source_size, motion=motion, focal=focal, **common)
    volume = seg.volume_fraction()
    return Visual(
        kind="video",
        src=seg.src,
        source_size=source_size,
        source_start_s=_seconds(seg.source_start),
        volume=1.0 if volume is None else volume,
        has_audio=fact.has_audio,
        **common,
    )


def _focal(seg: Segment) -> tuple[float, float] | None:
    """The point the user asked to keep in frame (``focal: {x, y}``, fractions of the picture)."""
    spec = _extra(seg, "focal")
    if isinstance(spec, dict) and all(isinstance(spec.get(k), int | float) for k in ("x", "y")):
        return min(max(float(spec["x"]), 0.0), 1.0), min(max(float(spec["y"]), 0.0), 1.0)
    return None


def _motion(seg: Segment, index: int) -> Motion | None:
    spec = seg.motion if seg.motion is not None else {"type": "ken_burns"}
    if spec.get("type") not in ("ken_burns", None):
        return None
    direction = str(spec.get("direction") or DIRECTIONS[index % len(DIRECTIONS)])
    if direction not in DIRECTIONS:
        direction = DIRECTIONS[index % len(DIRECTIONS)]
    low = max(1.0, float(spec.get("from_scale", 1.0)))
    high = max(low, float(spec.get("to_scale", 1.12)))
    return Motion(direction, low, high if high > low else low + 0.12)


# ---------------------------------------------------------------- music


def _music(draft: Draft) -> Music | None:
    for track in draft.tracks_of(TrackType.AUDIO):
        for seg in track.segments:
            volume = seg.volume_fraction()
            volume = 0.8 if volume is None else volume
            fades = (_seconds(seg.fade_in, 1.0), _seconds(seg.fade_out, 2.0))
            ducking = _extra(seg, "ducking") is not False
            if seg.type == "audio" and seg.src and volume > 0:
                start = _seconds(seg.source_start)
                return Music("file", volume, *fades, src=seg.src, source_start_s=start, ducking=ducking)
            if seg.type == "music" and volume > 0:
                mood = str(_extra(seg, "mood") or "calm")
                bpm = _extra(seg, "bpm")
                return Music(
                    "synth",
                    volume,
                    *fades,
                    mood=mood,
                    bpm=int(bpm) if isinstance(bpm, int | float) else music.default_bpm(mood),
                    ducking=ducking,
                )
    return None


def _extra(seg: Segment, key: str) -> Any:
    return (seg.model_extra or {}).get(key)
