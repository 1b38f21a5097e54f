"""Sessions, state parsing and lost sessions (1002 / stock-ADK 404)."""

from __future__ import annotations

import json
from collections.abc import Awaitable
from pathlib import Path

import pytest

from nemo_video.backends.base import Session
from nemo_video.backends.cloud import CloudBackend
from nemo_video.errors import ErrorCode, NemoVideoError
from tests.cloud.conftest import collect
from tests.conftest import fixture_json
from tests.double import NemoDouble

LATEST = fixture_json("state_latest.json")["data"]["state"]


async def test_session_is_created_with_the_language(backend: CloudBackend, nemo_double: NemoDouble) -> None:
    session = await backend.open_session("zh-CN")
    assert session == Session(id=session.id, backend="cloud", language="zh-CN", created_at=session.created_at)
    assert nemo_double.calls("session")[0].json() == {"task_name": "project", "language": "zh-CN"}


async def test_state_maps_draft_media_and_generated_media(backend: CloudBackend, nemo_double: NemoDouble) -> None:
    session = await backend.open_session()
    nemo_double.set_state(session.id, LATEST)
    state = await backend.state(session)
    assert state.draft is not None and state.draft.to_wire() == LATEST["draft"]
    assert [m.name for m in state.media] == ["beach_sunrise.jpg", "palm_trees.png", "sunset_pier.webp"]
    assert state.media[0].width == 4032 and state.media[0].kind == "image"
    assert state.generated_media == LATEST["generated_media"]


@pytest.mark.parametrize("empty", ["{}", "null", "absent", "string"])
async def test_empty_draft_in_any_encoding(backend: CloudBackend, nemo_double: NemoDouble, empty: str) -> None:
    session = await backend.open_session()
    state = dict(LATEST)
    if empty == "absent":
        del state["draft"]
    else:
        state["draft"] = {"{}": {}, "null": None, "string": ""}[empty]
    nemo_double.set_state(session.id, state)
    assert (await backend.state(session)).draft is None


async def test_draft_as_a_json_string(backend: CloudBackend, nemo_double: NemoDouble) -> None:
    session = await backend.open_session()
    nemo_double.set_state(session.id, {**LATEST, "draft": json.dumps(LATEST["draft"])})
    state = await backend.state(session)
    assert state.draft is not None and len(state.draft.tracks) == 3


async def _lost(backend: CloudBackend, action: Awaitable[object]) -> NemoVideoError:
    with pytest.raises(NemoVideoError) as caught:
        await action
    return caught.value


async def test_1002_on_state_opens_a_new_session_and_says_the_timeline_is_gone(
    backend: CloudBackend, nemo_double: NemoDouble
) -> None:
    session = await backend.open_session("ja")
    nemo_double.drop_session(session.id)
    error = await _lost(backend, backend.state(session))
    assert error.code == ErrorCode.SESSION_NOT_FOUND
    new_id = error.details["new_session_id"]
    assert new_id != session.id and new_id in nemo_double.sessions
    assert "timeline is gone" in error.message and session.id in error.message
    assert nemo_double.calls("session")[-1].json()["language"] == "ja"


async def test_injected_1002_on_upload(backend: CloudBackend, nemo_double: NemoDouble, tmp_path: Path) -> None:
    session = await backend.open_session()
    (tmp_path / "a.png").write_bytes(b"png")
    nemo_double.fail_next("upload", 1002)
    error = await _lost(backend, backend.upload(session, [tmp_path / "a.png"]))
    assert error.code == ErrorCode.SESSION_NOT_FOUND and error.details["new_session_id"] in nemo_double.sessions


@pytest.mark.parametrize("style", ["404", "1002"])
async def test_lost_session_on_run_sse_is_replaced_and_the_message_not_resent(
    backend: CloudBackend, nemo_double: NemoDouble, style: str
) -> None:
    session = await backend.open_session()
    nemo_double.missing_session = style  # type: ignore[assignment]
    nemo_double.fail_next("run_sse", 404 if style == "404" else 1002)
    with pytest.raises(NemoVideoError) as caught:
        await collect(backend, session, "make a video")
    error = caught.value
    assert error.code == ErrorCode.SESSION_NOT_FOUND and "new_session_id" in error.details
    assert nemo_double.count("run_sse") == 1
    assert nemo_double.count("session") == 2


async def test_credits(backend: CloudBackend, nemo_double: NemoDouble) -> None:
    nemo_double.credits.update(fixture_json("credits_in_progress.json")["data"])
    credits = await backend.credits()
    assert (credits.available, credits.frozen, credits.total) == (50, 50, 100)
