"""The CLI's commands: each opens the service, calls it, and prints the answer (see :mod:`nemo_video.cli`)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import ErrorCode, NemoVideoError
from ..service import ExportResult, GenerateResult, Job, StateResult, UploadResult, VideoService
from .common import confirm_spend, follow, out, progress_for, resolve_media
from .output import EXIT_MACHINE, EXIT_OK, emit_json


async def run_generate(
    svc: VideoService, args: argparse.Namespace, words: str, paths: list[str], urls: list[str]
) -> tuple[GenerateResult, ExportResult]:
    progress = progress_for(args)
    roots = sorted({Path(p).parent for p in paths})
    job = await svc.start_generate(words, paths, urls, confirm_spend=confirm_spend(args, svc.backend.name), roots=roots)
    record = await follow(svc, job.record.id, progress)
    generated = GenerateResult.model_validate(record.result)
    if not args.json:
        out(generated.reply)
        out(generated.summary)
    job = await svc.start_export(
        format=args.format, quality=args.quality, filename=args.output, height=args.height, overwrite=args.overwrite
    )
    record = await follow(svc, job.record.id, progress_for(args))
    return generated, ExportResult.model_validate(record.result)


def print_export(args: argparse.Namespace, exported: ExportResult, generated: GenerateResult | None = None) -> None:
    if args.json:
        payload: dict[str, Any] = {"ok": True, **exported.model_dump()}
        if generated is not None:
            payload["reply"] = generated.reply
            payload["summary"] = generated.summary
        emit_json(payload)
        return
    facts = ", ".join(
        part
        for part in (
            f"{exported.width}x{exported.height}" if exported.width and exported.height else "",
            f"{exported.duration_s:.1f} s" if exported.duration_s is not None else "",
            f"{exported.size_bytes / 1e6:.1f} MB",
        )
        if part
    )
    out(f"video:  {exported.path}  ({facts})")
    if exported.poster:
        out(f"poster: {exported.poster}")
    if exported.design_report:
        out(f"design: {exported.design_report.summary()}")


async def generate(args: argparse.Namespace, settings: Settings) -> int:
    paths, urls = resolve_media(args.media)
    async with VideoService(settings) as svc:
        await svc.new_session()
        generated, exported = await run_generate(svc, args, args.words, paths, urls)
    print_export(args, exported, generated)
    return EXIT_OK


async def demo(args: argparse.Namespace, settings: Settings) -> int:
    from ..demo import DEMO_REQUEST, make_sample_media

    with tempfile.TemporaryDirectory(prefix="nemo-video-demo-") as folder:
        media = make_sample_media(Path(folder))
        if not args.json:
            out(f"demo request: {DEMO_REQUEST}")
        settings = settings.with_(media_dirs=(*settings.media_dirs, Path(folder)))
        async with VideoService(settings) as svc:
            await svc.new_session()
            args.yes = False
            generated, exported = await run_generate(svc, args, DEMO_REQUEST, [str(p) for p in media], [])
    print_export(args, exported, generated)
    return EXIT_OK


async def upload(args: argparse.Namespace, settings: Settings) -> int:
    paths, urls = resolve_media(args.items)
    async with VideoService(settings) as svc:
        result: UploadResult = await svc.upload(paths, urls, roots=sorted({Path(p).parent for p in paths}))
    if args.json:
        emit_json({"ok": True, **result.model_dump(mode="json")})
        return EXIT_OK
    for asset in result.assets:
        facts = ", ".join(
            f
            for f in (
                f"{asset.width}x{asset.height}" if asset.width else "",
                f"{asset.duration_s:.1f} s" if asset.duration_s else "",
            )
            if f
        )
        out(f"{asset.kind:5}  {asset.name}  {facts}".rstrip())
    if result.notice:
        out(result.notice)
    return EXIT_OK


async def state(args: argparse.Namespace, settings: Settings) -> int:
    async with VideoService(settings) as svc:
        result: StateResult = await svc.state()
    if args.json:
        emit_json({"ok": True, **result.model_dump(mode="json")})
        return EXIT_OK
    print_state(result)
    return EXIT_OK


def print_state(result: StateResult) -> None:
    out(f"session {result.session_id} ({result.backend})")
    out(result.summary)
    for asset in result.media:
        out(f"  media: {asset.kind} {asset.name}")
    for job in result.jobs:
        out(f"  job {job.job_id}: {job.kind} {job.status} {job.progress * 100:.0f}% — {job.message}")
    if result.notice:
        out(result.notice)


async def credits(args: argparse.Namespace, settings: Settings) -> int:
    async with VideoService(settings) as svc:
        result = await svc.credits()
    if args.json:
        emit_json({"ok": True, **result.model_dump(mode="json")})
    elif result.unlimited:
        out(result.note or "Free: no credits needed.")
    else:
        out(f"available {result.available}, frozen {result.frozen}, total {result.total}")
    return EXIT_OK


async def export(args: argparse.Namespace, settings: Settings) -> int:
    if getattr(args, "variants", None):
        from .batch import export_variants

        return await export_variants(args, settings)
    async with VideoService(settings) as svc:
        job = await svc.start_export(
            format=args.format, quality=args.quality, filename=args.output, height=args.height, overwrite=args.overwrite
        )
        record = await follow(svc, job.record.id, progress_for(args))
    print_export(args, ExportResult.model_validate(record.result))
    return EXIT_OK


async def jobs(args: argparse.Namespace, settings: Settings) -> int:
    async with VideoService(settings) as svc:
        if not args.job_id:
            listing = (await svc.state()).jobs
            if args.json:
                emit_json({"ok": True, "jobs": [j.model_dump(mode="json") for j in listing]})
            for job in [] if args.json else listing:
                out(f"{job.job_id}  {job.kind:7} {job.status:9} {job.progress * 100:3.0f}%  {job.message}")
            return EXIT_OK
        if args.cancel:
            record = await svc.cancel(args.job_id)
        elif args.rerun:
            record = (await _rerun(svc, args)).record
            record = await follow(svc, record.id, progress_for(args))
        elif args.wait:
            record = await follow(svc, args.job_id, progress_for(args))
        else:
            record = svc.job(args.job_id)
    if args.json:
        emit_json({"ok": True, **record.model_dump(mode="json")})
    else:
        out(f"{record.id}  {record.kind} {record.status} {record.fraction * 100:.0f}% — {record.message}")
        if record.result and record.kind == "render":
            for path in _files(record.result):
                out(f"video: {path}")
    return EXIT_OK


async def _rerun(svc: VideoService, args: argparse.Namespace) -> Job:
    """Re-run the job; a cloud batch with rows still to send asks first (``--yes``, or a terminal)."""
    try:
        return await svc.rerun(args.job_id, confirm_spend=bool(getattr(args, "yes", False)))
    except NemoVideoError as exc:
        if exc.code != ErrorCode.CONSENT_REQUIRED:
            raise
        sys.stderr.write(f"{exc.message}\n")
        return await svc.rerun(args.job_id, confirm_spend=confirm_spend(args, svc.backend_name))


def _files(result: dict[str, Any]) -> list[str]:
    """The files a render job made: one export's, every variant's, or every batch row's."""
    if "rows" in result:
        return [f for row in result["rows"] if row.get("status") == "completed" for f in row.get("files") or []]
    return list(result.get("files") or [result.get("path")])


