"""The in-process farm (the default): the local renderer, in this process, one render at a time.

One at a time because each ffmpeg already uses every core it can get: parallel renders on one
machine only thrash. Nothing here imports anything beyond what a single export uses.
"""

from __future__ import annotations

from ..backends.base import ProgressCallback, RenderOutput
from ..config import Settings
from .base import FarmTask, RenderFarm


class LocalFarm(RenderFarm):
    name = "local"

    def __init__(self, settings: Settings, workers: int = 1) -> None:
        self.settings = settings
        self.workers = workers

    async def render(self, task: FarmTask, on_progress: ProgressCallback | None = None) -> RenderOutput:
        from ..backends.local.render import render_draft

        return await render_draft(task.parsed(), task.request, self.settings, on_progress)
