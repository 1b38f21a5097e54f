"""Requests for the craft table: generated photos (Pillow), a composition built with edit operations,
exported small through the service with the local backend, and the export's design report."""

from __future__ import annotations

import math
import random
import subprocess
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFilter

from nemo_video.composition.ops import parse_operations
from nemo_video.config import Settings
from nemo_video.draft import Draft
from nemo_video.service import VideoService
from nemo_video.service.results import ExportResult

# (base colour, accent) per photo tone
TONES = {
    "light": ((236, 232, 222), (250, 250, 248)),
    "dark": ((22, 26, 38), (60, 66, 90)),
}


def photo(path: Path, tone: str, busy: bool, seed: int, size: tuple[int, int] = (960, 720)) -> Path:
    """A stand-in photo: a light or dark gradient, calm (smooth) or busy (many sharp shapes)."""
    base, accent = TONES[tone]
    rng = random.Random(seed)
    w, h = size
    image = Image.new("RGB", size, base)
    draw = ImageDraw.Draw(image)
    for y in range(h):  # a soft vertical gradient
        f = y / h
        draw.line([(0, y), (w, y)], fill=tuple(round(b + (a - b) * f) for a, b in zip(accent, base, strict=True)))
    if busy:
        for _ in range(260):
            x, y, r = rng.randrange(w), rng.randrange(h), rng.randrange(6, 60)
            shade = rng.randrange(0, 255) if tone == "dark" else rng.randrange(150, 256)
            colour = (shade, rng.randrange(0, 256) if tone == "dark" else rng.randrange(170, 256), shade)
            shape = draw.rectangle if rng.random() < 0.5 else draw.ellipse
            shape([x, y, x + r, y + r * (0.5 + rng.random())], fill=colour)
    else:
        cx, cy = w * 0.6, h * 0.55  # a calm subject: one soft round object
        for k in range(40, 0, -1):
            f = k / 40
            tone_rgb = tuple(round(c * (0.8 + 0.2 * f)) for c in base)
            draw.ellipse([cx - 150 * f, cy - 150 * f, cx + 150 * f, cy + 150 * f], fill=tone_rgb)
        image = image.filter(ImageFilter.GaussianBlur(2))
    image.save(path, quality=90)
    return path


@dataclass(frozen=True)
class Request:
    name: str
    aspect: str
    tone: str
    busy: bool
    language: str = "en"
    music: str | None = "upbeat"
    cta: bool = True
    captions: int = 2
    photos: int = 3
    extra_ops: tuple[dict[str, Any], ...] = field(default_factory=tuple)

    def words(self) -> dict[str, Any]:
        if self.language == "zh":
            return {"title": "新品上市 限时优惠", "captions": ["手工制作 天然材料", "每天都能用"], "cta": "立即购买"}
        return {
            "title": "Fresh roast, every morning",
            "captions": ["Small batch beans", "Delivered in two days"],
            "cta": "Order at brew.shop",
        }


def operations(req: Request, media_ids: list[str]) -> list[dict[str, Any]]:
    words = req.words()
    ops: list[dict[str, Any]] = [{"op": "set_format", "aspect": req.aspect}]
    ops += [{"op": "add_scene", "media": m} for m in media_ids]
    ops.append({"op": "set_text", "role": "title", "text": words["title"]})
    for caption in words["captions"][: req.captions]:
        ops.append({"op": "set_text", "role": "caption", "text": caption})
    if req.cta:
        ops.append({"op": "set_text", "role": "cta", "text": words["cta"]})
    ops.append({"op": "set_music", "mood": req.music} if req.music else {"op": "set_music", "off": True})
    return ops + list(req.extra_ops)


async def export(req: Request, settings: Settings, folder: Path, height: int = 320) -> tuple[ExportResult, Draft]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [photo(folder / f"{req.name}-{i}.jpg", req.tone, req.busy, seed=i) for i in range(req.photos)]
    async with VideoService(settings) as svc:
        await svc.new_session()
        uploaded = await svc.upload(paths)
        edit = await svc.start_edit(parse_operations(operations(req, [a.id for a in uploaded.assets])))
        record = await svc.wait(edit.id, 60)
        assert record.status == "completed", record.error
        job = await svc.start_export(filename=req.name, height=height, quality="draft")
        record = await svc.wait(job.id, 240)
        assert record.status == "completed", record.error
        state = await svc.state()
        assert state.draft is not None
        return ExportResult.model_validate(record.result), Draft.model_validate(state.draft)


def speech_clip(path: Path, ffmpeg: str, seconds: float = 3.0, level_db: float = -30.0) -> Path:
    """A stand-in clip with its own "speech": a 2.5 kHz tone in 4 Hz syllables at ``level_db`` (far
    from -14 LUFS on purpose), over a test pattern. The music beds have almost nothing above 1.2 kHz,
    so a low-pass of the rendered sound hears the music alone."""
    gain = 10 ** (level_db / 20)
    audio = f"sine=f=2500:d={seconds}:r=48000,volume='{gain}*(0.2+0.8*abs(sin(2*PI*2*t)))':eval=frame"
    args = [
        ffmpeg,
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "error",
        "-y",
        "-f",
        "lavfi",
        "-i",
        f"testsrc2=s=480x360:r=30:d={seconds}",
        "-f",
        "lavfi",
        "-i",
        audio,
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-shortest",
        str(path),
    ]
    subprocess.run(args, check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    return path


def music_level_db(video: Path, ffmpeg: str, spans: list[tuple[float, float]]) -> list[float]:
    """RMS level (dBFS) of the rendered sound below 1.2 kHz — the music without the clip's tone — over
    each (start, end) span."""
    args = [
        ffmpeg,
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "error",
        "-i",
        str(video),
        "-map",
        "0:a:0",
        "-af",
        "lowpass=f=1200:p=2,lowpass=f=1200:p=2,lowpass=f=1200:p=2,lowpass=f=1200:p=2",
        "-ac",
        "1",
        "-ar",
        "8000",
        "-f",
        "s16le",
        "-",
    ]
    raw = subprocess.run(args, check=True, stdin=subprocess.DEVNULL, capture_output=True).stdout
    samples = array("h", raw)
    levels = []
    for start, end in spans:
        part = samples[round(start * 8000) : round(end * 8000)]
        mean = sum(s * s for s in part) / max(1, len(part))
        levels.append(10 * math.log10(max(mean, 1e-9) / 32768**2))
    return levels
