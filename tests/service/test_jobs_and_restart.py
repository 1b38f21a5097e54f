"""The job manager across restarts, sessions that continue, file names that never clobber."""

from __future__ import annotations

from pathlib import Path

import anyio
import pytest

from nemo_video.config import Settings
from nemo_video.errors import NemoVideoError
from nemo_video.service import JobRecord, VideoService
from nemo_video.service.outputs import NameReserver, safe_stem
from tests.conftest import fixture_json
from tests.double import NemoDouble, sse

FINISHED = fixture_json("state_latest.json")["data"]["state"]


async def until(predicate: object, timeout: float = 10.0) -> None:
    with anyio.fail_after(timeout):
        while not predicate():  # type: ignore[operator]
            await anyio.sleep(0.02)


async def test_current_session_is_continued_after_a_restart(cloud_settings: Settings, nemo_double: NemoDouble) -> None:
    async with VideoService(cloud_settings) as first:
        session = await first.session()
    async with VideoService(cloud_settings) as second:
        again = await second.session()
    assert again.id == session.id
    assert nemo_double.count("session") == 1


async def test_cloud_render_resumes_polling_after_a_restart(cloud_settings: Settings, nemo_double: NemoDouble) -> None:
    nemo_double.render.polls_to_complete = 10_000  # keeps "processing" until we say otherwise
    settings = cloud_settings.with_(render_poll_s=0.05)
    async with VideoService(settings) as first:
        nemo_double.set_state((await first.session()).id, FINISHED)
        job = await first.start_export(filename="resumed")
        await until(lambda: job.record.render_id is not None and nemo_double.count("render_status") >= 1)
        render_id = job.record.render_id
    assert nemo_double.count("render_submit") == 1

    nemo_double.render.polls_to_complete = 1
    async with VideoService(settings) as second:
        record = await second.wait(job.id, 20)
    assert record.status == "completed", record.error
    assert record.render_id == render_id
    assert nemo_double.count("render_submit") == 1  # resumed from the persisted id, not re-submitted
    assert record.result is not None and Path(record.result["path"]).name == "resumed.mp4"


async def test_agent_message_interrupted_by_a_restart_is_reported_not_resent(
    cloud_settings: Settings, nemo_double: NemoDouble
) -> None:
    nemo_double.script_sse([sse.text("Working on it."), *sse.heartbeats(5.0, every=0.1)], state_after=FINISHED)
    async with VideoService(cloud_settings) as first:
        job = await first.start_generate("make a video", confirm_spend=True)
        await until(lambda: job.record.steps >= 1)
    async with VideoService(cloud_settings) as second:
        record: JobRecord = second.job(job.id)
    assert record.status == "failed" and record.error is not None
    assert record.error["code"] == "stream_dropped" and "get_state" in record.error["hint"]
    assert nemo_double.count("run_sse") == 1


async def test_progress_is_monotonic_and_fans_out_to_every_waiter(
    cloud_settings: Settings, nemo_double: NemoDouble
) -> None:
    nemo_double.script_sse([sse.text("One."), 0.2, sse.tool_call("edit"), 0.2, sse.text("Two.")], state_after=FINISHED)
    seen: dict[str, list[float]] = {"a": [], "b": []}

    def watcher(name: str):  # type: ignore[no-untyped-def]
        async def on_update(record: JobRecord, heartbeat: bool) -> None:
            seen[name].append(record.fraction)

        return on_update

    async with VideoService(cloud_settings) as service:
        job = await service.start_generate("make a video", confirm_spend=True)
        job.progress(0.5, "half")
        job.progress(0.2, "a late, lower estimate")
        assert job.record.fraction == 0.5 and job.record.message == "a late, lower estimate"
        async with anyio.create_task_group() as tg:
            tg.start_soon(service.wait, job.id, 10, watcher("a"), 0.05)
            tg.start_soon(service.wait, job.id, 10, watcher("b"), 0.05)
        assert job.record.status == "completed"
    for values in seen.values():
        assert values and values == sorted(values)


async def test_cloud_generate_needs_consent(cloud_settings: Settings, nemo_double: NemoDouble) -> None:
    async with VideoService(cloud_settings) as service:
        with pytest.raises(NemoVideoError) as caught:
            await service.start_generate("make a video")
    assert caught.value.code == "consent_required"
    assert nemo_double.count("run_sse") == 0


async def test_lost_session_is_replaced_and_adopted(cloud_settings: Settings, nemo_double: NemoDouble) -> None:
    async with VideoService(cloud_settings) as service:
        old = await service.session()
        nemo_double.drop_session(old.id)
        job = await service.start_generate("make a video", confirm_spend=True)
        record = await service.wait(job.id, 10)
        current = await service.session()
    assert record.status == "failed" and record.error is not None
    assert record.error["code"] == "session_not_found"
    assert current.id != old.id and current.notice


async def test_a_lost_session_is_replaced_for_its_own_client_only(
    cloud_settings: Settings, nemo_double: NemoDouble
) -> None:
    async with VideoService(cloud_settings) as service:
        other = await service.session()
        old = await service.session("alice")
        nemo_double.drop_session(old.id)
        job = await service.start_generate("make a video", confirm_spend=True, client="alice")
        record = await service.wait(job.id, 10, client="alice")
        replaced = await service.session("alice")
        untouched = await service.session()
    assert record.status == "failed" and record.error is not None
    assert record.error["code"] == "session_not_found" and record.client == "alice"
    assert replaced.id not in (old.id, other.id) and replaced.notice
    assert untouched.id == other.id and not untouched.notice


def test_name_reserver_never_hands_out_a_taken_name(tmp_path: Path) -> None:
    names = NameReserver()
    (tmp_path / "clip.mp4").write_bytes(b"x")
    first = names.reserve(tmp_path, "clip", "mp4")
    second = names.reserve(tmp_path, "clip.mp4", "mp4")
    assert (first.name, second.name) == ("clip-2.mp4", "clip-3.mp4")
    names.release(first)
    assert names.reserve(tmp_path, "clip", "mp4").name == "clip-2.mp4"


@pytest.mark.parametrize(
    ("given", "stem"),
    [
        ("../../etc/passwd", "passwd"),
        ("launch video.mp4", "launch video"),
        ("a/b\\c.webm", "c"),
        ("发布会", "发布会"),
        ("x;rm -rf", "x-rm -rf"),
    ],
)
def test_safe_stem_drops_folders_and_unsafe_characters(given: str, stem: str) -> None:
    assert safe_stem(given) == stem


def test_safe_stem_refuses_empty_names() -> None:
    with pytest.raises(NemoVideoError) as caught:
        safe_stem("../..")
    assert caught.value.code == "invalid_input"
