"""The report's own measures checked against what is known: contrast of white type on cards of known
colour, loudness and ducking of a clip's sound and the bed, the bed's fades — all from rendered files."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from nemo_video.composition.ops import parse_operations
from nemo_video.config import Settings
from nemo_video.draft import Draft
from nemo_video.media import locate
from nemo_video.service import VideoService
from nemo_video.service.results import ExportResult

from .requests import music_level_db, photo, speech_clip


def wcag(a: str, b: str) -> float:
    """WCAG 2 contrast of two #RRGGBB colours, written out here on its own."""

    def lum(color: str) -> float:
        channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


async def _export(
    settings: Settings, paths: list[Path], ops: list[dict[str, Any]], height: int = 240
) -> tuple[ExportResult, Draft]:
    async with VideoService(settings) as svc:
        await svc.new_session()
        ids = [a.id for a in (await svc.upload(paths)).assets] if paths else []
        ops = [{**op, "media": ids[op["media"]]} if isinstance(op.get("media"), int) else op for op in ops]
        record = await svc.wait((await svc.start_edit(parse_operations(ops))).id, 60)
        assert record.status == "completed", record.error
        record = await svc.wait((await svc.start_export(height=height, quality="draft")).id, 240)
        assert record.status == "completed", record.error
        state = await svc.state()
        assert state.draft is not None
        return ExportResult.model_validate(record.result), Draft.model_validate(state.draft)


def _card_ops(card: str) -> list[dict[str, Any]]:
    return [
        {"op": "set_format", "aspect": "1:1"},
        {"op": "add_scene", "kind": "background", "colors": [card, card], "seconds": 3},
        {"op": "set_text", "role": "title", "text": "Known ground", "style": {"color": "#FFFFFF", "backdrop": "none"}},
        {"op": "set_music", "off": True},
    ]


async def test_white_type_asked_on_a_white_card_is_made_legible_and_measured_so(settings: Settings) -> None:
    result, _ = await _export(settings, [], _card_ops("#FFFFFF"))
    report = result.design_report
    assert report is not None
    (text,) = report.texts
    assert text.contrast is not None and text.contrast >= 4.5, text  # 1:1 as asked; the renderer lays a band under it
    (check,) = [c for c in report.checks if c.rule == "text_contrast"]
    assert check.status == "pass"


@pytest.mark.parametrize("card", ["#1B2A49", "#7A7A7A"])
async def test_contrast_of_white_type_on_a_known_card(card: str, settings: Settings) -> None:
    ops: list[dict[str, Any]] = [
        {"op": "set_format", "aspect": "1:1"},
        {"op": "add_scene", "kind": "background", "colors": [card, card], "seconds": 3},
        {"op": "set_text", "role": "title", "text": "Known ground", "style": {"color": "#FFFFFF", "backdrop": "none"}},
        {"op": "set_music", "off": True},
    ]
    result, _ = await _export(settings, [], ops)
    report = result.design_report
    assert report is not None
    (text,) = report.texts
    expected = wcag("#FFFFFF", card)
    assert text.contrast is not None and abs(text.contrast - expected) <= max(0.15, expected * 0.1), (text, expected)
    (check,) = [c for c in report.checks if c.rule == "text_contrast"]
    assert check.status == ("pass" if expected >= 4.5 else "fail")
    assert report.passed == (expected >= 4.5)
    if expected < 4.5:  # the failure is the request's, and the report says so
        assert check.note is not None and check.note.startswith("asked: backdrop none, colour #FFFFFF"), check
        assert "asked: backdrop none" in report.failures[0].note  # type: ignore[operator]
    else:
        assert check.note is None, check


async def test_a_contrast_failure_nobody_asked_for_names_no_request(settings: Settings) -> None:
    """Mid-grey type with nothing asked about its look: the renderer chooses and passes, with no note."""
    ops = _card_ops("#7A7A7A")
    ops[2] = {"op": "set_text", "role": "title", "text": "Known ground"}
    result, _ = await _export(settings, [], ops)
    report = result.design_report
    assert report is not None
    (check,) = [c for c in report.checks if c.rule == "text_contrast"]
    assert check.status == "pass" and check.note is None, check


async def test_a_clips_sound_is_brought_to_target_and_the_music_ducks_under_it(
    settings: Settings, tmp_path: Path
) -> None:
    ffmpeg = locate(settings)
    paths = [
        photo(tmp_path / "a.jpg", "dark", False, 1),
        speech_clip(tmp_path / "talk.mp4", ffmpeg, 4.0, -32.0),
        photo(tmp_path / "b.jpg", "dark", True, 2),
    ]
    ops: list[dict[str, Any]] = [
        {"op": "set_format", "aspect": "16:9"},
        *({"op": "add_scene", "media": i} for i in range(3)),
        {"op": "set_transition", "kind": "cut"},
        {"op": "set_text", "role": "title", "text": "Talk"},
        {"op": "set_music", "mood": "upbeat"},
    ]
    result, draft = await _export(settings, paths, ops)
    report = result.design_report
    assert report is not None and report.loudness_lufs is not None and report.true_peak_dbtp is not None
    assert abs(report.loudness_lufs + 14) <= 1 and report.true_peak_dbtp <= -1
    shots = [(s.start_ms() or 0) / 1000 for s in draft.tracks[0].segments] + [(draft.duration_ms or 0) / 1000]
    before, during = music_level_db(
        Path(result.path), ffmpeg, [(shots[0] + 0.8, shots[1] - 0.1), (shots[1] + 0.5, shots[2] - 0.1)]
    )
    assert 8 <= before - during <= 12, (before, during)


async def test_a_clip_alone_reaches_the_target_from_far_below(settings: Settings, tmp_path: Path) -> None:
    ffmpeg = locate(settings)
    paths = [speech_clip(tmp_path / "quiet.mp4", ffmpeg, 3.0, -34.0)]
    ops: list[dict[str, Any]] = [{"op": "add_scene", "media": 0}, {"op": "set_music", "off": True}]
    result, _ = await _export(settings, paths, ops)
    report = result.design_report
    assert report is not None and report.loudness_lufs is not None and report.true_peak_dbtp is not None
    assert abs(report.loudness_lufs + 14) <= 1 and report.true_peak_dbtp <= -1


async def test_the_bed_fades_in_and_ends_on_a_bar_line(settings: Settings, tmp_path: Path) -> None:
    ffmpeg = locate(settings)
    paths = [photo(tmp_path / f"{i}.jpg", "light", False, i) for i in range(3)]
    ops: list[dict[str, Any]] = [
        {"op": "set_format", "aspect": "16:9"},
        *({"op": "add_scene", "media": i} for i in range(3)),
        {"op": "set_music", "mood": "upbeat"},
    ]
    result, draft = await _export(settings, paths, ops)
    d = (draft.duration_ms or 0) / 1000
    bpm = next(s for t in draft.tracks for s in t.segments if s.type == "music").model_extra["bpm"]  # type: ignore[index]
    bar = 4 * 60 / bpm
    end = math.floor(d / bar) * bar
    assert 0 < d - end <= 1.0, "this request's length puts a bar line within a second of the end"
    start, early, full, fading, after = music_level_db(
        Path(result.path), ffmpeg, [(0, 0.1), (0.15, 0.25), (0.6, 1.6), (end - 0.5, end - 0.05), (end + 0.05, d)]
    )
    assert full - start >= 10 and full - early >= 2  # a fade of at least 0.3 s, not a jump
    assert full - fading >= 6 and after < -60  # fading into the bar line, silent after it
