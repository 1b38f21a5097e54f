"""Locks on output names that other processes can see: a render is alive exactly while its lock is held.

An export holds a lock file named after its output's absolute path (an ``flock`` on an open file, in
a private per-user folder under the temporary directory, so nothing appears next to the user's
videos) from the moment its name is chosen until the render ends. The kernel drops the lock when
the holder dies, however it dies, so a second process can tell a render still running elsewhere
(lock held) from one cut off by a crash (not held), and never picks a name another one is writing.

    lock = RenderLock(lock_path(destination))
    if lock.acquire(): ... ; lock.release()
    is_held(lock_path(destination))      # True while any process renders to destination

Within one process a lock is re-entrant and counted (the name reserver and the renderer both hold it
for the same export); the file is removed when the last holder lets go.

Beside the name locks, the process's one *render slot*: every ffmpeg render on this machine (a plain
export, a variant, a batch row) runs while holding it, so two never run at once and thrash the cores.

    async with render_slot(): await render_draft(...)
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import hashlib
import os
import stat
import tempfile
import weakref
from dataclasses import dataclass
from pathlib import Path

import anyio

MAX_PARALLEL_RENDERS = 1  # each render uses every core ffmpeg can get: parallel renders only thrash
_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.Semaphore] = weakref.WeakKeyDictionary()


def render_slot() -> anyio.Semaphore:
    """This process's render slot, shared by the local backend and the in-process farm (one per event
    loop: a semaphore belongs to the loop it waits in)."""
    loop = asyncio.get_running_loop()
    slot = _slots.get(loop)
    if slot is None:
        slot = _slots[loop] = anyio.Semaphore(MAX_PARALLEL_RENDERS)
    return slot


def lock_path(destination: Path) -> Path:
    """Where the lock of output ``destination`` lives (the same path in every process of this user)."""
    key = hashlib.sha256(os.fsencode(destination.absolute())).hexdigest()[:32]
    return _folder() / f"{key}.lock"


def _folder() -> Path:
    """``$XDG_RUNTIME_DIR/nemo-video-locks``, else ``<tmp>/nemo-video-locks-<uid>``."""
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if runtime and Path(runtime).is_dir():
        return Path(runtime) / "nemo-video-locks"
    return Path(tempfile.gettempdir()) / f"nemo-video-locks-{os.getuid()}"


def _ours(folder: Path) -> bool:
    """A folder of this user's that only they can write (a shared /tmp holds it: trust nothing else)."""
    try:
        info = folder.lstat()
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o022


def _make_folder(folder: Path) -> None:
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700)
    if not _ours(folder):
        raise PermissionError(errno.EPERM, "the lock folder belongs to someone else", str(folder))


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
    _make_folder(path.parent)
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
            os.write(fd, f"{os.getpid()}\n".encode())  # for a person looking: who holds it
            return fd
        os.close(fd)


def held_paths() -> list[Path]:
    """The lock files this process holds (for a last clean-up on the way out)."""
    return list(_held)


def is_held(path: Path) -> bool:
    """True while some process (this one included) holds the lock at ``path``."""
    if path in _held:
        return True
    if not _ours(path.parent):
        return False
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
