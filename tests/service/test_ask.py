"""Free text through the service: the plan decided once, and 'upload … and make …' doing both."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from nemo_video.config import Settings
from nemo_video.errors import NemoVideoError
from nemo_video.service import GenerateResult, Job, UploadResult, VideoService
from tests.double import NemoDouble


async def test_upload_then_generate_in_one_sentence(settings: Settings, tmp_path: Path) -> None:
    photo = tmp_path / "red.jpg"
    Image.new("RGB", (160, 120), (200, 40, 40)).save(photo)
    async with VideoService(settings) as svc:
        asked = await svc.ask(f"upload {photo} and make a 3-second video with the title 'Both'")
        assert asked.plan.route == "generate" and "uploaded" in asked.plan.reason and asked.plan.uploads
        assert isinstance(asked.result, Job)
        await svc.wait(asked.result.id, 30)
        result = asked.result.result
        state = await svc.state()
    assert isinstance(result, GenerateResult)  # typed, not a dict to re-validate
    assert [a.name for a in state.media] == ["red.jpg"]
    assert "Both" in result.summary and "red.jpg" in result.summary


async def test_plain_upload_stays_an_upload(settings: Settings, tmp_path: Path) -> None:
    photo = tmp_path / "blue.png"
    Image.new("RGB", (64, 48), (20, 40, 200)).save(photo)
    async with VideoService(settings) as svc:
        asked = await svc.ask(f"upload {photo}")
        assert asked.plan.route == "upload" and isinstance(asked.result, UploadResult)
        assert (await svc.state()).summary.startswith("Timeline (0 tracks)")


@pytest.mark.parametrize(
    ("text", "route", "follows", "export"),
    [
        (
            "make a 10-second video with the title 'Hi' and export it as a 720p webm",
            "generate",
            True,
            {"format": "webm", "quality": "high", "height": 720},
        ),
        ("make a 10-second video", "generate", False, {"format": "mp4", "quality": "high", "height": None}),
        ("export 1080p mov", "export", False, {"format": "mov", "quality": "high", "height": 1080}),
        ("how many credits do I have?", "credits", False, {"format": "mp4", "quality": "high", "height": None}),
        ("状态", "state", False, {"format": "mp4", "quality": "high", "height": None}),
    ],
)
async def test_the_plan_says_route_spend_and_export(
    settings: Settings, cloud_settings: Settings, text: str, route: str, follows: bool, export: dict[str, object]
) -> None:
    async with VideoService(settings) as local, VideoService(cloud_settings) as cloud:
        free, paid = local.plan(text), cloud.plan(text)
    assert free.route == paid.route == route and free.export_follows == follows
    assert free.export.model_dump() == export
    assert not free.spends_credits  # the local agent is free
    assert paid.spends_credits == (route == "generate")  # only the cloud agent's words cost credits


async def test_ask_follows_its_plan_and_refuses_to_spend_without_consent(
    cloud_settings: Settings, nemo_double: NemoDouble
) -> None:
    async with VideoService(cloud_settings) as svc:
        plan = svc.plan("make a 10-second video")
        assert plan.spends_credits
        with pytest.raises(NemoVideoError) as caught:
            await svc.ask("make a 10-second video", plan=plan)
    assert caught.value.code == "consent_required" and nemo_double.count("run_sse") == 0
