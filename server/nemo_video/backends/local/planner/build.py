"""VideoSpec → Draft: the timeline the local renderer reads (keys in docs/local-draft.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from ....draft import Draft
from ...base import Asset
from .layout import Span, caption_capacity, default_duration, text_spans, visual_spans
from .lexicon import BACKGROUND_MS, KEN_BURNS_DIRECTIONS, MUSIC_BEDS, PACE_STYLE, PALETTES, SIZES
from .numbers import clamp_duration, text_units
from .spec import VideoSpec
from .words import caption_lines

FPS: Final = 30
# Font sizes in px at the draft's own height, per ratio: (title, caption, cta).
FONT_SIZES: Final = {"16:9": (96, 52, 80), "9:16": (92, 58, 80), "1:1": (84, 50, 72)}
CAPTION_UNITS: Final = {"16:9": 30.0, "9:16": 26.0, "1:1": 26.0}  # max line width in font-size units
TITLE_Y: Final = {"9:16": 0.2}
CAPTION_Y: Final = {"9:16": 0.72}
CLIP_VOLUME_UNDER_MUSIC: Final = 0.25


@dataclass(frozen=True)
class Built:
    """The draft and the facts the reply and the plan steps describe."""

    draft: Draft
    spec: VideoSpec
    duration_ms: int
    width: int
    height: int
    transition: str
    transition_ms: int
    captions: tuple[str, ...]  # the lines shown
    captions_dropped: int  # lines that did not fit in the time
    backgrounds: int  # generated backdrops (text-only video)


def build(spec: VideoSpec) -> Built:
    width, height = SIZES[spec.ratio]
    total = clamp_duration(spec.duration_ms or default_duration(spec.visuals, spec.pace))
    _, kind, transition_ms, _ = PACE_STYLE[spec.pace]
    kind = spec.transition or kind
    if kind == "cut":
        transition_ms = 0
    lines = caption_lines(spec.captions, CAPTION_UNITS[spec.ratio])
    shown = tuple(lines[: caption_capacity(total, spec.title is not None, spec.cta is not None)])
    title_span, caption_spans, cta_span = text_spans(
        total, spec.title is not None, spec.cta is not None, len(shown)
    )
    if title_span is not None and not spec.visuals and not shown and cta_span is None:
        title_span = Span(0, total)  # a text-only video of just its title shows it throughout
    tail = cta_span.d if cta_span else 0
    if spec.visuals:
        caps = [_clip_cap(a) for a in spec.visuals]
        spans, used = visual_spans(total, caps, transition_ms, tail)
        visuals = [
            _visual_segment(i, a, s, spec) for i, (a, s) in enumerate(zip(spec.visuals, spans, strict=True))
        ]
    else:
        count = max(1, round(total / BACKGROUND_MS[spec.pace]))
        spans, used = visual_spans(total, [None] * count, transition_ms, tail)
        visuals = [_background_segment(i, s, spec) for i, s in enumerate(spans)]
    for segment in visuals[:-1]:
        segment["transition_out"] = {"type": kind, "d": used}
    tracks: list[dict[str, Any]] = [{"id": "track_video", "tt": 0, "m": {"name": "Video"}, "sg": visuals}]
    music = _music_segment(spec, total)
    if music:
        tracks.append({"id": "track_bgm", "tt": 1, "m": {"name": "BGM", "role": "bgm"}, "sg": [music]})
    tracks.extend(_text_tracks(spec, shown, title_span, caption_spans, cta_span))
    meta: dict[str, Any] = {"width": width, "height": height, "fps": FPS, "ratio": spec.ratio}
    if spec.title:
        meta["title"] = spec.title
    mood = (
        spec.music.mood if spec.music.kind == "mood" else ("audio" if spec.music.kind == "audio" else "none")
    )
    meta.update(pace=spec.pace, mood=mood, language=spec.language)
    draft = Draft.model_validate({"d": total, "m": meta, "t": tracks})
    return Built(
        draft,
        spec,
        total,
        width,
        height,
        kind,
        used,
        shown,
        len(lines) - len(shown),
        0 if spec.visuals else len(visuals),
    )


def _clip_cap(asset: Asset) -> int | None:
    if asset.kind != "video" or not asset.duration_s or asset.duration_s <= 0:
        return None
    return round(asset.duration_s * 1000)


def _visual_segment(index: int, asset: Asset, span: Span, spec: VideoSpec) -> dict[str, Any]:
    seg: dict[str, Any] = {
        "id": f"seg_{index + 1}",
        "type": asset.kind,
        "start": span.start,
        "d": span.d,
        "src": asset.src,
        "name": asset.name,
    }
    if asset.width and asset.height:
        seg.update(source_width=asset.width, source_height=asset.height)
    seg["fit"] = "cover"
    if asset.kind == "image":
        zoom = PACE_STYLE[spec.pace][3]
        direction = KEN_BURNS_DIRECTIONS[index % len(KEN_BURNS_DIRECTIONS)]
        seg["motion"] = {"type": "ken_burns", "from_scale": 1.0, "to_scale": zoom, "direction": direction}
    else:
        seg["source_start"] = 0
        seg["volume"] = _clip_volume(asset, spec)
    return seg


def _clip_volume(asset: Asset, spec: VideoSpec) -> float:
    if asset.has_audio is False:
        return 0.0
    return CLIP_VOLUME_UNDER_MUSIC if spec.music.kind != "none" else 1.0


def _background_segment(index: int, span: Span, spec: VideoSpec) -> dict[str, Any]:
    palette = PALETTES[spec.music.mood if spec.music.kind == "mood" and spec.music.mood else "none"]
    color, color2 = palette[index % len(palette)]
    return {
        "id": f"seg_{index + 1}",
        "type": "background",
        "start": span.start,
        "d": span.d,
        "style": {"color": color, "color2": color2},
    }


def _music_segment(spec: VideoSpec, total: int) -> dict[str, Any] | None:
    music = spec.music
    fades = {"fade_in": min(500, total // 4), "fade_out": min(2000, total // 4)}
    volume = round(music.volume, 2)
    if music.kind == "audio" and music.audio is not None:
        return {
            "id": "seg_bgm",
            "type": "audio",
            "start": 0,
            "d": total,
            "src": music.audio.src,
            "name": music.audio.name,
            "source_start": 0,
            "volume": volume,
            **fades,
        }
    if music.kind == "mood" and music.mood in MUSIC_BEDS:
        name, bpm = MUSIC_BEDS[music.mood]
        return {
            "id": "seg_bgm",
            "type": "music",
            "start": 0,
            "d": total,
            "name": name,
            "mood": music.mood,
            "bpm": bpm,
            "volume": volume,
            **fades,
        }
    return None


def _text_tracks(
    spec: VideoSpec,
    captions: tuple[str, ...],
    title: Span | None,
    caption_spans: list[Span],
    cta: Span | None,
) -> list[dict[str, Any]]:
    width, _ = SIZES[spec.ratio]
    title_size, caption_size, cta_size = FONT_SIZES[spec.ratio]
    text_only = not spec.visuals
    tracks = []
    if title and spec.title:
        y = 0.45 if text_only else TITLE_Y.get(spec.ratio, 0.18)
        style = _style(_fit(spec.title, title_size, width), 700, box=False)
        seg = _text("seg_title", "title", spec.title, title, style, y, 600, 400)
        tracks.append(_text_track("track_title", "Title", [seg]))
    if caption_spans:
        size = round(caption_size * 1.4) if text_only else caption_size
        y = 0.5 if text_only else CAPTION_Y.get(spec.ratio, 0.82)
        segs = [
            _text(
                f"seg_caption_{i + 1}",
                "caption",
                line,
                span,
                _style(_fit(line, size, width), 700 if text_only else 400, box=not text_only),
                y,
                250,
                250,
            )
            for i, (line, span) in enumerate(zip(captions, caption_spans, strict=False))
        ]
        tracks.append(_text_track("track_captions", "Captions", segs))
    if cta and spec.cta:
        style = {**_style(_fit(spec.cta, cta_size, width), 700, box=True), "box_opacity": 0.6}
        seg = _text("seg_cta", "cta", spec.cta, cta, style, 0.5, 400, 300)
        tracks.append(_text_track("track_cta", "Call to action", [seg]))
    return tracks


def _fit(text: str, base: int, width: int) -> int:
    """Shrink long text (down to 60%); the renderer wraps what is still too wide."""
    units = max(1.0, text_units(text))
    return round(max(base * 0.6, min(base, width * 0.88 / units)))


def _style(size: int, weight: int, box: bool) -> dict[str, Any]:
    style: dict[str, Any] = {"font_size": size, "color": "#FFFFFF", "font_weight": weight, "box": box}
    if box:
        style.update(box_color="#000000", box_opacity=0.45)
    return style


def _text(
    seg_id: str,
    role: str,
    text: str,
    span: Span,
    style: dict[str, Any],
    y: float,
    fade_in: int,
    fade_out: int,
) -> dict[str, Any]:
    return {
        "id": seg_id,
        "type": "text",
        "role": role,
        "start": span.start,
        "d": span.d,
        "text": text,
        "style": style,
        "position": {"x": 0.5, "y": y, "anchor": "center"},
        "animation": {
            "in": "fade",
            "in_d": min(fade_in, span.d // 3),
            "out": "fade",
            "out_d": min(fade_out, span.d // 3),
        },
    }


def _text_track(track_id: str, name: str, segments: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": track_id, "tt": 7, "m": {"name": name}, "sg": segments}
