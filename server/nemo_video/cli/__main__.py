"""``python -m nemo_video.cli``: the ``nemo-video`` command."""

from __future__ import annotations

from . import main

if __name__ == "__main__":
    raise SystemExit(main())
