"""Composition ⇄ wire draft.

:func:`to_draft` lays a composition out: scene and text timings in milliseconds, text sizes in pixels,
positions as fractions of the frame, colours as ``#RRGGBB`` — the resolved keys any reader (our
renderer, the cloud renderer, another tool) can use without our code (see ``docs/composition.md``).
Each object also keeps what was *asked* under ``spec`` (only the fields that differ from the
defaults), so :func:`from_draft` gives back the same composition. A draft written by someone else
(no ``spec``) is read from its resolved keys; keys we do not know are kept in ``extra``.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from pathlib import PurePath
from typing import Any, Protocol

from ..draft import Draft, Segment, Track, TrackType
from . import defaults as D
from .colors import under_white, vividness
from .model import Brand, Composition, Format, Motion, Music, Scene, TextLayer, Transition
from .timing import Span, role_spans, scene_slots, segment_spans, text_span, transition_ms


class MediaInfo(Protocol):
    """What the layout needs to know of a media file (``Asset`` satisfies it)."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def src(self) -> str: ...
    @property
    def width(self) -> int | None: ...
    @property
    def height(self) -> int | None: ...
    @property
    def duration_s(self) -> float | None: ...
    @property
    def has_audio(self) -> bool | None: ...
    @property
    def palette(self) -> tuple[str, ...]: ...


_SCENE_KEYS = {
    "id",
    "type",
    "start",
    "d",
    "src",
    "name",
    "media_id",
    "source_width",
    "source_height",
    "fit",
    "focal",
    "motion",
    "source_start",
    "volume",
    "transition_out",
    "style",
    "spec",
    "auto",
}
_TEXT_KEYS = {"id", "type", "role", "start", "d", "text", "style", "position", "animation", "scene", "z", "spec"}
_MUSIC_KEYS = {
    "id",
    "type",
    "start",
    "d",
    "src",
    "name",
    "media_id",
    "mood",
    "bpm",
    "volume",
    "fade_in",
    "fade_out",
    "source_start",
    "ducking",
    "beat_sync",
}
_META_KEYS = {"width", "height", "fps", "ratio", "platform", "title", "pace", "mood", "language", "spec", "brand"}
# Sub-keys we write inside nested objects; any other sub-key is kept as it came.
_NESTED = {
    "style": {"font_size", "color", "font_weight", "box", "backdrop", "font", "box_color", "box_opacity", "color2"},
    "position": {"x", "y", "anchor"},
    "animation": {"in", "in_d", "out", "out_d"},
    "motion": {"type", "from_scale", "to_scale", "direction"},
    "transition_out": {"type", "d"},
}
TEXT_TRACKS = {"title": ("track_title", "Title"), "caption": ("track_captions", "Captions"),
               "cta": ("track_cta", "Call to action"), "custom": ("track_text", "Text")}  # fmt: skip


# ---------------------------------------------------------------- composition → draft


def to_draft(comp: Composition, media: Sequence[MediaInfo] = ()) -> Draft:
    """The draft for ``comp``: every time, size and place resolved, every asked value kept."""
    by_id = {m.id: m for m in media}
    width, height = comp.format.size
    clips = [_clip_ms(by_id.get(s.media or "")) for s in comp.scenes]
    card = _end_card_ms(comp)
    total, slots = scene_slots(comp, clips, card, beat_ms(comp))
    kind, overlap = transition_ms(comp, slots)
    heads = comp.extra.get("track_heads", {})
    tracks: list[dict[str, Any]] = [_video_track(comp, slots, kind, overlap, total, by_id, bool(card))]
    music = _music_segment(comp, total, by_id)
    if music is not None:
        tracks.append({"id": "track_bgm", "tt": 1, "m": {"name": "BGM", "role": "bgm"}, "sg": [music]})
    tracks.extend(_text_tracks(comp, slots, total, slots[-1] if card else None))
    for track in tracks:  # a draft read from elsewhere keeps its own track ids and names
        track.update(heads.get(_head_key(track), {}))
    tracks.extend(comp.extra.get("tracks", []))
    meta: dict[str, Any] = {
        **comp.extra.get("meta", {}),
        "width": width,
        "height": height,
        "fps": comp.format.fps,
        "ratio": comp.format.aspect,
        "platform": comp.format.resolved_platform,
        "pace": comp.pace,
        "mood": _mood_word(comp),
        "language": comp.language,
    }
    if comp.title:
        meta["title"] = comp.title
    logo = by_id.get(comp.brand.logo or "")
    if logo is not None:  # the file, so that a renderer can draw the logo without our media list
        meta["brand"] = {"logo_src": logo.src, "corner": comp.brand.corner}
    # Format and music are always written: their resolved keys (platform, mood) are not what was asked.
    meta["spec"] = {
        **_spec_of(comp, exclude={"scenes", "texts", "format", "music"}),
        "format": _spec_of(comp.format),
        "music": _spec_of(comp.music),
    }
    return Draft.model_validate({**comp.extra.get("draft", {}), "d": total, "m": meta, "t": tracks})


