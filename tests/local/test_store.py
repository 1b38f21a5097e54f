"""The SQLite store: sessions, draft versions with undo, media rows, jobs, restarts, concurrency."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import anyio
import pytest

from nemo_video.backends.local.store import SCHEMA_VERSION, Store
from nemo_video.config import Settings
from nemo_video.draft import Draft
from nemo_video.errors import ErrorCode, NemoVideoError


def draft_titled(title: str, seconds: int = 4) -> Draft:
    wire = {
        "d": seconds * 1000,
        "m": {"title": title, "width": 1920, "height": 1080, "fps": 30},
        "t": [{"id": "track_video", "tt": 0, "sg": [{"type": "background", "start": 0, "d": seconds * 1000}]}],
    }
    draft = Draft.from_wire(wire)
    assert draft is not None
    return draft


def title_of(draft: Draft | None) -> str | None:
    return draft.meta.title if draft is not None and draft.meta is not None else None


async def test_schema_version_and_wal(store: Store) -> None:
    db = sqlite3.connect(store.path)
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        db.close()


async def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(NemoVideoError) as err:
        await Store.open(path)
    assert "newer" in err.value.message


async def test_unknown_session_and_job(store: Store) -> None:
    with pytest.raises(NemoVideoError) as err:
        await store.get_session("nope")
    assert err.value.code == ErrorCode.UNKNOWN_SESSION
    with pytest.raises(NemoVideoError) as err:
        await store.get_job("nope")
    assert err.value.code == ErrorCode.UNKNOWN_JOB


async def test_every_edit_is_a_new_version(store: Store) -> None:
    assert (await store.current_draft("s1")).version == 0
    v1 = await store.save_draft("s1", draft_titled("One"), "make one")
    v2 = await store.save_draft("s1", draft_titled("Two"), "call it two")
    assert (v1.version, v2.version) == (1, 2)
    current = await store.current_draft("s1")
    assert current.version == 2 and title_of(current.draft) == "Two" and current.message == "call it two"
    history = await store.draft_history("s1")
    assert [title_of(v.draft) for v in history] == ["One", "Two"]


async def test_draft_round_trips_wire_exactly(store: Store) -> None:
    draft = draft_titled("标题 ✓")
    await store.save_draft("s1", draft, "x")
    loaded = (await store.current_draft("s1")).draft
    assert loaded is not None and loaded.to_wire() == draft.to_wire()


async def test_undo_restores_previous_as_new_version_and_redo_brings_it_back(store: Store) -> None:
    await store.save_draft("s1", draft_titled("A"), "a")
    await store.save_draft("s1", draft_titled("B"), "b")
    undone = await store.undo("s1")
    assert undone is not None and undone.version == 3 and title_of(undone.draft) == "A"
    assert await store.redo("s1", "again") is not None
    redone = await store.current_draft("s1")
    assert redone.version == 4 and title_of(redone.draft) == "B"
    assert [title_of(v.draft) for v in await store.draft_history("s1")] == ["A", "B", "A", "B"]
    assert await store.redo("s1") is None  # nothing undone any more


async def test_undo_walks_back_step_by_step_and_an_edit_clears_redo(store: Store) -> None:
    for title in ("A", "B", "C"):
        await store.save_draft("s1", draft_titled(title), title)
    await store.undo("s1")
    second = await store.undo("s1")
    assert second is not None and title_of(second.draft) == "A"
    assert title_of((await store.redo("s1") or second).draft) == "B"
    await store.save_draft("s1", draft_titled("D"), "d")
    assert await store.redo("s1") is None
    back = await store.undo("s1")
    assert back is not None and title_of(back.draft) == "B"


async def test_undo_of_first_version_empties_and_nothing_before_that(store: Store) -> None:
    assert await store.undo("s1") is None
    await store.save_draft("s1", draft_titled("A"), "a")
    emptied = await store.undo("s1")
    assert emptied is not None and emptied.draft is None and emptied.version == 2


async def test_undo_is_per_session(store: Store) -> None:
    await store.create_session("s2", "zh")
    await store.save_draft("s1", draft_titled("A"), "a")
    await store.save_draft("s2", draft_titled("X"), "x")
    await store.save_draft("s2", draft_titled("Y"), "y")
    await store.undo("s2")
    assert title_of((await store.current_draft("s1")).draft) == "A"
    assert title_of((await store.current_draft("s2")).draft) == "X"


async def test_media_rows_keep_order_and_dedupe_by_hash(store: Store, tmp_path: Path) -> None:
    first, created = await store.add_media(
        "s1",
        name="a.jpg",
        kind="image",
        path=tmp_path / "a.jpg",
        sha256="a" * 64,
        size=10,
        facts={"width": 64, "height": 48, "ignored": 1},
    )
    second, _ = await store.add_media(
        "s1",
        name="b.mp4",
        kind="video",
        path=tmp_path / "b.mp4",
        sha256="b" * 64,
        size=20,
        facts={"width": 64, "height": 48, "duration_s": 1.0, "fps": 10.0, "has_audio": True},
    )
    again, created_again = await store.add_media(
        "s1",
        name="copy-of-a.jpg",
        kind="image",
        path=tmp_path / "a.jpg",
        sha256="a" * 64,
        size=10,
        facts={},
    )
    assert created and not created_again and again == first
    listed = await store.list_media("s1")
    assert [a.name for a in listed] == ["a.jpg", "b.mp4"]
    assert listed[1].duration_s == 1.0 and listed[1].has_audio is True and listed[0].width == 64
    assert second.src == str(tmp_path / "b.mp4")
    assert await store.media_path_used(tmp_path / "a.jpg")
    assert not await store.media_path_used(tmp_path / "zzz.jpg")


async def test_jobs_record_progress_result_and_error(store: Store) -> None:
    job = await store.create_job("j1", "s1", "render", request={"height": 180})
    assert job.status == "pending" and job.request == {"height": 180} and job.result is None
    await store.update_job("j1", status="processing", progress=0.5, message="half")
    mid = await store.get_job("j1")
    assert (mid.status, mid.progress, mid.message) == ("processing", 0.5, "half")
    await store.update_job("j1", status="failed", error={"code": "render_failed", "message": "boom"})
    done = await store.get_job("j1")
    assert done.status == "failed" and done.error == {"code": "render_failed", "message": "boom"}
    assert done.progress == 0.5 and done.updated_at >= done.created_at
    assert [j.id for j in await store.list_jobs("s1")] == ["j1"]


async def test_everything_survives_reopening(settings: Settings) -> None:
    path = settings.data_dir / "studio.sqlite3"
    first = await Store.open(path)
    await first.create_session("keep", "zh")
    await first.save_draft("keep", draft_titled("Persist"), "p")
    await first.create_job("job", "keep", "render", status="processing")
    await first.aclose()
    second = await Store.open(path)
    try:
        assert (await second.get_session("keep")).language == "zh"
        current = await second.current_draft("keep")
        assert current.version == 1 and title_of(current.draft) == "Persist"
        assert (await second.get_job("job")).status == "processing"
    finally:
        await second.aclose()


async def test_concurrent_edits_to_one_session_get_distinct_versions(store: Store) -> None:
    async def edit(n: int) -> None:
        await store.save_draft("s1", draft_titled(f"T{n}"), f"edit {n}")
        await store.current_draft("s1")

    async with anyio.create_task_group() as tg:
        for n in range(40):
            tg.start_soon(edit, n)
    history = await store.draft_history("s1")
    assert [v.version for v in history] == list(range(1, 41))
    assert sorted(title_of(v.draft) or "" for v in history) == sorted(f"T{n}" for n in range(40))


async def test_concurrent_media_adds_of_same_content_make_one_row(store: Store, tmp_path: Path) -> None:
    async def add(n: int) -> str:
        asset, _ = await store.add_media(
            "s1",
            name=f"{n}.jpg",
            kind="image",
            path=tmp_path / "x.jpg",
            sha256="c" * 64,
            size=1,
            facts={},
        )
        return asset.id

    ids: list[str] = []

    async def collect(n: int) -> None:
        ids.append(await add(n))

    async with anyio.create_task_group() as tg:
        for n in range(20):
            tg.start_soon(collect, n)
    assert len(set(ids)) == 1 and len(await store.list_media("s1")) == 1
