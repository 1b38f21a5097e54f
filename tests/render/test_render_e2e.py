"""Real renders with the bundled ffmpeg at 320x180 (and one at 1920x1080), checked from the file."""

from __future__ import annotations

import hashlib
from pathlib import Path

import anyio
import pytest

from nemo_video.backends.base import RenderRequest
from nemo_video.backends.local.render import render_draft
from nemo_video.backends.local.render.poster import POSTER_MAX_BYTES
from nemo_video.config import Settings
from nemo_video.draft import Draft
from nemo_video.errors import ErrorCode, NemoVideoError
from nemo_video.media import moov_before_mdat, probe

from .builders import background, draft, image_segment, picture, synth, text_segment
from .media import ffmpeg, frame, ink, mean_volume_db

TITLE_BOX = (20, 60, 300, 120)  # where a centred title sits in a 320x180 frame


def _pictures(folder: Path) -> list[Path]:
    return [
        picture(folder, "a.jpg", (180, 40, 40)),
        picture(folder, "b.png", (40, 140, 60)),
        picture(folder, "c.jpg", (30, 60, 190)),
    ]


def _slideshow(folder: Path, *, title: str | None = "Summer Sale", music: bool = True, ms: int = 1000) -> Draft:
    a, b, c = _pictures(folder)
    visuals = [
        image_segment(a, ms, direction="in"),
        image_segment(b, ms, direction="left", transition="wipeleft"),
        image_segment(c, ms, direction="out"),
    ]
    texts = [text_segment(title, 0, 3000, y=0.5, size=160)] if title else []
    return draft(visuals, texts=texts, music=synth() if music else None)


async def _render(d: Draft, settings: Settings, name: str, **kw: object) -> tuple[Path, object]:
    dest = settings.output_dir / name
    request = RenderRequest(destination=dest, height=kw.pop("height", 180), **kw)  # type: ignore[arg-type]
    return dest, await render_draft(d, request, settings)


async def test_mp4_has_the_promised_shape_audio_fade_and_stills(settings: Settings, tmp_path: Path) -> None:
    seen: list[float] = []
    dest = settings.output_dir / "promo.mp4"
    out = await render_draft(
        _slideshow(tmp_path),
        RenderRequest(destination=dest, height=180),
        settings,
        lambda f, _m: seen.append(f),
    )
    info = await probe(dest, ffmpeg())
    assert (info.video_codec, info.video_profile, info.pix_fmt) == ("h264", "High", "yuv420p")
    assert (info.color_range, info.color_space) == ("tv", "bt709")
    assert (info.width, info.height, info.fps) == (320, 180, 30)
    assert info.duration_s == pytest.approx(2.4, abs=1 / 30)
    assert (info.audio_codec, info.sample_rate, info.channels) == ("aac", 48000, "stereo")
    assert moov_before_mdat(dest)
    assert out.path == dest and out.size_bytes == dest.stat().st_size and out.duration_s == info.duration_s
    assert out.poster and out.poster.stat().st_size < POSTER_MAX_BYTES and out.poster.name == "promo.poster.jpg"
    assert out.contact_sheet and out.contact_sheet.stat().st_size > 1000
    assert seen == sorted(seen) and seen[-1] == 1.0
    assert mean_volume_db(dest, 2.1, 0.3) < mean_volume_db(dest, 0.9, 0.6) - 6  # music fades out
    assert sorted(p.name for p in settings.output_dir.iterdir()) == [
        "promo.contact.jpg",
        "promo.mp4",
        "promo.poster.jpg",
    ]  # no temporaries left


async def test_title_is_visible_and_same_draft_renders_the_same_bytes(settings: Settings, tmp_path: Path) -> None:
    with_title, _ = await _render(_slideshow(tmp_path, music=False), settings, "t1.mp4")
    again, _ = await _render(_slideshow(tmp_path, music=False), settings, "t2.mp4")
    without, _ = await _render(_slideshow(tmp_path, title=None, music=False), settings, "n.mp4")
    assert hashlib.sha256(with_title.read_bytes()).digest() == hashlib.sha256(again.read_bytes()).digest()
    a, b = frame(with_title, 1.2, tmp_path / "a.png"), frame(without, 1.2, tmp_path / "b.png")
    assert ink(a, b, TITLE_BOX) > 300
    assert ink(a, b, (0, 0, 320, 20)) < 20  # and nowhere near the top edge (safe zone)


async def test_chinese_title_is_drawn_as_glyphs(settings: Settings, tmp_path: Path) -> None:
    # Missing glyphs are all the same box: two different Chinese titles would then look alike.
    first, _ = await _render(_slideshow(tmp_path, title="新品上市", music=False, ms=500), settings, "zh1.mp4")
    second, _ = await _render(_slideshow(tmp_path, title="立即购买", music=False, ms=500), settings, "zh2.mp4")
    plain, _ = await _render(_slideshow(tmp_path, title=None, music=False, ms=500), settings, "zh0.mp4")
    one, two, none = (frame(p, 0.6, tmp_path / f"{p.stem}.png") for p in (first, second, plain))
    assert ink(one, none, TITLE_BOX) > 200 and ink(two, none, TITLE_BOX) > 200
    assert ink(one, two, TITLE_BOX) > 150


