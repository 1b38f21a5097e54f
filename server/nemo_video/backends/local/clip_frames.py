"""A few small frames of each video clip, kept beside its stored file, so the renderer's legibility
check can see what a clip shows under a text (as it sees a picture) without starting a process.

At import, one ffmpeg call seeks to ``COUNT`` evenly spaced moments (the middle of each sixth of the
clip) and writes those frames, shrunk to at most ``EDGE`` px on the longer side (as displayed: rotation
applied), stacked top to bottom into one PNG: ``<stored file>.frames.png``. Their times (seconds into
the clip) are kept in the PNG's text chunk. A clip stored before this existed has no such file: the
legibility check then assumes anything from black to white behind its texts, as it always did.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import anyio
from PIL import Image, PngImagePlugin

log = logging.getLogger(__name__)

COUNT = 6
EDGE = 256
TIMEOUT_S = 60.0
SUFFIX = ".frames.png"
_KEY = "nemo-video-frames"


@dataclass(frozen=True)
class ClipFrames:
    times: tuple[float, ...]  # seconds into the clip, ascending
    frames: tuple[Image.Image, ...]  # RGB, all of one size, as displayed

    @property
    def size(self) -> tuple[int, int]:
        return self.frames[0].size

    def around(self, start: float, end: float) -> tuple[Image.Image, ...]:
        """The frames that show the clip between ``start`` and ``end`` s (each frame stands for half
        the gap to its neighbours); the nearest one when none falls inside."""
        gap = (self.times[-1] - self.times[0]) / max(len(self.times) - 1, 1)
        inside = [f for t, f in zip(self.times, self.frames, strict=True) if start - gap / 2 <= t <= end + gap / 2]
        if inside:
            return tuple(inside)
        middle = (start + end) / 2
        return (min(zip(self.times, self.frames, strict=True), key=lambda tf: abs(tf[0] - middle))[1],)


def sidecar(stored: Path) -> Path:
    return stored.with_name(stored.name + SUFFIX)


def thumb_size(width: int, height: int) -> tuple[int, int]:
    scale = min(1.0, EDGE / max(width, height, 1))
    return max(1, round(width * scale)), max(1, round(height * scale))


async def extract(ffmpeg: str, path: Path, duration_s: float, size: tuple[int, int]) -> ClipFrames | None:
    """``COUNT`` frames of the clip at ``path`` (displayed size ``size``), or None when ffmpeg cannot
    give them (the import goes on: the clip is then treated as unknown for legibility)."""
    if duration_s <= 0:
        return None
    times = tuple(round((i + 0.5) * duration_s / COUNT, 3) for i in range(COUNT))
    w, h = thumb_size(*size)
    inputs: list[str] = []
    chains: list[str] = []
    for i, at in enumerate(times):
        # one decoder thread each: six 1080p decoders peaked at 118 MB and 0.8 s (190 MB, 1.0 s threaded)
        inputs += ["-protocol_whitelist", "file", "-threads", "1", "-ss", f"{at:.3f}", "-i", str(path)]
        chains.append(f"[{i}:v:0]trim=end_frame=1,scale={w}:{h}:flags=area,format=rgb24[f{i}]")
    graph = ";".join(chains) + ";" + "".join(f"[f{i}]" for i in range(COUNT)) + f"vstack=inputs={COUNT}[out]"
    command = [
        *(ffmpeg, "-hide_banner", "-nostdin", "-v", "error", *inputs),
        *("-filter_complex", graph, "-map", "[out]", "-frames:v", "1", "-f", "rawvideo", "-"),
    ]
    try:
        with anyio.fail_after(TIMEOUT_S):
            result = await anyio.run_process(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False
            )
    except TimeoutError:
        log.info("clip frames of %s: took over %g s, none kept", path.name, TIMEOUT_S)
        return None
    if result.returncode != 0 or len(result.stdout) != w * h * 3 * COUNT:
        tail = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        log.info("clip frames of %s: none kept (%s)", path.name, tail[0] if tail else "no frames")
        return None
    strip = Image.frombytes("RGB", (w, h * COUNT), result.stdout)
    return ClipFrames(times, tuple(strip.crop((0, i * h, w, (i + 1) * h)) for i in range(COUNT)))


def save(frames: ClipFrames, stored: Path) -> None:
    """Write ``frames`` beside the stored clip (atomically; a failure only logs)."""
    w, h = frames.size
    strip = Image.new("RGB", (w, h * len(frames.frames)))
    for i, frame in enumerate(frames.frames):
        strip.paste(frame, (0, i * h))
    info = PngImagePlugin.PngInfo()
    info.add_text(_KEY, json.dumps({"times": list(frames.times)}))
    target = sidecar(stored)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        strip.save(partial, "PNG", pnginfo=info)
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        log.warning("could not keep the frames of %s: %s", stored.name, exc)


@functools.lru_cache(maxsize=32)
def _load(path: str, stamp: float) -> ClipFrames | None:
    try:
        with Image.open(path) as image:
            times = tuple(float(t) for t in json.loads(image.text[_KEY])["times"])  # type: ignore[attr-defined]
            strip = image.convert("RGB")
    except (OSError, ValueError, KeyError, TypeError, Image.DecompressionBombError) as exc:
        log.info("clip frames %s unreadable (%s): the clip counts as unknown", Path(path).name, exc)
        return None
    if not times or strip.height % len(times) or list(times) != sorted(times):
        return None
    w, h = strip.width, strip.height // len(times)
    return ClipFrames(times, tuple(strip.crop((0, i * h, w, (i + 1) * h)) for i in range(len(times))))


def load(stored: str | Path) -> ClipFrames | None:
    """The frames kept for the stored clip ``stored``, or None (none kept, or unreadable)."""
    path = sidecar(Path(stored))
    try:
        stamp = path.stat().st_mtime
    except OSError:
        return None
    return _load(str(path), stamp)
