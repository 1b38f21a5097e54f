"""Operations: one typed edit of a composition each (``edit_video``'s input and the planner's output).

:func:`apply` runs a list all-or-nothing: it returns a new composition or raises
:class:`OperationError` naming the operation's index, the field, the value and the valid values.
``undo`` and ``redo`` are not edits of a composition but moves in its stored history; the session
handles them (see :func:`history_op`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal, Protocol

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from ..errors import ErrorCode, NemoVideoError
from . import defaults as D
from .model import Animation, Brand, Color, Composition, Motion, Position, Scene, TextLayer, TextStyle, visible_text

SceneRef = Annotated[
    str | int,
    Field(description="A scene id from get_state (e.g. 's2'), or its 1-based position (-1 = the last)."),
]
Seconds = Annotated[float, Field(gt=0, le=D.MAX_TOTAL_MS / 1000)]


class MediaFacts(Protocol):
    """What an operation needs to know of a media file (``Asset`` satisfies it)."""

    @property
    def id(self) -> str: ...
    @property
    def kind(self) -> str: ...


class _Op(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SetFormat(_Op):
    """Change the frame shape and/or the platform (which decides the safe zone)."""

    op: Literal["set_format"]
    aspect: D.Aspect | None = None
    platform: D.Platform | None = Field(default=None, description="Also sets the aspect when aspect is not given.")


class SetDuration(_Op):
    """Set the total length, one scene's length, or every scene's length."""

    op: Literal["set_duration"]
    seconds: Seconds
    scene: SceneRef | Literal["each"] | None = Field(
        default=None, description="None: the whole video; 'each': every scene; or one scene."
    )


class SetPace(_Op):
    """Calm, normal or energetic: default shot lengths, transitions and motion follow it."""

    op: Literal["set_pace"]
    pace: D.Pace


class AddScene(_Op):
    """Add a scene showing a media file, a generated background or a text card."""

    op: Literal["add_scene"]
    media: str | None = Field(default=None, description="Media id (required for kind 'media').")
    kind: Literal["media", "background", "card"] = "media"
    position: int | None = Field(default=None, description="1-based place in the order; default the end.")
    seconds: Seconds | None = None
    colors: tuple[Color, Color] | None = None


class RemoveScene(_Op):
    """Remove a scene (its texts go with it)."""

    op: Literal["remove_scene"]
    scene: SceneRef


class MoveScene(_Op):
    """Move a scene (its texts move with it) to a new 1-based position (-1 = last)."""

    op: Literal["move_scene"]
    scene: SceneRef
    to: int


class ReplaceScene(_Op):
    """Show another media file in a scene, keeping its timing and texts."""

    op: Literal["replace_scene"]
    scene: SceneRef
    media: str


class SetScene(_Op):
    """How a scene frames its picture: fit, focal point, motion."""

    op: Literal["set_scene"]
    scene: SceneRef
    fit: Literal["cover", "contain"] | None = None
    focal: tuple[Annotated[float, Field(ge=0, le=1)], Annotated[float, Field(ge=0, le=1)]] | None = None
    motion: Motion | None = None


class SetText(_Op):
    """Add or change a text. Target: ``id``; else the title/cta of that role; else a new text.

    With no ``text`` and no ``id``, the change applies to every text of ``role`` (e.g. all captions).
    """

    op: Literal["set_text"]
    id: str | None = Field(default=None, description="Text id from get_state.")
    role: D.Role | None = Field(default=None, description="title, caption, cta or custom (new texts: default custom).")
    text: Annotated[str, AfterValidator(visible_text)] | None = Field(
        default=None, min_length=1, max_length=2000, description="Shown verbatim."
    )
    style: TextStyle | None = Field(default=None, description="Only the fields given change.")
    position: Position | None = Field(default=None, description="Only the fields given change.")
    animation: Animation | None = Field(default=None, description="Only the fields given change.")
    scene: SceneRef | Literal["none"] | None = Field(
        default=None, description="Show it during this scene only; 'none' frees it from its scene."
    )
    start_s: float | None = Field(default=None, ge=0, description="Start (within its scene when anchored).")
    seconds: Seconds | None = Field(default=None, description="How long it shows.")


class RemoveText(_Op):
    """Remove texts: by id, by role (all of that role), or all texts of one scene."""

    op: Literal["remove_text"]
    id: str | None = None
    role: D.Role | None = None
    scene: SceneRef | None = None


class SetMusic(_Op):
    """Music: a mood bed, the user's audio file, or none; volume and fades."""

    op: Literal["set_music"]
    mood: D.Mood | None = None
    asset: str | None = Field(default=None, description="Media id of an uploaded audio file.")
    off: bool = Field(default=False, description="True: no music.")
    volume: float | None = Field(default=None, ge=0, le=1)
    fade_in_s: float | None = Field(default=None, ge=0, le=10)
    fade_out_s: float | None = Field(default=None, ge=0, le=10)
    ducking: bool | None = None
    beat_sync: bool | None = None


