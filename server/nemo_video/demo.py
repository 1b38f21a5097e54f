"""Sample media the project makes itself, for ``nemo-video demo`` and the README picture.

Three deterministic "brand photos" drawn with Pillow (a product bottle on coloured studio backdrops),
so the demo needs no download and no bundled photos of unknown origin.
"""

from __future__ import annotations

from pathlib import Path

DEMO_REQUEST = (
    "A 12-second vertical video for Aurora Cold Brew. Slow-steeped for 18 hours. "
    "Smooth, bold and never bitter. Tagline: 'Smooth. Bold. Yours.' Upbeat music. "
    "Shop now at aurora.example.com"
)

_PALETTES = (
    ((23, 37, 84), (244, 162, 97), (255, 244, 230)),
    ((42, 157, 143), (233, 196, 106), (250, 250, 245)),
    ((231, 111, 81), (38, 70, 83), (255, 250, 240)),
)


def make_sample_media(folder: Path, size: tuple[int, int] = (1200, 1500)) -> list[Path]:
    """Write three JPEGs into ``folder`` (created if needed) and return their paths."""
    from PIL import Image, ImageDraw, ImageFilter

    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    width, height = size
    for index, (top, accent, light) in enumerate(_PALETTES, start=1):
        image = Image.new("RGB", size, top)
        draw = ImageDraw.Draw(image)
        for y in range(height):  # vertical gradient backdrop
            t = y / (height - 1)
            draw.line([(0, y), (width, y)], fill=_mix(top, light, t * 0.85))
        # soft spotlight
        glow = Image.new("L", size, 0)
        ImageDraw.Draw(glow).ellipse([width * 0.2, height * 0.1, width * 0.8, height * 0.9], fill=110)
        image.paste(light, mask=glow.filter(ImageFilter.GaussianBlur(radius=width // 10)))
        # a bottle: body, shoulder, cap, label — shifted per photo so the shots differ
        cx = width * (0.44 + 0.06 * (index - 1))
        bw, bh = width * 0.2, height * 0.5
        body = [cx - bw / 2, height * 0.38, cx + bw / 2, height * 0.38 + bh]
        # shadow on the "table", under the bottle
        draw.ellipse([cx - bw, body[3] - 10, cx + bw, body[3] + 30], fill=_mix(top, (0, 0, 0), 0.5))
        draw.rounded_rectangle(body, radius=int(bw * 0.18), fill=_mix(top, (0, 0, 0), 0.35))
        draw.polygon(
            [
                (cx - bw / 2, body[1] + 2),
                (cx - bw * 0.18, height * 0.28),
                (cx + bw * 0.18, height * 0.28),
                (cx + bw / 2, body[1] + 2),
            ],
            fill=_mix(top, (0, 0, 0), 0.35),
        )
        draw.rectangle([cx - bw * 0.2, height * 0.22, cx + bw * 0.2, height * 0.285], fill=accent)
        draw.rectangle([cx - bw / 2, height * 0.5, cx + bw / 2, height * 0.7], fill=accent)
        r, cy = bw * 0.22, height * 0.6
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=light)
        path = folder / f"aurora_{index}.jpg"
        image.save(path, "JPEG", quality=88)
        paths.append(path)
    return paths


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )
