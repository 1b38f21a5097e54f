"""Whole-video settings in words: format, length, pace, transitions, music and brand."""

from __future__ import annotations

import re
from typing import Final

from ....composition import defaults as D
from ....composition import to_draft
from ....composition.timing import scene_slots
from ....draft import format_seconds
from .context import Context
from .lexicon import (
    COLOR_WORDS,
    FASTER,
    FORMAT_PATTERNS,
    LOUDER,
    MOOD_NAMES,
    MOOD_PATTERNS,
    MUSIC_WORD,
    NO_MUSIC,
    PACE_PATTERNS,
    QUIETER,
    SLOWER,
    TRANSITION_KIND_PATTERNS,
    TRANSITION_WORD,
    USE_AUDIO,
)
from .numbers import find_durations, find_percent, is_target

TRANSITION_NAMES: Final = {
    "cut": ("hard cuts", "硬切"),
    "wipeleft": ("wipe", "擦除"),
    "slideleft": ("slide", "滑动"),
    "fadeblack": ("fade-to-black", "黑场"),
    "circleopen": ("circle", "圆形"),
    "dissolve": ("dissolve", "溶解"),
    "crossfade": ("crossfade", "淡入淡出"),
}
PACE_NAMES: Final = {"energetic": ("energetic", "快"), "calm": ("calm", "舒缓"), "normal": ("normal", "正常")}
_EACH_DURATION: Final = (
    r"(?P<d>{D})\s*(?:each\s+|apiece\s+)?(?:per|for each|each|for every|every|a|on each)\s+"
    r"(?:photo|image|picture|pic|slide|scene|shot|clip|one|screen)s?\b"
    r"|\b(?:each|every)\s+(?:photo|image|picture|pic|slide|scene|shot|clip|one|screen)\s+(?:should\s+)?"
    r"(?:for|lasts?|last|stays?|stay|is|be|gets?|holds?|on screen for|shows? for)?\s*(?:for\s+)?(?P<d2>{D})"
    r"|\b(?:(?:photos|images|pictures|slides|scenes|shots|clips)\s+)?(?P<d3>{D})\s+(?:each|apiece)\b"
    r"|每(?:张|个|段|幅)(?:图片?|照片|画面|镜头|素材|场景)?\s*(?:都)?(?:停留|显示|播放|持续|放|停)?\s*(?P<d4>{D})"
)
_NUM_UNIT: Final = (
    r"(?:(?:a|one)\s+second|\d+(?:\.\d+)?\s*-?\s*(?:seconds?|secs?|s)\b"
    r"|(?:one|two|three|four|five|six|seven|eight|nine|ten)[- ]seconds?"
    r"|[零一二两三四五六七八九十\d]+\s*秒钟?)"
)
_BY_AMOUNT: Final = (
    r"\b(?:shorter|longer|shorten(?: it)?|lengthen(?: it)?|extend(?: it)?|trim(?: it)?|cut(?: it)?)\s+by\s+(?P<d>{D})"
    r"|(?P<d2>{D})\s+(?:shorter|longer|more|less)\b|\b(?:add|another|cut|trim|remove|take off)\s+(?P<d3>{D})"
    r"(?!\s*(?:per|each|every))"
)
_LONGER: Final = (
    r"\b(?:a\s+(?:little|bit|touch)\s+|slightly\s+|much\s+)?(?:longer|lengthen|extend(?: it)?)\b|延长|长一点"
    r"|长一些|加长"
)
_SHORTER: Final = (
    r"\b(?:a\s+(?:little|bit|touch)\s+|slightly\s+|much\s+)?(?:shorter|shorten|trim it(?: down)?)\b|缩短|短一点"
    r"|短一些|剪短"
)


def each_duration(ctx: Context) -> None:
    """ "3 seconds per photo", "每张图停留四秒" → every scene that long."""
    if _negative(ctx, find_durations(ctx.view)):
        return
    for m in ctx.find(_EACH_DURATION.replace("{D}", _NUM_UNIT)):
        raw = next(g for g in (m.group("d"), m.group("d2"), m.group("d3"), m.group("d4")) if g)
        found = find_durations(raw)
        if not found:
            continue
        ctx.take_span(m.start(), m.end())
        seconds = found[0][2] / 1000
        ctx.act(
            [{"op": "set_duration", "seconds": seconds, "scene": "each"}],
            f"made every scene {format_seconds(found[0][2])} seconds",
            f"每个画面{format_seconds(found[0][2])}秒",
        )


_NEGATIVE: Final = re.compile(r"(?:(?<![\w-])-\s*|\bminus\s+|\bnegative\s+|负)$")


