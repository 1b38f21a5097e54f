"""``nemo-video edit --ops FILE|-``: typed operations from a JSON file (or stdin), as edit_video takes them."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..composition import parse_operations
from ..config import Settings
from ..errors import ErrorCode, NemoVideoError
from ..service import EditResult, VideoService
from .common import confirm_spend, follow, out, progress_for
from .output import EXIT_OK, emit_json

EXAMPLE = '[{"op": "set_text", "role": "title", "style": {"size": "large", "color": "orange"}}]'


def read_operations(source: str) -> Any:
    """The JSON in ``source`` (a path, or ``-`` for stdin): a list, or an object with ``operations``."""
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise NemoVideoError(
            ErrorCode.INVALID_INPUT,
            f"Cannot read the operations file ({type(exc).__name__}).",
            hint="Give a UTF-8 JSON file, or - to read the operations from stdin.",
        ) from exc
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        where = (
            f" (line {exc.lineno}, column {exc.colno})"
            if isinstance(exc, json.JSONDecodeError)
            else " (nested too deeply)"
        )
        raise NemoVideoError(
            ErrorCode.INVALID_INPUT,
            f"The operations are not valid JSON{where}.",
            hint=f"Write a JSON list of operations, e.g. {EXAMPLE}",
        ) from exc
    return data.get("operations") if isinstance(data, dict) else data


async def edit(args: argparse.Namespace, settings: Settings) -> int:
    operations = parse_operations(read_operations(args.ops))
    async with VideoService(settings) as svc:
        job = await svc.start_edit(operations, confirm_spend=confirm_spend(args, svc.backend.name))
        record = await follow(svc, job.record.id, progress_for(args))
    result = EditResult.model_validate(record.result)
    if args.json:
        emit_json({"ok": True, **result.model_dump(mode="json")})
        return EXIT_OK
    for line in result.applied:
        out(f"done: {line}")
    for line in result.not_applied:
        out(f"not applied: {line}")
    out(result.summary)
    return EXIT_OK
