"""The NemoVideo cloud backend (CONTRACT in tests/fixtures; see ``backend.py``)."""

from .backend import CloudBackend

__all__ = ["CloudBackend"]
