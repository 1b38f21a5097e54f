"""Reading rendered files back for the end-to-end tests: frames as Pillow images, audio levels."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from PIL import Image, ImageChops

from nemo_video.config import Settings
from nemo_video.media import locate


def ffmpeg() -> str:
    return locate(Settings.from_env({}))


def frame(video: Path, at_s: float, out: Path) -> Image.Image:
    subprocess.run(
        [
            ffmpeg(),
            "-nostdin",
            "-loglevel",
            "error",
            "-y",
            "-ss",
            f"{at_s:.3f}",
            "-i",
            str(video),
            "-frames:v",
            "1",
            str(out),
        ],
        check=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
    )
    with Image.open(out) as image:
        return image.convert("RGB")


def mean_volume_db(video: Path, start_s: float, length_s: float) -> float:
    result = subprocess.run(
        [
            ffmpeg(),
            "-nostdin",
            "-hide_banner",
            "-ss",
            f"{start_s:.3f}",
            "-t",
            f"{length_s:.3f}",
            "-i",
            str(video),
            "-vn",
            "-af",
            "volumedetect",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
        stdin=subprocess.DEVNULL,
    )
    match = re.search(r"mean_volume: (-?[\d.]+|-inf) dB", result.stderr)
    assert match, result.stderr[-500:]
    return float(match.group(1)) if match.group(1) != "-inf" else -200.0


def ink(a: Image.Image, b: Image.Image, box: tuple[int, int, int, int], threshold: int = 40) -> int:
    """How many pixels in ``box`` differ clearly between two frames."""
    diff = ImageChops.difference(a.crop(box), b.crop(box)).convert("L")
    return sum(1 for value in diff.tobytes() if value > threshold)
