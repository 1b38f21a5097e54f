"""Where a picture's subject is, from its pixels: for placing text off it and moving toward it.

Salience (``legibility.salience_map``) is each pixel's difference from a heavily blurred copy of the
thumbnail (a difference of Gaussians): smooth backdrops, gradients and vignettes vanish, while a
product, a face or a sign stands out, its flat inside included. The subject's centre is the
salience-weighted centroid of the most salient fifth of the picture.
"""

from __future__ import annotations

import functools
from pathlib import Path

from .legibility import salience_map

TOP_SHARE = 0.2  # the most salient fifth of the pixels makes the subject


def center(src: str) -> tuple[float, float] | None:
    """The subject's centre as fractions of the picture (x, y), or None when it cannot be read. A
    picture busy all over has its salient pixels everywhere, so their centroid is near the middle."""
    try:
        return _center(src, Path(src).stat().st_mtime)
    except OSError:
        return None


@functools.lru_cache(maxsize=64)
def _center(src: str, stamp: float) -> tuple[float, float] | None:
    # Cached like the maps: every plan of an export (the render, the report's layout, a GIF's
    # palette pass, each chunk) asks again, and the centroid is a pass over every pixel.
    found = salience_map(src)
    if found is None:
        return None
    values = found.tobytes()
    if not values:
        return None
    cut = max(1, sorted(values)[int(len(values) * (1 - TOP_SHARE))])
    w, h = found.size
    total = sx = sy = 0.0
    for i, value in enumerate(values):
        if value >= cut:
            total += value
            sx += value * (i % w + 0.5)
            sy += value * (i // w + 0.5)
    return (sx / total / w, sy / total / h) if total else None
