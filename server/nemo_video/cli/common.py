"""Helpers the CLI's commands and its chat share: progress display, spend consent, media arguments."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from ..errors import ErrorCode, NemoVideoError
from ..service import JobRecord, VideoService
from .output import Progress, SilentProgress

WAIT_FOREVER_S = 24 * 3600.0


def progress_for(args: argparse.Namespace) -> Progress:
    return SilentProgress() if args.json or not sys.stderr.isatty() else Progress()


def confirm_spend(args: argparse.Namespace, backend: str) -> bool:
    """Cloud generation spends credits: ``--yes``, or ask on a terminal; never silently."""
    if backend != "cloud" or getattr(args, "yes", False):
        return True
    if not sys.stdin.isatty():
        raise NemoVideoError(
            ErrorCode.CONSENT_REQUIRED,
            "This request goes to the NemoVideo cloud agent and spends credits.",
            hint="Run again with --yes to allow it, or use --backend local (free).",
        )
    answer = input("This request spends NemoVideo credits. Continue? [y/N] ")
    return answer.strip().lower() in {"y", "yes"}


def resolve_media(items: Sequence[str]) -> tuple[list[str], list[str]]:
    """Split command-line media into paths and URLs."""
    # Only "scheme://" is a URL (ftp:// and file:// then reach the URL guard and are refused by name);
    # "photo:v2.jpg" or "C:file.jpg" is a file name with a colon in it.
    urls = [i for i in items if re.match(r"[A-Za-z][A-Za-z0-9+.-]+://", i)]
    paths = [str(Path(i).expanduser().resolve()) for i in items if i not in urls]
    return paths, urls


def out(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


async def follow(svc: VideoService, job_id: str, progress: Progress) -> JobRecord:
    """Wait for a job, drawing its progress; raises its error if it failed."""

    async def on_update(record: JobRecord, heartbeat: bool) -> None:
        progress(record.fraction, record.message if not heartbeat else f"{record.message} (still working)")

    try:
        record = await svc.wait(job_id, WAIT_FOREVER_S, on_update)
    finally:
        progress.done()
    if record.status == "failed" and record.error:
        err = record.error
        raise NemoVideoError(
            err.get("code", ErrorCode.INTERNAL), err.get("message", "The job failed."), hint=err.get("hint")
        )
    if record.status == "cancelled":
        raise NemoVideoError(ErrorCode.CANCELLED, "The job was cancelled.")
    return record
