"""cancel_job stops a local render: six cancels at different moments, over MCP in both protocol eras.

Each cancel must leave no file (nor a partial one) and no ffmpeg process within 2 s, and the export
started right after it — in the same second, so with the same automatic name stem — must get a fresh
name and work: the last one renders to the end.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import anyio
import pytest

from mcp import Client
from nemo_video.config import Settings
from nemo_video.service import JobRecord, VideoService
from tests.conftest import fixture_json
from tests.double import NemoDouble
from tests.mcp.conftest import serving
from tests.reliability.helpers import children

FINISHED = fixture_json("state_latest.json")["data"]["state"]

MOMENTS_S = (0.2, 0.5, 1.0, 1.5, 2.2, 3.0)  # into the render; a 60-second video outlasts them all
STOP_LIMIT_S = 2.0


def ffmpegs() -> list[str]:
    return [cmd for _, cmd in children(os.getpid()) if "ffmpeg" in cmd]


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


async def call(client: Client, tool: str, args: dict[str, Any]) -> dict[str, Any]:
    result = await client.call_tool(tool, args)
    assert not result.is_error, result.content
    assert result.structured_content is not None
    return dict(result.structured_content)


@pytest.mark.parametrize("version", ["2025-11-25", "2026-07-28"])
async def test_six_cancels_leave_no_file_no_ffmpeg_and_free_no_name(
    settings: Settings, photos: list[Path], version: str
) -> None:
    out = settings.output_dir
    mode = "legacy" if version == "2025-11-25" else version
    async with serving(settings) as (service, server), Client(server, mode=mode) as client:
        assert client.protocol_version == version
        await call(client, "upload_media", {"paths": [str(p) for p in photos]})
        made = await call(client, "generate_video", {"request": "a 60-second horizontal video", "wait_s": 30})
        assert made["status"] == "completed", made
        names: list[str] = []
        for moment in MOMENTS_S:
            started = await call(client, "export_video", {"height": 180, "wait_s": 0})
            assert started["status"] == "running", started
            job_id = started["job_id"]
            name = Path(service.job(job_id).request["destination"]).name
            assert name not in names, f"{name} was handed out again after a cancel"
            names.append(name)
            await anyio.sleep(moment)
            asked = time.monotonic()
            cancelled = await call(client, "cancel_job", {"job_id": job_id})
            assert cancelled["status"] == "cancelled", cancelled
            with anyio.fail_after(STOP_LIMIT_S):
                while ffmpegs():
                    await anyio.sleep(0.02)
            assert time.monotonic() - asked < STOP_LIMIT_S
            assert files(out) == [], f"cancelled at {moment} s, yet left {files(out)}"
            status = await call(client, "job_status", {"job_id": job_id, "wait_s": 0})
            assert status["status"] == "cancelled" and status.get("export") is None

        await call(client, "generate_video", {"request": "make it 2 seconds", "wait_s": 30})
        last = await call(client, "export_video", {"height": 180, "wait_s": 45})
        while last["status"] == "running":
            last = await call(client, "job_status", {"job_id": last["job_id"], "wait_s": 45})
        assert last["status"] == "completed", last
        video = Path(last["export"]["path"])
        assert video.name not in names and video.is_file() and video.stat().st_size > 1000
    assert [n for n in files(out) if n.endswith(".mp4")] == [video.name]
    assert not [n for n in files(out) if "partial" in n]
    assert ffmpegs() == []


async def test_cancelling_a_cloud_render_stops_polling_and_saves_nothing(
    cloud_settings: Settings, nemo_double: NemoDouble
) -> None:
    nemo_double.render.polls_to_complete = 10_000
    async with VideoService(cloud_settings.with_(render_poll_s=0.05)) as service:
        nemo_double.set_state((await service.session()).id, FINISHED)
        job = await service.start_export(filename="stopped")
        with anyio.fail_after(10):
            while nemo_double.count("render_status") < 2:
                await anyio.sleep(0.02)
        record = await service.cancel(job.id)
        polls = nemo_double.count("render_status")
        await anyio.sleep(0.3)  # six poll intervals
        assert nemo_double.count("render_status") == polls
    assert record.status == "cancelled" and record.error is not None
    assert "may still finish" in record.error["message"]  # paid work is not pretended away
    assert files(cloud_settings.output_dir) == []


async def test_a_cancel_after_the_file_was_saved_removes_it(cloud_settings: Settings, nemo_double: NemoDouble) -> None:
    """The cloud file is downloaded into place, then the service makes its poster: cancel right then."""
    nemo_double.render.polls_to_complete = 1
    async with VideoService(cloud_settings) as service:
        nemo_double.set_state((await service.session()).id, FINISHED)
        job = await service.start_export(filename="late")
        seen: list[bool] = []

        async def on_update(record: JobRecord, heartbeat: bool) -> None:
            if record.message == "making a poster frame" and not seen:
                seen.append((cloud_settings.output_dir / "late.mp4").is_file())
                await service.cancel(job.id)

        record = await service.wait(job.id, 20, on_update, heartbeat_s=0.05)
    assert seen == [True], "the cancel landed after the video was saved"
    assert record.status == "cancelled"
    assert files(cloud_settings.output_dir) == []
