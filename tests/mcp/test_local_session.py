"""The scripted agent session over MCP with the local backend, real renders with real ffmpeg."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio

from mcp import Client
from nemo_video.config import Settings
from nemo_video.media import locate, probe
from nemo_video.service import VideoService
from tests.mcp.conftest import serving

REQUEST = "a 30-second vertical video from my product photos and tagline 'Smooth. Bold. Yours.'"


class Progress:
    def __init__(self) -> None:
        self.seen: list[tuple[float, float | None, str | None]] = []

    async def __call__(self, progress: float, total: float | None, message: str | None) -> None:
        self.seen.append((progress, total, message))


async def finish(client: Client, result: Any, progress: Progress | None = None) -> dict[str, Any]:
    """Follow a job through job_status until it ends (a full-size render can outlast wait_s)."""
    out = result.structured_content
    assert not result.is_error, result.content
    while out["status"] == "running":
        result = await client.call_tool(
            "job_status", {"job_id": out["job_id"], "wait_s": 50}, progress_callback=progress
        )
        assert not result.is_error, result.content
        out = result.structured_content
    assert out["status"] == "completed", out
    return dict(out)


async def test_scripted_agent_session_to_a_full_size_vertical_mp4(settings: Settings, photos: list[Path]) -> None:
    async with serving(settings) as (_, server), Client(server) as client:
        upload = await client.call_tool("upload_media", {"paths": [str(p) for p in photos]})
        assert not upload.is_error, upload.content
        assert [a["kind"] for a in upload.structured_content["assets"]] == ["image"] * 3  # type: ignore[index]

        made = await finish(client, await client.call_tool("generate_video", {"request": REQUEST}))
        assert made["generate"]["reply"] and made["generate"]["exportable"]
        state = (await client.call_tool("get_state", {})).structured_content
        assert state is not None
        assert (state["draft"]["m"]["width"], state["draft"]["m"]["height"]) == (1080, 1920)
        assert 25 <= state["duration_s"] <= 35

        edit = await client.call_tool("generate_video", {"request": "make it 15 seconds"})
        edited = await finish(client, edit)
        assert 13 <= edited["generate"]["duration_s"] <= 17
        assert edited["generate"]["changes"], "the reply says what changed"

        progress = Progress()
        export_call = await client.call_tool(
            "export_video", {"filename": "smooth-bold-yours"}, progress_callback=progress
        )
        exported = await finish(client, export_call, progress)
    export = exported["export"]
    path = Path(export["path"])
    info = await probe(path, locate(settings))
    assert (info.width, info.height) == (1080, 1920) and info.video_codec == "h264"
    assert info.duration_s is not None and 13 <= info.duration_s <= 17
    assert (export["width"], export["height"]) == (1080, 1920) and path.name == "smooth-bold-yours.mp4"
    values = [p for p, _, _ in progress.seen]
    assert len(values) >= 2 and all(t == 100 for _, t, _ in progress.seen)


async def make_short(client: Client) -> None:
    result = await client.call_tool("generate_video", {"request": "a 2-second video with the title 'Hi'", "wait_s": 50})
    out = await finish(client, result)
    assert out["generate"]["exportable"]


async def test_local_render_hand_off_progress_and_job_status(settings: Settings, mode: str) -> None:
    async with serving(settings) as (_, server), Client(server, mode=mode) as client:
        await make_short(client)
        first = await client.call_tool("export_video", {"height": 180, "wait_s": 0})
        assert first.structured_content["status"] == "running"  # type: ignore[index]
        progress = Progress()
        out = await finish(client, first, progress)
    assert out["export"]["height"] == 180 and Path(out["export"]["path"]).is_file()
    values = [p for p, _, _ in progress.seen]
    assert values and values == sorted(set(values)) and all(t == 100 for _, t, _ in progress.seen)


async def test_cancel_a_local_render_saves_nothing(settings: Settings) -> None:
    async with serving(settings) as (_, server), Client(server) as client:
        await make_short(client)
        first = await client.call_tool("export_video", {"height": 180, "wait_s": 0})
        job_id = first.structured_content["job_id"]  # type: ignore[index]
        cancelled = await client.call_tool("cancel_job", {"job_id": job_id})
        await anyio.sleep(0.3)
    assert cancelled.structured_content["status"] == "cancelled"  # type: ignore[index]
    assert "nothing was saved" in cancelled.structured_content["message"]  # type: ignore[index]
    assert not list(settings.output_dir.glob("*.mp4"))


async def test_interrupted_local_render_is_reported_and_rerun_in_one_call(settings: Settings) -> None:
    async with serving(settings) as (service, server):
        async with Client(server) as client:
            await make_short(client)
        job = await service.start_export(height=180)
        with anyio.fail_after(10):
            while job.record.render_id is None:
                await anyio.sleep(0.01)
    async with VideoService(settings) as again:  # "a restart": the render died with the last process
        record = await again.wait(job.id, 10)
        assert record.status == "failed" and record.error is not None
        assert record.error["code"] == "render_interrupted" and "export_video" in record.error["hint"]
        rerun = await again.rerun(job.id)
        done = await again.wait(rerun.id, 60)
    assert done.status == "completed", done.error
    assert done.result is not None and Path(done.result["path"]).is_file()


async def test_ask_that_also_wants_the_file_points_at_export_video(settings: Settings) -> None:
    async with serving(settings) as (_, server), Client(server, mode="legacy") as client:
        both = await client.call_tool("ask", {"text": "make a 2-second video with the title 'Hi' and export it"})
        plain = await client.call_tool("ask", {"text": "make it 3 seconds"})
    out, other = both.structured_content, plain.structured_content
    assert out is not None and other is not None
    assert out["route"] == "generate" and out["job"]["status"] == "completed"
    assert out["next_step"].startswith("call export_video")
    assert "export_video" in other["next_step"] and "also asked" not in other["next_step"]
