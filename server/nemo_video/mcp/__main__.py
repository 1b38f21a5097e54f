"""``python -m nemo_video.mcp [--http ...]``: the MCP server (stdio by default)."""

from __future__ import annotations

import sys

from .serve import main

if __name__ == "__main__":
    sys.exit(main())
