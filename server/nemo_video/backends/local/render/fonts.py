"""Font discovery: a font file that really covers the text, and text measured with it.

Latin text uses Roboto from the ``font_roboto`` package. Text with characters Roboto lacks (Chinese,
Japanese, Korean...) uses the ``noto_cjk_sans_otc`` collection, then fonts in ``settings.font_dirs``,
then the system's font folders. Coverage is checked by drawing each character with Pillow and
comparing it with the font's "missing glyph" box, so a font that would print tofu is never chosen.
"""

from __future__ import annotations

import functools
import importlib
import logging
import os
import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont

from ....errors import ErrorCode, NemoVideoError

log = logging.getLogger(__name__)

_PROBE_SIZE = 32
_MISSING = "\U0010fffd"  # a private-use code point no font draws: its mask is the .notdef box
_FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
_CJK_NAME_HINTS = (
    "cjk",
    "noto",
    "sourcehan",
    "wqy",
    "droid",
    "pingfang",
    "hiragino",
    "msyh",
    "simhei",
    "uming",
)


@dataclass(frozen=True)
class Font:
    path: Path
    bold: bool = False


def _system_font_dirs() -> list[Path]:
    home = Path.home()
    if sys.platform == "darwin":
        return [Path("/System/Library/Fonts"), Path("/Library/Fonts"), home / "Library/Fonts"]
    if sys.platform.startswith("win"):
        return [Path("C:/Windows/Fonts")]
    return [
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
        home / ".fonts",
        home / ".local/share/fonts",
    ]


def roboto(bold: bool) -> Path | None:
    try:
        package = importlib.import_module("font_roboto")
    except ImportError:
        return None
    path = Path(package.font_directory) / ("Roboto-Bold.ttf" if bold else "Roboto-Regular.ttf")
    return path if path.is_file() else None


def noto_cjk() -> Path | None:
    try:
        package = importlib.import_module("noto_cjk_sans_otc")
    except ImportError:
        return None
    path = Path(str(package.FONT_PATH))
    return path if path.is_file() else None


# Faces of the Noto Sans CJK collection: one per region, each with that region's glyph forms.
_FACE_INDEX = {"JP": 0, "KR": 1, "SC": 2, "TC": 3}
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")


def cjk_region(text: str) -> str:
    """Which regional glyph forms ``text`` wants: kana → JP, hangul → KR, other Han → SC."""
    if _KANA.search(text):
        return "JP"
    if _HANGUL.search(text):
        return "KR"
    return "SC"


@functools.lru_cache(maxsize=8)
def regional_face(collection: Path, region: str) -> Path:
    """The collection's face for ``region`` as a file of its own (ffmpeg's drawtext always opens
    face 0 of a collection, which is the Japanese one: Chinese would get Japanese glyph forms).

    Extracted once into the user's cache folder with fontTools; without it, the collection is used.
    """
    index = _FACE_INDEX.get(region, 0)
    if index == 0:
        return collection
    import platformdirs

    target = (
        Path(platformdirs.user_cache_dir("nemo-video", appauthor=False))
        / "fonts"
        / (f"{collection.stem}-{region}-{collection.stat().st_size}.otf")
    )
    if target.is_file():
        return target
    try:
        from fontTools.ttLib import TTCollection

        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
        with TTCollection(str(collection), lazy=True) as fonts:
            fonts[index].save(str(partial))
        os.replace(partial, target)
    except Exception as exc:
        log.warning("Using %s as is (could not extract its %s face: %s)", collection.name, region, exc)
        return collection
    return target


