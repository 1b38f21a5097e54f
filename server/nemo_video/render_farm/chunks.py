"""Long videos: split at cuts, render the chunks in parallel, join them without re-encoding.

A timeline longer than ``threshold_s`` is cut only where one visual ends and the next starts with a
plain cut (never inside a transition) and where no text is fading in or out. Each chunk is a render
plan of its own (times shifted to start at zero, the texts that cross a cut clipped with their fade
there removed: they are fully shown on both sides), encoded with the very same settings, so each
starts on an IDR frame and the concat demuxer joins them with ``-c copy``. The audio (music, clip
sound) is rendered once for the whole timeline, from a plan whose pictures are replaced by flat
backgrounds at a tiny size, and muxed in at the end. The joined file is verified like any render
before it is renamed into place.
"""

from __future__ import annotations

import itertools
import math
import os
import secrets
import shutil
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import anyio

from .. import media as ff
from ..backends.base import ProgressCallback, RenderOutput, RenderRequest
from ..backends.local.render.plan import RenderPlan
from ..config import Settings
from ..draft import Draft
from ..errors import ErrorCode, NemoVideoError

AUDIO_WIDTH = 64
PREROLL_S = 2.0


def _frame(t: float, fps: int) -> int:
    return round(t * fps)


def cut_candidates(plan: RenderPlan) -> list[int]:
    """Frames where a chunk may start: plain cuts between visuals, with no text fading there."""
    fps = plan.fps
    found: list[int] = []
    for before, after in zip(plan.visuals, plan.visuals[1:], strict=False):
        if before.transition is not None:
            continue
        frame = _frame(after.start_s, fps)
        t = frame / fps
        fading = any(
            (x.start_s < t < x.start_s + x.fade_in_s + 1 / fps) or (x.end_s - x.fade_out_s - 1 / fps < t < x.end_s)
            for x in plan.texts
        )
        if not fading and 0 < frame < plan.frames:
            found.append(frame)
    return found


def choose_cuts(plan: RenderPlan, chunks: int) -> list[int]:
    """Up to ``chunks - 1`` cut frames, each the candidate nearest an even split."""
    candidates = cut_candidates(plan)
    chosen: list[int] = []
    for k in range(1, chunks):
        ideal = plan.frames * k / chunks
        options = [c for c in candidates if c > (chosen[-1] if chosen else 0)]
        if not options:
            break
        best = min(options, key=lambda c: abs(c - ideal))
        if best not in chosen:
            chosen.append(best)
    return chosen


def sub_plan(plan: RenderPlan, first: int, end: int) -> RenderPlan:
    """The chunk [first, end) frames as a plan of its own: video only, times from zero."""
    fps = plan.fps
    t0, t1 = first / fps, end / fps
    visuals = tuple(
        replace(v, start_s=(_frame(v.start_s, fps) - first) / fps)
        for v in plan.visuals
        if first <= _frame(v.start_s, fps) < end
    )
    texts = []
    for x in plan.texts:
        if x.end_s <= t0 or x.start_s >= t1:
            continue
        start, stop = max(x.start_s, t0), min(x.end_s, t1)
        texts.append(
            replace(
                x,
                start_s=start - t0,
                end_s=stop - t0,
                fade_in_s=x.fade_in_s if x.start_s >= t0 else 0.0,
                fade_out_s=x.fade_out_s if x.end_s <= t1 else 0.0,
            )
        )
    # No sound at all (music none, clips muted): the chunk's graph then ends in a bare silence source,
    # which video_only() removes; the audio comes once, from audio_plan().
    visuals = tuple(replace(v, volume=0.0, has_audio=False) for v in visuals)
    return replace(plan, duration_s=(end - first) / fps, visuals=visuals, texts=tuple(texts), music=None)


def preroll_starts(plan: RenderPlan, firsts: Sequence[int]) -> list[int]:
    """Where each chunk's encode starts: an earlier cut at least PREROLL_S before its own (or the start).

    x264's rate control remembers the frames before: a chunk encoded from its cut alone came out
    about 41 dB from the single render; encoding a pre-roll first (and dropping it when joining)
    brings the encoder's state back in step, so the frames after the cut match."""
    lead = round(PREROLL_S * plan.fps)
    options = [0, *cut_candidates(plan)]
    return [first if first == 0 else max(c for c in options if c <= max(0, first - lead)) for first in firsts]


