"""Chinese text gets Chinese glyph forms: the Noto CJK collection's SC face, not its first (JP) one."""

from __future__ import annotations

import pytest
from PIL import ImageFont

from nemo_video.backends.local.render import fonts


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("标语：平滑·大胆", "Noto Sans CJK SC"),
        ("立即购买 门店", "Noto Sans CJK SC"),
        ("カメラを買う", "Noto Sans CJK JP"),
        ("지금 구매", "Noto Sans CJK KR"),
    ],
)
def test_cjk_text_uses_its_regional_face(text, family):
    font = fonts.pick_font(text, bold=True)
    assert ImageFont.truetype(str(font.path), 24).getname()[0] == family
    assert fonts.covers(font.path, text)


def test_the_sc_face_draws_other_shapes_than_the_collections_first_face():
    collection = fonts.noto_cjk()
    assert collection is not None
    sc = fonts.regional_face(collection, "SC")
    jp, zh = ImageFont.truetype(str(collection), 48), ImageFont.truetype(str(sc), 48)
    differing = [ch for ch in "门骨直" if bytes(jp.getmask(ch)) != bytes(zh.getmask(ch))]
    assert differing == list("门骨直")


def test_latin_text_keeps_roboto():
    assert fonts.pick_font("Smooth. Bold. Yours.", bold=True).path.name == "Roboto-Bold.ttf"
