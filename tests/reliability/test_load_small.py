"""The load benchmark at a reduced size (what CI runs): 0 errors, no ffmpeg left, no temporary files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).parents[2] / "bench" / "load_bench.py"


def test_ten_clients_five_calls_with_renders_leave_nothing_behind() -> None:
    result = subprocess.run(
        [sys.executable, str(BENCH), "--clients", "10", "--calls", "5", "--render-every", "5", "--deadline", "120"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["errors"] == 0, report["error_samples"]
    assert report["renders"] == 10 and report["videos_written"] == 10
    assert report["tool_calls"] >= 10 * 5 + 10  # every render is two calls (generate, export)
    assert set(report["latency_ms"]) == {"get_state", "get_credits", "generate_video", "export_video"}
    assert report["ffmpeg_children_after_run"] == [] and report["ffmpeg_left_after_stop"] == []
    assert report["leftovers"] == []
    assert report["ok"] is True and result.returncode == 0
