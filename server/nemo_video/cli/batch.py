"""``nemo-video batch FILE`` and ``nemo-video export --variants 9:16,1:1,16:9``: many videos at once.

Locally both render on the render farm (in this process, or on Ray when ``NEMO_RAY_ADDRESS`` is
set); on the cloud backend every file is a free render on NemoVideo's proxy, and a batch's requests
(one per row) spend credits: it says how many and the balance, and needs ``--yes`` (or a "y" on a
terminal). Bad rows are printed with their line numbers before anything renders; progress goes to
stderr, the results (one line per file, or ``--json``) to stdout.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..config import Settings
from ..service import VideoService
from ..service.batch import plan, start_batch
from ..service.batch_file import BadRow
from ..service.variants import start_variants
from .common import confirm_spend, follow, out, progress_for
from .output import EXIT_FAILED, EXIT_OK, emit_json


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    text = "Make one video per row of a CSV or JSON Lines file (name, request, media, formats)."
    p = sub.add_parser("batch", help=text, description=text, parents=[common])
    p.set_defaults(func=batch)
    p.add_argument("file", type=Path, help="a .csv or .jsonl file; media paths are relative to its folder")
    p.add_argument("--format", choices=("mp4", "webm", "mov", "gif"), default="mp4", help="file format (default mp4)")
    p.add_argument("--quality", choices=("draft", "high"), default="high", help="draft renders faster")
    p.add_argument("--height", type=int, help="output height in pixels, e.g. 720 (default: each video's)")
    p.add_argument("--yes", action="store_true", help="allow spending cloud credits (a request per row) unasked")


def _said(bad: BadRow) -> None:
    e = bad.error
    sys.stderr.write(f"line {bad.line} ({bad.name}): {e.message} — {e.hint}\n")


async def batch(args: argparse.Namespace, settings: Settings) -> int:
    path = args.file.expanduser().resolve()
    async with VideoService(settings) as svc:
        svc.extra_roots = (path.parent,)  # the file named on the command line, and media beside it
        planned = plan(svc, path)
        for bad in planned.bad:  # said before anything renders
            _said(bad)
        approved = await _consent(args, svc, planned.to_send)
        job = await start_batch(
            svc,
            path,
            format=args.format,
            quality=args.quality,
            height=args.height,
            confirm_spend=approved,
            roots=[path.parent],
        )
        record = await follow(svc, job.record.id, progress_for(args))
    summary = record.result or {}
    if args.json:
        emit_json({"ok": True, "job_id": record.id, **summary})
    else:
        for row in summary["rows"]:
            detail = ", ".join(row.get("files") or []) or (row.get("error") or {}).get("message", "")
            out(f"line {row['row']:>3}  {row['status']:<9} {row['name']}: {detail}")
        out(
            f"{summary['rendered']} rendered, {summary['skipped']} already done, {summary['failed']} failed, "
            f"{summary['invalid']} invalid; results in {summary['results']}"
        )
        if "credits_after" in summary:
            out(f"credits: {_shown(summary['credits_before'])} before, {_shown(summary['credits_after'])} after")
    return EXIT_OK if not summary["failed"] and not summary["invalid"] else EXIT_FAILED


async def _consent(args: argparse.Namespace, svc: VideoService, to_send: int) -> bool:
    """A cloud batch spends credits on every row still to send: say how many and the balance, then
    ``--yes`` or a question on a terminal (never silently)."""
    if not svc.spends_credits or not to_send:
        return False
    credits = await svc.credits()
    sys.stderr.write(
        f"This batch sends {to_send} request(s) to the NemoVideo cloud agent (each spends credits); "
        f"credits available: {_shown(credits.model_dump())}.\n"
    )
    return confirm_spend(args, "cloud")


def _shown(credits: dict[str, object]) -> str:
    available = credits.get("available")
    return "unknown" if available is None else str(available)


async def export_variants(args: argparse.Namespace, settings: Settings) -> int:
    async with VideoService(settings) as svc:
        job = await start_variants(
            svc,
            args.variants,
            format=args.format,
            quality=args.quality,
            filename=args.output,
            height=args.height,
            overwrite=args.overwrite,
        )
        record = await follow(svc, job.record.id, progress_for(args))
    result = record.result or {}
    if args.json:
        emit_json({"ok": True, **result})
    else:
        for v in result.get("variants", []):
            if v["status"] == "completed":
                out(f"{v['variant']:>5}  video:  {v['path']}  ({v['width']}x{v['height']}, {v['duration_s']:.1f} s)")
                out(f"       poster: {v['poster']}")
            else:
                out(f"{v['variant']:>5}  failed: {v['error']['message']} {v['error']['hint']}")
    return EXIT_OK if not result.get("failed") else EXIT_FAILED