def _default_ctas(comp: Composition) -> list[TextLayer]:
    return [t for t in comp.texts if t.role == "cta" and t.start_ms is None and t.duration_ms is None]


def _end_card_ms(comp: Composition) -> int:
    """How long the closing card holds: a call to action gets one when there are scenes and room."""
    if not comp.scenes or not _default_ctas(comp):
        return 0
    if comp.duration_ms is not None and comp.duration_ms - D.END_CARD_MS < D.MIN_SCENE_MS * len(comp.scenes):
        return 0
    return D.END_CARD_MS


def beat_ms(comp: Composition) -> float | None:
    """The music's beat when cuts should land on it (a bed of known tempo, beat sync on)."""
    if comp.music.kind != "mood" or not comp.music.beat_sync:
        return None
    _, bpm = D.MUSIC_BEDS[comp.music.mood or D.DEFAULT_MOOD_FOR_PACE[comp.pace]]
    return 60_000 / bpm


def card_colors(comp: Composition, media: Mapping[str, MediaInfo]) -> tuple[str, str]:
    """The end card: the brand's first colour, else the pictures' most vivid colour (their accent: a
    grey backdrop is often a photo's dominant colour), dark enough for white text."""
    pictures = [media[s.media] for s in comp.scenes if s.media is not None and s.media in media]
    found = [c for m in reversed(pictures) for c in m.palette]  # the last picture first: it fades into the card
    source = comp.brand.palette[:1] or ([max(found, key=vividness)] if found else [])
    if not source:
        return D.CARD_COLOR, D.CARD_COLOR
    base = under_white(source[0], 7.0)
    return base, under_white(source[0], 9.0)


def _clip_ms(asset: MediaInfo | None) -> int | None:
    if asset is None or asset.kind != "video" or not asset.duration_s or asset.duration_s <= 0:
        return None
    return round(asset.duration_s * 1000)


def _spec_of(obj: Any, exclude: set[str] | None = None) -> dict[str, Any]:
    return dict(obj.model_dump(mode="json", exclude_defaults=True, exclude=(exclude or set()) | {"extra"}))


def _video_track(
    comp: Composition,
    slots: list[Span],
    kind: str,
    overlap: int,
    total: int,
    by_id: Mapping[str, MediaInfo],
    card: bool,
) -> dict[str, Any]:
    if comp.scenes:
        spans = segment_spans(slots, overlap)
        pairs = zip(comp.scenes, spans, strict=False)
        segments = [_scene_segment(comp, i, s, span, by_id) for i, (s, span) in enumerate(pairs)]
        if card:
            color, color2 = card_colors(comp, by_id)
            segments.append(
                {
                    "id": "end_card",
                    "type": "background",
                    "auto": True,
                    "role": "end_card",
                    "start": spans[-1].start,
                    "d": spans[-1].d,
                    "style": {"color": color, "color2": color2},
                }
            )
    else:
        count = max(1, round(total / D.BACKGROUND_MS[comp.pace]))
        slots = [
            Span(round(i * total / count), round((i + 1) * total / count) - round(i * total / count))
            for i in range(count)
        ]
        kind, overlap = transition_ms(comp, slots)
        segments = [_background(comp, i, span) for i, span in enumerate(segment_spans(slots, overlap))]
    for segment in segments[:-1]:
        segment["transition_out"] = {"type": kind, "d": overlap}
    if comp.scenes:
        merged = [_merged(seg, scene.extra) for seg, scene in zip(segments, comp.scenes, strict=False)]
        segments = merged + segments[len(comp.scenes) :]
    return {"id": "track_video", "tt": 0, "m": {"name": "Video"}, "sg": segments}


