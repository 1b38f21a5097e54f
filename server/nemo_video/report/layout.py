"""What the report needs from the draft: each text as the renderer lays it out, cuts, the beat grid.

Text geometry comes from the local renderer's plan (``build_plan`` is pure): the same wrapping, size
and clamping that drew the text, scaled to the file's height. Facts about pictures and clips do not
change where text goes, so files that are not on this machine (a cloud draft's URLs) get stand-in
sizes; the plan is only read for its texts, cuts and music.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..backends.base import RenderRequest
from ..backends.local.render import fonts
from ..backends.local.render.plan import RenderPlan, SourceFacts, build_plan
from ..backends.local.render.texts import TextBlock, asked_words
from ..composition.defaults import SAFE_ZONES, default_platform
from ..draft import Draft, Segment, TrackType
from ..media import probe

# Minimum font size as a fraction of the height, per role: vertical formats, then the others (CRAFT.md, Type).
MIN_SIZE: dict[str, dict[str, float]] = {
    "vertical": {"title": 0.05, "caption": 0.04, "cta": 0.04, "custom": 0.04},
    "other": {"title": 0.07, "caption": 0.05, "cta": 0.05, "custom": 0.05},
}


@dataclass(frozen=True)
class PlacedText:
    id: str
    role: str
    block: TextBlock
    box: tuple[int, int, int, int]  # output px: left, top, right, bottom
    asked: str | None = None  # what the user set about its look ("backdrop none, colour #FFFFFF")


@dataclass(frozen=True)
class Layout:
    plan: RenderPlan
    platform: str
    zone: tuple[int, int, int, int]
    texts: tuple[PlacedText, ...]
    cuts_s: tuple[float, ...]
    beat_s: float | None
    end_card_s: float  # how long the closing card holds at the end (0: none)
    has_cta: bool
    expects_audio: bool


def platform_of(draft: Draft) -> str:
    meta = draft.meta.model_dump() if draft.meta is not None else {}
    extra = (draft.meta.model_extra or {}) if draft.meta is not None else {}
    platform = extra.get("platform") or meta.get("platform")
    if isinstance(platform, str) and platform in SAFE_ZONES:
        return platform
    ratio = extra.get("ratio") or meta.get("ratio")
    if not isinstance(ratio, str):
        w, h = meta.get("width") or 16, meta.get("height") or 9
        ratio = "9:16" if h > w * 1.2 else "1:1" if h >= w * 0.9 else "16:9"
    return default_platform(ratio)


async def _facts(draft: Draft, ffmpeg: str) -> dict[str, SourceFacts]:
    facts: dict[str, SourceFacts] = {}
    for track in draft.tracks:
        for seg in track.segments:
            if not seg.src or seg.src in facts:
                continue
            path = Path(seg.src)
            if seg.type == "video" and path.is_file():
                info = await probe(path, ffmpeg)
                facts[seg.src] = SourceFacts(info.width, info.height, info.duration_s, info.has_audio)
            else:
                facts[seg.src] = SourceFacts(16, 16)
    return facts


def _role(seg: Segment) -> str:
    role = (seg.model_extra or {}).get("role")
    return str(role) if role else "custom"


def _squash(text: str) -> str:
    return "".join(text.split())


def _match(blocks: Sequence[TextBlock], segments: Sequence[Segment]) -> list[tuple[TextBlock, Segment | None]]:
    """Pair each laid-out block with its draft segment: same start, same words (maybe shortened)."""
    pairs: list[tuple[TextBlock, Segment | None]] = []
    free = list(segments)
    for block in blocks:
        words = _squash(block.text).rstrip("…")
        found = next(
            (
                s
                for s in free
                if abs((s.start_ms() or 0) / 1000 - block.start_s) < 0.002
                and _squash(s.display_text() or "").startswith(words[: max(1, len(words) - 1)])
            ),
            None,
        )
        if found is not None:
            free.remove(found)
        pairs.append((block, found))
    return pairs


def text_box(block: TextBlock, width: int) -> tuple[int, int, int, int]:
    font = fonts.Font(block.font)
    text_w = max(fonts.text_width(font, block.size, line) for line in block.lines)
    left = max(0.0, min(width - text_w, block.center_x - text_w / 2))
    height = len(block.lines) * block.size + (len(block.lines) - 1) * block.line_spacing
    return round(left), round(block.top_y), round(left + text_w), round(block.top_y + height)


def _cuts(plan: RenderPlan) -> tuple[float, ...]:
    """Each cut as the renderer placed it: the middle of a transition, or the join of two shots."""
    cuts = []
    for before, after in zip(plan.visuals, plan.visuals[1:], strict=False):
        cuts.append(after.start_s + before.transition_s / 2)
    return tuple(cuts)


def _music(draft: Draft) -> Mapping[str, Any] | None:
    for track in draft.tracks_of(TrackType.AUDIO):
        for seg in track.segments:
            if seg.type in ("music", "audio"):
                return {**(seg.model_extra or {}), "type": seg.type, "volume": seg.volume_fraction()}
    return None


async def read_layout(draft: Draft, ffmpeg: str, height: int, fmt: str = "mp4") -> Layout:
    request = RenderRequest(destination=Path("report.mp4"), height=height, format=fmt)  # type: ignore[arg-type]
    plan = build_plan(draft, request, await _facts(draft, ffmpeg))
    platform = platform_of(draft)
    left, top, right, bottom = SAFE_ZONES[platform]
    zone = (round(left * plan.width), round(top * plan.height), round(right * plan.width), round(bottom * plan.height))
    segments = [s for t in draft.tracks_of(TrackType.TEXT) for s in t.segments if s.display_text()]
    texts = tuple(
        PlacedText(
            id=(seg.id if seg is not None and seg.id else f"text{i + 1}"),
            role=_role(seg) if seg is not None else "custom",
            block=block,
            box=text_box(block, plan.width),
            asked=asked_words(seg) if seg is not None else None,
        )
        for i, (block, seg) in enumerate(_match(plan.texts, segments))
    )
    music = _music(draft)
    bpm = music.get("bpm") if music else None
    beat_sync = music.get("beat_sync", True) if music else False
    video = [s for t in draft.tracks_of(TrackType.VIDEO) for s in t.segments if (s.length_ms() or 0) > 0]
    card_s = 0.0
    if video and (video[-1].model_extra or {}).get("role") == "end_card" and len(plan.visuals) > 1:
        # the card is fully on screen from the middle of the transition into it
        card_s = plan.duration_s - (plan.visuals[-1].start_s + plan.visuals[-2].transition_s / 2)
    clip_audio = any(v.kind == "video" and v.has_audio and v.volume > 0 for v in plan.visuals)
    return Layout(
        plan=plan,
        platform=platform,
        zone=zone,
        texts=texts,
        cuts_s=_cuts(plan),
        beat_s=60.0 / float(bpm) if isinstance(bpm, int | float) and bpm > 0 and beat_sync else None,
        end_card_s=card_s,
        has_cta=any(t.role == "cta" for t in texts),
        expects_audio=(plan.music is not None) or clip_audio,
    )
