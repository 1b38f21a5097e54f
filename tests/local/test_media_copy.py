"""The store keeps its own copy and never renders bytes other than the ones uploaded (issue 12.3)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nemo_video.backends.base import RenderRequest
from nemo_video.backends.local import LocalBackend
from nemo_video.backends.local.media import MediaImporter
from nemo_video.backends.local.store import Store
from nemo_video.config import Settings
from nemo_video.errors import ErrorCode, NemoVideoError

from ..render.builders import draft, image_segment
from .conftest import make_image


@pytest.fixture
def importer(settings: Settings, store: Store) -> MediaImporter:
    return MediaImporter(settings, store)


@pytest.fixture
async def backend(settings: Settings) -> LocalBackend:
    made = LocalBackend(settings)
    yield made  # type: ignore[misc]
    await made.aclose()


async def test_editing_the_original_after_upload_does_not_change_the_stored_copy(
    importer: MediaImporter, tmp_path: Path
) -> None:
    original = make_image(tmp_path / "logo.png", (10, 90, 200))
    uploaded = original.read_bytes()
    asset = await importer.import_path("s1", original)
    stored = Path(asset.src)
    assert stored.stat().st_ino != original.stat().st_ino and stored.stat().st_nlink == 1

    with original.open("r+b") as fh:  # edited in place, as an image editor saving over it would
        fh.write(b"\x00" * 64)
    assert stored.read_bytes() == uploaded
    await importer.verify([asset])  # still the bytes it was stored under


async def test_dedupe_never_serves_other_bytes_than_the_upload(
    importer: MediaImporter, store: Store, tmp_path: Path
) -> None:
    await store.create_session("s2", "en")
    picture = make_image(tmp_path / "a.png", (200, 40, 40))
    first = await importer.import_path("s1", picture)
    Path(first.src).write_bytes(b"damaged")  # the stored copy changed behind the store's back

    second = await importer.import_path("s2", shutil.copy(picture, tmp_path / "b.png"))
    assert second.src == first.src
    assert Path(second.src).read_bytes() == picture.read_bytes()  # repaired, not reused
    await importer.verify([first, second])


@pytest.mark.parametrize("damage", ["truncated", "rewritten", "deleted"])
async def test_a_damaged_stored_file_is_a_clear_error_before_the_render_and_an_upload_repairs_it(
    backend: LocalBackend, tmp_path: Path, damage: str
) -> None:
    photo = make_image(tmp_path / "beach.jpg", (30, 120, 220), (320, 180))
    session = await backend.open_session("en")
    (asset,) = await backend.upload(session, [photo])
    stored = Path(asset.src)
    video = draft([image_segment(stored, 600, transition=None, size=(320, 180))])
    request = RenderRequest(destination=tmp_path / "out" / "v.mp4", height=180, quality="draft")

    if damage == "truncated":
        stored.write_bytes(stored.read_bytes()[: stored.stat().st_size // 2])
    elif damage == "rewritten":  # same size, other bytes: only the hash tells
        stored.write_bytes(bytes(reversed(stored.read_bytes())))
    else:
        stored.unlink()
    with pytest.raises(NemoVideoError) as err:
        await backend.render(session, video, request)
    assert err.value.code == ErrorCode.MEDIA_CHANGED
    assert "beach.jpg" in err.value.message and "Upload beach.jpg again" in err.value.hint
    assert "ffmpeg" not in str(err.value).lower()
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())

    await backend.upload(session, [photo])  # the next step the hint gives
    output = await backend.render(session, video, request)
    assert output.path == request.destination and request.destination.stat().st_size > 0
