"""Filter strings: the one place where option values are escaped for an ffmpeg filtergraph."""

from __future__ import annotations

from pathlib import Path

# Inputs may only be read from files (or pipes): never a URL smuggled into a path.
INPUT_OPTIONS = ("-protocol_whitelist", "file,pipe")
_SPECIAL = set("\\':[],;%\n\r\t =")


def escape(value: object) -> str:
    """Escape one filter option value for a filtergraph, in two levels.

    Level 1 (option parser): wrap in single quotes; a quote inside becomes ``'\\''``.
    Level 2 (graph parser): backslash before ``\\ ' [ ] , ;``. Plain numbers/names pass unchanged.
    """
    text = str(value)
    if text and not (_SPECIAL & set(text)):
        return text
    quoted = "'" + text.replace("'", "'\\''") + "'"
    return "".join("\\" + ch if ch in "\\'[],;" else ch for ch in quoted)


def filter_(name: str, *positional: object, **options: object) -> str:
    args = [escape(p) for p in positional] + [f"{k}={escape(v)}" for k, v in options.items()]
    return f"{name}={':'.join(args)}" if args else name


def chain(*filters: str) -> str:
    return ",".join(filters)


def num(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".") or "0"


def file_url(src: str) -> str:
    # "file:" keeps a name with a colon from being read as a protocol.
    return "file:" + str(Path(src).resolve()) if Path(src).is_absolute() or ":" in src else src
