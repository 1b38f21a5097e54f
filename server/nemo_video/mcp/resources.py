"""Resources: the current timeline and the exported files."""

from __future__ import annotations

import json
from typing import Any

from mcp.server.mcpserver import MCPServer

from ..backends.base import Session
from ..service import VideoService

_VIDEO_SUFFIXES = (".mp4", ".webm", ".mov", ".gif")


def register_resources(server: MCPServer[Any], service: VideoService) -> None:
    @server.resource(
        "nemo-video://session/current/timeline",
        name="current-timeline",
        title="The current timeline",
        mime_type="application/json",
        description="Summary and draft of the current session's timeline.",
    )
    async def current_timeline() -> str:
        state = await service.state()
        return _timeline_json(state.session_id, state.summary, state.draft, state.exportable)

    @server.resource(
        "nemo-video://session/{session_id}/timeline",
        name="timeline",
        title="A session's timeline",
        mime_type="application/json",
        description="Summary and draft of the timeline of session {session_id}.",
    )
    async def timeline(session_id: str) -> str:
        current = await service.session()
        if session_id == current.id:
            state = await service.state()
            return _timeline_json(state.session_id, state.summary, state.draft, state.exportable)
        other = await service.backend.state(Session(id=session_id, backend=service.backend.name))
        draft = other.draft
        return _timeline_json(
            session_id, other.summary, draft.to_wire() if draft else None, bool(draft and draft.exportable)
        )

    @server.resource(
        "nemo-video://exports",
        name="exports",
        title="Exported videos",
        mime_type="application/json",
        description="The videos in the output folder, newest first, with file:// links.",
    )
    def exports() -> str:
        folder = service.settings.output_dir
        files = (
            sorted(
                (p for p in folder.glob("*") if p.suffix.lower() in _VIDEO_SUFFIXES and p.is_file()),
                key=lambda p: p.stat().st_mtime,
                reverse=True,
            )
            if folder.is_dir()
            else []
        )
        items = [
            {"name": p.name, "path": str(p.resolve()), "uri": p.resolve().as_uri(), "size_bytes": p.stat().st_size}
            for p in files[:100]
        ]
        return json.dumps({"output_dir": str(folder.resolve()), "files": items}, ensure_ascii=False)


def _timeline_json(session_id: str, summary: str, draft: object, exportable: bool) -> str:
    return json.dumps(
        {"session_id": session_id, "summary": summary, "exportable": exportable, "draft": draft}, ensure_ascii=False
    )
