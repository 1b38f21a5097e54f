"""Farm tasks rendered by the NemoVideo render proxy: variants and batches on the cloud backend.

The cloud's export takes a draft and costs no credits, so a re-laid-out draft (a variant, a batch
row's format) is rendered exactly like an export: submitted in the task's session, polled,
downloaded into place and probed by the backend; then the poster is made here, as for an export.
A task that may overwrite (a batch row rendered again) is saved beside its destination first and
moved over it only once it is complete, so a failed render never costs the file that was there.
"""

from __future__ import annotations

import os
import uuid
import weakref
from typing import TYPE_CHECKING

import anyio

from ..backends.base import ProgressCallback, RenderOutput, Session
from ..media import locate
from ..render_farm import FarmTask, RenderFarm
from .outputs import describe, make_poster

if TYPE_CHECKING:
    from .core import VideoService

CLOUD_RENDERS_AT_ONCE = 3  # the proxy renders remotely; a few polls at once cost this machine nothing

_LIMITS: weakref.WeakKeyDictionary[VideoService, anyio.Semaphore] = weakref.WeakKeyDictionary()


class CloudRenders(RenderFarm):
    """Renders each task's draft in ``session`` on the cloud; every instance of one service shares
    one limit, so a batch's rows together keep at most :data:`CLOUD_RENDERS_AT_ONCE` renders going."""

    name = "cloud"
    workers = CLOUD_RENDERS_AT_ONCE

    def __init__(self, service: VideoService, session: Session) -> None:
        self.service = service
        self.session = session
        limit = _LIMITS.get(service)
        if limit is None:
            limit = _LIMITS[service] = anyio.Semaphore(CLOUD_RENDERS_AT_ONCE)
        self._limit = limit

    async def render(self, task: FarmTask, on_progress: ProgressCallback | None = None) -> RenderOutput:
        final = task.destination
        replacing = task.overwrite and final.exists()
        target = final.with_name(f".{final.stem}.{uuid.uuid4().hex[:8]}{final.suffix}") if replacing else final
        request = task.request.model_copy(update={"destination": target, "overwrite": False})
        try:
            output = await self.service.backend.render(self.session, task.parsed(), request, on_progress)
            if replacing:
                os.replace(target, final)
                output = output.model_copy(update={"path": final.resolve()})
        finally:
            if replacing:
                target.unlink(missing_ok=True)
        ffmpeg = locate(self.service.settings)
        output = await describe(output, ffmpeg)
        poster = await make_poster(output.path, ffmpeg, output.duration_s)
        return output.model_copy(update={"poster": poster.resolve() if poster else None})
