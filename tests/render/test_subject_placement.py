"""A text nobody placed keeps off the picture's subject: a product with a flat label is calm inside
(few edges), so calmness alone put captions on the label; the subject's salience now counts."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from nemo_video.backends.base import Asset, RenderRequest
from nemo_video.backends.local.render.plan import SourceFacts, build_plan
from nemo_video.composition import Composition, apply, parse_operations, to_draft

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
