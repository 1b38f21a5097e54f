"""The brand kit outlives its session: set once (in words or with edit_video), it is saved per client
with a copy of the logo file, a new session's first video starts with it, and it can be forgotten."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PIL import Image

from nemo_video.composition.ops import parse_operations
from nemo_video.config import Settings
from nemo_video.service import GenerateResult, VideoService
from nemo_video.service.results import EditResult


def _pictures(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, colour in (("beach.jpg", (30, 120, 200)), ("market.jpg", (200, 90, 40))):
        Image.new("RGB", (320, 240), colour).save(folder / name)
        paths.append(folder / name)
    return paths


def _logo(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGBA", (120, 60), (0, 0, 0, 0))
    image.paste((250, 250, 250, 255), (10, 10, 110, 50))
    image.save(folder / "acme-logo.png")
    return folder / "acme-logo.png"


async def _say(svc: VideoService, text: str, client: str = "default", **kw: Any) -> GenerateResult:
    record = await svc.wait((await svc.start_generate(text, client=client, **kw)).id, 60, client=client)
    assert record.status == "completed", record.error
    return GenerateResult.model_validate(record.result)


async def _edit(svc: VideoService, ops: list[dict[str, Any]], client: str = "default") -> EditResult:
    record = await svc.wait((await svc.start_edit(parse_operations(ops), client=client)).id, 60, client=client)
    assert record.status == "completed", record.error
    return EditResult.model_validate(record.result)


async def test_a_brand_set_in_words_starts_the_next_sessions_first_video(settings: Settings, tmp_path: Path) -> None:
    pictures, logo = _pictures(tmp_path / "a"), _logo(tmp_path / "brand")
    async with VideoService(settings) as svc:
        await svc.new_session()
        await svc.upload([*pictures, logo])
        made = await _say(svc, "make a video from my photos with the title 'Summer sale'")
        assert "brand kit" not in made.reply  # nothing was set, and there is no kit yet
        words = "Brand colours orange and navy. Use the font Inter. Put the logo in the bottom left corner."
        said = await _say(svc, words)
        assert "Saved as your brand kit: colours #F97316, #1E3A8A; font Inter; logo acme-logo.png" in said.reply
        kit = svc.brand_kit()
        assert kit is not None and kit.logo is not None and kit.corner == "bottom_left"
        kept = Path(kit.logo.file)
        assert kept.read_bytes() == logo.read_bytes() and kept.parent.name == kit.logo.sha256
        assert kept.is_relative_to(settings.data_dir)

        await svc.new_session()
        await svc.upload(_pictures(tmp_path / "b"))
        first = await _say(svc, "make a 6-second video with the title 'New arrivals'")
        assert "Using your brand kit: colours #F97316, #1E3A8A; font Inter; logo acme-logo.png (bottom left)" in (
            first.reply
        )
        assert "say 'no brand' or set_brand to change it" in first.reply
        state = await svc.state()
        assert state.composition is not None and state.brand_kit is not None
        brand = state.composition.brand
        assert (brand.palette, brand.font, brand.corner) == (["#F97316", "#1E3A8A"], "Inter", "bottom_left")
        (imported,) = [a for a in state.media if a.id == brand.logo]
        assert imported.sha256 == kit.logo.sha256 and "logo" in imported.name
        assert [s.media for s in state.composition.scenes] == [a.id for a in state.media if a.id != brand.logo]
        assert state.draft is not None and state.draft["m"]["brand"]["corner"] == "bottom_left"

        second = await _say(svc, "make the title bigger")
        assert "brand kit" not in second.reply  # only the first video starts with it

        off = await _say(svc, "no brand please")
        assert off.reply.startswith("Done: left the brand out")
        state = await svc.state()
        assert state.composition is not None and not state.composition.brand.palette
        assert state.composition.brand.logo is None and svc.brand_kit() is not None  # the kit stays

        await svc.new_session()
        await svc.upload(_pictures(tmp_path / "c"))
        plain = await _say(svc, "make a video with no brand")
        assert "brand kit" not in plain.reply and svc.brand_kit() is not None
        state = await svc.state()
        assert state.composition is not None and not state.composition.brand.palette

        back = await _say(svc, "use my brand")
        assert "Using your brand kit" in back.reply
        state = await svc.state()
        assert state.composition is not None and state.composition.brand.font == "Inter"
        assert state.composition.brand.palette == ["#F97316", "#1E3A8A"] and state.composition.brand.logo


async def test_edit_video_saves_the_kit_per_client_and_words_forget_it(settings: Settings, tmp_path: Path) -> None:
    pictures = _pictures(tmp_path / "p")
    async with VideoService(settings) as svc:
        ids = [a.id for a in (await svc.upload(pictures, client="shop")).assets]
        ops: list[dict[str, Any]] = [{"op": "add_scene", "media": i} for i in ids]
        await _edit(svc, ops, client="shop")
        edited = await _edit(svc, [{"op": "set_brand", "palette": ["#112233"], "font": "Lora"}], client="shop")
        assert "Saved as your brand kit: colours #112233; font Lora" in edited.reply
        assert svc.brand_kit("default") is None  # another client's kit is its own

        await svc.new_session(client="shop")
        ids = [a.id for a in (await svc.upload(pictures, client="shop")).assets]
        first = await _edit(svc, [{"op": "add_scene", "media": ids[0]}], client="shop")
        assert "Using your brand kit: colours #112233; font Lora" in first.reply
        assert first.composition is not None and first.composition.brand.font == "Lora"

        asked = await _say(svc, "save this as my brand", client="shop")
        assert "Saved as your brand kit: colours #112233; font Lora" in asked.reply
        forgot = await _say(svc, "删除品牌", client="shop")
        assert "已删除你的品牌套件" in forgot.reply
        assert svc.brand_kit("shop") is None and (await svc.state("shop")).brand_kit is None

        await svc.new_session(client="shop")
        ids = [a.id for a in (await svc.upload(pictures, client="shop")).assets]
        plain = await _edit(svc, [{"op": "add_scene", "media": ids[0]}], client="shop")
        assert "brand kit" not in plain.reply and plain.composition is not None
        assert plain.composition.brand.font is None
