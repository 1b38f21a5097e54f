"""Locks on output names that other processes can see: a render is alive exactly while its lock is held.

An export holds ``.<name>.lock`` next to its output (an ``flock`` on an open file) from the moment its
name is chosen until the render ends. The kernel drops the lock when the holder dies, however it dies,
so a second process on the same data folder can tell a render still running elsewhere (lock held)
from one cut off by a crash (not held), and never picks a name that another process is writing.

    lock = RenderLock(lock_path(destination))
    if lock.acquire(): ... ; lock.release()
    is_held(lock_path(destination))      # True while any process renders to destination

Within one process a lock is re-entrant and counted (the name reserver and the renderer both hold it
for the same export); the file is removed when the last holder lets go.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from dataclasses import dataclass
from pathlib import Path


def lock_path(destination: Path) -> Path:
    return destination.with_name(f".{destination.name}.lock")


@dataclass
class _Held:
    fd: int
    count: int = 1


_held: dict[Path, _Held] = {}


class RenderLock:
    """An exclusive, process-visible lock on ``path`` (created if needed, removed on release)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._holding = False

    def acquire(self) -> bool:
        """Take the lock; False when another process holds it. Raises OSError if it cannot be made."""
        if self._holding:
            return True
        held = _held.get(self.path)
        if held is not None:
            held.count += 1
        else:
            fd = _lock(self.path)
            if fd is None:
                return False
            _held[self.path] = _Held(fd)
        self._holding = True
        return True

    def release(self) -> None:
        if not self._holding:
            return
        self._holding = False
        held = _held[self.path]
        held.count -= 1
        if held.count == 0:
            del _held[self.path]
            with contextlib.suppress(OSError):
                self.path.unlink()  # before unlocking: a waiter then sees a file that is gone
            os.close(held.fd)

    def __enter__(self) -> RenderLock:
        return self

    def __exit__(self, *_: object) -> None:
        self.release()


def _lock(path: Path) -> int | None:
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        # The previous holder may have removed the file between our open and our flock: then we
        # hold a lock on a file nobody else can find, so open the current one again.
        try:
            current = os.stat(path)
        except FileNotFoundError:
            current = None
        mine = os.fstat(fd)
        if current is not None and (current.st_ino, current.st_dev) == (mine.st_ino, mine.st_dev):
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            return fd
        os.close(fd)


def held_paths() -> list[Path]:
    """The lock files this process holds (for a last clean-up on the way out)."""
    return list(_held)


def is_held(path: Path) -> bool:
    """True while some process (this one included) holds the lock at ``path``."""
    if path in _held:
        return True
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