class SetTransition(_Op):
    """The transition between scenes and its length."""

    op: Literal["set_transition"]
    kind: D.TransitionKind | None = None
    seconds: float | None = Field(default=None, ge=0, le=D.MAX_TRANSITION_MS / 1000)


class SetBrand(_Op):
    """Brand kit: palette, font, logo (an uploaded image's media id) and its corner. A brand set here is
    also saved as the user's brand kit, which a new session's first video starts with."""

    op: Literal["set_brand"]
    off: bool = Field(
        default=False, description="Remove the brand first (no palette, font or logo); other fields set a new one."
    )
    palette: list[Color] | None = Field(default=None, max_length=6)
    font: str | None = None
    logo: str | None = None
    corner: D.Corner | None = None


class Undo(_Op):
    """Go back to the version before the last change (must be the only operation in its list)."""

    op: Literal["undo"]


class Redo(_Op):
    """Bring back what the last undo took away (must be the only operation in its list)."""

    op: Literal["redo"]


Operation = Annotated[
    SetFormat
    | SetDuration
    | SetPace
    | AddScene
    | RemoveScene
    | MoveScene
    | ReplaceScene
    | SetScene
    | SetText
    | RemoveText
    | SetMusic
    | SetTransition
    | SetBrand
    | Undo
    | Redo,
    Field(discriminator="op"),
]
OPERATIONS = TypeAdapter(list[Operation])
OP_NAMES = (
    "set_format", "set_duration", "set_pace", "add_scene", "remove_scene", "move_scene", "replace_scene",
    "set_scene", "set_text", "remove_text", "set_music", "set_transition", "set_brand", "undo", "redo",
)  # fmt: skip


class OperationError(NemoVideoError):
    """An operation that cannot apply: which one, which field, what value, what is valid."""

    def __init__(self, index: int, field: str, value: Any, valid: str, why: str = "") -> None:
        self.index, self.field, self.value, self.valid = index, field, value, valid
        shown = repr(value)
        shown = shown if len(shown) <= 80 else shown[:77] + "..."
        reason = f" ({why})" if why else ""
        super().__init__(
            ErrorCode.INVALID_INPUT,
            f"Operation {index} ({field}): {shown} is not valid{reason}. Valid: {valid}.",
            hint="Fix that operation and send the whole list again: nothing was applied. "
            "Call get_state for the scene, text and media ids.",
        )


