"""The video as data: the typed composition, its operations, its defaults and its wire form.

- :mod:`.model` — :class:`Composition` and its parts (scenes, text layers, music, brand ...);
- :mod:`.ops` — :data:`Operation` (one typed edit each) and :func:`apply` (all or nothing);
- :mod:`.wire` — :func:`to_draft` / :func:`from_draft`, lossless both ways;
- :mod:`.defaults` — every default, in one place; :mod:`.timing` — slot and text timing.
"""

from .model import Composition, Scene, TextLayer
from .ops import Operation, OperationError, apply, history_op, parse_operations
from .wire import from_draft, to_draft

__all__ = [
    "Composition",
    "Operation",
    "OperationError",
    "Scene",
    "TextLayer",
    "apply",
    "from_draft",
    "history_op",
    "parse_operations",
    "to_draft",
]