def video_only(args: list[str], key_s: float | None = None) -> list[str]:
    """A chunk's ffmpeg arguments without its (silent) audio: a chunk file holding only video starts
    at zero, so the concat demuxer places every chunk exactly (AAC priming would shift them)."""
    out = list(args)
    i = out.index("-filter_complex")
    head, _, tail = out[i + 1].rpartition(";")
    if not (tail.startswith("anullsrc") and tail.endswith("[aout]")):
        raise NemoVideoError(ErrorCode.INTERNAL, "A chunk's filter graph did not end in its silence source.")
    out[i + 1] = head
    m = out.index("[aout]")
    del out[m - 1 : m + 1]
    keys = ["-force_key_frames", f"{key_s:.6f}"] if key_s is not None else []
    return [*out[:-1], "-an", *keys, out[-1]]


def audio_plan(plan: RenderPlan) -> RenderPlan:
    """The whole timeline's sound with next to no picture: pictures become flat backgrounds, tiny."""
    visuals = tuple(
        v if v.kind == "video" else replace(v, kind="background", src=None, source_size=None, motion=None)
        for v in plan.visuals
    )
    height = max(2, round(AUDIO_WIDTH * plan.height / plan.width / 2) * 2)
    return replace(plan, width=AUDIO_WIDTH, height=height, visuals=visuals, texts=(), quality="draft")


@dataclass(frozen=True)
class Piece:
    """One chunk: frames ``[first, end)`` of the joined file, encoded from frame ``pre`` (its pre-roll)."""

    first: int
    end: int
    pre: int

    def wire(self) -> dict[str, int]:
        return {"first": self.first, "end": self.end, "pre": self.pre}

    @classmethod
    def from_wire(cls, data: dict[str, int]) -> Piece:
        return cls(int(data["first"]), int(data["end"]), int(data["pre"]))


# Encodes one piece of ``plan`` (None: the whole timeline's sound) into a file: here, or on a worker.
PieceEncoder = Callable[[RenderPlan, "Piece | None", Path], Awaitable[None]]


def split(plan: RenderPlan, chunks: int) -> list[Piece]:
    """The pieces of ``plan`` in order; none when it has no usable cut (or is not MP4/MOV)."""
    cuts = choose_cuts(plan, chunks) if plan.format in ("mp4", "mov") else []
    if not cuts:
        return []
    spans = list(itertools.pairwise([0, *cuts, plan.frames]))
    starts = preroll_starts(plan, [first for first, _ in spans])
    return [Piece(first, end, pre) for (first, end), pre in zip(spans, starts, strict=True)]


def piece_args(plan: RenderPlan, piece: Piece | None, ffmpeg: str, out: Path) -> tuple[list[str], float]:
    """The ffmpeg arguments of one piece (None: the sound) and the length it encodes, in seconds."""
    from ..backends.local.render import graph

    if piece is None:
        audio = audio_plan(plan)
        return graph.build_args(audio, ffmpeg, out), audio.duration_s
    sub = sub_plan(plan, piece.pre, piece.end)
    key_s = (piece.first - piece.pre) / plan.fps if piece.pre < piece.first else None
    return video_only(graph.build_args(sub, ffmpeg, out), key_s), sub.duration_s


async def encode_piece(
    plan: RenderPlan,
    piece: Piece | None,
    ffmpeg: str,
    out: Path,
    timeout_s: float,
    on_progress: ProgressCallback | None = None,
) -> None:
    """Encode one piece into ``out`` with the renderer's runner (here or on a farm worker)."""
    from ..backends.local.render import runner

    args, duration_s = piece_args(plan, piece, ffmpeg, out)
    await runner.run_ffmpeg(args, duration_s=duration_s, timeout_s=timeout_s, on_progress=on_progress)


def local_encoder(settings: Settings, workers: int) -> PieceEncoder:
    """Pieces as ffmpeg processes on this machine, ``workers`` at once."""
    limit = anyio.Semaphore(max(1, workers))
    ffmpeg = ff.locate(settings)

    async def encode(plan: RenderPlan, piece: Piece | None, out: Path) -> None:
        async with limit:
            await encode_piece(plan, piece, ffmpeg, out, settings.render_timeout_s)

    return encode