def _negative(ctx: Context, found: list[tuple[int, int, int]]) -> bool:
    """A length written as negative ("-5 s", "minus ten seconds", "负五秒") is refused, not flipped."""
    view = ctx.view
    negative = [(s, e) for s, e, _ in found if _NEGATIVE.search(view[max(0, s - 12) : s])]
    for s, e in negative:
        start = s - len(_NEGATIVE.search(view[max(0, s - 12) : s]).group())  # type: ignore[union-attr]
        ctx.take_span(start, e)
    if negative:
        ctx.note("A length cannot be negative, so I left the length as it was.", "时长不能是负数，所以没有改时长。")
    return bool(negative)


def total_duration(ctx: Context) -> None:
    if _negative(ctx, find_durations(ctx.view)):
        return
    for m in ctx.find(_BY_AMOUNT.replace("{D}", _NUM_UNIT)):
        amount = find_durations(m.group("d") or m.group("d2") or m.group("d3"))
        if amount:
            ctx.take_span(m.start(), m.end())
            less = re.search(r"short|less|trim|cut|remove|take|minus|减|缩", m.group())
            _set_total(ctx, current_total(ctx) + (-1 if less else 1) * amount[0][2])
            return
    found = [f for f in find_durations(ctx.view) if ctx.view[f[0] : f[1]].strip()]
    if found:
        targeted = [f for f in found if is_target(ctx.view, f[0])]
        ms = (targeted or found)[0][2]
        for s, e, _ in found:
            ctx.take_span(s, e)
        _set_total(ctx, ms)
        return
    for pattern, sign in ((_LONGER, 1), (_SHORTER, -1)):
        hit = next(iter(ctx.take(pattern)), None)
        if hit is None:
            continue
        total = current_total(ctx)
        step = max(2000, round(total * (0.5 if "much" in hit.group() else 0.25) / 1000) * 1000)
        _set_total(ctx, total + sign * step)
        return


def current_total(ctx: Context) -> int:
    """How long the video is now, as laid out (end card and beat grid included)."""
    return round(to_draft(ctx.work, ctx.media).total_ms())


def scene_ms(ctx: Context, scene_id: str) -> int:
    clips = [_clip_ms(ctx, s.media) for s in ctx.work.scenes]
    slots = scene_slots(ctx.work, clips)[1]
    index = next(i for i, s in enumerate(ctx.work.scenes) if s.id == scene_id)
    return slots[index].d


def _clip_ms(ctx: Context, media_id: str | None) -> int | None:
    asset = next((a for a in ctx.media if a.id == media_id), None)
    if asset is None or asset.kind != "video" or not asset.duration_s:
        return None
    return round(asset.duration_s * 1000)


def _set_total(ctx: Context, asked: int) -> None:
    ms = max(D.MIN_TOTAL_MS, min(D.MAX_TOTAL_MS, asked))
    seconds = format_seconds(ms)
    ctx.act(
        [{"op": "set_duration", "seconds": ms / 1000}], f"set the length to {seconds} seconds", f"时长改为{seconds}秒"
    )
    if ms != asked:
        low, high = D.MIN_TOTAL_MS // 1000, D.MAX_TOTAL_MS // 1000
        ctx.note(
            f"Videos can be {low} to {high} seconds long, so I used {seconds} seconds instead of "
            f"{format_seconds(asked)}.",
            f"视频时长须在{low}到{high}秒之间，所以用了{seconds}秒（而不是{format_seconds(asked)}秒）。",
        )


def transitions(ctx: Context) -> None:
    hits: list[tuple[int, int, str]] = []
    for pattern, kind in TRANSITION_KIND_PATTERNS:
        hits.extend((m.start(), m.end(), kind) for m in ctx.find(pattern))
    if hits:
        start, end, kind = min(hits)
        for s, e, _ in hits:
            ctx.take_span(s, e)
        en, zh = TRANSITION_NAMES[kind]
        ctx.act(
            [{"op": "set_transition", "kind": kind}],
            "switched to hard cuts" if kind == "cut" else f"switched to {en} transitions",
            f"转场改为{zh}",
        )
    word = rf"(?:{TRANSITION_WORD})"
    for pattern, factor in ((SLOWER, 1.6), (FASTER, 0.6)):
        for m in ctx.find(rf"(?:{pattern})\s+(?:the\s+)?{word}|{word}(?:\s+\S+){{0,3}}?\s*(?:{pattern})"):
            ctx.take_span(m.start(), m.end())
            _transition_length(ctx, factor)
            return
    for m in ctx.find(rf"{word}"):
        start, end = ctx.clause_of(m.start())
        lengths = [f for f in find_durations(ctx.view[start:end]) if f[2] <= D.MAX_TRANSITION_MS]
        if lengths:
            ctx.take_span(m.start(), m.end())
            ctx.take_span(start + lengths[0][0], start + lengths[0][1])
            seconds = lengths[0][2] / 1000
            ctx.act(
                [{"op": "set_transition", "seconds": seconds}],
                f"set the transitions to {seconds:g} s",
                f"转场时长改为{seconds:g}秒",
            )
            return


