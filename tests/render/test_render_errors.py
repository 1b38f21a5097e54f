"""Render failures that are not transient get their own code and next step, in one line.

Real causes, real ffmpeg: a read-only folder (a read-only tmpfs: we run as root, for whom chmod does
not stop writes), a folder deleted mid-render, a stored picture truncated or deleted, names too long.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from nemo_video.backends.base import RenderRequest
from nemo_video.backends.local.render import render_draft
from nemo_video.config import Settings
from nemo_video.draft import Draft
from nemo_video.errors import DEFAULT_HINTS, ErrorCode, NemoVideoError
from nemo_video.service.outputs import safe_stem

from .builders import draft, image_segment, picture


def _one_picture(folder: Path, name: str = "a.png") -> tuple[Draft, Path]:
    photo = picture(folder, name, (200, 60, 40), (160, 90))
    return draft([image_segment(photo, 1000, transition=None, size=(160, 90))]), photo


async def _failure(d: Draft, destination: Path, settings: Settings) -> NemoVideoError:
    with pytest.raises(NemoVideoError) as caught:
        await render_draft(d, RenderRequest(destination=destination, height=72), settings)
    return caught.value


def _told_once(error: NemoVideoError, code: ErrorCode) -> None:
    """The code, a one-line message without ffmpeg's words, the code's own next step, said once."""
    assert error.code is code, error
    assert "\n" not in error.message and "ffmpeg stopped" not in error.message and "@ 0x" not in error.message
    assert error.hint == DEFAULT_HINTS[code] and error.hint not in error.message
    assert "Try exporting again" not in str(error)


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "read-only"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(folder)], check=False, capture_output=True, text=True
    )
    if mounted.returncode != 0:  # reported in the summary (-ra), never silent
        pytest.skip(f"the read-only folder test mounts a tmpfs (root): {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False, capture_output=True)


async def test_a_read_only_output_folder_is_output_not_writable(
    settings: Settings, tmp_path: Path, read_only_folder: Path
) -> None:
    d, _ = _one_picture(tmp_path)
    error = await _failure(d, read_only_folder / "x.mp4", settings)
    _told_once(error, ErrorCode.OUTPUT_NOT_WRITABLE)
    assert "read-only" in error.message and str(read_only_folder) in error.message


@pytest.mark.parametrize("fmt", ["mp4", "gif"])  # a GIF has no faststart pass to notice it
async def test_an_output_folder_deleted_mid_render_is_output_not_writable(
    settings: Settings, tmp_path: Path, fmt: str
) -> None:
    colours = [(200, 60, 40), (40, 60, 200), (40, 200, 60)]
    d = draft([image_segment(picture(tmp_path, f"p{i}.png", c), 2000) for i, c in enumerate(colours)])
    folder = tmp_path / "vanishing"
    request = RenderRequest(destination=folder / f"x.{fmt}", format=fmt, height=180)  # type: ignore[arg-type]

    def remove_the_folder(fraction: float, _message: str) -> None:
        if fraction > 0.2:  # once ffmpeg has started writing
            shutil.rmtree(folder, ignore_errors=True)

    with pytest.raises(NemoVideoError) as caught:
        await render_draft(d, request, settings, remove_the_folder)
    error = caught.value
    _told_once(error, ErrorCode.OUTPUT_NOT_WRITABLE)
    assert "no longer exists" in error.message and not folder.exists()


async def test_a_truncated_stored_picture_is_media_damaged_and_named(settings: Settings, tmp_path: Path) -> None:
    d, photo = _one_picture(tmp_path, "holiday.png")
    photo.write_bytes(photo.read_bytes()[: photo.stat().st_size // 3])
    error = await _failure(d, settings.output_dir / "x.mp4", settings)
    _told_once(error, ErrorCode.MEDIA_DAMAGED)
    assert "holiday.png" in error.message
    assert sorted(p.name for p in settings.output_dir.iterdir()) == []


async def test_a_deleted_stored_picture_is_media_missing_before_ffmpeg_runs(settings: Settings, tmp_path: Path) -> None:
    d, photo = _one_picture(tmp_path, "gone.png")  # its size is stored: nothing probes it first
    photo.unlink()
    error = await _failure(d, settings.output_dir / "x.mp4", settings)
    _told_once(error, ErrorCode.MEDIA_MISSING)
    assert "gone.png" in error.message


@pytest.mark.parametrize("stem", ["長" * 70, "x" * 230])
async def test_a_name_too_long_for_the_file_system_is_refused_in_words(
    settings: Settings, tmp_path: Path, stem: str
) -> None:
    d, _ = _one_picture(tmp_path)
    error = await _failure(d, settings.output_dir / f"{stem}.mp4", settings)
    _told_once(error, ErrorCode.OUTPUT_NOT_WRITABLE)
    assert "too long" in error.message and len(error.message) < 300
    assert not settings.output_dir.exists() or list(settings.output_dir.iterdir()) == []


async def test_a_120_character_cjk_export_name_is_shortened_to_fit_and_renders(
    settings: Settings, tmp_path: Path
) -> None:
    stem = safe_stem("夏" * 120)
    assert len(stem.encode()) <= 190 and set(stem) == {"夏"}
    d, _ = _one_picture(tmp_path)
    out = await render_draft(d, RenderRequest(destination=settings.output_dir / f"{stem}.mp4", height=72), settings)
    assert out.path.is_file() and out.poster is not None and out.poster.is_file()
