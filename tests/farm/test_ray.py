"""The Ray farm against a real local Ray with two worker processes (kept few and tiny: Ray is slow on 2 cores)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import anyio
import pytest

from nemo_video.config import Settings
from nemo_video.doctor import check_farm
from nemo_video.errors import NemoVideoError
from nemo_video.media import locate, probe
from nemo_video.render_farm import FarmTask
from nemo_video.render_farm.ray_farm import RayFarm
from tests.render.builders import draft, image_segment, synth, text_segment

pytestmark = pytest.mark.usefixtures("ray_two_workers")


def task(photos: list[Path], out: Path, name: str, ms: int = 1000) -> FarmTask:
    d = draft(
        [image_segment(p, ms, size=(480, 320) if i == 0 else (320, 480)) for i, p in enumerate(photos)],
        texts=[text_segment("Sale", 0, ms)],
        music=synth(),
    )
    return FarmTask(draft=d.to_wire(), destination=out / f"{name}.mp4", quality="draft", height=120, label=name)


async def test_media_and_results_travel_through_the_object_store(
    settings: Settings, photos: list[Path], tmp_path: Path
) -> None:
    farm = RayFarm(settings, "auto")
    assert farm.workers == 2
    out = tmp_path / "out"
    progress: list[str] = []
    results = await farm.run(
        [task(photos, out, "a"), task(photos, out, "b")], on_progress=lambda d, t, m: progress.append(m)
    )
    assert [r.ok for r in results] == [True, True], [r.error for r in results]
    assert sorted(progress) == ["1/2 rendered", "2/2 rendered"]
    # The sources are gone from this disk: the next render can only read them from the object store.
    for photo in photos:
        photo.unlink()
    output = await farm.render(task(photos, out, "c"))
    info = await probe(output.path, locate(settings))
    assert (info.width, info.height) == (214, 120)
    assert info.duration_s is not None and abs(info.duration_s - 1.7) < 0.05
    assert output.poster is not None and output.poster.is_file()
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{n}{s}" for n in "abc" for s in (".mp4", ".poster.jpg", ".contact.jpg")
    )


async def test_a_single_render_shows_its_bar_moving_while_it_runs_on_a_worker(
    settings: Settings, photos: list[Path], tmp_path: Path
) -> None:
    farm = RayFarm(settings, "auto")
    farm.progress_poll_s = 0.05
    seen: list[tuple[float, str]] = []
    one = task(photos, tmp_path / "out", "bar", ms=4000)
    one = FarmTask(draft=one.draft, destination=one.destination, quality="high", height=360)
    output = await farm.render(one, on_progress=lambda f, m: seen.append((f, m)))
    assert output.path.is_file()
    running = [(f, m) for f, m in seen if 0.05 < f < 0.95]
    assert running and all(m.startswith("Rendering ") and m.endswith("on the Ray cluster") for _, m in running), seen
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


async def test_a_render_error_on_a_worker_is_raised_as_itself(settings: Settings, tmp_path: Path) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a picture at all")
    farm = RayFarm(settings, "auto")
    with pytest.raises(NemoVideoError) as caught:  # with a progress bar (a task group) and without
        await farm.render(task([broken, broken], tmp_path / "out", "x"), on_progress=lambda f, m: None)
    assert caught.value.hint
    with pytest.raises(NemoVideoError):
        await farm.render(task([broken, broken], tmp_path / "out", "y"))
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_doctor_reports_the_cluster_with_its_workers_and_nodes() -> None:
    check = check_farm(Settings(ray_address="auto"))
    assert check.status == "ok", check
    assert check.detail == (
        "Ray at auto: 2 workers on 1 node(s); token authentication on; exports over 60 s split into chunks"
    )
    import ray

    assert ray.is_initialized()  # a Ray this process had already joined is left running


def _cmdline(pid: int | str) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return []


def _ffmpeg_under_ray_worker(function: str = "render_bytes", with_arg: str = "-progress") -> int | None:
    """The pid of the Ray worker process running ``function`` whose ffmpeg (one given ``with_arg``) is
    rendering right now (read from /proc)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        args = _cmdline(entry.name)
        if not args or "ffmpeg" not in Path(args[0]).name or "-progress" not in args or with_arg not in args:
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if function in " ".join(_cmdline(parent)):
            return parent
    return None


async def test_a_worker_killed_mid_render_is_retried_and_the_output_verifies(
    settings: Settings, photos: list[Path], tmp_path: Path
) -> None:
    farm = RayFarm(settings, "auto")
    killed: list[int] = []

    async def kill_the_worker() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            worker = _ffmpeg_under_ray_worker()
            if worker is not None:
                os.kill(worker, signal.SIGKILL)
                killed.append(worker)
                return
            await anyio.sleep(0.02)

    async with anyio.create_task_group() as tg:
        tg.start_soon(kill_the_worker)
        output = await farm.render(task(photos, tmp_path / "out", "long", ms=3000))
    assert killed, "no render process was seen to kill"
    info = await probe(output.path, locate(settings))
    assert (info.width, info.height) == (214, 120)
    assert info.duration_s is not None and abs(info.duration_s - 5.7) < 0.05
    assert not [p for p in output.path.parent.iterdir() if "partial" in p.name]


async def test_cancelling_a_render_cancels_its_ray_task(settings: Settings, photos: list[Path], tmp_path: Path) -> None:
    farm = RayFarm(settings, "auto")
    out = tmp_path / "out"
    with anyio.move_on_after(60) as scope:
        async with anyio.create_task_group() as tg:

            async def cancel_when_rendering() -> None:
                while _ffmpeg_under_ray_worker() is None:
                    await anyio.sleep(0.02)
                tg.cancel_scope.cancel()

            tg.start_soon(cancel_when_rendering)
            await farm.render(task(photos, out, "cancelled", ms=4000))
    assert not scope.cancelled_caught, "the render was never seen running"
    deadline = time.monotonic() + 15
    while _ffmpeg_under_ray_worker() is not None and time.monotonic() < deadline:
        await anyio.sleep(0.1)
    assert _ffmpeg_under_ray_worker() is None  # the task (and its ffmpeg) was stopped on the cluster
    assert not out.exists() or not list(out.iterdir())
