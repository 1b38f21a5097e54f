"""Request → plan features: one table row per request (English and Chinese)."""

from __future__ import annotations

from typing import Any

import pytest

from nemo_video.backends.base import Asset
from nemo_video.backends.local.planner import plan
from nemo_video.draft import TrackType

from .helpers import PHOTOS, check_draft, clip, image, segment_types, song, texts

MEDIA: dict[str, list[Asset]] = {
    "photos": PHOTOS,
    "none": [],
    "one": [image(1)],
    "song": [*PHOTOS, song()],
    "mixed": [image(1), clip(1), image(2)],
    "five": [image(n) for n in range(1, 6)],
}
V, S, L = (1080, 1920), (1080, 1080), (1920, 1080)

# (message, media, expected): size, s (seconds), title, caps (captions > 0), cta, mood, tr (transition), lang
ROWS: list[tuple[str, str, dict[str, Any]]] = [
    (
        "Make a 30-second vertical video for our new sneakers. Lightweight mesh keeps your feet cool. "
        "Cushioned sole for all-day comfort. Tagline: 'Smooth. Bold. Yours.' Shop now.",
        "photos",
        {
            "size": V,
            "s": 30,
            "title": "Smooth. Bold. Yours.",
            "caps": True,
            "cta": "Shop now",
            "mood": "upbeat",
            "tr": "crossfade",
            "lang": "en",
        },
    ),
    (
        "A 15s TikTok about our cold brew. Smooth, bold and never bitter.",
        "photos",
        {"size": V, "s": 15, "caps": True, "cta": None, "lang": "en"},
    ),
    (
        "Instagram Reels video, half a minute, for our candle shop. Hand-poured soy wax.",
        "photos",
        {"size": V, "s": 30, "lang": "en"},
    ),
    ("YouTube Shorts ad for our app, 20 seconds.", "photos", {"size": V, "s": 20}),
    ("A portrait video for Stories: 'Summer Drop'", "photos", {"size": V, "title": "Summer Drop"}),
    ("A 9:16 promo for our bakery. Fresh bread every morning.", "photos", {"size": V, "caps": True}),
    (
        "A square video for an Instagram post about our tea. Picked by hand in the mountains.",
        "photos",
        {"size": S, "caps": True},
    ),
    ("Make a 1:1 video with calm music", "photos", {"size": S, "mood": "calm"}),
    (
        "Landscape 16:9 video, a minute long, title: Our Story",
        "photos",
        {"size": L, "s": 60, "title": "Our Story"},
    ),
    ("A YouTube video about hiking boots. Waterproof leather upper.", "photos", {"size": L, "caps": True}),
    ("Make a video from these photos", "photos", {"size": L, "s": 9, "mood": "upbeat", "tr": "crossfade"}),
    ("Make a video from this photo", "one", {"size": L, "s": 6}),
    ("Make a video from my photos", "five", {"s": 15}),
    (
        "An energetic 20 second video for our gym. Train harder. Recover faster.",
        "photos",
        {"s": 20, "mood": "upbeat", "tr": "slideleft", "caps": True},
    ),
    (
        "A calm, slow video about our spa. Unwind in warm water.",
        "photos",
        {"mood": "calm", "tr": "crossfade"},
    ),
    ("Make a cinematic video about the mountains, 45 seconds", "photos", {"s": 45, "mood": "cinematic"}),
    ("A lo-fi chill video for our coffee shop", "photos", {"mood": "lofi"}),
    ("A 10 second video without music", "photos", {"s": 10, "mood": "none"}),
    ("Make a video, no music, hard cuts", "photos", {"mood": "none", "tr": "cut"}),
    ("Make a video with wipe transitions", "photos", {"tr": "wipeleft"}),
    ("Make a video with slide transitions", "photos", {"tr": "slideleft"}),
    ("Make a video that fades to black between photos", "photos", {"tr": "fadeblack"}),
    ("Make a video with dissolve transitions", "photos", {"tr": "dissolve"}),
    ("Make a video using my song", "song", {"mood": "audio"}),
    ("Make an upbeat video from these photos", "song", {"mood": "audio"}),
    ("Make a 3 minute video", "photos", {"s": 180}),
    ("Make a 5 minute video", "photos", {"s": 180, "note": "180"}),
    ("Make a 1 second video", "photos", {"s": 2, "note": "2 to 180"}),
    ("Make a video. Visit example.com/shop", "photos", {"cta": "example.com/shop"}),
    ('Make a video with a "Buy now" button', "photos", {"cta": "Buy now", "title": None}),
    (
        "Order today! Handmade leather wallets that last a lifetime.",
        "photos",
        {"cta": "Order today", "caps": True},
    ),
    (
        "A 20 second text-only video. Title: Grand Opening. Everything 20% off this weekend. Shop now.",
        "none",
        {"s": 20, "title": "Grand Opening", "caps": True, "cta": "Shop now", "text_only": True},
    ),
    (
        "Announcing our new podcast. New episodes every Monday. Listen wherever you get podcasts.",
        "none",
        {"s": 15, "caps": True, "text_only": True},
    ),
    ("A video of our clips and photos", "mixed", {"size": L}),
    # Chinese
    (
        "做一个30秒的竖屏视频，介绍我们的新款运动鞋，轻盈透气，全天舒适。标语：「轻盈每一步」。立即购买！",
        "photos",
        {"size": V, "s": 30, "title": "轻盈每一步", "caps": True, "cta": "立即购买", "lang": "zh"},
    ),
    (
        "做一个15秒的抖音视频，主题是咖啡。新鲜烘焙，香气浓郁。",
        "photos",
        {"size": V, "s": 15, "caps": True, "lang": "zh"},
    ),
    ("做一个半分钟的方形视频", "photos", {"size": S, "s": 30, "lang": "zh"}),
    (
        "做一个1分钟的横屏视频，标题：我们的故事",
        "photos",
        {"size": L, "s": 60, "title": "我们的故事", "lang": "zh"},
    ),
    ("做一个三十秒的视频，不要音乐", "photos", {"s": 30, "mood": "none", "lang": "zh"}),
    (
        "做一个舒缓的视频，关于我们的茶园。清晨采摘，手工制作。",
        "photos",
        {"mood": "calm", "caps": True, "lang": "zh"},
    ),
    ("做一个动感的视频，节奏快一点", "photos", {"tr": "slideleft", "mood": "upbeat", "lang": "zh"}),
    ("做一个视频，转场用擦除", "photos", {"tr": "wipeleft", "lang": "zh"}),
    ("做一个竖屏视频，马上购买", "photos", {"size": V, "cta": "马上购买", "lang": "zh"}),
    (
        "做一个纯文字视频。标语：『新店开业』。全场八折。欢迎光临。",
        "none",
        {"title": "新店开业", "caps": True, "text_only": True, "lang": "zh"},
    ),
    ("生成一个电影感的视频，二十秒", "photos", {"s": 20, "mood": "cinematic", "lang": "zh"}),
    ("做一个视频，用我的音乐", "song", {"mood": "audio", "lang": "zh"}),
    ("做一个无音乐的横屏视频", "photos", {"size": L, "mood": "none", "lang": "zh"}),
]


