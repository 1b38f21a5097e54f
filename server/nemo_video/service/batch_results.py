"""A batch's results file, and the plan a run makes from it before anything is sent or rendered.

The results file (``<output>/<batch stem>/results.jsonl``) is appended as rows finish: one JSON
line per row (row, name, status, files, error with code and hint); the last line of a name wins.
On the cloud a row also records its ``session_id``, and a ``sending`` line is written just before
its request goes to the paid agent, so that no later run sends it again: a row that was sent but
has no files yet is rendered from its session (free) instead, unless its request was changed since.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .batch_file import BadRow, BatchRow, read_batch


def results_path(settings_output: Path, batch: Path) -> Path:
    return settings_output / batch.stem / "results.jsonl"


def last_entries(results: Path) -> dict[str, dict[str, Any]]:
    """Each row's last line in the results file, by name."""
    last: dict[str, dict[str, Any]] = {}
    if not results.is_file():
        return last
    for line in results.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        name = entry.get("name") if isinstance(entry, dict) else None
        if isinstance(name, str):
            last[name] = entry
    return last


def is_done(entry: dict[str, Any]) -> bool:
    """Completed (or skipped as completed) and every file still there."""
    files = entry.get("files")
    complete = entry.get("status") in ("completed", "skipped") and isinstance(files, list) and files
    return bool(complete) and all(Path(f).is_file() for f in entry["files"])


def was_sent(entry: dict[str, Any]) -> bool:
    """The row's request went (or may have gone) to the paid agent in the recorded session."""
    return bool(entry.get("session_id")) and bool(entry.get("sent"))


def finished_rows(results: Path) -> dict[str, dict[str, Any]]:
    """Rows a previous run completed whose files are all still there, by name (the last line wins)."""
    return {name: entry for name, entry in last_entries(results).items() if is_done(entry)}


@dataclass(frozen=True)
class BatchPlan:
    """What a run of ``batch`` will do: rows to skip, to render from a paid session, and to send."""

    batch: Path
    results: Path
    rows: list[BatchRow]
    bad: list[BadRow]
    done: dict[str, dict[str, Any]]  # by name: the completed entry, skipped
    sent: dict[str, dict[str, Any]]  # by name: sent before, not done: rendered again from its session

    @property
    def todo(self) -> list[BatchRow]:
        return [r for r in self.rows if r.name not in self.done]

    @property
    def to_send(self) -> int:
        """Requests this run sends to the agent (each spends credits on the cloud)."""
        return sum(1 for r in self.todo if r.name not in self.sent)


def plan_batch(batch: Path, output_dir: Path, *, resume_sent: bool) -> BatchPlan:
    """Read the file and its results; ``resume_sent`` (the cloud) never sends a row's request twice."""
    rows, bad = read_batch(batch)
    results = results_path(output_dir, batch)
    last = last_entries(results)
    done = {name: e for name, e in last.items() if is_done(e)}
    asked = {r.name: r.request for r in rows}
    sent = {
        name: e
        for name, e in last.items()
        if resume_sent and name not in done and was_sent(e) and e.get("request") == asked.get(name)
    }
    return BatchPlan(batch, results, rows, bad, done, sent)
