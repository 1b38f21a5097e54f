"""Every default of a composition, in one place.

The planner, the layout (composition → draft) and the renderer read these; nothing else writes a
colour, a size or a zoom of its own. Sizes are fractions of the frame height so that one table holds
for every format; pixels are derived at layout time.
"""

from __future__ import annotations

from typing import Final, Literal

Aspect = Literal["9:16", "1:1", "4:5", "16:9"]
Platform = Literal["reels", "tiktok", "shorts", "youtube", "feed"]
Role = Literal["title", "caption", "cta", "custom"]
Slot = Literal["top", "upper_third", "center", "lower_third", "bottom"]
SizeStep = Literal["xs", "small", "medium", "large", "xl"]
Pace = Literal["calm", "normal", "energetic"]
Mood = Literal["upbeat", "calm", "cinematic", "lofi"]
TransitionKind = Literal["cut", "crossfade", "fadeblack", "wipeleft", "slideleft", "circleopen", "dissolve"]
TextAnimation = Literal["none", "fade", "slide_up", "pop", "typewriter", "word_by_word"]
Backdrop = Literal["none", "box", "band", "outline", "shadow"]
Corner = Literal["top_left", "top_right", "bottom_left", "bottom_right"]
Direction = Literal["in", "out", "left", "right", "up", "down"]

# ---------------------------------------------------------------- format

FPS: Final = 30
SIZES: Final[dict[str, tuple[int, int]]] = {
    "16:9": (1920, 1080),
    "9:16": (1080, 1920),
    "1:1": (1080, 1080),
    "4:5": (1080, 1350),
}
ASPECTS: Final = tuple(SIZES)
DEFAULT_ASPECT: Final = "16:9"
PLATFORM_ASPECT: Final[dict[str, str]] = {
    "reels": "9:16",
    "tiktok": "9:16",
    "shorts": "9:16",
    "youtube": "16:9",
    "feed": "1:1",
}
PLATFORMS: Final = tuple(PLATFORM_ASPECT)


def default_platform(aspect: str) -> str:
    return {"9:16": "reels", "16:9": "youtube"}.get(aspect, "feed")


# The area text stays inside, as fractions of the frame (left, top, right, bottom). On 9:16 the apps'
# own UI covers the top bar, the right-hand buttons and the bottom 35% (CRAFT.md); elsewhere 5% title-safe.
SAFE_ZONES: Final[dict[str, tuple[float, float, float, float]]] = {
    "reels": (0.06, 0.14, 0.94, 0.65),
    "tiktok": (0.06, 0.14, 0.94, 0.65),
    "shorts": (0.06, 0.14, 0.94, 0.65),
    "youtube": (0.05, 0.05, 0.95, 0.95),
    "feed": (0.05, 0.05, 0.95, 0.95),
}
# Where each named slot puts the centre of a text block, as a fraction of the safe zone's height.
SLOT_Y: Final[dict[str, float]] = {
    "top": 0.08,
    "upper_third": 0.25,
    "center": 0.5,
    "lower_third": 0.75,
    "bottom": 0.92,
}
SLOTS: Final = tuple(SLOT_Y)

# ---------------------------------------------------------------- type

# Font size of each role at the "medium" step, as a fraction of the frame height, per aspect family
# (vertical vs the rest): title ≥ 5% / 7%, captions and CTA ≥ 4% / 5% (CRAFT.md, Type).
ROLE_SIZE: Final[dict[str, dict[str, float]]] = {
    "vertical": {"title": 0.055, "caption": 0.042, "cta": 0.045, "custom": 0.042},
    "other": {"title": 0.08, "caption": 0.055, "cta": 0.06, "custom": 0.055},
}
SIZE_STEPS: Final[dict[str, float]] = {"xs": 0.7, "small": 0.85, "medium": 1.0, "large": 1.25, "xl": 1.5}
STEP_ORDER: Final = ("xs", "small", "medium", "large", "xl")
MIN_FONT_FRACTION: Final = 0.02  # never smaller than 2% of the height, whatever is asked
MAX_FONT_FRACTION: Final = 0.2
ROLE_WEIGHT: Final[dict[str, int]] = {"title": 700, "caption": 700, "cta": 700, "custom": 700}
ROLE_SLOT: Final[dict[str, str]] = {
    "title": "upper_third",
    "caption": "lower_third",
    "cta": "center",
    "custom": "center",
}
TEXT_ONLY_SLOT: Final = "center"  # a text-only video centres its words
TEXT_COLOR: Final = "#FFFFFF"
BOX_COLOR: Final = "#000000"
BOX_OPACITY: Final = 0.45
ROLE_BACKDROP: Final[dict[str, str]] = {"title": "shadow", "caption": "box", "cta": "box", "custom": "shadow"}
ROLE_ANIMATION: Final[dict[str, tuple[str, int, str, int]]] = {  # (in, in ms, out, out ms)
    "title": ("fade", 400, "fade", 400),  # the hook: readable by 0.3 s, fully in by 0.4 s
    "caption": ("fade", 250, "fade", 250),
    "cta": ("fade", 400, "fade", 300),
    "custom": ("fade", 300, "fade", 300),
}

# ---------------------------------------------------------------- timing

