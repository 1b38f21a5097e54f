"""The in-process farm in the product: its settings, chunking when asked, and the one render slot it
shares with the local backend's plain exports."""

from __future__ import annotations

from pathlib import Path

import anyio
import pytest

from nemo_video.backends.base import RenderRequest
from nemo_video.backends.local import LocalBackend
from nemo_video.config import Settings, chunk_threshold
from nemo_video.errors import ErrorCode, NemoVideoError
from nemo_video.render_farm import FarmTask, LocalFarm, create_farm
from tests.render.builders import draft, image_segment, synth


@pytest.mark.parametrize(
    ("env", "in_process", "on_ray"),
    [
        ({}, None, 60.0),  # nobody opted in: nothing changes in-process
        ({"NEMO_CHUNK_SECONDS": "90"}, 90.0, 90.0),
        ({"NEMO_CHUNK_SECONDS": "0"}, None, None),
        ({"NEMO_CHUNK_SECONDS": "off"}, None, None),
    ],
)
def test_chunk_threshold_from_the_environment(
    env: dict[str, str], in_process: float | None, on_ray: float | None, tmp_path: Path
) -> None:
    settings = Settings.from_env(env, home=tmp_path)
    assert chunk_threshold(settings, on_ray=False) == in_process
    assert chunk_threshold(settings, on_ray=True) == on_ray
    assert LocalFarm(settings).chunk_threshold_s == in_process


@pytest.mark.parametrize("raw", ["-5", "soon", "nan"])
def test_a_bad_chunk_length_is_refused_with_its_name(raw: str, tmp_path: Path) -> None:
    with pytest.raises(NemoVideoError) as caught:
        Settings.from_env({"NEMO_CHUNK_SECONDS": raw}, home=tmp_path)
    assert caught.value.code == ErrorCode.INVALID_SETTING and "NEMO_CHUNK_SECONDS" in caught.value.message
    assert caught.value.hint and "off" in caught.value.hint


def test_without_a_ray_address_the_farm_is_in_process(tmp_path: Path) -> None:
    settings = Settings.from_env({"NEMO_RAY_ADDRESS": "  "}, home=tmp_path)
    assert settings.ray_address == "" and isinstance(create_farm(settings), LocalFarm)
    assert Settings.from_env({"NEMO_RAY_ADDRESS": "auto"}, home=tmp_path).ray_address == "auto"


def four_scenes(photos: list[Path]) -> dict[str, object]:
    sizes = ((480, 320), (320, 480))  # the photos fixture: red is landscape, blue portrait
    visuals = [image_segment(photos[i % 2], 1000, transition="cut", size=sizes[i % 2]) for i in range(4)]
    return draft(visuals, music=synth()).to_wire()


async def test_a_long_export_is_chunked_in_process_when_asked(
    settings: Settings, photos: list[Path], tmp_path: Path
) -> None:
    farm = LocalFarm(settings.with_(chunk_seconds=2.0))
    progress: list[str] = []
    out = await farm.render(
        FarmTask(draft=four_scenes(photos), destination=tmp_path / "long.mp4", height=120),
        on_progress=lambda f, m: progress.append(m),
    )
    assert any(m.endswith("pieces rendered") for m in progress) and progress[-1].endswith("to long.mp4")
    assert "chunks" in progress[-1]
    assert out.duration_s is not None and abs(out.duration_s - 4.0) < 0.05
    plain: list[str] = []
    await LocalFarm(settings).render(  # not asked: rendered whole, as before
        FarmTask(draft=four_scenes(photos), destination=tmp_path / "whole.mp4", height=120),
        on_progress=lambda f, m: plain.append(m),
    )
    assert not any("pieces" in m or "chunks" in m for m in plain)


async def test_a_plain_export_and_a_farm_render_take_turns_in_the_one_slot(
    settings: Settings, photos: list[Path], tmp_path: Path
) -> None:
    backend = LocalBackend(settings)
    try:
        session = await backend.open_session()
        await backend.upload(session, photos)
        [_ async for _ in backend.send(session, "a 3-second video")]
        state = await backend.state(session)
        assert state.draft is not None
        events: list[tuple[str, float]] = []
        request = RenderRequest(destination=tmp_path / "plain.mp4", height=120, quality="draft")
        task = FarmTask(draft=four_scenes(photos), destination=tmp_path / "row.mp4", height=120, quality="draft")
        async with anyio.create_task_group() as tg:
            tg.start_soon(backend.render, session, state.draft, request, lambda f, m: events.append(("plain", f)))
            tg.start_soon(LocalFarm(settings).render, task, lambda f, m: events.append(("farm", f)))
    finally:
        await backend.aclose()
    working = [who for who, fraction in events if fraction > 0]  # ffmpeg running (or done)
    first = working[0]
    switch = working.index("farm" if first == "plain" else "plain")
    assert set(working[:switch]) == {first} and first not in working[switch:], working
    assert (tmp_path / "plain.mp4").is_file() and (tmp_path / "row.mp4").is_file()


async def test_a_piece_that_fails_fails_the_export_as_itself_and_leaves_nothing(
    settings: Settings, photos: list[Path], tmp_path: Path
) -> None:
    from nemo_video.backends.local.render import RenderPlan
    from nemo_video.draft import Draft
    from nemo_video.media import locate
    from nemo_video.render_farm.chunks import Piece, encode_piece, render_chunked

    async def second_piece_fails(plan: RenderPlan, piece: Piece | None, out: Path) -> None:
        if piece is not None and piece.first > 0:
            raise NemoVideoError(ErrorCode.RENDER_FAILED, "the worker's disk is full", hint="free some space")
        await encode_piece(plan, piece, locate(settings), out, 60)

    d = Draft.from_wire(four_scenes(photos))
    assert d is not None
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(NemoVideoError) as caught:  # not an ExceptionGroup: the service shows it as is
        await render_chunked(
            d, RenderRequest(destination=out / "long.mp4", height=120), settings, chunks=2, encoder=second_piece_fails
        )
    assert caught.value.message == "the worker's disk is full"
    assert list(out.iterdir()) == []
