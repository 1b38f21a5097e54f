"""A render's processes and files under cancellation, a killed server and a second process.

Everything is real: ffmpeg children are found in /proc, the MCP server is ``python -m nemo_video.mcp``
driven by the SDK's client over stdio, the second process is the ``nemo-video`` CLI.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import anyio
import pytest

from mcp import Client
from nemo_video.backends.base import RenderRequest
from nemo_video.backends.local.render import render_draft
from nemo_video.config import Settings
from nemo_video.draft import Draft
from nemo_video.service import VideoService
from tests.reliability.helpers import PYTHON, children, env_for, stdio_server, until
from tests.render.builders import draft, image_segment, picture
from tests.render.media import ffmpeg

KILL_WITHIN_S = 2.0


def _graph_files() -> set[str]:
    """The filter-graph files this process's renders hold (named with our pid)."""
    return {p.name for p in Path(tempfile.gettempdir()).glob(f"nemo-video-graph-{os.getpid()}-*")}


def _renders(pid: int, folder: Path) -> list[int]:
    """ffmpeg processes started by ``pid`` that write into ``folder``."""
    return [child for child, cmd in children(pid) if "ffmpeg" in cmd and str(folder) in cmd]


async def _gone_within(
    pids: Callable[[], list[int]], limit: float = KILL_WITHIN_S, since: float | None = None
) -> float:
    """Seconds from ``since`` (default: now) until ``pids()`` is empty; fails past ``limit``."""
    start = time.monotonic() if since is None else since
    await until(lambda: not pids(), timeout=limit, every=0.01)
    return time.monotonic() - start


