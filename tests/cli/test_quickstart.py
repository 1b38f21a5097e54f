"""The README's quick start stays true: its two commands are the ones CI and newcomers run, and the
render command produces a real, verified 1080x1920 video (this is the suite's full-size CLI check)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from nemo_video.media import moov_before_mdat
from tests.cli.test_cli import ffmpeg_facts, run

ROOT = Path(__file__).resolve().parents[2]


def quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section)


def test_readme_quick_start_is_the_two_commands_ci_runs():
    commands = quick_start_commands()
    assert commands[:2] == ["pip install -e . && nemo-video demo", 'pip install -e ".[test]" && pytest']
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci.splitlines()


def test_demo_renders_a_verified_full_size_video(tmp_path):
    render_command = quick_start_commands()[0].split("&&", 1)[1].split()
    assert render_command == ["nemo-video", "demo"]
    result = run(tmp_path, "demo", "--json", timeout=420)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    video, poster = Path(payload["path"]), Path(payload["poster"])
    assert video.is_file() and poster.is_file()
    assert poster.stat().st_size < 200_000
    facts = ffmpeg_facts(video)
    assert (facts.width, facts.height) == (1080, 1920)
    assert (facts.video_codec, facts.video_profile, facts.pix_fmt) == ("h264", "High", "yuv420p")
    assert facts.color_range == "tv" and facts.color_space == "bt709"
    assert facts.audio_codec == "aac" and facts.sample_rate == 48000
    assert abs(facts.duration_s - 12.0) <= 1 / 30 + 0.03
    assert moov_before_mdat(video)
    assert "Smooth. Bold. Yours." in payload["summary"]
