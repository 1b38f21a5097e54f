"""The render farm's interface: tasks in, verified files out (DESIGN §9).

A :class:`FarmTask` is everything one render needs and nothing that ties it to this machine: the
draft (wire JSON), the media it reads (by ``src``, as paths on the driver; a remote farm ships their
bytes), and the render options. ``render`` runs one task; ``run`` runs many, as many at once as the
farm has workers, and reports "3/12 rendered" as each finishes. A task that fails never stops the
others: ``run`` returns one :class:`FarmResult` per task, in order, each with a file or an error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio

from ..backends.base import OutputFormat, ProgressCallback, Quality, RenderOutput, RenderRequest
from ..draft import Draft
from ..errors import ErrorCode, NemoVideoError

log = logging.getLogger(__name__)
FarmProgress = Callable[[int, int, str], None]  # (done, total, message)


@dataclass(frozen=True)
class FarmTask:
    draft: dict[str, Any]
    destination: Path
    format: OutputFormat = "mp4"
    quality: Quality = "high"
    height: int | None = None
    overwrite: bool = False
    label: str = ""

    @property
    def request(self) -> RenderRequest:
        return RenderRequest(
            format=self.format,
            quality=self.quality,
            destination=self.destination,
            height=self.height,
            overwrite=self.overwrite,
        )

    def parsed(self) -> Draft:
        draft = Draft.from_wire(self.draft)
        if draft is None:
            raise NemoVideoError(ErrorCode.NOTHING_TO_EXPORT, "The timeline is empty.")
        return draft

    def media(self) -> dict[str, Path]:
        """The files the draft reads, by ``src`` (what a remote worker needs shipped to it)."""
        found: dict[str, Path] = {}
        for track in self.parsed().tracks:
            for seg in track.segments:
                if seg.src and seg.type in ("image", "video", "audio"):
                    found[seg.src] = Path(seg.src)
        return found


@dataclass(frozen=True)
class FarmResult:
    task: FarmTask
    output: RenderOutput | None = None
    error: NemoVideoError | None = None

    @property
    def ok(self) -> bool:
        return self.output is not None


@dataclass
class _Count:
    done: int = 0
    total: int = 0
    failed: list[str] = field(default_factory=list)


class RenderFarm:
    """Runs render tasks; subclasses say where (:meth:`render`) and how many at once (``workers``)."""

    name = "farm"
    workers = 1
    _limit: anyio.Semaphore | None = None

    async def render(self, task: FarmTask, on_progress: ProgressCallback | None = None) -> RenderOutput:
        raise NotImplementedError

    async def run(self, tasks: Sequence[FarmTask], on_progress: FarmProgress | None = None) -> list[FarmResult]:
        """Every task, ``workers`` at a time; one result per task, in order; failures stay per task."""
        results: list[FarmResult | None] = [None] * len(tasks)
        count = _Count(total=len(tasks))
        if self._limit is None:  # one limit per farm, shared by every run (rows of a batch run at once)
            self._limit = anyio.Semaphore(max(1, self.workers))
        limit = self._limit

        async def one(index: int, task: FarmTask) -> None:
            async with limit:
                try:
                    results[index] = FarmResult(task, output=await self.render(task))
                except NemoVideoError as exc:
                    log.warning("farm task %s failed: %s", task.label or task.destination.name, exc.message)
                    results[index] = FarmResult(task, error=exc)
                    count.failed.append(task.label)
            count.done += 1
            if on_progress is not None:
                on_progress(count.done, count.total, f"{count.done}/{count.total} rendered")

        async with anyio.create_task_group() as tg:
            for index, task in enumerate(tasks):
                tg.start_soon(one, index, task)
        return [r for r in results if r is not None]

    async def aclose(self) -> None:
        return None

    def describe(self) -> Mapping[str, Any]:
        return {"farm": self.name, "workers": self.workers}
