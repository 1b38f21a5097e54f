"""An emoji the renderer cannot draw is left out with a note in the render plan, not silently.

Text is drawn by ffmpeg's drawtext, one colour per glyph: no colour emoji. The emoji is taken out of
the line (so no box or tofu is printed) and the plan's notes say which one and why."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nemo_video.backends.base import RenderRequest
from nemo_video.backends.local.render import build_plan, fonts
from nemo_video.composition.ops import parse_operations
from nemo_video.config import Settings
from nemo_video.service import VideoService
from nemo_video.service.results import ExportResult

from .builders import background, draft, text_segment


def _plan(text: str, tmp_path: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    d = draft([background(2000, transition=None)], texts=[text_segment(text, 0, 2000, role="title", size=80)])
    plan = build_plan(d, RenderRequest(destination=tmp_path / "out.mp4", height=180), {})
    (block,) = plan.texts
    return block.lines, plan.notes


def test_an_emoji_left_out_is_named_in_the_plan_notes(tmp_path: Path) -> None:
    lines, notes = _plan("Big sale 🎉 today", tmp_path)
    assert " ".join(lines) == "Big sale today"
    (note,) = notes
    assert "'Big sale 🎉 today'" in note and "the emoji 🎉 was left out" in note and "colour" in note


def test_several_emoji_and_a_cjk_text_are_named_once(tmp_path: Path) -> None:
    lines, notes = _plan("新品上市 🎉🔥", tmp_path)
    assert "".join(lines) == "新品上市"
    (note,) = notes
    assert "the emoji 🎉🔥 were left out" in note


def test_text_without_emoji_gets_no_note(tmp_path: Path) -> None:
    lines, notes = _plan("Fresh roast", tmp_path)
    assert lines == ("Fresh roast",) and notes == ()


def test_emoji_are_told_apart_from_other_characters() -> None:
    assert all(fonts.is_emoji(ch) for ch in "🎉🔥👍☕✨")
    assert not any(fonts.is_emoji(ch) for ch in "aé新ع→")
    assert fonts.left_out("Hi 👍 there 👍", "Hi there") == "👍"
    note = fonts.left_out_note("👍ع")
    assert note is not None and "the emoji 👍 was left out" in note and "'ع'" in note


async def test_the_note_reaches_the_exports_design_report(settings: Settings) -> None:
    ops: list[dict[str, Any]] = [
        {"op": "set_format", "aspect": "1:1"},
        {"op": "add_scene", "kind": "background", "colors": ["#1B2A49", "#1B2A49"], "seconds": 2},
        {"op": "set_text", "role": "title", "text": "Party time 🎉"},
        {"op": "set_music", "off": True},
    ]
    async with VideoService(settings) as svc:
        await svc.new_session()
        record = await svc.wait((await svc.start_edit(parse_operations(ops))).id, 60)
        assert record.status == "completed", record.error
        record = await svc.wait((await svc.start_export(height=180, quality="draft")).id, 120)
        assert record.status == "completed", record.error
    report = ExportResult.model_validate(record.result).design_report
    assert report is not None
    (note,) = [n for n in report.notes if "🎉" in n]
    assert "the emoji 🎉 was left out" in note
    assert [t.words for t in report.texts] == ["Party time"]
