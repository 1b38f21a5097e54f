"""The Backend protocol and the value types that cross it (DESIGN §4).

Both backends (``local`` and ``cloud``) implement :class:`Backend`; the service, the MCP face and
the CLI only ever see these types, so every test of the service runs against either.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from ..composition.ops import Operation
from ..draft import Draft
from .events import AgentEvent

MediaKind = Literal["image", "video", "audio"]
RenderState = Literal["pending", "processing", "completed", "failed"]
OutputFormat = Literal["mp4", "webm", "mov", "gif"]
Quality = Literal["draft", "high"]
ProgressCallback = Callable[[float, str], None]
RenderIdCallback = Callable[[str], None]


def utcnow() -> datetime:
    return datetime.now(UTC)


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Session(_Value):
    id: str
    backend: Literal["local", "cloud"]
    language: str = "en"
    created_at: datetime = Field(default_factory=utcnow)
    notice: str | None = Field(
        default=None, description="Something the user must know, e.g. that a lost session was replaced."
    )


class Asset(_Value):
    """One media file in a session, with its probed facts."""

    id: str
    name: str
    kind: MediaKind
    src: str = Field(description="Where the backend reads it: a store path (local) or a CDN URL (cloud).")
    size_bytes: int | None = None
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None
    fps: float | None = None
    has_audio: bool | None = None
    sha256: str | None = None
    orientation: Literal["portrait", "landscape", "square"] | None = Field(
        default=None,
        description="Of the size as displayed (EXIF orientation and clip rotation applied); square within ±5 %.",
    )
    colors: tuple[str, ...] = Field(
        default=(),
        description="Dominant colour names, most dominant first (at most 3), from: red, orange, "
        "yellow, green, teal, blue, purple, pink, brown, black, white, gray, beige.",
    )
    palette: tuple[str, ...] = Field(default=(), description="The dominant colours as #RRGGBB, most dominant first.")


class Credits(_Value):
    available: int | None = None
    frozen: int | None = None
    total: int | None = None
    unlimited: bool = False
    note: str = ""


class SessionState(_Value):
    session_id: str
    draft: Draft | None = None
    media: list[Asset] = Field(default_factory=list)
    generated_media: list[dict[str, Any]] = Field(default_factory=list)
    version: int | None = Field(default=None, description="Draft version (local backend; increases per edit).")

    @property
    def summary(self) -> str:
        from ..draft import summarize

        return summarize(self.draft)


class Unapplied(_Value):
    """An operation the backend did not carry out, and what the timeline shows instead."""

    index: int
    op: str
    reason: str


class EditOutcome(_Value):
    """What an ``edit`` left behind: the timeline, its version, and any operation that did not take."""

    draft: Draft | None = None
    version: int | None = None
    not_applied: list[Unapplied] = Field(default_factory=list)
    reply: str = Field(default="", description="The agent's words, when an agent made the edit (cloud).")


class RenderRequest(_Value):
    format: OutputFormat = "mp4"
    quality: Quality = "high"
    destination: Path = Field(description="Final path of the file; written under a temporary name first.")
    height: int | None = Field(
        default=None,
        ge=64,
        le=4320,
        description="Output height in pixels (width follows the draft's aspect ratio); default the draft's.",
    )
    overwrite: bool = False


class RenderStatus(_Value):
    job_id: str
    status: RenderState
    progress: float | None = Field(default=None, ge=0.0, le=1.0)
    message: str = ""
    error: str | None = None
    output_url: str | None = None


class RenderOutput(_Value):
    path: Path
    size_bytes: int
    format: OutputFormat = "mp4"
    duration_s: float | None = None
    width: int | None = None
    height: int | None = None
    poster: Path | None = None
    contact_sheet: Path | None = None


@runtime_checkable
class Backend(Protocol):
    """What the service needs from a backend. All methods are async; ``send`` is an async iterator."""

    @property
    def name(self) -> Literal["local", "cloud"]: ...

    async def open_session(self, language: str = "en") -> Session: ...

    def send(self, session: Session, message: str) -> AsyncIterator[AgentEvent]:
        """Talk to the agent; events are yielded as they arrive and the last one is ``Closed``."""
        ...

    async def upload(self, session: Session, paths: Sequence[Path] = (), urls: Sequence[str] = ()) -> list[Asset]: ...

    async def credits(self) -> Credits: ...

    async def state(self, session: Session) -> SessionState: ...

    async def edit(self, session: Session, operations: Sequence[Operation]) -> EditOutcome:
        """Apply typed operations to the session's video, all or none (undo/redo alone)."""
        ...

    async def render(
        self,
        session: Session,
        draft: Draft,
        request: RenderRequest,
        on_progress: ProgressCallback | None = None,
        on_render_id: RenderIdCallback | None = None,
    ) -> RenderOutput:
        """Render ``draft`` to ``request.destination`` and return the saved file: one awaited call.

        The cloud backend submits, polls and downloads inside it; the local one awaits ffmpeg.
        ``on_render_id(id)`` hears the backend's render id as soon as there is one (and again if a
        retry replaces it), so a caller can persist it and :meth:`resume` after a restart.
        Cancelling the call stops the work this process does (the local ffmpeg is killed and its
        partial file removed); a cancelled render never leaves a file at the destination.
        """
        ...

    async def resume(
        self,
        render_id: str,
        request: RenderRequest,
        on_progress: ProgressCallback | None = None,
        on_render_id: RenderIdCallback | None = None,
    ) -> RenderOutput:
        """Continue a render this process started before a restart (cloud: poll then download).

        A local render cannot outlive its process: it raises ``render_interrupted`` after removing
        what the killed render left behind.
        """
        ...

    async def aclose(self) -> None: ...
