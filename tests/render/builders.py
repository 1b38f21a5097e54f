"""Tiny drafts and pictures for renderer tests (made here with Pillow, a few hundred pixels)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from nemo_video.draft import Draft


def picture(folder: Path, name: str, color: tuple[int, int, int], size: tuple[int, int] = (400, 300)) -> Path:
    image = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(image)
    for x in range(0, size[0], 25):
        draw.line([(x, 0), (size[0] - x, size[1])], fill=(255, 255, 255), width=2)
    path = folder / name
    image.save(path)
    return path


def image_segment(
    path: Path,
    d: int,
    *,
    direction: str = "in",
    transition: str | None = "crossfade",
    t_ms: int = 300,
    size: tuple[int, int] = (400, 300),
) -> dict[str, Any]:
    seg: dict[str, Any] = {
        "type": "image",
        "src": str(path),
        "d": d,
        "source_width": size[0],
        "source_height": size[1],
        "fit": "cover",
        "motion": {"type": "ken_burns", "from_scale": 1.0, "to_scale": 1.12, "direction": direction},
    }
    if transition:
        seg["transition_out"] = {"type": transition, "d": t_ms if transition != "cut" else 0}
    return seg


def text_segment(
    text: str, start: int, d: int, *, role: str = "title", y: float = 0.5, size: int = 96, box: bool = False
) -> dict[str, Any]:
    return {
        "type": "text",
        "role": role,
        "start": start,
        "d": d,
        "text": text,
        "style": {"font_size": size, "color": "#FFFFFF", "font_weight": 700, "box": box},
        "position": {"x": 0.5, "y": y, "anchor": "center"},
        "animation": {"in": "fade", "in_d": 200, "out": "fade", "out_d": 200},
    }


def draft(
    visuals: list[dict[str, Any]],
    *,
    texts: list[dict[str, Any]] = (),  # type: ignore[assignment]
    music: dict[str, Any] | None = None,
    width: int = 1920,
    height: int = 1080,
    duration: int | None = None,
) -> Draft:
    start = 0
    for i, seg in enumerate(visuals):
        seg["start"] = start
        if i == len(visuals) - 1:
            seg.pop("transition_out", None)
        start += seg["d"] - (seg.get("transition_out") or {}).get("d", 0)
    total = duration if duration is not None else start + 0
    if visuals:
        total = duration if duration is not None else visuals[-1]["start"] + visuals[-1]["d"]
    tracks: list[dict[str, Any]] = [{"tt": 0, "id": "track_video", "sg": visuals}]
    if music:
        tracks.append(
            {
                "tt": 1,
                "id": "track_bgm",
                "m": {"name": "BGM", "role": "bgm"},
                "sg": [{"start": 0, "d": total, **music}],
            }
        )
    for i, text in enumerate(texts):
        tracks.append({"tt": 7, "id": f"track_text{i}", "sg": [text]})
    ratio = {(1920, 1080): "16:9", (1080, 1920): "9:16"}.get((width, height), "1:1")
    value = Draft.from_wire(
        {"d": total, "m": {"width": width, "height": height, "fps": 30, "ratio": ratio}, "t": tracks}
    )
    assert value is not None
    return value


def synth(mood: str = "upbeat", volume: float = 0.8, fade_out: int = 800) -> dict[str, Any]:
    return {
        "type": "music",
        "name": "bed",
        "mood": mood,
        "bpm": 110,
        "volume": volume,
        "fade_in": 200,
        "fade_out": fade_out,
    }


def background(
    d: int,
    transition: str | None = "crossfade",
    colors: tuple[str, str] = ("#1b2a49", "#3d5a80"),
) -> dict[str, Any]:
    seg: dict[str, Any] = {"type": "background", "d": d, "style": {"color": colors[0], "color2": colors[1]}}
    if transition:
        seg["transition_out"] = {"type": transition, "d": 300}
    return seg
