"""The poster's ffmpeg never writes to our stdout, which is the MCP stream in stdio mode."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from nemo_video.config import Settings
from nemo_video.media import locate

SCRIPT = """
import anyio, sys
from pathlib import Path
from nemo_video.service.outputs import make_poster
poster = anyio.run(make_poster, Path(sys.argv[1]), sys.argv[2], 1.0)
sys.stderr.write(f"poster={poster}\\n")
"""


def test_make_poster_keeps_ffmpeg_off_stdout(tmp_path: Path) -> None:
    ffmpeg = locate(Settings())
    video = tmp_path / "v.mp4"
    subprocess.run([ffmpeg, "-v", "error", "-f", "lavfi", "-i", "color=c=red:s=64x64:d=1", str(video)], check=True)
    loud = tmp_path / "loud-ffmpeg"  # an ffmpeg that also talks on stdout, as a wrapper script might
    loud.write_text(f'#!/bin/sh\necho LEAKED-TO-STDOUT\nexec {ffmpeg} "$@"\n', encoding="utf-8")
    loud.chmod(0o755)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(video), str(loud)],
        capture_output=True,
        text=True,
        env={**os.environ},
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "poster=" in done.stderr and "None" not in done.stderr
    assert done.stdout == ""
