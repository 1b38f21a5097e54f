"""The whole cloud path over real sockets (issue 2, "Done when")."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from nemo_video.backends.base import RenderRequest
from nemo_video.backends.cloud import CloudBackend
from nemo_video.backends.events import Closed, Heartbeat, Text, ToolCall, ToolResult
from tests.conftest import fixture_json
from tests.double import NemoDouble, sse


def _images(folder: Path) -> list[Path]:
    paths = []
    for name, colour in (("beach.jpg", "orange"), ("palms.png", "green"), ("pier.webp", "purple")):
        path = folder / name
        Image.new("RGB", (64, 36), colour).save(path)
        paths.append(path)
    return paths


async def test_token_session_upload_chat_state_export_download(
    backend: CloudBackend, nemo_double: NemoDouble, tmp_path: Path
) -> None:
    session = await backend.open_session("en")
    assert session.backend == "cloud" and session.id in nemo_double.sessions

    assets = await backend.upload(session, _images(tmp_path))
    assert [a.name for a in assets] == ["beach.jpg", "palms.png", "pier.webp"]
    assert [a.kind for a in assets] == ["image"] * 3
    assert assets[0].width == 64 and assets[0].src.startswith(nemo_double.url)
    upload = nemo_double.calls("upload")
    assert len(upload) == 1 and upload[0].body.count(b'name="files"') == 3

    finished = fixture_json("state_latest.json")["data"]["state"]
    nemo_double.script_sse(
        [
            sse.text("Making your slideshow now."),
            sse.tool_call("edit_multitrack", {"op": "slideshow"}),
            sse.heartbeat("comment"),
            sse.heartbeat("empty"),
            sse.tool_result("edit_multitrack", {"status": "success"}),
            sse.text("Done: 3 photos, music, title."),
        ],
        state_after=finished,
    )
    events = [e async for e in backend.send(session, "Make a 10 second slideshow with a title")]
    kinds = [type(e) for e in events]
    assert kinds == [Text, ToolCall, Heartbeat, ToolResult, Text, Closed]
    assert events[-1] == Closed("end")
    assert nemo_double.count("run_sse") == 1
    sent = nemo_double.calls("run_sse")[0].json()
    assert sent["new_message"] == {"parts": [{"text": "Make a 10 second slideshow with a title"}]}
    assert sent["session_id"] == session.id and sent["user_id"] == "me"

    state = await backend.state(session)
    assert state.summary.startswith("Timeline (3 tracks): 1. Video:")
    assert 'Title: "Golden Hour" (0-3s)' in state.summary

    assert state.draft is not None
    seen: list[float] = []
    out = await backend.render(
        session, state.draft, RenderRequest(destination=tmp_path / "out" / "v.mp4"), lambda f, _m: seen.append(f)
    )
    submitted = nemo_double.calls("render_submit")[0].json()
    assert submitted["draft"] == finished["draft"]  # passed through exactly as received
    assert submitted["sessionId"] == session.id and submitted["output"] == {
        "format": "mp4",
        "quality": "high",
    }
    assert nemo_double.count("render_status") == 2  # processing (50%), then completed
    assert out.path.read_bytes() == nemo_double.mp4
    assert out.size_bytes == len(nemo_double.mp4) and out.duration_s is not None and out.width == 160
    assert seen and seen[-1] == 1.0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["v.mp4"]  # no temp file left
    assert nemo_double.count("token") == 1  # one token for the whole path
