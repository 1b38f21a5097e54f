"""The one place a render process starts: run ffmpeg, report progress, enforce the time limit.

ffmpeg writes ``-progress`` key=value lines and its errors to stderr (stdout is never inherited: it
belongs to MCP in stdio mode). Progress is parsed from ``out_time_us``; the last lines that are not
progress are kept for diagnosis (logged, and the last one in the message). Cancellation kills
ffmpeg's process group and waits for it to exit; :mod:`.lifetime` ties ffmpeg's life to ours.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import subprocess
import tempfile
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import anyio

from ....errors import ErrorCode, NemoVideoError
from ....media.ffmpeg import check as check_ffmpeg
from ...base import ProgressCallback
from . import lifetime

log = logging.getLogger(__name__)
GROUP_EXIT_S = 2.0
GRAPH_PREFIX = "nemo-video-graph-"  # + our pid: a file left by a killed process can be told apart
TAIL_LINES = 40  # enough to reach the line naming the input that failed
_PROGRESS_KEYS = (
    "frame",
    "fps",
    "stream_",
    "bitrate",
    "total_size",
    "out_time",
    "dup_frames",
    "drop_frames",
    "speed",
    "progress",
)


class ProgressParser:
    """Turns ``-progress`` lines into monotonic (fraction, message) calls; keeps other lines as the tail."""

    def __init__(self, duration_s: float, on_progress: ProgressCallback | None, label: str = "Rendering") -> None:
        self.duration_s = max(duration_s, 1e-6)
        self.on_progress = on_progress
        self.label = label
        self.fraction = 0.0
        self.tail: deque[str] = deque(maxlen=TAIL_LINES)

    def feed(self, line: str) -> None:
        line = line.strip()
        if not line:
            return
        key, sep, value = line.partition("=")
        if sep and key.startswith(_PROGRESS_KEYS):
            if key == "out_time_us":
                self._report(value)
            elif key == "progress" and value == "end":
                self._emit(1.0)
            return
        self.tail.append(line)

    def _report(self, value: str) -> None:
        try:
            seconds = int(value) / 1_000_000
        except ValueError:
            return  # "N/A" before the first frame
        self._emit(min(0.99, max(0.0, seconds / self.duration_s)))

    def _emit(self, fraction: float) -> None:
        if fraction <= self.fraction:
            return  # progress only ever moves forward
        self.fraction = fraction
        if self.on_progress is not None:
            done = min(self.duration_s, fraction * self.duration_s)
            self.on_progress(fraction, f"{self.label} {done:.1f} s of {self.duration_s:g} s")

    def error_text(self) -> str:
        return "\n".join(self.tail)


class FfmpegFailed(NemoVideoError):
    """ffmpeg exited with an error; ``tail`` keeps its last lines for diagnosis and the log only."""

    def __init__(self, code: int, tail: str) -> None:
        last = tail.strip().splitlines()[-1:] or ["no error text"]
        super().__init__(ErrorCode.RENDER_FAILED, f"ffmpeg stopped with exit code {code}: {_clip(last[0])}")
        self.exit_code = code
        self.tail = tail


async def run_ffmpeg(
    args: Sequence[str],
    *,
    duration_s: float,
    timeout_s: float,
    on_progress: ProgressCallback | None = None,
    label: str = "Rendering",
) -> None:
    """Run ``args``; raise RENDER_FAILED (:class:`FfmpegFailed`) / RENDER_TIMEOUT / DISK_FULL /
    FFMPEG_MISSING as appropriate. ffmpeg's process group is killed if this call is cancelled."""
    parser = ProgressParser(duration_s, on_progress, label)
    major = await check_ffmpeg(args[0])
    with _graph_in_a_file(args, major) as argv:
        log.debug("ffmpeg %s", " ".join(argv[1:]))
        try:
            process = await asyncio.create_subprocess_exec(
                *argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                start_new_session=True,
                preexec_fn=lifetime.child_setup(),
            )
        except FileNotFoundError as exc:
            raise NemoVideoError(ErrorCode.FFMPEG_MISSING, f"ffmpeg was not found at {args[0]}.") from exc
        with lifetime.process_group(process.pid):
            try:
                with anyio.fail_after(timeout_s):
                    await _pump(process, parser)
                    code = await process.wait()
            except TimeoutError as exc:
                await _kill(process)
                raise NemoVideoError(
                    ErrorCode.RENDER_TIMEOUT, f"The render took longer than {timeout_s:g} s and was stopped."
                ) from exc
            except BaseException:
                await _kill(process)
                raise
    if code != 0:
        raise _failure(parser.error_text(), code)


@contextmanager
def _graph_in_a_file(args: Sequence[str], major: int) -> Iterator[list[str]]:
    """The arguments with ``-filter_complex GRAPH`` read from a file instead: one argument may not
    pass 128 KiB (MAX_ARG_STRLEN), which a few hundred pictures' graph does. ffmpeg 7 reads
    ``-/filter_complex FILE``; older ones only ``-filter_complex_script FILE``."""
    argv = list(args)
    if "-filter_complex" not in argv:
        yield argv
        return
    at = argv.index("-filter_complex")
    fd, name = tempfile.mkstemp(prefix=f"{GRAPH_PREFIX}{os.getpid()}-", suffix=".txt")
    path = Path(name)
    with lifetime.temporary_files(path):
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(argv[at + 1])
            option = "-/filter_complex" if major == 0 or major >= 7 else "-filter_complex_script"
            argv[at : at + 2] = [option, name]
            yield argv
        finally:
            path.unlink(missing_ok=True)


async def _pump(process: asyncio.subprocess.Process, parser: ProgressParser) -> None:
    assert process.stderr is not None
    pending = b""
    while chunk := await process.stderr.read(65536):
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            parser.feed(line.decode("utf-8", "replace"))
    if pending:
        parser.feed(pending.decode("utf-8", "replace"))


async def _kill(process: asyncio.subprocess.Process) -> None:
    """Kill ffmpeg's whole process group and wait for all of it, even while being cancelled: a
    process it started (NEMO_FFMPEG may be a wrapper script) could otherwise still create its output
    after the temporary files were removed."""
    with anyio.CancelScope(shield=True):
        if process.returncode is None:
            lifetime.kill_group(process.pid)
            with contextlib.suppress(ProcessLookupError):
                process.kill()
        await process.wait()
        with anyio.move_on_after(GROUP_EXIT_S):
            while lifetime.group_alive(process.pid):
                await anyio.sleep(0.005)


def _clip(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _failure(tail: str, code: int) -> NemoVideoError:
    log.info("ffmpeg exited with code %d; its last lines:\n%s", code, tail or "(none)")
    if "No space left on device" in tail:
        return NemoVideoError(ErrorCode.DISK_FULL, "The disk filled up while writing the video.")
    return FfmpegFailed(code, tail)