def _slideshow(folder: Path, seconds: int = 8) -> Draft:
    colours = [(180, 40, 40), (40, 140, 60), (30, 60, 190)]
    segments = [image_segment(picture(folder, f"p{i}.jpg", c), seconds * 1000 // 3) for i, c in enumerate(colours)]
    return draft(segments)


# ---------------------------------------------------------------- cancel, at the renderer


MOMENTS: dict[str, Callable[[Path, list[float]], bool]] = {
    "before ffmpeg starts": lambda _out, _seen: True,
    "as ffmpeg starts": lambda out, _seen: bool(_renders(os.getpid(), out)),
    "at the first progress": lambda _out, seen: bool(seen),
    "half way": lambda _out, seen: bool(seen) and seen[-1] >= 0.45,
    "during the poster": lambda out, _seen: any(
        ".partial.poster.jpg" in cmd for _, cmd in children(os.getpid()) if str(out) in cmd
    ),
}


@pytest.mark.parametrize("fmt", ["mp4", "gif"])
@pytest.mark.parametrize("moment", list(MOMENTS))
async def test_a_cancelled_render_kills_ffmpeg_within_2_s_and_leaves_no_file(
    settings: Settings, tmp_path: Path, moment: str, fmt: str
) -> None:
    out = settings.output_dir
    graphs_before = _graph_files()
    seen: list[float] = []
    request = RenderRequest(destination=out / f"cancelled.{fmt}", format=fmt, height=180)  # type: ignore[arg-type]
    async with anyio.create_task_group() as group:

        async def render() -> None:
            await render_draft(_slideshow(tmp_path), request, settings, lambda f, _m: seen.append(f))

        group.start_soon(render)
        with anyio.fail_after(60):
            while not MOMENTS[moment](out, seen):
                await anyio.sleep(0.002)
        cancelled_at = time.monotonic()
        group.cancel_scope.cancel()
    took = await _gone_within(lambda: _renders(os.getpid(), out), since=cancelled_at)
    assert took < KILL_WITHIN_S
    assert not out.exists() or sorted(p.name for p in out.iterdir()) == []  # no video, lock or temporary
    assert _graph_files() <= graphs_before


def _anywhere(folder: Path) -> list[int]:
    """Live processes anywhere on the machine whose command line names ``folder``."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if (
                entry.name.isdigit()
                and str(folder) in (entry / "cmdline").read_bytes().decode(errors="replace")
                and (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
            ):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


async def test_a_cancelled_render_through_a_wrapper_script_kills_the_real_ffmpeg_too(
    settings: Settings, tmp_path: Path
) -> None:
    # NEMO_FFMPEG is often a wrapper (nice, a snap/flatpak shim): killing only our child would leave
    # the real ffmpeg writing on; the whole process group goes.
    wrapper = tmp_path / "ffmpeg-wrapper.sh"
    wrapper.write_text(f'#!/bin/sh\n"{ffmpeg()}" "$@"\n')
    wrapper.chmod(0o755)
    out = settings.output_dir
    request = RenderRequest(destination=out / "wrapped.mp4", height=180)
    async with anyio.create_task_group() as group:
        group.start_soon(render_draft, _slideshow(tmp_path), request, settings.with_(ffmpeg=str(wrapper)))
        await until(lambda: len(_anywhere(out)) >= 2, timeout=30, every=0.005)  # the shell and ffmpeg
        cancelled_at = time.monotonic()
        group.cancel_scope.cancel()
    assert await _gone_within(lambda: _anywhere(out), since=cancelled_at) < KILL_WITHIN_S
    assert not out.exists() or sorted(p.name for p in out.iterdir()) == []


async def test_ffmpeg_runs_in_its_own_process_group(settings: Settings, tmp_path: Path) -> None:
    out = settings.output_dir
    async with anyio.create_task_group() as group:
        group.start_soon(
            render_draft, _slideshow(tmp_path), RenderRequest(destination=out / "g.mp4", height=180), settings
        )
        await until(lambda: _renders(os.getpid(), out), timeout=30, every=0.005)
        (pid,) = _renders(os.getpid(), out)
        status = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        pgid = int(status[2])
        group.cancel_scope.cancel()
    assert pgid == pid != os.getpgid(0)  # a group of its own: killing it reaches all it started


# ---------------------------------------------------------------- the MCP server killed mid-render


async def _draft_for(settings: Settings) -> None:
    async with VideoService(settings) as svc:
        record = await svc.wait((await svc.start_generate("a 30-second video with the title 'Killed'")).id, 60)
    assert record.status == "completed", record.error


def _server_pid() -> int:
    (pid,) = [p for p, cmd in children(os.getpid()) if "nemo_video.mcp" in cmd]
    return pid


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
async def test_ffmpeg_dies_with_the_mcp_server(settings: Settings, tmp_path: Path, sig: signal.Signals) -> None:
    await _draft_for(settings)
    out = settings.output_dir
    took = None
    with pytest.raises(BaseException) as ended:
        async with Client(stdio_server(settings, tmp_path), mode="legacy") as client:
            started = await client.call_tool("export_video", {"height": 360, "filename": "killed", "wait_s": 0})
            assert not started.is_error, started.content
            server = _server_pid()
            await until(lambda: _renders(server, out), timeout=30, every=0.005)
            orphans = _renders(server, out)
            killed_at = time.monotonic()
            os.kill(server, sig)
            took = await _gone_within(
                since=killed_at,
                pids=lambda: [
                    p
                    for p in orphans
                    if Path(f"/proc/{p}").exists()
                    and "ffmpeg" in Path(f"/proc/{p}/cmdline").read_text(errors="replace")
                ],
            )
            raise RuntimeError("the server was killed")
    assert took is not None and took < KILL_WITHIN_S, ended.value
    assert not (out / "killed.mp4").exists()
    if sig == signal.SIGTERM:  # the handler also removed the render's temporary files and lock
        assert sorted(p.name for p in out.iterdir()) == []


# ---------------------------------------------------------------- two processes on one data folder


async def _cli(settings: Settings, cwd: Path, *args: str) -> anyio.abc.Process:
    return await anyio.open_process(
        [PYTHON, "-m", "nemo_video.cli", *args],
        env=env_for(settings),
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


async def _finish(process: anyio.abc.Process, timeout: float = 90) -> tuple[int, str, str]:
    assert process.stdout is not None and process.stderr is not None
    out, err = b"", b""
    with anyio.fail_after(timeout):
        async with anyio.create_task_group() as group:

            async def read(stream: anyio.abc.ByteReceiveStream, into: list[bytes]) -> None:
                async for chunk in stream:
                    into.append(chunk)

            outs: list[bytes] = []
            errs: list[bytes] = []
            group.start_soon(read, process.stdout, outs)
            group.start_soon(read, process.stderr, errs)
        code = await process.wait()
    out, err = b"".join(outs), b"".join(errs)
    await process.aclose()
    return code, out.decode(), err.decode()


def _running_job(settings: Settings) -> str | None:
    try:
        jobs = json.loads((settings.data_dir / "service" / "jobs-local.json").read_text())["jobs"]
    except (OSError, ValueError, KeyError):
        return None
    running = [j["id"] for j in jobs if j["kind"] == "render" and j["status"] == "running" and j.get("render_id")]
    return str(running[-1]) if running else None


async def test_a_second_process_waits_for_a_render_still_running_in_the_first(
    settings: Settings, tmp_path: Path
) -> None:
    await _draft_for(settings)
    first = await _cli(settings, tmp_path, "export", "--output", "shared", "--height", "360")
    await until(lambda: _running_job(settings) and _renders(first.pid, settings.output_dir), timeout=60, every=0.01)
    job = _running_job(settings)
    assert job is not None
    second = await _cli(settings, tmp_path, "jobs", job, "--wait", "--json")
    code, out, err = await _finish(second)
    assert code == 0, (out, err)
    assert "render_interrupted" not in out + err
    assert json.loads(out)["status"] == "completed", out
    assert (await _finish(first))[0] == 0
    assert sorted(p.name for p in settings.output_dir.iterdir()) == [
        "shared.contact.jpg",
        "shared.mp4",
        "shared.poster.jpg",
    ]


async def test_two_processes_exporting_one_name_keep_both_files(settings: Settings, tmp_path: Path) -> None:
    await _draft_for(settings)
    runs = [await _cli(settings, tmp_path, "export", "--output", "same", "--height", "180", "--json") for _ in range(2)]
    results = [await _finish(run) for run in runs]
    assert [code for code, _, _ in results] == [0, 0], results
    paths = sorted(json.loads(out)["path"] for _, out, _ in results)
    assert [Path(p).name for p in paths] == ["same-2.mp4", "same.mp4"]
    assert all(Path(p).stat().st_size > 0 for p in paths)
    assert not [p for p in settings.output_dir.iterdir() if p.name.endswith(".lock") or ".partial" in p.name]
