"""Export: ids, both poll shapes, fail-once resubmission, 402, download and its fallback, and the
whole render as one awaited call (progress, render ids, resume after a restart, time limit)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nemo_video.backends.base import RenderOutput, RenderRequest, RenderStatus, Session
from nemo_video.backends.cloud import CloudBackend
from nemo_video.backends.cloud.download import fetch_output
from nemo_video.backends.cloud.render import RenderIds
from nemo_video.config import Settings
from nemo_video.draft import Draft
from nemo_video.errors import ErrorCode, NemoVideoError
from tests.conftest import fixture_json
from tests.double import NemoDouble

DRAFT = fixture_json("draft_example.json")


async def _submitted(backend: CloudBackend, tmp_path: Path) -> tuple[Session, RenderStatus]:
    session = await backend.open_session()
    draft = Draft.from_wire(DRAFT)
    assert draft is not None
    return session, await backend.renders.start(session.id, draft, RenderRequest(destination=tmp_path / "v.mp4"))


async def fetch(backend: CloudBackend, status: RenderStatus, destination: Path) -> RenderOutput:
    return await fetch_output(backend.settings, backend.api, status, destination)


async def _until_done(backend: CloudBackend, job_id: str) -> RenderStatus:
    for _ in range(10):
        status = await backend.renders.status(job_id)
        job_id = status.job_id
        if status.status in ("completed", "failed"):
            return status
    raise AssertionError("render never finished")


def test_ids_are_render_ms_and_unique_within_one_ms() -> None:
    ids = RenderIds()
    made = [ids.next() for _ in range(1000)]
    assert len(set(made)) == 1000
    assert all(i.startswith("render_") and i[7:].isdigit() and len(i) == 20 for i in made)


async def test_submit_body(backend: CloudBackend, nemo_double: NemoDouble, tmp_path: Path) -> None:
    session, job = await _submitted(backend, tmp_path)
    body = nemo_double.calls("render_submit")[0].json()
    assert body == {
        "id": job.job_id,
        "sessionId": session.id,
        "draft": DRAFT,
        "output": {"format": "mp4", "quality": "high"},
    }
    assert job.status == "pending" and job.progress == 0.05


@pytest.mark.parametrize("shape", ["wrapped", "toplevel"])
async def test_both_poll_shapes(backend: CloudBackend, nemo_double: NemoDouble, tmp_path: Path, shape: str) -> None:
    nemo_double.render.shape = shape  # type: ignore[assignment]
    nemo_double.render.polls_to_complete = 4
    _, job = await _submitted(backend, tmp_path)
    seen = [await backend.renders.status(job.job_id) for _ in range(4)]
    assert [s.status for s in seen] == ["pending", "processing", "processing", "completed"]
    assert [s.progress for s in seen] == [0.25, 0.5, 0.75, 1.0]
    assert seen[-1].output_url == f"{nemo_double.url}/cdn/render-result/{job.job_id}.mp4"
    assert nemo_double.count("render_status") == 4


@pytest.mark.parametrize("shape", ["wrapped", "toplevel"])
async def test_a_failed_render_is_resubmitted_once_with_a_new_id(
    backend: CloudBackend, nemo_double: NemoDouble, tmp_path: Path, shape: str
) -> None:
    nemo_double.render.shape = shape  # type: ignore[assignment]
    nemo_double.render.fail_first = 1
    _, job = await _submitted(backend, tmp_path)
    retried = await backend.renders.status(job.job_id)
    assert retried.job_id != job.job_id and retried.status == "pending"
    assert "could not load media" in retried.message and retried.job_id in retried.message
    first, second = (c.json() for c in nemo_double.calls("render_submit"))
    assert second["draft"] == first["draft"] == DRAFT and second["id"] == retried.job_id
    done = await _until_done(backend, retried.job_id)
    assert done.status == "completed"


async def test_a_second_failure_is_reported(backend: CloudBackend, nemo_double: NemoDouble, tmp_path: Path) -> None:
    nemo_double.render.fail_first = 2
    _, job = await _submitted(backend, tmp_path)
    retried = await backend.renders.status(job.job_id)
    final = await backend.renders.status(retried.job_id)
    assert final.status == "failed" and final.error and "could not load media" in final.error
    assert nemo_double.count("render_submit") == 2


@pytest.mark.parametrize("fault", [409, 500, "reset"])
async def test_submit_failure_retries_once_with_a_new_id(
    backend: CloudBackend, nemo_double: NemoDouble, tmp_path: Path, fault: int | str
) -> None:
    nemo_double.fail_next("render_submit", fault)
    _, job = await _submitted(backend, tmp_path)
    first, second = nemo_double.calls("render_submit")
    assert first.json()["id"] != second.json()["id"] == job.job_id


async def test_submit_failing_twice(backend: CloudBackend, nemo_double: NemoDouble, tmp_path: Path) -> None:
    nemo_double.fail_next("render_submit", 409, times=2)
    with pytest.raises(NemoVideoError) as caught:
        await _submitted(backend, tmp_path)
    assert caught.value.code == ErrorCode.RENDER_FAILED and "already exists" in caught.value.message
    assert nemo_double.count("render_submit") == 2


async def test_402_is_the_plan_not_credits(backend: CloudBackend, nemo_double: NemoDouble, tmp_path: Path) -> None:
    nemo_double.fail_next("render_submit", 402)
    with pytest.raises(NemoVideoError) as caught:
        await _submitted(backend, tmp_path)
    error = caught.value
    assert error.code == ErrorCode.EXPORT_BLOCKED and "plan, not its credits" in error.message
    assert "register" in error.hint and nemo_double.count("render_submit") == 1


async def test_missing_attribution_headers_get_402_from_the_double(
    cloud_settings: Settings, nemo_double: NemoDouble, tmp_path: Path
) -> None:
    cloud = CloudBackend(cloud_settings.with_(skill_platform=""))
    with pytest.raises(NemoVideoError) as caught:
        await _submitted(cloud, tmp_path)
    await cloud.aclose()
    assert caught.value.code == ErrorCode.EXPORT_BLOCKED


async def test_transient_poll_failures_retry_the_same_id(
    backend: CloudBackend, nemo_double: NemoDouble, tmp_path: Path
) -> None:
    _, job = await _submitted(backend, tmp_path)
    nemo_double.fail_next("render_status", 503)
    nemo_double.fail_next("render_status", "reset")
    status = await backend.renders.status(job.job_id)
    assert status.job_id == job.job_id and status.status == "processing"
    assert {c.path for c in nemo_double.calls("render_status")} == {f"/api/render/proxy/lambda/{job.job_id}"}
    assert nemo_double.count("render_status") == 3 and nemo_double.count("render_submit") == 1


async def test_empty_draft_is_not_submitted(backend: CloudBackend, nemo_double: NemoDouble, tmp_path: Path) -> None:
    session = await backend.open_session()
    with pytest.raises(NemoVideoError) as caught:
        await backend.render(session, Draft(), RenderRequest(destination=tmp_path / "v.mp4"))
    assert caught.value.code == ErrorCode.NOTHING_TO_EXPORT and nemo_double.count("render_submit") == 0


@pytest.mark.parametrize("output", ["broken_url", "no_url"])
async def test_download_falls_back_to_the_proxy_download(
    backend: CloudBackend, nemo_double: NemoDouble, tmp_path: Path, output: str
) -> None:
    nemo_double.render.output = output  # type: ignore[assignment]
    _, job = await _submitted(backend, tmp_path)
    done = await _until_done(backend, job.job_id)
    saved = await fetch(backend, done, tmp_path / "v.mp4")
    assert saved.path.read_bytes() == nemo_double.mp4
    (fallback,) = nemo_double.calls("render_download")
    assert fallback.path == f"/api/render/proxy/{job.job_id}/download"
    assert fallback.headers["authorization"].startswith("Bearer nmv_usr_")


async def test_never_overwrites_and_leaves_no_temp_file(
    backend: CloudBackend, nemo_double: NemoDouble, tmp_path: Path
) -> None:
    _, job = await _submitted(backend, tmp_path)
    done = await _until_done(backend, job.job_id)
    target = tmp_path / "v.mp4"
    target.write_bytes(b"precious")
    with pytest.raises(NemoVideoError) as caught:
        await fetch(backend, done, target)
    assert caught.value.code == ErrorCode.OUTPUT_EXISTS and target.read_bytes() == b"precious"
    assert nemo_double.count("output") == 0


async def test_failed_download_leaves_nothing(backend: CloudBackend, nemo_double: NemoDouble, tmp_path: Path) -> None:
    nemo_double.render.output = "broken_url"
    _, job = await _submitted(backend, tmp_path)
    done = await _until_done(backend, job.job_id)
    nemo_double.fail_next("render_download", "reset")
    out = tmp_path / "out"
    with pytest.raises(NemoVideoError) as caught:
        await fetch(backend, done, out / "v.mp4")
    assert caught.value.code == ErrorCode.BACKEND_UNREACHABLE
    assert list(out.iterdir()) == []


async def test_non_video_bytes_are_saved_without_facts(
    backend: CloudBackend, nemo_double: NemoDouble, tmp_path: Path
) -> None:
    nemo_double.mp4 = b"not really a video"
    _, job = await _submitted(backend, tmp_path)
    done = await _until_done(backend, job.job_id)
    saved = await fetch(backend, done, tmp_path / "v.mp4")
    assert saved.size_bytes == len(b"not really a video")
    assert (saved.duration_s, saved.width, saved.height) == (None, None, None)


async def test_unfinished_render_cannot_be_fetched(backend: CloudBackend, tmp_path: Path) -> None:
    _, job = await _submitted(backend, tmp_path)
    with pytest.raises(NemoVideoError) as caught:
        await fetch(backend, job, tmp_path / "v.mp4")
    assert caught.value.code == ErrorCode.JOB_RUNNING and job.job_id in caught.value.message


async def test_unknown_job(backend: CloudBackend) -> None:
    with pytest.raises(NemoVideoError) as caught:
        await backend.renders.status("render_1")
    assert caught.value.code == ErrorCode.UNKNOWN_JOB


# ---------------------------------------------------------------- one awaited call


async def test_render_is_one_call_with_monotonic_progress_and_its_id(
    backend: CloudBackend, nemo_double: NemoDouble, tmp_path: Path
) -> None:
    nemo_double.render.polls_to_complete = 3
    session = await backend.open_session()
    draft = Draft.from_wire(DRAFT)
    assert draft is not None
    seen: list[float] = []
    ids: list[str] = []
    out = await backend.render(
        session, draft, RenderRequest(destination=tmp_path / "one.mp4"), lambda f, _m: seen.append(f), ids.append
    )
    assert out.path == (tmp_path / "one.mp4").resolve() and out.path.read_bytes() == nemo_double.mp4
    assert seen == sorted(seen) and seen[-1] == 1.0 and 0.0 < seen[0] < 0.9
    (submitted,) = nemo_double.calls("render_submit")
    assert set(ids) == {submitted.json()["id"]}
    assert nemo_double.count("render_status") == 3


async def test_a_resubmitted_render_reports_its_new_id(
    backend: CloudBackend, nemo_double: NemoDouble, tmp_path: Path
) -> None:
    nemo_double.render.fail_first = 1
    session = await backend.open_session()
    draft = Draft.from_wire(DRAFT)
    assert draft is not None
    ids: list[str] = []
    await backend.render(session, draft, RenderRequest(destination=tmp_path / "v.mp4"), None, ids.append)
    first, second = (c.json()["id"] for c in nemo_double.calls("render_submit"))
    assert ids[0] == first and ids[-1] == second != first


async def test_a_render_failing_twice_raises_render_failed_and_leaves_nothing(
    backend: CloudBackend, nemo_double: NemoDouble, tmp_path: Path
) -> None:
    nemo_double.render.fail_first = 2
    session = await backend.open_session()
    draft = Draft.from_wire(DRAFT)
    assert draft is not None
    with pytest.raises(NemoVideoError) as caught:
        await backend.render(session, draft, RenderRequest(destination=tmp_path / "out" / "v.mp4"))
    assert caught.value.code == ErrorCode.RENDER_FAILED and "could not load media" in caught.value.message
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


async def test_resume_after_a_restart_polls_the_same_id_and_downloads(
    backend: CloudBackend, cloud_settings: Settings, nemo_double: NemoDouble, tmp_path: Path
) -> None:
    nemo_double.render.polls_to_complete = 2
    _, job = await _submitted(backend, tmp_path)
    restarted = CloudBackend(cloud_settings)  # a new process knows only the persisted id
    try:
        out = await restarted.resume(job.job_id, RenderRequest(destination=tmp_path / "resumed.mp4"))
    finally:
        await restarted.aclose()
    assert out.path.name == "resumed.mp4" and out.path.read_bytes() == nemo_double.mp4
    assert nemo_double.count("render_submit") == 1
    assert {c.path for c in nemo_double.calls("render_status")} == {f"/api/render/proxy/lambda/{job.job_id}"}


async def test_resume_of_a_render_nemovideo_forgot_is_interrupted(backend: CloudBackend, tmp_path: Path) -> None:
    with pytest.raises(NemoVideoError) as caught:
        await backend.resume("render_1", RenderRequest(destination=tmp_path / "v.mp4"))
    assert caught.value.code == ErrorCode.RENDER_INTERRUPTED


async def test_a_render_past_the_time_limit_stops_polling(
    cloud_settings: Settings, nemo_double: NemoDouble, tmp_path: Path
) -> None:
    nemo_double.render.polls_to_complete = 10_000
    cloud = CloudBackend(cloud_settings.with_(render_timeout_s=0.3, render_poll_s=0.05))
    session = await cloud.open_session()
    draft = Draft.from_wire(DRAFT)
    assert draft is not None
    try:
        with pytest.raises(NemoVideoError) as caught:
            await cloud.render(session, draft, RenderRequest(destination=tmp_path / "v.mp4"))
    finally:
        await cloud.aclose()
    assert caught.value.code == ErrorCode.RENDER_TIMEOUT and not (tmp_path / "v.mp4").exists()
    polls = nemo_double.count("render_status")
    assert 2 <= polls <= 10
