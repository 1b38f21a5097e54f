"""``nemo-video chat``: one line at a time, routed by the skill's intent table.

Ctrl-C never kills the session: at the prompt it reminds how to leave; while a job runs it stops
*waiting* (the job keeps going and ``status`` shows it). Lines come from a reader thread so that the
event loop — and any render in it — keeps running while the person types.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import threading
from contextlib import suppress
from typing import Any

import anyio

from ..backends.base import Credits
from ..config import Settings
from ..errors import ErrorCode, NemoVideoError, shown
from ..service import ExportResult, GenerateResult, Job, StateResult, UploadResult, VideoService
from .commands import print_export, print_state
from .common import confirm_spend, follow, out, progress_for
from .output import EXIT_OK, emit_json

QUIT = {"exit", "quit", "q", ":q", "退出"}
WELCOME = (
    'nemo-video chat — describe a video, add media by path or URL, say "status", "credits" or "export".\n'
    'Ctrl-C stops waiting; Ctrl-D or "exit" quits.'
)


class _Lines:
    """stdin lines delivered to the event loop by a daemon thread (None at end of input).

    Lines are read as bytes and decoded one by one, so a line that is not UTF-8 is reported and skipped
    (its bytes kept as lone surrogates, see :func:`undecodable`) instead of ending the reader.
    """

    def __init__(self) -> None:
        self.queue: asyncio.Queue[str | None] = asyncio.Queue()
        loop = asyncio.get_running_loop()

        def reader() -> None:
            stream = getattr(sys.stdin, "buffer", None)
            for raw in stream if stream is not None else sys.stdin:
                line = raw.decode("utf-8", "surrogateescape") if isinstance(raw, bytes) else raw
                loop.call_soon_threadsafe(self.queue.put_nowait, line.rstrip("\r\n"))
            loop.call_soon_threadsafe(self.queue.put_nowait, None)

        threading.Thread(target=reader, name="nemo-video-stdin", daemon=True).start()


async def chat(args: argparse.Namespace, settings: Settings) -> int:
    return await run_chat(args, settings)


async def run_chat(args: argparse.Namespace, settings: Settings) -> int:
    interactive = sys.stdin.isatty()
    if not args.json:
        sys.stderr.write(WELCOME + "\n")
    lines = _Lines()
    foreground: list[anyio.CancelScope] = []

    def on_sigint() -> None:
        if foreground:
            foreground[-1].cancel()

    loop = asyncio.get_running_loop()
    with suppress(NotImplementedError):  # no signal handlers on some platforms
        loop.add_signal_handler(signal.SIGINT, on_sigint)
    try:
        async with VideoService(settings) as svc:
            while True:
                if interactive:
                    sys.stderr.write("you> ")
                    sys.stderr.flush()
                with anyio.CancelScope() as scope:
                    foreground.append(scope)
                    line = await lines.queue.get()
                foreground.pop()
                if scope.cancel_called:
                    sys.stderr.write('\n(type "exit" or press Ctrl-D to quit)\n')
                    continue
                if line is None or line.strip().lower() in QUIT:
                    break
                if not line.strip():
                    continue
                if undecodable(line):
                    report(
                        args,
                        line,
                        NemoVideoError(
                            ErrorCode.INVALID_TEXT,
                            "That line is not valid UTF-8 text, so it was skipped.",
                            hint="Set the terminal (or the file piped in) to UTF-8 and type the line again.",
                        ),
                    )
                    continue
                with anyio.CancelScope() as scope:
                    foreground.append(scope)
                    await handle_line(svc, args, line)
                foreground.pop()
                if scope.cancel_called:
                    sys.stderr.write('\nstopped waiting; the job keeps running — say "status" to check on it\n')
    finally:
        with suppress(NotImplementedError):
            loop.remove_signal_handler(signal.SIGINT)
    return EXIT_OK


async def handle_line(svc: VideoService, args: argparse.Namespace, line: str) -> None:
    try:
        plan = svc.plan(line)  # decided once: the route, whether it spends, whether an export follows
        allowed = confirm_spend(args, svc.backend.name) if plan.spends_credits else False
        asked = await svc.ask(line, confirm_spend=allowed, plan=plan)
        result: Any = asked.result
        if isinstance(result, Job):
            await follow(svc, result.id, progress_for(args))
            result = result.result  # typed: GenerateResult or ExportResult
        show(args, plan.route, plan.reason, result)
        if plan.export_follows:  # "… and export it"
            job = await svc.start_export(**plan.export.model_dump())
            await follow(svc, job.id, progress_for(args))
            show(args, "export", "the request also asked for the file", job.result)
    except NemoVideoError as exc:
        report(args, line, exc)


def undecodable(line: str) -> bool:
    return any("\udc80" <= char <= "\udcff" for char in line)


def report(args: argparse.Namespace, line: str, exc: NemoVideoError) -> None:
    """One error line for one input line; the chat goes on."""
    if args.json:
        emit_json({"ok": False, "line": shown(line), "error": exc.to_dict()})
    else:
        out(f"error [{exc.code}]: {exc.message} — {exc.hint}")


def show(args: argparse.Namespace, route: str, reason: str, result: Any) -> None:
    if args.json:
        body = result.model_dump(mode="json") if hasattr(result, "model_dump") else result
        emit_json({"ok": True, "route": route, "reason": reason, "result": body})
        return
    if isinstance(result, GenerateResult):
        out(result.reply)
        out(result.summary)
        if result.notice:
            out(result.notice)
    elif isinstance(result, ExportResult):
        print_export(args, result)
    elif isinstance(result, StateResult):
        print_state(result)
    elif isinstance(result, Credits):
        out(result.note if result.unlimited else f"available {result.available}, total {result.total}")
    elif isinstance(result, UploadResult):
        for asset in result.assets:
            out(f"added {asset.kind} {asset.name}")
