"""The local planner: (request text, session media, current draft) → new draft + reply.

Pure and deterministic: no clock, no randomness, no I/O. ``parse`` turns words into a
:class:`~.intent.Request`; ``edit.apply`` applies it to a :class:`~.spec.VideoSpec` (read back from the
current draft, or started from the media); ``build`` lays the spec out as a draft; ``reply`` says what
was done in the request's language.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final

from ....draft import Draft
from ...base import Asset
from . import reply
from .build import Built, build
from .edit import Change, apply
from .intent import Request
from .parse import parse
from .spec import from_draft, from_media

__all__ = ["Plan", "PlanStep", "plan"]

_VIDEO_WORD: Final = re.compile(r"\b(?:video|clip|reel|ad|promo|slideshow|montage)s?\b|视频|短片|广告|宣传片")


@dataclass(frozen=True)
class PlanStep:
    name: str
    args: dict[str, Any]
    result: str


@dataclass(frozen=True)
class Plan:
    draft: Draft | None  # the new draft; None when nothing changed (or undo)
    reply: str  # in the request's language, saying exactly what was done
    steps: list[PlanStep] = field(default_factory=list)
    undo: bool = False  # the agent restores the previous stored version itself
    language: str = "en"


def plan(message: str, media: Sequence[Asset], current: Draft | None) -> Plan:
    """Turn one message into a new draft (or an undo, or an honest "cannot do that")."""
    previous = _language_of(current)
    req = parse(message, previous)
    lang = req.language
    if req.undo:
        return Plan(
            None, reply.undone(lang), [PlanStep("undo", {}, "previous version")], undo=True, language=lang
        )
    if current is not None and current.exportable and not req.create:
        return _edit(req, media, current)
    return _create(message, req, media)


def _language_of(draft: Draft | None) -> str:
    meta = draft.meta.to_wire() if draft is not None and draft.meta else {}
    return "zh" if meta.get("language") == "zh" else "en"


def _create(message: str, req: Request, media: Sequence[Asset]) -> Plan:
    lang = req.language
    if not _asks_for_video(message, req):
        return _cannot(req, [], empty=not media)
    start = replace(from_media(media, req.pace or "normal"), captions=req.captions, language=lang)
    spec, changes = apply(start, req, media, fresh=True)
    if not spec.visuals and not (spec.title or spec.captions or spec.cta):
        return _cannot(req, [c for c in changes if not c.done], empty=True)
    built = build(spec)
    notes = [c for c in changes if not c.done] + _unsupported_notes(req)
    media_steps = [
        _step(c) for c in changes if c.done and c.step in ("remove_media", "reorder_media", "add_media")
    ]
    steps = media_steps + _build_steps(built)
    return Plan(built.draft, reply.created(built, notes, lang), steps, language=lang)


def _asks_for_video(message: str, req: Request) -> bool:
    """A new video needs some sign of one: a request to make it, a setting, words to show, or "video"."""
    if req.create or req.has_settings or req.title or req.cta or _VIDEO_WORD.search(message.lower()):
        return True
    words = sum(len(c.split()) if c.isascii() else len(c) // 2 for c in req.captions)
    return words >= 4


def _edit(req: Request, media: Sequence[Asset], current: Draft) -> Plan:
    lang = req.language
    spec, changes = apply(replace(from_draft(current, media), language=lang), req, media, fresh=False)
    if not any(c.done for c in changes):
        return _cannot(req, changes, empty=False)
    built = build(spec)
    notes = _unsupported_notes(req)
    text = reply.edited(built, [*changes, *notes], lang)
    return Plan(built.draft, text, [_step(c) for c in changes if c.done], language=lang)


def _cannot(req: Request, notes: list[Change], empty: bool) -> Plan:
    text = reply.cannot_act([n for n in notes if not n.done], req.unsupported, req.language, empty)
    return Plan(None, text, [], language=req.language)


def _unsupported_notes(req: Request) -> list[Change]:
    if not req.unsupported:
        return []
    en = " and ".join(u[0] for u in req.unsupported)
    zh = "和".join(u[1] for u in req.unsupported)
    return [
        Change(
            "note",
            {},
            en,
            f"I can't {en} here, so I left that out.",
            f"这里无法{zh}，这部分没有做。",
            done=False,
        )
    ]


def _step(change: Change) -> PlanStep:
    return PlanStep(change.step, dict(change.args), change.result)


def _build_steps(built: Built) -> list[PlanStep]:
    spec = built.spec
    steps = [
        PlanStep("set_format", {"ratio": spec.ratio}, f"{built.width}x{built.height}"),
        PlanStep("set_duration", {"seconds": built.duration_ms / 1000}, f"{built.duration_ms / 1000:g} s"),
    ]
    pace = {"pace": spec.pace, "transition": built.transition, "transition_ms": built.transition_ms}
    if spec.visuals:
        names = [a.name for a in spec.visuals]
        steps.append(PlanStep("arrange_media", {"media": names, **pace}, f"{len(names)} segments"))
    else:
        steps.append(
            PlanStep(
                "make_backgrounds", {"count": built.backgrounds, **pace}, f"{built.backgrounds} backgrounds"
            )
        )
    if spec.title:
        steps.append(PlanStep("add_title", {"text": spec.title}, "shown at the start"))
    if built.captions:
        steps.append(
            PlanStep("add_captions", {"lines": list(built.captions)}, f"{len(built.captions)} captions")
        )
    if spec.cta:
        steps.append(PlanStep("add_cta", {"text": spec.cta}, "closing card"))
    music = spec.music
    args: dict[str, Any] = (
        {"audio": music.audio.name}
        if music.kind == "audio" and music.audio
        else {"mood": music.mood or "none"}
    )
    steps.append(PlanStep("set_music", {**args, "volume": music.volume}, reply.music_phrase(music, "en")))
    return steps
