"""Text craft measured on real renders (360x640 and 320x180, under 2 s each): contrast of the glyphs
against the ring of pixels around them, every text inside its zone, each animation unlike a fade in its
first frames, the logo's size and corner. The measures read decoded frames, not the plan; the plan only
says where to look."""

from __future__ import annotations

import itertools
import random
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from nemo_video.backends.base import RenderRequest
from nemo_video.backends.local.render import build_plan, layout, render_draft
from nemo_video.composition.colors import contrast, luminance
from nemo_video.config import Settings
from nemo_video.draft import Draft

from .builders import background, draft, image_segment, text_segment
from .media import frame

W, H = 360, 640


def _photo(folder: Path, kind: str) -> Path:
    """A light, dark or busy 'photo' with some texture (600x800)."""
    rng = random.Random(kind)
    image = Image.new("RGB", (600, 800))
    draw = ImageDraw.Draw(image)
    for y in range(0, 800, 8):
        for x in range(0, 600, 8):
            if kind == "light":
                v = 215 + rng.randrange(40)
                color = (v, v - rng.randrange(10), v - rng.randrange(25))
            elif kind == "dark":
                v = 15 + rng.randrange(40)
                color = (v, v + rng.randrange(10), v + rng.randrange(20))
            else:
                color = (255, 255, 255) if (x // 8 + y // 8) % 2 else (rng.randrange(60), 20, 90)
            draw.rectangle((x, y, x + 7, y + 7), fill=color)
    path = folder / f"{kind}.png"
    image.save(path)
    return path


def _title(text: str = "Fresh Summer", **spec: Any) -> dict[str, Any]:
    seg = text_segment(text, 0, 1600, role="title", y=0.3, size=110)
    seg["spec"] = {"style": {"color": "#FFFFFF"}, "position": {"y": 0.3}, **spec}
    return seg


def _reel(photo: Path, texts: list[dict[str, Any]], **meta: Any) -> Draft:
    seg = image_segment(photo, 1600, direction="in", transition=None, size=(600, 800))
    d = draft([seg], texts=texts, width=1080, height=1920)
    wire = d.to_wire()
    wire["m"].update({"platform": "reels", **meta})
    value = Draft.from_wire(wire)
    assert value is not None
    return value


async def _render(d: Draft, settings: Settings, name: str, height: int = H) -> Path:
    dest = settings.output_dir / name
    await render_draft(d, RenderRequest(destination=dest, height=height), settings)
    return dest


def _glyph_contrast(image: Image.Image, rect: tuple[float, float, float, float]) -> float:
    """Contrast of the white glyphs against the ring 2-3 px around them, inside ``rect``."""
    box = tuple(round(v) for v in rect)
    crop = image.crop(box)  # type: ignore[arg-type]
    grey = crop.convert("L")
    mask = grey.point(lambda v: 255 if v >= 215 else 0)
    core = mask.filter(ImageFilter.MinFilter(3))
    ring = ImageChops.subtract(mask.filter(ImageFilter.MaxFilter(7)), mask.filter(ImageFilter.MaxFilter(3)))
    pixels = list(zip(crop.tobytes()[0::3], crop.tobytes()[1::3], crop.tobytes()[2::3], strict=True))
    inside = [p for p, m in zip(pixels, core.tobytes(), strict=True) if m]
    around = [p for p, m in zip(pixels, ring.tobytes(), strict=True) if m]
    assert len(inside) > 30 and len(around) > 60, "no glyphs found where the plan put the text"
    text = sorted(inside, key=lambda p: luminance(*p))[len(inside) // 2]
    mean = tuple(sum(c[i] for c in around) / len(around) for i in range(3))
    return contrast(luminance(*text), luminance(*mean))


@pytest.mark.parametrize("kind", ["light", "dark", "busy"])
async def test_white_title_reaches_4_5_to_1_on_any_photo(kind: str, settings: Settings, tmp_path: Path) -> None:
    d = _reel(_photo(tmp_path, kind), [_title()])
    video = await _render(d, settings, f"{kind}.mp4")
    plan = build_plan(d, RenderRequest(destination=video, height=H), {})
    t = plan.texts[0]
    assert t.color == "#FFFFFF"  # the asked colour is kept; the backdrop does the work
    rect = (t.center_x - max(t.widths) / 2 - 4, t.top_y - 4, t.center_x + max(t.widths) / 2 + 4, t.top_y + t.height)
    measured = _glyph_contrast(frame(video, 1.0, tmp_path / f"{kind}.png"), rect)
    assert measured >= 4.5, (kind, t.backdrop, t.box_opacity, measured)
    if kind == "dark":
        assert t.backdrop in ("none", "shadow")  # nothing heavier than needed
    else:
        assert t.backdrop in ("outline", "band", "box")


async def test_every_text_stays_in_its_zone_measured_from_the_frame(settings: Settings, tmp_path: Path) -> None:
    photo = _photo(tmp_path, "dark")
    long = "A caption far too long to sit on one line of a phone screen, with more words"
    texts = [
        _title("Top", position={"y": 0.0}) | {"position": {"x": 0.0, "y": 0.0}},
        text_segment(long, 0, 1600, role="caption", y=0.95, size=80) | {"position": {"x": 1.0, "y": 0.95}},
    ]
    d = _reel(photo, texts)
    with_text = frame(await _render(d, settings, "zone.mp4"), 1.0, tmp_path / "a.png")
    bare = frame(await _render(_reel(photo, []), settings, "bare.mp4"), 1.0, tmp_path / "b.png")
    diff = ImageChops.difference(with_text, bare).convert("L").point(lambda v: 255 if v > 60 else 0)
    left, top, right, bottom = diff.getbbox() or (0, 0, 0, 0)
    zone = layout.zone("reels", W, H)
    slack = 3  # a soft shadow's offset and the encoder's blur
    assert zone.left - slack <= left and right <= zone.right + slack, (left, right, zone)
    assert zone.top - slack <= top and bottom <= zone.bottom + slack, (top, bottom, zone)


def _card(enter: str) -> Draft:
    seg = text_segment("Big launch today", 0, 2000, role="caption", y=0.5, size=70)
    seg["animation"] = {"in": enter, "in_d": 400, "out": "fade", "out_d": 200}
    seg["style"]["backdrop"] = "none"
    return draft([background(2000, transition=None, colors=("#202020", "#202020"))], texts=[seg])


async def test_each_animation_differs_from_fade_at_its_first_frames(settings: Settings, tmp_path: Path) -> None:
    frames: dict[str, tuple[Image.Image, Image.Image]] = {}
    for enter in ("fade", "slide_up", "pop", "typewriter", "word_by_word"):
        video = await _render(_card(enter), settings, f"{enter}.mp4", height=180)
        early = frame(video, 0.15, tmp_path / f"{enter}-early.png")
        late = frame(video, 1.6, tmp_path / f"{enter}-late.png")
        frames[enter] = (early, late)

    def ink(image: Image.Image) -> tuple[int, tuple[int, int, int, int] | None]:
        mask = image.convert("L").point(lambda v: 255 if v > 120 else 0)
        return sum(1 for v in mask.tobytes() if v), mask.getbbox()

    fade_early, fade_late = frames["fade"]
    for enter in ("slide_up", "pop", "typewriter", "word_by_word"):
        early, late = frames[enter]
        changed = ImageChops.difference(early, fade_early).convert("L").point(lambda v: 255 if v > 40 else 0)
        assert sum(1 for v in changed.tobytes() if v) > 50, enter  # visibly unlike a fade
        settled = ImageChops.difference(late, fade_late).convert("L").point(lambda v: 255 if v > 60 else 0)
        assert sum(1 for v in settled.tobytes() if v) < 40, enter  # and ends where the fade ends
    typed, _ = ink(frames["typewriter"][0])
    assert 0 < typed < ink(fade_late)[0] * 0.6  # only part of the words are there yet
    _, slid = ink(frames["slide_up"][0])
    _, rest = ink(fade_late)
    assert slid is not None and rest is not None and slid[1] > rest[1]  # still below its place


async def test_logo_sits_in_its_corner_at_a_tenth_of_the_width(settings: Settings, tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGBA", (200, 100), (230, 20, 20, 255)).save(logo)
    d = _reel(_photo(tmp_path, "dark"), [], brand={"logo_src": str(logo)}, spec={"brand": {"corner": "top_right"}})
    video = await _render(d, settings, "logo.mp4")
    image = frame(video, 0.8, tmp_path / "logo-frame.png")
    red = Image.new("L", image.size)
    raw = image.tobytes()
    red.frombytes(
        bytes(
            255 if r > 170 and g < 90 and b < 90 else 0 for r, g, b in zip(raw[0::3], raw[1::3], raw[2::3], strict=True)
        )
    )
    left, top, right, _ = red.getbbox() or (0, 0, 0, 0)
    zone = layout.zone("reels", W, H)
    assert 0.08 * W <= right - left <= 0.12 * W
    assert right <= zone.right + 1 and right >= zone.right - 3  # the right-hand corner of the zone
    assert top >= zone.top - 1 and top <= zone.top + 3


def test_long_text_shrinks_to_the_minimum_then_is_shortened_with_a_note(tmp_path: Path) -> None:
    words = " ".join(["remarkable"] * 60)
    seg = text_segment(words, 0, 1600, role="caption", y=0.5, size=90)
    d = _reel(_photo(tmp_path, "dark"), [seg])
    plan = build_plan(d, RenderRequest(destination=tmp_path / "x.mp4"), {})
    t = plan.texts[0]
    assert t.size == round(0.04 * 1920)  # the caption's minimum on 9:16
    assert t.lines[-1].endswith("…")
    assert any("shortened" in n for n in plan.notes)
    zone = layout.zone("reels", 1080, 1920)
    assert zone.top <= t.top_y and t.top_y + t.height <= zone.bottom


def test_lines_are_balanced_without_an_orphan_word(tmp_path: Path) -> None:
    seg = text_segment("Our new summer collection is finally here today", 0, 1600, role="caption", size=80)
    plan = build_plan(_reel(_photo(tmp_path, "dark"), [seg]), RenderRequest(destination=tmp_path / "x.mp4"), {})
    t = plan.texts[0]
    assert len(t.lines) >= 2 and all(len(line.split()) >= 2 for line in t.lines)
    assert min(t.widths) >= 0.6 * max(t.widths)
    assert all(len(line) <= 28 for line in t.lines)


def test_a_text_placed_by_us_moves_to_the_calm_part_of_the_picture(tmp_path: Path) -> None:
    image = Image.new("RGB", (600, 800), (40, 60, 80))
    draw = ImageDraw.Draw(image)
    for x in range(0, 600, 6):  # busy upper half
        draw.line([(x, 0), (600 - x, 400)], fill=(250, 250, 250), width=2)
    path = tmp_path / "half.png"
    image.save(path)
    seg = text_segment("Hello there", 0, 1600, role="title", y=0.3, size=110)
    seg["spec"] = {}  # nothing asked about the place
    plan = build_plan(_reel(path, [seg]), RenderRequest(destination=tmp_path / "x.mp4"), {})
    t = plan.texts[0]
    assert t.top_y > 0.5 * 1920 * 0.9  # below the busy half (in the zone, whose bottom is 65%)
    fixed = _title("Hello there")
    placed = build_plan(_reel(path, [fixed]), RenderRequest(destination=tmp_path / "y.mp4"), {}).texts[0]
    assert placed.top_y < 0.3 * 1920  # the user's place is kept


def test_texts_placed_by_us_keep_clear_of_each_other_and_of_the_logo(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGBA", (200, 200), (230, 20, 20, 255)).save(logo)
    texts = []
    for words, role in (("Fresh Summer", "title"), ("New flavours every week", "caption")):
        seg = text_segment(words, 0, 1600, role=role, y=0.2, size=100)  # same time, same place
        seg["spec"] = {}
        texts.append(seg)
    d = _reel(_photo(tmp_path, "dark"), texts, brand={"logo_src": str(logo)}, spec={"brand": {"corner": "top_left"}})
    plan = build_plan(d, RenderRequest(destination=tmp_path / "x.mp4"), {})
    assert plan.logo is not None
    boxes = [
        (t.center_x - max(t.widths) / 2, t.top_y, t.center_x + max(t.widths) / 2, t.top_y + t.height)
        for t in plan.texts
    ]
    boxes.append((plan.logo.x, plan.logo.y, plan.logo.x + plan.logo.width, plan.logo.y + plan.logo.height))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)


async def test_an_asked_box_is_kept_and_made_strong_enough(settings: Settings, tmp_path: Path) -> None:
    title = _title("Fresh Summer")
    title["spec"]["style"] |= {"backdrop": "box", "backdrop_opacity": 0.2}
    d = _reel(_photo(tmp_path, "light"), [title])
    video = await _render(d, settings, "box.mp4")
    t = build_plan(d, RenderRequest(destination=video, height=H), {}).texts[0]
    assert t.backdrop == "box" and t.box_opacity > 0.2
    rect = (t.center_x - max(t.widths) / 2 - 4, t.top_y - 4, t.center_x + max(t.widths) / 2 + 4, t.top_y + t.height)
    assert _glyph_contrast(frame(video, 1.0, tmp_path / "box.png"), rect) >= 4.5


async def test_bold_chinese_is_drawn_heavier_than_regular(settings: Settings, tmp_path: Path) -> None:
    inks = {}
    for weight in (400, 700):
        seg = text_segment("新品上市", 0, 1000, role="caption", y=0.5, size=150)
        seg["style"] |= {"font_weight": weight, "backdrop": "none"}
        d = draft([background(1000, transition=None, colors=("#202020", "#202020"))], texts=[seg])
        assert build_plan(d, RenderRequest(destination=tmp_path / "x.mp4"), {}).texts[0].faux_bold == (weight == 700)
        image = frame(await _render(d, settings, f"cjk{weight}.mp4", height=180), 0.7, tmp_path / f"{weight}.png")
        inks[weight] = sum(1 for v in image.convert("L").tobytes() if v > 128)
    assert inks[700] > inks[400] * 1.15, inks


def test_lines_are_staggered_and_reveals_never_blink(tmp_path: Path) -> None:
    from nemo_video.backends.local.render import build_args

    seg = text_segment("Our new summer collection is finally here today", 0, 3000, role="caption", size=80)
    plan = build_plan(_reel(_photo(tmp_path, "dark"), [seg]), RenderRequest(destination=tmp_path / "x.mp4"), {})
    args = build_args(plan, "ffmpeg", tmp_path / "x.mp4")
    graph = args[args.index("-filter_complex") + 1]
    starts = [float(part.split("between(t\\,")[1].split("\\,")[0]) for part in graph.split("drawtext=")[1:]]
    assert len(starts) == len(plan.texts[0].lines) >= 2
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert all(0.08 <= g <= 0.15 for g in gaps), gaps
    seg["animation"] = {"in": "word_by_word", "in_d": 300, "out": "fade", "out_d": 200}
    plan = build_plan(_reel(_photo(tmp_path, "dark"), [seg]), RenderRequest(destination=tmp_path / "x.mp4"), {})
    args = build_args(plan, "ffmpeg", tmp_path / "x.mp4")
    graph = args[args.index("-filter_complex") + 1]
    windows = [part.split("enable=")[1].split(",drawtext")[0] for part in graph.split("drawtext=")[1:]]
    steps = [float(w.split("gte(t\\,")[1].split(")")[0]) for w in windows]
    assert all(b - a >= 1 / 30 - 1e-6 for a, b in itertools.pairwise(steps))  # one word a frame at most
    t = plan.texts[0]
    assert steps[-1] <= t.start_s + 0.6 * (t.end_s - t.fade_out_s - t.start_s) + 1e-6  # all in, in time
    # each line's prefixes follow one another and its last one stays to the end: nothing goes away early
    assert sum("lte(t" in w for w in windows) == len(t.lines)
    assert all(f"lte(t\\,{t.end_s:g})" in w for w in windows if "lte(t" in w)


def test_a_call_to_action_on_the_end_card_needs_no_band_for_the_crossfade_into_it(tmp_path: Path) -> None:
    busy = image_segment(_photo(tmp_path, "busy"), 3000, direction="in", transition="crossfade", t_ms=500)
    busy["source_width"], busy["source_height"] = 600, 800
    card = background(2500, transition=None, colors=("#111827", "#111827"))
    cta = text_segment("Order now", 2500, 2500, role="cta", y=0.4, size=90)
    d = draft([busy, card], texts=[cta], width=1080, height=1920)
    t = build_plan(d, RenderRequest(destination=tmp_path / "x.mp4"), {}).texts[0]
    assert t.backdrop in ("none", "shadow") and t.contrast >= 4.5
    cta["start"] = 2000  # a whole second over the busy picture: that counts
    d = draft([busy, card], texts=[cta], width=1080, height=1920)
    assert build_plan(d, RenderRequest(destination=tmp_path / "x.mp4"), {}).texts[0].backdrop in ("band", "box")