def _scene_segment(
    comp: Composition, index: int, scene: Scene, span: Span, by_id: Mapping[str, MediaInfo]
) -> dict[str, Any]:
    seg: dict[str, Any] = {"id": scene.id, "start": span.start, "d": span.d}
    seg["spec"] = _spec_of(scene, exclude={"texts", "id"})
    if scene.kind != "media":
        colors = scene.colors or (D.BACKGROUND_COLORS if scene.kind == "background" else (D.CARD_COLOR, D.CARD_COLOR))
        # A card is drawn as a backdrop like a background (renderers know "background"); its kind is in spec.
        seg.update(type="background", style={"color": colors[0], "color2": colors[1]})
        return seg
    asset = by_id.get(scene.media or "")
    seg.update(type=asset.kind if asset else scene.extra.get("type", "image"), media_id=scene.media, fit=scene.fit)
    if asset is not None:
        seg.update(src=asset.src, name=asset.name)
        if asset.width and asset.height:
            seg.update(source_width=asset.width, source_height=asset.height)
    if scene.focal is not None:
        seg["focal"] = {"x": scene.focal[0], "y": scene.focal[1]}
    if seg["type"] == "video":
        seg["source_start"] = scene.extra.get("source_start", 0)
        seg["volume"] = _clip_volume(comp, asset)
    elif scene.motion.kind == "ken_burns":
        zoom = scene.motion.zoom or D.PACE_STYLE[comp.pace][3]
        direction = scene.motion.direction or D.KEN_BURNS_DIRECTIONS[index % len(D.KEN_BURNS_DIRECTIONS)]
        seg["motion"] = {"type": "ken_burns", "from_scale": 1.0, "to_scale": zoom, "direction": direction}
    else:
        seg["motion"] = {"type": "none"}
    return seg


def _clip_volume(comp: Composition, asset: MediaInfo | None) -> float:
    if asset is not None and asset.has_audio is False:
        return 0.0
    if comp.music.kind == "none" or comp.music.ducking:
        return 1.0  # the music ducks under the clip's own sound
    return D.CLIP_VOLUME_UNDER_MUSIC


def _background(comp: Composition, index: int, span: Span) -> dict[str, Any]:
    mood = comp.music.mood or D.DEFAULT_MOOD_FOR_PACE[comp.pace] if comp.music.kind == "mood" else "none"
    palette = D.PALETTES.get(mood, D.PALETTES["none"])
    color, color2 = palette[index % len(palette)]
    return {
        "id": f"bg_{index + 1}",
        "type": "background",
        "auto": True,
        "start": span.start,
        "d": span.d,
        "style": {"color": color, "color2": color2},
    }


def _mood_word(comp: Composition) -> str:
    if comp.music.kind == "mood":
        return comp.music.mood or D.DEFAULT_MOOD_FOR_PACE[comp.pace]
    return "audio" if comp.music.kind == "asset" else "none"


