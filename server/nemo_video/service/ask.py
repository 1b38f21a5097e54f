"""Free text decided once: the route, whether it spends credits, whether an export follows, and how.

:func:`plan` reads the skill's intent table one time and answers everything the faces need to show
or ask before acting (the MCP ``ask`` tool asks for consent when ``spends_credits``; the chat runs the
export that ``export_follows`` with ``export``'s options). :meth:`VideoService.ask` acts on the plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from ..backends.base import Credits, OutputFormat, Quality
from ..errors import ErrorCode, NemoVideoError
from .jobs import Job
from .results import Route, StateResult, UploadResult

if TYPE_CHECKING:
    from .core import VideoService

MAX_REQUEST_CHARS = 20_000  # far beyond any description of a 3-minute video; a pasted file is a mistake

_FORMATS: tuple[OutputFormat, ...] = ("mp4", "webm", "mov", "gif")


class ExportOptions(BaseModel):
    """The export settings a sentence named ("… as a 720p webm"), as ``start_export`` takes them."""

    format: OutputFormat = "mp4"
    quality: Quality = "high"
    height: int | None = Field(default=None, ge=64, le=4320)


class AskPlan(BaseModel):
    """What a line of free text will do, decided before anything runs."""

    route: Route = Field(description="The action the text ends in (upload-then-generate is 'generate').")
    reason: str = Field(description="Why the text was routed there.")
    spends_credits: bool = Field(description="True when it sends words to the paid cloud agent: ask first.")
    uploads: bool = Field(default=False, description="Media named in the text is uploaded first.")
    export_follows: bool = Field(
        default=False,
        description="The text also asked for the video file: export with `export` once the generation is done.",
    )
    export: ExportOptions = Field(default_factory=ExportOptions)
    paths: list[str] = Field(default_factory=list)
    urls: list[str] = Field(default_factory=list)
    agent_text: str = Field(default="", description="What goes to the agent when the route is generate.")


AskResult = Job | Credits | StateResult | UploadResult


@dataclass(frozen=True)
class Asked:
    """A plan and what acting on it gave: a running :class:`Job` (generate, export) or a value."""

    plan: AskPlan
    result: AskResult


def check_request_length(text: str) -> None:
    """Refuse a request no person would type (it would cost cloud credits and say nothing more)."""
    if len(text) > MAX_REQUEST_CHARS:
        raise NemoVideoError(
            ErrorCode.INVALID_INPUT,
            f"The request is {len(text):,} characters long; the limit is {MAX_REQUEST_CHARS:,}.",
            hint=f"Shorten the request to under {MAX_REQUEST_CHARS:,} characters: describe the video and "
            "quote only the lines it should show.",
        )


def plan(text: str, *, spends_on_agent: bool) -> AskPlan:
    """Route ``text`` once; ``spends_on_agent`` is the backend's rule (the cloud agent costs credits)."""
    from ..skill.intents import route

    chosen = route(text)
    options = chosen.options
    then, rest = options.get("then"), str(options.get("then_text") or "").strip()
    action: Literal["export", "credits", "state", "upload", "generate"] = chosen.action
    reason, agent_text, uploads = chosen.reason, "", False
    if action == "upload" and not (chosen.paths or chosen.urls):
        action = "generate"
    if action == "upload":
        uploads = True
        if then == "generate" and rest:  # "upload a.jpg and make a video"
            action, agent_text = "generate", rest
            reason = f"{chosen.reason}, uploaded, then the rest of the text"
    elif action == "generate":
        agent_text = text
    return AskPlan(
        route=action,
        reason=reason,
        spends_credits=spends_on_agent and action == "generate",
        uploads=uploads,
        export_follows=action == "generate" and then == "export",
        export=_export_options(options),
        paths=list(chosen.paths) if uploads else [],
        urls=list(chosen.urls) if uploads else [],
        agent_text=agent_text,
    )


def _export_options(options: dict[str, Any]) -> ExportOptions:
    fmt = options.get("format")
    height = options.get("height")
    return ExportOptions(
        format=fmt if fmt in _FORMATS else "mp4",
        quality="draft" if options.get("quality") == "draft" else "high",
        height=height if isinstance(height, int) and 64 <= height <= 4320 else None,
    )


async def act(
    service: VideoService,
    chosen: AskPlan,
    text: str,
    *,
    confirm_spend: bool,
    roots: Sequence[Path],
    client: str,
) -> Asked:
    """Do what the plan says, for ``client``."""
    result: AskResult
    if chosen.route == "export":
        result = await service.start_export(**chosen.export.model_dump(), client=client)
    elif chosen.route == "credits":
        result = await service.credits()
    elif chosen.route == "state":
        result = await service.state(client)
    elif chosen.route == "upload":
        result = await service.upload(chosen.paths, chosen.urls, roots=roots, client=client)
    else:
        text = chosen.agent_text or text
        result = await service.start_generate(
            text, chosen.paths, chosen.urls, confirm_spend=confirm_spend, roots=roots, client=client
        )
    return Asked(chosen, result)
