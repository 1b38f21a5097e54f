"""The MCP face: tools, resources and prompts over the service; stdio and streamable HTTP.

``main(argv)`` serves ``nemo-video mcp [--http] [--host H] [--port P] [--backend local|cloud]``;
``serve_stdio(settings)`` and ``serve_http(settings, host, port, token)`` are the transports;
``build_server(service)`` (in :mod:`.server`) is the MCPServer over an open VideoService.
"""

from __future__ import annotations

from .serve import main, serve_http, serve_stdio

__all__ = ["main", "serve_http", "serve_stdio"]
