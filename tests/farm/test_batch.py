"""Batch: a 12-row file with two bad rows renders 10 videos, names the 2 rows by line, and a rerun renders nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from nemo_video.config import Settings
from nemo_video.service import VideoService
from nemo_video.service.batch import run_batch
from nemo_video.service.batch_file import read_batch

HEADER = "name,request,media,formats\n"


def batch_file(folder: Path, photos: list[Path]) -> Path:
    lines = [HEADER]
    for i in range(12):
        media = f"{photos[0].name};{photos[1].name}"
        request = f"a 1-second video with the title 'Item {i}'"
        if i == 4:
            media = "missing.jpg"  # line 6: a file that is not there
        if i == 9:
            request = ""  # line 11: nothing asked
        formats = "1:1;16:9" if i == 0 else ""
        lines.append(f'item{i},"{request}",{media},{formats}\n')
    path = folder / "shop.csv"
    path.write_text("".join(lines))
    return path


def test_bad_rows_are_found_with_their_line_numbers(tmp_path: Path, photos: list[Path]) -> None:
    rows, bad = read_batch(batch_file(tmp_path, photos))
    assert len(rows) == 10
    assert [(b.line, b.error.code) for b in bad] == [(6, "media_not_found"), (11, "invalid_input")]
    assert all(b.error.hint for b in bad)
    jsonl = tmp_path / "x.jsonl"
    jsonl.write_text(
        '{"name": "a", "request": "hi", "media": ["red.jpg"], "colour": "red"}\n\n{"name": "b"}\nnot json\n'
    )
    rows, bad = read_batch(jsonl)
    assert rows == []
    assert [(b.line, b.error.message.split(" ")[0]) for b in bad] == [(1, "unknown"), (3, "the"), (4, "line")]


async def test_twelve_rows_two_bad_render_ten_and_a_rerun_renders_nothing(
    settings: Settings, tmp_path: Path, photos: list[Path]
) -> None:
    path = batch_file(tmp_path, photos)
    rows_seen: list[str] = []
    bad_seen: list[int] = []
    async with VideoService(settings) as svc:
        summary = await run_batch(
            svc,
            path,
            quality="draft",
            height=120,
            roots=[tmp_path],
            on_row=lambda d, t, m: rows_seen.append(m),
            on_bad=lambda b: bad_seen.append(b.line),
        )
    assert bad_seen == [6, 11]
    assert (summary["rendered"], summary["failed"], summary["invalid"]) == (10, 0, 2), summary
    assert len(rows_seen) == 10 and rows_seen[-1].startswith("10/10 rows rendered")
    videos = sorted(p.name for p in (settings.output_dir / "shop").glob("*.mp4"))
    assert videos == sorted(
        ["item0-1x1.mp4", "item0-16x9.mp4", *[f"item{i}.mp4" for i in range(1, 12) if i not in (4, 9)]]
    )
    results = [json.loads(line) for line in Path(summary["results"]).read_text().splitlines()]
    invalid = {r["row"]: r for r in results if r["status"] == "invalid"}
    assert set(invalid) == {6, 11} and all(r["error"]["hint"] for r in invalid.values())
    before = {p: p.stat().st_mtime_ns for p in (settings.output_dir / "shop").glob("*.mp4")}

    # The rerun, from the command line: nothing new is rendered, the two bad rows are said again.
    env = {
        **os.environ,
        "NEMO_DATA_DIR": str(settings.data_dir),
        "NEMO_OUTPUT_DIR": str(settings.output_dir),
        "NEMO_CONFIG_DIR": str(settings.config_dir),
        "HOME": str(tmp_path / "home"),
    }
    env.pop("NEMO_RAY_ADDRESS", None)
    done = subprocess.run(
        [sys.executable, "-m", "nemo_video.cli", "batch", str(path), "--quality", "draft", "--height", "120", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    out = json.loads(done.stdout)
    assert (out["rendered"], out["skipped"], out["invalid"]) == (0, 10, 2), done.stderr
    assert "line 6 (item4): the media file missing.jpg does not exist" in done.stderr
    assert {p: p.stat().st_mtime_ns for p in (settings.output_dir / "shop").glob("*.mp4")} == before
