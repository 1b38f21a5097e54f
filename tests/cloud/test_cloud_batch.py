"""A batch on the cloud backend (the skill's "batch style"): each row its own session, uploads and paid
request, then free renders; consent first, the balance reported, and nothing paid twice on a rerun."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from nemo_video.config import Settings
from nemo_video.errors import NemoVideoError
from nemo_video.service import VideoService
from nemo_video.service.batch import run_batch, start_batch
from tests.conftest import fixture_json
from tests.double import NemoDouble, sse

FINISHED = fixture_json("state_latest.json")["data"]["state"]


def shop(folder: Path) -> Path:
    """Three rows: two good (one in two formats), one whose photo is missing (line 4)."""
    for name, colour in (("mug.jpg", "orange"), ("cap.png", "green")):
        Image.new("RGB", (64, 36), colour).save(folder / name)
    path = folder / "shop.csv"
    path.write_text(
        "name,request,media,formats\n"
        "mug,\"a 10-second video of the mug titled 'Mug'\",mug.jpg,\n"
        "cap,\"a 10-second video of the cap titled 'Cap'\",cap.png,9:16;1:1\n"
        'hat,"a video of the hat",hat.jpg,\n'
    )
    return path


def agent_answers(double: NemoDouble, times: int) -> None:
    for _ in range(times):
        double.script_sse([sse.text("Done: your video is ready.")], state_after=FINISHED)


def counts(double: NemoDouble) -> dict[str, int]:
    return {name: double.count(name) for name in ("session", "upload", "run_sse", "render_submit")}


async def test_a_cloud_batch_needs_consent_before_anything_is_sent(
    cloud_settings: Settings, nemo_double: NemoDouble, tmp_path: Path
) -> None:
    path = shop(tmp_path)
    async with VideoService(cloud_settings) as svc:
        with pytest.raises(NemoVideoError) as refused:
            await start_batch(svc, path, roots=[tmp_path])
        with pytest.raises(NemoVideoError) as refused_too:
            await run_batch(svc, path, roots=[tmp_path])
    for error in (refused.value, refused_too.value):
        assert error.code == "consent_required"
        assert "sends 2 request(s)" in error.message and error.hint and "--yes" in error.hint
    assert counts(nemo_double) == {"session": 0, "upload": 0, "run_sse": 0, "render_submit": 0}
    assert not (cloud_settings.output_dir / "shop").exists()


async def test_three_rows_one_bad_then_a_rerun_pays_for_nothing_again(
    cloud_settings: Settings, nemo_double: NemoDouble, tmp_path: Path
) -> None:
    path = shop(tmp_path)
    agent_answers(nemo_double, 2)
    said: list[str] = []
    rows_done: list[str] = []
    async with VideoService(cloud_settings) as svc:
        summary = await run_batch(
            svc,
            path,
            confirm_spend=True,
            roots=[tmp_path],
            on_row=lambda d, t, m: rows_done.append(m),
            on_step=said.append,
        )
    assert said[0] == "credits available: 100; sending 2 request(s)"  # before anything is sent
    assert "cap: sending the request" in said and "cap: rendering 2 file(s)" in said
    assert len(rows_done) == 2 and rows_done[-1].startswith("2/2 rows rendered")
    assert (summary["rendered"], summary["failed"], summary["invalid"]) == (2, 0, 1), summary
    assert summary["requests_sent"] == 2 and summary["credits_before"]["available"] == 100
    assert [b["row"] for b in summary["bad_rows"]] == [4] and summary["bad_rows"][0]["error"]["hint"]

    # one session, one upload and one request per good row; one free render per file
    assert counts(nemo_double) == {"session": 2, "upload": 2, "run_sse": 2, "render_submit": 3}
    asked = sorted(r.json()["new_message"]["parts"][0]["text"] for r in nemo_double.calls("run_sse"))
    assert asked == ["a 10-second video of the cap titled 'Cap'", "a 10-second video of the mug titled 'Mug'"]
    sessions = {r.json()["session_id"] for r in nemo_double.calls("run_sse")}
    assert len(sessions) == 2
    ratios = sorted(r.json()["draft"]["m"]["ratio"] for r in nemo_double.calls("render_submit"))
    assert ratios == ["16:9", "1:1", "9:16"]  # the mug in its own shape, the cap in two formats
    folder = cloud_settings.output_dir / "shop"
    assert sorted(p.name for p in folder.glob("*.mp4")) == ["cap-1x1.mp4", "cap-9x16.mp4", "mug.mp4"]
    assert all(p.read_bytes() == nemo_double.mp4 for p in folder.glob("*.mp4"))
    rows = {r["name"]: r for r in summary["rows"]}
    assert rows["mug"]["session_id"] in sessions and rows["cap"]["session_id"] in sessions
    assert rows["hat"]["status"] == "invalid" and rows["hat"]["error"]["code"] == "media_not_found"

    # The mug's file is lost: the rerun renders it again from its session (free) and sends nothing.
    (folder / "mug.mp4").unlink()
    before = counts(nemo_double)
    async with VideoService(cloud_settings) as svc:
        again = await run_batch(svc, path, roots=[tmp_path])  # no consent needed: nothing to send
    assert (again["rendered"], again["skipped"], again["invalid"]) == (1, 1, 1), again
    assert again["requests_sent"] == 0
    after = counts(nemo_double)
    assert after == {**before, "render_submit": before["render_submit"] + 1}
    assert nemo_double.calls("render_submit")[-1].json()["sessionId"] == rows["mug"]["session_id"]
    assert (folder / "mug.mp4").is_file()

    # And a third run does nothing at all.
    async with VideoService(cloud_settings) as svc:
        third = await run_batch(svc, path, roots=[tmp_path])
    assert (third["rendered"], third["skipped"]) == (0, 2) and counts(nemo_double) == after
    lines = [json.loads(line) for line in Path(summary["results"]).read_text().splitlines()]
    assert [e["status"] for e in lines if e["name"] == "mug"] == ["sending", "completed", "completed", "skipped"]


async def test_a_row_sent_before_that_made_no_video_is_not_sent_again(
    cloud_settings: Settings, nemo_double: NemoDouble, tmp_path: Path
) -> None:
    path = shop(tmp_path)
    nemo_double.script_sse([sse.text("Done.")], state_after=FINISHED)
    nemo_double.script_sse([sse.text("I could not make that.")])  # the second row's session stays empty
    async with VideoService(cloud_settings) as svc:
        first = await run_batch(svc, path, confirm_spend=True, roots=[tmp_path])
        assert (first["rendered"], first["failed"]) == (1, 1), first
        failed = next(r for r in first["rows"] if r["status"] == "failed")
        assert failed["error"]["code"] == "nothing_to_export"
        again = await run_batch(svc, path, roots=[tmp_path])
        assert nemo_double.count("run_sse") == 2  # not a third time
        row = next(r for r in again["rows"] if r["name"] == failed["name"])
        assert row["status"] == "failed" and "was not sent again" in row["error"]["message"]
        assert "change the row's request" in row["error"]["hint"]

        # A changed request is a new request: it needs consent again and is sent once.
        old = f"a 10-second video of the {failed['name']} titled '{failed['name'].title()}'"
        path.write_text(path.read_text().replace(old, f"a 5-second video of the {failed['name']}"))
        with pytest.raises(NemoVideoError) as refused:
            await run_batch(svc, path, roots=[tmp_path])
        assert refused.value.code == "consent_required" and "sends 1 request(s)" in refused.value.message
        nemo_double.script_sse([sse.text("Done.")], state_after=FINISHED)
        third = await run_batch(svc, path, confirm_spend=True, roots=[tmp_path])
    assert (third["rendered"], third["skipped"]) == (1, 1) and nemo_double.count("run_sse") == 3
    sent = nemo_double.calls("run_sse")[-1].json()["new_message"]["parts"][0]["text"]
    assert sent == f"a 5-second video of the {failed['name']}"


async def test_a_row_whose_session_expired_is_sent_anew_only_with_consent(
    cloud_settings: Settings, nemo_double: NemoDouble, tmp_path: Path
) -> None:
    path = shop(tmp_path)
    agent_answers(nemo_double, 2)
    async with VideoService(cloud_settings) as svc:
        first = await run_batch(svc, path, confirm_spend=True, roots=[tmp_path])
        mug = next(r for r in first["rows"] if r["name"] == "mug")
        nemo_double.drop_session(mug["session_id"])
        Path(mug["files"][0]).unlink()
        lost = await run_batch(svc, path, roots=[tmp_path])  # re-render only: no consent asked
        row = next(r for r in lost["rows"] if r["name"] == "mug")
        assert row["status"] == "failed" and row["error"]["code"] == "session_not_found"
        assert "send this row anew" in row["error"]["hint"] and nemo_double.count("run_sse") == 2
        with pytest.raises(NemoVideoError) as refused:
            await run_batch(svc, path, roots=[tmp_path])
        assert refused.value.code == "consent_required" and "sends 1 request(s)" in refused.value.message
        agent_answers(nemo_double, 1)
        anew = await run_batch(svc, path, confirm_spend=True, roots=[tmp_path])
    assert (anew["rendered"], anew["skipped"]) == (1, 1) and nemo_double.count("run_sse") == 3
    assert Path(mug["files"][0]).is_file()


async def test_an_empty_account_is_refused_before_any_row_runs(
    cloud_settings: Settings, nemo_double: NemoDouble, tmp_path: Path
) -> None:
    nemo_double.credits = {"available": 0, "frozen": 0, "total": 0}
    async with VideoService(cloud_settings) as svc:
        with pytest.raises(NemoVideoError) as refused:
            await run_batch(svc, shop(tmp_path), confirm_spend=True, roots=[tmp_path])
    assert refused.value.code == "out_of_credits" and refused.value.hint
    assert counts(nemo_double) == {"session": 0, "upload": 0, "run_sse": 0, "render_submit": 0}


async def test_jobs_rerun_runs_a_batch_and_variants_again_as_what_they_were(
    cloud_settings: Settings, nemo_double: NemoDouble, tmp_path: Path
) -> None:
    path = shop(tmp_path)
    agent_answers(nemo_double, 2)
    async with VideoService(cloud_settings) as svc:
        batch = await svc.wait((await start_batch(svc, path, confirm_spend=True, roots=[tmp_path])).id, 30)
        assert batch.status == "completed" and batch.result is not None and batch.result["rendered"] == 2
        rerun = await svc.wait((await svc.rerun(batch.id)).id, 30)
        nemo_double.set_state((await svc.session()).id, FINISHED)
        from nemo_video.service.variants import start_variants

        variants = await svc.wait((await start_variants(svc, "9:16,1:1", filename="v")).id, 30)
        again = await svc.wait((await svc.rerun(variants.id)).id, 30)
    assert rerun.status == "completed" and rerun.result is not None
    assert (rerun.result["rendered"], rerun.result["skipped"], rerun.result["invalid"]) == (0, 2, 1)
    assert nemo_double.count("run_sse") == 2
    assert again.status == "completed" and again.result is not None
    assert [v["variant"] for v in again.result["variants"]] == ["9:16", "1:1"]
    assert sorted(Path(f).name for f in again.result["files"]) == ["v-1x1-2.mp4", "v-9x16-2.mp4"]


def test_the_cli_says_the_cost_and_needs_yes(
    cloud_settings: Settings, nemo_double: NemoDouble, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = shop(tmp_path)
    env = cli_env(cloud_settings, nemo_double, tmp_path_factory.mktemp("home"))  # a home beside, not under, the batch
    refused = cli(["batch", str(path), "--json"], env)
    assert refused.returncode != 0
    assert "line 4 (hat): the media file hat.jpg does not exist" in refused.stderr
    assert "sends 2 request(s) to the NemoVideo cloud agent" in refused.stderr
    assert "credits available: 100" in refused.stderr
    assert json.loads(refused.stdout)["error"]["code"] == "consent_required"
    assert nemo_double.count("run_sse") == 0

    agent_answers(nemo_double, 2)
    done = cli(["batch", str(path), "--json", "--yes"], env)
    out = json.loads(done.stdout)
    assert (out.get("rendered"), out.get("invalid")) == (2, 1), (out, done.stderr)
    assert nemo_double.count("run_sse") == 2

    # jobs --rerun runs the batch again as a batch: every row done, nothing to send, so no --yes needed
    rerun = cli(["jobs", out["job_id"], "--rerun", "--json"], env)
    again = json.loads(rerun.stdout)
    assert again.get("status") == "completed", (again, rerun.stderr)
    assert (again["result"]["rendered"], again["result"]["skipped"]) == (0, 2)
    assert nemo_double.count("run_sse") == 2 and nemo_double.count("render_submit") == 3


def cli_env(settings: Settings, double: NemoDouble, home: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "NEMO_BACKEND": "cloud",
        "NEMO_API_URL": double.url,
        "NEMO_DATA_DIR": str(settings.data_dir),
        "NEMO_OUTPUT_DIR": str(settings.output_dir),
        "NEMO_CONFIG_DIR": str(settings.config_dir),
        "NEMO_RENDER_POLL_SECONDS": "0.01",
        "HOME": str(home),
    }
    env.pop("NEMO_RAY_ADDRESS", None)
    return env


def cli(args: list[str], env: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nemo_video.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


async def test_batch_videos_and_export_variants_over_mcp_on_the_cloud(
    cloud_settings: Settings, nemo_double: NemoDouble, tmp_path: Path
) -> None:
    from mcp import Client
    from tests.mcp.conftest import serving
    from tests.mcp.test_local_session import finish

    path = shop(tmp_path)
    async with serving(cloud_settings) as (svc, server), Client(server) as client:
        refused = await client.call_tool("batch_videos", {"file": str(path)})
        assert refused.is_error and "consent_required" in refused.content[0].text  # type: ignore[union-attr]
        assert nemo_double.count("run_sse") == 0
        agent_answers(nemo_double, 2)
        made = await finish(client, await client.call_tool("batch_videos", {"file": str(path), "confirm_spend": True}))
        nemo_double.set_state((await svc.session()).id, FINISHED)
        variants = await finish(
            client, await client.call_tool("export_video", {"variants": ["9:16", "4:5"], "filename": "promo"})
        )
    batch = made["many"]
    assert (batch["rendered"], batch["invalid"], batch["requests_sent"]) == (2, 1, 2)
    assert batch["credits_before"]["available"] == 100
    assert [v["variant"] for v in variants["many"]["variants"]] == ["9:16", "4:5"]
    assert all(Path(f).is_file() for f in variants["many"]["files"])
    assert nemo_double.count("run_sse") == 2  # the variants sent nothing to the agent
