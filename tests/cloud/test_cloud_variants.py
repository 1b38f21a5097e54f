"""Variants on the cloud backend: one free render per format, each of a draft re-laid out for it."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from nemo_video.backends.cloud.media import assets_from_wire
from nemo_video.composition import defaults as D
from nemo_video.composition import from_draft
from nemo_video.composition.wire import text_center
from nemo_video.config import Settings
from nemo_video.draft import Draft
from nemo_video.service import VideoService
from nemo_video.service.variants import start_variants, variant_drafts
from tests.conftest import fixture_json
from tests.double import NemoDouble

ASPECTS = ["9:16", "1:1", "16:9"]


def unpinned_state() -> dict[str, Any]:
    """The contract's finished state, its title left for the layout to place and size."""
    state = copy.deepcopy(fixture_json("state_latest.json")["data"]["state"])
    for track in state["draft"]["t"]:
        for seg in track.get("sg", []):
            if seg.get("type") == "text":
                seg.pop("position", None)
                seg["style"].pop("font_size", None)
    return state


def texts(draft: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for t in draft["t"] for s in t.get("sg", []) if s.get("type") == "text"]


async def test_three_formats_render_on_the_cloud_each_from_its_own_layout(
    cloud_settings: Settings, nemo_double: NemoDouble
) -> None:
    state = unpinned_state()
    async with VideoService(cloud_settings) as svc:
        session = await svc.session()
        nemo_double.set_state(session.id, state)
        job = await start_variants(svc, ASPECTS, filename="ad")
        record = await svc.wait(job.id, 30)
    assert record.status == "completed", record.error
    result = record.result
    assert result is not None and result["failed"] == 0
    assert [v["variant"] for v in result["variants"]] == ASPECTS
    # free: no agent message, one render per format, all in the user's session
    assert nemo_double.count("run_sse") == 0 and nemo_double.count("session") == 1
    submitted = [r.json() for r in nemo_double.calls("render_submit")]
    assert len(submitted) == 3 and {s["sessionId"] for s in submitted} == {session.id}

    media = assets_from_wire(state["video_infos"])
    expected = variant_drafts(Draft.model_validate(Draft.from_wire(state["draft"])), media, ASPECTS)
    by_ratio = {s["draft"]["m"]["ratio"]: s["draft"] for s in submitted}
    assert sorted(by_ratio) == sorted(ASPECTS)
    positions = set()
    for aspect in ASPECTS:
        sent = by_ratio[aspect]
        assert sent == expected[aspect].to_wire()  # exactly the local path's re-layout
        w, h = (int(n) for n in aspect.split(":"))
        assert abs(sent["m"]["width"] / sent["m"]["height"] - w / h) < 0.01
        comp = from_draft(Draft.from_wire(sent), media)  # type: ignore[arg-type]
        left, top, right, bottom = D.SAFE_ZONES[comp.format.resolved_platform]
        for text in comp.all_texts():
            x, y = text_center(comp, text)
            assert left <= x <= right and top <= y <= bottom, (aspect, x, y)
        [title] = texts(sent)
        positions.add((title["position"]["y"], title["style"]["font_size"]))
    assert len(positions) >= 2  # the tall format places and sizes its title differently

    files = {v["variant"]: Path(v["path"]) for v in result["variants"]}
    for aspect, path in files.items():
        assert path.name == f"ad-{aspect.replace(':', 'x')}.mp4"
        assert path.read_bytes() == nemo_double.mp4  # downloaded whole
        assert Path(result["variants"][ASPECTS.index(aspect)]["poster"]).is_file()
    assert sorted(result["files"]) == sorted(str(p) for p in files.values())
    left = sorted(p.name for p in cloud_settings.output_dir.iterdir())
    assert left == sorted([*(p.name for p in files.values()), *(f"{p.stem}.poster.jpg" for p in files.values())])


async def test_a_failed_format_is_reported_and_the_others_are_saved(
    cloud_settings: Settings, nemo_double: NemoDouble
) -> None:
    nemo_double.render.fail_first = 3  # both first tries fail (they run at once), then one resubmission
    async with VideoService(cloud_settings) as svc:
        nemo_double.set_state((await svc.session()).id, unpinned_state())
        record = await svc.wait((await start_variants(svc, "9:16,16:9", filename="half")).id, 30)
    assert record.status == "completed", record.error
    assert record.result is not None and record.result["failed"] == 1
    statuses = sorted(v["status"] for v in record.result["variants"])
    assert statuses == ["completed", "failed"]
    failed = next(v for v in record.result["variants"] if v["status"] == "failed")
    assert failed["error"]["code"] == "render_failed" and failed["error"]["hint"]
    assert len(record.result["files"]) == 1 and Path(record.result["files"][0]).is_file()
    assert not [p for p in cloud_settings.output_dir.iterdir() if p.name.startswith(".")]  # no partial file
