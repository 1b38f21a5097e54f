"""``edit_video`` on the cloud: operations become one precise instruction, and the result is checked.

The NemoVideo agent edits from words, so the operations are written out as numbered sentences
(:func:`instruction`). The agent may do less than asked, or do it silently (the skill's
verify-after-silent-edit rule), so the state is read back and each operation whose effect can be
seen in a draft is compared with what applying it locally gives (:func:`not_applied`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...composition import Composition, Operation
from ...composition.describe import describe
from ...composition.timing import scene_slots
from ..base import Unapplied

PREAMBLE = (
    "Please make exactly these changes to the current video, in this order, and nothing else. "
    "Keep every text verbatim. Reply briefly when done."
)


def instruction(operations: Sequence[Operation], before: Composition, names: dict[str, str]) -> str:
    lines = [f"{i}. {describe(op, before, names)}" for i, op in enumerate(operations, start=1)]
    return PREAMBLE + "\n" + "\n".join(lines)


def not_applied(
    operations: Sequence[Operation], expected: Composition, after: Composition, names: dict[str, str]
) -> list[Unapplied]:
    """The operations whose visible effect is missing from ``after``."""
    missing = []
    for index, op in enumerate(operations):
        want, got = _fact(op, expected, names), _fact(op, after, names)
        if want is not None and want != got:
            reason = f"expected {want!r}, the timeline shows {got!r}"
            missing.append(Unapplied(index=index, op=op.op, reason=reason))
    return missing


def _fact(op: Operation, comp: Composition, names: dict[str, str]) -> Any:
    """What of ``comp`` the operation is about, as a comparable value (None: not visible in a draft)."""
    kind = op.op
    if kind == "set_format":
        return comp.format.aspect
    if kind == "set_duration":
        total, slots = scene_slots(comp, [None] * len(comp.scenes))
        if getattr(op, "scene", None) is None:
            return round(total / 500) / 2
        return tuple(round(s.d / 500) / 2 for s in slots)
    if kind in ("add_scene", "remove_scene", "move_scene", "replace_scene"):
        return tuple(names.get(s.media or "", s.media or s.kind) for s in comp.scenes)
    if kind in ("set_text", "remove_text"):
        role = getattr(op, "role", None)
        texts = [t for t in comp.all_texts() if role is None or t.role == role]
        return tuple(sorted((t.role, t.text, t.style.color or "#FFFFFF") for t in texts))
    if kind == "set_music":
        if getattr(op, "off", False):
            return comp.music.kind
        volume = getattr(op, "volume", None)
        return round(comp.music.volume, 1) if volume is not None else comp.music.kind != "none"
    if kind == "set_transition":
        return comp.transition.kind if getattr(op, "kind", None) else None
    return None
