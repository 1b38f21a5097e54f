"""The one place where a failed tool call or prompt request becomes the answer a client gets.

Tools and their resolvers just raise :class:`~nemo_video.errors.NemoVideoError`; here it becomes an
``isError`` result (``Error [code]: … / Next step: …``, see :func:`content.error`). Arguments that
fail the input schema become ``invalid_input`` naming each field, an unknown tool names the tools
there are, and anything unexpected becomes ``internal`` with its traceback in the stderr log only.

``prompts/get`` for an unknown prompt or without a required argument answers JSON-RPC ``-32602``
with the reason, in every protocol version (the SDK's ``ValueError`` comes out as code 0 in
2025-11-25 and -32603 in 2026-07-28, with a traceback in the log).
"""

from __future__ import annotations

import logging
from typing import Any

from mcp.server.lowlevel.server import LifespanResultT
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp.shared.exceptions import MCPError
from mcp_types import INTERNAL_ERROR, INVALID_PARAMS, CallToolResult, GetPromptResult, InputRequiredResult
from pydantic import ValidationError

from ..errors import ErrorCode, NemoVideoError
from . import content
from .arguments import invalid_arguments

logger = logging.getLogger(__name__)


class CheckedMCPServer(MCPServer[LifespanResultT]):
    """An MCPServer whose every tool failure reads like a nemo-video error, with a next step."""

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[LifespanResultT, Any] | None = None
    ) -> CallToolResult | InputRequiredResult:
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as exc:
            failure = await self._failure(name, exc)
            logger.info("Tool %s failed: [%s] %s", name, failure.code, failure.message)
            return content.error(failure)

    async def _failure(self, name: str, exc: ToolError) -> NemoVideoError:
        cause = exc.__cause__
        if isinstance(cause, NemoVideoError):
            return cause
        if isinstance(exc, UnexpectedToolError):
            logger.error("Tool %s crashed", name, exc_info=cause or exc)
            return NemoVideoError(ErrorCode.INTERNAL, f"{name} stopped on an unexpected error.")
        if isinstance(cause, ValidationError):
            return invalid_arguments(name, cause)
        tools = sorted(tool.name for tool in await self.list_tools())
        if name not in tools:
            return NemoVideoError(
                ErrorCode.INVALID_INPUT,
                f"There is no tool named {name!r}.",
                hint=f"Call one of {', '.join(tools)} (tools/list has their arguments).",
            )
        # Raised on purpose by the SDK around a resolver, e.g. an unusable answer to a question.
        return NemoVideoError(
            ErrorCode.INVALID_INPUT,
            f"{name} could not run: {cause or exc}.",
            hint=f"Call {name} again; if you are asked a question, answer it with the fields it asks for.",
        )

    async def get_prompt(
        self,
        name: str,
        arguments: dict[str, Any] | None = None,
        context: Context[LifespanResultT, Any] | None = None,
    ) -> GetPromptResult | InputRequiredResult:
        prompts = {prompt.name: prompt for prompt in await self.list_prompts()}
        prompt = prompts.get(name)
        if prompt is None:
            raise MCPError(
                INVALID_PARAMS,
                f"Unknown prompt {name!r}. The prompts are: {', '.join(sorted(prompts))} "
                "(prompts/list describes them).",
                data={"prompt": name},
            )
        given = arguments or {}
        known = [arg.name for arg in prompt.arguments or []]
        missing = [arg.name for arg in prompt.arguments or [] if arg.required and arg.name not in given]
        unknown = sorted(set(given) - set(known))
        if missing or unknown:
            problems = ([f"needs {', '.join(missing)}"] if missing else []) + (
                [f"has no argument {', '.join(unknown)}"] if unknown else []
            )
            raise MCPError(
                INVALID_PARAMS,
                f"Prompt {name!r} {' and '.join(problems)}: its arguments are "
                f"{', '.join(known)} (prompts/list marks the required ones).",
                data={"prompt": name, "missing": missing, "unknown": unknown},
            )
        try:
            return await super().get_prompt(name, arguments, context)
        except ValueError as exc:  # the SDK's wrapper around whatever the prompt function raised
            logger.error("Prompt %s crashed", name, exc_info=exc.__cause__ or exc)
            raise MCPError(
                INTERNAL_ERROR,
                f"Prompt {name!r} could not be written: this is a bug in nemo-video "
                "(the server's log has the details).",
                data={"prompt": name},
            ) from None
