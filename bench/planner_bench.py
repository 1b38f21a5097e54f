"""Planner benchmark: time per conversation turn over the planner's conversation table.

Each turn is timed the way the local agent runs it (without the store): the current draft read back
as a composition (``from_draft``), ``plan``, ``apply`` and the layout (``to_draft``). The baseline in
the same run is the same turn without the planner — ``from_draft`` + ``apply`` of the very same
operations + ``to_draft`` — so the ratio says what understanding the words costs on top of the work
any edit does. Prints one JSON line. Target: p95 < 50 ms per turn.

    python bench/planner_bench.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.planner.conversation import HERE, Session, asset, load  # noqa: E402

from nemo_video.backends.local.planner import plan  # noqa: E402
from nemo_video.composition import Composition, apply, from_draft, to_draft  # noqa: E402


def _turns() -> list[tuple[list[str], list[dict[str, object]]]]:
    files = [*sorted(HERE.glob("*.jsonl")), ROOT / "tests" / "fixtures" / "conversations.jsonl"]
    return [(list(rows[0]["media"]), rows) for path in files for _, rows in load(path)]  # type: ignore[arg-type]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(rounds: int) -> dict[str, float]:
    full: list[float] = []
    base: list[float] = []
    planner: list[float] = []
    for _ in range(rounds):
        for media_names, rows in _turns():
            session = Session([asset(n) for n in media_names])
            for row in rows:
                session.media.extend(asset(str(n)) for n in row.get("upload", []))  # type: ignore[attr-defined]
                draft, media, message = session.draft, session.media, str(row["turn"])
                t0 = time.perf_counter()
                current = from_draft(draft, media) if draft is not None and draft.exportable else None
                t1 = time.perf_counter()
                result = plan(message, media, current)
                t2 = time.perf_counter()
                if result.ops and result.history is None:
                    start = Composition(language=result.language) if result.fresh or current is None else current
                    to_draft(apply(start, result.ops, media), media)
                t3 = time.perf_counter()
                full.append(t3 - t0)
                planner.append(t2 - t1)
                # baseline: the same turn's work without the planner
                b0 = time.perf_counter()
                again = from_draft(draft, media) if draft is not None and draft.exportable else None
                if result.ops and result.history is None:
                    start = Composition(language=result.language) if result.fresh or again is None else again
                    to_draft(apply(start, result.ops, media), media)
                base.append(time.perf_counter() - b0)
                session.send(message)  # advance the conversation (undo/redo included)
    ms = 1000.0
    return {
        "turns": len(full) // rounds,
        "rounds": rounds,
        "p50_ms": round(_percentile(full, 0.5) * ms, 2),
        "p95_ms": round(_percentile(full, 0.95) * ms, 2),
        "max_ms": round(max(full) * ms, 2),
        "plan_only_p50_ms": round(_percentile(planner, 0.5) * ms, 2),
        "plan_only_p95_ms": round(_percentile(planner, 0.95) * ms, 2),
        "baseline_p50_ms": round(_percentile(base, 0.5) * ms, 2),
        "baseline_p95_ms": round(_percentile(base, 0.95) * ms, 2),
        "p50_over_baseline": round(statistics.median(full) / statistics.median(base), 2),
        "p95_over_baseline": round(_percentile(full, 0.95) / _percentile(base, 0.95), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(run(args.rounds)))


if __name__ == "__main__":
    main()
