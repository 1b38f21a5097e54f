"""Backends: ``local`` (embedded studio engine) and ``cloud`` (NemoVideo), behind one protocol."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import Settings
    from .base import Backend


def create_backend(settings: Settings) -> Backend:
    """The backend the settings name; imported lazily so the unused one costs nothing."""
    if settings.backend == "cloud":
        from .cloud import CloudBackend

        return CloudBackend(settings)
    from .local import LocalBackend

    return LocalBackend(settings)
