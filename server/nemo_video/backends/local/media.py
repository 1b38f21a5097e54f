"""Bringing media into a local session: by path or by http(s) URL, checked by content.

Every import goes through one path: stage the bytes in a private temporary folder inside the store
(an independent copy read from one descriptor opened without following symlinks, a reflink where
the filesystem has them; or the download), check the size, decode the content (Pillow for images,
ffmpeg for audio/video), hash it, move it to ``media/<sha256>.<ext>`` and record it. Any failure
removes the staging folder, so a refused file leaves nothing behind: no row, no file, no temporary
file. The stored copy never shares its bytes with the user's original, and a render checks each
stored file against its hash before using it (:meth:`MediaImporter.verify`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import stat
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import anyio
import httpx

from ...config import Settings
from ...errors import SUPPORTED_FORMATS, ErrorCode, NemoVideoError
from ...guard import MAX_BYTES, check_url, copy_opened, open_checked, resolve_url
from ...media import locate, probe
from ..base import Asset, MediaKind
from . import clip_frames
from .media_facts import check_dimensions, orientation_of
from .media_inspect import (
    Inspection,
    decode_start,
    inspect_image,
    iso_cut_short,
    looks,
    middle_frame,
    sniff_container,
)
from .store import Store

log = logging.getLogger(__name__)

FAMILY: dict[str, MediaKind] = {
    "jpg": "image",
    "png": "image",
    "gif": "image",
    "webp": "image",
    "mp4": "video",
    "mov": "video",
    "avi": "video",
    "webm": "video",
    "mkv": "video",
    "mp3": "audio",
    "wav": "audio",
    "m4a": "audio",
    "aac": "audio",
}
assert set(FAMILY) == set(SUPPORTED_FORMATS)

_CONTENT_TYPES = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "video/x-msvideo": "avi",
    "video/webm": "webm",
    "video/x-matroska": "mkv",
    "audio/mpeg": "mp3",
    "audio/wav": "wav",
    "audio/x-wav": "wav",
    "audio/mp4": "m4a",
    "audio/x-m4a": "m4a",
    "audio/aac": "aac",
}
MAX_REDIRECTS = 5
DOWNLOAD_TIMEOUT_S = 600.0
_MB = 1024 * 1024
_STORED_NAME = re.compile(r"^[0-9a-f]{64}$")
_PROBED_CONTAINERS = {"mov", "matroska", "avi", "mp3", "wav", "aac"}


def normalise_extension(name: str) -> str:
    """The supported extension of ``name`` (``jpeg`` → ``jpg``), or raise ``unsupported_media``."""
    ext = Path(name).suffix.lower().lstrip(".")
    ext = "jpg" if ext == "jpeg" else ext
    if ext not in FAMILY:
        shown = f".{ext}" if ext else "no extension"
        raise NemoVideoError(ErrorCode.UNSUPPORTED_MEDIA, f"{name} has {shown}, which is not a supported media format.")
    return ext


def check_size(name: str, size: int) -> None:
    if size == 0:
        raise NemoVideoError(
            ErrorCode.UNSUPPORTED_MEDIA, f"{name} is empty (0 bytes).", hint="Pass a real image, video or audio file."
        )
    if size > MAX_BYTES:
        raise NemoVideoError(
            ErrorCode.MEDIA_TOO_LARGE,
            f"{name} is {size / _MB:.0f} MB; the limit is {MAX_BYTES // _MB} MB.",
        )


class MediaImporter:
    """Imports files into ``data_dir/media`` and records them in the store."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        http: httpx.AsyncClient | None = None,
        download_timeout_s: float = DOWNLOAD_TIMEOUT_S,
    ) -> None:
        self._settings = settings
        self._store = store
        self._http = http
        self._download_timeout_s = download_timeout_s
        self.media_dir = settings.data_dir / "media"
        self._verified: dict[str, tuple[int, ...]] = {}  # stored path → stat signature it was hashed at

    async def import_path(self, session_id: str, path: Path, *, added: list[Asset] | None = None) -> Asset:
        """Import the file at ``path``: the real path the sandbox check returned (no symlinks)."""
        source = Path(path).expanduser()
        checked = _checked_stat(source)
        name = source.name
        ext = normalise_extension(name)
        check_size(name, checked.st_size)
        async with self._staging(name, ext) as staged:
            await anyio.to_thread.run_sync(_copy_in, source, checked, staged)
            return await self._accept(session_id, name, staged, added)

    async def import_url(self, session_id: str, url: str, *, added: list[Asset] | None = None) -> Asset:
        checked = await check_url(url, self._settings.allow_private_urls)
        name = _name_from_url(checked)
        async with self._staging(name, "bin") as staged:
            try:
                with anyio.fail_after(self._download_timeout_s):
                    content_type = await self._download(checked, staged)
            except TimeoutError as exc:
                raise NemoVideoError(
                    ErrorCode.MEDIA_NOT_FOUND,
                    f"Downloading {checked} took longer than {self._download_timeout_s:g} s and was stopped.",
                    hint="Try again later, or download the file yourself and upload it by path.",
                ) from exc
            if Path(name).suffix.lower().lstrip(".") not in (*FAMILY, "jpeg"):
                ext = _CONTENT_TYPES.get(content_type)
                name = f"{Path(name).stem or 'download'}.{ext}" if ext else name
            normalise_extension(name)
            return await self._accept(session_id, name, staged, added)

    # ------------------------------------------------------------ shared steps

    def _staging(self, name: str, ext: str) -> _Staging:
        return _Staging(self.media_dir, name, ext)

    async def _accept(self, session_id: str, name: str, staged: Path, added: list[Asset] | None) -> Asset:
        """Check the staged bytes, then move them into the store and record them (new ones in ``added``)."""
        await self._store.get_session(session_id)
        check_size(name, staged.stat().st_size)
        found = await self._inspect(name, staged)
        if found.still is not None:
            staged = found.still
            check_size(name, staged.stat().st_size)
        sha256 = await anyio.to_thread.run_sync(_sha256, staged)
        final = self.media_dir / f"{sha256}.{found.ext}"
        placed = await anyio.to_thread.run_sync(_place, staged, final, sha256)
        try:
            asset, created = await self._store.add_media(
                session_id,
                name=name,
                kind=found.kind,
                path=final,
                sha256=sha256,
                size=final.stat().st_size,
                facts=found.facts,
            )
        except BaseException:
            if placed and not await self._store.media_path_used(final):
                final.unlink(missing_ok=True)
            raise
        if found.frames is not None and not clip_frames.sidecar(final).exists():
            await anyio.to_thread.run_sync(clip_frames.save, found.frames, final)
        verb = "imported" if created else "already had"
        log.info("media %s %s as %s (%s)", verb, name, asset.id, found.kind)
        if created and added is not None:
            added.append(asset)
        return asset

    async def import_batch(self, session_id: str, paths: Sequence[Path], urls: Sequence[str]) -> list[Asset]:
        """Import several files all-or-nothing: when one is refused, the ones this call added go too."""
        added: list[Asset] = []
        try:
            assets = [await self.import_path(session_id, Path(p), added=added) for p in paths]
            assets += [await self.import_url(session_id, u, added=added) for u in urls]
        except BaseException:
            with anyio.CancelScope(shield=True):
                for asset in added:
                    await self._store.remove_media(session_id, asset.id)
                    if not await self._store.media_path_used(Path(asset.src)):
                        Path(asset.src).unlink(missing_ok=True)
                        clip_frames.sidecar(Path(asset.src)).unlink(missing_ok=True)
            raise
        return assets

    async def _inspect(self, name: str, staged: Path) -> Inspection:
        ext = normalise_extension(name)
        family = FAMILY[ext]
        if family == "image":
            return await anyio.to_thread.run_sync(inspect_image, name, staged)
        # Sniff before ffmpeg sees the file: a text "video" may be a playlist that makes ffmpeg fetch
        # URLs or read other files. Only real containers of the 13 formats go on to be probed.
        if await anyio.to_thread.run_sync(sniff_container, staged) is None:
            raise NemoVideoError(
                ErrorCode.UNSUPPORTED_MEDIA, f"{name} is named .{ext} but its content is not {family}."
            )
        if await anyio.to_thread.run_sync(iso_cut_short, staged):
            raise NemoVideoError(
                ErrorCode.UNSUPPORTED_MEDIA,
                f"{name} is incomplete: the file ends before its data does (a cut-off copy or download).",
                hint="Copy or download the file again, then upload it.",
            )
        ffmpeg = locate(self._settings)
        try:
            info = await probe(staged, ffmpeg)
        except NemoVideoError as exc:
            raise NemoVideoError(
                ErrorCode.UNSUPPORTED_MEDIA, f"{name} is not a readable {family} file: {exc.message}"
            ) from exc
        if info.container not in _PROBED_CONTAINERS:
            raise NemoVideoError(
                ErrorCode.UNSUPPORTED_MEDIA, f"{name} is a {info.container or 'unknown'} file, not {family}."
            )
        is_video = info.has_video and not info.is_still_image
        if family == "video" and is_video:
            kind: MediaKind = "video"
        elif info.has_audio and not is_video:
            kind = "audio"  # an .m4a with cover art, or an audio-only .mp4
        else:
            found = "an image" if info.is_still_image else "no usable stream"
            raise NemoVideoError(
                ErrorCode.UNSUPPORTED_MEDIA, f"{name} is named .{ext} but contains {found}, not {family}."
            )
        if kind == "video" and info.width and info.height:
            check_dimensions(name, info.width, info.height, clip=True)
        await decode_start(ffmpeg, name, staged, kind)
        if not info.duration_s:
            raise NemoVideoError(ErrorCode.UNSUPPORTED_MEDIA, f"{name} has no measurable duration.")
        facts: dict[str, Any] = {"duration_s": info.duration_s, "has_audio": info.has_audio}
        if kind == "video":
            frame = await middle_frame(ffmpeg, staged, info.duration_s)
            width, height = frame.size or (info.width, info.height)  # as displayed: rotation applied
            shown = (
                looks(frame.thumbnail, width, height)
                if frame.thumbnail
                else {"orientation": orientation_of(width, height)}
            )
            facts |= {"width": width, "height": height, "fps": info.fps, **shown}
            if width and height:  # a few small frames for the legibility of texts over the clip
                frames = await clip_frames.extract(ffmpeg, staged, info.duration_s, (width, height))
                return Inspection(kind, ext, facts, frames=frames)
        return Inspection(kind, ext, facts)

    async def verify(self, media: Iterable[Asset]) -> None:
        """Check that every stored file still holds the bytes it was stored under, before a render.

        A stored file edited, truncated or deleted (by hand, a disk fault, a cleaning tool) is
        reported with the upload's name and what to do, instead of failing inside ffmpeg.
        """
        for asset in media:
            path = Path(asset.src)
            if path.parent != self.media_dir or not _STORED_NAME.match(path.stem):
                continue
            await anyio.to_thread.run_sync(self._verify_one, asset.name, path)

    def _verify_one(self, name: str, path: Path) -> None:
        try:
            info = path.stat()
        except FileNotFoundError as exc:
            raise NemoVideoError(
                ErrorCode.MEDIA_CHANGED,
                f"The stored copy of {name} is gone from {self.media_dir}.",
                hint=f"Upload {name} again, then export again (or ask to remove it from the video).",
            ) from exc
        signature = (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
        if self._verified.get(str(path)) == signature:
            return
        if _sha256(path) != path.stem:
            raise NemoVideoError(
                ErrorCode.MEDIA_CHANGED,
                f"The stored copy of {name} was changed or damaged after upload ({info.st_size} bytes that "
                "no longer match what was uploaded), so it was not used.",
                hint=f"Upload {name} again (the upload repairs the stored copy), then export again; or ask "
                "to remove it from the video.",
            )
        self._verified[str(path)] = signature

    async def _download(self, url: str, target: Path) -> str:
        """Stream ``url`` into ``target`` with the size cap; returns the content type.

        Redirects are followed by hand so that every hop is checked, and each request connects to
        the address that was checked (see :meth:`CheckedURL.pinned`).
        """
        client = self._http or httpx.AsyncClient(timeout=self._settings.http_timeout_s)
        allow = self._settings.allow_private_urls
        try:
            for _ in range(MAX_REDIRECTS + 1):
                checked = await resolve_url(url, allow)
                pinned_url, headers, extensions = checked.pinned()
                request = client.build_request("GET", pinned_url, headers=headers, extensions=extensions)
                response = await client.send(request, stream=True, follow_redirects=False)
                try:
                    if response.is_redirect and "location" in response.headers:
                        url = str(httpx.URL(checked.url).join(response.headers["location"]))
                        continue
                    _check_response(checked.url, response)
                    await _stream_to(response, target, checked.url)
                    content_type: str = response.headers.get("content-type", "")
                    return content_type.split(";")[0].strip().lower()
                finally:
                    await response.aclose()
            raise NemoVideoError(ErrorCode.MEDIA_NOT_FOUND, f"{url} redirected more than {MAX_REDIRECTS} times.")
        except httpx.HTTPError as exc:
            raise NemoVideoError(
                ErrorCode.MEDIA_NOT_FOUND,
                f"Downloading {url} failed ({type(exc).__name__}: {exc}).",
                hint="Check the URL and the network, or upload the file by path.",
            ) from exc
        finally:
            if self._http is None:
                await client.aclose()


class _Staging:
    """A private folder ``media/.incoming-<uuid>/`` holding one file; removed on exit whatever happens."""

    def __init__(self, media_dir: Path, name: str, ext: str) -> None:
        self._dir = media_dir / f".incoming-{uuid.uuid4().hex}"
        safe = Path(name.replace("\\", "/")).name.strip() or f"media.{ext}"
        self._file = self._dir / safe[-120:]

    async def __aenter__(self) -> Path:
        await anyio.to_thread.run_sync(lambda: self._dir.mkdir(parents=True, mode=0o700))
        return self._file

    async def __aexit__(self, *exc: object) -> None:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(lambda: shutil.rmtree(self._dir, ignore_errors=True))


def _check_response(url: str, response: httpx.Response) -> None:
    if response.status_code >= 400:
        raise NemoVideoError(
            ErrorCode.MEDIA_NOT_FOUND,
            f"{url} answered HTTP {response.status_code}.",
            hint="Check that the URL points at the file itself and is publicly readable.",
        )
    length = response.headers.get("content-length", "")
    if length.isdigit():
        check_size(url, int(length))


async def _stream_to(response: httpx.Response, target: Path, url: str) -> None:
    received = 0
    async with await anyio.open_file(target, "wb") as fh:
        async for chunk in response.aiter_bytes(1024 * 1024):
            received += len(chunk)
            if received > MAX_BYTES:
                raise NemoVideoError(
                    ErrorCode.MEDIA_TOO_LARGE,
                    f"{url} is larger than the {MAX_BYTES // _MB} MB limit; the download was stopped.",
                )
            await fh.write(chunk)


def _name_from_url(url: str) -> str:
    last = unquote(httpx.URL(url).path.rstrip("/").rsplit("/", 1)[-1])
    return last or "download"


def _checked_stat(source: Path) -> os.stat_result:
    """The file as checked now; it must be a regular file, not a symlink (the sandbox resolved them)."""
    try:
        checked = source.lstat()
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the name
        raise NemoVideoError(ErrorCode.MEDIA_NOT_FOUND, f"No file at {source}.") from exc
    if stat.S_ISLNK(checked.st_mode):
        raise NemoVideoError(
            ErrorCode.PATH_NOT_ALLOWED,
            f"{source} was replaced by a symbolic link after it was checked, so it was not read.",
            hint="Upload the file again once nothing is changing it.",
        )
    if not stat.S_ISREG(checked.st_mode):
        raise NemoVideoError(ErrorCode.MEDIA_NOT_FOUND, f"No file at {source}.")
    return checked


def _copy_in(source: Path, checked: os.stat_result, target: Path) -> None:
    """Copy from one descriptor, opened without following links and checked to be the file checked."""
    fd = open_checked(source, expect=checked)
    try:
        check_size(source.name, os.fstat(fd).st_size)
        copy_opened(fd, target)
    finally:
        os.close(fd)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _place(staged: Path, final: Path, sha256: str) -> bool:
    """Move the staged file to its content address; False when that content was stored already.

    A file already at the address is reused only if it still holds those bytes: a damaged one is
    replaced, so one address never serves different bytes to another session.
    """
    if final.exists() and final.stat().st_size == staged.stat().st_size and _sha256(final) == sha256:
        return False
    os.replace(staged, final)
    return True
