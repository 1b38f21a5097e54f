"""What a picture looks like, in words an agent can use: orientation, dominant colours, palette.

Computed once at import from a small thumbnail (a clip's middle frame), so ``get_state`` can say
which upload is "the blue one" or "the portrait one". Colour names come from a fixed English
vocabulary; translating a request ("蓝色") into it is the planner's job, not this module's.
"""

from __future__ import annotations

import colorsys
from collections import Counter
from typing import Final, Literal

from PIL import Image

from ...errors import ErrorCode, NemoVideoError

Orientation = Literal["portrait", "landscape", "square"]

COLOR_NAMES: Final = (
    "red",
    "orange",
    "yellow",
    "green",
    "teal",
    "blue",
    "purple",
    "pink",
    "brown",
    "black",
    "white",
    "gray",
    "beige",
)
SQUARE_TOLERANCE: Final = 0.05  # within ±5 % of 1:1 counts as square
THUMBNAIL: Final = 64
CLUSTERS: Final = 8
MIN_SHARE: Final = 0.12  # a colour covering less of the picture is not "dominant"
MAX_NAMES: Final = 3
MAX_PALETTE: Final = 5

# Size limits, checked before anything decodes the pixels: a tiny file can declare a huge or
# extremely thin picture, and scaling that to cover a 1080p frame takes gigabytes.
MAX_IMAGE_PIXELS: Final = 100_000_000  # 100 MP: above today's 50-108 MP phone cameras but one
MAX_CLIP_PIXELS: Final = 8192 * 4320  # 8K
MAX_ASPECT: Final = 20  # 20:1 either way: wide enough for phone panoramas


def orientation_of(width: int | None, height: int | None) -> Orientation | None:
    """``square`` within ±5 %, else the longer side; None when the size is unknown."""
    if not width or not height:
        return None
    if max(width, height) <= min(width, height) * (1 + SQUARE_TOLERANCE) + 1e-9:
        return "square"
    return "landscape" if width > height else "portrait"


def check_dimensions(name: str, width: int, height: int, *, clip: bool = False) -> None:
    """Refuse pictures and clips whose size would make rendering take unbounded memory."""
    if width <= 0 or height <= 0:
        raise NemoVideoError(ErrorCode.UNSUPPORTED_MEDIA, f"{name} has no size ({width}x{height}).")
    limit = MAX_CLIP_PIXELS if clip else MAX_IMAGE_PIXELS
    what = "frame" if clip else "picture"
    if width * height > limit:
        raise NemoVideoError(
            ErrorCode.UNSUPPORTED_MEDIA,
            f"{name} is {width}x{height} ({width * height / 1e6:.0f} megapixels); the limit is "
            f"{limit / 1e6:.0f} megapixels per {what}.",
            hint=f"Resize it to at most {limit / 1e6:.0f} megapixels (e.g. "
            f"{'7680x4320' if clip else '12000x8000'}) and upload it again.",
        )
    longer, shorter = max(width, height), min(width, height)
    if longer > MAX_ASPECT * shorter:
        times = f"{longer / shorter:.2f}".rstrip("0").rstrip(".")
        long_side, short_side = ("wide", "tall") if width > height else ("tall", "wide")
        raise NemoVideoError(
            ErrorCode.UNSUPPORTED_MEDIA,
            f"{name} is {width}x{height}, {times} times as {long_side} as it is {short_side}; "
            f"the limit is {MAX_ASPECT}:1.",
            hint=f"Crop it to at most {MAX_ASPECT}:1 and upload it again.",
        )


def color_name(rgb: tuple[int, int, int]) -> str:
    """The nearest of :data:`COLOR_NAMES` by a perceptual rule on hue, saturation and lightness."""
    r, g, b = (c / 255 for c in rgb)
    hue, sat, val = colorsys.rgb_to_hsv(r, g, b)
    light = (max(r, g, b) + min(r, g, b)) / 2
    degrees = hue * 360
    if val < 0.16:
        return "black"
    if 18 <= degrees < 65 and 0.08 <= sat < 0.42 and val >= 0.7:
        return "beige"  # light, weakly saturated, warm: sand, cream, tan
    if sat < 0.14 or (sat < 0.25 and val < 0.6):
        return "black" if light < 0.18 else "white" if light > 0.86 else "gray"
    if 10 <= degrees < 50 and val < 0.65:
        return "brown"  # dark orange
    if 50 <= degrees < 68 and val < 0.55:
        return "green"  # dark yellow: olive
    if (degrees < 12 or degrees >= 345) and sat < 0.45 and val > 0.75:
        return "pink"  # light red
    for upper, name in _HUES:
        if degrees < upper:
            return name
    return "red"


_HUES: Final = (
    (12, "red"),
    (40, "orange"),
    (68, "yellow"),
    (165, "green"),
    (195, "teal"),
    (255, "blue"),
    (310, "purple"),
    (345, "pink"),
    (360, "red"),
)


_REDUCIBLE = ("RGB", "RGBA", "L", "LA")


def dominant_colors(image: Image.Image) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(names, palette): the colour names covering at least 12 % of the visible pixels, most dominant
    first (at most 3), and each such colour as ``#RRGGBB`` in the same order (at most 5).

    The thumbnail is clustered into 8 colours; clusters are named and clusters of one name merged
    before the 12 % rule, so a gradient split over three shades of blue still counts as blue. A
    colour's ``#RRGGBB`` is the pixel-weighted mean of its clusters.
    """
    if image.mode not in _REDUCIBLE:
        image = image.convert("RGBA")
    # A whole-pixel box reduction first: converting and resampling 12 MP took 0.5 s, this 0.04 s.
    thumb = image.reduce(max(1, min(image.size) // (2 * THUMBNAIL))).convert("RGBA")
    thumb.thumbnail((THUMBNAIL, THUMBNAIL), Image.Resampling.BOX)
    visible = [a >= 128 for a in thumb.getchannel("A").tobytes()]
    if not any(visible):
        return (), ()
    quantized = thumb.convert("RGB").quantize(colors=CLUSTERS, method=Image.Quantize.FASTOCTREE, kmeans=2)
    raw = quantized.getpalette() or []
    counts = Counter(i for i, seen in zip(quantized.tobytes(), visible, strict=True) if seen)
    total = sum(counts.values())
    by_name: dict[str, list[tuple[tuple[int, int, int], int]]] = {}
    for i, n in counts.items():
        rgb = (raw[3 * i], raw[3 * i + 1], raw[3 * i + 2])
        by_name.setdefault(color_name(rgb), []).append((rgb, n))
    shares = sorted(by_name.items(), key=lambda item: -sum(n for _, n in item[1]))
    kept = [(name, members) for name, members in shares if sum(n for _, n in members) / total >= MIN_SHARE]
    names = tuple(name for name, _ in kept[:MAX_NAMES])
    palette = tuple(_mean_hex(members) for _, members in kept[:MAX_PALETTE])
    return names, palette


def _mean_hex(members: list[tuple[tuple[int, int, int], int]]) -> str:
    weight = sum(n for _, n in members)
    mean = (round(sum(rgb[k] * n for rgb, n in members) / weight) for k in range(3))
    return "#{:02X}{:02X}{:02X}".format(*mean)
