"""Upload pre-checks and the mapping of NemoVideo media items onto :class:`Asset` (CONTRACT §3.4).

Every file is checked *before* anything is sent: it must exist, have one of the 13 supported
extensions (``.jpeg`` counts as ``jpg``) and weigh at most 200 MB. URLs must be http(s), and when
their path shows an extension it must be a supported one.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ...errors import SUPPORTED_FORMATS, ErrorCode, NemoVideoError
from ..base import Asset, MediaKind

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
_ALIASES = {"jpeg": "jpg"}
_KINDS: dict[str, MediaKind] = {
    **dict.fromkeys(("mp4", "mov", "avi", "webm", "mkv"), "video"),
    **dict.fromkeys(("jpg", "png", "gif", "webp"), "image"),
    **dict.fromkeys(("mp3", "wav", "m4a", "aac"), "audio"),
}
_MIME = {
    "mov": "video/quicktime",
    "mkv": "video/x-matroska",
    "m4a": "audio/mp4",
    "aac": "audio/aac",
    "webp": "image/webp",
    "jpg": "image/jpeg",
}


def extension(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return _ALIASES.get(ext, ext)


def check_paths(paths: Sequence[Path]) -> list[tuple[Path, str]]:
    """(path, MIME type) per file, or the first problem as a ``NemoVideoError``."""
    checked = []
    for path in paths:
        if not path.is_file():
            raise NemoVideoError(ErrorCode.MEDIA_NOT_FOUND, f"{path} does not exist or is not a file.")
        ext = extension(path.name)
        if ext not in SUPPORTED_FORMATS:
            raise NemoVideoError(
                ErrorCode.UNSUPPORTED_MEDIA,
                f"{path.name}: {('.' + ext) if ext else 'no extension'} is not a format NemoVideo accepts.",
            )
        size = path.stat().st_size
        if size > MAX_UPLOAD_BYTES:
            raise NemoVideoError(
                ErrorCode.MEDIA_TOO_LARGE,
                f"{path.name} is {size / 1024 / 1024:.0f} MB; NemoVideo accepts at most 200 MB per file.",
            )
        mime = _MIME.get(ext) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        checked.append((path, mime))
    return checked


def check_urls(urls: Sequence[str]) -> list[str]:
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise NemoVideoError(ErrorCode.URL_NOT_ALLOWED, f"{url!r} is not an http(s) URL NemoVideo can import.")
        name = parts.path.rsplit("/", 1)[-1]
        ext = extension(name) if "." in name else ""
        if ext and ext not in SUPPORTED_FORMATS:
            raise NemoVideoError(ErrorCode.UNSUPPORTED_MEDIA, f"{name}: .{ext} is not a format NemoVideo accepts.")
    return list(urls)


def asset_from_wire(item: dict[str, Any], sizes: dict[str, int] | None = None) -> Asset:
    """One ``files[]`` / ``video_infos[]`` item; unknown keys are ignored, missing ones stay None."""
    name = str(item.get("filename") or item.get("name") or item.get("cdn_url") or "media")
    src = str(item.get("cdn_url") or item.get("url") or item.get("src") or name)
    kind = item.get("file_type") or item.get("type")
    return Asset(
        id=str(item.get("hash") or item.get("id") or src),
        name=name,
        kind=kind if kind in ("image", "video", "audio") else _KINDS.get(extension(name), "video"),
        src=src,
        size_bytes=_int(item.get("size")) or (sizes or {}).get(name),
        width=_int(item.get("width")),
        height=_int(item.get("height")),
        duration_s=_float(item.get("duration")),
        fps=_float(item.get("fps")),
    )


def assets_from_wire(items: object, sizes: dict[str, int] | None = None) -> list[Asset]:
    if not isinstance(items, list):
        return []
    return [asset_from_wire(item, sizes) for item in items if isinstance(item, dict)]


def _int(value: object) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
