"""Intent routing: free text → one of the five actions (the skill's "Matching Input to Actions" table).

The table is data (:data:`INTENT_TABLE`); adding a phrase is one line. English patterns match as whole
words (ASCII word boundaries, so ``帮我export一下`` still matches), Chinese patterns as substrings.

Decision rule, in order (every step is explicit in ``Route.reason``):

1. **Media in the text wins.** A media file path (absolute, ``~/``, ``./``, ``../``, ``C:\\``, quoted or
   ``file://``) or an ``http(s)`` URL routes to ``upload`` with the paths/URLs extracted. Whatever the rest
   of the text asks becomes ``options["then"]`` (its own route) and ``options["then_text"]``. Exception: a
   path right after "to/as/into/保存到…" next to an export word is the export's destination.
2. **Keyword rows.** Rows are ``strong`` (unmistakable: "how many credits", "status", "进度") or weak
   ("credits", "timeline", "upload", "export"). A weak row yields when the text also holds a creation or
   edit verb (make, add, 生成, 添加 …): "make a video about credit cards" is a generation, while "how many
   credits does it cost to make a video" (strong row) stays a credits question.
3. **Export yields to a creative description.** Export words route to export only without creation verbs
   *and* without content cues (a duration, an orientation or aspect ratio, "from my photos", music,
   titles …): "export a 30-second vertical video from my photos" is a generate request, with
   ``options["then"] = "export"``. "export 720p webm" is an export with format and height parsed.
4. Among surviving rows the highest priority wins (credits > state > upload > export), ties by table
   order; otherwise → ``generate``.

``route`` is total and deterministic: it never raises, for any ``str``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from typing import Literal
from urllib.parse import unquote

Action = Literal["export", "credits", "state", "upload", "generate"]
OptionValue = str | int


@dataclass(frozen=True, slots=True)
class Route:
    action: Action
    reason: str
    paths: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    options: dict[str, OptionValue] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class IntentRule:
    action: Action
    patterns: tuple[str, ...]
    priority: int
    strong: bool = False


INTENT_TABLE: tuple[IntentRule, ...] = (
    IntentRule(
        "credits",
        (
            "how many credits",
            "how much credit",
            "how much credits",
            "enough credits",
            "credits left",
            "remaining credits",
            "my credits",
            "my balance",
            "credit balance",
            "check credits",
            "top up",
            "buy credits",
            "add credits",
            "more credits",
            "多少积分",
            "剩余积分",
            "积分余额",
            "积分够",
            "余额",
            "充值",
        ),
        40,
        strong=True,
    ),
    IntentRule("credits", ("credits", "credit", "balance", "billing", "quota", "积分", "点数"), 40),
    IntentRule(
        "state",
        (
            "status",
            "progress",
            "show tracks",
            "show the tracks",
            "list tracks",
            "show the timeline",
            "show me the timeline",
            "what's on the timeline",
            "状态",
            "进度",
            "查看时间线",
            "显示轨道",
        ),
        30,
        strong=True,
    ),
    IntentRule("state", ("timeline", "tracks", "时间线", "轨道"), 30),
    IntentRule("upload", ("upload", "上传"), 25),
    IntentRule(
        "export",
        (
            "export",
            "download",
            "send me the video",
            "send me the file",
            "send it to me",
            "render it",
            "render the video",
            "render this",
            "导出",
            "下载",
        ),
        20,
    ),
)

CREATION_VERBS: tuple[str, ...] = (
    "make",
    "create",
    "generate",
    "produce",
    "build",
    "edit",
    "add",
    "remove",
    "delete",
    "change",
    "replace",
    "move",
    "trim",
    "cut",
    "shorten",
    "lengthen",
    "extend",
    "insert",
    "turn",
    "apply",
    "put",
    "swap",
    "mute",
    "crop",
    "rotate",
    "split",
    "merge",
    "combine",
    "生成",
    "制作",
    "做一个",
    "做个",
    "做成",
    "创建",
    "创作",
    "添加",
    "加上",
    "加个",
    "删除",
    "删掉",
    "去掉",
    "修改",
    "改成",
    "改为",
    "替换",
    "换成",
    "剪辑",
    "剪掉",
    "裁剪",
    "缩短",
    "延长",
    "调整",
    "移动",
    "插入",
)

# Words that describe video *content*: an export request never needs them.
CONTENT_CUES: tuple[str, ...] = (
    "vertical",
    "horizontal",
    "portrait",
    "landscape",
    "square",
    "music",
    "bgm",
    "song",
    "soundtrack",
    "voiceover",
    "narration",
    "title",
    "titles",
    "caption",
    "captions",
    "subtitle",
    "subtitles",
    "transition",
    "transitions",
    "effect",
    "effects",
    "filter",
    "background",
    "logo",
    "tagline",
    "slideshow",
    "intro",
    "outro",
    "竖屏",
    "横屏",
    "竖版",
    "横版",
    "方形",
    "配乐",
    "音乐",
    "字幕",
    "标题",
    "转场",
    "特效",
    "滤镜",
    "背景",
    "片头",
    "片尾",
    "旁白",
    "配音",
)
CONTENT_CUE_RES: tuple[re.Pattern[str], ...] = (
    re.compile(r"(?<![0-9.])\d+(?:\.\d+)?\s*-?\s*(?:s|secs?|seconds?|mins?|minutes?)(?![a-z])"),
    re.compile(r"\d+\s*(?:秒|分钟)"),
    re.compile(r"(?<![0-9])\d{1,2}\s*:\s*\d{1,2}(?![0-9])"),  # aspect ratios 9:16, 1:1
    re.compile(
        r"(?<![a-z])(?:from|out of|using|with) (?:my|these|those|the|our) (?:[a-z-]+ )?"
        r"(?:photos?|images?|pictures?|pics|clips?|footage|shots|script|story|article|description)"
    ),
    re.compile(r"(?<![a-z])(?:video|clip|movie|reel|short)s? (?:about|of|showing|featuring)(?![a-z])"),
    re.compile(r"用(?:我的|这些|这几张)"),
)

EXPORT_FORMATS: tuple[str, ...] = ("mp4", "webm", "mov", "gif")
HEIGHT_WORDS: dict[str, int] = {"4k": 2160, "uhd": 2160, "2k": 1440, "full hd": 1080, "fhd": 1080}
QUALITY_WORDS: dict[str, str] = {
    "draft quality": "draft",
    "low quality": "draft",
    "lower quality": "draft",
    "quick render": "draft",
    "fast render": "draft",
    "草稿": "draft",
    "低画质": "draft",
    "high quality": "high",
    "best quality": "high",
    "full quality": "high",
    "高画质": "high",
    "高质量": "high",
}
DESTINATION_WORDS = r"(?:to|into|as|at|save as|保存到|保存为|存到|存为|另存为|到)"

MEDIA_EXTENSIONS: tuple[str, ...] = (
    "mp4",
    "mov",
    "avi",
    "webm",
    "mkv",
    "m4v",
    "jpg",
    "jpeg",
    "png",
    "gif",
    "webp",
    "heic",
    "bmp",
    "tif",
    "tiff",
    "mp3",
    "wav",
    "m4a",
    "aac",
    "ogg",
    "flac",
)
_EXT = "|".join(MEDIA_EXTENSIONS)
_URL = re.compile(r"https?://[^\s<>\"'`“”‘’「」（）()\[\]{}，。；！？、]+", re.IGNORECASE)
_FILE_URL = re.compile(r"file://(/[^\s<>\"'`“”]+)", re.IGNORECASE)
_QUOTED_PATH = re.compile(
    r"""(?:"|“|'|‘|`|「)((?:~|\.{1,2}|[A-Za-z]:)?[/\\][^"”'’`」\n]*?\.(?:""" + _EXT + r"""))(?:"|”|'|’|`|」)""",
    re.IGNORECASE,
)
_PATH_START = re.compile(r"(?<![A-Za-z0-9_/\\.~:\-])(?:~[/\\]|\.\.?[/\\]|[A-Za-z]:[/\\]|/)")
_PATH_END = re.compile(r".*?\.(?:" + _EXT + r")(?![A-Za-z0-9_\-]|\.[A-Za-z0-9])", re.IGNORECASE)
_SPACE = re.compile(r"\s")
_TRAILING_PUNCT = ".,;:!?)]}'\"，。；：！？）」、"

URL_FETCH_WORDS: tuple[str, ...] = ("download", "fetch", "grab", "import", "get", "下载", "导入")
FILLER = (
    "please",
    "pls",
    "these",
    "this",
    "that",
    "the",
    "a",
    "an",
    "file",
    "files",
    "photo",
    "photos",
    "image",
    "images",
    "picture",
    "pictures",
    "video",
    "videos",
    "clip",
    "clips",
    "my",
    "for",
    "me",
    "here",
    "here's",
    "heres",
    "here are",
    "it",
    "them",
    "and",
    "then",
    "also",
    "too",
    "now",
    "ok",
    "请",
    "帮我",
    "这些",
    "这个",
    "文件",
    "图片",
    "照片",
    "视频",
    "和",
    "并",
    "然后",
    "再",
    "吧",
)


@dataclass(frozen=True, slots=True)
class _Media:
    paths: tuple[str, ...]
    urls: tuple[str, ...]
    remainder: str  # the original text with every path and URL cut out


def route(text: str, table: tuple[IntentRule, ...] = INTENT_TABLE) -> Route:
    """Route free text to an action. Total: any ``str`` gives a Route, never an exception."""
    media = _extract_media(text)
    words = _normalize(media.remainder)
    export_hit = _first_hit(words, _rules_for("export", table))
    destination = _destination(text, media.paths) if export_hit and not media.urls else None
    if destination is not None:
        options = _export_options(words)
        options["destination"] = destination
        options.setdefault("format", _format_of(destination))
        reason = f'keyword "{export_hit}" with destination path "{destination}"'
        return Route("export", reason, options=options)
    if media.paths or media.urls:
        return _upload_route(media, table)
    return _keyword_route(words, export_hit, table)


def _upload_route(media: _Media, table: tuple[IntentRule, ...]) -> Route:
    first = (media.paths or media.urls)[0]
    kind = "path" if media.paths else "url"
    options: dict[str, OptionValue] = {}
    rest = _without(media.remainder, _rules_for("upload", table))
    if media.urls:  # "download/fetch <url>" describes the import itself, not a later export
        rest = _without(rest, (_pattern_re(URL_FETCH_WORDS),))
    rest = _strip_connectors(rest)
    if _meaningful(rest):
        words = _normalize(rest)
        then = _keyword_route(words, _first_hit(words, _rules_for("export", table)), table)
        options.update({k: v for k, v in then.options.items() if k != "then"})
        options["then"] = then.action
        options["then_text"] = rest
    return Route("upload", f'{kind} "{first}" in the text', media.paths, media.urls, options)


def _keyword_route(words: str, export_hit: str | None, table: tuple[IntentRule, ...]) -> Route:
    verb = _first_hit(words, (_pattern_re(CREATION_VERBS),))
    cue = _content_cue(words)
    for rule in sorted(table, key=lambda r: -r.priority):  # stable: ties keep table order
        hit = _first_hit(words, (_pattern_re(rule.patterns),))
        if hit is None or (verb is not None and not rule.strong):
            continue
        if rule.action == "export" and cue is not None:
            continue
        options = _export_options(words) if rule.action == "export" else {}
        kind = "strong keyword" if rule.strong else "keyword"
        return Route(rule.action, f'{kind} "{hit}"', options=options)
    if export_hit is not None:
        options = _export_options(words)
        options["then"] = "export"
        blocker = f'creation word "{verb}"' if verb is not None else f'content cue "{cue}"'
        return Route("generate", f'export keyword "{export_hit}" yields to {blocker}', options=options)
    if verb is not None:
        return Route("generate", f'creation word "{verb}"')
    return Route("generate", "default: no routing keyword")


# ---------------------------------------------------------------- matching helpers


def _normalize(text: str) -> str:
    # NFKC folds full-width letters and punctuation (ｅｘｐｏｒｔ, ？) into their ASCII forms.
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(folded.replace("’", "'").split())


@cache
def _pattern_re(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One alternation: English phrases as whole words (ASCII boundaries), Chinese as substrings."""
    ordered = sorted(patterns, key=len, reverse=True)
    english = [r"\s+".join(re.escape(part) for part in p.casefold().split()) for p in ordered if p.isascii()]
    chinese = [re.escape(p) for p in ordered if not p.isascii()]
    # Boundaries outside the alternation let the engine skip ahead fast (~20x on long text).
    alts = [rf"(?<![a-z0-9_])(?:{'|'.join(english)})(?![a-z0-9_])"] if english else []
    alts += chinese
    return re.compile("|".join(alts) or r"(?!)", re.IGNORECASE)


@cache
def _rules_for(action: Action, table: tuple[IntentRule, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(_pattern_re(rule.patterns) for rule in table if rule.action == action)


def _first_hit(words: str, regexes: tuple[re.Pattern[str], ...]) -> str | None:
    hits = [m for regex in regexes if (m := regex.search(words))]
    if not hits:
        return None
    return min(hits, key=lambda m: m.start()).group(0)


def _content_cue(words: str) -> str | None:
    hit = _first_hit(words, (_pattern_re(CONTENT_CUES),))
    if hit is not None:
        return hit
    return _first_hit(words, CONTENT_CUE_RES)


def _without(text: str, regexes: tuple[re.Pattern[str], ...]) -> str:
    for regex in regexes:
        text = regex.sub(" ", text)
    return text


_CONNECTOR = re.compile(
    r"^(?:(?:and then|and|then|also|plus)(?:\s+|$)|[&+]|并且|并|然后|再|和|[\s,;:.!?，。；：、！？-]+)",
    re.IGNORECASE,
)


def _strip_connectors(text: str) -> str:
    stripped = " ".join(text.split())
    while (match := _CONNECTOR.search(stripped)) and match.end() > 0:
        stripped = stripped[match.end() :]
    return stripped.rstrip(" ,;:，；：、-")


def _meaningful(text: str) -> bool:
    words = _normalize(text)
    for filler in sorted(FILLER, key=len, reverse=True):
        words = _pattern_re((filler,)).sub(" ", words)
    return any(ch.isalnum() for ch in words)


# ---------------------------------------------------------------- export options


def _export_options(words: str) -> dict[str, OptionValue]:
    options: dict[str, OptionValue] = {}
    fmt = _first_hit(words, (_pattern_re(EXPORT_FORMATS),))
    if fmt is not None:
        options["format"] = fmt
    if (height := _height(words)) is not None:
        options["height"] = height
    quality = _first_hit(words, (_pattern_re(tuple(QUALITY_WORDS)),))
    if quality is not None:
        options["quality"] = QUALITY_WORDS[" ".join(quality.split())]
    return options


def _height(words: str) -> int | None:
    size = re.search(r"(?<![0-9])\d{3,4}\s*[x×]\s*(\d{3,4})(?![0-9])", words)
    if size:
        return int(size.group(1)) if 64 <= int(size.group(1)) <= 4320 else None
    match = re.search(r"(?<![0-9])(\d{3,4})\s*p(?![a-z])|(?<![0-9])(2160|1440|1080|720|480|360)(?![0-9])", words)
    if match:
        value = int(match.group(1) or match.group(2))
        return value if 64 <= value <= 4320 else None
    word = _first_hit(words, (_pattern_re(tuple(HEIGHT_WORDS)),))
    return HEIGHT_WORDS[" ".join(word.split())] if word is not None else None


def _format_of(path: str) -> str:
    ext = path.rsplit(".", 1)[-1].lower()
    return ext if ext in EXPORT_FORMATS else "mp4"


def _destination(text: str, paths: tuple[str, ...]) -> str | None:
    """The export target when *every* path follows a destination word ("export to ~/out.mp4")."""
    if len(paths) != 1:
        return None
    before = re.compile(r"(?<![A-Za-z])" + DESTINATION_WORDS + r"\s*[\"'“‘`「]?(?:file://)?\s*$", re.IGNORECASE)
    index = text.find(paths[0])
    if index < 0:  # a file:// URL was decoded; look for its raw form instead
        index = text.find("file://")
    return paths[0] if index >= 0 and before.search(text[:index]) else None


# ---------------------------------------------------------------- media extraction


def _extract_media(text: str) -> _Media:
    urls: list[str] = []
    paths: list[str] = []
    spans: list[tuple[int, int]] = []
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_TRAILING_PUNCT)
        urls.append(url)
        spans.append((match.start(), match.start() + len(url)))
    for match in _FILE_URL.finditer(text):
        path = unquote(match.group(1)).rstrip(_TRAILING_PUNCT)
        if _has_media_ext(path):
            paths.append(path)
            spans.append(match.span())
    for match in _QUOTED_PATH.finditer(text):
        if not _overlaps(match.span(), spans):
            paths.append(match.group(1))
            spans.append(match.span())
    for start, end in _unquoted_paths(text):
        if not _overlaps((start, end), spans):
            paths.append(text[start:end])
            spans.append((start, end))
    remainder = _cut(text, spans)
    return _Media(_dedupe(paths), _dedupe(urls), remainder)


def _unquoted_paths(text: str) -> list[tuple[int, int]]:
    """Path spans inside whitespace-separated tokens; at most one scan per token keeps this linear."""
    found: list[tuple[int, int]] = []
    pos = 0
    while (start := _PATH_START.search(text, pos)) is not None:
        space = _SPACE.search(text, start.start())
        token_end = space.start() if space else len(text)
        end = _PATH_END.match(text, start.start(), token_end)
        # On a miss, skip the rest of the token: rescanning from each later "/" would be quadratic.
        pos = end.end() if end is not None else token_end
        if end is not None:
            found.append((start.start(), end.end()))
    return found


def _has_media_ext(path: str) -> bool:
    return path.rsplit(".", 1)[-1].lower() in MEDIA_EXTENSIONS if "." in path else False


def _overlaps(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


def _cut(text: str, spans: list[tuple[int, int]]) -> str:
    out, pos = [], 0
    for start, end in sorted(spans):
        if start >= pos:
            out.append(text[pos:start])
            pos = end
    out.append(text[pos:])
    return " ".join(" ".join(out).split())


def _dedupe(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
