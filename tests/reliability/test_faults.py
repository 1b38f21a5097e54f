"""The fault suite: each fault is survived with nothing lost and no message (or render) sent twice.

Cloud faults are injected by the loopback double; local faults are real (ffmpeg killed by pid, a
200 KB tmpfs, a server process SIGKILLed mid-render). Faults already shown elsewhere are listed in
docs/reliability.md with the test that shows them rather than repeated here.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path
from typing import Any

import anyio
import pytest

from mcp import Client
from nemo_video.config import Settings
from nemo_video.errors import ErrorCode
from nemo_video.service import JobRecord, VideoService
from tests.conftest import fixture_json
from tests.double import Fault, NemoDouble, sse
from tests.mcp.conftest import serving
from tests.reliability.helpers import (
    PYTHON,
    children,
    env_for,
    ffmpeg_children,
    stdio_server,
    until,
)
from tests.reliability.inputs import temporaries

FINISHED = fixture_json("state_latest.json")["data"]["state"]
LOCAL_REQUEST = "a 6-second video with the title 'Fault test'"


def fresh(settings: Settings, root: Path) -> Settings:
    """The same settings over new, empty folders (a second user of the same double)."""
    return settings.with_(data_dir=root / "data", config_dir=root / "config", output_dir=root / "out")


async def cloud_flow(settings: Settings, double: NemoDouble, photo: Path) -> JobRecord:
    """token → session → upload → credits → state → export, waited to the end."""
    async with VideoService(settings) as svc:
        session = await svc.session()
        double.set_state(session.id, FINISHED)
        await svc.upload([photo], roots=[photo.parent])
        await svc.credits()
        await svc.state()
        job = await svc.start_export(filename="fault")
        return await svc.wait(job.id, 20)


def counts(double: NemoDouble) -> dict[str, int]:
    names = ("token", "session", "upload", "credits", "state", "render_submit", "render_status")
    return {name: double.count(name) for name in names}


FAULTS: list[tuple[str, Any]] = [
    *[
        (endpoint, 429)
        for endpoint in ("token", "session", "upload", "credits", "state", "render_submit", "render_status")
    ],
    *[(endpoint, fault) for endpoint in ("state", "credits", "render_status") for fault in (502, 503, "reset")],
]


@pytest.mark.parametrize(("endpoint", "fault"), FAULTS)
async def test_cloud_flow_survives_one_fault_with_each_call_sent_once_more_at_most(
    cloud_settings: Settings, nemo_double: NemoDouble, tmp_path: Path, endpoint: str, fault: Any
) -> None:
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    clean = await cloud_flow(fresh(cloud_settings, tmp_path / "clean"), nemo_double, photo)
    baseline = counts(nemo_double)
    assert clean.status == "completed", clean.error

    nemo_double.fail_next(endpoint, fault)
    record = await cloud_flow(fresh(cloud_settings, tmp_path / "faulty"), nemo_double, photo)
    assert record.status == "completed", record.error
    assert record.result is not None and Path(record.result["path"]).stat().st_size > 0
    after = counts(nemo_double)
    extra = {name: after[name] - 2 * baseline[name] for name in after}
    # the faulted call was made exactly once more; nothing else was repeated
    assert extra == {name: int(name == endpoint) for name in after}
    assert len(nemo_double.jobs) == 2 and len(nemo_double.sessions) == 2  # one render, one session each
    media = [len(s.get("video_infos", [])) for s in nemo_double.sessions.values()]
    assert media == [len(FINISHED["video_infos"]) + 1] * 2  # the photo was added once per run


async def test_token_revoked_mid_session_is_renewed_and_nothing_is_sent_twice(
    cloud_settings: Settings, nemo_double: NemoDouble
) -> None:
    nemo_double.render.polls_to_complete = 4
    async with VideoService(cloud_settings.with_(render_poll_s=0.05)) as svc:
        session = await svc.session()
        nemo_double.script_sse([sse.text("Done.")], state_after=FINISHED)
        generated = await svc.wait((await svc.start_generate("make it", confirm_spend=True)).id, 10)
        nemo_double.revoke_tokens()  # between two calls
        state = await svc.state()
        job = await svc.start_export(filename="renewed")
        await until(lambda: nemo_double.count("render_status") >= 1)
        nemo_double.revoke_tokens()  # in the middle of the render's polling
        exported = await svc.wait(job.id, 20)
    assert generated.status == "completed" and state.exportable
    assert exported.status == "completed", exported.error
    assert nemo_double.count("token") == 3 and nemo_double.count("session") == 1
    assert nemo_double.count("run_sse") == 1 and nemo_double.count("render_submit") == 1
    assert list(nemo_double.sessions) == [session.id]


async def test_sse_dropped_after_the_first_event_over_mcp_is_not_resent(
    cloud_settings: Settings, nemo_double: NemoDouble
) -> None:
    async with serving(cloud_settings) as (_, server), Client(server) as client:
        nemo_double.script_sse([sse.tool_call("edit_multitrack", {"op": "slideshow"}), sse.DROP], state_after=FINISHED)
        result = await client.call_tool("generate_video", {"request": "make it", "confirm_spend": True})
        state = await client.call_tool("get_state", {})
    assert nemo_double.count("run_sse") == 1
    assert not result.is_error, result.content
    out = result.structured_content
    assert out is not None and out["status"] == "completed"
    assert "connection dropped" in out["generate"]["reply"] and out["generate"]["exportable"]
    assert state.structured_content is not None and state.structured_content["exportable"]


async def test_a_cloud_render_that_fails_once_is_resubmitted_once_and_saved(
    cloud_settings: Settings, nemo_double: NemoDouble
) -> None:
    nemo_double.render.fail_first = 1
    async with VideoService(cloud_settings) as svc:
        nemo_double.set_state((await svc.session()).id, FINISHED)
        record = await svc.wait((await svc.start_export(filename="second-try")).id, 20)
    assert record.status == "completed", record.error
    assert nemo_double.count("render_submit") == 2 and len(nemo_double.jobs) == 2
    assert record.result is not None and Path(record.result["path"]).name == "second-try.mp4"
    assert sorted(p.name for p in cloud_settings.output_dir.iterdir()) == ["second-try.mp4", "second-try.poster.jpg"]


# ---------------------------------------------------------------- a server killed mid-render


def _jobs_file(settings: Settings) -> Path:
    return settings.data_dir / "service" / f"jobs-{settings.backend}.json"


def _persisted_render_id(settings: Settings) -> str | None:
    import json

    try:
        jobs = json.loads(_jobs_file(settings).read_text())["jobs"]
    except (OSError, ValueError, KeyError):
        return None
    running = [j for j in jobs if j["kind"] == "render" and j["status"] == "running" and j.get("render_id")]
    return str(running[-1]["id"]) if running else None


async def _export_in_cli(settings: Settings, cwd: Path, *extra: str) -> anyio.abc.Process:
    return await anyio.open_process(
        [PYTHON, "-m", "nemo_video.cli", "export", "--output", "killed", *extra],
        env=env_for(settings),
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def _sigkill(process: anyio.abc.Process) -> None:
    process.send_signal(signal.SIGKILL)
    await process.wait()
    await process.aclose()


async def test_cloud_render_resumes_from_its_persisted_id_after_sigkill(
    cloud_settings: Settings, nemo_double: NemoDouble, tmp_path: Path
) -> None:
    settings = cloud_settings.with_(render_poll_s=0.05)
    async with VideoService(settings) as svc:
        nemo_double.set_state((await svc.session()).id, FINISHED)
    nemo_double.render.polls_to_complete = 10_000  # "processing" until the restart
    cli = await _export_in_cli(settings, tmp_path)
    await until(lambda: _persisted_render_id(settings) and nemo_double.count("render_status") >= 2)
    job_id = _persisted_render_id(settings)
    await _sigkill(cli)
    polls_before = nemo_double.count("render_status")

    nemo_double.render.polls_to_complete = 1
    async with Client(stdio_server(settings, tmp_path), mode="legacy") as client:
        result = await client.call_tool("job_status", {"job_id": job_id, "wait_s": 30})
    assert not result.is_error, result.content
    out = result.structured_content
    assert out is not None and out["status"] == "completed", out
    assert Path(out["export"]["path"]).name == "killed.mp4" and Path(out["export"]["path"]).is_file()
    assert nemo_double.count("render_submit") == 1  # polled again under the same id, not re-submitted
    assert nemo_double.count("render_status") > polls_before
    assert temporaries(settings.output_dir) == []


async def _local_draft(settings: Settings) -> None:
    async with VideoService(settings) as svc:
        job = await svc.start_generate(LOCAL_REQUEST)
        record = await svc.wait(job.id, 30)
    assert record.status == "completed", record.error


async def test_local_render_killed_with_its_server_is_reported_and_rerun_in_one_call(
    settings: Settings, tmp_path: Path
) -> None:
    await _local_draft(settings)
    cli = await _export_in_cli(settings, tmp_path, "--height", "180")
    await until(lambda: _persisted_render_id(settings) and ffmpeg_children(cli.pid), timeout=30, every=0.01)
    job_id = _persisted_render_id(settings)
    await _sigkill(cli)
    # the orphaned ffmpeg loses its stderr pipe and exits on its next progress line
    await until(lambda: not [p for p, cmd in children(1) if str(settings.output_dir) in cmd], timeout=20)

    async with Client(stdio_server(settings, tmp_path), mode="legacy") as client:
        status = await client.call_tool("job_status", {"job_id": job_id, "wait_s": 5})
        again = await client.call_tool("export_video", {"height": 180, "filename": "killed", "wait_s": 50})
    assert status.is_error and status.meta is not None, status.content
    out = status.meta["nemo-video/error"]
    assert out["code"] == "render_interrupted"
    assert "export_video" in out["hint"]
    rerun = again.structured_content
    assert rerun is not None and rerun["status"] == "completed", rerun
    assert Path(rerun["export"]["path"]).name == "killed.mp4"
    assert temporaries(settings.output_dir) == []


# ---------------------------------------------------------------- local engine faults


async def test_ffmpeg_killed_mid_render_leaves_no_finished_looking_file(settings: Settings) -> None:
    await _local_draft(settings)
    async with VideoService(settings) as svc:
        job = await svc.start_export(filename="half", height=180)
        await until(lambda: ffmpeg_children(os.getpid()), timeout=30, every=0.005)
        for pid in ffmpeg_children(os.getpid()):
            os.kill(pid, signal.SIGKILL)
        record = await svc.wait(job.id, 30)
    assert record.status == "failed" and record.error is not None
    assert record.error["code"] == ErrorCode.RENDER_FAILED
    assert not (settings.output_dir / "half.mp4").exists()
    assert temporaries(settings.output_dir) == []
    assert list(settings.output_dir.glob("*.mp4")) == []


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Any:
    """A 200 KB tmpfs (we run as root in CI's sandbox; mounting is refused elsewhere)."""
    folder = tmp_path / "tiny"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(folder)], check=False, capture_output=True, text=True
    )
    if mounted.returncode != 0:  # reported in the summary (-ra), never silent
        pytest.skip(f"disk-full test needs to mount a tmpfs (root): {mounted.stderr.strip()}")
    try:
        # leave 24 KB free: a full disk, not a small one (a tiny text video fits in 200 KB)
        free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
        (folder / "filler").write_bytes(b"\0" * (free - 24 * 1024))
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False, capture_output=True)


async def test_disk_full_in_the_output_dir_is_a_clear_disk_full_error(settings: Settings, tiny_disk: Path) -> None:
    await _local_draft(settings)
    async with VideoService(settings.with_(output_dir=tiny_disk)) as svc:
        record = await svc.wait((await svc.start_export(filename="big", height=720)).id, 60)
    assert record.status == "failed" and record.error is not None
    assert record.error["code"] == ErrorCode.DISK_FULL, record.error
    assert "disk" in record.error["message"].lower() and record.error["hint"]
    assert [p.name for p in tiny_disk.iterdir()] == ["filler"]  # nothing half-written left behind


async def test_a_fault_injected_by_a_custom_body_is_not_mistaken_for_success(
    cloud_settings: Settings, nemo_double: NemoDouble
) -> None:
    # a 200 with success:false on a read is a refusal, not a transient fault: reported, not retried
    nemo_double.fail_next("credits", Fault(200, {"success": False, "message": "nope"}))
    async with VideoService(cloud_settings) as svc:
        with pytest.raises(Exception) as caught:
            await svc.credits()
    assert getattr(caught.value, "code", None) == ErrorCode.BACKEND_ERROR
    assert nemo_double.count("credits") == 1
