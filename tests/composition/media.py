"""Stand-in media for composition tests: Assets as the store returns them (no files needed)."""

from __future__ import annotations

from nemo_video.backends.base import Asset


def image(media_id: str, name: str, colors: tuple[str, ...] = (), width: int = 800, height: int = 600) -> Asset:
    orientation = "portrait" if height > width else ("landscape" if width > height else "square")
    return Asset(
        id=media_id,
        name=name,
        kind="image",
        src=f"/store/{name}",
        width=width,
        height=height,
        orientation=orientation,
        colors=colors,
    )


def clip(media_id: str, name: str, seconds: float, has_audio: bool = True) -> Asset:
    return Asset(
        id=media_id,
        name=name,
        kind="video",
        src=f"/store/{name}",
        width=1280,
        height=720,
        duration_s=seconds,
        has_audio=has_audio,
        orientation="landscape",
    )


def song(media_id: str, name: str) -> Asset:
    return Asset(id=media_id, name=name, kind="audio", src=f"/store/{name}", duration_s=60.0)


MEDIA = [
    image("m1", "sneaker-white.jpg", ("white", "gray")),
    image("m2", "sneaker-black.jpg", ("black",)),
    image("m3", "street.jpg", ("gray", "blue"), 600, 900),
    clip("m4", "pour.mp4", 4.0),
    song("m5", "beat.mp3"),
]
