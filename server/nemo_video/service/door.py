"""What the service accepts at its door: text, export file names and paths, checked once for both faces.

Text (a request, a title inside it, every string of an edit operation) loses NUL and other control
characters, which no person types and which would poison every later export (ffmpeg refuses a NUL in
an argument); undecodable characters (lone surrogates, from a JSON ``\\ud800`` escape or a non-UTF-8
terminal) become U+FFFD. An export file name is shortened to a byte budget so that the temporary names
made from it stay under the 255-byte limit of a file name, whatever its script (a CJK character is
three bytes). Paths are checked by :func:`nemo_video.guard.check_path_text`.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import ErrorCode, NemoVideoError

# ".<stem>.<pid>.<8 hex>.partial.contact.jpg" and a "-NN" uniqueness suffix must fit in 255 bytes.
MAX_STEM_BYTES = 180
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """``text`` without control characters (tabs and line breaks kept) and with lone surrogates replaced."""
    text = _SURROGATE.sub("\ufffd", text)
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


M = TypeVar("M", bound=BaseModel)


def clean_model(model: M) -> M:
    """``model`` (an edit operation) with :func:`clean_text` applied to every string in it.

    The operation's own schema refuses control characters in a text; a lone surrogate passes it and then
    broke the text layer it was copied into (an internal error): here it becomes U+FFFD."""
    dumped = model.model_dump(mode="python", by_alias=True, exclude_unset=True)
    cleaned = _clean_value(dumped)
    if cleaned == dumped:
        return model
    try:
        return type(model).model_validate(cleaned)
    except ValidationError as exc:  # e.g. a text that was only control characters is now empty
        raise NemoVideoError(
            ErrorCode.INVALID_INPUT,
            f"An operation is not valid once its control characters are removed ({exc.errors()[0]['msg']}).",
            hint="Send the text as plain characters: no NUL or other control characters.",
        ) from exc


def _clean_value(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {k: _clean_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_clean_value(v) for v in value)
    return value


def fit_filename(filename: str) -> str:
    """``filename`` cleaned and, if its stem is longer than :data:`MAX_STEM_BYTES`, shortened at a
    character boundary (the extension, if any, kept)."""
    name = clean_text(filename).replace("\n", " ").replace("\t", " ")
    stem, dot, ext = name.rpartition(".")
    if not dot or "/" in ext or len(ext) > 5:
        stem, ext = name, ""
    encoded = stem.encode("utf-8")
    if len(encoded) <= MAX_STEM_BYTES:
        return name
    short = encoded[:MAX_STEM_BYTES].decode("utf-8", errors="ignore").rstrip()
    return f"{short}.{ext}" if ext else short
