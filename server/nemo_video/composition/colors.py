"""Colour arithmetic for legibility: WCAG relative luminance and contrast, and a colour made dark
enough for white text (cards and bands in a brand colour)."""

from __future__ import annotations

import colorsys


def rgb(hex_color: str) -> tuple[int, int, int]:
    value = hex_color.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def hex_of(r: float, g: float, b: float) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02X}" for c in (r, g, b))


def luminance(r: float, g: float, b: float) -> float:
    """WCAG 2 relative luminance of an sRGB colour (0–255 channels)."""

    def linear(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast(a: float, b: float) -> float:
    """WCAG contrast ratio of two relative luminances."""
    high, low = max(a, b), min(a, b)
    return (high + 0.05) / (low + 0.05)


def vividness(hex_color: str) -> float:
    """How colourful ``hex_color`` looks (HSV saturation times value: greys, near-whites and
    near-blacks are low), for picking a picture's accent over its backdrop."""
    _, saturation, value = colorsys.rgb_to_hsv(*(c / 255 for c in rgb(hex_color)))
    return saturation * value


def under_white(hex_color: str, ratio: float = 7.0) -> str:
    """``hex_color``'s hue and saturation at the lightness where white text reaches ``ratio``."""
    h, lightness, s = colorsys.rgb_to_hls(*(c / 255 for c in rgb(hex_color)))
    white = luminance(255, 255, 255)
    while lightness > 0:
        r, g, b = (c * 255 for c in colorsys.hls_to_rgb(h, lightness, s))
        if contrast(white, luminance(r, g, b)) >= ratio:
            return hex_of(r, g, b)
        lightness -= 0.02
    return "#000000"
