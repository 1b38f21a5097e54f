"""What the service's actions return: plain pydantic values that both faces shape for their readers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from ..backends.base import Asset, Credits
from ..composition import Composition
from ..report import DesignReport
from .brand_kit import BrandKit

if TYPE_CHECKING:
    from .jobs import JobRecord

Route = Literal["export", "credits", "state", "upload", "generate"]


class OfferedAction(BaseModel):
    """A GUI instruction from the agent turned into a call the caller may make (never taken if it costs)."""

    kind: Literal["export", "state", "credits", "send_edit", "summary"]
    phrase: str = Field(description="The agent's words that suggested it.")
    spends_credits: bool = False
    next_call: str = Field(description="The tool call that does it.")


SESSION_FIELD = Field(
    default="default",
    description="The name of the video session this client edits: "
    "pass it as `session` to continue it from another connection, or to share it.",
)


class UploadResult(BaseModel):
    session_id: str
    session: str = SESSION_FIELD
    assets: list[Asset]
    notice: str | None = None


class GenerateResult(BaseModel):
    session_id: str
    reply: str = Field(description="The agent's answer, with web-editor instructions translated.")
    silent_edit: bool = Field(
        default=False,
        description="True when the agent changed the timeline without a word; the reply then summarizes the change.",
    )
    changes: list[str] = Field(default_factory=list, description="What changed in the timeline.")
    summary: str = Field(description="One-line text summary of every track.")
    exportable: bool = False
    duration_s: float | None = None
    draft: dict[str, Any] | None = Field(default=None, description="The timeline (wire JSON).")
    offered_actions: list[OfferedAction] = Field(default_factory=list)
    credits: Credits | None = None
    notice: str | None = None


class ExportResult(BaseModel):
    path: str = Field(description="Absolute path of the video file.")
    uri: str = Field(description="file:// URI of the video file.")
    size_bytes: int
    format: str = "mp4"
    duration_s: float | None = None
    width: int | None = None
    height: int | None = None
    design_report: DesignReport | None = Field(
        default=None,
        description="The craft rules measured on the rendered file: each text's size, safe-zone check and "
        "contrast, the hook, the end card, beat offsets, loudness; pass/fail each.",
    )
    poster: str | None = Field(default=None, description="Absolute path of a JPEG still.")
    contact_sheet: str | None = Field(
        default=None, description="Absolute path of a JPEG grid of frames across the whole video (local backend)."
    )


class JobView(BaseModel):
    """A job as a caller sees it."""

    job_id: str
    kind: Literal["message", "edit", "render"]
    status: Literal["running", "completed", "failed", "cancelled"]
    progress: float = Field(ge=0.0, le=1.0)
    message: str
    error: dict[str, Any] | None = None
    next_step: str
    result_path: str | None = Field(default=None, description="The video file of a finished export.")

    @classmethod
    def of(cls, record: JobRecord) -> JobView:
        path = (record.result or {}).get("path") if record.kind == "render" else None
        return cls(
            job_id=record.id,
            kind=record.kind,
            status=record.status,
            progress=record.fraction,
            message=record.message,
            error=record.error,
            next_step=next_step(record),
            result_path=path if isinstance(path, str) else None,
        )


class StateResult(BaseModel):
    session_id: str
    session: str = SESSION_FIELD
    backend: str
    summary: str
    exportable: bool
    duration_s: float | None = None
    version: int | None = Field(default=None, description="The timeline's version (local backend).")
    composition: Composition | None = Field(
        default=None, description="The video as data, with the scene and text ids edit_video takes."
    )
    draft: dict[str, Any] | None = Field(default=None, description="The timeline as laid out (wire JSON).")
    media: list[Asset] = Field(
        default_factory=list,
        description="Media with their ids, kind, size, "
        "orientation and dominant colours, for add_scene/replace_scene/set_music.",
    )
    jobs: list[JobView] = Field(default_factory=list)
    notice: str | None = None
    brand_kit: BrandKit | None = Field(
        default=None, description="Your saved brand kit: a new session's first video starts with it."
    )


class EditResult(BaseModel):
    session_id: str
    version: int | None = None
    applied: list[str] = Field(default_factory=list, description="What was done, one line per operation.")
    not_applied: list[str] = Field(default_factory=list, description="Operations that did not take (cloud).")
    reply: str = Field(default="", description="The cloud agent's words, when it made the edit.")
    summary: str
    exportable: bool = False
    duration_s: float | None = None
    composition: Composition | None = None


def next_step(record: JobRecord) -> str:
    if record.status == "running":
        return f"call job_status with job_id={record.id!r} to keep waiting"
    if record.status == "completed":
        return "the video is ready" if record.kind == "render" else "call export_video to render it"
    hint = (record.error or {}).get("hint") or ""
    return hint or "call get_state to see where things stand"
