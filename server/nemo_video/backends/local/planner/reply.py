"""The words of the reply, in English or Chinese, saying exactly what was done."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from ....draft import format_seconds
from .build import Built
from .edit import Change
from .lexicon import MOOD_NAMES, TRANSITION_NAMES
from .spec import Music, VideoSpec

CAPABILITIES_EN: Final = (
    "I can set the length (2-180 seconds), the format (16:9, 9:16 or 1:1), the title, captions on or off, "
    "a closing call-to-action card, the music (upbeat, calm, cinematic, lo-fi, none, or your own audio) and "
    "its volume, remove, swap or move photos and clips, the transitions (crossfade, wipe, slide, fade to "
    "black, circle, dissolve or hard cuts) and the pace, or undo the last change."
)
CAPABILITIES_ZH: Final = (
    "我可以：设置时长（2-180秒）、画幅（16:9、9:16或1:1）、标题、打开或关闭字幕、结尾行动号召卡片、"
    "背景音乐（欢快、舒缓、电影感、Lo-fi、不要音乐或用你上传的音频）及音量、删除/交换/移动照片和视频、"
    "转场（淡入淡出、擦除、滑动、黑场、圆形、溶解或硬切）和节奏，或撤销上一步。"
)


def _join(items: Sequence[str], lang: str) -> str:
    if lang == "zh":
        return items[0] if len(items) == 1 else "、".join(items[:-1]) + "和" + items[-1]
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def media_phrase(spec: VideoSpec, backgrounds: int, lang: str) -> str:
    images = sum(1 for a in spec.visuals if a.kind == "image")
    clips = len(spec.visuals) - images
    if lang == "zh":
        if not spec.visuals:
            return f"纯文字，配{backgrounds}个生成的背景"
        parts = ([f"{images}张照片"] if images else []) + ([f"{clips}段视频"] if clips else [])
        return "用了" + "和".join(parts)
    if not spec.visuals:
        return f"text only, on {_plural(backgrounds, 'generated background')}"
    parts = ([_plural(images, "photo")] if images else []) + ([_plural(clips, "clip")] if clips else [])
    return " and ".join(parts)


def music_phrase(music: Music, lang: str) -> str:
    if music.kind == "audio" and music.audio is not None:
        return (
            f"你上传的音频「{music.audio.name}」作背景音乐"
            if lang == "zh"
            else f"your audio '{music.audio.name}' as music"
        )
    if music.kind == "mood" and music.mood:
        en, zh = MOOD_NAMES[music.mood]
        return f"{zh}背景音乐" if lang == "zh" else f"{en} music"
    return "无背景音乐" if lang == "zh" else "no music"


def created(built: Built, notes: Sequence[Change], lang: str) -> str:
    spec, seconds = built.spec, format_seconds(built.duration_ms)
    size = f"{built.width}x{built.height}"
    features_en, features_zh = [], []
    if spec.title:
        features_en.append(f"the title '{spec.title}'")
        features_zh.append(f"标题「{spec.title}」")
    if built.captions:
        features_en.append(_plural(len(built.captions), "caption"))
        features_zh.append(f"{len(built.captions)}条字幕")
    features_en.append(music_phrase(spec.music, "en"))
    features_zh.append(music_phrase(spec.music, "zh"))
    if spec.cta:
        features_en.append(f"a '{spec.cta}' card")
        features_zh.append(f"「{spec.cta}」结尾卡片")
    pace = _pace_sentence(built, lang)
    extra = _notes(built, notes, lang)
    if lang == "zh":
        return (
            f"已制作一个{seconds}秒、{size}的视频，{media_phrase(spec, built.backgrounds, 'zh')}，"
            f"含{_join(features_zh, 'zh')}。{pace}{extra}"
        )
    media = media_phrase(spec, built.backgrounds, "en")
    source = f"({media})" if not spec.visuals else f"from {media}"
    return f"Made a {seconds}-second {size} video {source} with {_join(features_en, 'en')}.{pace}{extra}"


def _pace_sentence(built: Built, lang: str) -> str:
    segments = len(built.spec.visuals) or built.backgrounds
    if segments < 2:
        return ""
    en, zh = TRANSITION_NAMES[built.transition]
    pace_en = {"energetic": "energetic", "calm": "calm", "normal": "steady"}[built.spec.pace]
    pace_zh = {"energetic": "快", "calm": "舒缓", "normal": "适中"}[built.spec.pace]
    if lang == "zh":
        return f"节奏{pace_zh}，转场为{zh}。"
    kind = "hard cuts" if built.transition == "cut" else f"{en} transitions"
    return f" Pace: {pace_en}, with {kind}."


def _notes(built: Built, notes: Sequence[Change], lang: str) -> str:
    texts = [n.zh if lang == "zh" else n.en for n in notes]
    if built.captions_dropped:
        seconds = format_seconds(built.duration_ms)
        texts.append(
            f"另有{built.captions_dropped}行字幕在{seconds}秒内放不下，已省略。"
            if lang == "zh"
            else f"{_plural(built.captions_dropped, 'more caption line')} did not fit in {seconds} seconds "
            "and were left out."
        )
    if not texts:
        return ""
    return ("" if lang == "zh" else " ") + (("" if lang == "zh" else " ").join(texts))


def edited(built: Built, changes: Sequence[Change], lang: str) -> str:
    done = [c for c in changes if c.done]
    notes = [c for c in changes if not c.done]
    spec, seconds = built.spec, format_seconds(built.duration_ms)
    size = f"{built.width}x{built.height}"
    media = media_phrase(spec, built.backgrounds, lang)
    music = music_phrase(spec.music, lang)
    volume = f" {round(spec.music.volume * 100)}%" if spec.music.kind != "none" else ""
    extra = _notes(built, notes, lang)
    if lang == "zh":
        captions_zh = f"{len(built.captions)}条字幕，" if built.captions else ""
        return (
            f"已完成：{'；'.join(c.zh for c in done)}。{extra}现在：{seconds}秒，{size}，{media}，"
            f"{captions_zh}{music}{volume}。"
        )
    captions = f", {_plural(len(built.captions), 'caption')}" if built.captions else ""
    return (
        f"Done: {'; '.join(c.en for c in done)}.{extra} Now: {seconds} s, {size}, {media}{captions}, "
        f"{music}{volume}."
    )


def cannot_act(
    notes: Sequence[Change], unsupported: Sequence[tuple[str, str]], lang: str, empty: bool
) -> str:
    zh = lang == "zh"
    parts = [n.zh if zh else n.en for n in notes]
    if unsupported:
        names = [u[1] if zh else u[0] for u in unsupported]
        parts.append(f"这里无法{_join(names, 'zh')}。" if zh else f"I can't {_join(names, 'en')} here.")
    if empty:
        parts.append(
            "还没有视频：请描述视频内容，或先上传照片或视频。"
            if zh
            else "There is no video yet: describe what it should say, or upload photos or clips first."
        )
    elif not parts:
        parts.append(
            "这条消息里没有我能执行的修改。" if zh else "I didn't find a change I can make in that message."
        )
    parts.append(CAPABILITIES_ZH if zh else CAPABILITIES_EN)
    return ("" if zh else " ").join(parts)


def undone(lang: str) -> str:
    return (
        "已撤销上一次修改，恢复到上一个版本。"
        if lang == "zh"
        else "Undone: the previous version of the video is back."
    )
