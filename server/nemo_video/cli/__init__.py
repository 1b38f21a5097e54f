"""The ``nemo-video`` command: thin over :class:`~nemo_video.service.VideoService`.

Each command parses its flags, calls the service and shapes the answer: text for a person (progress
on stderr, results on stdout) or one JSON object with ``--json``. Errors become one line on stderr and
an exit code from :mod:`nemo_video.cli.output`.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import anyio

from .. import __version__
from ..config import BACKENDS, Settings
from ..errors import NemoVideoError, from_exception
from ..mcp.serve import add_arguments as add_mcp_arguments
from .output import EXIT_INTERRUPTED, EXIT_OK, emit_error

Command = Callable[[argparse.Namespace, Settings], Awaitable[int]]

EXAMPLES = """\
examples:
  nemo-video demo                                   render a sample product video, offline
  nemo-video generate "a 15-second vertical video, tagline 'Smooth. Bold. Yours.'" \\
      --media a.jpg b.jpg c.jpg                     words + images -> MP4
  nemo-video chat                                   talk to the studio line by line
  nemo-video edit --ops ops.json                    precise changes (the edit_video operations)
  nemo-video export --format webm                   render the current timeline again
  nemo-video export --variants 9:16,1:1,16:9        one file per format, each laid out for it
  nemo-video batch products.csv                     one video per row (name, request, media, formats)
  nemo-video doctor                                 check ffmpeg, fonts, folders, backend
  nemo-video mcp                                    serve MCP over stdio (for Claude, Cursor ...)
"""


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--backend", choices=BACKENDS, help="local (offline, free; default) or cloud (NemoVideo)")
    common.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    common.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")

    parser = argparse.ArgumentParser(
        prog="nemo-video",
        description="Turn a few words and a few images into a ready-to-share video.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"nemo-video {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help_text: str, func: Command) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text, parents=[common])
        p.set_defaults(func=func)
        return p

    from . import chat
    from . import commands as c

    p = add("generate", "Make a video from words (and optional media) in one go and export it.", c.generate)
    p.add_argument("words", help="what the video should be, e.g. \"a 15-second vertical video with the title 'Hi'\"")
    p.add_argument("--media", nargs="*", default=[], metavar="PATH_OR_URL", help="images, clips or music to use")
    _export_flags(p)
    p.add_argument("--yes", action="store_true", help="allow spending cloud credits without asking")

    p = add("demo", "Render a sample product video from images nemo-video draws itself.", c.demo)
    _export_flags(p)

    p = add("chat", "Talk to the studio: each line is routed (generate, upload, state, credits, export).", chat.chat)
    p.add_argument("--yes", action="store_true", help="allow spending cloud credits without asking")

    p = add("upload", "Add images, clips or music (paths or URLs) to the current session.", c.upload)
    p.add_argument("items", nargs="+", metavar="PATH_OR_URL")

    add("state", "Show the current timeline, media and jobs.", c.state)

    from . import editing

    p = add("edit", "Change the video with typed operations (the edit_video tool's JSON).", editing.edit)
    p.add_argument("--ops", required=True, metavar="FILE", help="a JSON list of operations, or - for stdin")
    p.add_argument("--yes", action="store_true", help="allow spending cloud credits without asking")
    add("credits", "Show the credit balance (the local backend is free).", c.credits)

    p = add("brand", "Show your brand kit (new videos start with it), or clear it.", c.brand)
    p.add_argument("action", nargs="?", choices=("show", "clear"), default="show")

    p = add("export", "Render the current timeline to a file.", c.export)
    _export_flags(p)
    p.add_argument("--variants", metavar="ASPECTS", help="render one file per format, e.g. 9:16,1:1,16:9")

    from . import batch

    batch.add_parser(sub, common)

    p = add("jobs", "List jobs, or wait for / cancel / re-run one.", c.jobs)
    p.add_argument("job_id", nargs="?", help="a job id from a previous command")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--wait", action="store_true", help="wait until the job finishes")
    group.add_argument("--cancel", action="store_true", help="stop the job")
    group.add_argument("--rerun", action="store_true", help="run a failed export, variants or batch again")
    p.add_argument("--yes", action="store_true", help="allow a re-run batch to spend cloud credits without asking")

    p = add("mcp", "Serve the MCP tools over stdio (default) or streamable HTTP.", c.mcp)
    add_mcp_arguments(p)

    add("doctor", "Check ffmpeg, fonts, folders, backend and token (never printed).", c.doctor)
    return parser


def _export_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("mp4", "webm", "mov", "gif"), default="mp4", help="file format (default mp4)")
    p.add_argument("--quality", choices=("draft", "high"), default="high", help="draft renders faster")
    p.add_argument("--height", type=int, help="output height in pixels, e.g. 720 (default: the timeline's)")
    p.add_argument("--output", metavar="NAME", help="file name in the output folder")
    p.add_argument("--overwrite", action="store_true", help="replace an existing file of that name")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_OK
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        overrides: dict[str, Any] = {"backend": args.backend} if args.backend else {}
        settings = Settings.from_env(os.environ, **overrides)
        code: int = anyio.run(args.func, args, settings)
        return code
    except NemoVideoError as exc:
        return emit_error(exc, as_json=args.json)
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted\n")
        return EXIT_INTERRUPTED
    except Exception as exc:  # the one place an unforeseen failure becomes a line, not a traceback
        logging.getLogger("nemo_video.cli").debug("unhandled", exc_info=True)
        return emit_error(from_exception(exc, f"nemo-video {args.command}"), as_json=args.json)
