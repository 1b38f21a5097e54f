"""The in-process farm (the default): the local renderer, in this process, one render at a time.

One at a time because each ffmpeg already uses every core it can get: parallel renders on one
machine only thrash. The one slot is the process's (:func:`nemo_video.locks.render_slot`), shared
with the local backend's plain exports. A timeline longer than ``NEMO_CHUNK_SECONDS`` (off unless
set) is split into chunks encoded at once, one per core, inside that slot. Nothing here imports
anything beyond what a single export uses.
"""

from __future__ import annotations

import os
from typing import Any

from ..backends.base import ProgressCallback, RenderOutput, RenderRequest
from ..config import Settings, chunk_threshold
from ..draft import Draft
from ..locks import render_slot
from .base import FarmTask, RenderFarm


class LocalFarm(RenderFarm):
    name = "local"

    def __init__(self, settings: Settings, workers: int = 1, chunk_threshold_s: float | None = None) -> None:
        self.settings = settings
        self.workers = workers
        # None: from the settings (NEMO_CHUNK_SECONDS; off when unset); 0: never split.
        threshold = chunk_threshold(settings, on_ray=False) if chunk_threshold_s is None else chunk_threshold_s
        self.chunk_threshold_s = threshold or None
        self.chunk_workers = os.cpu_count() or 1  # chunks run as parallel ffmpeg on this machine's cores

    async def render(self, task: FarmTask, on_progress: ProgressCallback | None = None) -> RenderOutput:
        async with render_slot():
            return await self.render_here(task.parsed(), task.request, on_progress)

    async def render_here(
        self, draft: Draft, request: RenderRequest, on_progress: ProgressCallback | None = None
    ) -> RenderOutput:
        """Render now, the caller holding the render slot: in chunks when long enough, else whole."""
        from ..backends.local.render import render_draft

        seconds = (draft.total_ms() or 0) / 1000
        if self.chunk_threshold_s is not None and seconds > self.chunk_threshold_s:
            from .chunks import chunk_count, render_chunked

            output = await render_chunked(
                draft,
                request,
                self.settings,
                on_progress=on_progress,
                chunks=chunk_count(seconds, self.chunk_threshold_s, self.chunk_workers),
                workers=self.chunk_workers,
            )
            if output is not None:
                return output
        return await render_draft(draft, request, self.settings, on_progress)

    def describe(self) -> dict[str, Any]:
        return {"farm": self.name, "workers": self.workers, "chunk_s": self.chunk_threshold_s}
