"""Variants: one composition rendered in several formats, each re-laid out for its shape.

``set_format`` re-lays the composition out (safe zones, text sizes and crops recomputed, never
letterboxed); every format is one farm task, so on Ray they render at once. On the cloud backend
each format is one render on NemoVideo's render proxy (free: no agent message, no credits). The
result lists every file and its poster.
"""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast, get_args

from pydantic import BaseModel, ConfigDict

from ..backends.base import Asset, OutputFormat, Quality, Session
from ..composition import apply, from_draft, to_draft
from ..composition.defaults import Aspect
from ..composition.ops import SetFormat
from ..draft import Draft
from ..errors import ErrorCode, NemoVideoError
from ..render_farm import FarmResult, FarmTask, RenderFarm, create_farm
from .jobs import DEFAULT_CLIENT, Job, JobBody

if TYPE_CHECKING:
    from .core import VideoService

ASPECTS: tuple[str, ...] = get_args(Aspect)


class ManyResult(BaseModel):
    """The result of a job that made many files (variants, a batch): kept whole in the job record."""

    model_config = ConfigDict(extra="allow")


def many_job(body: Callable[[Job], Awaitable[dict[str, Any]]]) -> JobBody:
    """A job body returning a plain mapping, as the job manager's typed body (its record keeps it whole)."""

    async def run(job: Job) -> Any:
        return ManyResult(**await body(job))

    return cast(JobBody, run)


_FARMS: weakref.WeakKeyDictionary[VideoService, RenderFarm] = weakref.WeakKeyDictionary()


def farm_of(service: VideoService) -> RenderFarm:
    """The service's render farm, made on first use (so Ray is started or joined only when needed)."""
    farm = _FARMS.get(service)
    if farm is None:
        farm = _FARMS[service] = create_farm(service.settings)
    return farm


def renders_for(service: VideoService, session: Session) -> RenderFarm:
    """Where ``session``'s farm tasks render: the render farm locally, NemoVideo's proxy on the cloud."""
    if service.backend_name == "cloud":
        from .cloud_renders import CloudRenders

        return CloudRenders(service, session)
    return farm_of(service)


def parse_variants(value: str | Sequence[str]) -> list[str]:
    """``"9:16,1:1"`` or ``["9:16", "1:1"]`` → checked, de-duplicated aspects in order."""
    items = value.split(",") if isinstance(value, str) else list(value)
    found: list[str] = []
    for item in (i.strip().replace("x", ":") for i in items):
        if not item:
            continue
        if item not in ASPECTS:
            raise NemoVideoError(
                ErrorCode.INVALID_INPUT,
                f"{item!r} is not a format nemo-video can lay a video out for.",
                hint=f"Use some of {', '.join(ASPECTS)}, e.g. variants=9:16,1:1,16:9.",
            )
        if item not in found:
            found.append(item)
    if not found:
        raise NemoVideoError(ErrorCode.INVALID_INPUT, "No variants were given.", hint="e.g. variants=9:16,1:1,16:9")
    return found


def variant_drafts(draft: Draft, media: Sequence[Asset], aspects: Sequence[str]) -> dict[str, Draft]:
    """Each aspect's draft: the composition re-laid out with ``set_format``."""
    comp = from_draft(draft, media)
    return {
        aspect: to_draft(apply(comp, [SetFormat(op="set_format", aspect=aspect)], media), media)  # type: ignore[arg-type]
        for aspect in aspects
    }


def tag(aspect: str) -> str:
    return aspect.replace(":", "x")


def variant_summary(aspect: str, result: FarmResult) -> dict[str, Any]:
    out: dict[str, Any] = {"variant": aspect, "status": "completed" if result.ok else "failed"}
    if result.output is not None:
        o = result.output
        out |= {
            "path": str(o.path),
            "uri": o.path.as_uri(),
            "size_bytes": o.size_bytes,
            "format": o.format,
            "duration_s": o.duration_s,
            "width": o.width,
            "height": o.height,
            "poster": str(o.poster) if o.poster else None,
            "contact_sheet": str(o.contact_sheet) if o.contact_sheet else None,
        }
    if result.error is not None:
        out["error"] = result.error.to_dict()
    return out


async def start_variants(
    service: VideoService,
    variants: str | Sequence[str],
    *,
    format: OutputFormat = "mp4",
    quality: Quality = "high",
    filename: str | None = None,
    height: int | None = None,
    overwrite: bool = False,
    client: str = DEFAULT_CLIENT,
) -> Job:
    """Render the current video once per aspect, as one job whose result lists every file.

    The request kept in the job record (``variants`` and the options) is what ``rerun`` repeats."""
    aspects = parse_variants(variants)
    session = await service.session(client)
    state = await service._state(session, client)
    if state.draft is None or not state.draft.exportable:
        raise NemoVideoError(ErrorCode.NOTHING_TO_EXPORT, "The timeline is empty: there is nothing to export.")
    drafts = variant_drafts(state.draft, state.media, aspects)
    stem = filename or f"nemo-video-{datetime.now():%Y%m%d-%H%M%S}"
    tasks = [
        FarmTask(
            draft=d.to_wire(),
            format=format,
            quality=quality,
            height=height,
            overwrite=overwrite,
            label=a,
            destination=service.names.reserve(
                service.output_dir(client), f"{stem}-{tag(a)}", format, overwrite=overwrite
            ),
        )
        for a, d in drafts.items()
    ]

    async def body(job: Job) -> dict[str, Any]:
        try:
            results = await renders_for(service, session).run(
                tasks, on_progress=lambda done, total, msg: job.progress(0.05 + 0.9 * done / total, msg)
            )
        finally:
            for task in tasks:
                service.names.release(task.destination)
        failed = [r for r in results if not r.ok]
        if len(failed) == len(results) and failed[0].error is not None:
            raise failed[0].error
        return {
            "variants": [variant_summary(a, r) for a, r in zip(aspects, results, strict=True)],
            "files": [str(r.output.path) for r in results if r.output is not None],
            "failed": len(failed),
        }

    return service.jobs.start(
        "render",
        many_job(body),
        session_id=session.id,
        client=client,
        message=f"rendering {len(tasks)} variants",
        request={"variants": aspects, "format": format, "quality": quality, "filename": filename, "height": height},
    )
