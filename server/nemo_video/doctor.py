"""``nemo-video doctor``: what works on this machine, checked for real, and what to do when not.

Never prints a token: it reports only where one would come from. The render farm is reported without
importing Ray unless ``NEMO_RAY_ADDRESS`` is set; then the cluster is joined (``auto``: started, then
stopped) to count its workers and nodes.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

import anyio
import httpx

from .config import Settings, chunk_threshold, read_json
from .errors import NemoVideoError

Status = Literal["ok", "warn", "fail"]


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str
    hint: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


async def run_checks(settings: Settings) -> list[Check]:
    checks = [
        await check_ffmpeg(settings),
        check_fonts(settings),
        *[
            check_writable(name, path)
            for name, path in (
                ("data folder", settings.data_dir),
                ("output folder", settings.output_dir),
                ("config folder", settings.config_dir),
            )
        ],
        Check(
            "backend",
            "ok",
            f"{settings.backend}" + (" (offline, free)" if settings.backend == "local" else f" at {settings.api_base}"),
        ),
        check_token(settings),
        check_farm(settings),
    ]
    if settings.backend == "cloud":
        checks.append(await check_reachable(settings))
    return checks


async def check_ffmpeg(settings: Settings) -> Check:
    from .media import locate

    try:
        binary = locate(settings)
        with anyio.fail_after(20):
            result = await anyio.run_process([binary, "-hide_banner", "-version"], check=False)
    except (NemoVideoError, OSError, TimeoutError) as exc:
        return Check(
            "ffmpeg",
            "fail",
            f"not usable: {exc}",
            "Reinstall with `pip install --force-reinstall imageio-ffmpeg` or set NEMO_FFMPEG.",
        )
    first = result.stdout.decode("utf-8", "replace").splitlines()[:1] or ["?"]
    if result.returncode != 0:
        return Check(
            "ffmpeg", "fail", f"{binary} exited with {result.returncode}", "Set NEMO_FFMPEG to a working ffmpeg."
        )
    return Check("ffmpeg", "ok", f"{first[0]} ({binary})")


def check_fonts(settings: Settings) -> Check:
    from .backends.local.render import fonts

    latin = fonts.roboto(bold=True)
    cjk = fonts.noto_cjk()
    if latin is None:
        return Check(
            "fonts",
            "fail",
            "no Latin title font found",
            "Reinstall nemo-video (it depends on font-roboto) or set NEMO_FONT_DIRS.",
        )
    if cjk is None:
        return Check(
            "fonts",
            "warn",
            f"Latin: {latin.name}; no CJK font (Chinese titles will fail)",
            "pip install noto-cjk-sans-otc, or set NEMO_FONT_DIRS to a folder with a CJK font.",
        )
    return Check("fonts", "ok", f"Latin: {latin.name}; CJK: {cjk.name}")


def check_writable(name: str, path: Path) -> Check:
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".doctor-"):
            pass
    except OSError as exc:
        return Check(
            name,
            "fail",
            f"{path} is not writable ({exc.strerror})",
            f"Fix the permissions of {path} or point nemo-video elsewhere (see the README's configuration).",
        )
    return Check(name, "ok", str(path))


def check_token(settings: Settings) -> Check:
    if settings.token:
        return Check("token", "ok", "NEMO_TOKEN is set (value not shown)")
    cached = read_json(settings.token_file)
    if cached and cached.get("token"):
        return Check("token", "ok", f"cached anonymous token in {settings.token_file} (value not shown)")
    status: Status = "warn" if settings.backend == "cloud" else "ok"
    return Check(
        "token",
        status,
        "none yet: the cloud backend fetches a free anonymous token on first use"
        if settings.backend == "cloud"
        else "not needed for the local backend",
    )


def check_farm(settings: Settings) -> Check:
    """Where renders run: in this process, or the Ray cluster's workers and nodes (joined to count them)."""
    if not settings.ray_address:
        local = chunk_threshold(settings, on_ray=False)
        split = f"; exports over {local:g} s are split into chunks" if local else ""
        return Check("render farm", "ok", f"in this process, one render at a time{split}")
    from .render_farm.ray_farm import RayFarm, shown

    address = shown(settings.ray_address)  # never a credential
    was_connected = "ray" in sys.modules and sys.modules["ray"].is_initialized()
    try:
        farm = RayFarm(settings, settings.ray_address)
    except NemoVideoError as exc:
        return Check("render farm", "fail", exc.message, exc.hint or "")
    try:
        facts = farm.describe()
    finally:
        if not was_connected:
            farm.ray.shutdown()  # a Ray started for this check stops with it; a cluster is only left
    auth = "token authentication on" if facts["token_auth"] else "no authentication"
    chunks = f"exports over {facts['chunk_s']:g} s split into chunks" if facts["chunk_s"] else "no chunking"
    return Check(
        "render farm",
        "ok" if auth.startswith("token") else "warn",
        f"Ray at {address}: {facts['workers']} workers on {facts['nodes']} node(s); {auth}; {chunks}",
        "" if auth.startswith("token") else "Set RAY_AUTH_MODE=token on every node (see docs/scale.md).",
    )


async def check_reachable(settings: Settings) -> Check:
    try:
        async with httpx.AsyncClient(timeout=5.0) as client:
            response = await client.get(settings.api_base + "/")
    except httpx.HTTPError as exc:
        return Check(
            "cloud",
            "fail",
            f"{settings.api_base} is unreachable ({type(exc).__name__})",
            "Check the network (or NEMO_API_URL); the local backend works offline.",
        )
    return Check("cloud", "ok", f"{settings.api_base} answered HTTP {response.status_code}")


__all__ = ["Check", "check_farm", "run_checks"]
