"""Measure an exported file against the craft rules: frames and audio decoded with ffmpeg.

Contrast, per text: one small frame is decoded at the middle of the text's time on screen, cropped
to the text block and scaled so the type is about 32 px. The glyphs are the pixels close to the
text's colour inside the block; the ring is the pixels a little way out from them (past the
anti-aliased edge, out to 0.3 of the type size). The WCAG ratio is taken between the median colour
of the glyphs and the median colour of the ring — what a reader's eye compares.

Loudness: one ``ebur128=peak=true`` pass over the file's audio (integrated LUFS, true peak).
"""

from __future__ import annotations

import math
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageFilter

from ..draft import Draft
from ..media import run
from .layout import MIN_SIZE, Layout, PlacedText, read_layout
from .model import Check, DesignReport, TextMeasure

CONTRAST_MIN = 4.5
LUFS_TARGET, LUFS_TOLERANCE, TRUE_PEAK_MAX = -14.0, 1.0, -1.0
HOOK_S, HOOK_FADE_S = 0.3, 0.5
END_CARD_MIN_S = 2.0
COLOR_TOLERANCE = 56  # per channel, after yuv420p and the encoder
CORE_TOLERANCE = 24
MEASURE_PX = 32  # type size the crops are scaled to (never up)
TIMEOUT_S = 120.0


@dataclass(frozen=True)
class _Grab:
    at_s: float
    crop: tuple[int, int, int, int]  # x, y, w, h in output px
    scale: float
    box: tuple[int, int, int, int]  # the text block inside the crop, scaled


# ---------------------------------------------------------------- colour


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgb)


def parse_color(value: str) -> tuple[int, int, int]:
    text = value.split("@")[0].strip().lstrip("#")
    if text.lower().startswith("0x"):
        text = text[2:]
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    try:
        return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)
    except ValueError:
        from PIL import ImageColor

        r, g, b = ImageColor.getrgb(value)[:3]
        return r, g, b


