"""What runs on a farm worker: media bytes in, the rendered file's bytes out, in a private folder.

No shared disk is assumed: the media arrive as bytes (from Ray's object store), are written under a
temporary folder of the worker's own, the draft is pointed at them, the local renderer renders and
verifies there, and the file, poster and contact sheet go back as bytes. The folder is always removed.

While it renders, a task can tell the driver how far it got: ``options["progress"]`` is then a
:class:`ProgressBoard` actor and a key, and the render's fraction is posted there (a few times a
second at most) for the driver to poll.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anyio

from ..backends.base import ProgressCallback, RenderRequest
from ..config import Settings
from ..draft import Draft
from ..errors import ErrorCode, NemoVideoError

PROGRESS_EVERY_S = 0.25


class ProgressBoard:
    """A Ray actor (no CPU of its own) holding each running task's latest progress, by key."""

    def __init__(self) -> None:
        self.latest: dict[str, tuple[float, str]] = {}

    def post(self, key: str, fraction: float, message: str) -> None:
        self.latest[key] = (fraction, message)

    def take(self, key: str) -> tuple[float, str] | None:
        return self.latest.pop(key, None)


def _reporter(options: dict[str, Any]) -> ProgressCallback | None:
    """Posts the render's progress to the driver's board, at most every PROGRESS_EVERY_S."""
    target = options.get("progress")
    if target is None:
        return None
    board, key = target
    last = 0.0

    def report(fraction: float, message: str) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PROGRESS_EVERY_S:
            last = now
            board.post.remote(key, fraction, message)  # fire and forget: the render never waits on it

    return report


def relocate(draft: Draft, mapping: dict[str, str]) -> Draft:
    """The draft with every ``src`` in ``mapping`` pointing at its new path."""
    tracks = []
    for track in draft.tracks:
        segments = [s.model_copy(update={"src": mapping[s.src]}) if s.src in mapping else s for s in track.segments]
        tracks.append(track.model_copy(update={"segments": segments}))
    return draft.model_copy(update={"tracks": tracks})


def render_bytes(
    draft_wire: dict[str, Any], options: dict[str, Any], srcs: Sequence[str], *blobs: bytes
) -> dict[str, Any]:
    """Render ``draft_wire`` with ``blobs[i]`` standing for ``srcs[i]``; the outputs as bytes.

    A render's own error comes back as ``{"error": {...}}`` (code, message, hint): it is the answer,
    not a crash to retry, and it crosses the object store as plain data.
    """
    try:
        return _render_bytes(draft_wire, options, srcs, *blobs)
    except NemoVideoError as exc:
        return _error(exc)


def render_piece(
    draft_wire: dict[str, Any],
    options: dict[str, Any],
    piece: dict[str, int] | None,
    srcs: Sequence[str],
    *blobs: bytes,
) -> dict[str, Any]:
    """Encode one chunk of a long render (``piece``: frames and pre-roll; None: the whole timeline's
    sound) from the draft, as :func:`.chunks.render_chunked` would here; its bytes back.

    The plan is built again on the worker from the same draft and media; ``options["frames"]`` is the
    driver's frame count, so a worker whose plan differs (another nemo-video version) says so."""
    try:
        return _render_piece(draft_wire, options, piece, srcs, *blobs)
    except NemoVideoError as exc:
        return _error(exc)


def _error(exc: NemoVideoError) -> dict[str, Any]:
    return {"error": {"code": str(exc.code), "message": exc.message, "hint": exc.hint}}


@contextmanager
def _private(draft_wire: dict[str, Any], srcs: Sequence[str], blobs: Sequence[bytes]) -> Iterator[tuple[Draft, Path]]:
    """The draft pointed at the media written into a temporary folder of this worker's, and the folder."""
    draft = Draft.from_wire(draft_wire)
    if draft is None:
        raise NemoVideoError(ErrorCode.NOTHING_TO_EXPORT, "The timeline is empty.")
    folder = Path(tempfile.mkdtemp(prefix="nemo-farm-"))
    try:
        mapping: dict[str, str] = {}
        for index, (src, blob) in enumerate(zip(srcs, blobs, strict=True)):
            local = folder / f"m{index}{Path(src).suffix}"
            local.write_bytes(blob)
            mapping[src] = str(local)
        yield relocate(draft, mapping), folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _request(options: dict[str, Any], folder: Path) -> RenderRequest:
    fmt = str(options.get("format", "mp4"))
    return RenderRequest(
        format=fmt,  # type: ignore[arg-type]
        quality=options.get("quality", "high"),
        destination=folder / f"out.{fmt}",
        height=options.get("height"),
    )


def _render_bytes(
    draft_wire: dict[str, Any], options: dict[str, Any], srcs: Sequence[str], *blobs: bytes
) -> dict[str, Any]:
    from ..backends.local.render import render_draft

    with _private(draft_wire, srcs, blobs) as (draft, folder):
        settings = Settings(render_timeout_s=float(options.get("timeout_s", 1800.0)))
        output = anyio.run(render_draft, draft, _request(options, folder), settings, _reporter(options))
        video = output.path.read_bytes()
        return {
            "video": video,
            "sha256": hashlib.sha256(video).hexdigest(),
            "poster": output.poster.read_bytes() if output.poster else None,
            "contact": output.contact_sheet.read_bytes() if output.contact_sheet else None,
            "format": output.format,
            "duration_s": output.duration_s,
            "width": output.width,
            "height": output.height,
        }


def _render_piece(
    draft_wire: dict[str, Any],
    options: dict[str, Any],
    piece: dict[str, int] | None,
    srcs: Sequence[str],
    *blobs: bytes,
) -> dict[str, Any]:
    from .. import media as ff
    from ..backends.local.render import build_plan
    from ..backends.local.render.pipeline import gather_facts
    from .chunks import Piece, encode_piece

    with _private(draft_wire, srcs, blobs) as (draft, folder):
        settings = Settings(render_timeout_s=float(options.get("timeout_s", 1800.0)))
        ffmpeg = ff.locate(settings)
        request = _request(options, folder)
        plan = build_plan(draft, request, anyio.run(gather_facts, draft, ffmpeg), settings.font_dirs)
        if plan.frames != options["frames"]:
            raise NemoVideoError(
                ErrorCode.RENDER_FAILED,
                f"A worker planned {plan.frames} frames where this machine planned {options['frames']}.",
                hint="Install the same nemo-video version on every node of the cluster, then export again.",
            )
        out = folder / f"piece.{plan.format}"
        part = None if piece is None else Piece.from_wire(piece)
        anyio.run(encode_piece, plan, part, ffmpeg, out, settings.render_timeout_s)
        data = out.read_bytes()
        return {"data": data, "sha256": hashlib.sha256(data).hexdigest()}
