"""Media import: good files of each family by content, bad files refused leaving nothing stored."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nemo_video.backends.local.media import MediaImporter
from nemo_video.backends.local.store import Store
from nemo_video.config import Settings
from nemo_video.errors import ErrorCode, NemoVideoError

from .conftest import make_image, run_ffmpeg, stored_files


@pytest.fixture
def importer(settings: Settings, store: Store) -> MediaImporter:
    return MediaImporter(settings, store)


@pytest.mark.parametrize(
    ("name", "kind"),
    [("red.jpg", "image"), ("red.png", "image"), ("red.webp", "image"), ("red.gif", "image")],
)
async def test_images_are_decoded_and_stored_by_hash(
    importer: MediaImporter, store: Store, samples: Path, name: str, kind: str
) -> None:
    asset = await importer.import_path("s1", samples / name)
    assert (asset.kind, asset.name, asset.width, asset.height) == (kind, name, 64, 48)
    stored = Path(asset.src)
    assert stored.parent == importer.media_dir and stored.name == f"{asset.sha256}{Path(name).suffix}"
    assert stored.read_bytes() == (samples / name).read_bytes()
    assert asset.size_bytes == (samples / name).stat().st_size
    assert await store.list_media("s1") == [asset]


async def test_video_is_probed(importer: MediaImporter, samples: Path) -> None:
    asset = await importer.import_path("s1", samples / "clip.mp4")
    facts = (asset.kind, asset.width, asset.height, asset.fps, asset.has_audio)
    assert facts == ("video", 64, 48, 10.0, True)
    assert asset.duration_s is not None and 0.9 <= asset.duration_s <= 1.1


async def test_audio_is_probed(importer: MediaImporter, samples: Path) -> None:
    asset = await importer.import_path("s1", samples / "tone.wav")
    assert asset.kind == "audio" and asset.has_audio is True and asset.width is None
    assert asset.duration_s is not None and 0.9 <= asset.duration_s <= 1.1


async def test_jpeg_extension_and_upper_case_are_accepted(
    importer: MediaImporter, samples: Path, tmp_path: Path
) -> None:
    renamed = shutil.copy(samples / "red.jpg", tmp_path / "PHOTO.JPEG")
    asset = await importer.import_path("s1", Path(renamed))
    assert asset.kind == "image" and asset.src.endswith(".jpg") and asset.name == "PHOTO.JPEG"


async def test_same_content_twice_in_a_session_is_one_asset(
    importer: MediaImporter, store: Store, samples: Path, tmp_path: Path
) -> None:
    first = await importer.import_path("s1", samples / "red.png")
    again = await importer.import_path("s1", Path(shutil.copy(samples / "red.png", tmp_path / "other.png")))
    assert again == first and len(await store.list_media("s1")) == 1


async def test_sessions_share_the_stored_file_but_not_rows(
    importer: MediaImporter, store: Store, samples: Path, settings: Settings
) -> None:
    await store.create_session("s2", "en")
    a = await importer.import_path("s1", samples / "red.webp")
    b = await importer.import_path("s2", samples / "red.webp")
    assert a.src == b.src and len(stored_files(settings)) == 1
    assert len(await store.list_media("s2")) == 1


async def test_a_png_named_jpg_is_stored_under_its_real_type(
    importer: MediaImporter, samples: Path, tmp_path: Path
) -> None:
    asset = await importer.import_path("s1", Path(shutil.copy(samples / "red.png", tmp_path / "liar.jpg")))
    assert asset.kind == "image" and asset.src.endswith(".png")


def _corrupt_jpeg(tmp: Path, samples: Path) -> Path:
    data = bytearray((samples / "red.jpg").read_bytes())
    data[30:] = b"\x00" * (len(data) - 30)  # header survives, the tables and scan do not
    (tmp / "corrupt.jpg").write_bytes(bytes(data))
    return tmp / "corrupt.jpg"


def _truncated(name: str, keep: float):  # type: ignore[no-untyped-def]
    def make(tmp: Path, samples: Path) -> Path:
        data = (samples / name).read_bytes()
        target = tmp / f"truncated-{name}"
        target.write_bytes(data[: int(len(data) * keep)])
        return target

    return make


def _write(name: str, content: bytes):  # type: ignore[no-untyped-def]
    def make(tmp: Path, samples: Path) -> Path:
        (tmp / name).write_bytes(content)
        return tmp / name

    return make


def _too_large(tmp: Path, samples: Path) -> Path:
    target = tmp / "huge.mp4"
    with target.open("wb") as fh:
        fh.truncate(200 * 1024 * 1024 + 1)  # sparse: nothing is written
    return target


def _bmp(tmp: Path, samples: Path) -> Path:
    return make_image(tmp / "picture.bmp")


def _bmp_named_png(tmp: Path, samples: Path) -> Path:
    make_image(tmp / "x.bmp")
    return Path(shutil.move(tmp / "x.bmp", tmp / "really-bmp.png"))


def _image_named_mp4(tmp: Path, samples: Path) -> Path:
    return Path(shutil.copy(samples / "red.png", tmp / "still.mp4"))


def _video_named_wav(tmp: Path, samples: Path) -> Path:
    return Path(shutil.copy(samples / "red.gif", tmp / "song.wav"))


BAD = {
    "corrupt-jpeg": (_corrupt_jpeg, ErrorCode.UNSUPPORTED_MEDIA),
    "zero-bytes": (_write("empty.png", b""), ErrorCode.UNSUPPORTED_MEDIA),
    "truncated-jpeg": (_truncated("red.jpg", 0.6), ErrorCode.UNSUPPORTED_MEDIA),
    "truncated-mp4": (_truncated("clip.mp4", 0.5), ErrorCode.UNSUPPORTED_MEDIA),
    "text-named-mp4": (_write("notes.mp4", b"hello, this is text\n" * 50), ErrorCode.UNSUPPORTED_MEDIA),
    "text-named-jpg": (_write("notes.jpg", b"hello, this is text\n" * 50), ErrorCode.UNSUPPORTED_MEDIA),
    "hls-playlist-named-mp4": (
        _write("playlist.mp4", b"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nhttp://127.0.0.1:9/x.ts\n"),
        ErrorCode.UNSUPPORTED_MEDIA,
    ),
    "concat-list-named-mkv": (
        _write("list.mkv", b"ffconcat version 1.0\nfile '/etc/hosts'\n"),
        ErrorCode.UNSUPPORTED_MEDIA,
    ),
    "txt-extension": (_write("notes.txt", b"hello"), ErrorCode.UNSUPPORTED_MEDIA),
    "bmp-extension": (_bmp, ErrorCode.UNSUPPORTED_MEDIA),
    "bmp-named-png": (_bmp_named_png, ErrorCode.UNSUPPORTED_MEDIA),
    "image-named-mp4": (_image_named_mp4, ErrorCode.UNSUPPORTED_MEDIA),
    "gif-named-wav": (_video_named_wav, ErrorCode.UNSUPPORTED_MEDIA),
    "over-200-mb": (_too_large, ErrorCode.MEDIA_TOO_LARGE),
    "missing": (lambda tmp, samples: tmp / "nowhere.jpg", ErrorCode.MEDIA_NOT_FOUND),
}


@pytest.mark.parametrize("case", sorted(BAD))
async def test_bad_files_are_refused_and_leave_nothing(
    importer: MediaImporter, store: Store, samples: Path, tmp_path: Path, settings: Settings, case: str
) -> None:
    make, code = BAD[case]
    bad = make(tmp_path, samples)
    await importer.import_path("s1", samples / "red.jpg")  # something already there must stay as it was
    before = stored_files(settings)
    with pytest.raises(NemoVideoError) as err:
        await importer.import_path("s1", bad)
    assert err.value.code == code
    assert bad.name in err.value.message
    assert stored_files(settings) == before
    assert [a.name for a in await store.list_media("s1")] == ["red.jpg"]


async def test_unknown_session_stores_nothing(importer: MediaImporter, samples: Path, settings: Settings) -> None:
    with pytest.raises(NemoVideoError) as err:
        await importer.import_path("ghost", samples / "red.jpg")
    assert err.value.code == ErrorCode.UNKNOWN_SESSION
    assert stored_files(settings) == []


# ---------------------------------------------------------------- URLs


async def test_url_import_from_loopback_when_private_allowed(
    settings: Settings, store: Store, samples: Path, http_root: tuple[str, Path]
) -> None:
    base, root = http_root
    shutil.copy(samples / "red.png", root / "brand.png")
    importer = MediaImporter(settings.with_(allow_private_urls=True), store)
    by_name = base.replace("127.0.0.1", "localhost")  # resolved once, then connected to by address
    asset = await importer.import_url("s1", f"{by_name}/redirect-to/brand.png")
    assert (asset.kind, asset.name, asset.width) == ("image", "brand.png", 64)
    assert Path(asset.src).read_bytes() == (samples / "red.png").read_bytes()


async def test_url_without_extension_uses_content_type(
    settings: Settings, store: Store, samples: Path, http_root: tuple[str, Path]
) -> None:
    base, root = http_root
    shutil.copy(samples / "clip.mp4", root / "clip.mp4")
    importer = MediaImporter(settings.with_(allow_private_urls=True), store)
    asset = await importer.import_url("s1", f"{base}/clip.mp4?download=1")
    assert asset.kind == "video" and asset.name == "clip.mp4"


URL_BAD = {
    "private-address": (False, "/brand.png", ErrorCode.URL_NOT_ALLOWED),
    "redirect-to-404": (True, "/redirect-to/nothing.png", ErrorCode.MEDIA_NOT_FOUND),
    "too-large-by-header": (True, "/huge.jpg", ErrorCode.MEDIA_TOO_LARGE),
    "text-named-jpg": (True, "/notes.jpg", ErrorCode.UNSUPPORTED_MEDIA),
    "unsupported-extension": (True, "/notes.txt", ErrorCode.UNSUPPORTED_MEDIA),
}


@pytest.mark.parametrize("case", sorted(URL_BAD))
async def test_bad_urls_are_refused_and_leave_nothing(
    settings: Settings, store: Store, samples: Path, http_root: tuple[str, Path], case: str
) -> None:
    allow, path, code = URL_BAD[case]
    base, root = http_root
    shutil.copy(samples / "red.png", root / "brand.png")
    (root / "notes.jpg").write_text("not an image")
    (root / "notes.txt").write_text("not an image")
    importer = MediaImporter(settings.with_(allow_private_urls=allow), store)
    with pytest.raises(NemoVideoError) as err:
        await importer.import_url("s1", base + path)
    assert err.value.code == code
    assert stored_files(settings) == []
    assert await store.list_media("s1") == []


async def test_a_stalled_download_is_stopped_and_leaves_nothing(
    settings: Settings, store: Store, http_root: tuple[str, Path]
) -> None:
    base, _ = http_root
    importer = MediaImporter(settings.with_(allow_private_urls=True), store, download_timeout_s=0.3)
    with pytest.raises(NemoVideoError) as err:
        await importer.import_url("s1", f"{base}/slow.jpg")
    assert err.value.code == ErrorCode.MEDIA_NOT_FOUND and "took longer" in err.value.message
    assert stored_files(settings) == [] and await store.list_media("s1") == []


AV_FORMATS = {
    "clip.mov": ("video", ["-c:v", "libx264", "-pix_fmt", "yuv420p"]),
    "clip.mkv": ("video", ["-c:v", "libx264", "-pix_fmt", "yuv420p"]),
    "clip.webm": ("video", ["-c:v", "libvpx-vp9", "-deadline", "realtime"]),
    "clip.avi": ("video", ["-c:v", "mpeg4"]),
    "tone.mp3": ("audio", []),
    "tone.m4a": ("audio", []),
    "tone.aac": ("audio", []),
}


@pytest.mark.parametrize("name", sorted(AV_FORMATS))
async def test_every_audio_video_format_imports(importer: MediaImporter, tmp_path: Path, name: str) -> None:
    kind, codec = AV_FORMATS[name]
    source = "testsrc=size=32x24:rate=5" if kind == "video" else "sine=frequency=440"
    run_ffmpeg("-f", "lavfi", "-i", source, "-t", "0.6", *codec, str(tmp_path / name))
    asset = await importer.import_path("s1", tmp_path / name)
    assert asset.kind == kind and asset.src.endswith(Path(name).suffix)
    assert asset.duration_s is not None and 0.4 <= asset.duration_s <= 0.8
    assert (asset.width, asset.height) == ((32, 24) if kind == "video" else (None, None))
