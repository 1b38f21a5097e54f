"""What a person sees in the terminal when a render fails for a reason they can fix: one line with
the code and the next step, said once (no ffmpeg dump, no warning line before it)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from PIL import Image

from nemo_video.config import Settings
from nemo_video.errors import DEFAULT_HINTS, ErrorCode
from nemo_video.service import VideoService
from tests.reliability.helpers import PYTHON, env_for


async def test_a_stored_picture_deleted_before_export_is_one_line_with_one_next_step(
    settings: Settings, tmp_path: Path
) -> None:
    photo = tmp_path / "beach.jpg"
    Image.new("RGB", (160, 90), (20, 120, 200)).save(photo)
    async with VideoService(settings) as svc:
        job = await svc.start_generate("a 3-second video of this photo", paths=[photo], roots=[tmp_path])
        assert (await svc.wait(job.id, 60)).status == "completed"
    stored = list((settings.data_dir / "media").glob("*.jpg"))
    assert stored, "the photo was stored"
    for path in stored:
        path.unlink()
    done = subprocess.run(
        [PYTHON, "-m", "nemo_video.cli", "export", "--height", "72"],
        env=env_for(settings),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    lines = done.stderr.strip().splitlines()
    assert done.returncode != 0 and len(lines) == 1, done.stderr
    (line,) = lines
    # the store notices first when it checks what it reads (media_changed); the renderer otherwise
    code = line.removeprefix("error [").split("]", 1)[0]
    assert code in (ErrorCode.MEDIA_MISSING, ErrorCode.MEDIA_CHANGED), line
    message, _, hint = line.partition(" — ")
    assert hint and line.count(hint) == 1 and "beach.jpg" in message
    assert code != ErrorCode.MEDIA_MISSING or hint == DEFAULT_HINTS[ErrorCode.MEDIA_MISSING]
    assert "Try exporting again" not in line and ".." not in line
