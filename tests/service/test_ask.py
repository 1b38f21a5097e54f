"""Free text through the service: routes, and 'upload … and make …' doing both."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from nemo_video.config import Settings
from nemo_video.service import GenerateResult, Job, UploadResult, VideoService


async def test_upload_then_generate_in_one_sentence(settings: Settings, tmp_path: Path) -> None:
    photo = tmp_path / "red.jpg"
    Image.new("RGB", (160, 120), (200, 40, 40)).save(photo)
    async with VideoService(settings) as svc:
        route, reason, job = await svc.ask(f"upload {photo} and make a 3-second video with the title 'Both'")
        assert route == "generate" and "uploaded" in reason
        assert isinstance(job, Job)
        record = await svc.wait(job.id, 30)
        result = GenerateResult.model_validate(record.result)
        state = await svc.state()
    assert [a.name for a in state.media] == ["red.jpg"]
    assert "Both" in result.summary and "red.jpg" in result.summary


async def test_plain_upload_stays_an_upload(settings: Settings, tmp_path: Path) -> None:
    photo = tmp_path / "blue.png"
    Image.new("RGB", (64, 48), (20, 40, 200)).save(photo)
    async with VideoService(settings) as svc:
        route, _, result = await svc.ask(f"upload {photo}")
        assert route == "upload" and isinstance(result, UploadResult)
        assert (await svc.state()).summary.startswith("Timeline (0 tracks)")
