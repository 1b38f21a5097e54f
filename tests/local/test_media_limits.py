"""Tiny files cannot declare huge or needle-thin pictures: size and aspect are bounded at import (12.5).

A 100-byte 2000x2 PNG once drove ffmpeg to 2.7 GB while being scaled to cover a 1080p frame, and a
4000x1 one failed with a raw ffmpeg dump. Both are now refused by name with the limits, before
anything decodes their pixels, and nothing is stored.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from nemo_video.backends.local.media import MediaImporter
from nemo_video.backends.local.store import Store
from nemo_video.config import Settings
from nemo_video.errors import ErrorCode, NemoVideoError

from .conftest import run_ffmpeg, stored_files


@pytest.fixture
def importer(settings: Settings, store: Store) -> MediaImporter:
    return MediaImporter(settings, store)


def png(folder: Path, size: tuple[int, int], mode: str = "RGB") -> Path:
    path = folder / f"{size[0]}x{size[1]}.png"
    Image.new(mode, size).save(path, optimize=True)
    return path


@pytest.mark.parametrize(
    ("size", "words"),
    [
        ((2000, 2), "1000 times as wide as it is tall; the limit is 20:1"),
        ((4000, 1), "4000 times as wide"),
        ((1, 4000), "4000 times as tall as it is wide"),
        ((2001, 100), "20.01 times as wide"),
    ],
)
async def test_needle_thin_pictures_are_refused_with_the_limit(
    importer: MediaImporter, settings: Settings, tmp_path: Path, size: tuple[int, int], words: str
) -> None:
    path = png(tmp_path, size)
    with pytest.raises(NemoVideoError) as err:
        await importer.import_path("s1", path)
    assert err.value.code == ErrorCode.UNSUPPORTED_MEDIA
    assert f"{size[0]}x{size[1]}" in err.value.message and words in err.value.message
    assert "Crop it to at most 20:1" in err.value.hint
    assert stored_files(settings) == []


async def test_more_than_100_megapixels_is_refused_before_decoding(
    importer: MediaImporter, settings: Settings, tmp_path: Path
) -> None:
    path = png(tmp_path, (12000, 9000), mode="1")  # 108 MP in a file of a few hundred kB
    assert path.stat().st_size < 1_000_000
    with pytest.raises(NemoVideoError) as err:
        await importer.import_path("s1", path)
    assert err.value.code == ErrorCode.UNSUPPORTED_MEDIA
    assert "108 megapixels" in err.value.message and "the limit is 100 megapixels" in err.value.message
    assert stored_files(settings) == []


async def test_pictures_at_the_limits_are_accepted(importer: MediaImporter, tmp_path: Path) -> None:
    wide = await importer.import_path("s1", png(tmp_path, (2000, 100)))  # exactly 20:1
    tall = await importer.import_path("s1", png(tmp_path, (100, 2000)))
    assert (wide.width, wide.height, tall.width, tall.height) == (2000, 100, 100, 2000)


async def test_a_needle_thin_clip_is_refused_too(importer: MediaImporter, settings: Settings, tmp_path: Path) -> None:
    clip = tmp_path / "strip.mp4"
    run_ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "color=c=blue:s=1280x32:r=10",
        "-t",
        "1",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        str(clip),
    )
    with pytest.raises(NemoVideoError) as err:
        await importer.import_path("s1", clip)
    assert err.value.code == ErrorCode.UNSUPPORTED_MEDIA and "1280x32" in err.value.message
    assert "40 times as wide" in err.value.message
    assert stored_files(settings) == []
