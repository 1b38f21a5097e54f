"""The subject of a picture: a text nobody placed keeps off it (a product with a flat label is calm
inside, so calmness alone put captions on the label), and the crop and the zoom keep it in frame."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from nemo_video.backends.base import Asset, RenderRequest
from nemo_video.backends.local.render import render_draft
from nemo_video.backends.local.render.plan import SourceFacts, build_plan
from nemo_video.composition import Composition, apply, parse_operations, to_draft
from nemo_video.config import Settings

from .media import frame

W, H = 540, 960
PRODUCT = (0.38, 0.36, 0.62, 0.92)  # left, top, right, bottom as fractions of the frame


def picture(path: Path, product: bool) -> Path:
    image = Image.new("RGB", (W, H))
    draw = ImageDraw.Draw(image)
    for y in range(H):  # a soft studio backdrop
        f = y / H
        draw.line([(0, y), (W, y)], fill=(round(200 + 40 * f), round(205 + 35 * f), round(215 + 25 * f)))
    if product:
        left, top, right, bottom = (round(v * s) for v, s in zip(PRODUCT, (W, H, W, H), strict=True))
        draw.rounded_rectangle([left, top, right, bottom], radius=20, fill=(30, 60, 90))
        draw.rectangle([left, round(H * 0.5), right, round(H * 0.7)], fill=(230, 180, 90))  # a flat label
    image.save(path, quality=92)
    return path


def caption_box(tmp_path: Path, product: bool) -> tuple[float, float]:
    path = picture(tmp_path / f"shot-{product}.jpg", product)
    media = [Asset(id="m1", name=path.name, kind="image", src=str(path), width=W, height=H)]
    ops = parse_operations(
        [
            {"op": "set_format", "platform": "reels"},
            {"op": "add_scene", "media": "m1"},
            {"op": "set_duration", "seconds": 4},
            {"op": "set_text", "role": "caption", "text": "Slow-steeped for 18 hours", "scene": "s1"},
        ]
    )
    draft = to_draft(apply(Composition(), ops, media), media)
    request = RenderRequest(destination=tmp_path / "v.mp4", height=H)
    plan = build_plan(draft, request, {str(path): SourceFacts(W, H, None, False)})
    (block,) = [t for t in plan.texts if t.role == "caption"]
    return block.top_y / plan.height, (block.top_y + block.height) / plan.height


def test_a_caption_moves_off_the_product_onto_the_backdrop(tmp_path: Path) -> None:
    top, bottom = caption_box(tmp_path, product=True)
    assert bottom <= PRODUCT[1] + 0.02, (top, bottom)  # above the product, not on its label
    assert top >= 0.14  # still inside the reels safe zone


def test_without_a_subject_the_caption_keeps_its_default_place(tmp_path: Path) -> None:
    top, bottom = caption_box(tmp_path, product=False)
    assert bottom > PRODUCT[1] + 0.02, (top, bottom)  # the move above is the product's doing


def off_centre_product(path: Path) -> Path:
    """A 4:3 studio shot with its product near the left edge: a centred 9:16 crop would cut it out."""
    image = Image.new("RGB", (1200, 900), (200, 204, 210))
    draw = ImageDraw.Draw(image)
    for y in range(900):
        draw.line([(0, y), (1200, y)], fill=(200 + y // 30, 204 + y // 30, 210 + y // 40))
    draw.ellipse([110, 380, 250, 520], fill=(220, 30, 30))  # a red product at x ≈ 0.15
    image.save(path, quality=92)
    return path


async def _red_share(tmp_path: Path, settings: Settings, focal: tuple[float, float] | None) -> float:
    path = off_centre_product(tmp_path / "shot.jpg")
    media = [Asset(id="m1", name=path.name, kind="image", src=str(path), width=1200, height=900)]
    raw: list[dict[str, object]] = [
        {"op": "set_format", "platform": "reels"},
        {"op": "add_scene", "media": "m1"},
        {"op": "set_duration", "seconds": 2},
    ]
    if focal is not None:
        raw.append({"op": "set_scene", "scene": "s1", "focal": list(focal)})
    draft = to_draft(apply(Composition(), parse_operations(raw), media), media)
    dest = tmp_path / f"out-{focal}.mp4"
    await render_draft(draft, RenderRequest(destination=dest, height=320), settings)
    pixels = frame(dest, 1.0, tmp_path / "f.png").convert("RGB").tobytes()
    red = sum(1 for i in range(0, len(pixels), 3) if pixels[i] > 170 and pixels[i + 1] < 90 and pixels[i + 2] < 90)
    return red / (len(pixels) / 3)


async def test_the_crop_and_the_zoom_keep_the_subject_in_frame(tmp_path: Path, settings: Settings) -> None:
    """Measured on the rendered frame: the product is on screen because the window follows it."""
    assert await _red_share(tmp_path, settings, None) > 0.02


async def test_a_focal_point_the_user_set_wins_over_the_subject(tmp_path: Path, settings: Settings) -> None:
    assert await _red_share(tmp_path, settings, (0.9, 0.5)) == 0.0
