"""Prompt templates the host can offer its user."""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver import MCPServer


def register_prompts(server: MCPServer[Any]) -> None:
    @server.prompt(
        name="product_video",
        title="Product video from photos and a tagline",
        description="Make a short vertical product video from a few photos and a tagline.",
    )
    def product_video(photos: str, tagline: str, seconds: str = "15", ratio: str = "9:16") -> str:
        return (
            f"Make a {seconds}-second product video ({ratio}) with nemo-video.\n"
            f"1. Call upload_media with paths={photos!r} (split into a list of paths).\n"
            f'2. Call generate_video with request: "a {seconds}-second {ratio} video from my product '
            f"photos with the tagline '{tagline}', upbeat music, and a call to action at the end\".\n"
            "3. Call get_state and check the timeline matches; ask generate_video for changes.\n"
            "4. Call export_video and give me the file path.\n"
            "If a call returns status 'running', call job_status with its job_id until it finishes."
        )
