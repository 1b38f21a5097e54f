"""Operations in words: one English sentence each, precise enough for another agent to carry out.

The local ``edit_video`` result lists them as what was applied; the cloud backend sends them, numbered,
as one instruction to the NemoVideo agent (which edits from words, not from operations).
"""

from __future__ import annotations

from typing import Any

from . import defaults as D
from .model import Composition
from .ops import (
    AddScene,
    MoveScene,
    Operation,
    RemoveScene,
    RemoveText,
    ReplaceScene,
    SetBrand,
    SetDuration,
    SetFormat,
    SetMusic,
    SetPace,
    SetScene,
    SetText,
    SetTransition,
)


def describe(op: Operation, comp: Composition, names: dict[str, str] | None = None) -> str:
    """``op`` as an instruction, naming scenes by position and file so no id needs to be known."""
    names = names or {}
    match op:
        case SetFormat():
            aspect = op.aspect or D.PLATFORM_ASPECT[op.platform or "feed"]
            width, height = D.SIZES[aspect]
            where = f" for {op.platform}" if op.platform else ""
            return f"Change the format to {aspect} ({width}x{height}){where}."
        case SetDuration():
            if op.scene is None:
                return f"Make the whole video {op.seconds:g} seconds long."
            if op.scene == "each":
                return f"Show every scene for {op.seconds:g} seconds (the total follows)."
            return f"Show {_scene(comp, op.scene, names)} for {op.seconds:g} seconds."
        case SetPace():
            return f"Use a {op.pace} pace."
        case AddScene():
            what = names.get(op.media or "", op.media or "") if op.kind == "media" else f"a {op.kind}"
            where = f" at position {op.position}" if op.position else " at the end"
            length = f" for {op.seconds:g} seconds" if op.seconds else ""
            return f"Add a scene showing {what}{where}{length}."
        case RemoveScene():
            return f"Remove {_scene(comp, op.scene, names)} and the texts on it."
        case MoveScene():
            to = "the last position" if op.to == -1 else f"position {op.to}"
            return f"Move {_scene(comp, op.scene, names)} to {to}; keep its texts with it."
        case ReplaceScene():
            return f"In {_scene(comp, op.scene, names)}, show {names.get(op.media, op.media)} instead."
        case SetScene():
            parts = [
                f"fit {op.fit}" if op.fit else "",
                f"focus on x={op.focal[0]:g}, y={op.focal[1]:g}" if op.focal else "",
                f"motion {op.motion.kind}" if op.motion else "",
            ]
            return f"For {_scene(comp, op.scene, names)}: {', '.join(p for p in parts if p)}."
        case SetText():
            return _text(op, comp, names)
        case RemoveText():
            return f"Remove {_text_target(op.id, op.role, comp)}" + (
                f" on {_scene(comp, op.scene, names)}." if op.scene is not None else "."
            )
        case SetMusic():
            return _music(op, names)
        case SetTransition():
            kind = f"{op.kind} transitions" if op.kind else "the transitions"
            length = f", each {op.seconds:g} seconds long" if op.seconds is not None else ""
            return f"Use {kind}{length}." if op.kind else f"Make {kind}{length[1:]}."
        case SetBrand():
            return _brand(op, names)
    return f"{op.op.replace('_', ' ').capitalize()}."


def _scene(comp: Composition, ref: str | int, names: dict[str, str]) -> str:
    scene = comp.scene(ref)
    if scene is None:
        return f"scene {ref}"
    position = comp.scenes.index(scene) + 1
    what = names.get(scene.media or "", scene.media or scene.kind)
    return f"scene {position} ({what})"


def _text_target(text_id: str | None, role: str | None, comp: Composition) -> str:
    if text_id is not None:
        layer = comp.text(text_id)
        role = {"cta": "call to action", "custom": "text"}.get(layer.role, layer.role) if layer else ""
        return f"the {role} '{layer.text}'" if layer else f"text {text_id}"
    plural = {"caption": "captions", "title": "title", "cta": "call to action", "custom": "texts"}
    return f"the {plural.get(role or 'custom', 'texts')}"


