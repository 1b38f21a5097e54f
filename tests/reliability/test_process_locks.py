"""Output-name locks as another process sees them: held while the holder lives, free once it is gone."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest

from nemo_video.locks import RenderLock, is_held, lock_path
from nemo_video.service.outputs import NameReserver
from tests.reliability.helpers import PYTHON

_HOLD = """
import sys, time
from pathlib import Path
import pytest

from nemo_video.locks import RenderLock
assert RenderLock(Path(sys.argv[1])).acquire()
print("held", flush=True)
time.sleep(60)
"""


def _holder(path: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [PYTHON, "-c", _HOLD, str(path)], stdout=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "held"
    return process


def test_a_lock_is_held_while_its_process_lives_and_free_once_it_is_killed(tmp_path: Path) -> None:
    path = lock_path(tmp_path / "video.mp4")
    assert path == lock_path(tmp_path / "video.mp4") != lock_path(tmp_path / "video-2.mp4")
    assert tmp_path not in path.parents and not is_held(path)  # nothing beside the user's videos
    holder = _holder(path)
    try:
        assert is_held(path) and not RenderLock(path).acquire()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert not is_held(path)  # the kernel let go with the process; the file may stay, unlocked
    with RenderLock(path) as lock:
        assert lock.acquire() and is_held(path)
    assert not is_held(path) and not path.exists()


def test_a_lock_is_counted_within_one_process_and_removed_by_the_last_holder(tmp_path: Path) -> None:
    path = lock_path(tmp_path / "v.mp4")
    first, second = RenderLock(path), RenderLock(path)
    assert first.acquire() and second.acquire()
    first.release()
    assert is_held(path) and path.exists()
    second.release()
    assert not is_held(path) and not path.exists()


def test_the_name_reserver_skips_a_name_another_process_is_rendering(tmp_path: Path) -> None:
    holder = _holder(lock_path(tmp_path / "clip.mp4"))
    try:
        names = NameReserver()
        taken = names.reserve(tmp_path, "clip", "mp4")
        assert taken.name == "clip-2.mp4" and is_held(lock_path(taken))
        names.release(taken)
        assert not is_held(lock_path(taken))
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    started = time.monotonic()
    again = NameReserver().reserve(tmp_path, "clip", "mp4")
    assert again.name == "clip.mp4" and time.monotonic() - started < 1


def test_a_lock_folder_others_can_write_is_not_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    planted = tmp_path / "nemo-video-locks"
    planted.mkdir()
    planted.chmod(0o777)  # someone else could plant "held" locks (or symlinks) here
    path = lock_path(tmp_path / "out" / "x.mp4")
    assert path.parent == planted
    with pytest.raises(PermissionError):
        RenderLock(path).acquire()
    path.write_text("")
    assert not is_held(path)
    planted.chmod(0o700)
    with RenderLock(path) as lock:
        assert lock.acquire() and is_held(path)
