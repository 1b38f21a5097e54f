"""Variants: one composition, three formats, each laid out for its shape, one result with every file."""

from __future__ import annotations

from pathlib import Path

from nemo_video.composition import defaults as D
from nemo_video.composition import from_draft
from nemo_video.composition.wire import text_center
from nemo_video.config import Settings
from nemo_video.draft import Draft
from nemo_video.media import locate, probe
from nemo_video.service import VideoService
from nemo_video.service.variants import start_variants, variant_drafts

EXPECTED = {"9:16": (68, 120), "1:1": (120, 120), "16:9": (214, 120)}


async def test_three_formats_from_one_composition(settings: Settings, photos: list[Path]) -> None:
    async with VideoService(settings) as svc:
        job = await svc.start_generate("a 2-second video with the title 'Sale'", photos)
        record = await svc.wait(job.record.id, 60)
        assert record.status == "completed", record.error
        job = await start_variants(svc, "9:16,1:1,16:9", quality="draft", height=120, filename="ad")
        record = await svc.wait(job.record.id, 120)
        assert record.status == "completed", record.error
        result = record.result
        assert result is not None
        assert [v["variant"] for v in result["variants"]] == ["9:16", "1:1", "16:9"]
        for variant in result["variants"]:
            path = Path(variant["path"])
            assert path.name == f"ad-{variant['variant'].replace(':', 'x')}.mp4"
            info = await probe(path, locate(settings))
            width, height = EXPECTED[variant["variant"]]
            assert (info.width, info.height) == (width, height), variant
            assert Path(variant["poster"]).is_file()
        assert sorted(p.name for p in settings.output_dir.iterdir() if p.suffix == ".mp4") == [
            "ad-16x9.mp4",
            "ad-1x1.mp4",
            "ad-9x16.mp4",
        ]
        assert not [p for p in settings.output_dir.iterdir() if "partial" in p.name]


async def test_each_variant_is_laid_out_for_its_format(settings: Settings, photos: list[Path]) -> None:
    async with VideoService(settings) as svc:
        job = await svc.start_generate(
            "a 6-second video with the title 'Summer Sale' and a call to action 'Shop now'", photos
        )
        assert (await svc.wait(job.record.id, 60)).status == "completed"
        state = await svc.state()
    assert state.draft is not None
    drafts = variant_drafts(Draft.model_validate(state.draft), state.media, ["9:16", "1:1", "16:9"])
    sizes = set()
    for aspect, draft in drafts.items():
        comp = from_draft(draft, state.media)
        assert comp.format.aspect == aspect
        assert draft.meta is not None and draft.meta.width and draft.meta.height
        w, h = (int(n) for n in aspect.split(":"))
        assert abs(draft.meta.width / draft.meta.height - w / h) < 0.01  # re-laid out, not letterboxed
        left, top, right, bottom = D.SAFE_ZONES[comp.format.resolved_platform]
        assert comp.all_texts()
        for text in comp.all_texts():
            x, y = text_center(comp, text)
            assert left <= x <= right and top <= y <= bottom, (aspect, text.role, x, y)
        sizes.add((draft.meta.width, draft.meta.height))
    assert len(sizes) == 3
