"""Shared media and the draft invariants every planner test checks."""

from __future__ import annotations

from collections.abc import Sequence

from nemo_video.backends.base import Asset
from nemo_video.draft import Draft, TrackType

TRANSITIONS = {"crossfade", "fadeblack", "wipeleft", "slideleft", "circleopen", "dissolve", "cut"}
DIRECTIONS = {"in", "out", "left", "right", "up", "down"}


def image(n: int, width: int = 4000, height: int = 3000) -> Asset:
    return Asset(
        id=f"img{n}",
        name=f"photo{n}.jpg",
        kind="image",
        src=f"/store/photo{n}.jpg",
        width=width,
        height=height,
    )


def clip(n: int, seconds: float = 8.0, has_audio: bool = True) -> Asset:
    return Asset(
        id=f"vid{n}",
        name=f"clip{n}.mp4",
        kind="video",
        src=f"/store/clip{n}.mp4",
        width=1920,
        height=1080,
        duration_s=seconds,
        fps=30,
        has_audio=has_audio,
    )


def song(n: int = 1) -> Asset:
    return Asset(
        id=f"aud{n}",
        name=f"song{n}.mp3",
        kind="audio",
        src=f"/store/song{n}.mp3",
        duration_s=120.0,
        has_audio=True,
    )


PHOTOS = [image(1), image(2), image(3)]


def check_draft(draft: Draft, media: Sequence[Asset]) -> None:
    """The invariants of docs/local-draft.md that the renderer relies on."""
    wire = draft.to_wire()
    total = wire["d"]
    assert isinstance(total, int) and 2000 <= total <= 180_000
    meta = wire["m"]
    assert (meta["width"], meta["height"]) in {(1920, 1080), (1080, 1920), (1080, 1080)}
    assert meta["fps"] == 30 and meta["ratio"] in {"16:9", "9:16", "1:1"}
    assert meta["language"] in {"en", "zh"} and meta["pace"] in {"calm", "normal", "energetic"}
    sources = {a.src for a in media}
    for track in wire["t"]:
        assert track["tt"] in (0, 1, 7)
    videos = draft.tracks_of(TrackType.VIDEO)
    assert len(videos) == 1 and videos[0].id == "track_video"
    segments = videos[0].segments
    assert segments
    cursor = 0
    for index, seg in enumerate(segments):
        assert seg.start == cursor, f"segment {index} starts at {seg.start}, expected {cursor}"
        assert isinstance(seg.duration_ms, int) and seg.duration_ms > 0
        last = index == len(segments) - 1
        transition = seg.transition_out
        if last:
            assert transition is None
        else:
            assert transition is not None and transition["type"] in TRANSITIONS
            overlap = transition["d"]
            assert 0 <= overlap < seg.duration_ms and overlap < segments[index + 1].duration_ms
            if transition["type"] == "cut":
                assert overlap == 0
            cursor = seg.start + seg.duration_ms - overlap
        if seg.type in ("image", "video"):
            assert seg.src in sources and seg.fit == "cover"
        else:
            assert seg.type == "background" and seg.style and seg.style["color"].startswith("#")
        if seg.type == "image":
            assert seg.motion and seg.motion["type"] == "ken_burns" and seg.motion["direction"] in DIRECTIONS
        if seg.type == "video":
            assert seg.source_start == 0 and 0 <= (seg.volume or 0) <= 1
    assert segments[-1].start + segments[-1].duration_ms == total
    for track in draft.tracks_of(TrackType.AUDIO):
        assert track.id == "track_bgm" and len(track.segments) == 1
        bgm = track.segments[0]
        assert bgm.start == 0 and bgm.duration_ms == total and 0 < (bgm.volume or 0) <= 1
        assert bgm.type in ("audio", "music")
        if bgm.type == "audio":
            assert bgm.src in sources
    for track in draft.tracks_of(TrackType.TEXT):
        assert track.id in {"track_title", "track_captions", "track_cta"}
        for seg in track.segments:
            assert seg.type == "text" and seg.text and seg.text.strip()
            assert seg.start is not None and seg.duration_ms and seg.duration_ms > 0
            assert seg.start >= 0 and seg.start + seg.duration_ms <= total
            assert seg.position and 0 <= seg.position["x"] <= 1 and 0 <= seg.position["y"] <= 1
            assert (seg.model_extra or {})["role"] in {"title", "caption", "cta"}


def texts(draft: Draft, track_id: str) -> list[str]:
    return [s.text or "" for t in draft.tracks if t.id == track_id for s in t.segments]


def segment_types(draft: Draft) -> list[str]:
    return [s.type or "" for s in draft.tracks_of(TrackType.VIDEO)[0].segments]
