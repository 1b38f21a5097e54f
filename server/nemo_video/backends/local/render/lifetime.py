"""Render processes live no longer than we do.

Each ffmpeg starts in a process group of its own (so killing the group reaches anything it started)
and, on Linux, with a parent-death signal: when the thread that started it ends — the whole server
killed with SIGKILL included — the kernel sends ffmpeg SIGKILL at once. The process groups and the
temporary files of the renders in flight are listed here so that a SIGTERM handler can stop them and
remove their files before the process exits (:func:`terminate_all`).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from .... import locks

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1
_groups: set[int] = set()
_files: dict[Path, int] = {}  # path → how many renders registered it


def _prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None
    function: Callable[..., int] = libc.prctl
    return function


_PRCTL = _prctl()  # looked up here, not in the child: a forked child should only make the call


def child_setup() -> Callable[[], None] | None:
    """A ``preexec_fn`` that asks the kernel for SIGKILL when our starting thread dies (Linux)."""
    prctl = _PRCTL
    if prctl is None:
        return None
    parent = os.getpid()

    def setup() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the request took effect
            os.kill(os.getpid(), signal.SIGKILL)

    return setup


@contextmanager
def process_group(pgid: int) -> Iterator[None]:
    """List a started process group as live for as long as the block runs."""
    _groups.add(pgid)
    try:
        yield
    finally:
        _groups.discard(pgid)


def kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def group_alive(pgid: int) -> bool:
    """True while any process of the group exists (a killed one is gone once it has been reaped)."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def temporary_files(*paths: Path) -> Iterator[None]:
    """List files a render writes; removed if the block fails, or by :func:`terminate_all`."""
    for path in paths:
        _files[path] = _files.get(path, 0) + 1
    try:
        yield
    except BaseException:
        for path in paths:
            with contextlib.suppress(OSError):  # a read-only or vanished folder: the error raised says so
                path.unlink(missing_ok=True)
        raise
    finally:
        for path in paths:
            left = _files.pop(path, 1) - 1
            if left:
                _files[path] = left


def terminate_all() -> int:
    """Kill every live render's process group, remove its temporary files and its output name's lock
    file (fit for a signal handler: no awaits). Returns how many process groups were killed."""
    groups = list(_groups)
    for pgid in groups:
        kill_group(pgid)
    for path in [*_files, *locks.held_paths()]:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
    if groups:
        log.warning("Stopped %d render(s) on the way out", len(groups))
    return len(groups)


def stop_renders_on(signum: signal.Signals = signal.SIGTERM) -> None:
    """Install a handler (main thread only) that stops the renders in flight, then lets the signal
    end the process as it would have without the handler."""

    def handler(received: int, _frame: FrameType | None) -> None:
        terminate_all()
        signal.signal(received, signal.SIG_DFL)
        os.kill(os.getpid(), received)

    signal.signal(signum, handler)
