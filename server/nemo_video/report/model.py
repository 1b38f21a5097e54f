"""The design report's shape: every craft rule (CRAFT.md) with its measured value and a verdict."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Status = Literal["pass", "fail", "n/a"]


class Check(BaseModel):
    """One rule applied once: what was measured, what the rule asks, and whether it holds."""

    rule: str = Field(description="text_size, text_zone, text_contrast, hook, end_card, beats, loudness, true_peak")
    status: Status
    value: float | None = Field(default=None, description="What was measured (unit in `unit`).")
    target: str = Field(description="What the rule asks, in words and numbers.")
    unit: str = ""
    subject: str | None = Field(default=None, description="The text (id and first words) the check is about.")
    note: str | None = None


class TextMeasure(BaseModel):
    """One text as the rendered frame shows it."""

    id: str
    role: str
    words: str
    at_s: float = Field(description="Where the frame was decoded.")
    size_px: int = Field(description="Font size in output pixels.")
    size_fraction: float = Field(description="Font size as a fraction of the output height.")
    box: tuple[int, int, int, int] = Field(description="The text block in output pixels (left, top, right, bottom).")
    zone: tuple[int, int, int, int] = Field(description="The platform's safe zone in output pixels.")
    contrast: float | None = Field(default=None, description="WCAG ratio of the glyphs against the ring around them.")
    glyph_color: str | None = None
    ring_color: str | None = None


class DesignReport(BaseModel):
    """Measured on the rendered file (frames and audio decoded with ffmpeg), with the draft's layout."""

    passed: bool
    platform: str
    width: int
    height: int
    checks: list[Check] = Field(default_factory=list)
    texts: list[TextMeasure] = Field(default_factory=list)
    loudness_lufs: float | None = None
    true_peak_dbtp: float | None = None
    beat_offsets_ms: list[float] = Field(default_factory=list, description="Each cut's distance to the nearest beat.")
    notes: list[str] = Field(
        default_factory=list,
        description="What the renderer changed to keep to the rules: a text shortened or made smaller, a box "
        "added for contrast, the logo moved.",
    )
    measured_s: float = Field(description="Time the measurement added to the export.")

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if c.status == "fail"]

    def summary(self) -> str:
        """One line for a person (rules passed, what failed, the loudness), then one line per renderer note."""
        counted = [c for c in self.checks if c.status != "n/a"]
        ok = len(counted) - len(self.failures)
        parts = [f"Design report: {ok}/{len(counted)} checks pass"]
        if self.failures:
            parts.append("failing: " + ", ".join(sorted({c.rule for c in self.failures})))
        if self.loudness_lufs is not None:
            parts.append(f"{self.loudness_lufs:.1f} LUFS, true peak {self.true_peak_dbtp:.1f} dBTP")
        contrasts = [t.contrast for t in self.texts if t.contrast is not None]
        if contrasts:
            parts.append(f"lowest contrast {min(contrasts):.1f}:1")
        return "\n".join(["; ".join(parts) + ".", *(f"Changed to fit: {note}" for note in self.notes)])