async def render_chunked(
    draft: Draft,
    request: RenderRequest,
    settings: Settings,
    *,
    chunks: int,
    workers: int = 2,
    encoder: PieceEncoder | None = None,
    on_progress: ProgressCallback | None = None,
) -> RenderOutput | None:
    """Render ``draft`` as ``chunks`` pieces (by ``encoder``: default ffmpeg here, ``workers`` at once)
    joined losslessly here; None when it has no usable cut (the caller then renders it whole)."""
    from ..backends.local.render import build_plan, poster, runner, sidecars, verify
    from ..backends.local.render.pipeline import gather_facts

    destination = request.destination.expanduser().resolve()
    if destination.exists() and not request.overwrite:
        raise NemoVideoError(ErrorCode.OUTPUT_EXISTS, f"{destination} already exists.")
    ffmpeg = ff.locate(settings)
    plan = build_plan(draft, request, await gather_facts(draft, ffmpeg), settings.font_dirs)
    pieces = split(plan, chunks)
    if not pieces:
        return None
    encode = encoder or local_encoder(settings, workers)
    work = destination.with_name(f".{destination.stem}.{os.getpid()}.{secrets.token_hex(4)}.partial.d")
    work.mkdir(parents=True)
    temp = destination.with_name(f"{work.name}.{plan.format}")
    poster_tmp, sheet_tmp = work / "poster.jpg", work / "contact.jpg"
    poster_path, sheet_path = sidecars(destination)
    done = 0

    async def one(piece: Piece | None, out: Path) -> None:
        nonlocal done
        await encode(plan, piece, out)
        done += 1
        if on_progress is not None:
            on_progress(0.9 * done / (len(pieces) + 1), f"{done}/{len(pieces) + 1} pieces rendered")

    try:
        parts = [work / f"chunk{i:03d}.{plan.format}" for i in range(len(pieces))]
        sound = work / f"audio.{plan.format}"
        try:
            async with anyio.create_task_group() as tg:
                tg.start_soon(one, None, sound)
                for piece, part in zip(pieces, parts, strict=True):
                    tg.start_soon(one, piece, part)
        except* NemoVideoError as group:  # one piece failed (the others were cancelled): say it as itself
            raise group.exceptions[0] from None
        listing = work / "chunks.txt"
        # Each chunk from its cut (an IDR frame, after the pre-roll) to its end, said in frames.
        listing.write_text(
            "".join(
                f"file '{part.name}'\ninpoint {(p.first - p.pre) / plan.fps:.6f}\n"
                f"outpoint {(p.end - p.pre) / plan.fps:.6f}\n"
                for part, p in zip(parts, pieces, strict=True)
            ),
            encoding="utf-8",
        )
        await runner.run_ffmpeg(
            join_args(ffmpeg, listing, sound, temp, plan.duration_s, plan.format),
            duration_s=plan.duration_s,
            timeout_s=settings.render_timeout_s,
            label="Joining",
        )
        info = await ff.probe(temp, ffmpeg)
        verify.check(plan, info, temp)
        await runner.run_ffmpeg(
            poster.build_args(plan, ffmpeg, temp, poster_tmp, sheet_tmp, 4),
            duration_s=plan.duration_s,
            timeout_s=settings.render_timeout_s,
            label="Making the poster",
        )
        os.replace(temp, destination)
        os.replace(poster_tmp, poster_path)
        os.replace(sheet_tmp, sheet_path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if on_progress is not None:
        on_progress(1.0, f"Rendered {plan.duration_s:g} s in {len(pieces)} chunks to {destination.name}")
    return RenderOutput(
        path=destination,
        size_bytes=destination.stat().st_size,
        format=plan.format,
        duration_s=info.duration_s,
        width=info.width,
        height=info.height,
        poster=poster_path,
        contact_sheet=sheet_path,
    )


def join_args(ffmpeg: str, listing: Path, sound: Path, output: Path, duration_s: float, fmt: str) -> list[str]:
    """Concat the chunks' video and mux the whole timeline's audio: both copied, nothing re-encoded."""
    return [
        ffmpeg,
        "-hide_banner",
        "-nostdin",
        "-nostats",
        "-loglevel",
        "error",
        "-progress",
        "pipe:2",
        "-y",
        "-f",
        "concat",
        "-safe",
        "0",
        "-i",
        str(listing),
        "-i",
        str(sound),
        "-map",
        "0:v:0",
        "-map",
        "1:a:0",
        "-c",
        "copy",
        "-t",
        f"{duration_s:.6f}",
        "-map_metadata",
        "-1",
        "-movflags",
        "+faststart",
        "-f",
        "mov" if fmt == "mov" else "mp4",
        str(output),
    ]


def chunk_count(duration_s: float, threshold_s: float, workers: int) -> int:
    """How many chunks a timeline gets: none below the threshold, else one per worker (at least two)."""
    if duration_s <= threshold_s:
        return 1
    return max(2, min(workers, math.ceil(duration_s / 5)))


__all__: Sequence[str] = (
    "Piece",
    "PieceEncoder",
    "choose_cuts",
    "chunk_count",
    "encode_piece",
    "render_chunked",
    "split",
    "sub_plan",
)
