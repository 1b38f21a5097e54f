"""Long videos on Ray: one Ray task per chunk (and one for the sound), joined on the driver, frame-exact;
a worker killed during a chunk is retried; a plain export of the local backend runs on the cluster."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import anyio
import pytest

from nemo_video.backends.base import RenderRequest
from nemo_video.backends.local import LocalBackend
from nemo_video.backends.local.render import build_plan, render_draft
from nemo_video.config import Settings
from nemo_video.draft import Draft
from nemo_video.media import locate, probe
from nemo_video.render_farm import FarmTask
from nemo_video.render_farm.chunks import choose_cuts
from nemo_video.render_farm.ray_farm import RayFarm
from tests.render.builders import draft, image_segment, synth, text_segment

from .test_chunks import frames_and_duration, psnr_per_frame
from .test_ray import _ffmpeg_under_ray_worker

pytestmark = pytest.mark.usefixtures("ray_two_workers")
HEIGHT = 180  # 320x180


def long_timeline(photos: list[Path]) -> Draft:
    """8 one-second scenes (plain cuts but one crossfade), a title across all of it, the synth bed."""
    visuals = [
        image_segment(
            photos[i % 2],
            1000,
            transition="crossfade" if i == 4 else "cut",
            size=(480, 320) if i % 2 == 0 else (320, 480),
        )
        for i in range(8)
    ]
    return draft(visuals, texts=[text_segment("All week", 0, 7700)], music=synth())


def chunked(settings: Settings) -> RayFarm:
    farm = RayFarm(settings.with_(chunk_seconds=4.0), "auto")  # the threshold lowered for an 8 s timeline
    assert farm.workers == 2 and farm.chunk_threshold_s == 4.0
    return farm


async def test_a_long_timeline_renders_as_ray_tasks_frame_exact(
    settings: Settings, photos: list[Path], tmp_path: Path
) -> None:
    d = long_timeline(photos)
    ffmpeg = locate(settings)
    whole = await render_draft(d, RenderRequest(destination=tmp_path / "whole.mp4", height=HEIGHT), settings)
    plan = build_plan(d, RenderRequest(destination=tmp_path / "x.mp4", height=HEIGHT), {}, ())
    cuts = choose_cuts(plan, 2)
    assert len(cuts) == 1
    progress: list[str] = []
    out = tmp_path / "out"
    joined = await chunked(settings).render(
        FarmTask(draft=d.to_wire(), destination=out / "joined.mp4", height=HEIGHT),
        on_progress=lambda f, m: progress.append(m),
    )
    assert "3/3 pieces rendered" in progress  # two chunks and the sound, each a Ray task
    assert (joined.width, joined.height) == (320, 180)
    assert frames_and_duration(ffmpeg, joined.path) == frames_and_duration(ffmpeg, whole.path)
    values = psnr_per_frame(ffmpeg, joined.path, whole.path, tmp_path / "psnr.log")
    for frame in (cuts[0] - 1, cuts[0], cuts[0] + 1):
        assert values[frame] >= 45, (frame, values[frame - 2 : frame + 3])
    assert (await probe(joined.path, ffmpeg)).has_audio
    assert sorted(p.name for p in out.iterdir()) == ["joined.contact.jpg", "joined.mp4", "joined.poster.jpg"]


async def test_a_worker_killed_during_a_chunk_is_retried_and_the_file_verifies(
    settings: Settings, photos: list[Path], tmp_path: Path
) -> None:
    d = long_timeline(photos)
    plan = build_plan(d, RenderRequest(destination=tmp_path / "x.mp4", height=HEIGHT), {}, ())
    killed: list[int] = []

    async def kill_a_chunk_worker() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            worker = _ffmpeg_under_ray_worker("render_piece", with_arg="-an")  # a chunk (video only)
            if worker is not None:
                os.kill(worker, signal.SIGKILL)
                killed.append(worker)
                return
            await anyio.sleep(0.02)

    out = tmp_path / "out"
    async with anyio.create_task_group() as tg:
        tg.start_soon(kill_a_chunk_worker)
        joined = await chunked(settings).render(
            FarmTask(draft=d.to_wire(), destination=out / "joined.mp4", height=HEIGHT)
        )
    assert killed, "no chunk was seen rendering to kill"
    frames, duration = frames_and_duration(locate(settings), joined.path)
    assert frames == plan.frames and abs(duration - plan.duration_s) < 0.05
    assert sorted(p.name for p in out.iterdir()) == ["joined.contact.jpg", "joined.mp4", "joined.poster.jpg"]


async def test_a_plain_export_of_the_local_backend_runs_on_the_cluster(
    settings: Settings, photos: list[Path], tmp_path: Path
) -> None:
    backend = LocalBackend(settings.with_(ray_address="auto"))
    try:
        session = await backend.open_session()
        await backend.upload(session, photos)
        [_ async for _ in backend.send(session, "a 2-second video titled 'Ray'")]
        state = await backend.state(session)
        assert state.draft is not None
        progress: list[str] = []
        target = tmp_path / "plain.mp4"
        output = await backend.render(
            session,
            state.draft,
            RenderRequest(destination=target, height=120, quality="draft"),
            lambda f, m: progress.append(m),
        )
    finally:
        await backend.aclose()
    assert "queued on the Ray cluster" in progress and "Starting the render" not in progress
    info = await probe(output.path, locate(settings))
    assert info.height == 120 and info.duration_s is not None and info.duration_s > 1.5
    assert output.poster is not None and output.poster.is_file()


async def test_cancelling_a_chunked_render_cancels_its_chunk_tasks(
    settings: Settings, photos: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    with anyio.move_on_after(120) as scope:
        async with anyio.create_task_group() as tg:

            async def cancel_when_a_chunk_renders() -> None:
                while _ffmpeg_under_ray_worker("render_piece", with_arg="-an") is None:
                    await anyio.sleep(0.02)
                tg.cancel_scope.cancel()

            tg.start_soon(cancel_when_a_chunk_renders)
            await chunked(settings).render(
                FarmTask(draft=long_timeline(photos).to_wire(), destination=out / "cancelled.mp4", height=HEIGHT)
            )
    assert not scope.cancelled_caught, "no chunk was seen rendering"
    deadline = time.monotonic() + 15
    while _ffmpeg_under_ray_worker("render_piece") is not None and time.monotonic() < deadline:
        await anyio.sleep(0.1)
    assert _ffmpeg_under_ray_worker("render_piece") is None  # every chunk task was stopped on the cluster
    assert not out.exists() or not list(out.iterdir())