def parse_operations(raw: Any) -> list[Operation]:
    """Validate a JSON list of operations, naming the first bad one's index, field and valid values."""
    if not isinstance(raw, list) or not raw:
        raise OperationError(0, "operations", raw, "a non-empty list of operations")
    try:
        return OPERATIONS.validate_python(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = [p for p in first["loc"]]
        index = loc[0] if loc and isinstance(loc[0], int) else 0
        rest = [str(p) for p in loc[1:] if not _is_union_tag(p, raw, index)]
        field = ".".join(rest) or "op"
        valid = _valid_for(first)
        why = "" if first["type"] == "value_error" else first["msg"]
        return _raise(index, field, first.get("input"), valid, why)


def _is_union_tag(part: Any, raw: list[Any], index: int) -> bool:
    item = raw[index] if isinstance(index, int) and 0 <= index < len(raw) else None
    return isinstance(item, dict) and part == item.get("op")


def _valid_for(error: Any) -> str:
    ctx = error.get("ctx") or {}
    if "expected" in ctx:
        return str(ctx["expected"])
    if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
        return ", ".join(OP_NAMES)
    if error["type"] == "extra_forbidden":
        return "the fields in the operation's schema"
    if error["type"] == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    bounds = [f"{k} {ctx[k]}" for k in ("ge", "gt", "le", "lt", "min_length", "max_length") if k in ctx]
    return ", ".join(bounds) or error["msg"]


def _raise(index: int, field: str, value: Any, valid: str, why: str) -> list[Operation]:
    raise OperationError(index, field, value, valid, why)


def history_op(ops: Sequence[Operation]) -> Literal["undo", "redo"] | None:
    """``undo``/``redo`` when the list is exactly that; refuses them mixed with edits."""
    kinds = [op.op for op in ops]
    for index, kind in enumerate(kinds):
        if kind in ("undo", "redo") and len(kinds) > 1:
            raise OperationError(index, "op", kind, "undo or redo alone in its list", "it moves in history")
    if kinds == ["undo"] or kinds == ["redo"]:
        return "undo" if kinds[0] == "undo" else "redo"
    return None


# ---------------------------------------------------------------- apply


def apply(comp: Composition, ops: Sequence[Operation], media: Sequence[MediaFacts] = ()) -> Composition:
    """The composition after every operation, or :class:`OperationError` (nothing applied)."""
    result = comp.model_copy(deep=True)
    by_id = {m.id: m for m in media}
    for index, op in enumerate(ops):
        _APPLY[op.op](result, op, index, by_id)
    total = sum(s.duration_ms or 0 for s in result.scenes)
    if total > D.MAX_TOTAL_MS:
        raise OperationError(
            len(ops) - 1, "seconds", total / 1000, f"scene lengths adding up to at most {D.MAX_TOTAL_MS // 1000} s"
        )
    return result


Media = dict[str, MediaFacts]


def _scene(comp: Composition, ref: str | int, index: int, field: str = "scene") -> Scene:
    scene = comp.scene(ref)
    if scene is None:
        valid = ", ".join(s.id for s in comp.scenes) or "none: the video has no scenes yet"
        raise OperationError(index, field, ref, f"{valid} (or 1..{len(comp.scenes)})")
    return scene


def _media(by_id: Media, ref: str, index: int, kinds: tuple[str, ...], field: str = "media") -> MediaFacts:
    found = by_id.get(ref)
    if found is None or found.kind not in kinds:
        ids = [m.id for m in by_id.values() if m.kind in kinds]
        valid = ", ".join(ids) if ids else f"none: upload a {'/'.join(kinds)} file first"
        raise OperationError(index, field, ref, valid)
    return found


def _set_format(comp: Composition, op: SetFormat, index: int, by_id: Media) -> None:
    if op.aspect is None and op.platform is None:
        raise OperationError(index, "aspect", None, "an aspect (9:16, 1:1, 4:5, 16:9) or a platform")
    aspect = op.aspect or D.PLATFORM_ASPECT[op.platform or "feed"]
    platform = op.platform if op.platform is not None else None
    if platform is not None and op.aspect is not None and D.PLATFORM_ASPECT[platform] != op.aspect:
        platform = platform if platform == "feed" else None  # a 16:9 "reel" has no reels safe zone
    comp.format = comp.format.model_copy(update={"aspect": aspect, "platform": platform})


def _set_duration(comp: Composition, op: SetDuration, index: int, by_id: Media) -> None:
    ms = round(op.seconds * 1000)
    if op.scene is None:
        if not D.MIN_TOTAL_MS <= ms <= D.MAX_TOTAL_MS:
            raise OperationError(index, "seconds", op.seconds, f"{D.MIN_TOTAL_MS // 1000} to {D.MAX_TOTAL_MS // 1000}")
        comp.duration_ms = ms
        for scene in comp.scenes:  # the asked total wins over lengths set before
            scene.duration_ms = None
        return
    if ms < D.MIN_SCENE_MS:
        raise OperationError(index, "seconds", op.seconds, f"at least {D.MIN_SCENE_MS / 1000:g} s per scene")
    targets = comp.scenes if op.scene == "each" else [_scene(comp, op.scene, index)]
    if not targets:
        raise OperationError(index, "scene", op.scene, "a video with scenes (add media first)")
    for scene in targets:
        scene.duration_ms = ms
    if op.scene == "each" or all(s.duration_ms is not None for s in comp.scenes):
        comp.duration_ms = None  # the total follows the scenes


def _set_pace(comp: Composition, op: SetPace, index: int, by_id: Media) -> None:
    comp.pace = op.pace


def _add_scene(comp: Composition, op: AddScene, index: int, by_id: Media) -> None:
    if op.kind == "media":
        if op.media is None:
            raise OperationError(index, "media", None, "a media id from get_state (image or video)")
        _media(by_id, op.media, index, ("image", "video"))
    elif op.media is not None:
        raise OperationError(index, "media", op.media, f"no media for a {op.kind} scene (omit it)")
    scene = Scene(
        id=comp.next_id("s"),
        kind=op.kind,
        media=op.media,
        duration_ms=None if op.seconds is None else max(D.MIN_SCENE_MS, round(op.seconds * 1000)),
        colors=op.colors,
    )
    position = len(comp.scenes) + 1 if op.position is None else op.position
    if not 1 <= position <= len(comp.scenes) + 1 and position != -1:
        raise OperationError(index, "position", op.position, f"1..{len(comp.scenes) + 1} or -1")
    comp.scenes.insert(len(comp.scenes) if position == -1 else position - 1, scene)


def _remove_scene(comp: Composition, op: RemoveScene, index: int, by_id: Media) -> None:
    scene = _scene(comp, op.scene, index)
    comp.scenes = [s for s in comp.scenes if s.id != scene.id]


def _move_scene(comp: Composition, op: MoveScene, index: int, by_id: Media) -> None:
    scene = _scene(comp, op.scene, index)
    count = len(comp.scenes)
    to = count if op.to == -1 else op.to
    if not 1 <= to <= count:
        raise OperationError(index, "to", op.to, f"1..{count} or -1")
    rest = [s for s in comp.scenes if s.id != scene.id]
    rest.insert(to - 1, scene)
    comp.scenes = rest


def _replace_scene(comp: Composition, op: ReplaceScene, index: int, by_id: Media) -> None:
    scene = _scene(comp, op.scene, index)
    _media(by_id, op.media, index, ("image", "video"))
    scene.kind, scene.media, scene.focal = "media", op.media, None


def _set_scene(comp: Composition, op: SetScene, index: int, by_id: Media) -> None:
    scene = _scene(comp, op.scene, index)
    if op.fit is not None:
        scene.fit = op.fit
    if op.focal is not None:
        scene.focal = op.focal
    if op.motion is not None:
        scene.motion = op.motion


def _set_text(comp: Composition, op: SetText, index: int, by_id: Media) -> None:
    targets = _text_targets(comp, op, index)
    if not targets:
        _new_text(comp, op, index)
        return
    for layer in targets:
        _update_text(comp, layer, op, index)


def _text_targets(comp: Composition, op: SetText, index: int) -> list[TextLayer]:
    if op.id is not None:
        found = comp.text(op.id)
        if found is None:
            valid = ", ".join(t.id for t in comp.all_texts()) or "none: add a text without id"
            raise OperationError(index, "id", op.id, valid)
        return [found]
    role = op.role or "custom"
    same = comp.texts_of(role)
    if op.text is None:  # restyle every text of the role
        if not same:
            raise OperationError(index, "role", role, _roles_present(comp), "there is no such text to change")
        return same
    if role in ("title", "cta") and same:
        return same[:1]
    if role == "caption" and isinstance(op.scene, str | int) and op.scene != "none":
        scene = _scene(comp, op.scene, index)
        return [t for t in scene.texts if t.role == "caption"][:1]
    return []


def _roles_present(comp: Composition) -> str:
    roles = sorted({t.role for t in comp.all_texts()})
    return ", ".join(roles) if roles else "none yet (give text to add one)"


def _new_text(comp: Composition, op: SetText, index: int) -> None:
    if op.text is None:
        raise OperationError(index, "text", None, "the words to show (a new text needs them)")
    layer = TextLayer(id=comp.next_id("t"), role=op.role or "custom", text=op.text)
    _restyle(layer, op)
    _place(comp, layer, op, index)


def _update_text(comp: Composition, layer: TextLayer, op: SetText, index: int) -> None:
    if op.text is not None:
        layer.text = op.text
    if op.role is not None and op.id is not None:
        layer.role = op.role
    _restyle(layer, op)
    if op.scene is not None or op.start_s is not None or op.seconds is not None:
        owner = comp.scene_of_text(layer.id)
        comp.texts = [t for t in comp.texts if t.id != layer.id]
        for scene in comp.scenes:
            scene.texts = [t for t in scene.texts if t.id != layer.id]
        _place(comp, layer, op, index, keep=owner.id if owner else None)


def _place(comp: Composition, layer: TextLayer, op: SetText, index: int, keep: str | None = None) -> None:
    if op.start_s is not None:
        layer.start_ms = round(op.start_s * 1000)
    if op.seconds is not None:
        layer.duration_ms = round(op.seconds * 1000)
    target: str | int | None = keep if op.scene is None else (None if op.scene == "none" else op.scene)
    if op.scene is not None and op.scene != "none" and op.start_s is None:
        layer.start_ms = None  # a text moved to another scene starts with it
    if target is None:
        comp.texts.append(layer)
        return
    _scene(comp, target, index).texts.append(layer)


def _restyle(layer: TextLayer, op: SetText) -> None:
    for name, part in (("style", op.style), ("position", op.position), ("animation", op.animation)):
        if part is None:
            continue
        changes = {k: getattr(part, k) for k in part.model_fields_set}
        if name == "position" and ("x" in changes or "y" in changes) and "slot" not in changes:
            changes["slot"] = None  # explicit coordinates win over a named slot
        if name == "position" and changes.get("slot") is not None:
            changes.setdefault("x", None)
            changes.setdefault("y", None)
        current: BaseModel = getattr(layer, name)
        setattr(layer, name, current.model_copy(update=changes))


def _remove_text(comp: Composition, op: RemoveText, index: int, by_id: Media) -> None:
    if op.id is None and op.role is None and op.scene is None:
        raise OperationError(index, "id", None, "an id, a role or a scene")
    scene_id = _scene(comp, op.scene, index).id if op.scene is not None else None

    def doomed(layer: TextLayer, owner: str | None) -> bool:
        return (
            (op.id is None or layer.id == op.id)
            and (op.role is None or layer.role == op.role)
            and (scene_id is None or owner == scene_id)
        )

    before = len(comp.all_texts())
    comp.texts = [t for t in comp.texts if not doomed(t, None)]
    for scene in comp.scenes:
        scene.texts = [t for t in scene.texts if not doomed(t, scene.id)]
    if len(comp.all_texts()) == before:
        valid = ", ".join(f"{t.id} ({t.role})" for t in comp.all_texts()) or "none: the video has no texts"
        field = "id" if op.id is not None else ("role" if op.role is not None else "scene")
        value = op.id if op.id is not None else (op.role if op.role is not None else op.scene)
        raise OperationError(index, field, value, valid, "no text matches")


def _set_music(comp: Composition, op: SetMusic, index: int, by_id: Media) -> None:
    chosen = [x for x in (op.mood is not None, op.asset is not None, op.off) if x]
    if len(chosen) > 1:
        raise OperationError(index, "mood", op.mood, "only one of mood, asset or off")
    music = comp.music
    updates: dict[str, Any] = {}
    if op.off:
        updates.update(kind="none", asset=None)
    elif op.mood is not None:
        updates.update(kind="mood", mood=op.mood, asset=None)
    elif op.asset is not None:
        _media(by_id, op.asset, index, ("audio", "video"), field="asset")
        updates.update(kind="asset", asset=op.asset)
    elif music.kind == "none" and (op.volume or 0) > 0:
        updates.update(kind="mood")  # "louder music" on a silent video brings the default bed back
    for field, value in (("volume", op.volume), ("ducking", op.ducking), ("beat_sync", op.beat_sync)):
        if value is not None:
            updates[field] = value
    for field, seconds in (("fade_in_ms", op.fade_in_s), ("fade_out_ms", op.fade_out_s)):
        if seconds is not None:
            updates[field] = round(seconds * 1000)
    comp.music = music.model_copy(update=updates)


def _set_transition(comp: Composition, op: SetTransition, index: int, by_id: Media) -> None:
    if op.kind is None and op.seconds is None:
        raise OperationError(index, "kind", None, ", ".join(D.TRANSITIONS) + " (or seconds)")
    updates: dict[str, Any] = {}
    if op.kind is not None:
        updates["kind"] = op.kind
    if op.seconds is not None:
        updates["duration_ms"] = round(op.seconds * 1000)
    comp.transition = comp.transition.model_copy(update=updates)


def _set_brand(comp: Composition, op: SetBrand, index: int, by_id: Media) -> None:
    if op.logo is not None:
        _media(by_id, op.logo, index, ("image",), field="logo")
    updates = {k: getattr(op, k) for k in ("palette", "font", "logo", "corner") if getattr(op, k) is not None}
    comp.brand = (Brand() if op.off else comp.brand).model_copy(update=updates)


def _history(comp: Composition, op: Undo | Redo, index: int, by_id: Media) -> None:
    raise OperationError(index, "op", op.op, "undo or redo alone in its list (the session applies them)")


_APPLY: dict[str, Any] = {
    "set_format": _set_format,
    "set_duration": _set_duration,
    "set_pace": _set_pace,
    "add_scene": _add_scene,
    "remove_scene": _remove_scene,
    "move_scene": _move_scene,
    "replace_scene": _replace_scene,
    "set_scene": _set_scene,
    "set_text": _set_text,
    "remove_text": _remove_text,
    "set_music": _set_music,
    "set_transition": _set_transition,
    "set_brand": _set_brand,
    "undo": _history,
    "redo": _history,
}
