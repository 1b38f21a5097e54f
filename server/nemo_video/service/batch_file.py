"""Reading a batch file (CSV or JSON Lines) into rows, and every bad row with its line number.

Columns: ``name``, ``request``, ``media`` (paths or URLs: ``;``-separated in CSV, a list in JSON
Lines) and optional ``formats`` (``9:16;1:1`` or a list). Relative paths are read from the batch
file's folder. Everything is checked before anything renders: a missing file, an unknown column, an
empty request, an unknown format or a repeated name makes a :class:`BadRow` with its line and a next
step; the other rows still run.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ErrorCode, NemoVideoError
from .outputs import safe_stem
from .variants import parse_variants

COLUMNS = ("name", "request", "media", "formats")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+://")


@dataclass(frozen=True)
class BatchRow:
    line: int
    name: str
    request: str
    paths: list[Path] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class BadRow:
    line: int
    name: str
    error: NemoVideoError

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.line, "name": self.name, "status": "invalid", "files": [], "error": self.error.to_dict()}


def read_batch(path: Path) -> tuple[list[BatchRow], list[BadRow]]:
    """The good rows and the bad ones (each with its 1-based line number in the file)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise NemoVideoError(
            ErrorCode.MEDIA_NOT_FOUND,
            f"Could not read the batch file {path}: {exc}",
            hint="Pass the path of a .csv or .jsonl file with name, request and media columns.",
        ) from exc
    raw = _jsonl(text) if path.suffix.lower() in (".jsonl", ".ndjson") else _csv(text)
    rows: list[BatchRow] = []
    bad: list[BadRow] = []
    seen: set[str] = set()
    for line, record in raw:
        name = str(record.get("name") or f"row-{line}").strip()
        try:
            row = _row(line, record, path.parent)
            if row.name in seen:
                raise _bad(f"the name {row.name!r} is used by an earlier row", "Give every row its own name.")
            seen.add(row.name)
            rows.append(row)
        except NemoVideoError as exc:
            bad.append(BadRow(line, name, exc))
    if not rows and not bad:
        raise NemoVideoError(
            ErrorCode.INVALID_INPUT,
            f"The batch file {path.name} has no rows.",
            hint="Add one line per video: name, request, media.",
        )
    return rows, bad


def _bad(message: str, hint: str) -> NemoVideoError:
    return NemoVideoError(ErrorCode.INVALID_INPUT, message, hint=hint)


def _jsonl(text: str) -> list[tuple[int, dict[str, Any]]]:
    found: list[tuple[int, dict[str, Any]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            value = {"__error__": f"not valid JSON ({exc.msg})"}
        found.append((number, value if isinstance(value, dict) else {"__error__": "not a JSON object"}))
    return found


def _csv(text: str) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text))
    unknown = [c for c in (reader.fieldnames or []) if c and c.strip() not in COLUMNS]
    found: list[tuple[int, dict[str, Any]]] = []
    for record in reader:
        if not any((v or "").strip() for v in record.values() if isinstance(v, str)):
            continue
        clean: dict[str, Any] = {k.strip(): v for k, v in record.items() if isinstance(k, str)}
        if None in record:
            clean["__error__"] = "more values than columns"
        found.append((reader.line_num, clean))
    if unknown:  # a header problem is every row's problem: say it once per row, by line
        return [(n, {**r, "__unknown__": unknown}) for n, r in found]
    return found


def _row(line: int, record: dict[str, Any], base: Path) -> BatchRow:
    if "__error__" in record:
        raise _bad(f"line {line} is {record['__error__']}", "Write one JSON object (or CSV row) per line.")
    unknown = record.get("__unknown__") or [k for k in record if k not in COLUMNS]
    if unknown:
        raise _bad(f"unknown column(s) {', '.join(map(str, unknown))}", f"Use only the columns {', '.join(COLUMNS)}.")
    request = str(record.get("request") or "").strip()
    if not request:
        raise _bad("the request is empty", "Say what the video should be, e.g. 'a 10-second video titled Sale'.")
    name = safe_stem(str(record.get("name") or f"row-{line}"))
    media = record.get("media") or []
    items = [m.strip() for m in media.split(";")] if isinstance(media, str) else [str(m).strip() for m in media]
    items = [m for m in items if m]
    paths: list[Path] = []
    urls: list[str] = []
    for item in items:
        if _URL.match(item):
            urls.append(item)
            continue
        path = (base / item).expanduser() if not Path(item).expanduser().is_absolute() else Path(item).expanduser()
        if not path.is_file():
            raise NemoVideoError(
                ErrorCode.MEDIA_NOT_FOUND,
                f"the media file {item} does not exist",
                hint=f"Fix the path (relative paths are read from {base}) or remove it from the row.",
            )
        paths.append(path.resolve())
    formats = record.get("formats") or []
    if isinstance(formats, str):
        formats = [f for f in re.split(r"[;,]", formats) if f.strip()]
    return BatchRow(line, name, request, paths, urls, parse_variants(formats) if formats else [])
