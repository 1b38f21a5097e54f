"""The one place a render process starts: run ffmpeg, report progress, enforce the time limit.

ffmpeg writes ``-progress`` key=value lines and its errors to stderr (stdout is never inherited: it
belongs to MCP in stdio mode). Progress is parsed from ``out_time_us``; the last lines that are not
progress are kept for the error message. Cancellation kills ffmpeg and waits for it to exit.
"""

from __future__ import annotations

import contextlib
import logging
import subprocess
from collections import deque
from collections.abc import Sequence

import anyio
from anyio.abc import Process

from ....errors import ErrorCode, NemoVideoError
from ...base import ProgressCallback

log = logging.getLogger(__name__)
TAIL_LINES = 12
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

    def __init__(
        self, duration_s: float, on_progress: ProgressCallback | None, label: str = "Rendering"
    ) -> None:
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


async def run_ffmpeg(
    args: Sequence[str],
    *,
    duration_s: float,
    timeout_s: float,
    on_progress: ProgressCallback | None = None,
    label: str = "Rendering",
) -> None:
    """Run ``args``; raise RENDER_FAILED / RENDER_TIMEOUT / DISK_FULL / FFMPEG_MISSING as appropriate."""
    parser = ProgressParser(duration_s, on_progress, label)
    log.debug("ffmpeg %s", " ".join(args[1:]))
    try:
        process = await anyio.open_process(
            list(args), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
    except FileNotFoundError as exc:
        raise NemoVideoError(ErrorCode.FFMPEG_MISSING, f"ffmpeg was not found at {args[0]}.") from exc
    try:
        with anyio.fail_after(timeout_s):
            await _pump(process, parser)
            code = await process.wait()
    except TimeoutError as exc:
        await _kill(process)
        raise NemoVideoError(
            ErrorCode.RENDER_TIMEOUT,
            f"The render took longer than {timeout_s:g} s and was stopped.",
            hint="Export a shorter video or a lower height, or raise NEMO_RENDER_TIMEOUT_SECONDS.",
        ) from exc
    except BaseException:
        await _kill(process)
        raise
    if code != 0:
        raise _failure(parser.error_text(), code)


async def _pump(process: Process, parser: ProgressParser) -> None:
    assert process.stderr is not None
    pending = b""
    async for chunk in process.stderr:
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            parser.feed(line.decode("utf-8", "replace"))
    if pending:
        parser.feed(pending.decode("utf-8", "replace"))


async def _kill(process: Process) -> None:
    with anyio.CancelScope(shield=True):
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
        await process.wait()
        await process.aclose()


def _failure(tail: str, code: int) -> NemoVideoError:
    if "No space left on device" in tail:
        return NemoVideoError(ErrorCode.DISK_FULL, "The disk filled up while writing the video.")
    return NemoVideoError(
        ErrorCode.RENDER_FAILED,
        f"ffmpeg stopped with exit code {code}: {tail[-1500:] or 'no error text'}",
    )
