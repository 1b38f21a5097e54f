from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest

import nemo_video
from nemo_video.config import Secret, Settings, detect_platform, load_client_id
from nemo_video.errors import ErrorCode, NemoVideoError, from_backend

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (1001, ErrorCode.AUTH_EXPIRED),
        (1002, ErrorCode.SESSION_NOT_FOUND),
        (2001, ErrorCode.OUT_OF_CREDITS),
        (4001, ErrorCode.UNSUPPORTED_MEDIA),
        (4002, ErrorCode.MEDIA_TOO_LARGE),
        (400, ErrorCode.MISSING_CLIENT_ID),
        (402, ErrorCode.EXPORT_BLOCKED),
        (429, ErrorCode.RATE_LIMITED),
        (503, ErrorCode.BACKEND_ERROR),
        (7777, ErrorCode.BACKEND_ERROR),
    ],
)
def test_backend_codes_map_to_the_family(code, expected):
    err = from_backend(code, "boom")
    assert err.code == expected
    assert err.hint
    assert err.details["backend_code"] == code


def test_export_blocked_explains_plan_not_credits():
    err = from_backend(402)
    assert "plan" in err.hint and "not its credits" in err.hint
    assert from_backend(2001).code != err.code


def test_error_to_dict_and_str():
    err = NemoVideoError(ErrorCode.UNSUPPORTED_MEDIA, "No.")
    assert err.to_dict()["code"] == "unsupported_media"
    assert "mp4" in str(err)


def test_skill_md_frontmatter_matches_package():
    text = (ROOT / "SKILL.md").read_text(encoding="utf-8")
    front = text.split("---")[1]
    assert re.search(r"^name:\s*meta-video-generation-free\s*$", front, re.M)
    version = re.search(r"^version:\s*(\S+)\s*$", front, re.M).group(1)
    assert version == nemo_video.__version__
    assert f'version = "{nemo_video.__version__}"' in (ROOT / "pyproject.toml").read_text()


def test_settings_from_env(tmp_path):
    s = Settings.from_env(
        {
            "NEMO_BACKEND": "cloud",
            "NEMO_TOKEN": "nmv_usr_secret",
            "NEMO_API_URL": "http://127.0.0.1:9/",
            "NEMO_OUTPUT_DIR": str(tmp_path / "o"),
            "NEMO_RENDER_POLL_SECONDS": "0.5",
        },
        home=tmp_path,
    )
    assert s.backend == "cloud"
    assert s.api_base == "http://127.0.0.1:9"
    assert s.token.reveal() == "nmv_usr_secret"
    assert "nmv_usr_secret" not in repr(s)
    assert s.output_dir == tmp_path / "o"
    assert s.render_poll_s == 0.5
    assert s.sse_max_s == 900 and s.rate_limit_wait_s == 30


def test_defaults_use_platform_dirs(tmp_path):
    s = Settings.from_env({}, home=tmp_path)
    assert s.backend == "local"
    assert s.output_dir.name == "nemo-video"
    assert s.token is None


@pytest.mark.parametrize("env", [{"NEMO_BACKEND": "gpu"}, {"NEMO_SSE_MAX_SECONDS": "soon"}])
def test_bad_settings_say_what_to_do(env, tmp_path):
    with pytest.raises(NemoVideoError) as info:
        Settings.from_env(env, home=tmp_path)
    assert info.value.code == ErrorCode.INVALID_SETTING and info.value.hint


def test_platform_detection_order(tmp_path):
    skill = tmp_path / "skills" / "nemo"
    skill.mkdir(parents=True)
    assert detect_platform({"SKILL_SOURCE": "Cursor"}, skill_dir=skill, home=tmp_path) == "cursor"
    assert detect_platform({}, skill_dir=skill, home=tmp_path) == "unknown"
    (tmp_path / "skills" / ".clawhub").mkdir()
    (tmp_path / "skills" / ".clawhub" / "origin.json").write_text("{}")
    assert detect_platform({}, skill_dir=skill, home=tmp_path) == "clawhub"
    assert detect_platform({}, skill_dir=tmp_path / "home" / ".clawhub" / "x", home=tmp_path / "home") == "clawhub"
    assert detect_platform({}, skill_dir=tmp_path / ".cursor" / "skills" / "x", home=tmp_path) == "cursor"


def test_client_id_is_persisted_privately(settings):
    first = load_client_id(settings)
    assert load_client_id(settings) == first
    mode = stat.S_IMODE(os.stat(settings.client_id_file).st_mode)
    assert mode == 0o600
    assert load_client_id(settings.with_(client_id="fixed")) == "fixed"


def test_secret_never_prints():
    s = Secret("nmv_usr_abc")
    assert "abc" not in f"{s} {s!r}"
    assert s.reveal() == "nmv_usr_abc"


def test_user_media_folders_are_allowed_roots_but_never_home_itself(tmp_path):
    home = Path.home()
    dirs = Settings.from_env({"NEMO_MEDIA_DIRS": str(tmp_path)}).media_dirs
    assert dirs[0] == tmp_path
    assert home not in dirs
    assert all(home in d.parents for d in dirs[1:])


def test_a_filesystem_root_working_directory_is_not_a_sandbox_root(settings, monkeypatch, tmp_path):
    from nemo_video.service import VideoService

    monkeypatch.chdir("/")
    roots = VideoService(settings).roots()
    assert Path("/") not in roots and tmp_path in roots
    monkeypatch.chdir(tmp_path)
    assert VideoService(settings).roots()[0] == tmp_path
