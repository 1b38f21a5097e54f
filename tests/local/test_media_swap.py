"""The sandbox holds when a checked file is swapped before it is read (issue 12.2).

The service checks a path (``resolve_input_path``), then the backend reads it. Each test makes the
check, then swaps what is at the path, exactly as a racing attacker would between the two steps,
then lets the import read: what it finds must be refused, nothing stored, the secret never copied.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from nemo_video.backends.local.media import MediaImporter
from nemo_video.backends.local.store import Store
from nemo_video.config import Settings
from nemo_video.errors import ErrorCode, NemoVideoError
from nemo_video.guard import copy_opened, open_checked, resolve_input_path

from .conftest import make_image, stored_files

Refused = Callable[[Path], Awaitable[NemoVideoError]]


@pytest.fixture
def importer(settings: Settings, store: Store) -> MediaImporter:
    return MediaImporter(settings, store)


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, Path]:
    """(root, outside): an allowed folder with a photo, and a folder with a secret picture."""
    root, outside = tmp_path / "root", tmp_path / "outside"
    (root / "album").mkdir(parents=True)
    outside.mkdir()
    make_image(root / "album" / "photo.png", (20, 200, 20))
    make_image(outside / "photo.png", (200, 20, 200))  # the "secret": a valid image, so only the guard stops it
    return root, outside


@pytest.fixture
def refused(importer: MediaImporter, store: Store, settings: Settings) -> Refused:
    async def attempt(path: Path) -> NemoVideoError:
        with pytest.raises(NemoVideoError) as err:
            await importer.import_path("s1", path)
        assert stored_files(settings) == [] and await store.list_media("s1") == []
        return err.value

    return attempt


async def test_a_file_swapped_for_a_symlink_after_the_check_is_not_followed(
    refused: Refused, tree: tuple[Path, Path]
) -> None:
    root, outside = tree
    checked = resolve_input_path(root / "album" / "photo.png", [root])
    checked.unlink()
    checked.symlink_to(outside / "photo.png")  # the swap
    error = await refused(checked)
    assert error.code == ErrorCode.PATH_NOT_ALLOWED and "symbolic link" in error.message


async def test_a_folder_swapped_for_a_symlink_after_the_check_is_noticed(
    refused: Refused, tree: tuple[Path, Path]
) -> None:
    root, outside = tree
    checked = resolve_input_path(root / "album" / "photo.png", [root])
    (root / "album").rename(root / "old-album")
    (root / "album").symlink_to(outside)  # O_NOFOLLOW alone only guards the last component
    error = await refused(checked)
    assert error.code == ErrorCode.PATH_NOT_ALLOWED and "folder on its way" in error.message


async def test_a_fifo_swapped_in_is_refused_without_blocking(refused: Refused, tree: tuple[Path, Path]) -> None:
    root, _ = tree
    checked = resolve_input_path(root / "album" / "photo.png", [root])
    checked.unlink()
    os.mkfifo(checked)  # no writer: reading it would block forever
    error = await refused(checked)
    assert error.code == ErrorCode.MEDIA_NOT_FOUND
    with pytest.raises(NemoVideoError) as err:  # swapped in after the importer's own look, too
        open_checked(checked)
    assert err.value.code == ErrorCode.MEDIA_NOT_FOUND and "not a regular file" in err.value.message


def test_the_descriptor_must_be_the_file_that_was_checked(tree: tuple[Path, Path], tmp_path: Path) -> None:
    root, outside = tree
    path = resolve_input_path(root / "album" / "photo.png", [root])
    before = path.stat()
    os.replace(outside / "photo.png", path)  # another file renamed over the checked one
    with pytest.raises(NemoVideoError) as err:
        open_checked(path, expect=before)
    assert err.value.code == ErrorCode.PATH_NOT_ALLOWED and "another file" in err.value.message

    fd = open_checked(path, expect=path.stat())  # the same file as checked is read
    try:
        assert copy_opened(fd, tmp_path / "copy.png") == path.stat().st_size
    finally:
        os.close(fd)
    assert (tmp_path / "copy.png").read_bytes() == path.read_bytes()


def test_a_copy_that_grows_past_the_limit_is_refused(tree: tuple[Path, Path], tmp_path: Path) -> None:
    root, _ = tree
    path = root / "album" / "photo.png"
    fd = open_checked(path)
    try:
        with pytest.raises(NemoVideoError) as err:
            copy_opened(fd, tmp_path / "copy.png", limit=path.stat().st_size - 1)
    finally:
        os.close(fd)
    assert err.value.code == ErrorCode.MEDIA_TOO_LARGE


async def test_a_nul_byte_in_a_path_is_a_clear_error_not_a_crash(refused: Refused, tmp_path: Path) -> None:
    error = await refused(tmp_path / "photo\x00.png")
    assert error.code == ErrorCode.MEDIA_NOT_FOUND
    with pytest.raises(NemoVideoError) as err:
        open_checked(tmp_path / "photo\x00.png")
    assert err.value.code == ErrorCode.MEDIA_NOT_FOUND and "not a valid path" in err.value.message
