"""A few small frames of each video clip, kept beside its stored file, so the renderer's legibility
check can see what a clip shows under a text (as it sees a picture) without starting a process.

At import, one ffmpeg call picks ``COUNT`` evenly spaced moments (the middle of each sixth of the
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
ONE_PASS_MAX_S = 30.0  # a clip up to this long is decoded in one pass, a longer one at six seeks
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


def _command(
    ffmpeg: str, path: Path, duration_s: float, times: tuple[float, ...], w: int, h: int, skip: bool
) -> list[str]:
    """One ffmpeg call giving the frames at ``times`` stacked top to bottom, as raw RGB.

    A short clip is decoded once from its start up to the last time, a frame picked as each time
    passes: a seek lands on the key frame before its time and decodes on from there, so with a long
    key frame interval (x264's default is 250 frames) six seeks into a 10 s 1080p clip decoded about
    twice the clip and took 5 s, one pass 0.8 s. A long clip is read at six seeks (each decodes at
    most one key frame interval), one decoder thread each (six 1080p decoders peaked at 118 MB).
    With ``skip``, frames no other frame refers to are not decoded (``-skip_frame noref``: 0.66 s of
    CPU instead of 1.16 s for that clip); a picked frame is then the first reference frame at or after
    its time, a frame or two later.
    """
    head = [ffmpeg, "-hide_banner", "-nostdin", "-v", "error"]
    out = ["-frames:v", "1", "-f", "rawvideo", "-"]
    shrink = f"scale={w}:{h}:flags=area,format=rgb24"
    decode = ["-protocol_whitelist", "file", "-threads", "1", *(["-skip_frame", "noref"] if skip else [])]
    if duration_s <= ONE_PASS_MAX_S:
        gap = duration_s / COUNT
        pick = f"select='gte(t,{times[0]:.3f}+{gap:.4f}*selected_n)'"
        source = [*decode, "-t", f"{times[-1] + 0.5:.3f}", "-i", str(path)]
        chain = f"setpts=PTS-STARTPTS,{pick},{shrink},tile=1x{COUNT}"
        return [*head, *source, "-map", "0:v:0", "-vf", chain, *out]
    inputs: list[str] = []
    chains: list[str] = []
    for i, at in enumerate(times):
        inputs += [*decode, "-ss", f"{at:.3f}", "-i", str(path)]
        chains.append(f"[{i}:v:0]trim=end_frame=1,{shrink}[f{i}]")
    graph = ";".join(chains) + ";" + "".join(f"[f{i}]" for i in range(COUNT)) + f"vstack=inputs={COUNT}[out]"
    return [*head, *inputs, "-filter_complex", graph, "-map", "[out]", *out]


async def extract(ffmpeg: str, path: Path, duration_s: float, size: tuple[int, int]) -> ClipFrames | None:
    """``COUNT`` frames of the clip at ``path`` (displayed size ``size``), or None when ffmpeg cannot
    give them (the import goes on: the clip is then treated as unknown for legibility)."""
    if duration_s <= 0:
        return None
    times = tuple(round((i + 0.5) * duration_s / COUNT, 3) for i in range(COUNT))
    w, h = thumb_size(*size)
    for skip in (True, False):  # a codec that counts every frame as unreferenced gives none with skip
        try:
            with anyio.fail_after(TIMEOUT_S):
                result = await anyio.run_process(
                    _command(ffmpeg, path, duration_s, times, w, h, skip),
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    check=False,
                )
        except TimeoutError:
            log.info("clip frames of %s: took over %g s, none kept", path.name, TIMEOUT_S)
            return None
        if result.returncode == 0 and len(result.stdout) == w * h * 3 * COUNT:
            strip = Image.frombytes("RGB", (w, h * COUNT), result.stdout)
            return ClipFrames(times, tuple(strip.crop((0, i * h, w, (i + 1) * h)) for i in range(COUNT)))
        tail = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        log.info("clip frames of %s (skip %s): none (%s)", path.name, skip, tail[0] if tail else "too few frames")
    return None


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
