"""``nemo-video batch FILE`` and ``nemo-video export --variants 9:16,1:1,16:9``: many videos at once.

Both render on the render farm (in this process, or on Ray when ``NEMO_RAY_ADDRESS`` is set). Bad
rows are printed with their line numbers before anything renders; progress goes to stderr, the
results (one line per file, or ``--json``) to stdout.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..config import Settings
from ..service import VideoService
from ..service.batch import run_batch
from ..service.batch_file import BadRow
from ..service.variants import start_variants
from .common import follow, out, progress_for
from .output import EXIT_FAILED, EXIT_OK, emit_json


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    text = "Make one video per row of a CSV or JSON Lines file (name, request, media, formats)."
    p = sub.add_parser("batch", help=text, description=text, parents=[common])
    p.set_defaults(func=batch)
    p.add_argument("file", type=Path, help="a .csv or .jsonl file; media paths are relative to its folder")
    p.add_argument("--format", choices=("mp4", "webm", "mov", "gif"), default="mp4", help="file format (default mp4)")
    p.add_argument("--quality", choices=("draft", "high"), default="high", help="draft renders faster")
    p.add_argument("--height", type=int, help="output height in pixels, e.g. 720 (default: each video's)")


def _said(bad: BadRow) -> None:
    e = bad.error
    sys.stderr.write(f"line {bad.line} ({bad.name}): {e.message} — {e.hint}\n")


async def batch(args: argparse.Namespace, settings: Settings) -> int:
    progress = progress_for(args)
    path = args.file.expanduser().resolve()
    async with VideoService(settings) as svc:
        try:
            summary = await run_batch(
                svc,
                path,
                format=args.format,
                roots=[path.parent],
                quality=args.quality,
                height=args.height,
                on_row=lambda done, total, msg: progress(done / max(total, 1), msg),
                on_bad=_said,
            )
        finally:
            progress.done()
    if args.json:
        emit_json({"ok": True, **summary})
    else:
        for row in summary["rows"]:
            detail = ", ".join(row.get("files") or []) or (row.get("error") or {}).get("message", "")
            out(f"line {row['row']:>3}  {row['status']:<9} {row['name']}: {detail}")
        out(
            f"{summary['rendered']} rendered, {summary['skipped']} already done, {summary['failed']} failed, "
            f"{summary['invalid']} invalid; results in {summary['results']}"
        )
    return EXIT_OK if not summary["failed"] and not summary["invalid"] else EXIT_FAILED


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