def _transition_length(ctx: Context, factor: float) -> None:
    work = ctx.work
    kind = work.transition.kind or D.PACE_STYLE[work.pace][1]
    if kind == "cut":
        ctx.note(
            "Hard cuts have no length to change; ask for a transition first.", "硬切没有时长可调，请先选一种转场。"
        )
        return
    now = work.transition.duration_ms if work.transition.duration_ms is not None else D.PACE_STYLE[work.pace][2]
    new = round(now * factor) if factor < 1 else max(now + 200, round(now * factor))
    new = max(100, min(D.MAX_TRANSITION_MS, new)) // 20 * 20
    longer = factor > 1
    ctx.act(
        [{"op": "set_transition", "seconds": new / 1000}],
        f"made the transitions {'slower' if longer else 'snappier'} ({new / 1000:g} s)",
        f"转场{'放慢' if longer else '加快'}（{new / 1000:g}秒）",
    )


def music(ctx: Context) -> None:
    if ctx.take(NO_MUSIC):
        ctx.act([{"op": "set_music", "off": True}], "removed the music", "去掉了背景音乐")
    elif ctx.take(USE_AUDIO) or (ctx.fresh and any(a.kind == "audio" for a in ctx.media)):
        audio = [a for a in ctx.media if a.kind == "audio"]
        if audio:
            name = audio[-1].name
            ctx.act(
                [{"op": "set_music", "asset": audio[-1].id}],
                f"used your audio '{name}' as the music",
                f"用你上传的音频「{name}」作背景音乐",
            )
            for pattern, _ in MOOD_PATTERNS:  # the mood words said of the music are answered by the file
                ctx.take(rf"(?:{pattern})\s+(?:{MUSIC_WORD})")
        else:
            ctx.note(
                "No audio file has been uploaded, so I kept the music as it was.",
                "还没有上传音频文件，所以音乐保持不变。",
            )
    else:
        _mood(ctx)
    _volume(ctx)


def _mood(ctx: Context) -> None:
    for pattern, mood in MOOD_PATTERNS:
        near = rf"(?:{pattern})[^,.;，。；]{{0,12}}?(?:{MUSIC_WORD})|(?:{MUSIC_WORD})[^,.;，。；]{{0,16}}?(?:{pattern})"
        said = bool(re.search(MUSIC_WORD, ctx.lower)) or bool(
            re.search(rf"\bmake (?:it|the video|this|the whole thing)\s+(?:more\s+|a bit\s+)?(?:{pattern})", ctx.view)
        )
        hits = ctx.find(near) or (ctx.find(pattern) if ctx.fresh or said else [])
        if hits:
            if not ctx.fresh or ctx.find(near):
                ctx.take_span(hits[0].start(), hits[0].end())
            en, zh = MOOD_NAMES[mood]
            ctx.act([{"op": "set_music", "mood": mood}], f"chose {en} music", f"背景音乐改为{zh}风格")
            return
    add = ctx.take(
        rf"\b(?:add|with|put on|bring back|turn on)\s+(?:some\s+|the\s+)?(?:background\s+)?(?:{MUSIC_WORD})"
        rf"|加上?(?:背景)?音乐|配上?音乐"
    )
    if add and ctx.work.music.kind == "none":
        mood = D.DEFAULT_MOOD_FOR_PACE[ctx.work.pace]
        ctx.act([{"op": "set_music", "mood": mood}], f"added {MOOD_NAMES[mood][0]} music", "加上了背景音乐")


def _volume(ctx: Context) -> None:
    volume = None
    context = ctx.find(rf"(?:{MUSIC_WORD})|\bvolume\b|音量")
    if context:
        start, end = ctx.clause_of(context[0].start())
        percent = re.search(
            r"\d+(?:\.\d+)?\s*(?:%|％|percent\b|per cent\b)|百分之[零一二两三四五六七八九十百\d]+", ctx.view[start:end]
        )
        if percent:
            volume = find_percent(percent.group())
            ctx.take_span(start + percent.start(), start + percent.end())
            ctx.take_span(context[0].start(), context[0].end())
    if volume is None:
        for pattern, factor in ((QUIETER, 0.6), (LOUDER, 1.4)):
            if ctx.take(pattern):
                volume = ctx.work.music.volume * factor if ctx.work.music.kind != "none" else D.MUSIC_VOLUME
                break
    if volume is None:
        return
    volume = round(max(0.05, min(1.0, volume)), 2)
    percent_text = f"{round(volume * 100)}%"
    ctx.act(
        [{"op": "set_music", "volume": volume}],
        f"set the music volume to {percent_text}",
        f"背景音乐音量调到{percent_text}",
    )


