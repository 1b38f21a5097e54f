"""The nemo-video command as a person runs it: a real subprocess, real files, real exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

from nemo_video.media import moov_before_mdat, parse_probe

BIN = Path(sys.executable).parent / "nemo-video"


def run(tmp_path: Path, *args: str, stdin: str | None = None, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "NEMO_DATA_DIR": str(tmp_path / "data"),
        "NEMO_OUTPUT_DIR": str(tmp_path / "out"),
        "NEMO_CONFIG_DIR": str(tmp_path / "config"),
        "NEMO_BACKEND": "local",
    }
    return subprocess.run(
        [str(BIN), *args],
        cwd=tmp_path,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def photos(folder: Path, n: int = 3) -> list[str]:
    colours = [(200, 60, 40), (40, 160, 90), (30, 60, 190), (220, 200, 40)]
    paths = []
    for i in range(n):
        path = folder / f"photo_{i + 1}.jpg"
        Image.new("RGB", (480, 360), colours[i % 4]).save(path)
        paths.append(str(path))
    return paths


def ffmpeg_facts(path: Path):
    from nemo_video.config import Settings
    from nemo_video.media import locate

    out = subprocess.run([locate(Settings()), "-hide_banner", "-i", str(path)], capture_output=True, text=True)
    return parse_probe(out.stderr)


def test_help_explains_every_command(tmp_path):
    result = run(tmp_path, "--help")
    assert result.returncode == 0
    for command in (
        "generate",
        "chat",
        "upload",
        "state",
        "edit",
        "credits",
        "export",
        "jobs",
        "mcp",
        "doctor",
        "demo",
    ):
        assert command in result.stdout
    sub = run(tmp_path, "generate", "--help")
    assert "--media" in sub.stdout and "--json" in sub.stdout and "--backend" in sub.stdout


def test_doctor_json_reports_checks_without_the_token(tmp_path):
    env_token = "nmv_usr_DOCTORSECRET000"
    result = subprocess.run(
        [str(BIN), "doctor", "--json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={
            **os.environ,
            "NEMO_TOKEN": env_token,
            "NEMO_DATA_DIR": str(tmp_path / "d"),
            "NEMO_OUTPUT_DIR": str(tmp_path / "o"),
            "NEMO_CONFIG_DIR": str(tmp_path / "c"),
        },
    )
    payload = json.loads(result.stdout)
    names = {c["name"]: c for c in payload["checks"]}
    assert names["ffmpeg"]["status"] == "ok" and "ffmpeg version" in names["ffmpeg"]["detail"]
    assert names["fonts"]["status"] == "ok"
    assert names["output folder"]["status"] == "ok"
    assert names["token"]["status"] == "ok"
    assert env_token not in result.stdout + result.stderr
    assert result.returncode == 0


def test_generate_with_three_images_writes_a_verified_video(tmp_path):
    media = photos(tmp_path)
    result = run(
        tmp_path,
        "generate",
        "a 3-second video with the title 'Fresh Start'",
        "--media",
        *media,
        "--height",
        "180",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    video = Path(payload["path"])
    assert video.is_absolute() and video.is_file() and video.parent == tmp_path / "out"
    assert Path(payload["poster"]).is_file()
    assert payload["height"] == 180 and abs(payload["duration_s"] - 3.0) < 0.1
    facts = ffmpeg_facts(video)
    assert facts.video_codec == "h264" and facts.has_audio
    assert moov_before_mdat(video)
    assert "Fresh Start" in payload["reply"] or "Fresh Start" in payload["summary"]


def test_generate_text_output_names_the_files(tmp_path):
    result = run(tmp_path, "generate", "a 2-second video that says 'Hello'", "--height", "180")
    assert result.returncode == 0, result.stderr
    assert "video:" in result.stdout and "poster:" in result.stdout


def test_bad_input_gives_one_clear_line_and_an_exit_code(tmp_path):
    bogus = tmp_path / "notes.mp4"
    bogus.write_text("this is not a video")
    result = run(tmp_path, "upload", str(bogus))
    assert result.returncode == 2
    assert "unsupported_media" in result.stderr
    assert "Traceback" not in result.stderr
    missing = run(tmp_path, "upload", str(tmp_path / "nope.jpg"), "--json")
    assert missing.returncode == 2
    assert json.loads(missing.stdout)["error"]["code"] == "media_not_found"


def test_export_before_generate_says_what_to_do(tmp_path):
    result = run(tmp_path, "export", "--json")
    assert result.returncode == 2
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "nothing_to_export" and error["hint"]


def test_credits_on_local_say_free(tmp_path):
    result = run(tmp_path, "credits", "--json")
    assert result.returncode == 0
    payload = json.loads(result.stdout)
    assert payload["unlimited"] is True and "free" in payload["note"].lower()


def test_chat_routes_each_piped_line(tmp_path):
    media = photos(tmp_path, 2)
    script = (
        "\n".join(
            [
                f"upload {media[0]} {media[1]}",
                "a 2-second video with the title 'Chat Test'",
                "status",
                "credits",
                "export 180p",
                "exit",
            ]
        )
        + "\n"
    )
    result = run(tmp_path, "chat", "--json", stdin=script)
    assert result.returncode == 0, result.stderr
    replies = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    routes = [r.get("route") for r in replies]
    assert routes == ["upload", "generate", "state", "credits", "export"], replies
    assert all(r["ok"] for r in replies)
    exported = replies[-1]["result"]
    assert Path(exported["path"]).is_file() and exported["height"] == 180
    state = replies[2]["result"]
    assert "Chat Test" in state["summary"]


def test_cloud_chat_asks_consent_only_for_requests_that_spend(tmp_path, nemo_double):
    env = {
        **os.environ,
        "NEMO_DATA_DIR": str(tmp_path / "data"),
        "NEMO_OUTPUT_DIR": str(tmp_path / "out"),
        "NEMO_CONFIG_DIR": str(tmp_path / "config"),
        "NEMO_BACKEND": "cloud",
        "NEMO_API_URL": nemo_double.url,
    }
    script = "credits\nmake a 10-second video of a sunset\nstatus\nexit\n"
    result = subprocess.run(
        [str(BIN), "chat", "--json"],
        cwd=tmp_path,
        env=env,
        input=script,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    replies = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [r["ok"] for r in replies] == [True, False, True]
    assert replies[0]["route"] == "credits" and replies[0]["result"]["available"] == 100
    assert replies[1]["error"]["code"] == "consent_required" and "--yes" in replies[1]["error"]["hint"]
    assert nemo_double.count("run_sse") == 0  # nothing was sent, so nothing was spent
    with_yes = subprocess.run(
        [str(BIN), "chat", "--json", "--yes"],
        cwd=tmp_path,
        env=env,
        input="make a 10-second video of a sunset\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert json.loads(with_yes.stdout.splitlines()[0])["route"] == "generate"
    assert nemo_double.count("run_sse") == 1


def test_chat_makes_and_exports_when_one_line_asks_for_both(tmp_path):
    line = "make a 2-second video with the title 'Both' and export it as 180p\n"
    result = run(tmp_path, "chat", "--json", stdin=line)
    assert result.returncode == 0, result.stderr
    replies = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [r["route"] for r in replies] == ["generate", "export"]
    exported = replies[1]["result"]
    assert Path(exported["path"]).is_file() and exported["height"] == 180
