"""Entry points: ``serve_stdio``, ``serve_http`` and ``main(argv)`` for ``nemo-video mcp``.

In stdio mode stdout belongs to the protocol: logging goes to stderr, and nothing else writes there.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Sequence

import anyio

from ..config import Settings
from ..errors import NemoVideoError

logger = logging.getLogger(__name__)
DEFAULT_PORT = 8765


async def serve_stdio(settings: Settings) -> None:
    from ..service import VideoService
    from .server import build_server
    from .stdio import run_stdio

    async with VideoService(settings) as service:
        await run_stdio(build_server(service))


async def serve_http(
    settings: Settings, host: str = "127.0.0.1", port: int = DEFAULT_PORT, token: str | None = None
) -> None:
    import uvicorn

    from ..service import VideoService
    from .http import build_http_app
    from .server import build_server

    async with VideoService(settings) as service:
        app = build_http_app(
            build_server(service),
            host=host,
            port=port,
            token=token,
            allowed_origins=settings.mcp_allowed_origins,
            idle_timeout_s=settings.mcp_session_idle_s,
        )
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on")
        logger.warning("nemo-video MCP listening on http://%s:%s/mcp", host, port)
        await uvicorn.Server(config).serve()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of ``nemo-video mcp``, shared by this entry point and the CLI's ``mcp`` command."""
    parser.add_argument("--http", action="store_true", help="serve streamable HTTP instead of stdio")
    parser.add_argument("--host", default="127.0.0.1", help="HTTP bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"HTTP port (default {DEFAULT_PORT})")
    parser.add_argument(
        "--token",
        default=None,
        help="bearer token for HTTP (default $NEMO_MCP_TOKEN); required when --host is not loopback",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nemo-video mcp", description="Serve nemo-video over MCP.")
    add_arguments(parser)
    parser.add_argument(
        "--backend", choices=("local", "cloud"), default=None, help="backend (default $NEMO_BACKEND or local)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """``nemo-video mcp [--http] [--host H] [--port P] [--backend local|cloud] [--token T]``."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["mcp"]:
        args_list = args_list[1:]
    args = build_parser().parse_args(args_list)
    logging.basicConfig(
        stream=sys.stderr, level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for handler in logging.getLogger().handlers:
        # A client may ask for debug logs (logging/setLevel): they go to that client, not to stderr.
        handler.setLevel(logging.WARNING)
    try:
        overrides = {"backend": args.backend} if args.backend else {}
        settings = Settings.from_env(**overrides)
        if args.http:
            token = args.token or os.environ.get("NEMO_MCP_TOKEN") or None
            anyio.run(serve_http, settings, args.host, args.port, token)
        else:
            from ..backends.local.render.lifetime import stop_renders_on

            stop_renders_on(signal.SIGTERM)  # renders (ffmpeg, partial files) stop with the server
            anyio.run(serve_stdio, settings)
    except NemoVideoError as exc:
        logger.error("[%s] %s", exc.code, exc)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0