def luminance(rgb: tuple[int, int, int]) -> float:
    def lin(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _median(histogram: list[int]) -> int:
    total, seen = sum(histogram), 0
    for value, count in enumerate(histogram):
        seen += count
        if seen * 2 >= total:
            return value
    return 0


def _median_rgb(image: Image.Image, mask: Image.Image) -> tuple[int, int, int]:
    h = image.histogram(mask=mask)
    return _median(h[0:256]), _median(h[256:512]), _median(h[512:768])


def _dilate(mask: Image.Image, radius: int) -> Image.Image:
    for _ in range(radius):
        mask = mask.filter(ImageFilter.MaxFilter(3))
    return mask


def glyph_contrast(
    image: Image.Image, box: tuple[int, int, int, int], color: tuple[int, int, int], size_px: float
) -> tuple[float, tuple[int, int, int], tuple[int, int, int]] | None:
    """(ratio, glyph colour, ring colour) in ``image`` for text of ``color`` inside ``box``; None when
    no glyph pixels are found there."""
    rgb = image.convert("RGB")
    diff = ImageChops.difference(rgb, Image.new("RGB", rgb.size, color))
    r, g, b = diff.split()
    far = ImageChops.lighter(ImageChops.lighter(r, g), b)
    near = far.point(lambda v: 255 if v <= COLOR_TOLERANCE else 0)
    inside = Image.new("L", rgb.size, 0)
    inside.paste(255, box)
    glyphs = ImageChops.multiply(near, inside)
    area = max(1, (box[2] - box[0]) * (box[3] - box[1]))
    count = glyphs.histogram()[255]
    if count < max(6, area * 0.004):
        return None
    r_in = max(1, round(size_px * 0.08))
    r_out = max(r_in + 2, round(size_px * 0.3))
    inner = _dilate(glyphs, r_in)
    ring = ImageChops.subtract(_dilate(inner, r_out - r_in), inner)
    if ring.histogram()[255] < 6:
        return None
    # the glyphs' colour from their cores (anti-aliased edges pass the tolerance too, and would pull
    # the median towards the background)
    core = ImageChops.multiply(far.point(lambda v: 255 if v <= CORE_TOLERANCE else 0), inside)
    cores = core.histogram()[255]
    glyph_rgb = _median_rgb(rgb, core if cores >= max(4, count * 0.15) else glyphs)
    ring_rgb = _median_rgb(rgb, ring)
    return contrast_ratio(glyph_rgb, ring_rgb), glyph_rgb, ring_rgb


# ---------------------------------------------------------------- decoding


def _grab(text: PlacedText, at_s: float, width: int, height: int) -> _Grab:
    size = text.block.size
    pad = max(4, math.ceil(size * 0.45))
    left, top, right, bottom = text.box
    x0, y0 = max(0, left - pad), max(0, top - pad)
    x1, y1 = min(width, right + pad), min(height, bottom + pad)
    scale = min(1.0, MEASURE_PX / max(1, size))
    box = tuple(round((v - o) * scale) for v, o in ((left, x0), (top, y0), (right, x0), (bottom, y0)))
    return _Grab(at_s, (x0, y0, max(2, x1 - x0), max(2, y1 - y0)), scale, box)  # type: ignore[arg-type]


async def _decode(video: Path, ffmpeg: str, grabs: list[_Grab], folder: Path) -> list[Image.Image | None]:
    """One ffmpeg call: each grab's frame, cropped and scaled, as a PNG in ``folder``."""
    if not grabs:
        return []
    args = [ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-y"]
    graph, outputs = [], []
    for i, g in enumerate(grabs):
        args += ["-ss", f"{g.at_s:.3f}", "-i", str(video)]
        x, y, w, h = g.crop
        sw, sh = max(2, round(w * g.scale)), max(2, round(h * g.scale))
        graph.append(f"[{i}:v]crop={w}:{h}:{x}:{y},scale={sw}:{sh}:flags=area,format=rgb24[c{i}]")
        outputs += ["-map", f"[c{i}]", "-frames:v", "1", str(folder / f"{i}.png")]
    result = await run([*args, "-filter_complex", ";".join(graph), *outputs], timeout_s=TIMEOUT_S)
    frames: list[Image.Image | None] = []
    for i in range(len(grabs)):
        path = folder / f"{i}.png"
        if result.returncode == 0 and path.is_file():
            with Image.open(path) as image:
                frames.append(image.convert("RGB"))
        else:
            frames.append(None)
    return frames


_NUMBER = r"(-?(?:\d+(?:\.\d+)?|inf))"


async def loudness(video: Path, ffmpeg: str) -> tuple[float, float] | None:
    """(integrated LUFS, true peak dBTP) of the file's first audio stream; None without audio."""
    args = [
        ffmpeg,
        "-hide_banner",
        "-nostdin",
        "-nostats",
        "-loglevel",
        "info",
        "-i",
        str(video),
        "-map",
        "0:a:0",
        "-af",
        "ebur128=peak=true",
        "-f",
        "null",
        "-",
    ]
    result = await run(args, timeout_s=TIMEOUT_S)
    text = result.stderr.decode("utf-8", "replace")
    summary = text[text.rfind("Summary:") :] if "Summary:" in text else ""
    integrated = re.search(r"I:\s+" + _NUMBER + r" LUFS", summary)
    peak = re.search(r"True peak:\s+Peak:\s+" + _NUMBER + r" dBFS", summary)
    if result.returncode != 0 or integrated is None or peak is None:
        return None
    return float(integrated.group(1)), float(peak.group(1))


# ---------------------------------------------------------------- rules


def _subject(text: PlacedText) -> str:
    words = " ".join(text.block.text.split())
    return f"{text.id}: {words[:32]}"


def _text_checks(
    layout: Layout, text: PlacedText, frame: Image.Image | None, grab: _Grab
) -> tuple[TextMeasure, list[Check]]:
    plan = layout.plan
    family = "vertical" if plan.height > plan.width * 1.2 else "other"
    minimum = MIN_SIZE[family].get(text.role, MIN_SIZE[family]["custom"])
    fraction = text.block.size / plan.height
    zl, zt, zr, zb = layout.zone
    left, top, right, bottom = text.box
    inside = left >= zl - 1 and top >= zt - 1 and right <= zr + 1 and bottom <= zb + 1
    measured = (
        glyph_contrast(frame, grab.box, parse_color(text.block.color), text.block.size * grab.scale) if frame else None
    )
    subject = _subject(text)
    checks = [
        Check(
            rule="text_size",
            status="pass" if fraction >= minimum - 1e-4 else "fail",
            value=round(fraction * 100, 2),
            unit="% of height",
            target=f"≥ {minimum * 100:g}% of the height for a {text.role}",
            subject=subject,
        ),
        Check(
            rule="text_zone",
            status="pass" if inside else "fail",
            subject=subject,
            value=None,
            target=f"inside the {layout.platform} safe zone {layout.zone}",
            note=None if inside else f"text block {text.box}",
        ),
        Check(
            rule="text_contrast",
            status="fail" if measured is None or measured[0] < CONTRAST_MIN else "pass",
            value=round(measured[0], 2) if measured else None,
            unit=":1",
            target=f"≥ {CONTRAST_MIN}:1 (WCAG)",
            subject=subject,
            note=_contrast_note(measured is not None, measured is not None and measured[0] >= CONTRAST_MIN, text),
        ),
    ]
    measure = TextMeasure(
        id=text.id,
        role=text.role,
        words=" ".join(text.block.text.split()),
        at_s=round(grab.at_s, 3),
        size_px=text.block.size,
        size_fraction=round(fraction, 4),
        box=text.box,
        zone=layout.zone,
        contrast=round(measured[0], 2) if measured else None,
        glyph_color=_hex(measured[1]) if measured else None,
        ring_color=_hex(measured[2]) if measured else None,
    )
    return measure, checks


def _contrast_note(found: bool, passed: bool, text: PlacedText) -> str | None:
    """Why a contrast check fails: no glyphs found, or what the user asked for (then it is the request,
    not the renderer, that sets the contrast)."""
    if not found:
        return "no glyphs of the text's colour found in the frame"
    if not passed and text.asked:
        return f"asked: {text.asked} (the contrast follows the request)"
    return None


def _hook(layout: Layout, frame: Image.Image | None, grab: _Grab | None) -> Check:
    target = f"first words on screen by {HOOK_S} s, fully in by {HOOK_FADE_S} s"
    if not layout.texts or grab is None:
        return Check(rule="hook", status="fail", target=target, note="no text at all")
    first = min(layout.texts, key=lambda t: t.block.start_s)
    seen = frame is not None and glyph_contrast(
        frame, grab.box, parse_color(first.block.color), first.block.size * grab.scale
    )
    timely = first.block.start_s <= HOOK_S + 1e-6 and first.block.start_s + first.block.fade_in_s <= HOOK_FADE_S + 1e-6
    return Check(
        rule="hook",
        status="pass" if timely and seen else "fail",
        value=round(first.block.start_s, 3),
        unit="s",
        target=target,
        subject=_subject(first),
        note=None if seen else f"the text's glyphs are not in the frame at {grab.at_s:g} s",
    )


def _end_card(layout: Layout) -> Check:
    target = f"the call to action on a closing card for the last ≥ {END_CARD_MIN_S:g} s"
    if not layout.has_cta:
        return Check(rule="end_card", status="n/a", target=target, note="no call to action")
    d = layout.plan.duration_s
    frame = 1.0 / layout.plan.fps
    cta_held = any(
        t.role == "cta" and t.block.start_s <= d - END_CARD_MIN_S + 1e-6 and t.block.end_s >= d - frame - 1e-6
        for t in layout.texts
    )
    ok = layout.end_card_s >= END_CARD_MIN_S - 1e-6 and cta_held
    note = None if ok else ("no closing card" if layout.end_card_s <= 0 else "the call to action does not hold the end")
    return Check(
        rule="end_card",
        status="pass" if ok else "fail",
        value=round(layout.end_card_s, 3),
        unit="s",
        target=target,
        note=note,
    )


def beat_offsets(layout: Layout) -> list[float]:
    beat = layout.beat_s
    if not beat:
        return []
    return [round((cut - round(cut / beat) * beat) * 1000, 1) for cut in layout.cuts_s]


def _beats(layout: Layout, offsets: list[float]) -> Check:
    frame_ms = 1000.0 / layout.plan.fps
    target = f"cuts within one frame ({frame_ms:.1f} ms) of the music's beat"
    if layout.beat_s is None or not layout.cuts_s:
        return Check(rule="beats", status="n/a", target=target, note="no beat grid or no cuts")
    worst = max(abs(o) for o in offsets)
    return Check(
        rule="beats", status="pass" if worst <= frame_ms + 0.5 else "fail", value=worst, unit="ms", target=target
    )


def _sound(layout: Layout, measured: tuple[float, float] | None) -> list[Check]:
    loud_target = f"{LUFS_TARGET:g} LUFS ± {LUFS_TOLERANCE:g} integrated"
    peak_target = f"≤ {TRUE_PEAK_MAX:g} dBTP"
    if not layout.expects_audio or layout.plan.format == "gif":
        note = "no music or clip sound" if layout.plan.format != "gif" else "a GIF has no sound"
        return [
            Check(rule="loudness", status="n/a", target=loud_target, note=note),
            Check(rule="true_peak", status="n/a", target=peak_target, note=note),
        ]
    if measured is None:
        return [
            Check(rule="loudness", status="fail", target=loud_target, note="the audio could not be measured"),
            Check(rule="true_peak", status="fail", target=peak_target, note="the audio could not be measured"),
        ]
    lufs, peak = measured
    return [
        Check(
            rule="loudness",
            status="pass" if abs(lufs - LUFS_TARGET) <= LUFS_TOLERANCE else "fail",
            value=lufs,
            unit="LUFS",
            target=loud_target,
        ),
        Check(
            rule="true_peak",
            status="pass" if peak <= TRUE_PEAK_MAX else "fail",
            value=peak,
            unit="dBTP",
            target=peak_target,
        ),
    ]


async def measure_export(draft: Draft, video: Path, ffmpeg: str, height: int, fmt: str = "mp4") -> DesignReport:
    """The design report of ``video``, rendered from ``draft`` at ``height`` pixels."""
    started = time.monotonic()
    layout = await read_layout(draft, ffmpeg, height, fmt)
    plan = layout.plan
    grabs = [_grab(t, (t.block.start_s + t.block.end_s) / 2, plan.width, plan.height) for t in layout.texts]
    hook_text = min(layout.texts, key=lambda t: t.block.start_s) if layout.texts else None
    hook_grab = (
        _grab(hook_text, min(HOOK_FADE_S, hook_text.block.end_s - 0.5 / plan.fps), plan.width, plan.height)
        if hook_text
        else None
    )
    with tempfile.TemporaryDirectory(prefix="nemo-report-") as folder:
        frames = await _decode(video, ffmpeg, [*grabs, *([hook_grab] if hook_grab else [])], Path(folder))
    measures, checks = [], []
    for text, grab, frame in zip(layout.texts, grabs, frames, strict=False):
        measure, text_checks = _text_checks(layout, text, frame, grab)
        measures.append(measure)
        checks += text_checks
    checks.append(_hook(layout, frames[-1] if hook_grab else None, hook_grab))
    checks.append(_end_card(layout))
    offsets = beat_offsets(layout)
    checks.append(_beats(layout, offsets))
    sound = await loudness(video, ffmpeg) if layout.expects_audio and fmt != "gif" else None
    checks += _sound(layout, sound)
    return DesignReport(
        passed=not any(c.status == "fail" for c in checks),
        platform=layout.platform,
        width=plan.width,
        height=plan.height,
        checks=checks,
        texts=measures,
        loudness_lufs=sound[0] if sound else None,
        true_peak_dbtp=sound[1] if sound else None,
        beat_offsets_ms=offsets,
        notes=list(plan.notes),
        measured_s=round(time.monotonic() - started, 3),
    )
