"""Apply a :class:`Request` to a :class:`VideoSpec`: each change is recorded for the reply and the steps."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from ....draft import format_seconds
from ...base import Asset
from .intent import MediaOp, Request
from .lexicon import DEFAULT_MOOD_FOR_PACE, MOOD_NAMES, SIZES, TRANSITION_NAMES
from .numbers import MAX_MS, MIN_MS, clamp_duration
from .spec import Music, VideoSpec


@dataclass(frozen=True)
class Change:
    """One thing done (or refused): a plan step plus the sentence for the reply in both languages."""

    step: str
    args: dict[str, Any]
    result: str
    en: str
    zh: str
    done: bool = True  # False: a note about something not done


def _note(en: str, zh: str) -> Change:
    return Change("note", {}, en, en, zh, done=False)


def apply(
    spec: VideoSpec, req: Request, media: Sequence[Asset], fresh: bool
) -> tuple[VideoSpec, list[Change]]:
    """The spec after the request, and what was done. ``fresh``: a new video (mood words need no "music")."""
    changes: list[Change] = []
    for op in req.media_ops:
        spec = _media_op(spec, op, media, changes)
    spec = _duration(spec, req, changes)
    if req.ratio is not None:
        width, height = SIZES[req.ratio]
        spec = replace(spec, ratio=req.ratio)
        changes.append(
            Change(
                "set_format",
                {"ratio": req.ratio},
                f"{width}x{height}",
                f"changed the format to {req.ratio} ({width}x{height})",
                f"画幅改为{req.ratio}（{width}x{height}）",
            )
        )
    if req.pace is not None:
        spec = replace(spec, pace=req.pace)
        names = {"energetic": ("energetic", "快"), "calm": ("calm", "舒缓"), "normal": ("normal", "正常")}[
            req.pace
        ]
        changes.append(
            Change("set_pace", {"pace": req.pace}, req.pace, f"set a {names[0]} pace", f"节奏改为{names[1]}")
        )
    if req.transition is not None:
        spec = replace(spec, transition=req.transition)
        en, zh = TRANSITION_NAMES[req.transition]
        changes.append(
            Change(
                "set_transitions",
                {"type": req.transition},
                req.transition,
                "switched to hard cuts" if req.transition == "cut" else f"switched to {en} transitions",
                f"转场改为{zh}",
            )
        )
    notes_before = len(changes)
    spec = _title(spec, req, changes)
    spec = _captions(spec, req, changes)
    spec = _cta(spec, req, changes)
    if fresh:  # "a video without a title" is a wish, not an edit: no "there was no title" notes
        changes[notes_before:] = [c for c in changes[notes_before:] if c.done]
    spec = _music(spec, req, media, fresh, changes)
    return spec, changes


def _duration(spec: VideoSpec, req: Request, changes: list[Change]) -> VideoSpec:
    asked = req.duration_ms
    if asked is None and req.duration_factor is not None and spec.duration_ms:
        asked = round(spec.duration_ms * req.duration_factor / 1000) * 1000
    if asked is None:
        return spec
    ms = clamp_duration(asked)
    seconds = format_seconds(ms)
    changes.append(
        Change(
            "set_duration",
            {"seconds": ms / 1000},
            f"{seconds} s",
            f"set the length to {seconds} seconds",
            f"时长改为{seconds}秒",
        )
    )
    if ms != asked:
        changes.append(
            _note(
                f"Videos can be {MIN_MS // 1000} to {MAX_MS // 1000} seconds long, "
                f"so I used {seconds} seconds instead of {format_seconds(asked)}.",
                f"视频时长须在{MIN_MS // 1000}到{MAX_MS // 1000}秒之间，"
                f"所以用了{seconds}秒（而不是{format_seconds(asked)}秒）。",
            )
        )
    return replace(spec, duration_ms=ms)


def _title(spec: VideoSpec, req: Request, changes: list[Change]) -> VideoSpec:
    if req.title is not None:
        changes.append(
            Change(
                "set_title",
                {"text": req.title},
                req.title,
                f"set the title to '{req.title}'",
                f"标题改为「{req.title}」",
            )
        )
        return replace(spec, title=req.title)
    if req.remove_title:
        if spec.title is None:
            changes.append(_note("There was no title to remove.", "视频本来就没有标题。"))
            return spec
        changes.append(Change("remove_title", {}, "removed", "removed the title", "去掉了标题"))
        return replace(spec, title=None)
    return spec


def _captions(spec: VideoSpec, req: Request, changes: list[Change]) -> VideoSpec:
    if req.captions_on is False:
        if not spec.captions:
            changes.append(_note("There were no captions to remove.", "视频本来就没有字幕。"))
            return spec
        changes.append(
            Change(
                "remove_captions", {}, f"{len(spec.captions)} removed", "removed the captions", "去掉了字幕"
            )
        )
        return replace(spec, captions=())
    if req.captions_on is True and not spec.captions:
        if req.captions:
            changes.append(
                Change(
                    "add_captions",
                    {"lines": list(req.captions)},
                    f"{len(req.captions)} lines",
                    "added captions",
                    "加上了字幕",
                )
            )
            return replace(spec, captions=req.captions)
        changes.append(
            _note(
                "I have no caption text to show: send the lines you want (or say undo to bring "
                "back the last captions).",
                "没有可显示的字幕文字：请发来字幕内容（或说“撤销”恢复上一版字幕）。",
            )
        )
    return spec


def _cta(spec: VideoSpec, req: Request, changes: list[Change]) -> VideoSpec:
    if req.cta is not None:
        changes.append(
            Change(
                "set_cta",
                {"text": req.cta},
                req.cta,
                f"set the closing card to '{req.cta}'",
                f"结尾卡片改为「{req.cta}」",
            )
        )
        return replace(spec, cta=req.cta)
    if req.remove_cta:
        if spec.cta is None:
            changes.append(_note("There was no closing card to remove.", "视频本来就没有结尾卡片。"))
            return spec
        changes.append(Change("remove_cta", {}, "removed", "removed the closing card", "去掉了结尾卡片"))
        return replace(spec, cta=None)
    return spec


def _music(
    spec: VideoSpec, req: Request, media: Sequence[Asset], fresh: bool, changes: list[Change]
) -> VideoSpec:
    audio = [a for a in media if a.kind == "audio"]
    if req.mood == "none":
        if spec.music.kind == "none" and not fresh:
            changes.append(_note("There was no music to remove.", "视频本来就没有音乐。"))
        else:
            changes.append(
                Change("set_music", {"mood": "none"}, "no music", "removed the music", "去掉了背景音乐")
            )
        return replace(spec, music=Music("none"))
    music = spec.music
    if req.use_audio:
        if audio:
            music = Music("audio", audio=audio[-1], volume=music.volume)
            changes.append(
                Change(
                    "use_audio",
                    {"name": audio[-1].name},
                    audio[-1].name,
                    f"used your audio '{audio[-1].name}' as the music",
                    f"用你上传的音频「{audio[-1].name}」作背景音乐",
                )
            )
        else:
            changes.append(
                _note(
                    "No audio file has been uploaded, so I kept the music as it was.",
                    "还没有上传音频文件，所以音乐保持不变。",
                )
            )
    # A new video uses the uploaded audio whatever mood is named.
    elif req.mood is not None and (fresh or req.mood_is_explicit_music) and not (fresh and audio):
        music = Music("mood", mood=req.mood, volume=music.volume)
        en, zh = MOOD_NAMES[req.mood]
        changes.append(
            Change("set_music", {"mood": req.mood}, en, f"chose {en} music", f"背景音乐改为{zh}风格")
        )
    if req.volume is not None or req.volume_factor is not None:
        if music.kind == "none":
            music = (
                Music("audio", audio=audio[-1])
                if audio
                else Music("mood", mood=DEFAULT_MOOD_FOR_PACE[spec.pace])
            )
            changes.append(
                Change("set_music", {"mood": music.mood or "audio"}, "added", "added music", "加上了背景音乐")
            )
        volume = req.volume if req.volume is not None else music.volume * (req.volume_factor or 1.0)
        volume = round(max(0.05, min(1.0, volume)), 2)
        music = replace(music, volume=volume)
        percent = round(volume * 100)
        changes.append(
            Change(
                "set_music_volume",
                {"volume": volume},
                f"{percent}%",
                f"set the music volume to {percent}%",
                f"背景音乐音量调到{percent}%",
            )
        )
    return replace(spec, music=music)


# ---------------------------------------------------------------- media order

_EN_ORD = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
_CN_NUM = "一二三四五六七八九十"


def _ordinal(n: int, kind: str, lang: str) -> str:
    if lang == "zh":
        noun = {"image": "张照片", "video": "段视频"}.get(kind, "个素材")
        return f"最后一{noun}" if n == -1 else f"第{_CN_NUM[n - 1] if n <= 10 else n}{noun}"
    noun = {"image": "photo", "video": "clip"}.get(kind, "item")
    word = "last" if n == -1 else (_EN_ORD[n - 1] if n <= 10 else f"#{n}")
    return f"the {word} {noun}"


def _positions(spec: VideoSpec, op: MediaOp, changes: list[Change]) -> list[int] | None:
    """Indices into spec.visuals for the op's 1-based indices among items of its kind."""
    pool = [i for i, a in enumerate(spec.visuals) if op.kind == "any" or a.kind == op.kind]
    kind = op.kind if pool else "any"
    pool = pool or list(range(len(spec.visuals)))
    found = []
    for n in op.indices:
        if n == -1 and pool:
            found.append(pool[-1])
        elif 1 <= n <= len(pool):
            found.append(pool[n - 1])
        else:
            have = len(pool)
            changes.append(
                _note(
                    f"There is no {_ordinal(n, kind, 'en')[4:]} (there {'is' if have == 1 else 'are'} "
                    f"{have}).",
                    f"没有{_ordinal(n, kind, 'zh')}（只有{have}个）。",
                )
            )
            return None
    return found


