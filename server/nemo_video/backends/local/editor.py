"""``edit_video`` on the local backend: typed operations applied to the stored composition.

The current draft is read into a composition, the operations applied all-or-nothing, and the result
laid out and saved as the next version; ``undo``/``redo`` move in the stored history instead. The
caller holds the session's lock, so an edit never interleaves with a planner message.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...composition import Composition, Operation, apply, from_draft, history_op, to_draft
from ...errors import ErrorCode, NemoVideoError
from ..base import EditOutcome
from .store import Store

_NOTHING = {
    "undo": "There is nothing to undo: the video has no earlier version.",
    "redo": "There is nothing to redo: no change was undone since the last edit.",
}


async def edit(store: Store, session_id: str, operations: Sequence[Operation], language: str) -> EditOutcome:
    move = history_op(operations)
    if move is not None:
        restored = await (store.undo if move == "undo" else store.redo)(session_id, f"edit_video {move}")
        if restored is None:
            raise NemoVideoError(
                ErrorCode.INVALID_INPUT, _NOTHING[move], hint="Call get_state to see the video as it is now."
            )
        return EditOutcome(draft=restored.draft, version=restored.version)
    media = await store.list_media(session_id)
    current = await store.current_draft(session_id)
    base = from_draft(current.draft, media) if current.draft is not None else Composition(language=language)
    draft = to_draft(apply(base, operations, media), media)
    summary = ", ".join(op.op for op in operations)
    saved = await store.save_draft(session_id, draft, f"edit_video: {summary}")
    return EditOutcome(draft=saved.draft, version=saved.version)
