"""The design report: an export measured against the craft rules (CRAFT.md) from the rendered file.

report = await measure_export(draft, video_path, ffmpeg, height)
"""

from __future__ import annotations

from .measure import contrast_ratio, glyph_contrast, loudness, measure_export
from .model import Check, DesignReport, TextMeasure

__all__ = ["Check", "DesignReport", "TextMeasure", "contrast_ratio", "glyph_contrast", "loudness", "measure_export"]
