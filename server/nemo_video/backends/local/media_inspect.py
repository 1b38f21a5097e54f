"""What a staged file really is, judged by its content: the checks and facts of an import.

Pictures are read with Pillow (size as displayed after the EXIF orientation, colours, the first
frame of an animation); audio and video are sniffed, probed and partly decoded with ffmpeg, and a
clip's middle frame gives its displayed size (rotation applied) and colours.
"""

from __future__ import annotations

import logging
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
from PIL import Image, ImageOps, UnidentifiedImageError

from ...errors import ErrorCode, NemoVideoError
from ..base import MediaKind
from .clip_frames import ClipFrames
from .media_facts import THUMBNAIL, check_dimensions, dominant_colors, orientation_of

log = logging.getLogger(__name__)

DECODE_TIMEOUT_S = 60.0
PILLOW_FORMATS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
_EXIF_ORIENTATION = 0x0112
_TRANSPOSED = {5, 6, 7, 8}  # EXIF orientations that turn the picture a quarter: width and height swap


@dataclass(frozen=True)
class Inspection:
    kind: MediaKind
    ext: str
    facts: dict[str, Any]
    still: Path | None = field(default=None)  # stored instead of the file: an animation's first frame
    frames: ClipFrames | None = field(default=None)  # a clip's small frames, kept beside the stored file


def looks(image: Image.Image, width: int | None, height: int | None) -> dict[str, Any]:
    """The facts an agent refers a picture by: orientation (of the displayed size) and colours."""
    try:
        colors, palette = dominant_colors(image)
    except (OSError, ValueError) as exc:  # an exotic mode Pillow cannot convert: no colours, no failure
        log.warning("no colours for a %s picture: %s", image.mode, exc)
        colors, palette = (), ()
    return {"orientation": orientation_of(width, height), "colors": colors, "palette": palette}


