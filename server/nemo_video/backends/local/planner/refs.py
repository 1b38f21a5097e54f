"""References to pictures in words: by place ("the second photo", "第三张", "the last one"), by file
name ("street.jpg"), by words of the name ("the street shot"), by dominant colour ("the blue one",
"蓝色那张") and by orientation ("the portrait one").

:func:`find_refs` lists the reference phrases of a text with what each points at: a scene of the
working composition and/or a media file of the session (a file not yet in the video can be added or
swapped in), or why it points at nothing (no such photo, or two fit equally).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Final

from ....composition import Composition
from ...base import Asset
from .lexicon import COLOR_WORDS
from .numbers import CN_ORDINAL, EN_ORDINAL, ordinal_value

ITEM: Final = (
    r"(?:photos?|images?|pictures?|pics?|clips?|videos?|shots?|slides?|ones?|segments?|scenes?|screens?"
    r"|footage|frames?)"
)
_EN_NUMBER: Final = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)"
_NUMBER_WORDS: Final = {
    w: i for i, w in enumerate(["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"], 1)
}
_CN_ITEM: Final = (
    r"(?:张|个|段|幅|条|号)(?:的)?(?:照片|图片|图|视频|片段|素材|镜头|场景)?|(?:照片|图片|图|视频|片段|素材|镜头|场景)"
)
_FILE: Final = r"\b[\w.-]+\.(?:jpe?g|png|webp|heic|gif|bmp|tiff?|mp4|mov|webm|m4v|mkv|avi)\b"
_ORIENTATION: Final = (
    (r"\bportrait\b|\bvertical\b|\btall\b|\bupright\b|竖", "portrait"),
    (r"\blandscape\b|\bhorizontal\b|\bwide\b|横", "landscape"),
    (r"\bsquare\b|方", "square"),
)
_GENERIC: Final = frozenset({"img", "dsc", "dscn", "pxl", "photo", "image", "pic", "final", "copy", "edit", "the"})
_CONTINUE: Final = frozenset({"of", "our", "my", "that", "this"})

EN_REF: Final = re.compile(
    rf"\b(?:the\s+)?(?P<ord>{EN_ORDINAL})(?:\s+(?:and|&|,)\s+(?:the\s+)?(?P<ord2>{EN_ORDINAL}))?\s+(?P<kind>{ITEM})\b"
    rf"|\b(?P<kind2>{ITEM})\s+(?:number\s+|no\.?\s*|#\s*)?(?P<num>{_EN_NUMBER})"
    rf"(?:\s*(?:and|&|,|with)\s*#?(?P<num2>{_EN_NUMBER}))?\b"
    r"(?!\s*(?:s|sec|secs|seconds?|minutes?|mins?|%|x|px|percent)\b)"
    rf"|(?P<file>{_FILE})"
)
_NUMBER_BEFORE: Final = re.compile(r"(?:\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|[a-z]+ty))[\s-]*$")
_CJK: Final = re.compile(r"[\u4e00-\u9fff]")
_DETERMINER: Final = re.compile(r"\b(?:the|that|this|our|my|and|&)\s+")
_WORDS: Final = re.compile(r"(?P<words>(?:[a-z0-9][a-z0-9'-]*\s+){0,3}[a-z0-9][a-z0-9'-]*)")
ZH_REF: Final = re.compile(
    rf"(?P<ord>{CN_ORDINAL})(?:{_CN_ITEM})?(?:\s*(?:和|与|跟|、)\s*(?P<ord2>{CN_ORDINAL})(?:{_CN_ITEM})?)?"
    r"|(?P<words>深蓝|藏青|[白黑灰红橙橘黄绿青蓝紫粉棕米金竖横方]|[a-z][a-z0-9-]*)(?:色|版|拍|形)?\s*"
    r"(?:(?:的)?\s*(?:那张|那个|那段|这张|那幅|那一张)(?:图片|照片|图)?|的(?:图片|照片|图))"
)


@dataclass(frozen=True)
class Ref:
    start: int
    end: int
    scenes: tuple[str, ...] = ()  # scene ids in the working composition (two for "photos 1 and 2")
    media: Asset | None = None  # the file named, when the phrase names one
    problem: tuple[str, str] | None = None  # (en, zh) why it points at nothing

    @property
    def scene(self) -> str | None:
        return self.scenes[0] if self.scenes else None


def name_tokens(name: str) -> set[str]:
    stem = PurePath(name).stem.lower()
    return {t for t in re.split(r"[^a-z]+", stem) if len(t) > 1 and t not in _GENERIC}


def find_refs(view: str, comp: Composition, media: Sequence[Asset]) -> list[Ref]:
    """Every reference phrase in ``view`` (lower-cased, taken words blanked), in order."""
    visual = [m for m in media if m.kind in ("image", "video")]
    refs: list[Ref] = []
    matches: list[tuple[re.Match[str] | _Span, bool]] = [(m, False) for m in EN_REF.finditer(view)]
    if _CJK.search(view):
        matches += [(m, True) for m in ZH_REF.finditer(view)]
    for det in _DETERMINER.finditer(view):  # each "the …" on its own: "the tan bag with the street shot"
        words = _WORDS.match(view, det.end())
        if words is not None:
            matches.append((_Span(det.start(), words), False))
    for m, zh in sorted(matches, key=lambda item: item[0].start()):
        ref = _resolve(m, comp, visual, zh)
        if ref is not None and not any(r.start <= ref.start < r.end for r in refs):
            refs.append(ref)
    return sorted(refs, key=lambda r: r.start)


class _Span:
    """A determiner and the words after it, read like one match."""

    def __init__(self, start: int, words: re.Match[str]) -> None:
        self._start, self._words = start, words

    def start(self, group: str | None = None) -> int:
        return self._words.start() if group == "words" else self._start

    def end(self) -> int:
        return self._words.end()

    def group(self, index: int = 0) -> str:
        return self._words.string[self._start : self._words.end()]

    def groupdict(self) -> dict[str, str | None]:
        return {"words": self._words.group("words")}


def _resolve(m: re.Match[str] | _Span, comp: Composition, visual: Sequence[Asset], zh: bool) -> Ref | None:
    groups = m.groupdict()
    if groups.get("ord") and isinstance(m, re.Match) and _NUMBER_BEFORE.search(m.string[: m.start("ord")]):
        return None  # "a 12 second video": a length, not the second scene
    if groups.get("ord") or groups.get("num"):
        kind = _kind(groups.get("kind") or groups.get("kind2") or m.group(0))
        raw = [groups.get("ord") or groups.get("num"), groups.get("ord2") or groups.get("num2")]
        return _by_place(m, comp, visual, [r for r in raw if r], kind)
    if groups.get("file"):
        found = [a for a in visual if a.name.lower() == groups["file"]]
        return _ref_to(m.start(), m.end(), comp, found[0]) if found else None
    words = (m.group(0) if zh else groups.get("words")) or ""
    return _by_description(m, words, comp, visual, zh)


def _kind(word: str) -> str:
    if re.search(r"photo|image|picture|pic|张|幅|照片|图", word):
        return "image"
    if re.search(r"clip|video|footage|视频|片段|段", word):
        return "video"
    return "any"


def _number(token: str) -> int | None:
    return _NUMBER_WORDS.get(token) or ordinal_value(token)


def _by_place(m: re.Match[str] | _Span, comp: Composition, visual: Sequence[Asset], raw: list[str], kind: str) -> Ref:
    kinds = {a.id: a.kind for a in visual}
    pool = [s for s in comp.scenes if kind == "any" or kinds.get(s.media or "", "image") == kind]
    pool = pool or list(comp.scenes)
    ids: list[str] = []
    for token in raw:
        n = _number(token.strip())
        if n is None:
            continue
        index = n - 1 if n > 0 else len(pool) + n
        if not 0 <= index < len(pool):
            have = len(pool)
            en = f"there is no {token.strip()} {'photo' if kind == 'image' else 'scene'} (the video has {have})"
            return Ref(m.start(), m.end(), problem=(en, f"没有{token.strip()}个画面（视频里只有{have}个）"))
        ids.append(pool[index].id)
    media = next((a for a in visual if len(ids) == 1 and a.id == comp.scene(ids[0]).media), None)  # type: ignore[union-attr]
    return Ref(m.start(), m.end(), tuple(ids), media)


def _ref_to(start: int, end: int, comp: Composition, asset: Asset) -> Ref:
    scenes = tuple(s.id for s in comp.scenes if s.media == asset.id)
    return Ref(start, end, scenes[:1], asset)


def _by_description(
    m: re.Match[str] | _Span, words: str, comp: Composition, visual: Sequence[Asset], zh: bool
) -> Ref | None:
    """The media the words describe best; the phrase ends at the last word that helped."""
    tokens = list(re.finditer(r"[a-z0-9][a-z0-9'-]*|[\u4e00-\u9fff]+", words))
    if not tokens:
        return None
    base = m.start() if zh else m.start("words")
    best_end, best_scores, any_noun = 0, [0.0] * len(visual), False
    scores = [0.0] * len(visual)
    for t in tokens:
        word = t.group()
        hit = False
        colour = next((c for p, c in COLOR_WORDS if re.fullmatch(p, word) or (zh and re.search(p, word))), None)
        orient = next((o for p, o in _ORIENTATION if re.fullmatch(p, word) or (zh and re.search(p, word))), None)
        for i, asset in enumerate(visual):
            gain = 0.0
            names = name_tokens(asset.name)
            if word in names or word.removesuffix("s") in names or (zh and any(n in word for n in names)):
                gain += 1.0
            if colour and asset.colors:
                gain += 1.0 if asset.colors[0] == colour else 0.4 if colour in asset.colors[1:2] else 0.0
            if orient and asset.orientation == orient:
                gain += 1.0
            scores[i] += gain
            hit = hit or gain > 0
        noun = bool(re.fullmatch(ITEM, word))
        if not (hit or noun or word in _CONTINUE):
            break
        any_noun = any_noun or noun
        if hit or (noun and max(scores, default=0) > 0):
            best_end, best_scores = t.end(), list(scores)
    top = max(best_scores, default=0.0)
    if top <= 0:
        return _sole(m, tokens[0], comp, visual)
    end = base + best_end if not zh else m.end()
    leaders = [a for a, s in zip(visual, best_scores, strict=True) if s == top]
    if len(leaders) > 1:
        fits = ", ".join(a.name for a in leaders)
        phrase = words[:best_end]
        return Ref(m.start(), end, problem=(f"'{phrase}' fits {fits} equally", f"「{phrase}」同时符合{fits}"))
    return _ref_to(m.start(), end, comp, leaders[0])


def _sole(m: re.Match[str] | _Span, first: re.Match[str], comp: Composition, visual: Sequence[Asset]) -> Ref | None:
    """ "the clip" when the video has exactly one clip."""
    kind = {"clip": "video", "video": "video", "footage": "video"}.get(first.group())
    kinds = {a.id: a.kind for a in visual}
    scenes = [s for s in comp.scenes if kind and kinds.get(s.media or "") == kind]
    if len(scenes) != 1:
        return None
    asset = next(a for a in visual if a.id == scenes[0].media)
    return Ref(m.start(), m.start("words") + first.end(), (scenes[0].id,), asset)