def _mood(draft_wire: dict[str, Any]) -> str:
    bgm = [t for t in draft_wire["t"] if t["tt"] == 1]
    if not bgm:
        return "none"
    seg = bgm[0]["sg"][0]
    return "audio" if seg["type"] == "audio" else str(seg["mood"])


@pytest.mark.parametrize(("message", "media_key", "expected"), ROWS, ids=[r[0][:40] for r in ROWS])
def test_request_features(message: str, media_key: str, expected: dict[str, Any]) -> None:
    media = MEDIA[media_key]
    result = plan(message, media, None)
    assert result.draft is not None, result.reply
    draft = result.draft
    check_draft(draft, media)
    wire = draft.to_wire()
    if "size" in expected:
        assert (wire["m"]["width"], wire["m"]["height"]) == expected["size"]
    if "s" in expected:
        assert wire["d"] == expected["s"] * 1000
    if "title" in expected:
        assert texts(draft, "track_title") == ([expected["title"]] if expected["title"] else [])
        assert wire["m"].get("title") == expected["title"]
    if expected.get("caps"):
        assert len(texts(draft, "track_captions")) > 0
    if "cta" in expected:
        assert texts(draft, "track_cta") == ([expected["cta"]] if expected["cta"] else [])
    if "mood" in expected:
        assert _mood(wire) == expected["mood"]
        assert wire["m"]["mood"] == expected["mood"]
    if "tr" in expected:
        first = draft.tracks_of(TrackType.VIDEO)[0].segments[0]
        assert first.transition_out is not None and first.transition_out["type"] == expected["tr"]
    lang = expected.get("lang", "en")
    assert result.language == lang and wire["m"]["language"] == lang
    assert _looks_chinese(result.reply) == (lang == "zh")
    if expected.get("text_only"):
        assert set(segment_types(draft)) == {"background"}
    elif media:
        assert [s.src for s in draft.tracks_of(TrackType.VIDEO)[0].segments] == [
            a.src for a in media if a.kind != "audio"
        ]
    if "note" in expected:
        assert expected["note"] in result.reply
    assert result.steps and result.steps[0].name == "set_format"


def _looks_chinese(text: str) -> bool:
    return sum("\u4e00" <= ch <= "\u9fff" for ch in text) > len(text) / 5


def test_table_is_big_enough() -> None:
    assert len(ROWS) >= 40
    assert sum(1 for message, _, _ in ROWS if _looks_chinese(message)) >= 10


def test_reply_says_exactly_what_was_made() -> None:
    message = (
        "Make a 30-second vertical video. Soft cotton tees. Made to last. Printed locally. "
        "Tagline: 'Smooth. Bold. Yours.' Shop now."
    )
    result = plan(message, PHOTOS, None)
    assert result.reply.startswith(
        "Made a 30-second 1080x1920 video from 3 photos with the title 'Smooth. Bold. Yours.', 3 captions, "
        "upbeat music and a 'Shop now' card."
    )
    assert texts(result.draft, "track_captions") == ["Soft cotton tees", "Made to last", "Printed locally"]


def test_chinese_reply_lists_the_same_facts() -> None:
    result = plan("做一个30秒的竖屏视频，轻盈透气，全天舒适。标语：「轻盈每一步」。立即购买", PHOTOS, None)
    assert result.reply.startswith(
        "已制作一个30秒、1080x1920的视频，用了3张照片，含标题「轻盈每一步」、2条字幕、"
        "欢快背景音乐和「立即购买」结尾卡片。"
    )
