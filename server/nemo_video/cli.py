"""Command line: thin over the service. Commands arrive with the engine and packaging issues."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nemo-video",
        description="Turn a few words and a few images into a ready-to-share video.",
    )
    parser.add_argument("--version", action="version", version=f"nemo-video {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    parser.parse_args(argv)
    parser.print_help(sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