def _music_segment(comp: Composition, total: int, by_id: Mapping[str, MediaInfo]) -> dict[str, Any] | None:
    music = comp.music
    common: dict[str, Any] = {
        **music.extra,
        "id": "seg_bgm",
        "start": 0,
        "d": total,
        "volume": round(music.volume, 2),
        "fade_in": min(music.fade_in_ms, total // 4),
        "fade_out": min(music.fade_out_ms, total // 4),
        "ducking": music.ducking,
        "beat_sync": music.beat_sync,
    }
    if music.kind == "asset":
        asset = by_id.get(music.asset or "")
        if asset is None:  # a file this session does not hold (a cloud draft's URL): keep it where it is
            return {**common, "type": "audio", "source_start": 0} if "src" in music.extra else None
        return {
            **common,
            "type": "audio",
            "src": asset.src,
            "name": asset.name,
            "media_id": asset.id,
            "source_start": 0,
        }
    if music.kind == "mood":
        mood = music.mood or D.DEFAULT_MOOD_FOR_PACE[comp.pace]
        name, bpm = D.MUSIC_BEDS[mood]
        return {**common, "type": "music", "name": name, "mood": mood, "bpm": bpm}
    return None


def _text_tracks(comp: Composition, slots: list[Span], total: int, card: Span | None) -> list[dict[str, Any]]:
    placed: list[tuple[TextLayer, Span, str | None]] = []
    free = comp.texts
    titles = [t for t in free if t.role == "title" and t.start_ms is None and t.duration_ms is None]
    ctas = _default_ctas(comp)
    captions = [t for t in free if t.role == "caption" and t.start_ms is None and t.duration_ms is None]
    body = card.start if card else total
    title_span, caption_spans, cta_span = role_spans(body, bool(titles), bool(ctas) and not card, len(captions))
    only_title = not comp.scenes and titles and not captions and not ctas
    by_role = {id(t): title_span if not only_title else Span(0, total) for t in titles}
    by_role.update({id(t): card or cta_span for t in ctas})
    by_role.update({id(t): span for t, span in zip(captions, caption_spans, strict=False)})
    dropped = {id(t) for t in captions[len(caption_spans) :]}  # more than the time can show (see dropped_texts)
    for layer in free:
        span = by_role.get(id(layer))
        if span is not None:
            placed.append((layer, span, None))
        elif id(layer) not in by_role and id(layer) not in dropped:
            placed.append((layer, text_span(layer, None, total), None))
    for scene, slot in zip(comp.scenes, slots, strict=False):
        for layer in scene.texts:
            placed.append((layer, text_span(layer, slot, total), scene.id))
    tracks: dict[str, list[dict[str, Any]]] = {}
    for z, (layer, span, scene_id) in enumerate(placed):
        tracks.setdefault(layer.role, []).append(_text_segment(comp, layer, span, scene_id, z))
    return [
        {"id": TEXT_TRACKS[role][0], "tt": 7, "m": {"name": TEXT_TRACKS[role][1]}, "sg": tracks[role]}
        for role in TEXT_TRACKS
        if role in tracks
    ]


def font_px(comp: Composition, layer: TextLayer) -> int:
    _, height = comp.format.size
    size = layer.style.size
    if isinstance(size, int):
        px = float(size)
    else:
        family = "vertical" if comp.format.vertical else "other"
        px = D.ROLE_SIZE[family][layer.role] * D.SIZE_STEPS[size or "medium"] * height
        if size is None and not comp.scenes and layer.role == "caption":
            px *= 1.4  # a text-only video's sentences are its picture
    return round(max(D.MIN_FONT_FRACTION * height, min(D.MAX_FONT_FRACTION * height, px)))


def text_center(comp: Composition, layer: TextLayer) -> tuple[float, float]:
    left, top, right, bottom = D.SAFE_ZONES[comp.format.resolved_platform]
    pos = layer.position
    slot = pos.slot or (D.TEXT_ONLY_SLOT if not comp.scenes else D.ROLE_SLOT[layer.role])
    x = pos.x if pos.x is not None else (left + right) / 2
    y = pos.y if pos.y is not None else top + D.SLOT_Y[slot] * (bottom - top)
    return round(x, 4), round(y, 4)


def _text_segment(comp: Composition, layer: TextLayer, span: Span, scene_id: str | None, z: int) -> dict[str, Any]:
    style = layer.style
    backdrop = style.backdrop or D.ROLE_BACKDROP[layer.role]
    if not comp.scenes and style.backdrop is None:
        backdrop = "none"  # words on a plain gradient need no box
    resolved: dict[str, Any] = {
        "font_size": font_px(comp, layer),
        "color": style.color or D.TEXT_COLOR,
        "font_weight": style.weight or D.ROLE_WEIGHT[layer.role],
        "box": backdrop in ("box", "band"),
        "backdrop": backdrop,
    }
    if style.font:
        resolved["font"] = style.font
    elif comp.brand.font:
        resolved["font"] = comp.brand.font
    if resolved["box"]:
        resolved.update(
            box_color=style.backdrop_color or D.BOX_COLOR,
            box_opacity=style.backdrop_opacity if style.backdrop_opacity is not None else D.BOX_OPACITY,
        )
    x, y = text_center(comp, layer)
    enter, enter_ms, exit_, exit_ms = D.ROLE_ANIMATION[layer.role]
    anim = layer.animation
    seg: dict[str, Any] = {
        "id": layer.id,
        "type": "text",
        "role": layer.role,
        "start": span.start,
        "d": span.d,
        "text": layer.text,
        "style": resolved,
        "position": {"x": x, "y": y, "anchor": "center"},
        "animation": {
            "in": anim.enter or enter,
            "in_d": min(anim.enter_ms if anim.enter_ms is not None else enter_ms, span.d // 3),
            "out": anim.exit or exit_,
            "out_d": min(anim.exit_ms if anim.exit_ms is not None else exit_ms, span.d // 3),
        },
        "z": z,
    }
    if scene_id is not None:
        seg["scene"] = scene_id
    seg["spec"] = _spec_of(layer, exclude={"id", "role", "text"})
    return _merged(seg, layer.extra)


# ---------------------------------------------------------------- draft → composition


def from_draft(draft: Draft, media: Sequence[MediaInfo] = ()) -> Composition:
    """Read a draft back: ours exactly (via ``spec``), anyone else's from its resolved keys."""
    wire = draft.to_wire()
    meta = dict(wire.get("m") or {})
    raw_spec = meta.get("spec")
    spec: dict[str, Any] = raw_spec if isinstance(raw_spec, dict) else {}
    by_src = {m.src: m for m in media}
    scenes: list[Scene] = []
    texts: list[tuple[int, TextLayer, str | None]] = []
    music: Music | None = None
    unknown: list[dict[str, Any]] = []
    heads: dict[str, Any] = {}
    seen_video = False
    text_roles: set[str] = set()
    for track in draft.tracks:
        if track.type == TrackType.VIDEO and not seen_video:
            seen_video = True
            shown = [seg for seg in track.segments if not _auto(seg)]
            scenes.extend(
                _scene(seg, i, by_src, slot) for i, (seg, slot) in enumerate(zip(shown, _slots(shown), strict=True))
            )
            _keep_head(heads, "video", track, {"id": "track_video", "m": {"name": "Video"}})
        elif track.type == TrackType.AUDIO and music is None and len(track.segments) == 1:
            music = _music(track.segments[0], by_src)
            _keep_head(heads, "bgm", track, {"id": "track_bgm", "m": {"name": "BGM", "role": "bgm"}})
        elif track.type == TrackType.TEXT and _text_role(track) not in text_roles and _one_role(track):
            role = _text_role(track)
            text_roles.add(role)
            texts.extend(_text(seg, track, len(texts)) for seg in track.segments if seg.display_text())
            _keep_head(heads, f"text:{role}", track, {"id": TEXT_TRACKS[role][0], "m": {"name": TEXT_TRACKS[role][1]}})
        else:
            unknown.append(track.to_wire())
    by_scene = {s.id: s for s in scenes}
    free: list[TextLayer] = []
    for _, layer, scene_id in sorted(texts, key=lambda t: t[0]):
        owner = by_scene.get(scene_id or "")
        (owner.texts if owner is not None else free).append(layer)
    comp_spec = {k: v for k, v in spec.items() if k in Composition.model_fields}
    comp = Composition.model_validate({**_inferred_meta(meta, music), **comp_spec})
    comp.scenes, comp.texts = scenes, free
    if "music" not in comp_spec:
        comp.music = music or Music(kind="none")
    elif music is not None:
        comp.music = comp.music.model_copy(update={"extra": music.extra})
    extra: dict[str, Any] = {}
    top = {k: v for k, v in wire.items() if k not in ("d", "m", "t")}
    rest = {k: v for k, v in meta.items() if k not in _META_KEYS}
    if top:
        extra["draft"] = top
    if rest:
        extra["meta"] = rest
    if unknown:
        extra["tracks"] = unknown
    if heads:
        extra["track_heads"] = heads
    comp.extra = extra
    return comp


def _head_key(track: dict[str, Any]) -> str:
    """Which of our tracks this is: video, bgm, or text:<role>."""
    if track["tt"] == TrackType.TEXT:
        role = next((r for r, (tid, _) in TEXT_TRACKS.items() if tid == track.get("id")), None)
        if role is None and track.get("sg"):
            role = track["sg"][0].get("role")
        return f"text:{role}"
    return "video" if track["tt"] == TrackType.VIDEO else "bgm"


def _keep_head(heads: dict[str, Any], key: str, track: Track, ours: dict[str, Any]) -> None:
    """Remember the track's own id and metadata when they differ from what we would write."""
    head = {k: v for k, v in track.to_wire().items() if k not in ("tt", "sg")}
    if head != ours:
        heads[key] = head


def _text_role(track: Track) -> str:
    roles = {str((s.model_extra or {}).get("role")) for s in track.segments}
    return _role(roles.pop() if len(roles) == 1 else None, track)


def _one_role(track: Track) -> bool:
    """A text track we can own: its segments all have the track's role (or none)."""
    role = _text_role(track)
    return all((s.model_extra or {}).get("role") in (None, role) for s in track.segments)


def _auto(seg: Segment) -> bool:
    return bool((seg.model_extra or {}).get("auto"))


def _inferred_meta(meta: dict[str, Any], music: Music | None) -> dict[str, Any]:
    """What a draft without ``spec`` says of the whole video."""
    aspect = meta.get("ratio") if meta.get("ratio") in D.SIZES else _nearest_aspect(meta)
    platform = meta.get("platform") if meta.get("platform") in D.PLATFORMS else None
    out: dict[str, Any] = {"format": Format.model_validate({"aspect": aspect, "platform": platform}).model_dump()}
    if meta.get("pace") in D.PACES:
        out["pace"] = meta["pace"]
    if isinstance(meta.get("language"), str):
        out["language"] = meta["language"]
    return out


def _nearest_aspect(meta: dict[str, Any]) -> str:
    width, height = meta.get("width"), meta.get("height")
    if isinstance(width, int | float) and isinstance(height, int | float) and width > 0 and height > 0:
        return min(D.SIZES, key=lambda r: abs(D.SIZES[r][0] / D.SIZES[r][1] - width / height))
    return D.DEFAULT_ASPECT


def _rest(seg: Segment, known: set[str]) -> dict[str, Any]:
    """The segment's keys we do not write, and the sub-keys of nested objects we do not write."""
    wire = seg.to_wire()
    rest = {k: v for k, v in wire.items() if k not in known}
    for key, ours in _NESTED.items():
        value = wire.get(key)
        if key in known and isinstance(value, dict):
            kept = {k: v for k, v in value.items() if k not in ours}
            if kept:
                rest[key] = kept
    return rest


def _merged(seg: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """``seg`` over ``extra``, nested objects merged one level deep (our sub-keys win)."""
    out = {**extra, **seg}
    for key in _NESTED:
        if isinstance(extra.get(key), dict) and isinstance(seg.get(key), dict):
            out[key] = {**extra[key], **seg[key]}
    return out


def _slots(segments: Sequence[Segment]) -> list[int]:
    """Each segment's slot (cut to cut, a cut being the middle of its transition) in a draft read as is."""
    cuts = [0.0]
    for seg, following in itertools.pairwise(segments):
        overlap = (seg.transition_out or {}).get("d")
        half = float(overlap) / 2 if isinstance(overlap, int | float) else 0.0
        cuts.append(max(cuts[-1], (following.start_ms() or cuts[-1]) + half))
    if segments:
        last = segments[-1]
        cuts.append(max(cuts[-1], (last.start_ms() or cuts[-1]) + (last.length_ms() or 0)))
    return [round(b - a) for a, b in itertools.pairwise(cuts)]


def _scene(seg: Segment, index: int, by_src: Mapping[str, MediaInfo], slot: int) -> Scene:
    wire = seg.to_wire()
    spec = wire.get("spec")
    extra = _rest(seg, _SCENE_KEYS)
    asset = by_src.get(seg.src or "")
    if seg.type in ("image", "video") and seg.src and asset is None:  # a file this session does not hold
        extra.update({k: wire[k] for k in ("src", "type", "name", "source_width", "source_height") if k in wire})
    if isinstance(spec, dict):
        return Scene.model_validate({**spec, "id": seg.id or f"s{index + 1}", "extra": extra})
    kind = "media" if seg.type in ("image", "video") else ("card" if seg.type == "card" else "background")
    style = seg.style or {}
    media_id = wire.get("media_id") or (asset.id if asset else None) or (PurePath(seg.src).name if seg.src else None)
    motion = seg.motion or {}
    scene: dict[str, Any] = {
        "id": seg.id or f"s{index + 1}",
        "kind": kind,
        "media": media_id if kind == "media" else None,
        "duration_ms": max(D.MIN_SCENE_MS, min(D.MAX_TOTAL_MS, slot)),
        "fit": seg.fit if seg.fit in ("cover", "contain") else "cover",
        "extra": extra,
    }
    if motion.get("type") == "none":
        scene["motion"] = Motion(kind="none")
    elif motion.get("type") == "ken_burns":
        zoom, direction = motion.get("to_scale"), motion.get("direction")
        scene["motion"] = Motion(
            zoom=float(zoom) if isinstance(zoom, int | float) and 1.0 <= zoom <= 1.5 else None,
            direction=direction if direction in D.KEN_BURNS_DIRECTIONS else None,
        )
    if kind != "media" and "color" in style:
        scene["colors"] = (str(style["color"]), str(style.get("color2", style["color"])))
    return Scene.model_validate(scene)


def _music(seg: Segment, by_src: Mapping[str, MediaInfo]) -> Music:
    wire = seg.to_wire()
    extra = _rest(seg, _MUSIC_KEYS)
    volume = seg.volume_fraction()
    volume = D.MUSIC_VOLUME if volume is None else max(0.0, min(1.0, volume))
    common: dict[str, Any] = {
        "volume": volume,
        "extra": extra,
        "fade_in_ms": round(seg.fade_in or 0),
        "fade_out_ms": round(seg.fade_out or 0),
    }
    if seg.type == "audio" and seg.src:
        asset = by_src.get(seg.src)
        if asset is None:
            extra.update({k: wire[k] for k in ("src", "name") if k in wire})
        return Music.model_validate({**common, "kind": "asset", "asset": asset.id if asset else wire.get("media_id")})
    mood = wire.get("mood")
    return Music.model_validate({**common, "kind": "mood", "mood": mood if mood in D.MOODS else None})


def _text(seg: Segment, track: Track, order: int) -> tuple[int, TextLayer, str | None]:
    wire = seg.to_wire()
    extra = _rest(seg, _TEXT_KEYS)
    z = _int(wire.get("z"), order) or 0
    scene = wire.get("scene")
    scene_id = scene if isinstance(scene, str) else None
    role = _role(wire.get("role"), track)
    base = {"id": seg.id or f"t{order + 1}", "role": role, "text": seg.display_text(), "extra": extra}
    spec = wire.get("spec")
    if isinstance(spec, dict):
        return z, TextLayer.model_validate({**spec, **base}), scene_id
    style = seg.style or {}
    position = seg.position or {}
    layer: dict[str, Any] = {
        **base,
        "start_ms": round(seg.start_ms() or 0),
        "duration_ms": round(seg.length_ms() or 0) or None,
        "style": {
            k: v
            for k, v in (
                ("size", _int(style.get("font_size"))),
                ("color", _color(style.get("color"))),
                ("weight", 700 if (_int(style.get("font_weight")) or 400) >= 600 else None),
            )
            if v is not None
        },
        "position": {
            k: float(v) for k, v in position.items() if k in ("x", "y") and isinstance(v, int | float) and 0 <= v <= 1
        },
        "animation": _animation(seg.animation or {}),
    }
    return z, TextLayer.model_validate(layer), scene_id


def _animation(anim: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for ours, kind_key, ms_key in (("enter", "in", "in_d"), ("exit", "out", "out_d")):
        if anim.get(kind_key) in ("none", "fade", "slide_up", "pop", "typewriter", "word_by_word"):
            out[ours] = anim[kind_key]
        if isinstance(anim.get(ms_key), int | float) and 0 <= anim[ms_key] <= D.MAX_TOTAL_MS:
            out[f"{ours}_ms"] = round(anim[ms_key])
    return out


def _role(value: Any, track: Track) -> str:
    if value in TEXT_TRACKS:
        return str(value)
    name = f"{track.id or ''} {track.name or ''}".lower()
    if "title" in name:
        return "title"
    if "cta" in name or "call" in name:
        return "cta"
    return "caption"


def _int(value: Any, default: int | None = None) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else default


def _color(value: Any) -> str | None:
    from .model import parse_color

    try:
        return parse_color(value) if isinstance(value, str) else None
    except ValueError:
        return None


__all__ = ["Brand", "Transition", "font_px", "from_draft", "text_center", "to_draft"]
