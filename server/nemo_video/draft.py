"""The timeline (the *draft*): tracks of segments, times in milliseconds, with the wire's short keys.

Python attributes have readable names; the backend's short keys (``t``, ``tt``, ``sg``, ``d``, ``m``)
are pydantic aliases. Unknown keys are kept, so ``Draft.from_wire(x).to_wire() == x`` for any draft
the backend sends. Only ``t/tt/sg/d/m`` are documented (CONTRACT §6); everything else is read
defensively (``start``/``st``/``s``, ``volume``/``vol``/``v`` ...).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from enum import IntEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import ErrorCode, NemoVideoError

Number = int | float


class TrackType(IntEnum):
    VIDEO = 0
    AUDIO = 1
    TEXT = 7


class _Wire(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True, validate_assignment=False)

    def to_wire(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_unset=True, mode="json")


class Segment(_Wire):
    id: str | None = None
    type: str | None = None
    start: Number | None = None
    duration_ms: Number | None = Field(default=None, alias="d")
    src: str | None = None
    name: str | None = None
    text: str | None = None
    volume: Number | None = None
    fade_in: Number | None = None
    fade_out: Number | None = None
    source_start: Number | None = None
    source_width: int | None = None
    source_height: int | None = None
    fit: str | None = None
    motion: dict[str, Any] | None = None
    transition_out: dict[str, Any] | None = None
    style: dict[str, Any] | None = None
    position: dict[str, Any] | None = None
    animation: dict[str, Any] | None = None
    meta: dict[str, Any] | None = Field(default=None, alias="m")

    # Defensive readers (CONTRACT §6.4 rule 3).
    def start_ms(self) -> float | None:
        return _first_number(self.start, self._extra("st"), self._extra("s"))

    def length_ms(self) -> float | None:
        return _first_number(self.duration_ms, self._extra("duration"))

    def volume_fraction(self) -> float | None:
        v = _first_number(self.volume, self._extra("vol"), self._extra("v"))
        if v is not None and v > 1:
            v = v / 100  # a percentage
        return v

    def display_text(self) -> str | None:
        for value in (self.text, self._extra("txt")):
            if isinstance(value, str) and value.strip():
                return value
        return None

    def display_name(self) -> str | None:
        meta_name = (self.meta or {}).get("name")
        for value in (self.name, self._extra("n"), meta_name, self._extra("title")):
            if isinstance(value, str) and value.strip():
                return value
        return None

    def _extra(self, key: str) -> Any:
        return (self.model_extra or {}).get(key)


class Track(_Wire):
    id: str | None = None
    type: int = Field(alias="tt")
    segments: list[Segment] = Field(default_factory=list, alias="sg")
    meta: dict[str, Any] | None = Field(default=None, alias="m")

    @property
    def name(self) -> str | None:
        value = (self.meta or {}).get("name")
        return value if isinstance(value, str) else None

    @property
    def role(self) -> str | None:
        value = (self.meta or {}).get("role")
        return value if isinstance(value, str) else None


class DraftMeta(_Wire):
    title: str | None = None
    width: int | None = None
    height: int | None = None
    fps: Number | None = None
    ratio: str | None = None


class Draft(_Wire):
    duration_ms: Number | None = Field(default=None, alias="d")
    meta: DraftMeta | None = Field(default=None, alias="m")
    tracks: list[Track] = Field(default_factory=list, alias="t")

    @classmethod
    def from_wire(cls, value: Any) -> Draft | None:
        """Parse whatever the backend put in ``state.draft``: ``{}``, ``None``, absent, a JSON string."""
        if value is None or value == "" or value == {}:
            return None
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError as exc:
                raise NemoVideoError(ErrorCode.INVALID_DRAFT, "The timeline is not valid JSON.") from exc
            if not value:
                return None
        if not isinstance(value, dict):
            raise NemoVideoError(ErrorCode.INVALID_DRAFT, "The timeline is not a JSON object.")
        try:
            return cls.model_validate(value)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise NemoVideoError(
                ErrorCode.INVALID_DRAFT, f"The timeline is malformed at {where}: {first['msg']}."
            ) from exc

    @property
    def exportable(self) -> bool:
        """Export-ready ⇔ at least one track has a segment (CONTRACT §6.4 rule 2)."""
        return any(track.segments for track in self.tracks)

    def total_ms(self) -> float:
        if self.duration_ms is not None:
            return float(self.duration_ms)
        ends = [end for track in self.tracks for _, end in segment_spans(track)]
        return max(ends, default=0.0)

    def tracks_of(self, kind: TrackType) -> list[Track]:
        return [t for t in self.tracks if t.type == kind]

    def summary(self) -> str:
        return summarize(self)


# ---------------------------------------------------------------- summary


def segment_spans(track: Track) -> list[tuple[float, float]]:
    """(start, end) in ms of each segment; missing starts fall back to cumulative durations."""
    spans: list[tuple[float, float]] = []
    cursor = 0.0
    for seg in track.segments:
        start = seg.start_ms()
        start = cursor if start is None else start
        length = seg.length_ms() or 0.0
        spans.append((start, start + length))
        cursor = start + length
    return spans


def summarize(draft: Draft | None) -> str:
    """``Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) ...``"""
    if draft is None or not draft.tracks:
        return "Timeline (0 tracks): empty — nothing generated yet."
    parts = [f"{i}. {describe_track(track)}" for i, track in enumerate(draft.tracks, start=1)]
    count = len(draft.tracks)
    return f"Timeline ({count} track{'s' if count != 1 else ''}): " + " ".join(parts)


def describe_track(track: Track) -> str:
    label = track_label(track)
    spans = segment_spans(track)
    if not spans:
        return f"{label}: (empty)"
    span = f"{format_seconds(min(s for s, _ in spans))}-{format_seconds(max(e for _, e in spans))}s"
    if track.type == TrackType.TEXT:
        texts = [seg.display_text() or seg.display_name() or "?" for seg in track.segments]
        body = ", ".join(f'"{t}"' for t in _clip_list(texts))
        return f"{label}: {body} ({span})"
    names = [seg.display_name() or seg.type or "clip" for seg in track.segments]
    body = ", ".join(_clip_list(names))
    if track.type == TrackType.AUDIO:
        volumes = [v for seg in track.segments if (v := seg.volume_fraction()) is not None]
        if volumes:
            return f"{label}: {body} ({span}, {round(volumes[0] * 100)}%)"
    return f"{label}: {body} ({span})"


def track_label(track: Track) -> str:
    if track.type == TrackType.VIDEO:
        return "Video"
    if track.type == TrackType.AUDIO:
        if (track.role or "").lower() == "bgm" or (track.name or "").upper() == "BGM":
            return "BGM"
        return track.name or "Audio"
    if track.type == TrackType.TEXT:
        return track.name or "Text"
    return track.name or f"Track type {track.type}"


def _clip_list(items: list[str], limit: int = 3) -> list[str]:
    if len(items) <= limit:
        return items
    return [*items[:limit], f"+{len(items) - limit} more"]


def format_seconds(ms: float) -> str:
    """Milliseconds as the summary writes seconds: ``3000 → "3"``, ``3500 → "3.5"``."""
    value = round(ms / 1000, 1)
    return str(int(value)) if value == int(value) else f"{value:g}"


def _first_number(*values: Any) -> float | None:
    for value in values:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    return None


# ---------------------------------------------------------------- diff (silent-edit fallback)


def diff(before: Draft | None, after: Draft | None) -> list[str]:
    """What changed between two drafts, one human line per change (CONTRACT §6.4 rule 4)."""
    if before is None and after is None:
        return []
    if before is None:
        return [f"Timeline created: {summarize(after)}"]
    if after is None:
        return ["The timeline was cleared."]
    changes: list[str] = []
    old_meta = before.meta.to_wire() if before.meta else {}
    new_meta = after.meta.to_wire() if after.meta else {}
    new_size = (new_meta.get("width"), new_meta.get("height"))
    if (old_meta.get("width"), old_meta.get("height")) != new_size and all(new_size):
        changes.append(f"Format changed to {new_meta['width']}x{new_meta['height']}.")
    if round(before.total_ms()) != round(after.total_ms()):
        old_s, new_s = format_seconds(before.total_ms()), format_seconds(after.total_ms())
        changes.append(f"Duration changed from {old_s}s to {new_s}s.")

    old_tracks = _by_key(before.tracks)
    new_tracks = _by_key(after.tracks)
    for key, track in new_tracks.items():
        if key not in old_tracks:
            changes.append(f"Added {describe_track(track)}.")
        elif old_tracks[key].to_wire() != track.to_wire():
            changes.append(f"Changed {describe_track(track)}.")
    for key, track in old_tracks.items():
        if key not in new_tracks:
            changes.append(f"Removed {describe_track(track)}.")
    return changes


def _by_key(tracks: Iterable[Track]) -> dict[str, Track]:
    keyed: dict[str, Track] = {}
    counts: dict[int, int] = {}
    for track in tracks:
        if track.id:
            keyed[track.id] = track
            continue
        n = counts.get(track.type, 0)
        counts[track.type] = n + 1
        keyed[f"tt{track.type}#{n}"] = track
    return keyed
