"""``set_music ducking=…`` is what the rendered sound does: the music keeps its level under a clip's
sound when ducking is off, and drops 8–12 dB when it is on (measured below 1.2 kHz, where the clip's
2.5 kHz "speech" is not)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nemo_video.config import Settings
from nemo_video.media import locate

from .requests import music_level_db, photo, speech_clip
from .test_measures import _export


@pytest.mark.parametrize("ducking", [False, True])
async def test_the_music_ducks_under_a_clip_only_when_asked(settings: Settings, tmp_path: Path, ducking: bool) -> None:
    ffmpeg = locate(settings)
    paths = [photo(tmp_path / "a.jpg", "dark", False, 1), speech_clip(tmp_path / "talk.mp4", ffmpeg, 2.0, -30.0)]
    ops: list[dict[str, Any]] = [
        {"op": "set_format", "aspect": "16:9"},
        {"op": "add_scene", "media": 0, "seconds": 1.2},
        {"op": "add_scene", "media": 1},
        {"op": "set_transition", "kind": "cut"},
        {"op": "set_music", "mood": "cinematic", "ducking": ducking},
    ]
    result, draft = await _export(settings, paths, ops, height=180)
    (bed,) = [s for t in draft.tracks for s in t.segments if s.type == "music"]
    assert (bed.model_extra or {})["ducking"] is ducking
    cut = (draft.tracks[0].segments[1].start_ms() or 0) / 1000
    before, during = music_level_db(Path(result.path), ffmpeg, [(cut - 0.5, cut - 0.05), (cut + 0.15, cut + 0.65)])
    drop = before - during
    if ducking:
        assert 8 <= drop <= 12, (before, during)
    else:
        assert abs(drop) <= 2, (before, during)