async def test_text_only_vertical_video_on_generated_backgrounds(settings: Settings, tmp_path: Path) -> None:
    d = draft(
        [background(800), background(800, colors=("#000000", "#884400"))],
        width=1080,
        height=1920,
        texts=[text_segment("Words only", 0, 1500, y=0.4, size=120)],
    )
    dest, _ = await _render(d, settings, "words.mp4", height=320)
    info = await probe(dest, ffmpeg())
    assert (info.width, info.height) == (180, 320) and info.has_audio
    assert info.duration_s == pytest.approx(1.3, abs=1 / 30)


async def test_webm_and_gif(settings: Settings, tmp_path: Path) -> None:
    d = _slideshow(tmp_path, ms=500)
    webm, _ = await _render(d, settings, "clip.webm", format="webm", quality="draft")
    info = await probe(webm, ffmpeg())
    assert (info.video_codec, info.audio_codec, info.height) == ("vp9", "opus", 180)
    gif, out = await _render(d, settings, "clip.gif", format="gif", height=120)
    info = await probe(gif, ffmpeg())
    assert (info.video_codec, info.height, info.has_audio) == ("gif", 120, False)
    assert out.poster is not None and out.poster.is_file()  # type: ignore[attr-defined]


async def test_existing_output_is_never_overwritten_silently(settings: Settings, tmp_path: Path) -> None:
    dest = settings.output_dir / "keep.mp4"
    dest.parent.mkdir(parents=True)
    dest.write_bytes(b"precious")
    with pytest.raises(NemoVideoError) as info:
        await render_draft(_slideshow(tmp_path), RenderRequest(destination=dest, height=180), settings)
    assert info.value.code is ErrorCode.OUTPUT_EXISTS and dest.read_bytes() == b"precious"


async def test_cancellation_kills_ffmpeg_and_leaves_no_temporaries(settings: Settings, tmp_path: Path) -> None:
    d = _slideshow(tmp_path, ms=8000)
    started = anyio.Event()
    with anyio.move_on_after(30):
        async with anyio.create_task_group() as group:

            async def render() -> None:
                await render_draft(
                    d,
                    RenderRequest(destination=settings.output_dir / "x.mp4", height=180),
                    settings,
                    lambda f, _m: started.set() if f > 0 else None,
                )

            group.start_soon(render)
            await started.wait()
            group.cancel_scope.cancel()
    assert list(settings.output_dir.iterdir()) == []


async def test_ffmpeg_failure_and_timeout_are_reported(settings: Settings, tmp_path: Path) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8 not really a jpeg")
    d = draft([image_segment(broken, 1000)])
    with pytest.raises(NemoVideoError) as info:
        await _render(d, settings, "broken.mp4")
    # ffmpeg names the input it could not decode: the picture is blamed, not the render
    assert info.value.code is ErrorCode.MEDIA_DAMAGED and "broken.jpg" in info.value.message
    assert list(settings.output_dir.iterdir()) == []
    with pytest.raises(NemoVideoError) as info:
        await _render(_slideshow(tmp_path, ms=8000), settings.with_(render_timeout_s=0.2), "slow.mp4")
    assert info.value.code is ErrorCode.RENDER_TIMEOUT
    assert list(settings.output_dir.iterdir()) == []


async def test_missing_source_is_media_missing(settings: Settings, tmp_path: Path) -> None:
    d = draft([{"type": "video", "src": str(tmp_path / "gone.mp4"), "d": 1000}])
    with pytest.raises(NemoVideoError) as info:
        await _render(d, settings, "gone.mp4")
    assert info.value.code is ErrorCode.MEDIA_MISSING and "gone.mp4" in info.value.message


@pytest.mark.slow
async def test_full_1080p_render(settings: Settings, tmp_path: Path) -> None:
    a, b, _ = _pictures(tmp_path)
    d = draft(
        [image_segment(a, 1200), image_segment(b, 1200, direction="right")],
        texts=[text_segment("Full size", 0, 2000)],
        music=synth("cinematic"),
    )
    dest, out = await _render(d, settings, "full.mp4", height=None, quality="draft")
    info = await probe(dest, ffmpeg())
    assert (info.width, info.height, info.video_profile, info.pix_fmt) == (1920, 1080, "High", "yuv420p")
    assert info.duration_s == pytest.approx(2.1, abs=1 / 30) and moov_before_mdat(dest)
    assert out.poster is not None and out.poster.stat().st_size < POSTER_MAX_BYTES  # type: ignore[attr-defined]