def _files_under(dirs: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for folder in dirs:
        if folder.is_dir():
            found.extend(sorted(p for p in folder.rglob("*") if p.suffix.lower() in _FONT_SUFFIXES))
    # Likely CJK fonts first, so the usual case checks one or two files.
    return sorted(found, key=lambda p: (not any(h in p.name.lower() for h in _CJK_NAME_HINTS), str(p)))


@functools.lru_cache(maxsize=16)
def candidates(bold: bool, font_dirs: tuple[Path, ...]) -> list[Path]:
    """Fonts to try, best first (deterministic order)."""
    ordered = [roboto(bold), roboto(False), noto_cjk()]
    ordered_paths = [p for p in ordered if p is not None]
    return ordered_paths + _files_under(font_dirs) + _files_under(_system_font_dirs())


@functools.lru_cache(maxsize=64)
def _load(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


@functools.lru_cache(maxsize=4096)
def covers_char(path: Path, char: str) -> bool:
    if char.isspace() or unicodedata.category(char) in ("Cc", "Cf"):  # controls draw nothing
        return True
    font = _load(path, _PROBE_SIZE)
    mask = font.getmask(char)
    if mask.size[0] == 0 or mask.size[1] == 0:
        return False
    missing = font.getmask(_MISSING)
    return bool(mask.size != missing.size or bytes(mask) != bytes(missing))


def covers(path: Path, text: str) -> bool:
    try:
        return all(covers_char(path, ch) for ch in sorted(set(text)))
    except OSError:
        return False


def pick_font(text: str, bold: bool, font_dirs: Sequence[Path] = ()) -> Font:
    """The first font (Roboto, then CJK fonts) that draws every character of ``text``."""
    for path in candidates(bold, tuple(font_dirs)):
        if covers(path, text):
            if path == noto_cjk():
                path = regional_face(path, cjk_region(text))
            return Font(path=path, bold=bold and "bold" in path.name.lower())
    raise NemoVideoError(
        ErrorCode.FONT_MISSING,
        f"No installed font can draw the text {text[:40]!r}.",
    )


def fit_font(text: str, bold: bool, font_dirs: Sequence[Path] = ()) -> tuple[Font, str]:
    """A font for ``text`` and the part of the text it can draw.

    When no single font covers every character (an emoji next to Arabic and Chinese, say), the font
    that draws the most of them is used and the characters it cannot draw are left out, so the video
    still renders instead of failing on one glyph; only text with nothing drawable is an error.
    """
    try:
        return pick_font(text, bold, font_dirs), text
    except NemoVideoError:
        pass
    chars = [ch for ch in set(text) if not ch.isspace()]
    best, best_count = None, 0
    for path in candidates(bold, tuple(font_dirs)):
        if (count := sum(1 for ch in chars if _draws(path, ch))) > best_count:
            best, best_count = path, count
    if best is None:
        raise NemoVideoError(ErrorCode.FONT_MISSING, f"No installed font draws any of {text[:40]!r}.")
    dropped = "".join(sorted(ch for ch in chars if not _draws(best, ch)))
    log.warning("No one font draws all of %r: using %s without %r", text[:40], best.name, dropped)
    kept = "".join(ch for ch in text if ch not in dropped)
    return Font(path=best, bold=bold and "bold" in best.name.lower()), re.sub(r" {2,}", " ", kept).strip()


# Emoji code points (pictographs, symbols, dingbats, flags, keycap/skin-tone parts): text drawn with
# ffmpeg's drawtext comes out in one colour, so an emoji needs a colour emoji font *and* a colour path.
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U00002b00-\U00002bff\U0001f1e6-\U0001f1ff"
    "\u200d\ufe0f\u20e3\u2300-\u23ff\u3030\u303d\u3297\u3299]"
)
EMOJI_HINT = "no colour emoji drawing here: ffmpeg draws text in one colour; say it in words instead"


def left_out(text: str, kept: str) -> str:
    """The visible characters of ``text`` that :func:`fit_font` left out of ``kept``, in text order."""
    seen = set(kept)
    out: list[str] = []
    for ch in text:
        if not ch.isspace() and ch not in seen and ch not in out:
            out.append(ch)
    return "".join(out)


def is_emoji(char: str) -> bool:
    return bool(_EMOJI.fullmatch(char))


def left_out_note(dropped: str) -> str | None:
    """A plan note naming what was left out of a text and why (None: nothing was)."""
    emoji = "".join(ch for ch in dropped if is_emoji(ch) and unicodedata.category(ch) not in ("Cf", "Mn", "Me"))
    other = "".join(ch for ch in dropped if not is_emoji(ch))
    parts = []
    if emoji:
        parts.append(f"the emoji {emoji} {'was' if len(emoji) == 1 else 'were'} left out ({EMOJI_HINT})")
    if other:
        parts.append(
            f"the characters {other!r} were left out: no installed font draws them with the rest "
            "(add a font that does to NEMO_FONT_DIRS)"
        )
    return "; ".join(parts) or None


def _draws(path: Path, char: str) -> bool:
    try:
        return covers_char(path, char)
    except OSError:
        return False


def metrics(font: Font, size: int) -> tuple[int, int]:
    """(ascent, descent) in px at ``size``: the line box drawtext uses to place a line."""
    ascent, descent = _load(font.path, size).getmetrics()
    return int(ascent), int(descent)


def text_width(font: Font, size: int, text: str) -> float:
    return float(_load(font.path, size).getlength(text))


def wrap(font: Font, size: int, text: str, max_width: float, max_chars: int | None = None) -> list[str]:
    """Lines no wider than ``max_width`` (and, between words, no longer than ``max_chars``): break at
    spaces, or between wide (CJK) characters."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lines.extend(_wrap_paragraph(font, size, paragraph.strip(), max_width, max_chars))
    return [line for line in lines if line] or [""]


def balanced_wrap(font: Font, size: int, text: str, max_width: float, max_chars: int | None = None) -> list[str]:
    """As few lines as :func:`wrap` gives, but as even as they can be (no orphan word on a last line):
    the narrowest width that still needs no more lines."""
    lines = wrap(font, size, text, max_width, max_chars)
    if len(lines) < 2:
        return lines
    widest_token = max(text_width(font, size, t.strip()) for t in _tokens(text.replace("\n", " ")) if t.strip())
    low, high = min(widest_token, max_width), max_width
    for _ in range(12):
        middle = (low + high) / 2
        if len(wrap(font, size, text, middle, max_chars)) <= len(lines):
            high = middle
        else:
            low = middle
    return wrap(font, size, text, high, max_chars)


def _too_long(font: Font, size: int, text: str, max_width: float, max_chars: int | None) -> bool:
    text = text.rstrip()
    return text_width(font, size, text) > max_width or (max_chars is not None and len(text) > max_chars)


def _wrap_paragraph(font: Font, size: int, text: str, max_width: float, max_chars: int | None = None) -> list[str]:
    tokens = _tokens(text)
    lines: list[str] = []
    current = ""
    for token in tokens:
        trial = (current + token) if current else token.lstrip()
        if current and _too_long(font, size, trial, max_width, max_chars):
            lines.append(current.rstrip())
            current = token.lstrip()
        else:
            current = trial
        while text_width(font, size, current.rstrip()) > max_width and len(current) > 1:
            cut = _longest_prefix(font, size, current, max_width)
            lines.append(current[:cut].rstrip())
            current = current[cut:].lstrip()
    if current.strip():
        lines.append(current.rstrip())
    return lines


def _longest_prefix(font: Font, size: int, text: str, max_width: float) -> int:
    cut = 1
    while cut < len(text) and text_width(font, size, text[: cut + 1]) <= max_width:
        cut += 1
    return cut


def _tokens(text: str) -> list[str]:
    """Words with their leading space; every wide (CJK) character is a token of its own."""
    tokens: list[str] = []
    word = ""
    for ch in text:
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            if word:
                tokens.append(word)
                word = ""
            tokens.append(ch)
        elif ch == " ":
            if word:
                tokens.append(word)
            word = " "
        else:
            word += ch
    if word:
        tokens.append(word)
    return tokens
