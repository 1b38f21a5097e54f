"""media.run: a short ffmpeg call never touches our stdin/stdout, is killed past its limit, and a missing
binary is ffmpeg_missing."""

from __future__ import annotations

import subprocess
import time
import uuid
from pathlib import Path

import pytest

from nemo_video.config import Settings
from nemo_video.errors import ErrorCode, NemoVideoError
from nemo_video.media import locate, run


async def test_ffmpeg_writing_to_stdout_never_reaches_ours(
    settings: Settings, capfd: pytest.CaptureFixture[str]
) -> None:
    wav_to_stdout = ["-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono", "-t", "0.2", "-f", "wav", "-"]
    result = await run([locate(settings), "-hide_banner", "-nostdin", *wav_to_stdout], timeout_s=30)
    assert result.returncode == 0
    assert capfd.readouterr().out == ""  # in stdio mode these bytes would corrupt the MCP stream


async def test_a_run_past_its_limit_is_killed(settings: Settings) -> None:
    marker = f"nemo-test-{uuid.uuid4().hex}"
    endless = ["-f", "lavfi", "-i", "anullsrc", "-metadata", f"comment={marker}", "-f", "null", "-"]
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        await run([locate(settings), "-hide_banner", "-nostdin", *endless], timeout_s=0.5)
    assert time.monotonic() - started < 3.0
    left = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True, check=False).stdout
    assert left.split() == []


async def test_a_missing_binary_is_ffmpeg_missing(tmp_path: Path) -> None:
    with pytest.raises(NemoVideoError) as caught:
        await run([str(tmp_path / "no-ffmpeg"), "-version"], timeout_s=5)
    assert caught.value.code == ErrorCode.FFMPEG_MISSING and "no-ffmpeg" in caught.value.message
