"""MCP tools over the cloud backend (the loopback double): progress, hand-off, consent, cancellation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import mcp_types as types

from mcp import Client
from nemo_video.config import Settings
from tests.conftest import fixture_json
from tests.double import NemoDouble, sse
from tests.mcp.conftest import serving

FINISHED = fixture_json("state_latest.json")["data"]["state"]
REQUEST = "a 30-second vertical video from my product photos and tagline 'Smooth. Bold. Yours.'"


class Progress:
    def __init__(self) -> None:
        self.seen: list[tuple[float, float | None, str | None]] = []

    async def __call__(self, progress: float, total: float | None, message: str | None) -> None:
        self.seen.append((progress, total, message))

    @property
    def values(self) -> list[float]:
        return [p for p, _, _ in self.seen]


def slow_stream(seconds: float) -> list[sse.Step]:
    return [
        sse.text("Building your video."),
        sse.tool_call("edit_multitrack", {"op": "slideshow"}),
        *sse.heartbeats(seconds, every=0.1),
        sse.tool_result("edit_multitrack", {"status": "success"}),
        sse.text("Done: three photos, music and the tagline."),
    ]


async def test_progress_notifications_during_a_slow_cloud_stream(
    cloud_settings: Settings, nemo_double: NemoDouble, mode: str
) -> None:
    async with serving(cloud_settings) as (_, cloud_server):
        nemo_double.script_sse(slow_stream(1.2), state_after=FINISHED)
        progress = Progress()
        async with Client(cloud_server, mode=mode) as client:
            result = await client.call_tool(
                "generate_video", {"request": REQUEST, "confirm_spend": True}, progress_callback=progress
            )
        assert not result.is_error, result.content
        out = result.structured_content
        assert out is not None and out["status"] == "completed"
        assert "Done: three photos" in out["generate"]["reply"]
        assert out["generate"]["summary"].startswith("Timeline (3 tracks)")
        assert len(progress.seen) >= 3
        assert progress.values == sorted(set(progress.values)), "progress must strictly increase"
        assert all(total is None for _, total, _ in progress.seen)  # an agent's pace is unknown
        assert any("still working" in (m or "") for _, _, m in progress.seen)
        assert nemo_double.count("run_sse") == 1


async def test_job_hand_off_when_wait_runs_out_then_job_status(
    cloud_settings: Settings, nemo_double: NemoDouble, mode: str
) -> None:
    async with serving(cloud_settings) as (_, cloud_server):
        nemo_double.script_sse(slow_stream(0.8), state_after=FINISHED)
        async with Client(cloud_server, mode=mode) as client:
            first = await client.call_tool("generate_video", {"request": REQUEST, "confirm_spend": True, "wait_s": 0})
            assert not first.is_error and first.structured_content is not None
            assert first.structured_content["status"] == "running"
            job_id = first.structured_content["job_id"]
            text = first.content[0].text  # type: ignore[union-attr]
            assert f"job_status with job_id='{job_id}'" in text
            final = await client.call_tool("job_status", {"job_id": job_id, "wait_s": 20})
        assert final.structured_content is not None and final.structured_content["status"] == "completed"
        assert final.structured_content["generate"]["exportable"] is True
        assert nemo_double.count("run_sse") == 1


async def test_cancelled_call_stops_waiting_but_never_resends_or_kills_the_job(
    cloud_settings: Settings, nemo_double: NemoDouble, mode: str
) -> None:
    async with serving(cloud_settings) as (cloud_service, cloud_server):
        nemo_double.script_sse(slow_stream(1.0), state_after=FINISHED)
        async with Client(cloud_server, mode=mode) as client:
            with anyio.move_on_after(0.4) as scope:
                await client.call_tool("generate_video", {"request": REQUEST, "confirm_spend": True})
            assert scope.cancelled_caught
            (job,) = cloud_service.jobs.records()
            assert job.status == "running"  # the paid work goes on
            final = await client.call_tool("job_status", {"job_id": job.id, "wait_s": 20})
        assert final.structured_content is not None and final.structured_content["status"] == "completed"
        assert nemo_double.count("run_sse") == 1


async def test_cancel_job_says_cloud_work_may_still_finish(cloud_settings: Settings, nemo_double: NemoDouble) -> None:
    async with serving(cloud_settings) as (_, cloud_server):
        nemo_double.script_sse(slow_stream(2.0), state_after=FINISHED)
        async with Client(cloud_server) as client:
            first = await client.call_tool("generate_video", {"request": REQUEST, "confirm_spend": True, "wait_s": 0})
            job_id = first.structured_content["job_id"]  # type: ignore[index]
            cancelled = await client.call_tool("cancel_job", {"job_id": job_id})
            status = await client.call_tool("job_status", {"job_id": job_id, "wait_s": 0})
        assert cancelled.structured_content is not None
        assert cancelled.structured_content["status"] == "cancelled"
        assert "may still finish" in cancelled.structured_content["message"]
        assert status.structured_content["status"] == "cancelled"  # type: ignore[index]


async def test_cloud_generate_without_consent_is_refused_and_sends_nothing(
    cloud_settings: Settings, nemo_double: NemoDouble, mode: str
) -> None:
    async with serving(cloud_settings) as (_, cloud_server):
        async with Client(cloud_server, mode=mode) as client:
            result = await client.call_tool("generate_video", {"request": REQUEST})
        assert result.is_error
        text = result.content[0].text  # type: ignore[union-attr]
        assert "consent_required" in text and "confirm_spend=true" in text
        assert nemo_double.count("run_sse") == 0


def elicit_answer(approve: bool, asked: list[str]) -> Any:
    async def callback(context: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
        asked.append(params.message)
        return types.ElicitResult(action="accept", content={"approve": approve})

    return callback


async def test_consent_by_elicitation_in_both_protocol_modes(
    cloud_settings: Settings, nemo_double: NemoDouble, mode: str
) -> None:
    async with serving(cloud_settings) as (_, cloud_server):
        nemo_double.script_sse([sse.text("All set.")], state_after=FINISHED)
        asked: list[str] = []
        refuse = elicit_answer(False, asked)
        async with Client(cloud_server, mode=mode, elicitation_callback=refuse) as client:
            refused = await client.call_tool("generate_video", {"request": REQUEST})
        assert refused.is_error and "consent_required" in refused.content[0].text  # type: ignore[union-attr]
        assert nemo_double.count("run_sse") == 0
        async with Client(cloud_server, mode=mode, elicitation_callback=elicit_answer(True, asked)) as client:
            agreed = await client.call_tool("generate_video", {"request": REQUEST})
        assert not agreed.is_error, agreed.content
        assert len(asked) == 2 and "spends credits" in asked[0]
        assert nemo_double.count("run_sse") == 1


async def test_export_on_cloud_returns_file_poster_image_and_link(
    cloud_settings: Settings, nemo_double: NemoDouble
) -> None:
    async with serving(cloud_settings) as (cloud_service, cloud_server):
        session = await cloud_service.session()
        nemo_double.set_state(session.id, FINISHED)
        progress = Progress()
        async with Client(cloud_server) as client:
            result = await client.call_tool("export_video", {"filename": "launch"}, progress_callback=progress)
        assert not result.is_error, result.content
        export = result.structured_content["export"]  # type: ignore[index]
        path = Path(export["path"])
        assert path.is_absolute() and path.name == "launch.mp4" and path.read_bytes() == nemo_double.mp4
        assert export["uri"] == path.as_uri() and export["width"] == 160 and export["height"] == 90
        kinds = [block.type for block in result.content]
        assert kinds == ["text", "image", "resource_link"]
        image = result.content[1]
        assert isinstance(image, types.ImageContent) and image.mime_type == "image/jpeg"
        assert len(image.data) * 3 / 4 < 200_000 and Path(export["poster"]).is_file()
        link = result.content[2]
        assert isinstance(link, types.ResourceLink) and str(link.uri) == path.as_uri()
        assert progress.values == sorted(set(progress.values)) and all(t == 100 for _, t, _ in progress.seen)


async def test_two_exports_never_clobber_one_file(cloud_settings: Settings, nemo_double: NemoDouble) -> None:
    async with serving(cloud_settings) as (cloud_service, cloud_server):
        session = await cloud_service.session()
        nemo_double.set_state(session.id, FINISHED)
        async with Client(cloud_server) as client, anyio.create_task_group() as tg:
            results: list[Any] = []

            async def export() -> None:
                results.append(await client.call_tool("export_video", {"filename": "same"}))

            tg.start_soon(export)
            tg.start_soon(export)
        paths = sorted(Path(r.structured_content["export"]["path"]).name for r in results)
        assert paths == ["same-2.mp4", "same.mp4"]


async def test_errors_are_is_error_with_code_and_next_step(
    cloud_settings: Settings, nemo_double: NemoDouble, tmp_path: Path, mode: str
) -> None:
    async with serving(cloud_settings) as (_, cloud_server):
        outside = Path("/etc/hostname")
        async with Client(cloud_server, mode=mode) as client:
            cases = {
                "nothing_to_export": await client.call_tool("export_video", {}),
                "unknown_job": await client.call_tool("job_status", {"job_id": "job_nope", "wait_s": 0}),
                "path_not_allowed": await client.call_tool("upload_media", {"paths": [str(outside)]}),
            }
            nemo_double.fail_next("credits", 2001)
            cases["out_of_credits"] = await client.call_tool("get_credits", {})
            bad = await client.call_tool("export_video", {"height": 10})
        for code, result in cases.items():
            assert result.is_error, code
            text = result.content[0].text  # type: ignore[union-attr]
            assert text.startswith(f"Error [{code}]:") and "\nNext step: " in text, text
            assert result.structured_content is None  # an outputSchema describes success only
            assert result.meta is not None and result.meta["nemo-video/error"]["code"] == code
        assert bad.is_error  # schema validation (height >= 64) is refused before any work