def _media_op(spec: VideoSpec, op: MediaOp, media: Sequence[Asset], changes: list[Change]) -> VideoSpec:
    items = list(spec.visuals)
    if op.action == "add_new":
        known = {a.src for a in items}
        new = [a for a in media if a.kind in ("image", "video") and a.src not in known]
        if not new:
            changes.append(
                _note(
                    "All uploaded photos and clips are already in the video.", "上传的素材都已经在视频里了。"
                )
            )
            return spec
        names = ", ".join(a.name for a in new)
        changes.append(
            Change(
                "add_media",
                {"names": [a.name for a in new]},
                f"{len(new)} added",
                f"added {names}",
                f"加入了{names}",
            )
        )
        return replace(spec, visuals=tuple(items + new))
    if op.action == "reverse":
        changes.append(
            Change("reorder_media", {"order": "reversed"}, "reversed", "reversed the order", "顺序倒过来了")
        )
        return replace(spec, visuals=tuple(reversed(items)))
    positions = _positions(spec, op, changes)
    if positions is None:
        return spec
    kind = op.kind if any(op.kind == a.kind for a in items) else "any"
    if op.action == "remove":
        return _remove(spec, items, positions, op, kind, changes)
    if op.action == "swap" and len(positions) == 2:
        a, b = positions
        items[a], items[b] = items[b], items[a]
        changes.append(
            Change(
                "reorder_media",
                {"swap": list(op.indices)},
                "swapped",
                f"swapped {_ordinal(op.indices[0], kind, 'en')} and "
                f"{_ordinal(op.indices[1], kind, 'en')[4:]}",
                f"交换了{_ordinal(op.indices[0], kind, 'zh')}和{_ordinal(op.indices[1], kind, 'zh')}",
            )
        )
        return replace(spec, visuals=tuple(items))
    if op.action == "move" and positions and op.target is not None:
        item = items.pop(positions[0])
        target = len(items) if op.target == -1 else max(0, min(len(items), op.target - 1))
        items.insert(target, item)
        where = (
            ("last", "放到最后")
            if target == len(items) - 1
            else (
                ("first", "放到最前面")
                if target == 0
                else (f"at position {target + 1}", f"放到第{target + 1}位")
            )
        )
        changes.append(
            Change(
                "reorder_media",
                {"move": op.indices[0], "to": target + 1},
                f"position {target + 1}",
                f"moved {_ordinal(op.indices[0], kind, 'en')} ({item.name}) {where[0]}",
                f"把{_ordinal(op.indices[0], kind, 'zh')}（{item.name}）{where[1]}",
            )
        )
        return replace(spec, visuals=tuple(items))
    return spec


def _remove(
    spec: VideoSpec, items: list[Asset], positions: list[int], op: MediaOp, kind: str, changes: list[Change]
) -> VideoSpec:
    doomed = sorted(set(positions))
    if len(doomed) >= len(items):
        changes.append(
            _note(
                "I can't remove every photo and clip: the video needs at least one.",
                "不能删除所有照片和视频：视频至少要保留一个素材。",
            )
        )
        return spec
    names = ", ".join(items[i].name for i in doomed)
    labels_en = " and ".join(_ordinal(n, kind, "en") for n in op.indices)
    labels_zh = "和".join(_ordinal(n, kind, "zh") for n in op.indices)
    changes.append(
        Change(
            "remove_media",
            {"indices": list(op.indices), "names": [items[i].name for i in doomed]},
            f"{len(doomed)} removed",
            f"removed {labels_en} ({names})",
            f"删除了{labels_zh}（{names}）",
        )
    )
    return replace(spec, visuals=tuple(a for i, a in enumerate(items) if i not in doomed))