MIN_TOTAL_MS: Final = 2_000
MAX_TOTAL_MS: Final = 180_000
MIN_SCENE_MS: Final = 500
TITLE_MS: Final = 3_000
CTA_MS: Final = 2_500
END_CARD_MS: Final = 2_500  # the closing card that carries the call to action (CRAFT: the last ≥ 2 s)
MIN_CAPTION_MS: Final = 1_800
CLIP_DEFAULT_MS: Final = 6_000
TEXT_ONLY_DEFAULT_MS: Final = 15_000
MIN_DEFAULT_MS: Final = 6_000
# Per pace: (picture length ms, transition, transition ms, Ken Burns zoom at the end of a shot)
PACE_STYLE: Final[dict[str, tuple[int, str, int, float]]] = {
    "energetic": (2500, "slideleft", 300, 1.16),
    "normal": (3000, "crossfade", 500, 1.12),
    "calm": (4000, "crossfade", 900, 1.08),
}
PACES: Final = tuple(PACE_STYLE)
BACKGROUND_MS: Final[dict[str, int]] = {"energetic": 3500, "normal": 5000, "calm": 7000}
TRANSITIONS: Final = ("cut", "crossfade", "fadeblack", "wipeleft", "slideleft", "circleopen", "dissolve")
MAX_TRANSITION_MS: Final = 2_000
KEN_BURNS_DIRECTIONS: Final = ("in", "left", "out", "right", "up", "down")

# ---------------------------------------------------------------- music

MOODS: Final = ("upbeat", "calm", "cinematic", "lofi")
DEFAULT_MOOD_FOR_PACE: Final[dict[str, str]] = {"energetic": "upbeat", "normal": "upbeat", "calm": "calm"}
MUSIC_BEDS: Final[dict[str, tuple[str, int]]] = {  # mood -> (name, bpm)
    "upbeat": ("Upbeat groove", 118),
    "calm": ("Calm pads", 72),
    "cinematic": ("Cinematic swell", 90),
    "lofi": ("Lo-fi chill", 80),
}
MUSIC_VOLUME: Final = 0.8
MUSIC_FADE_IN_MS: Final = 500
MUSIC_FADE_OUT_MS: Final = 2_000
CLIP_VOLUME_UNDER_MUSIC: Final = 0.25

# ---------------------------------------------------------------- colour

# Background gradients for text-only videos, per mood: (color, color2) pairs used in turn.
PALETTES: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "upbeat": (("#ff6b6b", "#f7b733"), ("#5f27cd", "#ff6b9d"), ("#0abde3", "#10ac84")),
    "calm": (("#1b2a49", "#3d5a80"), ("#2c3e50", "#4ca1af"), ("#355c7d", "#6c5b7b")),
    "cinematic": (("#0f0c29", "#302b63"), ("#141e30", "#243b55"), ("#232526", "#414345")),
    "lofi": (("#3a1c71", "#d76d77"), ("#41295a", "#2f0743"), ("#614385", "#516395")),
    "none": (("#1b2a49", "#3d5a80"), ("#232526", "#414345"), ("#2c3e50", "#4ca1af")),
}
BACKGROUND_COLORS: Final = PALETTES["none"][0]
CARD_COLOR: Final = "#111827"

# Named colours people say, as the hex we draw them with (also the vocabulary of media colours).
COLOR_NAMES: Final[dict[str, str]] = {
    "white": "#FFFFFF",
    "black": "#000000",
    "gray": "#9CA3AF",
    "red": "#EF4444",
    "orange": "#F97316",
    "yellow": "#FACC15",
    "green": "#22C55E",
    "teal": "#14B8A6",
    "blue": "#3B82F6",
    "purple": "#A855F7",
    "pink": "#EC4899",
    "brown": "#92400E",
    "beige": "#E8D8B8",
    "gold": "#D4AF37",
    "navy": "#1E3A8A",
}
LOGO_WIDTH_FRACTION: Final = 0.1
DEFAULT_CORNER: Final = "top_right"

# ---------------------------------------------------------------- rendering craft (the local renderer reads these)

# The smallest a text may shrink to when it does not fit its zone, as a fraction of the frame height
# (CRAFT.md, Type): title ≥ 5% / 7%, captions and the call to action ≥ 4% / 5%. A size asked smaller
# than this stays as asked; only the fitting never goes below it.
ROLE_MIN_SIZE: Final[dict[str, dict[str, float]]] = {
    "vertical": {"title": 0.05, "caption": 0.04, "cta": 0.04, "custom": 0.04},
    "other": {"title": 0.07, "caption": 0.05, "cta": 0.05, "custom": 0.05},
}
MAX_LINE_CHARS: Final[dict[str, int]] = {"vertical": 28, "other": 42}  # CRAFT.md: ≤ ~28 / ~42 a line
MIN_CONTRAST: Final = 4.5  # WCAG AA for text against what is behind its glyphs
DARK_TEXT_COLOR: Final = "#111111"  # the near-black the renderer picks when white cannot be read
LINE_STAGGER_MS: Final = 100  # between the lines of an animated text (CRAFT.md: 80–150 ms)
MIN_REVEAL_STEP_MS: Final = 120  # typewriter / word-by-word: never more than ~8 steps a second
LOGO_MIN_WIDTH_FRACTION: Final = 0.08
LOGO_MAX_WIDTH_FRACTION: Final = 0.12