def _text(op: SetText, comp: Composition, names: dict[str, str]) -> str:
    target = _text_target(op.id, op.role, comp) if (op.id or op.text is None) else None
    role = {"cta": "call to action", None: "text"}.get(op.role, op.role)
    if target and op.text is not None:
        head = f"Change {target} to the words '{op.text}' (verbatim)"
    else:
        head = f"Change {target}" if target else f"Show the {role} '{op.text}'"
    details: list[str] = []
    if op.style is not None:
        details.extend(_style(op.style.model_dump(exclude_none=True)))
    if op.position is not None:
        pos = op.position
        if pos.slot:
            details.append(f"placed at the {pos.slot.replace('_', ' ')} of the safe area")
        if pos.x is not None or pos.y is not None:
            details.append(
                f"centred at x={pos.x if pos.x is not None else 0.5:g}, y={pos.y if pos.y is not None else 0.5:g}"
            )
    if op.animation is not None:
        anim = op.animation
        details.extend(
            f"{name} with {kind.replace('_', ' ')}"
            for name, kind in (("appearing", anim.enter), ("leaving", anim.exit))
            if kind
        )
    if op.scene == "none":
        details.append("not tied to one scene")
    elif op.scene is not None:
        details.append(f"shown only during {_scene(comp, op.scene, names)}")
    if op.start_s is not None:
        details.append(f"starting at {op.start_s:g} s")
    if op.seconds is not None:
        details.append(f"for {op.seconds:g} s")
    return head + (": " + ", ".join(details) if details else "") + "."  # e.g. "Change the title: colour …"


def _style(style: dict[str, Any]) -> list[str]:
    out = []
    size = style.get("size")
    if isinstance(size, int):
        out.append(f"font size {size} px")
    elif size:
        out.append(f"font size {size}")
    if "color" in style:
        out.append(f"colour {style['color']}")
    if "weight" in style:
        out.append("bold" if style["weight"] >= 600 else "regular weight")
    if "font" in style:
        out.append(f"font {style['font']}")
    if "backdrop" in style:
        color = f" in {style['backdrop_color']}" if "backdrop_color" in style else ""
        out.append(f"on a {style['backdrop']}{color}" if style["backdrop"] != "none" else "with no box behind it")
    return out


def _music(op: SetMusic, names: dict[str, str]) -> str:
    if op.off:
        return "Remove the background music."
    parts = []
    if op.mood:
        parts.append(f"use {op.mood} background music")
    if op.asset:
        parts.append(f"use {names.get(op.asset, op.asset)} as the background music")
    if op.volume is not None:
        parts.append(f"set the music volume to {round(op.volume * 100)}%")
    for label, value in (("fade in over", op.fade_in_s), ("fade out over", op.fade_out_s)):
        if value is not None:
            parts.append(f"{label} {value:g} s")
    if op.ducking is not None:
        parts.append("lower the music under speech" if op.ducking else "keep the music level under speech")
    if op.beat_sync is not None:
        parts.append("cut on the beat" if op.beat_sync else "cut freely, not on the beat")
    return ("; ".join(parts) or "keep the music").capitalize() + "."


def _brand(op: SetBrand, names: dict[str, str]) -> str:
    parts = []
    if op.palette:
        parts.append("brand colours " + ", ".join(op.palette))
    if op.font:
        parts.append(f"brand font {op.font}")
    if op.logo:
        corner = f" in the {op.corner.replace('_', ' ')} corner" if op.corner else ""
        parts.append(f"logo {names.get(op.logo, op.logo)}{corner}")
    elif op.corner:
        parts.append(f"logo in the {op.corner.replace('_', ' ')} corner")
    if op.off:
        return "Remove the brand" + (", then use " + "; ".join(parts) if parts else "") + "."
    return "Use " + "; ".join(parts) + "." if parts else "Keep the brand kit."
