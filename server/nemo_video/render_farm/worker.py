"""What runs on a farm worker: media bytes in, the rendered file's bytes out, in a private folder.

No shared disk is assumed: the media arrive as bytes (from Ray's object store), are written under a
temporary folder of the worker's own, the draft is pointed at them, the local renderer renders and
verifies there, and the file, poster and contact sheet go back as bytes. The folder is always removed.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import anyio

from ..backends.base import RenderRequest
from ..config import Settings
from ..draft import Draft
from ..errors import ErrorCode, NemoVideoError


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
        return {"error": {"code": str(exc.code), "message": exc.message, "hint": exc.hint}}


def _render_bytes(
    draft_wire: dict[str, Any], options: dict[str, Any], srcs: Sequence[str], *blobs: bytes
) -> dict[str, Any]:
    from ..backends.local.render import render_draft

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
        fmt = str(options.get("format", "mp4"))
        request = RenderRequest(
            format=fmt,  # type: ignore[arg-type]
            quality=options.get("quality", "high"),
            destination=folder / f"out.{fmt}",
            height=options.get("height"),
        )
        settings = Settings(render_timeout_s=float(options.get("timeout_s", 1800.0)))
        output = anyio.run(render_draft, relocate(draft, mapping), request, settings)
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
    finally:
        shutil.rmtree(folder, ignore_errors=True)
