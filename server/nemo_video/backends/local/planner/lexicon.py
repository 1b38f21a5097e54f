"""The planner's vocabulary: words and phrases (English and Chinese) mapped to what they mean.

Everything the parser recognises lives here as data, so adding a phrase is a one-line change and the
parsing code stays small. Patterns are matched against lower-cased text.
"""

from __future__ import annotations

from typing import Final

# ---------------------------------------------------------------- formats

SIZES: Final = {"16:9": (1920, 1080), "9:16": (1080, 1920), "1:1": (1080, 1080)}
DEFAULT_RATIO: Final = "16:9"

# (pattern, ratio); "youtube shorts" must win over "youtube", so vertical patterns are tried first.
FORMAT_PATTERNS: Final = (
    (
        r"9\s*[:：x/]\s*16|\bvertical\b|\bportrait\b|\btik\s?tok\b|\breels?\b|\bshorts\b|\bstor(?:y|ies)\b"
        r"|竖屏|竖版|竖向|竖的|抖音|快手|小红书|视频号",
        "9:16",
    ),
    (
        r"\b1\s*[:：x/]\s*1\b|\bsquare\b|\binstagram\s+(?:post|feed)\b|\binsta\s+post\b|方形|正方形|方屏",
        "1:1",
    ),
    (
        r"16\s*[:：x/]\s*9|\blandscape\b|\bhorizontal\b|\bwidescreen\b|\byoutube\b|横屏|横版|横向|宽屏|b站|哔哩哔哩",
        "16:9",
    ),
)

# ---------------------------------------------------------------- pace, transitions, motion

PACES: Final = ("calm", "normal", "energetic")
PACE_PATTERNS: Final = (
    (
        r"\benergetic\b|\bfast(?:er)?\b|\bdynamic\b|\bpunchy\b|\bsnappy\b|\bsnappier\b|\bquick(?:er)?\b"
        r"|\bhigh[- ]energy\b|\bupbeat pace\b|快节奏|节奏快|动感|快一点|更快|活力",
        "energetic",
    ),
    (
        r"\bcalm(?:er)?\b|\bslow(?:er)?\b|\bgentle\b|\brelaxed\b|\bleisurely\b|\bmellow\b"
        r"|舒缓|慢节奏|节奏慢|慢一点|更慢|平静|轻柔",
        "calm",
    ),
)
# Per pace: (image length ms when no duration is given, transition type, transition ms, zoom end)
PACE_STYLE: Final = {
    "energetic": (2500, "slideleft", 300, 1.16),
    "normal": (3000, "crossfade", 500, 1.12),
    "calm": (4000, "crossfade", 900, 1.08),
}
# Seconds per generated background in a text-only video.
BACKGROUND_MS: Final = {"energetic": 3500, "normal": 5000, "calm": 7000}

TRANSITION_PATTERNS: Final = (
    (
        r"\bno transitions?\b|\bwithout transitions?\b|\bhard cuts?\b|\bstraight cuts?\b|\bjust cuts?\b"
        r"|\bjump cuts?\b|无转场|不要转场|去掉转场|硬切|直接切",
        "cut",
    ),
    (r"\bwipes?\b|擦除", "wipeleft"),
    (r"\bslides?\b|\bslid(?:e|ing) transitions?\b|滑动|推移", "slideleft"),
    (r"\bfade(?:s)? (?:to|through) black\b|\bdip(?:s)? to black\b|\bfadeblack\b|黑场", "fadeblack"),
    (r"\bcircle\b|\biris\b|圆形", "circleopen"),
    (r"\bdissolves?\b|溶解", "dissolve"),
    (r"\bcross[- ]?fades?\b|\bfades?\b|淡入淡出|交叉淡化|渐变", "crossfade"),
)
TRANSITION_NAMES: Final = {
    "cut": ("hard cuts", "硬切"),
    "wipeleft": ("wipe", "擦除"),
    "slideleft": ("slide", "滑动"),
    "fadeblack": ("fade-to-black", "黑场"),
    "circleopen": ("circle", "圆形"),
    "dissolve": ("dissolve", "溶解"),
    "crossfade": ("crossfade", "淡入淡出"),
}

KEN_BURNS_DIRECTIONS: Final = ("in", "left", "out", "right", "up", "down")

# ---------------------------------------------------------------- music

MOODS: Final = ("upbeat", "calm", "cinematic", "lofi")
NO_MUSIC_PATTERN: Final = (
    r"\bno (?:music|bgm|soundtrack)\b|\bwithout (?:any )?(?:music|bgm)\b|\bmute (?:the )?(?:music|bgm)\b"
    r"|\b(?:remove|drop|delete|kill|turn off|switch off|stop|lose) (?:the )?(?:background )?(?:music|bgm)\b"
    r"|\bsilent\b|不要音乐|无音乐|没有音乐|去掉音乐|关掉音乐|关闭音乐|删除音乐|去掉背景音乐|不要背景音乐"
    r"|关掉背景音乐|静音|无背景音乐"
)
MOOD_PATTERNS: Final = (
    (r"\blo[- ]?fi\b|\bchill(?:hop|ed|y)?\b|轻松|低保真", "lofi"),
    (
        r"\bcinematic\b|\bepic\b|\bdramatic\b|\borchestral\b|\bmovie[- ]like\b|电影感|史诗|大气|震撼",
        "cinematic",
    ),
    (
        r"\bcalm\b|\brelax(?:ing|ed)\b|\bsoft\b|\bpeaceful\b|\bambient\b|\bgentle\b|\bsoothing\b"
        r"|舒缓|轻柔|安静|放松|柔和",
        "calm",
    ),
    (
        r"\bupbeat\b|\benergetic\b|\bhappy\b|\bcheerful\b|\bfun\b|\bpop\b|\bgroovy\b|\blively\b"
        r"|欢快|动感|活泼|轻快|节奏感",
        "upbeat",
    ),
)
DEFAULT_MOOD_FOR_PACE: Final = {"energetic": "upbeat", "normal": "upbeat", "calm": "calm"}
MUSIC_BEDS: Final = {  # mood -> (name, bpm)
    "upbeat": ("Upbeat groove", 118),
    "calm": ("Calm pads", 72),
    "cinematic": ("Cinematic swell", 90),
    "lofi": ("Lo-fi chill", 80),
}
MOOD_NAMES: Final = {
    "upbeat": ("upbeat", "欢快"),
    "calm": ("calm", "舒缓"),
    "cinematic": ("cinematic", "电影感"),
    "lofi": ("lo-fi", "Lo-fi"),
}
MUSIC_VOLUME: Final = 0.8

