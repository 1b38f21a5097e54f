"""The in-process farm (the default): the local renderer, in this process, one render at a time.

One at a time because each ffmpeg already uses every core it can get: parallel renders on one
machine only thrash. Nothing here imports anything beyond what a single export uses.
"""

from __future__ import annotations

import os

from ..backends.base import ProgressCallback, RenderOutput
from ..config import Settings
from .base import FarmTask, RenderFarm


class LocalFarm(RenderFarm):
    name = "local"

    def __init__(self, settings: Settings, workers: int = 1, chunk_threshold_s: float | None = None) -> None:
        self.settings = settings
        self.workers = workers
        self.chunk_threshold_s = chunk_threshold_s  # None: never split a long timeline

    async def render(self, task: FarmTask, on_progress: ProgressCallback | None = None) -> RenderOutput:
        from ..backends.local.render import render_draft

        draft = task.parsed()
        seconds = (draft.total_ms() or 0) / 1000
        if self.chunk_threshold_s is not None and seconds > self.chunk_threshold_s:
            from .chunks import chunk_count, render_chunked

            cores = os.cpu_count() or 1
            output = await render_chunked(
                draft,
                task.request,
                self.settings,
                on_progress=on_progress,
                chunks=chunk_count(seconds, self.chunk_threshold_s, cores),
                workers=cores,
            )
            if output is not None:
                return output
        return await render_draft(draft, task.request, self.settings, on_progress)
