"""The Ray farm: one Ray task per render, media and results through the object store.

``NEMO_RAY_ADDRESS=auto`` starts a Ray on this machine (one worker per core, token authentication
on, no dashboard); ``ray://host:10001`` or ``host:6379`` joins an existing cluster. This module is
imported only when that variable is set, so nobody else pays for importing Ray.

Each media file is put into the object store once and shared by every task that reads it; each task
renders in its own temporary folder on whatever node runs it and returns the file's bytes; here the
bytes are written under a temporary name beside the destination, checked (hash, probe: size,
duration, codec) and only then renamed into place. A worker that dies mid-task is retried
(``max_retries``); cancelling the job cancels its Ray tasks.

A timeline longer than ``NEMO_CHUNK_SECONDS`` (60 s by default here) is split at cuts
(:mod:`.chunks`): each chunk is a Ray task of its own (the same media references; the worker plans
the draft again and encodes its frame range), the sound is one more task, and the chunks come back
as bytes to be joined (concat demuxer, ``-c copy``), verified and renamed into place here.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anyio

from .. import media as ff
from ..backends.base import ProgressCallback, RenderOutput
from ..backends.local.render.plan import RenderPlan
from ..config import Settings, chunk_threshold
from ..draft import Draft
from ..errors import ErrorCode, NemoVideoError
from .base import FarmTask, RenderFarm
from .worker import ProgressBoard, render_bytes, render_piece

log = logging.getLogger(__name__)
MAX_RETRIES = 2
PROGRESS_POLL_S = 0.5
CONNECT_TIMEOUT_S = 5.0


def _ray() -> Any:
    # Token authentication on for a Ray this process starts (Ray reads the mode when it is imported;
    # from 2.59 it is on by default for local clusters). A cluster we join keeps its own setting.
    if "ray" not in sys.modules:
        os.environ.setdefault("RAY_AUTH_MODE", "token")
    try:
        import ray
    except ImportError as exc:
        raise NemoVideoError(
            ErrorCode.BACKEND_UNREACHABLE,
            "NEMO_RAY_ADDRESS is set but Ray is not installed.",
            hint='Install it with pip install "nemo-video-mcp[cluster]", or unset NEMO_RAY_ADDRESS.',
        ) from exc
    return ray


def connect(address: str, num_cpus: int | None = None) -> Any:
    """Start (``auto``) or join (anything else) a Ray cluster; the ``ray`` module, ready."""
    ray = _ray()
    if ray.is_initialized():
        return ray
    common: dict[str, Any] = {"logging_level": logging.WARNING, "log_to_driver": False}
    try:
        if address == "auto":
            ray.init(num_cpus=num_cpus or os.cpu_count() or 1, include_dashboard=False, **common)
        else:
            _answers(address)  # Ray itself waits minutes for an address nobody listens on
            ray.init(address=address, **common)
    except (ConnectionError, RuntimeError, ValueError, OSError) as exc:
        raise _unreachable(address, str(exc)) from exc
    return ray


def _answers(address: str, timeout_s: float = CONNECT_TIMEOUT_S) -> None:
    """Raise OSError unless something accepts a TCP connection at ``host:port`` (``ray://`` or not)."""
    host, _, port = address.removeprefix("ray://").rpartition("@")[2].rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"{address!r} is not host:port or ray://host:port")
    with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s):
        pass


def shown(address: str) -> str:
    """``address`` fit to print: any ``user:secret@`` in it removed."""
    return address.rpartition("@")[2] if "@" in address else address


def _unreachable(address: str, why: str) -> NemoVideoError:
    return NemoVideoError(
        ErrorCode.BACKEND_UNREACHABLE,
        f"Could not reach the Ray cluster at {shown(address)}: {why}",
        hint="Check NEMO_RAY_ADDRESS (auto, ray://host:10001 or host:6379) and RAY_AUTH_TOKEN, "
        "or unset NEMO_RAY_ADDRESS to render in this process.",
    )


def token_auth() -> bool:
    """Whether this driver talks to Ray with token authentication (Ray's own setting; a cluster with
    another setting would not have let it join)."""
    try:
        from ray._private.authentication.authentication_utils import is_token_auth_enabled
    except ImportError:  # a Ray without it: its environment variable says
        return os.environ.get("RAY_AUTH_MODE", "").lower() == "token"
    return bool(is_token_auth_enabled())


