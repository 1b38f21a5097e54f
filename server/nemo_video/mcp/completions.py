"""``completion/complete`` for prompt arguments: the values nemo-video understands, by argument name.

The values are read from the composition's own types (aspect ratios, platforms, music moods, output
formats), so a new preset shows up here without a second list. A prefix match ranks first, then
values that merely contain what was typed; an argument with free text (a tagline, photo paths)
completes to nothing, as does an unknown prompt or a resource template.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, get_args

from mcp.server.mcpserver import MCPServer
from mcp_types import Completion, CompletionArgument, CompletionContext, PromptReference, ResourceTemplateReference

from ..backends.base import OutputFormat, Quality
from ..composition.defaults import Aspect, Mood, Platform

MAX_VALUES = 100  # the spec's limit per response

_ASPECTS = get_args(Aspect)
VALUES: Mapping[str, tuple[str, ...]] = {
    "ratio": _ASPECTS,
    "aspect": _ASPECTS,
    "aspect_ratio": _ASPECTS,
    "platform": get_args(Platform),
    "mood": get_args(Mood),
    "music": get_args(Mood),
    "format": get_args(OutputFormat),
    "quality": get_args(Quality),
    "seconds": ("6", "10", "15", "20", "30", "45", "60"),
}


def complete(argument: str, typed: str) -> Completion:
    """The known values of ``argument`` that match ``typed`` (prefix matches first)."""
    known = VALUES.get(argument, ())
    typed = typed.strip().lower()
    first = [v for v in known if v.lower().startswith(typed)]
    then = [v for v in known if typed and typed in v.lower() and v not in first]
    found = first + then
    return Completion(values=found[:MAX_VALUES], total=len(found), has_more=len(found) > MAX_VALUES)


def register_completions(server: MCPServer[Any]) -> None:
    @server.completion()  # type: ignore[no-untyped-call, untyped-decorator]
    async def handle(
        ref: PromptReference | ResourceTemplateReference,
        argument: CompletionArgument,
        context: CompletionContext | None,
    ) -> Completion | None:
        if not isinstance(ref, PromptReference):
            return None
        prompts = {p.name: p for p in await server.list_prompts()}
        prompt = prompts.get(ref.name)
        if prompt is None or argument.name not in {a.name for a in prompt.arguments or ()}:
            return None
        return complete(argument.name, argument.value)
