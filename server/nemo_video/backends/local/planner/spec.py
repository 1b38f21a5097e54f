"""The video as the planner thinks of it (:class:`VideoSpec`), and how to read one back from a draft.

Edits work on a spec, not on the draft: the current draft is read back into a spec, the request is
applied, and the whole draft is laid out again, so timing stays consistent after every change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Literal

from ....draft import Draft, Segment, Track, TrackType
from ...base import Asset
from .lexicon import DEFAULT_MOOD_FOR_PACE, DEFAULT_RATIO, MOODS, MUSIC_VOLUME, PACE_STYLE, PACES, SIZES

MusicKind = Literal["mood", "audio", "none"]


@dataclass(frozen=True)
class Music:
    kind: MusicKind = "none"
    mood: str | None = None  # kind "mood"
    audio: Asset | None = None  # kind "audio": the user's file
    volume: float = MUSIC_VOLUME


@dataclass(frozen=True)
class VideoSpec:
    ratio: str = DEFAULT_RATIO
    duration_ms: int | None = None  # None: a default from the media and pace
    visuals: tuple[Asset, ...] = ()  # images and clips in play order; empty = text on backgrounds
    title: str | None = None
    captions: tuple[str, ...] = ()
    cta: str | None = None
    music: Music = field(default_factory=Music)
    pace: str = "normal"
    transition: str | None = None  # None: the pace's transition
    language: str = "en"


def from_media(media: Sequence[Asset], pace: str = "normal") -> VideoSpec:
    """A new video's starting point: every image and clip in upload order, the last audio file as music."""
    visuals = tuple(a for a in media if a.kind in ("image", "video"))
    audio = [a for a in media if a.kind == "audio"]
    music = Music("audio", audio=audio[-1]) if audio else Music("mood", mood=DEFAULT_MOOD_FOR_PACE[pace])
    return VideoSpec(visuals=visuals, music=music, pace=pace)


def from_draft(draft: Draft, media: Sequence[Asset]) -> VideoSpec:
    """Read a draft (ours, or any draft using the documented keys) back into a spec."""
    meta = draft.meta.to_wire() if draft.meta else {}
    by_src = {a.src: a for a in media}
    pace = meta.get("pace") if meta.get("pace") in PACES else "normal"
    visuals = _visuals(draft, by_src)
    texts = _texts(draft)
    title = texts["title"][0] if texts["title"] else _str(meta.get("title"))
    return VideoSpec(
        ratio=_ratio(meta),
        duration_ms=round(draft.total_ms()) or None,
        visuals=tuple(asset for asset, _ in visuals),
        title=title,
        captions=tuple(texts["caption"]),
        cta=texts["cta"][0] if texts["cta"] else None,
        music=_music(draft, by_src, str(pace)),
        pace=str(pace),
        transition=_transition(visuals, str(pace)),
        language="zh" if meta.get("language") == "zh" else "en",
    )


def _ratio(meta: dict[str, Any]) -> str:
    if meta.get("ratio") in SIZES:
        return str(meta["ratio"])
    width, height = meta.get("width"), meta.get("height")
    if isinstance(width, int | float) and isinstance(height, int | float) and width > 0 and height > 0:
        return min(SIZES, key=lambda r: abs(SIZES[r][0] / SIZES[r][1] - width / height))
    return DEFAULT_RATIO


def _visuals(draft: Draft, by_src: dict[str, Asset]) -> list[tuple[Asset, Segment]]:
    found = []
    for track in draft.tracks_of(TrackType.VIDEO):
        for index, seg in enumerate(track.segments):
            if seg.type in ("image", "video") and seg.src:
                found.append((by_src.get(seg.src) or _asset_of(seg, index), seg))
    return found


def _asset_of(seg: Segment, index: int) -> Asset:
    """A stand-in for a file the session's media list does not hold (e.g. a cloud draft's URL)."""
    kind: Literal["image", "video", "audio"] = (
        "video" if seg.type == "video" else ("audio" if seg.type == "audio" else "image")
    )
    src = seg.src or ""
    return Asset(
        id=seg.id or f"seg_{index + 1}",
        name=seg.display_name() or PurePath(src).name or src,
        kind=kind,
        src=src,
        width=seg.source_width,
        height=seg.source_height,
    )


def _texts(draft: Draft) -> dict[str, list[str]]:
    texts: dict[str, list[str]] = {"title": [], "caption": [], "cta": []}
    for track in draft.tracks_of(TrackType.TEXT):
        for seg in sorted(track.segments, key=lambda s: s.start_ms() or 0.0):
            text = seg.display_text()
            if text:
                texts[_role(track, seg)].append(text)
    return texts


def _role(track: Track, seg: Segment) -> str:
    role = (seg.model_extra or {}).get("role")
    if role in ("title", "caption", "cta"):
        return str(role)
    name = f"{track.id or ''} {track.name or ''}".lower()
    if "title" in name:
        return "title"
    if "cta" in name or "call" in name:
        return "cta"
    return "caption"


def _music(draft: Draft, by_src: dict[str, Asset], pace: str) -> Music:
    for track in draft.tracks_of(TrackType.AUDIO):
        for seg in track.segments:
            volume = seg.volume_fraction()
            volume = MUSIC_VOLUME if volume is None else max(0.0, min(1.0, volume))
            if seg.type == "audio" and seg.src:
                return Music("audio", audio=by_src.get(seg.src) or _asset_of(seg, 0), volume=volume)
            mood = (seg.model_extra or {}).get("mood")
            mood = mood if mood in MOODS else DEFAULT_MOOD_FOR_PACE[pace]
            return Music("mood", mood=str(mood), volume=volume)
    return Music("none")


def _transition(visuals: list[tuple[Asset, Segment]], pace: str) -> str | None:
    for _, seg in visuals[:-1]:
        kind = (seg.transition_out or {}).get("type")
        if isinstance(kind, str):
            return None if kind == PACE_STYLE[pace][1] else kind
    return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None
