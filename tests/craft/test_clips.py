"""Text over a video clip is chosen from what the clip shows: the small frames kept at import are
sampled under the text, within the text's time on the clip (its trim applied), as a picture is.

Clips are made here with ffmpeg's lavfi sources (2–4 s, ≤ 480x270); the end-to-end cases import
them through the service, export 320x180 and read the design report measured from decoded frames."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import anyio
import pytest

from nemo_video.backends.base import RenderRequest
from nemo_video.backends.local import clip_frames
from nemo_video.backends.local.render import build_plan, legibility
from nemo_video.backends.local.render.plan import Visual
from nemo_video.composition.colors import contrast, luminance
from nemo_video.composition.ops import parse_operations
from nemo_video.config import Settings
from nemo_video.draft import Draft
from nemo_video.errors import NemoVideoError
from nemo_video.media import locate
from nemo_video.service import VideoService
from nemo_video.service.results import ExportResult

DARK, LIGHT = "0x161A26", "0xECE8DE"


def clip(path: Path, ffmpeg: str, colors: list[str], seconds: float = 2.5, size: str = "480x270") -> Path:
    """A clip of one or more calm plain parts (a little grain), one after the other."""
    inputs: list[str] = []
    for color in colors:
        inputs += ["-f", "lavfi", "-i", f"color=c={color}:s={size}:r=25:d={seconds},noise=alls=3:allf=t"]
    joined = "".join(f"[{i}:v]" for i in range(len(colors))) + f"concat=n={len(colors)}:v=1,format=yuv420p[v]"
    args = [ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *inputs]
    args += ["-filter_complex", joined, "-map", "[v]", "-c:v", "libx264", "-preset", "ultrafast", str(path)]
    subprocess.run(args, check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    return path


def _visual(src: Path, start_in_clip: float, duration: float) -> Visual:
    return Visual(
        kind="video",
        start_s=0.0,
        duration_s=duration,
        frames=round(duration * 30),
        src=str(src),
        source_size=(480, 270),
        source_start_s=start_in_clip,
    )


def test_the_frames_kept_under_a_text_follow_the_clips_trim(settings: Settings, tmp_path: Path) -> None:
    ffmpeg = locate(settings)
    path = clip(tmp_path / "dusk-to-day.mp4", ffmpeg, [DARK, LIGHT], seconds=2.0)  # dark 0–2 s, light 2–4 s
    kept = anyio.run(clip_frames.extract, ffmpeg, path, 4.0, (480, 270))
    assert kept is not None and kept.size == (256, 144) and len(kept.frames) == clip_frames.COUNT
    clip_frames.save(kept, path)
    rect = (40.0, 60.0, 280.0, 120.0)
    reached = {"#FFFFFF": 0.0, "#111111": 0.0}

    def lightest(start_in_clip: float) -> float:
        pictures = legibility.Pictures([_visual(path, start_in_clip, 1.5)], 320, 180)
        pixels = pictures.pixels(rect, 0.0, 1.5)
        return max(luminance(*p) for p in pixels)

    assert lightest(0.0) < 0.02  # the first 1.5 s of the clip: dark only
    assert lightest(2.2) > 0.7  # trimmed to start at 2.2 s: the light part
    for start_in_clip, want in ((0.0, "#FFFFFF"), (2.2, "#111111")):
        pixels = legibility.Pictures([_visual(path, start_in_clip, 1.5)], 320, 180).pixels(rect, 0.0, 1.5)
        choice = legibility.choose(pixels, legibility.Asked(), 20)
        assert choice.color == want and choice.backdrop in ("none", "shadow"), choice
        reached[want] = choice.contrast
    assert min(reached.values()) >= 4.5


def test_the_calm_part_of_a_clip_is_found_from_its_frames(settings: Settings, tmp_path: Path) -> None:
    """A clip busy in its top half (a moving test pattern) and plain below: busyness and salience say so."""
    ffmpeg = locate(settings)
    path = tmp_path / "half.mp4"
    graph = f"testsrc2=s=480x136:r=25:d=2[top];color=c={DARK}:s=480x136:r=25:d=2[bottom];[top][bottom]vstack"
    args = [ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-filter_complex", graph]
    subprocess.run([*args, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(path)], check=True)
    kept = anyio.run(clip_frames.extract, ffmpeg, path, 2.0, (480, 270))
    assert kept is not None
    clip_frames.save(kept, path)
    pictures = legibility.Pictures([_visual(path, 0.0, 2.0)], 320, 180)
    top, bottom = (40.0, 10.0, 280.0, 70.0), (40.0, 110.0, 280.0, 170.0)
    busy, calm = pictures.busyness(top, 0.0, 2.0), pictures.busyness(bottom, 0.0, 2.0)
    assert calm < 2 < 8 < busy, (calm, busy)
    subject, plain = pictures.salience(top, 0.0, 2.0), pictures.salience(bottom, 0.0, 2.0)
    assert plain + 10 < subject, (plain, subject)  # the pattern stands out: a text placed by us avoids it


def test_a_clip_without_kept_frames_keeps_the_safe_choice(settings: Settings, tmp_path: Path) -> None:
    path = clip(tmp_path / "old.mp4", locate(settings), [DARK])
    pictures = legibility.Pictures([_visual(path, 0.0, 2.0)], 320, 180)
    rect = (40.0, 60.0, 280.0, 120.0)
    pixels = pictures.pixels(rect, 0.0, 2.0)
    assert set(pixels) == set(legibility.UNKNOWN)  # anything from black to white
    assert pictures.busyness(rect, 0.0, 2.0) == legibility.BUSY
    assert legibility.choose(pixels, legibility.Asked(), 20).backdrop in ("band", "box")


async def _export_clip(settings: Settings, path: Path) -> tuple[ExportResult, Draft, Path]:
    ops: list[dict[str, Any]] = [
        {"op": "set_format", "aspect": "16:9"},
        {"op": "add_scene", "media": 0},
        {"op": "set_text", "role": "title", "text": "Evening light"},
        {"op": "set_music", "off": True},
    ]
    async with VideoService(settings) as svc:
        await svc.new_session()
        (asset,) = (await svc.upload([path])).assets
        ops[1]["media"] = asset.id
        record = await svc.wait((await svc.start_edit(parse_operations(ops))).id, 60)
        assert record.status == "completed", record.error
        record = await svc.wait((await svc.start_export(height=180, quality="draft")).id, 240)
        assert record.status == "completed", record.error
        state = await svc.state()
        assert state.draft is not None
        return ExportResult.model_validate(record.result), Draft.model_validate(state.draft), Path(asset.src)


@pytest.mark.parametrize("tone", ["dark", "light"])
async def test_text_over_a_clip_is_chosen_from_its_frames(tone: str, settings: Settings, tmp_path: Path) -> None:
    path = clip(tmp_path / f"{tone}.mp4", locate(settings), [DARK if tone == "dark" else LIGHT])
    result, draft, stored = await _export_clip(settings, path)
    assert clip_frames.sidecar(stored).is_file()  # kept at import, beside the stored clip
    plan = build_plan(draft, RenderRequest(destination=Path(result.path), height=180), {})
    (text,) = plan.texts
    if tone == "dark":
        assert text.color == "#FFFFFF" and text.backdrop in ("none", "shadow"), text  # no band, no box
    else:
        assert text.color != "#FFFFFF" or text.backdrop in ("band", "box"), text
    report = result.design_report
    assert report is not None
    (measured,) = report.texts
    assert measured.contrast is not None and measured.contrast >= 4.5, measured
    assert measured.glyph_color and measured.ring_color
    glyph, ring = (tuple(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in (measured.glyph_color, measured.ring_color))
    assert contrast(luminance(*glyph), luminance(*ring)) >= 4.5
    if tone == "dark":  # the ring around the glyphs is the clip itself: nothing was laid under the text
        assert luminance(*ring) < 0.05, measured


async def test_a_refused_batch_leaves_no_kept_frames_behind(settings: Settings, tmp_path: Path) -> None:
    good = clip(tmp_path / "good.mp4", locate(settings), [DARK], seconds=2.0)
    bad = tmp_path / "bad.mp4"
    bad.write_text("not a video at all")
    async with VideoService(settings) as svc:
        await svc.new_session()
        with pytest.raises(NemoVideoError) as refused:
            await svc.upload([good, bad])
        assert refused.value.code == "unsupported_media"
    media = settings.data_dir / "media"
    assert not [p.name for p in media.glob(f"*{clip_frames.SUFFIX}")], "the first clip's frames stayed"
    assert not [p.name for p in media.glob("*.mp4")]
