"""The reply, in English or Chinese: what was done, what was not, and the words not understood."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from ....composition import Composition
from ....draft import format_seconds
from .context import Context
from .lexicon import MOOD_NAMES

CAPABILITIES_EN: Final = (
    "I can change the length (all of it or per photo), the format (9:16, 1:1, 4:5, 16:9 or a platform), the "
    "title, captions and closing card (words, size, colour, bold, position, box), remove, move, swap, add or "
    "replace photos (say 'the second photo', 'the street shot' or 'the blue one'), the music (mood, volume, "
    "none or your own audio), the transitions and the pace, the brand colours, font and logo, or undo and redo."
)
CAPABILITIES_ZH: Final = (
    "我可以：修改时长（整体或每张图）、画幅（9:16、1:1、4:5、16:9或平台）、标题/字幕/结尾卡片（文字、大小、颜色、加粗、位置、底框）、"
    "删除/移动/交换/添加/替换照片（可以说“第二张”“蓝色那张”）、背景音乐（风格、音量、不要音乐或用你上传的音频）、转场和节奏、"
    "品牌色/字体/标志，或撤销和重做。"
)
_STOP_LINES: Final = (
    "a an the and or but also then please pls can could would will you i we me my our us it its it's this",
    "that these those make made let lets let's just now to of in on at for with by from as be is are was",
    "were should shall want need like some more less bit little lot very too so do does did video videos",
    "clip reel same way ok okay thanks thank great good nice cool yes hey hi hmm well again instead each",
    "every all one ones there here them they he she his her what how much many any both whole really",
    "actually maybe slightly quite rather change set use put get have has go goes keep looks look feel",
    "feels touch version font color colour size style text add back over onto into under above below",
    "after before about around move shift nudge bring promo ad ads reels story stories demo teaser",
    "trailer slideshow montage short shorts create generate produce build something",
)
_STOP_EN: Final = frozenset(word for line in _STOP_LINES for word in line.split()) | frozenset(
    ("photo", "photos", "image", "images", "picture", "pictures", "pics", "shot", "shots", "scene", "scenes",
     "clip", "clips", "stay", "stays", "last", "lasts", "hold", "show", "shows", "long", "seconds", "second", "s")
)  # fmt: skip
_STOP_ZH: Final = (
    "用放的了吧呢啊呀哦嗯把将请帮我们你再也都就还这那个些一点下给让使得和与跟在上中里面视频一下吗好谢能可以要想改成为到"
)


def leftovers(ctx: Context) -> list[str]:
    """The phrases of the message no matcher took and that carry meaning."""
    out = []
    for start, end in ctx.untaken_runs():
        for cs, ce in ctx.clauses or [(0, len(ctx.text))]:
            s, e = max(start, cs), min(end, ce)
            if s >= e:
                continue
            phrase = ctx.text[s:e].strip(" \t\n,.;:!?，。；：！？、\"'“”‘’「」")
            words = re.findall(r"[a-z0-9']+|[\u4e00-\u9fff]", phrase.lower())
            meaningful = [w for w in words if w not in _STOP_EN and w not in _STOP_ZH and not w.isdigit()]
            if meaningful:
                out.append(_trim(phrase))
    return out


def _trim(phrase: str) -> str:
    """Without the filler words at its edges: "video with sparkles" → "with sparkles"."""
    words = phrase.split()
    while len(words) > 1 and words[0].lower().strip(",.") in _STOP_EN - {"with", "add", "use", "put"}:
        words.pop(0)
    while len(words) > 1 and words[-1].lower().strip(",.") in _STOP_EN:
        words.pop()
    return " ".join(words)


def _join(items: Sequence[str], zh: bool) -> str:
    if zh:
        return "；".join(items)
    return "; ".join(items)


def summary(comp: Composition, total_ms: float, zh: bool) -> str:
    """ "Now: 12 s, 1080x1920, 3 scenes, …" — of the laid-out result (the agent adds it to the reply)."""
    total = total_ms
    width, height = comp.format.size
    seconds = format_seconds(total)
    music = comp.music
    if music.kind == "mood":
        en, zh_name = MOOD_NAMES[music.mood or "upbeat"] if music.mood else ("default", "默认")
        music_en, music_zh = (
            f"{en} music {round(music.volume * 100)}%",
            f"{zh_name}背景音乐{round(music.volume * 100)}%",
        )
    elif music.kind == "asset":
        music_en, music_zh = f"your audio {round(music.volume * 100)}%", f"你的音频{round(music.volume * 100)}%"
    else:
        music_en, music_zh = "no music", "无背景音乐"
    scenes = len(comp.scenes)
    texts = len(comp.all_texts())
    if zh:
        body = f"{scenes}个画面" if scenes else "纯文字"
        return f"现在：{seconds}秒，{width}x{height}，{body}，{texts}段文字，{music_zh}。"
    body = f"{scenes} scene{'s' if scenes != 1 else ''}" if scenes else "text only"
    return f"Now: {seconds} s, {width}x{height}, {body}, {texts} text{'s' if texts != 1 else ''}, {music_en}."


def _media_phrase(ctx: Context, zh: bool) -> str:
    kinds = {a.id: a.kind for a in ctx.media}
    clips = sum(1 for s in ctx.work.scenes if kinds.get(s.media or "") == "video")
    photos = len(ctx.work.scenes) - clips
    if zh:
        parts = ([f"{photos}张照片"] if photos else []) + ([f"{clips}段视频"] if clips else [])
        return "用了" + "和".join(parts) if parts else "纯文字"
    words = ([f"{photos} photo{'s' if photos != 1 else ''}"] if photos else []) + (
        [f"{clips} clip{'s' if clips != 1 else ''}"] if clips else []
    )
    return "from " + " and ".join(words) if words else "text only"


def compose(ctx: Context, unknown: list[str], empty: bool) -> str:
    zh = ctx.language == "zh"
    parts: list[str] = []
    if ctx.done:
        verb_en = "Made the video" if ctx.fresh else "Done"
        verb_zh = "已制作视频" if ctx.fresh else "已完成"
        items = [d.zh if zh else d.en for d in ctx.done if d.step != "add_scene" or not ctx.fresh]
        if ctx.fresh:
            items.insert(0, _media_phrase(ctx, zh))
        parts.append(f"{verb_zh}：{_join(items, True)}。" if zh else f"{verb_en}: {_join(items, False)}.")
    for note in ctx.notes:
        parts.append(note.zh if zh else note.en)
    if unknown:
        quoted = "、".join(f"「{u}」" for u in unknown) if zh else ", ".join(f"'{u}'" for u in unknown)
        parts.append(f"没有理解{quoted}，这部分没有做。" if zh else f"Not done — I did not understand {quoted}.")
    if empty and not ctx.done:
        parts.append(
            "还没有视频：请描述视频内容，或先上传照片或视频。"
            if zh
            else "There is no video yet: describe what it should say, or upload photos or clips first."
        )
    if not ctx.done:
        if not ctx.notes and not unknown and not empty:
            parts.append(
                "这条消息里没有我能执行的修改。" if zh else "I didn't find a change I can make in that message."
            )
        parts.append("视频没有改动。" if zh else "The video was not changed.")
        parts.append(CAPABILITIES_ZH if zh else CAPABILITIES_EN)
    return ("" if zh else " ").join(parts)


def history(kind: str, zh: bool) -> str:
    if kind == "undo":
        return "已撤销上一次修改，恢复到上一个版本。" if zh else "Undone: the previous version of the video is back."
    return "已重做：撤销的修改又回来了。" if zh else "Redone: the change that was undone is back."
