"""What ffmpeg tells about a file: its streams (parsed from ``ffmpeg -i``) and its MP4 layout.

ffmpeg never inherits stdout (it belongs to MCP in stdio mode).
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ErrorCode, NemoVideoError
from .ffmpeg import check, run

PROBE_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class MediaInfo:
    container: str = ""
    duration_s: float | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    video_codec: str | None = None
    video_profile: str | None = None
    pix_fmt: str | None = None
    color_range: str | None = None
    color_space: str | None = None
    audio_codec: str | None = None
    sample_rate: int | None = None
    channels: str | None = None
    streams: list[str] = field(default_factory=list)

    @property
    def has_video(self) -> bool:
        return self.video_codec is not None

    @property
    def has_audio(self) -> bool:
        return self.audio_codec is not None

    @property
    def is_still_image(self) -> bool:
        return self.container in _IMAGE_CONTAINERS or (
            self.video_codec in _IMAGE_CODECS and not self.has_audio and (self.duration_s or 0) <= 0.05
        )


_IMAGE_CONTAINERS = {"jpeg_pipe", "png_pipe", "webp_pipe", "image2", "gif_pipe"}
_IMAGE_CODECS = {"mjpeg", "png", "webp", "gif"}

_INPUT = re.compile(r"^Input #0, (?P<fmt>[^,]+(?:,[^,]+)*?), from ", re.M)
_DURATION = re.compile(r"Duration: (?P<h>\d+):(?P<m>\d+):(?P<s>\d+(?:\.\d+)?)")
_STREAM = re.compile(r"^\s*Stream #0:\d+[^:]*: (?P<kind>Video|Audio): (?P<rest>.*)$", re.M)
_SIZE = re.compile(r"\b(?P<w>\d{2,5})x(?P<h>\d{2,5})\b")
_FPS = re.compile(r"(?P<fps>\d+(?:\.\d+)?)(?P<k>k)? fps")
_RATE = re.compile(r"(?P<hz>\d+) Hz")


def parse_probe(text: str) -> MediaInfo:
    """Parse ``ffmpeg -i`` output (pure; unit-tested on captured text)."""
    fmt = m.group("fmt").split(",")[0] if (m := _INPUT.search(text)) else ""
    duration = None
    if d := _DURATION.search(text):
        duration = int(d["h"]) * 3600 + int(d["m"]) * 60 + float(d["s"])
    values: dict[str, object] = {"container": fmt, "duration_s": duration}
    streams: list[str] = []
    for stream in _STREAM.finditer(text):
        rest = stream["rest"]
        streams.append(f"{stream['kind']}: {rest}")
        codec, _, tail = rest.partition(" ")
        codec = codec.rstrip(",")
        if stream["kind"] == "Video" and "video_codec" not in values:
            values["video_codec"] = codec
            profile = re.match(r"\((?P<p>[^)]+)\)", tail)
            values["video_profile"] = profile["p"] if profile else None
            pix = re.search(r", (?P<pix>[a-z0-9_]+)(?:\((?P<extra>[^)]*)\))?, \d{2,5}x\d{2,5}", rest)
            if pix:
                values["pix_fmt"] = pix["pix"]
                extras = [e.strip() for e in (pix["extra"] or "").split(",")]
                values["color_range"] = next((e for e in extras if e in ("tv", "pc")), None)
                values["color_space"] = next((e.split("/")[0] for e in extras if e.startswith("bt")), None)
            if size := _SIZE.search(rest):
                values["width"], values["height"] = int(size["w"]), int(size["h"])
            if fps := _FPS.search(rest):
                values["fps"] = float(fps["fps"]) * (1000 if fps["k"] else 1)
        elif stream["kind"] == "Audio" and "audio_codec" not in values:
            values["audio_codec"] = codec
            if rate := _RATE.search(rest):
                values["sample_rate"] = int(rate["hz"])
            parts = [p.strip() for p in rest.split(",")]
            values["channels"] = parts[2] if len(parts) > 2 else None
    return MediaInfo(streams=streams, **values)  # type: ignore[arg-type]


async def probe(path: Path, ffmpeg: str) -> MediaInfo:
    """Probe ``path`` with ffmpeg; raises ``unsupported_media`` when ffmpeg cannot read it."""
    args = [ffmpeg, "-hide_banner", "-nostdin", "-protocol_whitelist", "file", "-i", str(path)]
    try:
        result = await run(args, timeout_s=PROBE_TIMEOUT_S)
    except TimeoutError as exc:
        raise NemoVideoError(ErrorCode.UNSUPPORTED_MEDIA, f"Reading {path.name} took too long.") from exc
    text = result.stderr.decode("utf-8", "replace")
    info = parse_probe(text)
    if not info.streams:
        await check(ffmpeg)  # a broken ffmpeg is not the file's fault
        last = [ln for ln in text.strip().splitlines() if ln.strip()][-1:] or ["no streams"]
        raise NemoVideoError(
            ErrorCode.UNSUPPORTED_MEDIA,
            f"{path.name} is not a readable image, video or audio file ({last[0].strip()}).",
        )
    return info


def moov_before_mdat(path: Path) -> bool:
    """True when an MP4/MOV has its index (moov) before the media data: the ``+faststart`` layout."""
    with path.open("rb") as fh:
        while header := fh.read(8):
            if len(header) < 8:
                return False
            size, kind = struct.unpack(">I4s", header)
            if size == 1:
                size = struct.unpack(">Q", fh.read(8))[0]
                skip = size - 16
            elif size == 0:
                return bool(kind == b"moov")
            else:
                skip = size - 8
            if kind == b"moov":
                return True
            if kind == b"mdat":
                return False
            fh.seek(skip, 1)
    return False
