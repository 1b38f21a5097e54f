"""Tool results: structured content plus the text (and image, and link) a model reads."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from mcp_types import CallToolResult, ContentBlock, ImageContent, ResourceLink, TextContent
from pydantic import BaseModel

from ..errors import NemoVideoError
from ..service import ExportResult
from ..service.outputs import POSTER_MAX_BYTES as MAX_IMAGE_BYTES
from .models import JobOutput

ERROR_META = "nemo-video/error"  # _meta key of an error result: code, message, hint and details


def ok(model: BaseModel, headline: str, extra: list[ContentBlock] | None = None) -> CallToolResult:
    data = model.model_dump(mode="json", exclude_none=True)
    text = f"{headline}\n\n{json.dumps(data, ensure_ascii=False, indent=None)}"
    return CallToolResult(
        content=[TextContent(text=text), *(extra or [])], structured_content=model.model_dump(mode="json")
    )


def error(exc: NemoVideoError) -> CallToolResult:
    """An ``isError`` result that says the code, what happened and the next step.

    Text only, no ``structuredContent``: a tool's ``outputSchema`` describes its success, and the
    TypeScript SDK client (Inspector, most desktop hosts) validates any structured content it gets
    against that schema even on an error, then throws instead of showing the text. The code and
    details stay machine-readable under ``_meta`` (which no client validates against a schema).
    """
    text = f"Error [{exc.code}]: {exc.message}"
    if exc.hint:
        text += f"\nNext step: {exc.hint}"
    return CallToolResult(content=[TextContent(text=text)], is_error=True, _meta={ERROR_META: exc.to_dict()})


def job(out: JobOutput) -> CallToolResult:
    """A job's result: running → the next call; failed → isError; done → the result (+ poster, link)."""
    if out.status == "failed" and out.error:
        err = out.error
        details = {k: v for k, v in err.items() if k not in ("code", "message", "hint")}
        return error(
            NemoVideoError(
                str(err.get("code", "internal")),
                str(err.get("message", out.message)),
                hint=err.get("hint") or None,
                details={**details, "job_id": out.job_id},
            )
        )
    if out.status == "running":
        headline = (
            f"Still working ({round(out.progress * 100)}%: {out.message}). "
            f"Call job_status with job_id={out.job_id!r} to keep waiting."
        )
        return ok(out, headline)
    if out.status == "cancelled":
        return ok(out, f"Cancelled: {out.message}")
    if out.export is not None:
        return ok(out, _export_headline(out.export), _export_blocks(out.export))
    if out.generate is not None:
        g = out.generate
        lines = [g.reply, "", g.summary]
        if g.exportable:
            lines.append("Next: call export_video to render the MP4, or describe another change.")
        return ok(out, "\n".join(lines).strip())
    if out.edit is not None:
        e = out.edit
        lines = [
            f"Edited the video (version {e.version}):",
            *(f"- {line}" for line in e.applied),
            *(f"Not applied: {line}" for line in e.not_applied),
            *([e.reply] if e.reply else []),  # the agent's words (cloud), or the brand kit's (saved, used)
            e.summary,
        ]
        return ok(out, "\n".join(lines))
    return ok(out, out.message)


def _export_headline(export: ExportResult) -> str:
    size = f"{export.width}x{export.height}" if export.width and export.height else "unknown size"
    secs = f"{export.duration_s:.1f}s" if export.duration_s else "unknown length"
    report = f"\n{export.design_report.summary()}" if export.design_report else ""
    return f"Exported {export.path} ({size}, {secs}, {export.size_bytes / 1e6:.1f} MB).{report}"


def _export_blocks(export: ExportResult) -> list[ContentBlock]:
    blocks: list[ContentBlock] = [
        ResourceLink(
            name=Path(export.path).name,
            uri=export.uri,
            mime_type=f"video/{export.format}",
            size=export.size_bytes,
            description="The exported video file.",
        )
    ]
    if export.poster:
        poster = Path(export.poster)
        if poster.is_file() and poster.stat().st_size < MAX_IMAGE_BYTES:
            data = base64.b64encode(poster.read_bytes()).decode("ascii")
            blocks.insert(0, ImageContent(data=data, mime_type="image/jpeg"))
    return blocks
