"""Settings, built once at start-up from a mapping (the environment by default) and passed down.

Nothing here runs at import. Tests build ``Settings.from_env({...})`` with their own mapping and
overrides (short timeouts, a loopback API base, temporary directories).
"""

from __future__ import annotations

import json
import math
import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from . import SKILL_NAME, __version__
from .errors import ErrorCode, NemoVideoError

DEFAULT_API_BASE = "https://mega-api-prod.nemovideo.ai"
Backend = Literal["local", "cloud"]
BACKENDS: tuple[Backend, ...] = ("local", "cloud")


class Secret:
    """A string that never shows itself in repr/str/format; call :meth:`reveal` to use it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)


@dataclass(frozen=True)
class Settings:
    backend: Backend = "local"
    api_base: str = DEFAULT_API_BASE
    token: Secret | None = None
    client_id: str | None = None
    language: str = "en"
    data_dir: Path = Path(".nemo-video")
    output_dir: Path = Path("nemo-video-output")
    config_dir: Path = Path(".nemo-video/config")
    media_dirs: tuple[Path, ...] = ()
    allow_private_urls: bool = False
    ffmpeg: str | None = None
    font_dirs: tuple[Path, ...] = ()
    # MCP over HTTP: extra browser origins allowed besides loopback pages, how long an idle protocol
    # session lives, and whether a client may announce a root as wide as / or the home folder.
    mcp_allowed_origins: tuple[str, ...] = ()
    mcp_session_idle_s: float = 1800.0
    allow_wide_roots: bool = False

    # Attribution headers (CONTRACT §2.2).
    skill_source: str = SKILL_NAME
    skill_version: str = __version__
    skill_platform: str = "unknown"

    # Timeouts and waits, in seconds; all overridable so tests run fast.
    http_timeout_s: float = 60.0
    sse_max_s: float = 900.0
    sse_idle_s: float = 600.0
    render_poll_s: float = 30.0
    render_max_polls: int = 20
    rate_limit_wait_s: float = 30.0
    recover_first_wait_s: float = 30.0
    recover_next_wait_s: float = 60.0
    recover_max_unchanged: int = 5
    render_timeout_s: float = 1800.0
    # The render farm (render_farm/): a Ray address (``auto``, ``ray://host:10001``, ``host:6379``;
    # empty: render in this process) and the timeline length above which an export is split into
    # chunks (None: the farm's default, off in-process and 60 s on Ray; 0: never).
    ray_address: str = ""
    chunk_seconds: float | None = None
    read_retry_wait_s: float = 1.0  # before a cloud read (GET) is asked again after a 5xx/reset

    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def token_file(self) -> Path:
        return self.config_dir / "token.json"

    @property
    def client_id_file(self) -> Path:
        return self.config_dir / "client_id"

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str] | None = None,
        *,
        home: Path | None = None,
        skill_dir: Path | None = None,
        **overrides: Any,
    ) -> Settings:
        """Build settings from ``env`` (default ``os.environ``), then apply keyword overrides."""
        env = dict(os.environ if env is None else env)
        home = home if home is not None else Path.home()
        values: dict[str, Any] = {}

        backend = env.get("NEMO_BACKEND", "local").strip().lower() or "local"
        if backend not in BACKENDS:
            raise NemoVideoError(
                ErrorCode.INVALID_SETTING,
                f"Unknown backend {backend!r} in NEMO_BACKEND.",
                hint="Use 'local' (offline, free) or 'cloud' (NemoVideo).",
            )
        values["backend"] = backend
        values["api_base"] = (env.get("NEMO_API_URL") or DEFAULT_API_BASE).rstrip("/")
        if env.get("NEMO_TOKEN"):
            values["token"] = Secret(env["NEMO_TOKEN"].strip())
        if env.get("NEMO_CLIENT_ID"):
            values["client_id"] = env["NEMO_CLIENT_ID"].strip()
        values["language"] = env.get("NEMO_LANGUAGE", "en") or "en"

        data_dir, config_dir, output_dir = _default_dirs(env)
        values["data_dir"] = data_dir
        values["config_dir"] = config_dir
        values["output_dir"] = output_dir
        values["media_dirs"] = _paths(env.get("NEMO_MEDIA_DIRS")) + _user_media_dirs(home)
        values["font_dirs"] = _paths(env.get("NEMO_FONT_DIRS"))
        values["allow_private_urls"] = _truthy(env.get("NEMO_ALLOW_PRIVATE_URLS"))
        values["mcp_allowed_origins"] = _origins(env.get("NEMO_MCP_ALLOWED_ORIGINS"))
        values["allow_wide_roots"] = _truthy(env.get("NEMO_ALLOW_WIDE_ROOTS"))
        values["ffmpeg"] = env.get("NEMO_FFMPEG") or None
        values["skill_platform"] = detect_platform(env, skill_dir=skill_dir, home=home)
        values["ray_address"] = (env.get("NEMO_RAY_ADDRESS") or "").strip()
        if (env.get("NEMO_CHUNK_SECONDS") or "").strip():
            values["chunk_seconds"] = _chunk_seconds(env["NEMO_CHUNK_SECONDS"])

        for name, key, kind in _TIMING_ENV:
            if env.get(key):
                values[name] = _timing(key, env[key], kind)

        values.update(overrides)
        settings = cls(**values)
        settings.check_folders()
        return settings

    def check_folders(self) -> None:
        """Refuse a data, config or output folder that is a file (or lies under one): said once, at start."""
        for key, folder in (
            ("NEMO_DATA_DIR", self.data_dir),
            ("NEMO_CONFIG_DIR", self.config_dir),
            ("NEMO_OUTPUT_DIR", self.output_dir),
        ):
            blocker = _first_existing(folder)
            if blocker is not None and not blocker.is_dir():
                where = "is a file" if blocker == folder else f"lies under {blocker}, which is a file"
                raise NemoVideoError(
                    ErrorCode.FOLDER_UNUSABLE,
                    f"{key}={folder} {where}, not a folder.",
                    hint=f"Set {key} to a folder (or move the file out of the way), then try again.",
                )


def _first_existing(path: Path) -> Path | None:
    """``path`` or its nearest ancestor that exists (None if none can be looked at)."""
    for candidate in (path, *path.parents):
        try:
            if candidate.exists():
                return candidate
        except OSError:  # a name too long or a folder we may not look into: leave it to the first write
            return None
    return None


def _timing(key: str, raw: str, kind: type) -> float | int:
    """A time limit or count from the environment: a finite number above zero."""
    try:
        value: float | int = kind(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        unit = "a whole number above zero" if kind is int else "a number of seconds above zero"
        raise NemoVideoError(
            ErrorCode.INVALID_SETTING,
            f"{key}={raw!r} is not {unit}.",
            hint=f"Set {key} to {unit} (e.g. 60), or unset it to use the default.",
        )
    return value


def _chunk_seconds(raw: str) -> float:
    """``NEMO_CHUNK_SECONDS``: a length in seconds, or ``0``/``off`` for never."""
    text = raw.strip().lower()
    if text in {"off", "no", "false", "never"}:
        return 0.0
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise NemoVideoError(
            ErrorCode.INVALID_SETTING,
            f"NEMO_CHUNK_SECONDS={raw!r} is not a number of seconds.",
            hint="Set NEMO_CHUNK_SECONDS to a length such as 60 (split longer exports), 0 or off (never "
            "split), or unset it for the default (off in this process, 60 on Ray).",
        )
    return value


def chunk_threshold(settings: Settings, *, on_ray: bool) -> float | None:
    """The timeline length above which an export is split into chunks; None: never split."""
    if settings.chunk_seconds is None:
        return RAY_CHUNK_SECONDS if on_ray else None
    return settings.chunk_seconds or None


RAY_CHUNK_SECONDS = 60.0

_TIMING_ENV: tuple[tuple[str, str, type], ...] = (
    ("http_timeout_s", "NEMO_HTTP_TIMEOUT", float),
    ("sse_max_s", "NEMO_SSE_MAX_SECONDS", float),
    ("sse_idle_s", "NEMO_SSE_IDLE_SECONDS", float),
    ("render_poll_s", "NEMO_RENDER_POLL_SECONDS", float),
    ("render_max_polls", "NEMO_RENDER_MAX_POLLS", int),
    ("rate_limit_wait_s", "NEMO_RATE_LIMIT_WAIT_SECONDS", float),
    ("render_timeout_s", "NEMO_RENDER_TIMEOUT_SECONDS", float),
    ("mcp_session_idle_s", "NEMO_MCP_SESSION_IDLE_SECONDS", float),
)

# Documented environment variables: name → what it does. The README's configuration table and
# `nemo-video doctor` read this, so adding a variable is one line.
ENV_VARS: dict[str, str] = {
    "NEMO_BACKEND": "`local` (default; offline, free) or `cloud` (NemoVideo).",
    "NEMO_TOKEN": "NemoVideo token for the cloud backend; without it a free anonymous token is fetched.",
    "NEMO_CLIENT_ID": "Client id sent when fetching an anonymous token (default: a UUID stored per user).",
    "NEMO_API_URL": f"Cloud API base (default `{DEFAULT_API_BASE}`).",
    "NEMO_LANGUAGE": "Language of new cloud sessions (default `en`).",
    "NEMO_DATA_DIR": "Where sessions, media and jobs are stored (default: the user data dir).",
    "NEMO_CONFIG_DIR": "Where the client id and cached token live (default: the user config dir).",
    "NEMO_OUTPUT_DIR": "Where exported videos go (default: Videos/nemo-video).",
    "NEMO_MEDIA_DIRS": "Extra directories (os.pathsep-separated) that media may be read from, besides the "
    "working directory and your Pictures, Videos, Music, Downloads, Desktop and Documents folders.",
    "NEMO_FONT_DIRS": "Extra font directories (os.pathsep-separated) searched for title fonts.",
    "NEMO_ALLOW_PRIVATE_URLS": "Set to 1 to allow importing media from private/loopback URLs.",
    "NEMO_FFMPEG": "Path of an ffmpeg binary to use instead of the bundled one.",
    "NEMO_MCP_TOKEN": "Bearer token for `nemo-video mcp --http`; required when binding a non-loopback address.",
    "NEMO_MCP_ALLOWED_ORIGINS": "Comma-separated browser origins (e.g. `https://app.example.com`, "
    "`http://intranet:*`) that may call `nemo-video mcp --http`, besides loopback pages; any other "
    "`Origin` is refused (403).",
    "NEMO_ALLOW_WIDE_ROOTS": "Set to 1 to accept an MCP client root as wide as `/` or your whole home "
    "folder (refused by default: any local process could then import any readable file).",
    "NEMO_RAY_ADDRESS": "Render on a Ray cluster (needs the `cluster` extra): `auto` starts a "
    "private Ray on this machine, `host:6379` or `ray://host:10001` joins one (see docs/scale.md); unset: "
    "render in this process.",
    "NEMO_CHUNK_SECONDS": "Split an export whose timeline is longer than this many seconds into chunks rendered "
    "in parallel and joined losslessly (default: off in this process, 60 on Ray; `0` or `off`: never).",
    "SKILL_SOURCE": "Overrides the detected install platform sent as X-Skill-Platform.",
    **{key: f"Override `{name}` (seconds or count)." for name, key, _ in _TIMING_ENV},
    "NEMO_MCP_SESSION_IDLE_SECONDS": "An HTTP MCP session with no request for this long is closed and its "
    "memory released (default 1800).",
}


def _default_dirs(env: Mapping[str, str]) -> tuple[Path, Path, Path]:
    import platformdirs  # imported lazily: nothing at import time

    data = Path(env.get("NEMO_DATA_DIR") or platformdirs.user_data_dir("nemo-video", appauthor=False))
    config = Path(env.get("NEMO_CONFIG_DIR") or platformdirs.user_config_dir("nemo-video", appauthor=False))
    output = Path(env.get("NEMO_OUTPUT_DIR") or Path(platformdirs.user_videos_dir()) / "nemo-video")
    return data.expanduser(), config.expanduser(), output.expanduser()


def _user_media_dirs(home: Path) -> tuple[Path, ...]:
    """The user's own media folders (Pictures, Videos, Music, Downloads, Desktop, Documents).

    Agents may read media from these without configuration; everything else needs NEMO_MEDIA_DIRS
    or an MCP root. Only folders that lie inside ``home`` count, so a misconfigured desktop entry
    can never widen the sandbox to the whole disk.
    """
    import platformdirs

    found: list[Path] = []
    for getter in (
        platformdirs.user_pictures_dir,
        platformdirs.user_videos_dir,
        platformdirs.user_music_dir,
        platformdirs.user_downloads_dir,
        platformdirs.user_desktop_dir,
        platformdirs.user_documents_dir,
    ):
        path = Path(getter()).expanduser()
        if path != home and home in path.parents and path not in found:
            found.append(path)
    return tuple(found)


def _paths(value: str | None) -> tuple[Path, ...]:
    if not value:
        return ()
    return tuple(Path(p).expanduser() for p in value.split(os.pathsep) if p.strip())


def _origins(value: str | None) -> tuple[str, ...]:
    return tuple(o.strip().rstrip("/") for o in (value or "").split(",") if o.strip())


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def detect_platform(env: Mapping[str, str], *, skill_dir: Path | None = None, home: Path | None = None) -> str:
    """Value of ``X-Skill-Platform``: ``SKILL_SOURCE`` env, then ClawHub markers, then Cursor, else unknown."""
    explicit = (env.get("SKILL_SOURCE") or "").strip().lower()
    if explicit:
        return explicit
    skill_dir = skill_dir or Path(__file__).resolve().parent
    home = home or Path.home()
    for parent in (skill_dir, *skill_dir.parents):
        if (parent / ".clawhub" / "origin.json").is_file():
            return "clawhub"
    if ".clawhub" in skill_dir.parts or str(skill_dir).startswith(str(home / ".clawhub")):
        return "clawhub"
    if ".cursor" in skill_dir.parts or env.get("CURSOR_TRACE_ID") or env.get("CURSOR_AGENT"):
        return "cursor"
    return "unknown"


def load_client_id(settings: Settings) -> str:
    """The persisted per-user client id, created (0600) on first use; ``NEMO_CLIENT_ID`` wins."""
    if settings.client_id:
        return settings.client_id
    path = settings.client_id_file
    try:
        value = path.read_text(encoding="utf-8").strip()
        if value:
            return value
    except FileNotFoundError:
        pass
    return new_client_id(settings)


def new_client_id(settings: Settings) -> str:
    value = str(uuid.uuid4())
    write_private(settings.client_id_file, value)
    return value


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` with mode 0600, atomically (temp file + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def read_json(path: Path) -> dict[str, Any] | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None
