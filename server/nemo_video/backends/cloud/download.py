"""Saving a finished cloud render (CONTRACT §3.9).

The output URL is tried first (without the bearer token unless it points at the API host); when it
fails, ``/api/render/proxy/<id>/download`` is used with the token. Bytes stream into a temporary
file beside the destination, which is fsynced and then linked into place, so an existing file is
never overwritten and a failed download never leaves a partial file behind.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import get_args
from urllib.parse import urlsplit

import anyio
import httpx

from ...config import Settings
from ...errors import ErrorCode, NemoVideoError
from ...media import locate, probe
from ..base import OutputFormat, ProgressCallback, RenderOutput, RenderStatus
from .api import Api
from .http import read_reply, unreachable
from .redact import log

_CHUNK = 256 * 1024


async def fetch_output(
    settings: Settings,
    api: Api,
    status: RenderStatus,
    destination: Path,
    on_progress: ProgressCallback | None = None,
) -> RenderOutput:
    if status.status != "completed":
        raise NemoVideoError(
            ErrorCode.JOB_RUNNING, f"The render {status.job_id} is {status.status}, not completed yet."
        )
    _refuse_existing(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    temp = destination.with_name(f".{destination.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        await _fetch_any(settings, api, status, temp, on_progress)
        _publish(temp, destination)
    finally:
        temp.unlink(missing_ok=True)
    return await _describe(settings, destination)


async def _fetch_any(
    settings: Settings, api: Api, status: RenderStatus, temp: Path, on_progress: ProgressCallback | None
) -> None:
    if status.output_url:
        same_host = _same_origin(status.output_url, settings.api_base)
        token = await api.auth.token() if same_host else None
        try:
            await _download(api, status.output_url, token, temp, on_progress)
            return
        except NemoVideoError as exc:
            log.info("Output URL of %s failed (%s); using the download fallback", status.job_id, exc.code)
    fallback = f"/api/render/proxy/{status.job_id}/download"
    token = await api.auth.token()
    try:
        await _download(api, fallback, token, temp, on_progress)
    except NemoVideoError as exc:
        if exc.code != ErrorCode.AUTH_EXPIRED:
            raise
        await _download(api, fallback, await api.auth.renew(token), temp, on_progress)


async def _download(api: Api, url: str, token: str | None, temp: Path, on_progress: ProgressCallback | None) -> None:
    what = "GET " + (urlsplit(url).path or url)
    try:
        async with api.http.stream("GET", url, token=token) as response:
            if response.status_code != 200:
                reply = await read_reply(response)
                raise reply.error() or NemoVideoError(
                    ErrorCode.BACKEND_ERROR, f"The download answered HTTP {reply.status}."
                )
            total = int(response.headers.get("content-length") or 0) or None
            written = await _write(response, temp, total, on_progress)
    except httpx.HTTPError as exc:
        raise unreachable(exc, what) from None
    if written == 0:
        raise NemoVideoError(ErrorCode.BACKEND_ERROR, "The download was empty.")


async def _write(response: httpx.Response, temp: Path, total: int | None, on_progress: ProgressCallback | None) -> int:
    written = 0
    async with await anyio.open_file(temp, "wb") as fh:
        async for chunk in response.aiter_bytes(_CHUNK):
            await fh.write(chunk)
            written += len(chunk)
            if on_progress is not None:
                fraction = min(1.0, written / total) if total else 0.0
                on_progress(fraction, f"Downloading the video ({written // 1024} KB)")
        await fh.flush()
        await anyio.to_thread.run_sync(os.fsync, fh.wrapped.fileno())
    return written


def _refuse_existing(destination: Path) -> None:
    if destination.exists():
        raise NemoVideoError(ErrorCode.OUTPUT_EXISTS, f"{destination} already exists; it was left untouched.")


def _publish(temp: Path, destination: Path) -> None:
    """Link, not rename: a link fails when the destination appeared meanwhile, a rename would not."""
    try:
        os.link(temp, destination)
    except FileExistsError:
        _refuse_existing(destination)
        raise
    except OSError:  # a filesystem without hard links
        _refuse_existing(destination)
        os.replace(temp, destination)


async def _describe(settings: Settings, path: Path) -> RenderOutput:
    suffix = path.suffix.lower().lstrip(".")
    fmt: OutputFormat = suffix if suffix in get_args(OutputFormat) else "mp4"  # type: ignore[assignment]
    duration = width = height = None
    try:
        info = await probe(path, locate(settings))
    except NemoVideoError:
        info = None  # not a video we can read: report the file without facts
    if info is not None and info.has_video:
        duration, width, height = info.duration_s, info.width, info.height
    return RenderOutput(
        path=path.resolve(),
        size_bytes=path.stat().st_size,
        format=fmt,
        duration_s=duration,
        width=width,
        height=height,
    )


def _same_origin(url: str, base: str) -> bool:
    target, api = urlsplit(url), urlsplit(base)
    return not target.netloc or (target.scheme, target.netloc) == (api.scheme, api.netloc)
