"""Uploads: one multipart request for several files, URL imports, checks before anything is sent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nemo_video.backends.cloud import CloudBackend
from nemo_video.errors import ErrorCode, NemoVideoError
from tests.double import NemoDouble


async def test_several_files_in_one_multipart_request(
    backend: CloudBackend, nemo_double: NemoDouble, tmp_path: Path
) -> None:
    session = await backend.open_session()
    paths = [tmp_path / "a.jpeg", tmp_path / "b.mp3", tmp_path / "c.MOV"]
    for i, path in enumerate(paths):
        path.write_bytes(bytes([i]) * (10 + i))
    assets = await backend.upload(session, paths)
    (call,) = nemo_double.calls("upload")
    assert call.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert call.body.count(b'name="files"') == 3
    assert [a.kind for a in assets] == ["image", "audio", "video"]
    assert [a.size_bytes for a in assets] == [10, 11, 12]
    assert len(nemo_double.sessions[session.id]["video_infos"]) == 3


async def test_urls_are_sent_as_json(backend: CloudBackend, nemo_double: NemoDouble) -> None:
    session = await backend.open_session()
    assets = await backend.upload(session, urls=["https://cdn.example.com/clips/city_timelapse.mp4"])
    (call,) = nemo_double.calls("upload")
    assert call.json() == {"urls": ["https://cdn.example.com/clips/city_timelapse.mp4"], "source_type": "url"}
    assert assets[0].name == "city_timelapse.mp4" and assets[0].kind == "video"


@pytest.mark.parametrize(
    ("name", "size", "code"),
    [
        ("photo.heic", 10, ErrorCode.UNSUPPORTED_MEDIA),
        ("notes", 10, ErrorCode.UNSUPPORTED_MEDIA),
        ("huge.mp4", 200 * 1024 * 1024 + 1, ErrorCode.MEDIA_TOO_LARGE),
    ],
)
async def test_checks_happen_before_sending(
    backend: CloudBackend, nemo_double: NemoDouble, tmp_path: Path, name: str, size: int, code: ErrorCode
) -> None:
    session = await backend.open_session()
    good = tmp_path / "ok.png"
    good.write_bytes(b"x")
    bad = tmp_path / name
    with bad.open("wb") as fh:  # sparse: a 200 MB file costs no disk
        fh.truncate(size)
    with pytest.raises(NemoVideoError) as caught:
        await backend.upload(session, [good, bad])
    assert caught.value.code == code and name in caught.value.message and caught.value.hint
    assert nemo_double.count("upload") == 0


async def test_exactly_200_mb_is_allowed_by_the_check(tmp_path: Path) -> None:
    from nemo_video.backends.cloud.media import check_paths

    path = tmp_path / "edge.mp4"
    with path.open("wb") as fh:
        fh.truncate(200 * 1024 * 1024)
    assert check_paths([path]) == [(path, "video/mp4")]
    os.remove(path)


async def test_missing_file(backend: CloudBackend, nemo_double: NemoDouble, tmp_path: Path) -> None:
    session = await backend.open_session()
    with pytest.raises(NemoVideoError) as caught:
        await backend.upload(session, [tmp_path / "nope.jpg"])
    assert caught.value.code == ErrorCode.MEDIA_NOT_FOUND and nemo_double.count("upload") == 0


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("ftp://example.com/a.mp4", ErrorCode.URL_NOT_ALLOWED),
        ("https://example.com/a.heic", ErrorCode.UNSUPPORTED_MEDIA),
    ],
)
async def test_url_checks(backend: CloudBackend, nemo_double: NemoDouble, url: str, code: ErrorCode) -> None:
    session = await backend.open_session()
    with pytest.raises(NemoVideoError) as caught:
        await backend.upload(session, urls=[url])
    assert caught.value.code == code and nemo_double.count("upload") == 0


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        (4001, ErrorCode.UNSUPPORTED_MEDIA),
        (4002, ErrorCode.MEDIA_TOO_LARGE),
        (413, ErrorCode.MEDIA_TOO_LARGE),
        (2001, ErrorCode.OUT_OF_CREDITS),
        (502, ErrorCode.BACKEND_ERROR),
        ("reset", ErrorCode.BACKEND_UNREACHABLE),
    ],
)
async def test_server_side_refusals_are_mapped(
    backend: CloudBackend, nemo_double: NemoDouble, tmp_path: Path, fault: int | str, code: ErrorCode
) -> None:
    session = await backend.open_session()
    (tmp_path / "a.png").write_bytes(b"x")
    nemo_double.fail_next("upload", fault)
    with pytest.raises(NemoVideoError) as caught:
        await backend.upload(session, [tmp_path / "a.png"])
    assert caught.value.code == code
    assert nemo_double.count("upload") == 1  # never re-sent