# Background gradients for text-only videos, per mood: (color, color2) pairs used in turn.
PALETTES: Final = {
    "upbeat": (("#ff6b6b", "#f7b733"), ("#5f27cd", "#ff6b9d"), ("#0abde3", "#10ac84")),
    "calm": (("#1b2a49", "#3d5a80"), ("#2c3e50", "#4ca1af"), ("#355c7d", "#6c5b7b")),
    "cinematic": (("#0f0c29", "#302b63"), ("#141e30", "#243b55"), ("#232526", "#414345")),
    "lofi": (("#3a1c71", "#d76d77"), ("#41295a", "#2f0743"), ("#614385", "#516395")),
    "none": (("#1b2a49", "#3d5a80"), ("#232526", "#414345"), ("#2c3e50", "#4ca1af")),
}

# ---------------------------------------------------------------- calls to action

CTA_PATTERNS: Final = (
    r"\bshop now\b",
    r"\bbuy now\b",
    r"\border (?:now|today)\b",
    r"\bget yours(?: today| now)?\b",
    r"\blearn more\b",
    r"\bsign up(?: today| now)?\b",
    r"\bbook now\b",
    r"\bdownload now\b",
    r"\btry it (?:now|today)\b",
    r"\bsubscribe(?: now)?\b",
    r"\bpre-?order now\b",
    "立即购买",
    "马上购买",
    "立即下单",
    "马上下单",
    "立即订购",
    "立即预订",
    "了解更多",
    "立即抢购",
    "马上抢购",
)
URL_PATTERN: Final = (
    r"(?:https?://|www\.)[^\s\"'“”「」『』<>，。]+"
    r"|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|net|org|io|co|shop|store|app|cn|ai|dev|me|us|uk|de|fr"
    r"|jp|tv|xyz|info|biz)\b(?:/[^\s\"'“”「」『』<>，。]*)?"
)

# ---------------------------------------------------------------- things the planner cannot do

UNSUPPORTED: Final = (  # (pattern, English name, Chinese name)
    (
        r"\bavatars?\b|\btalking head\b|\bpresenter\b|\bspokesperson\b|数字人|虚拟人|主播",
        "add a talking avatar",
        "添加数字人",
    ),
    (
        r"\bvoice[- ]?overs?\b|\bnarrat(?:ion|or|e)\b|\btext[- ]to[- ]speech\b|\btts\b|\bvoice\b"
        r"|配音|旁白|口播|朗读",
        "add a voice-over",
        "添加配音",
    ),
    (r"\blip[- ]?sync\b|对口型", "do lip sync", "对口型"),
    (r"\bface[- ]?swap\b|换脸", "swap faces", "换脸"),
    (
        r"\bgreen ?screen\b|\bremove the background\b|\bbackground removal\b|抠图|绿幕",
        "remove backgrounds",
        "抠图",
    ),
    (
        r"\bgenerate (?:an? )?(?:images?|pictures?|photos?)\b"
        r"|\bai[- ](?:generated )?(?:images?|art|pictures?)\b"
        r"|\b3d\b|ai生成图片|生成图片",
        "generate new images",
        "生成新图片",
    ),
    (
        r"\btranscri(?:be|ption)\b|\bauto[- ]?subtitles?\b|语音识别|自动字幕",
        "transcribe speech",
        "语音转字幕",
    ),
    (r"\bstickers?\b|\bemojis?\b|贴纸|表情", "add stickers", "添加贴纸"),
    (r"\btranslat(?:e|ion)\b|翻译", "translate text", "翻译"),
)

# ---------------------------------------------------------------- edits

UNDO_PATTERN: Final = (
    r"^\W*(?:please\s+)?(?:undo|revert|go back|roll back|undo (?:that|it|the last (?:change|edit)))\b"
    r"|\bundo\b|撤销|撤回|还原|恢复上一(?:版|步|个版本)|回到上一(?:版|步)"
)
CREATE_PATTERN: Final = (
    r"\b(?:make|create|generate|produce|build|render)\s+(?:me\s+)?(?:a|an|another|one|new)\b(?!.*\b(?:version|cut)\b)"
    r"|\bstart over\b|\bfrom scratch\b|\bnew video\b"
    r"|做一个|做一条|制作一个|制作一条|生成一个|生成一条|做个|来一个|来个|帮我做|重新做|重新生成|新视频|做一支"
)
