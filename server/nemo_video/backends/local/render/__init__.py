"""The local renderer: draft → render plan → ffmpeg arguments (pure) → one runner → verified file.

from nemo_video.backends.local.render import render_draft
output = await render_draft(draft, RenderRequest(destination=path), settings, on_progress)
"""

from __future__ import annotations

from .graph import build_args
from .pipeline import render_draft, sidecars
from .plan import RenderPlan, SourceFacts, build_plan

__all__ = ["RenderPlan", "SourceFacts", "build_args", "build_plan", "render_draft", "sidecars"]
