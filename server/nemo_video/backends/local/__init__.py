"""The ``local`` backend: an embedded studio engine (store, media, planner, agent, renderer).

``LocalBackend`` is imported lazily so that importing a submodule (e.g. ``.ffmpeg``) stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .backend import LocalBackend

__all__ = ["LocalBackend"]


def __getattr__(name: str) -> Any:
    if name == "LocalBackend":
        from .backend import LocalBackend

        return LocalBackend
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