def pace(ctx: Context) -> None:
    hits = [(m.start(), m.end(), p) for pattern, p in PACE_PATTERNS for m in ctx.find(pattern)]
    if not hits:
        return
    chosen = min(hits)[2]
    for s, e, _ in hits:
        ctx.take_span(s, e)
    en, zh = PACE_NAMES[chosen]
    ctx.act([{"op": "set_pace", "pace": chosen}], f"set a {en} pace", f"节奏改为{zh}")


def format_(ctx: Context) -> None:
    hits = [(m.start(), m.end(), a, p) for pattern, a, p in FORMAT_PATTERNS for m in ctx.find(pattern)]
    if not hits:
        return
    hits.sort(key=lambda h: h[0])
    aspect = hits[0][2]
    platform = next((p for _, _, a, p in hits if p is not None and a == aspect), None)
    for s, e, _, _ in hits:
        ctx.take_span(s, e)
    width, height = D.SIZES[aspect]
    where = f", {platform}" if platform else ""
    raw: dict[str, object] = {"op": "set_format", "aspect": aspect}
    if platform:
        raw["platform"] = platform
    ctx.act(
        [raw],
        f"changed the format to {aspect} ({width}x{height}{where})",
        f"画幅改为{aspect}（{width}x{height}{where}）",
    )


_CORNERS: Final = (
    (r"top[- ]left|upper[- ]left|左上", "top_left"),
    (r"top[- ]right|upper[- ]right|右上", "top_right"),
    (r"bottom[- ]left|lower[- ]left|左下", "bottom_left"),
    (r"bottom[- ]right|lower[- ]right|右下", "bottom_right"),
)


def brand(ctx: Context) -> None:
    for m in ctx.find(r"\bbrand(?:ing)?\s+(?:colou?rs?|palette)\b|\bour colou?rs\b|品牌色|品牌颜色"):
        stop = re.compile(r"[.;!?\n。；！？]").search(ctx.view, m.end())
        end = stop.start() if stop else len(ctx.view)
        colours = [(h.start(), name) for p, name in COLOR_WORDS for h in re.finditer(p, ctx.view[m.end() : end])] + [
            (h.start(), h.group()) for h in re.finditer(r"#[0-9a-f]{6}\b|#[0-9a-f]{3}\b", ctx.view[m.end() : end])
        ]
        if colours:
            ctx.take_span(m.start(), end)
            palette = [c for _, c in sorted(colours)][:6]
            ctx.act(
                [{"op": "set_brand", "palette": palette}],
                f"set the brand colours to {', '.join(palette)}",
                f"品牌色设为{'、'.join(palette)}",
            )
    for m in ctx.find(
        r"\b(?:brand\s+)?(?:font|typeface)\s*(?:to|is|:|=|as)?\s*(?P<f>[a-z][a-z0-9 -]{1,30}?)(?=\s*$|\s*[,.;]"
        r"|\s+(?:for|and|on|please)\b)|字体(?:用|改成|换成|为|是)\s*(?P<z>[a-z][a-z0-9 -]{1,30})"
    ):
        group = "f" if m.group("f") else "z"
        font = ctx.text[m.start(group) : m.end(group)].strip()
        if font.lower() in ("bigger", "larger", "smaller", "bold", "size"):
            continue
        ctx.take_span(m.start(), m.end())
        ctx.act([{"op": "set_brand", "font": font}], f"set the font to {font}", f"字体改为{font}")
    for m in ctx.find(r"(?<![a-z])logo(?![a-z])|标志|商标"):
        start, end = ctx.clause_of(m.start())
        corner_hit = next(((c, h) for p, c in _CORNERS for h in ctx.find(rf"(?:{p})(?:\s*corner|角)?")), None)
        corner = corner_hit[0] if corner_hit else None
        if corner_hit:
            ctx.take_span(corner_hit[1].start(), corner_hit[1].end())
        logos = [a for a in ctx.media if a.kind == "image" and "logo" in a.name.lower()]
        ctx.take_span(start, end)
        if not logos and ctx.work.brand.logo is None:
            ctx.note(
                "There is no logo to show: upload an image named like logo.png first.",
                "没有可用的标志：请先上传一张名为 logo.png 之类的图片。",
            )
            return
        raw: dict[str, object] = {"op": "set_brand"}
        if logos:
            raw["logo"] = logos[-1].id
        if corner:
            raw["corner"] = corner
        where = (corner or ctx.work.brand.corner).replace("_", " ")
        ctx.act([raw], f"put the logo in the {where} corner", f"标志放在{where}角")
        return