def inspect_image(name: str, path: Path) -> Inspection:
    """Decode a picture fully; an animated one becomes its first frame, saved next to it as PNG."""
    try:
        with Image.open(path) as image:
            fmt = image.format or ""
            check_dimensions(name, *image.size)  # from the header, before any pixel is decoded
            image.verify()
        with Image.open(path) as image:
            image.load()
            animated = getattr(image, "n_frames", 1) > 1
            if animated:
                return _first_frame(name, image, path)
            width, height = image.size
            if image.getexif().get(_EXIF_ORIENTATION) in _TRANSPOSED:
                width, height = height, width  # ffmpeg shows it turned, as every viewer does
            facts = {"width": width, "height": height, **looks(image, width, height)}
    except Image.DecompressionBombError as exc:
        raise NemoVideoError(
            ErrorCode.UNSUPPORTED_MEDIA,
            f"{name} is far larger than the 100 megapixel limit ({exc}).",
            hint="Resize it to at most 100 megapixels (e.g. 12000x8000) and upload it again.",
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise NemoVideoError(
            ErrorCode.UNSUPPORTED_MEDIA,
            f"{name} is not a readable image ({exc}).",
            hint="Re-export the image as JPEG or PNG and upload it again.",
        ) from exc
    ext = PILLOW_FORMATS.get(fmt)
    if ext is None:
        raise NemoVideoError(ErrorCode.UNSUPPORTED_MEDIA, f"{name} is a {fmt or 'unknown'} image.")
    return Inspection("image", ext, facts)


def _first_frame(name: str, image: Image.Image, path: Path) -> Inspection:
    """An animated GIF/WebP/PNG is used as a photo: its first frame, turned upright, as a PNG.

    A photo's slot is a still: playing the animation there ran past the slot and pushed the
    scenes after it out of the video. See docs/local-draft.md.
    """
    image.seek(0)
    frame = ImageOps.exif_transpose(image.convert("RGBA"))
    still = path.with_name(f"{path.name}.first-frame.png")
    frame.save(still, "PNG")
    log.info("%s is animated: its first frame is used as the photo", name)
    width, height = frame.size
    return Inspection("image", "png", {"width": width, "height": height, **looks(frame, width, height)}, still=still)


async def decode_start(ffmpeg: str, name: str, path: Path, kind: MediaKind) -> None:
    """Decode the first moments: a header can look fine over data that is not."""
    limit = ["-frames:v", "3"] if kind == "video" else ["-t", "1"]
    command = [ffmpeg, "-hide_banner", "-nostdin", "-v", "error", "-i", str(path), *limit, "-f", "null", "-"]
    try:
        with anyio.fail_after(DECODE_TIMEOUT_S):
            result = await anyio.run_process(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                check=False,
            )
    except TimeoutError as exc:
        raise NemoVideoError(ErrorCode.UNSUPPORTED_MEDIA, f"Decoding {name} took too long.") from exc
    if result.returncode != 0:
        tail = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["decode failed"]
        raise NemoVideoError(ErrorCode.UNSUPPORTED_MEDIA, f"{name} could not be decoded ({tail[0]}).")


_SHOWN_SIZE = re.compile(r"\bs:(\d+)x(\d+)\b")


@dataclass(frozen=True)
class Frame:
    size: tuple[int, int] | None  # as displayed: rotation metadata applied
    thumbnail: Image.Image | None


async def middle_frame(ffmpeg: str, path: Path, duration_s: float) -> Frame:
    """A clip's middle frame as ffmpeg shows it (rotated by its display matrix), as a thumbnail.

    ``showinfo`` reports the size after ffmpeg's automatic rotation, which is the size the renderer
    gets; the frame itself is shrunk to a thumbnail for the colours. Only the key frame at or before
    the middle is decoded (decoding up to the exact middle of a 1080p clip took 1.5 s); the first
    frame is the fallback.
    """
    for at, keyframes_only in ((duration_s / 2, True), (0.0, False)):
        skip = ["-skip_frame", "nokey"] if keyframes_only else []
        command = [
            *(ffmpeg, "-hide_banner", "-nostdin", "-protocol_whitelist", "file", *skip, "-ss", f"{at:.3f}"),
            *("-i", str(path), "-map", "0:v:0", "-frames:v", "1"),
            *("-vf", f"showinfo,scale={THUMBNAIL}:{THUMBNAIL}:flags=area,format=rgb24", "-f", "rawvideo", "-"),
        ]
        try:
            with anyio.fail_after(DECODE_TIMEOUT_S):
                result = await anyio.run_process(
                    command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False
                )
        except TimeoutError:
            break
        shown = _SHOWN_SIZE.search(result.stderr.decode("utf-8", "replace"))
        if result.returncode == 0 and shown and len(result.stdout) == THUMBNAIL * THUMBNAIL * 3:
            thumb = Image.frombytes("RGB", (THUMBNAIL, THUMBNAIL), result.stdout)
            return Frame((int(shown[1]), int(shown[2])), thumb)
    return Frame(None, None)


_ISO_BOXES = {b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


def sniff_container(path: Path) -> str | None:
    """The audio/video container the first bytes announce, or None (pure apart from reading 12 bytes)."""
    with path.open("rb") as fh:
        head = fh.read(12)
    if len(head) >= 8 and head[4:8] in _ISO_BOXES:
        return "isobmff"  # mp4, mov, m4a
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "ebml"  # mkv, webm
    if head[:4] in (b"RIFF", b"RF64") and head[8:12] in (b"AVI ", b"WAVE"):
        return "avi" if head[8:12] == b"AVI " else "wav"
    if head.startswith((b"ID3", b"ADIF")) or (len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mpeg-audio"  # mp3, or aac in ADTS/ADIF
    return None


def iso_cut_short(path: Path) -> bool:
    """True when an MP4/MOV/M4A's top-level boxes claim more bytes than the file holds.

    A truncated file with its index first (``+faststart``) probes fine and decodes its first frames,
    so only the box sizes tell that the media data stops early.
    """
    size = path.stat().st_size
    with path.open("rb") as fh:
        if fh.read(8)[4:8] != b"ftyp":
            return False  # not ISO-BMFF: ffmpeg's probe and decode judge it
        offset = 0
        while offset < size:
            fh.seek(offset)
            header = fh.read(16)
            box = int.from_bytes(header[:4], "big") if len(header) >= 8 else -1
            if box == 1:
                box = int.from_bytes(header[8:16], "big") if len(header) == 16 else -1
            if box == 0:
                return False  # "to the end of the file"
            if box < 8:
                return True
            offset += box
        return offset > size
