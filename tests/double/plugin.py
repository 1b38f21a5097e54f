"""pytest plugin: ``nemo_double`` (a started :class:`NemoDouble`, one per test) and ``tiny_mp4``."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest

from .server import NemoDouble


@pytest.fixture(scope="session")
def tiny_mp4(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A real 1 s 160x90 H.264 MP4, made once per test run with the bundled ffmpeg."""
    import imageio_ffmpeg  # type: ignore[import-untyped]

    out = tmp_path_factory.mktemp("double-media") / "tiny.mp4"
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-nostdin",
            "-f",
            "lavfi",
            "-i",
            "color=c=0x3366cc:s=160x90:d=1:r=10",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-movflags",
            "+faststart",
            str(out),
        ],
        check=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        timeout=60,
    )
    return out.read_bytes()


@pytest.fixture
def nemo_double(tiny_mp4: bytes) -> Iterator[NemoDouble]:
    double = NemoDouble(mp4=tiny_mp4).start()
    try:
        yield double
    finally:
        double.stop()


__all__ = ["nemo_double", "tiny_mp4"]
