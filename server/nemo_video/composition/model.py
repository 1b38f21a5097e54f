"""The video as data: a typed :class:`Composition` (see ``docs/composition.md``).

A composition says what the video is — format, scenes in order with the texts that belong to them,
free text layers, transitions, music, brand — and leaves *where exactly* and *how big* to the layout
(:mod:`.wire`), which resolves it into the wire draft the renderer and the cloud read. ``None`` always
means "the default" (:mod:`.defaults`), so an edit that says nothing about a field leaves it to the
defaults and a later format change lays it out again.

Objects keep the draft keys they do not model in ``extra``, so a draft read into a composition and
written back loses nothing.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from . import defaults as D

_HEX = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")


def parse_color(value: str) -> str:
    """``"orange"``, ``"#f97316"``, ``"F73"`` → ``"#F97316"`` / ``"#FF7733"``; anything else is refused."""
    text = value.strip().lower().replace("grey", "gray")
    if text in D.COLOR_NAMES:
        return D.COLOR_NAMES[text]
    match = _HEX.match(text)
    if not match:
        names = ", ".join(D.COLOR_NAMES)
        raise ValueError(f"#RRGGBB or one of {names}")
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits.upper()


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def visible_text(value: str) -> str:
    """Words to show: something visible, no control characters but line breaks and tabs."""
    if _CONTROL.search(value):
        raise ValueError("text without control characters (line breaks and tabs are fine)")
    if not value.strip():
        raise ValueError("text with something visible in it, not only spaces")
    return value


Color = Annotated[str, AfterValidator(parse_color), Field(description="#RRGGBB or a colour name (e.g. orange).")]
Ms = Annotated[int, Field(ge=0, le=D.MAX_TOTAL_MS)]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Format(_Part):
    aspect: D.Aspect = Field(default=D.DEFAULT_ASPECT, description="Frame shape: 9:16, 1:1, 4:5 or 16:9.")
    platform: D.Platform | None = Field(
        default=None, description="Where it will be posted; decides the safe zone. Default from the aspect."
    )
    fps: int = Field(default=D.FPS, ge=12, le=60)

    @property
    def size(self) -> tuple[int, int]:
        return D.SIZES[self.aspect]

    @property
    def resolved_platform(self) -> str:
        return self.platform or D.default_platform(self.aspect)

    @property
    def vertical(self) -> bool:
        return self.aspect == "9:16"


class TextStyle(_Part):
    size: D.SizeStep | Annotated[int, Field(ge=8, le=600)] | None = Field(
        default=None, description="A named step (xs, small, medium, large, xl) or pixels at 1080/1920 scale."
    )
    color: Color | None = Field(default=None, description="Glyph colour; default white.")
    weight: Literal[400, 700] | None = Field(default=None, description="400 regular, 700 bold.")
    font: str | None = Field(default=None, description="Font family name; default the brand's or the display face.")
    backdrop: D.Backdrop | None = Field(
        default=None, description="What keeps the text legible: none, box, band, outline or shadow."
    )
    backdrop_color: Color | None = Field(default=None, description="Colour of the box or band.")
    backdrop_opacity: float | None = Field(default=None, ge=0.0, le=1.0)


class Position(_Part):
    slot: D.Slot | None = Field(
        default=None, description="Named place inside the safe zone: top, upper_third, center, lower_third, bottom."
    )
    x: float | None = Field(default=None, ge=0.0, le=1.0, description="Centre, as a fraction of the width.")
    y: float | None = Field(default=None, ge=0.0, le=1.0, description="Centre, as a fraction of the height.")


class Animation(_Part):
    enter: D.TextAnimation | None = Field(default=None, description="How the text appears.")
    exit: D.TextAnimation | None = Field(default=None, description="How it leaves.")
    enter_ms: Ms | None = None
    exit_ms: Ms | None = None


class TextLayer(_Part):
    id: str
    role: D.Role = "custom"
    text: Annotated[str, AfterValidator(visible_text)] = Field(
        min_length=1, max_length=2000, description="Shown verbatim."
    )
    style: TextStyle = Field(default_factory=TextStyle)
    position: Position = Field(default_factory=Position)
    animation: Animation = Field(default_factory=Animation)
    start_ms: Ms | None = Field(
        default=None, description="Start: within its scene when anchored to one, else from the video's start."
    )
    duration_ms: Ms | None = Field(default=None, description="How long it shows; default by role.")
    extra: dict[str, Any] = Field(default_factory=dict, description="Draft keys kept as they were.")


class Motion(_Part):
    kind: Literal["none", "ken_burns"] = "ken_burns"
    direction: D.Direction | None = None
    zoom: float | None = Field(default=None, ge=1.0, le=1.5, description="Scale at the end of the shot.")


class Scene(_Part):
    id: str
    kind: Literal["media", "background", "card"] = "media"
    media: str | None = Field(default=None, description="The media id (from get_state) this scene shows.")
    duration_ms: Annotated[int, Field(ge=D.MIN_SCENE_MS, le=D.MAX_TOTAL_MS)] | None = Field(
        default=None, description="How long it shows; default an equal share."
    )
    fit: Literal["cover", "contain"] = "cover"
    focal: tuple[float, float] | None = Field(default=None, description="Point to keep in frame (x, y in 0..1).")
    motion: Motion = Field(default_factory=Motion)
    colors: tuple[Color, Color] | None = Field(default=None, description="Background/card gradient colours.")
    texts: list[TextLayer] = Field(default_factory=list, description="Texts shown during this scene.")
    extra: dict[str, Any] = Field(default_factory=dict)


class Transition(_Part):
    kind: D.TransitionKind | None = Field(default=None, description="Default: the pace's transition.")
    duration_ms: Annotated[int, Field(ge=0, le=D.MAX_TRANSITION_MS)] | None = None


class Music(_Part):
    kind: Literal["none", "mood", "asset"] = "mood"
    mood: D.Mood | None = Field(default=None, description="Synthesized bed; default by pace.")
    asset: str | None = Field(default=None, description="Media id of the user's audio file.")
    volume: float = Field(default=D.MUSIC_VOLUME, ge=0.0, le=1.0)
    fade_in_ms: Ms = D.MUSIC_FADE_IN_MS
    fade_out_ms: Ms = D.MUSIC_FADE_OUT_MS
    ducking: bool = True
    beat_sync: bool = Field(default=True, description="Cuts land on the beat of a bed of known tempo.")
    extra: dict[str, Any] = Field(default_factory=dict)


class Brand(_Part):
    palette: list[Color] = Field(default_factory=list, max_length=6)
    font: str | None = None
    logo: str | None = Field(default=None, description="Media id of the logo image.")
    corner: D.Corner = D.DEFAULT_CORNER


class Composition(_Part):
    """The whole video. ``duration_ms`` is the asked total; None = the sum of the scenes' lengths."""

    format: Format = Field(default_factory=Format)
    duration_ms: Annotated[int, Field(ge=D.MIN_TOTAL_MS, le=D.MAX_TOTAL_MS)] | None = None
    pace: D.Pace = "normal"
    scenes: list[Scene] = Field(default_factory=list)
    texts: list[TextLayer] = Field(default_factory=list, description="Texts not tied to one scene.")
    transition: Transition = Field(default_factory=Transition)
    music: Music = Field(default_factory=Music)
    brand: Brand = Field(default_factory=Brand)
    language: str = "en"
    extra: dict[str, Any] = Field(default_factory=dict, description="Draft metadata and tracks kept as they were.")

    # ------------------------------------------------------------ lookups

    def all_texts(self) -> list[TextLayer]:
        return [*self.texts, *(t for s in self.scenes for t in s.texts)]

    def texts_of(self, role: str) -> list[TextLayer]:
        return [t for t in self.all_texts() if t.role == role]

    def scene(self, ref: str | int) -> Scene | None:
        if isinstance(ref, int):
            index = ref - 1 if ref > 0 else len(self.scenes) + ref
            return self.scenes[index] if 0 <= index < len(self.scenes) else None
        return next((s for s in self.scenes if s.id == ref), None)

    def scene_of_text(self, text_id: str) -> Scene | None:
        return next((s for s in self.scenes if any(t.id == text_id for t in s.texts)), None)

    def text(self, text_id: str) -> TextLayer | None:
        return next((t for t in self.all_texts() if t.id == text_id), None)

    def next_id(self, prefix: str) -> str:
        """``s4`` after s1..s3: one more than the highest id with that prefix."""
        used = [s.id for s in self.scenes] + [t.id for t in self.all_texts()]
        numbers = [int(i[len(prefix) :]) for i in used if i.startswith(prefix) and i[len(prefix) :].isdigit()]
        return f"{prefix}{max(numbers, default=0) + 1}"

    @property
    def title(self) -> str | None:
        titles = self.texts_of("title")
        return titles[0].text if titles else None