class RayFarm(RenderFarm):
    name = "ray"
    progress_poll_s = PROGRESS_POLL_S

    def __init__(self, settings: Settings, address: str, *, num_cpus: int | None = None) -> None:
        self.settings = settings
        self.address = address
        self.ray = connect(address, num_cpus)
        self.workers = max(1, int(self.ray.cluster_resources().get("CPU", 1)))
        task = self.ray.remote(num_cpus=1, max_retries=MAX_RETRIES)
        self._remote, self._piece = task(render_bytes), task(render_piece)
        self.chunk_threshold_s = chunk_threshold(settings, on_ray=True)
        self._refs: dict[Path, Any] = {}  # media already in the object store, shared by every task
        self._board: Any = None  # the ProgressBoard actor, made for the first render that shows a bar

    def _media_ref(self, path: Path) -> Any:
        ref = self._refs.get(path)
        if ref is None:
            if not path.is_file():
                raise NemoVideoError(
                    ErrorCode.MEDIA_NOT_FOUND,
                    f"The timeline uses {path}, which no longer exists.",
                    hint="Upload the file again, or ask the agent to remove it from the video.",
                )
            ref = self._refs[path] = self.ray.put(path.read_bytes())
        return ref

    async def render(self, task: FarmTask, on_progress: ProgressCallback | None = None) -> RenderOutput:
        destination = task.destination.expanduser().resolve()
        if destination.exists() and not task.overwrite:
            raise NemoVideoError(ErrorCode.OUTPUT_EXISTS, f"{destination} already exists.")
        draft = task.parsed()
        seconds = (draft.total_ms() or 0) / 1000
        if self.chunk_threshold_s is not None and seconds > self.chunk_threshold_s and task.format in ("mp4", "mov"):
            output = await self._render_chunked(task, draft, on_progress)
            if output is not None:
                return output
        media = task.media()
        refs = [self._media_ref(path) for path in media.values()]
        if on_progress is not None:
            on_progress(0.05, "queued on the Ray cluster")
        options = self._options(task)
        if on_progress is None:
            reply = await self._call(self._remote, task.draft, options, list(media), *refs)
        else:
            reply = await self._watched(on_progress, self._remote, task.draft, options, list(media), *refs)
        output = await self._place(reply, destination)
        if on_progress is not None:
            on_progress(1.0, f"Rendered to {destination.name} on the Ray cluster")
        return output

    def _options(self, task: FarmTask) -> dict[str, Any]:
        return {
            "format": task.format,
            "quality": task.quality,
            "height": task.height,
            "timeout_s": self.settings.render_timeout_s,
        }

    async def _call(self, remote: Any, *args: Any) -> dict[str, Any]:
        """Run one Ray task and await its reply; cancelled here, cancelled there. A render's own
        error (in the reply) is raised as itself; a task that crashed past its retries, as render_failed."""
        ref = remote.remote(*args)
        try:
            reply: dict[str, Any] = await ref
        except BaseException as exc:
            self.ray.cancel(ref, force=True)  # a cancelled job leaves no task running on the cluster
            if isinstance(exc, Exception) and not isinstance(exc, NemoVideoError):
                raise NemoVideoError(
                    ErrorCode.RENDER_FAILED,
                    f"The render failed on the Ray cluster after {MAX_RETRIES} retries: {type(exc).__name__}.",
                    hint="Check the cluster's workers (ray status), then export again.",
                ) from exc
            raise
        if "error" in reply:
            error = reply["error"]
            raise NemoVideoError(error["code"], error["message"], hint=error.get("hint"))
        return reply

    async def _watched(self, on_progress: ProgressCallback, remote: Any, *args: Any) -> dict[str, Any]:
        """:meth:`_call`, forwarding the task's own progress (posted to the board) as it renders."""
        if self._board is None:
            self._board = self.ray.remote(num_cpus=0)(ProgressBoard).remote()
        key = secrets.token_hex(8)
        draft, options, *rest = args

        async def watch() -> None:
            farthest = 0.0  # a retried task starts again from zero: the bar only moves forward
            while True:
                await anyio.sleep(self.progress_poll_s)
                try:
                    latest = await self._board.take.remote(key)
                except Exception:  # the board is gone: the render goes on without a moving bar
                    log.warning("Lost the Ray progress board; the render continues without progress.")
                    return
                if latest is not None and latest[0] > farthest:
                    farthest = latest[0]
                    on_progress(0.05 + 0.9 * farthest, f"{latest[1]} on the Ray cluster")

        reply: dict[str, Any] = {}
        failure: Exception | None = None
        async with anyio.create_task_group() as tg:
            tg.start_soon(watch)
            try:
                reply = await self._call(remote, draft, {**options, "progress": (self._board, key)}, *rest)
            except Exception as exc:  # raised below, as itself (not inside the task group's ExceptionGroup)
                failure = exc
            tg.cancel_scope.cancel()
        if failure is not None:
            raise failure
        return reply

    async def _render_chunked(
        self, task: FarmTask, draft: Draft, on_progress: ProgressCallback | None
    ) -> RenderOutput | None:
        """A long timeline as one Ray task per chunk (and one for its sound), joined and verified here."""
        from .chunks import Piece, chunk_count, render_chunked

        assert self.chunk_threshold_s is not None
        media = task.media()
        refs = [self._media_ref(path) for path in media.values()]
        options = self._options(task)

        async def encode(plan: RenderPlan, piece: Piece | None, out: Path) -> None:
            wire = None if piece is None else piece.wire()
            reply = await self._call(
                self._piece, task.draft, {**options, "frames": plan.frames}, wire, list(media), *refs
            )
            data: bytes = reply["data"]
            if hashlib.sha256(data).hexdigest() != reply["sha256"]:
                raise NemoVideoError(ErrorCode.RENDER_FAILED, "A chunk arrived from the worker damaged.")
            out.write_bytes(data)

        seconds = (draft.total_ms() or 0) / 1000
        return await render_chunked(
            draft,
            task.request,
            self.settings,
            chunks=chunk_count(seconds, self.chunk_threshold_s, self.workers),
            encoder=encode,
            on_progress=on_progress,
        )

    async def _place(self, reply: dict[str, Any], destination: Path) -> RenderOutput:
        """Write the worker's bytes under temporary names, verify, then rename into place."""
        from ..backends.local.render import sidecars

        destination.parent.mkdir(parents=True, exist_ok=True)
        tag = f".{destination.stem}.{os.getpid()}.{secrets.token_hex(4)}.partial"
        temp = destination.with_name(f"{tag}.{reply['format']}")
        poster_tmp, sheet_tmp = destination.with_name(f"{tag}.poster.jpg"), destination.with_name(f"{tag}.contact.jpg")
        poster, sheet = sidecars(destination)
        with _temporaries(temp, poster_tmp, sheet_tmp):
            video: bytes = reply["video"]
            if hashlib.sha256(video).hexdigest() != reply["sha256"]:
                raise NemoVideoError(ErrorCode.RENDER_FAILED, "The video arrived from the worker damaged.")
            temp.write_bytes(video)
            info = await ff.probe(temp, ff.locate(self.settings))
            expected = (reply["width"], reply["height"])
            if (
                (info.width, info.height) != expected
                or info.duration_s is None
                or (reply["duration_s"] is not None and abs(info.duration_s - reply["duration_s"]) > 0.05)
            ):
                raise NemoVideoError(
                    ErrorCode.RENDER_FAILED,
                    f"The video from the worker is {info.width}x{info.height}, {info.duration_s} s; "
                    f"expected {expected[0]}x{expected[1]}, {reply['duration_s']} s.",
                )
            if reply["poster"]:
                poster_tmp.write_bytes(reply["poster"])
            if reply["contact"]:
                sheet_tmp.write_bytes(reply["contact"])
            os.replace(temp, destination)
            if reply["poster"]:
                os.replace(poster_tmp, poster)
            if reply["contact"]:
                os.replace(sheet_tmp, sheet)
        return RenderOutput(
            path=destination,
            size_bytes=destination.stat().st_size,
            format=reply["format"],
            duration_s=info.duration_s,
            width=info.width,
            height=info.height,
            poster=poster if reply["poster"] else None,
            contact_sheet=sheet if reply["contact"] else None,
        )

    def describe(self) -> dict[str, Any]:
        nodes = [n for n in self.ray.nodes() if n.get("Alive")]
        return {
            "farm": self.name,
            "workers": self.workers,
            "nodes": len(nodes),
            "chunk_s": self.chunk_threshold_s,
            "token_auth": token_auth(),
        }


@contextmanager
def _temporaries(*paths: Path) -> Iterator[None]:
    try:
        yield
    except BaseException:
        for path in paths:
            path.unlink(missing_ok=True)
        raise
