"""Pydantic output models of the MCP tools (their ``structuredContent``) and the consent question."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from ..backends.base import Credits
from ..service import EditResult, ExportResult, GenerateResult, JobRecord, StateResult, UploadResult
from ..service.ask import ExportOptions
from ..service.results import SESSION_FIELD, next_step

JobStatus = Literal["completed", "running", "failed", "cancelled"]


class JobOutput(BaseModel):
    """Where a long action stands: finished with its result, or still running with the next call."""

    status: JobStatus
    job_id: str
    kind: Literal["message", "edit", "render"]
    progress: float = Field(ge=0.0, le=1.0, description="0–1; an estimate for agent messages.")
    message: str = Field(description="The latest line of progress, or what went wrong.")
    next_step: str = Field(description="What to call next.")
    generate: GenerateResult | None = Field(default=None, description="Result of a finished agent message.")
    export: ExportResult | None = Field(default=None, description="Result of a finished export.")
    edit: EditResult | None = Field(default=None, description="Result of a finished edit_video.")
    error: dict[str, Any] | None = Field(default=None, description="code, message, hint when it failed.")
    session: str = SESSION_FIELD
    many: dict[str, Any] | None = Field(
        default=None,
        description="Result of export_video with variants (every file and its poster) or of "
        "batch_videos (counts, bad rows with line numbers, one entry per row, the results file).",
    )

    @classmethod
    def of(cls, record: JobRecord) -> JobOutput:
        generate = export = edit = None
        many = None
        if record.status == "completed" and record.result is not None:
            if "variants" in record.request or "batch" in record.request:
                many = record.result
            elif record.kind == "message":
                generate = GenerateResult.model_validate(record.result)
            elif record.kind == "edit":
                edit = EditResult.model_validate(record.result)
            else:
                export = ExportResult.model_validate(record.result)
        return cls(
            status=record.status,
            job_id=record.id,
            kind=record.kind,
            progress=record.fraction,
            message=record.message,
            next_step=next_step(record),
            generate=generate,
            export=export,
            edit=edit,
            error=record.error,
            session=record.client,
            many=many,
        )


class AskOutput(BaseModel):
    """What ``ask`` did: the route it took and that action's result."""

    route: Literal["export", "credits", "state", "upload", "generate"]
    reason: str = Field(description="Why the text was routed there.")
    next_step: str
    session: str = SESSION_FIELD
    spends_credits: bool = Field(default=False, description="The route sent words to the paid cloud agent.")
    export_follows: bool = Field(
        default=False,
        description="The text also asked for the file: call "
        "export_video (with export_options) once the job is completed.",
    )
    export_options: ExportOptions | None = None
    job: JobOutput | None = Field(default=None, description="For generate/export: the job.")
    credits: Credits | None = None
    state: StateResult | None = None
    upload: UploadResult | None = None


class CreditsOutput(Credits):
    """The account's credit balance (the local backend is free: ``unlimited``)."""


class SpendConsent(BaseModel):
    """The question asked before spending cloud credits."""

    approve: bool = Field(description="Send this request to the NemoVideo cloud agent and spend credits?")