async def mcp(args: argparse.Namespace, settings: Settings) -> int:
    from ..mcp import serve_http, serve_stdio

    if args.http:
        token = args.token or os.environ.get("NEMO_MCP_TOKEN") or None
        await serve_http(settings, host=args.host, port=args.port, token=token)
    else:
        await serve_stdio(settings)
    return EXIT_OK


async def doctor(args: argparse.Namespace, settings: Settings) -> int:
    from ..doctor import run_checks

    checks = await run_checks(settings)
    failed = [c for c in checks if c.status == "fail"]
    if args.json:
        emit_json({"ok": not failed, "checks": [c.as_dict() for c in checks]})
    else:
        for check in checks:
            mark = {"ok": "ok  ", "warn": "warn", "fail": "FAIL"}[check.status]
            out(f"[{mark}] {check.name}: {check.detail}")
    return EXIT_MACHINE if failed else EXIT_OK


async def brand(args: argparse.Namespace, settings: Settings) -> int:
    """Show the saved brand kit (a new session's first video starts with it), or clear it."""
    async with VideoService(settings) as svc:
        kit = svc.forget_brand_kit() if args.action == "clear" else svc.brand_kit()
    if args.json:
        emit_json(
            {
                "ok": True,
                "cleared": args.action == "clear" and kit is not None,
                "brand_kit": kit.model_dump(mode="json") if kit and args.action == "show" else None,
            }
        )
    elif args.action == "clear":
        out(f"Forgot your brand kit ({kit.describe()})." if kit else "There was no saved brand kit.")
    elif kit is None:
        out("No brand kit yet: set brand colours, a font or a logo (in words or with edit_video) and it is kept.")
    else:
        out(f"brand kit: {kit.describe()}")
        if kit.logo is not None:
            out(f"logo file: {kit.logo.file}")
        out("New videos start with it; say 'no brand' to leave it out, or run `nemo-video brand clear`.")
    return EXIT_OK
