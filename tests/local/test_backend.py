"""LocalBackend end to end: sessions, upload, the agent's events, state, renders as one call, restarts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import anyio
import pytest

from nemo_video.backends.base import Backend, RenderOutput, RenderRequest, Session
from nemo_video.backends.events import Closed, Text, ToolCall, ToolResult
from nemo_video.backends.local import LocalBackend
from nemo_video.backends.local.store import Store
from nemo_video.config import Settings
from nemo_video.draft import Draft
from nemo_video.errors import ErrorCode, NemoVideoError
from tests.reliability.helpers import ffmpeg_children

from .conftest import make_image, stored_files

COLORS = ((220, 60, 60), (60, 160, 90), (50, 90, 200))


@pytest.fixture
async def backend(settings: Settings) -> LocalBackend:
    made = LocalBackend(settings)
    yield made  # type: ignore[misc]
    await made.aclose()


@pytest.fixture
def photos(tmp_path: Path) -> list[Path]:
    return [make_image(tmp_path / f"photo{i}.jpg", color, (320, 240)) for i, color in enumerate(COLORS, 1)]


def test_is_a_backend(settings: Settings) -> None:
    backend = LocalBackend(settings)
    assert isinstance(backend, Backend) and backend.name == "local"
    assert not settings.data_dir.exists()  # constructing touches nothing


async def test_credits_are_free_with_no_made_up_balance(backend: LocalBackend) -> None:
    credits = await backend.credits()
    assert credits.unlimited and credits.available is None and credits.total is None
    assert "free" in credits.note and "no credits" in credits.note


async def test_words_and_photos_to_a_video_and_a_restart(
    backend: LocalBackend, settings: Settings, photos: list[Path], tmp_path: Path
) -> None:
    session = await backend.open_session("en")
    assets = await backend.upload(session, photos)
    assert [a.kind for a in assets] == ["image"] * 3

    events = [e async for e in backend.send(session, "a 4-second video with the title 'Hi'")]
    assert isinstance(events[0], ToolCall) and isinstance(events[-1], Closed) and events[-1].reason == "end"
    assert isinstance(events[-2], Text) and events[-2].text.strip()
    calls = [e for e in events if isinstance(e, ToolCall)]
    results = [e for e in events if isinstance(e, ToolResult)]
    assert len(calls) == len(results) >= 1
    assert [c.call_id for c in calls] == [r.call_id for r in results]

    state = await backend.state(session)
    assert state.version == 1 and state.draft is not None and len(state.media) == 3
    assert state.draft.total_ms() == 4000
    assert "Hi" in state.summary

    target = tmp_path / "renders" / "hi.mp4"
    seen: list[float] = []
    ids: list[str] = []
    output = await backend.render(
        session, state.draft, RenderRequest(destination=target, height=180), lambda f, _m: seen.append(f), ids.append
    )
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(ids) == 1 and ids[0].startswith("render-")
    assert output.path == target and target.stat().st_size > 1000
    assert output.height == 180 and output.poster is not None and output.poster.exists()
    assert output.poster.parent == target.parent  # the poster travels with the video
    assert output.contact_sheet is not None and output.contact_sheet.parent == target.parent
    assert sorted(p.name for p in target.parent.iterdir()) == ["hi.contact.jpg", "hi.mp4", "hi.poster.jpg"]
    assert output.duration_s is not None and abs(output.duration_s - 4.0) < 0.1

    again = LocalBackend(settings)  # a restart: same data dir, new process state
    try:
        restored = await again.state(session)
        assert restored.version == 1 and restored.draft is not None
        assert restored.draft.to_wire() == state.draft.to_wire()
        assert [a.id for a in restored.media] == [a.id for a in assets]
    finally:
        await again.aclose()


async def test_resuming_a_local_render_reports_it_interrupted(settings: Settings, tmp_path: Path) -> None:
    target = tmp_path / "x.mp4"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    leftover = tmp_path / f".x.{dead.pid}.0a1b2c3d.partial.mp4"  # what a killed process leaves
    leftover.write_bytes(b"half a video")
    restarted = LocalBackend(settings)
    try:
        with pytest.raises(NemoVideoError) as err:
            await restarted.resume("render-killed", RenderRequest(destination=target))
    finally:
        await restarted.aclose()
    assert err.value.code == ErrorCode.RENDER_INTERRUPTED and "export_video" in err.value.hint
    assert list(tmp_path.iterdir()) == []


async def test_resuming_waits_for_a_render_another_process_still_runs(backend: LocalBackend, tmp_path: Path) -> None:
    target = tmp_path / "shared.mp4"
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        partial = tmp_path / f".shared.{other.pid}.0a1b2c3d.partial.mp4"  # that process is writing it
        partial.write_bytes(b"in progress")
        outcome: list[object] = []

        async def resume() -> None:
            outcome.append(await backend.resume("render-elsewhere", RenderRequest(destination=target)))

        async with anyio.create_task_group() as tg:
            tg.start_soon(resume)
            await anyio.sleep(0.6)
            assert outcome == []  # still waiting: the other process is alive and writing
            partial.rename(target)  # it finishes: the file is renamed into place
    finally:
        other.kill()
        other.wait()
    (output,) = outcome
    assert isinstance(output, RenderOutput) and output.path == target and output.size_bytes == len(b"in progress")


async def _draft_of(backend: LocalBackend, photos: list[Path], words: str) -> tuple[Session, Draft]:
    session = await backend.open_session()
    await backend.upload(session, photos)
    [_ async for _ in backend.send(session, words)]
    draft = (await backend.state(session)).draft
    assert draft is not None
    return session, draft


@pytest.mark.parametrize("after_s", [0.0, 0.3, 0.8])
async def test_cancelling_the_call_kills_ffmpeg_and_leaves_no_file(
    backend: LocalBackend, photos: list[Path], tmp_path: Path, after_s: float
) -> None:
    import os

    session, draft = await _draft_of(backend, photos, "a 30-second video")  # long enough to outlast 0.8 s
    target = tmp_path / "out" / "cancelled.mp4"
    finished: list[Path] = []
    async with anyio.create_task_group() as tg:

        async def render() -> None:
            out = await backend.render(session, draft, RenderRequest(destination=target, height=180))
            finished.append(out.path)

        tg.start_soon(render)
        await anyio.sleep(after_s)
        tg.cancel_scope.cancel()
    assert finished == []
    assert ffmpeg_children(os.getpid()) == []  # the cancelled call has stopped ffmpeg by the time it ends
    assert not target.exists()
    leftovers = list(target.parent.iterdir()) if target.parent.exists() else []
    assert leftovers == []


async def test_renders_queue_one_at_a_time_and_both_finish(
    backend: LocalBackend, photos: list[Path], tmp_path: Path
) -> None:
    session, draft = await _draft_of(backend, photos[:1], "a 2-second video")
    running: list[int] = []
    most = 0
    finished: list[Path] = []

    async def render(n: int) -> None:
        nonlocal most

        def on_progress(fraction: float, message: str) -> None:
            nonlocal most
            if message.startswith("Rendering") and n not in running:
                running.append(n)
                most = max(most, len(running))

        out = await backend.render(
            session, draft, RenderRequest(destination=tmp_path / f"{n}.mp4", height=120), on_progress
        )
        if n in running:
            running.remove(n)
        finished.append(out.path)

    async with anyio.create_task_group() as tg:
        for n in (1, 2):
            tg.start_soon(render, n)
    assert most == 1
    assert sorted(p.name for p in finished) == ["1.mp4", "2.mp4"]
    assert (tmp_path / "1.mp4").is_file() and (tmp_path / "2.mp4").is_file()


async def test_undo_goes_back_a_version_and_undo_again_goes_back_further(
    backend: LocalBackend, photos: list[Path]
) -> None:
    session = await backend.open_session()
    await backend.upload(session, photos)
    [_ async for _ in backend.send(session, "a 10-second video")]
    [_ async for _ in backend.send(session, "make it 5 seconds")]
    assert (await backend.state(session)).draft.total_ms() == 5000  # type: ignore[union-attr]
    [_ async for _ in backend.send(session, "undo")]
    state = await backend.state(session)
    assert state.version == 3 and state.draft is not None and state.draft.total_ms() == 10000
    [_ async for _ in backend.send(session, "undo")]
    assert (await backend.state(session)).draft is None  # before the first video


async def test_redo_walks_forward_again(backend: LocalBackend, photos: list[Path]) -> None:
    session = await backend.open_session()
    await backend.upload(session, photos)
    [_ async for _ in backend.send(session, "a 10-second video")]
    [_ async for _ in backend.send(session, "make it 5 seconds")]
    [_ async for _ in backend.send(session, "undo")]
    assert (await backend.state(session)).draft.total_ms() == 10000  # type: ignore[union-attr]
    [_ async for _ in backend.send(session, "redo")]
    assert (await backend.state(session)).draft.total_ms() == 5000  # type: ignore[union-attr]
    events = [e async for e in backend.send(session, "redo")]
    texts = [e.text for e in events if isinstance(e, Text)]
    assert texts and "nothing to redo" in texts[0].lower()
    assert (await backend.state(session)).draft.total_ms() == 5000  # type: ignore[union-attr]


async def test_undo_with_nothing_to_undo_says_so(backend: LocalBackend) -> None:
    session = await backend.open_session()
    events = [e async for e in backend.send(session, "undo")]
    texts = [e.text for e in events if isinstance(e, Text)]
    assert texts and "nothing to undo" in texts[0].lower()
    assert (await backend.state(session)).version == 0


async def test_concurrent_messages_to_one_session_do_not_interleave(
    backend: LocalBackend, settings: Settings, photos: list[Path]
) -> None:
    session = await backend.open_session()
    await backend.upload(session, photos)
    finished: list[int] = []

    async def talk(seconds: int) -> None:
        [_ async for _ in backend.send(session, f"a {seconds}-second video")]
        finished.append(seconds)

    async with anyio.create_task_group() as tg:
        for seconds in (5, 6, 7, 8, 9):
            tg.start_soon(talk, seconds)
    state = await backend.state(session)
    assert state.version == 5 and sorted(finished) == [5, 6, 7, 8, 9]
    history = await backend_history(settings, session.id)
    assert sorted(history) == [5000, 6000, 7000, 8000, 9000]  # every message saved, none lost
    assert state.draft is not None and state.draft.total_ms() == history[-1]


async def backend_history(settings: Settings, session_id: str) -> list[float]:
    reader = await Store.open(settings.data_dir / "studio.sqlite3")
    try:
        return [v.draft.total_ms() for v in await reader.draft_history(session_id) if v.draft is not None]
    finally:
        await reader.aclose()


async def test_unknown_session_job_and_nothing_to_export(backend: LocalBackend, tmp_path: Path) -> None:
    ghost = Session(id="local-ghost", backend="local")
    for call in (backend.state(ghost), backend.upload(ghost, [tmp_path / "a.jpg"])):
        with pytest.raises(NemoVideoError) as err:
            await call
        assert err.value.code == ErrorCode.UNKNOWN_SESSION
    with pytest.raises(NemoVideoError) as err:
        [_ async for _ in backend.send(ghost, "hello")]
    assert err.value.code == ErrorCode.UNKNOWN_SESSION
    session = await backend.open_session()
    request = RenderRequest(destination=tmp_path / "empty.mp4", height=180)
    with pytest.raises(NemoVideoError) as err:
        await backend.render(session, Draft(), request)
    assert err.value.code == ErrorCode.NOTHING_TO_EXPORT
    assert await backend.state(session) is not None and not (tmp_path / "empty.mp4").exists()


async def test_upload_refuses_bad_files_and_keeps_the_good_ones(
    backend: LocalBackend, settings: Settings, photos: list[Path], tmp_path: Path
) -> None:
    session = await backend.open_session()
    await backend.upload(session, photos[:1])
    before = stored_files(settings)
    (tmp_path / "fake.mp4").write_text("not a video")
    with pytest.raises(NemoVideoError) as err:
        await backend.upload(session, [tmp_path / "fake.mp4"])
    assert err.value.code == ErrorCode.UNSUPPORTED_MEDIA
    assert stored_files(settings) == before and len((await backend.state(session)).media) == 1


async def test_a_batch_with_one_bad_file_stores_none_of_its_new_files(
    backend: LocalBackend, photos: list[Path], tmp_path: Path, settings: Settings
) -> None:
    session = await backend.open_session()
    kept = await backend.upload(session, photos[:1])  # already there before the failing batch
    fake = tmp_path / "fake.jpg"
    fake.write_text("not a picture")
    media_dir = settings.data_dir / "media"
    before = sorted(p.name for p in media_dir.iterdir())
    with pytest.raises(NemoVideoError) as info:
        await backend.upload(session, [photos[1], photos[0], fake, photos[2]])
    assert info.value.code == ErrorCode.UNSUPPORTED_MEDIA
    assert (await backend.state(session)).media == kept
    assert sorted(p.name for p in media_dir.iterdir()) == before
    again = await backend.upload(session, photos[1:])
    assert [a.name for a in (await backend.state(session)).media] == [kept[0].name, *(a.name for a in again)]
