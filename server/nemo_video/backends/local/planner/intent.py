"""What a message asks for, as typed data: :class:`Request` and the media edits in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

MediaKind = Literal["image", "video", "any"]
MediaAction = Literal["remove", "swap", "move", "reverse", "add_new"]


@dataclass(frozen=True)
class MediaOp:
    """An edit of the picture order. Indices are 1-based; ``-1`` means the last one."""

    action: MediaAction
    indices: tuple[int, ...] = ()
    kind: MediaKind = "any"
    target: int | None = None  # "move": the new 1-based position (-1 = last)


@dataclass(frozen=True)
class Request:
    """Everything the planner understood in one message; ``None`` means "not mentioned"."""

    language: str = "en"
    duration_ms: int | None = None  # as asked, before clamping
    duration_factor: float | None = None  # "shorter" / "longer"
    ratio: str | None = None
    title: str | None = None
    remove_title: bool = False
    captions: tuple[str, ...] = ()  # descriptive sentences for caption lines
    captions_on: bool | None = None
    cta: str | None = None
    remove_cta: bool = False
    mood: str | None = None  # a mood, or "none" for no music
    mood_is_explicit_music: bool = False  # the mood was said about the music ("calm music")
    use_audio: bool = False
    volume: float | None = None
    volume_factor: float | None = None
    pace: str | None = None
    transition: str | None = None
    media_ops: tuple[MediaOp, ...] = ()
    undo: bool = False
    create: bool = False
    unsupported: tuple[tuple[str, str], ...] = field(default=())  # (English, Chinese) names

    @property
    def has_settings(self) -> bool:
        """True when the message sets anything the planner can act on."""
        return any(
            (
                self.duration_ms is not None,
                self.duration_factor is not None,
                self.ratio is not None,
                self.title is not None,
                self.remove_title,
                self.captions_on is not None,
                self.cta is not None,
                self.remove_cta,
                self.mood is not None,
                self.use_audio,
                self.volume is not None,
                self.volume_factor is not None,
                self.pace is not None,
                self.transition is not None,
                bool(self.media_ops),
            )
        )
