"""The planner's vocabulary: words and phrases (English and Chinese) and what they name.

Only words live here; every value they stand for (sizes, paces, moods, colours ...) is a composition
default (:mod:`nemo_video.composition.defaults`). Patterns are matched against lower-cased text.
"""

from __future__ import annotations

from typing import Final

# ---------------------------------------------------------------- format: (pattern, aspect, platform)

FORMAT_PATTERNS: Final = (
    (r"\btik\s?tok\b|抖音", "9:16", "tiktok"),
    (r"\byoutube\s+shorts\b|\bshorts\b", "9:16", "shorts"),
    (r"\b(?:instagram\s+|insta\s+|ig\s+)?(?:reels?|stor(?:y|ies))\b|小红书|视频号|快手", "9:16", "reels"),
    (r"\b(?:instagram|insta|ig)\s+(?:post|feed)\b|\bfeed\b", "1:1", "feed"),
    (r"\byoutube\b|b站|哔哩哔哩", "16:9", "youtube"),
    (r"9\s*[:：x/]\s*16|\bvertical\b|\bportrait\b|\bupright\b|竖屏|竖版|竖向", "9:16", None),
    (r"\b1\s*[:：x/]\s*1\b|\bsquare\b|方形|正方形|方屏|方版", "1:1", None),
    (r"\b4\s*[:：x/]\s*5\b", "4:5", None),
    (r"16\s*[:：x/]\s*9|\blandscape\b|\bhorizontal\b|\bwidescreen\b|\bwide\b|横屏|横版|横向|宽屏", "16:9", None),
)

# ---------------------------------------------------------------- pace and transitions

PACE_PATTERNS: Final = (
    (
        r"\b(?:more\s+)?energetic\b|\bfaster(?:\s+pace)?\b|\bfast[- ]paced\b|\bdynamic\b|\bpunchy\b|\bsnappy\b"
        r"|\bhigh[- ]energy\b|\bspeed (?:it|things) up\b|\bpick up the pace\b|\bquicker\b|\bfast pace\b"
        r"|快节奏|节奏快|加快节奏|节奏加快|节奏(?:再)?快一点|动感一点|快一点|更快|有活力",
        "energetic",
    ),
    (
        r"\bcalm(?:er)?\s+(?:pace|video|edit|feel)\b|\bslow(?:er)?\s+(?:pace|down|it down|video|edit)\b"
        r"|\bslow it down\b|\brelaxed\b|\bleisurely\b|\bmellow\b|\bgentler\b|\bslower\b|\bcalmer\b"
        r"|慢节奏|节奏慢|放慢节奏|节奏放慢|节奏(?:再)?慢一点|慢一点|更慢|舒缓一点",
        "calm",
    ),
    (r"\b(?:normal|medium|moderate|regular|steady) (?:pace|speed)\b|正常节奏|中等节奏", "normal"),
)
TRANSITION_KIND_PATTERNS: Final = (
    (
        r"\bno transitions?\b|\bwithout transitions?\b|\bhard cuts?\b|\bstraight cuts?\b|\bjust cuts?\b"
        r"|\bjump cuts?\b|\bplain cuts?\b|无转场|不要转场|去掉转场|硬切|直接切",
        "cut",
    ),
    (r"\bwipes?(?: transitions?)?\b|擦除", "wipeleft"),
    (r"\bslid(?:e|es|ing)(?: transitions?)?\b(?!\s+(?:up|in)\b)|滑动|推移", "slideleft"),
    (r"\b(?:fade|fades|dip|dips) (?:to|through) black\b|\bfadeblack\b|黑场", "fadeblack"),
    (r"\bcircle(?: transitions?)?\b|\biris\b|圆形转场|圆形", "circleopen"),
    (r"\bdissolves?(?: transitions?)?\b|溶解", "dissolve"),
    (r"\bcross[- ]?fades?\b|\bfade transitions?\b|\bfades? between\b|淡入淡出|交叉淡化|渐变转场", "crossfade"),
)
TRANSITION_WORD: Final = r"\btransitions?\b|\bcuts\b|\bfades\b|转场|切换"
SLOWER: Final = (
    r"\bslow(?:er|\s+down)?\b|\blonger\b|\bgentler\b|\bsofter\b|\bsmoother\b|慢一点|慢一些|长一点|更慢|更长|柔和"
)
FASTER: Final = (
    r"\bfaster\b|\bspeed up\b|\bquicken\b|\bquicker\b|\bshorter\b|\bsnappier\b|\bsnappy\b|\btighter\b"
    r"|\bcrisper\b|快一点|快一些|短一点|更快|更短|利落"
)

# ---------------------------------------------------------------- music

MUSIC_WORD: Final = r"\b(?:music|bgm|soundtrack|song|track|tune|beat|audio)\b|音乐|配乐|bgm|背景乐"
NO_MUSIC: Final = (
    r"\bno (?:music|bgm|soundtrack)\b|\bwithout (?:any )?(?:music|bgm)\b|\bmute (?:the )?(?:music|bgm)\b"
    r"|\b(?:remove|drop|delete|kill|turn off|switch off|stop|lose|cut) (?:the )?(?:background )?(?:music|bgm)\b"
    r"|\bsilent\b|\bmusic off\b|不要(?:背景)?音乐|无(?:背景)?音乐|没有音乐|去掉(?:背景)?音乐|关掉(?:背景)?音乐"
    r"|关闭(?:背景)?音乐|删除(?:背景)?音乐|静音"
)
MOOD_PATTERNS: Final = (
    (r"\blo[- ]?fi\b|\bchill(?:hop|ed|y)?\b|低保真|轻松", "lofi"),
    (r"\bcinematic\b|\bepic\b|\bdramatic\b|\borchestral\b|\bmovie[- ]like\b|电影感|史诗|大气|震撼", "cinematic"),
    (
        r"\bcalm(?:ing|er)?\b|\brelax(?:ing|ed)\b|\bsoft\b|\bpeaceful\b|\bambient\b|\bgentle\b|\bsoothing\b"
        r"|\bmellow\b|舒缓|轻柔|安静|放松|柔和",
        "calm",
    ),
    (
        r"\bupbeat\b|\benergetic\b|\bhappy\b|\bcheerful\b|\bfun\b|\bpop\b|\bgroovy\b|\blively\b|\bhip(?:[- ]hop)?\b"
        r"|\bfunky\b|\bdance\b|\bpumping\b|欢快|动感|活泼|轻快|节奏感",
        "upbeat",
    ),
)
MOOD_NAMES: Final = {
    "upbeat": ("upbeat", "欢快"),
    "calm": ("calm", "舒缓"),
    "cinematic": ("cinematic", "电影感"),
    "lofi": ("lo-fi", "Lo-fi"),
}
USE_AUDIO: Final = (
    r"\b(?:use|with|play|put)\s+(?:my|the|our)\s+(?:own\s+|uploaded\s+)?(?:song|audio|track|music|mp3|tune)\b"
    r"|用我的音乐|使用我的音乐|用上传的音乐|用我上传的(?:音乐|歌|音频)?|用我的歌|使用上传的音乐"
)
QUIETER: Final = (
    r"\b(?:lower|quieter|softer|turn down|reduce|decrease|duck)\b(?:\s+the)?\s+(?:music|bgm|volume|soundtrack)"
    r"|\b(?:music|bgm|soundtrack|volume)\b(?:\s+\w+){0,3}\s+(?:quieter|softer|lower|down|too loud)\b"
    r"|\bquieter\b|\bsofter music\b"
    r"|音乐小一点|音乐调低|降低音乐|调低音乐|音量小一点|音量调低|音乐小声|音乐轻一点|小声一点"
)
LOUDER: Final = (
    r"\b(?:louder|raise|turn up|increase|boost)\b(?:\s+the)?\s+(?:music|bgm|volume|soundtrack)"
    r"|\b(?:music|bgm|soundtrack|volume)\b(?:\s+\w+){0,3}\s+(?:louder|higher|up|too quiet)\b"
    r"|\blouder\b|音乐大一点|调高音乐|音乐调高|音量大一点|音量调高|大声一点"
)

# ---------------------------------------------------------------- text: roles, styles, places

ROLE_WORDS: Final = (
    (r"\b(?:title|headline|heading|tagline|slogan|header)s?\b|标题|标语|口号|广告语", "title"),
    (r"\b(?:captions?|subtitles?|subs)\b|字幕", "caption"),
    (
        r"\b(?:cta|call[- ]to[- ]action|end(?:ing)? card|closing card|end screen|outro card|button)\b"
        r"|结尾卡片|结尾文字|行动号召|按钮|结尾语",
        "cta",
    ),
    (r"\b(?:texts?|words|overlays?|labels?|lettering|everything)\b|文字|文案", "custom"),
)
# (pattern, colour name) — the names are composition.defaults.COLOR_NAMES keys.
COLOR_WORDS: Final = (
    (r"\bwhite\b|白色|白", "white"),
    (r"\bblack\b|黑色|黑", "black"),
    (r"\bgr[ae]y\b|灰色|灰", "gray"),
    (r"\bred\b|红色|红", "red"),
    (r"\borange\b|橙色|橘色|橙", "orange"),
    (r"\byellow\b|黄色|黄", "yellow"),
    (r"\bgreen\b|绿色|绿", "green"),
    (r"\bteal\b|\bcyan\b|青色|青", "teal"),
    (r"\bnavy\b|藏青|海军蓝|深蓝", "navy"),
    (r"\bblue\b|蓝色|蓝", "blue"),
    (r"\bpurple\b|\bviolet\b|紫色|紫", "purple"),
    (r"\bpink\b|粉色|粉红|粉", "pink"),
    (r"\bbrown\b|棕色|咖啡色|棕", "brown"),
    (r"\bbeige\b|\bcream\b|米色|米白", "beige"),
    (r"\bgold(?:en)?\b|金色", "gold"),
)
BIGGER: Final = (
    r"\b(?:increase|raise|bump up|up)\b(?=.*\bsize\b)|\bsize up\b|"
    r"\b(?:a\s+(?:bit|little|touch)\s+|much\s+|even\s+)?(?:larger|bigger|greater)\b|\benlarge\b|\bscale up\b"
    r"|\bmore prominent\b|放大|大一点|大一些|更大|加大|再大"
)
SMALLER: Final = (
    r"\b(?:decrease|reduce|lower|cut)\b(?=.*\bsize\b)|\bsize down\b|"
    r"\b(?:a\s+(?:bit|little|touch)\s+|much\s+|even\s+)?(?:smaller|tinier|less prominent)\b|\bshrink\b"
    r"|\bscale down\b|\bless huge\b|缩小|小一点|小一些|更小|再小"
)
SIZE_NAMES: Final = (
    (r"\b(?:huge|giant|massive|extra[- ]large|very large|very big|xl)\b|特大|超大", "xl"),
    (r"\b(?:tiny|extra[- ]small|very small|xs)\b|很小|特小", "xs"),
    (r"\b(?:normal|medium|regular|default) size\b|正常大小|默认大小", "medium"),
)
BOLD: Final = r"\bbold(?:er)?\b|\bheavy\b|\bthick(?:er)?\b|加粗|粗体|粗一点"
REGULAR: Final = r"\b(?:not bold|regular weight|unbold|thinner|lighter weight|normal weight)\b|不加粗|细一点|常规字重"
SLOT_WORDS: Final = (
    (r"\bupper third\b|\bupper part\b|上三分之一|偏上", "upper_third"),
    (r"\blower third\b|\blower part\b|下三分之一|偏下", "lower_third"),
    (r"\b(?:at|to|on|in)\s+the\s+top\b|\btop of the (?:frame|screen|video)\b|\bup top\b|顶部|最上面|上方|上面", "top"),
    (
        r"\b(?:at|to|on|in)\s+the\s+bottom\b|\bbottom of the (?:frame|screen|video)\b|\bdown (?:at the )?bottom\b"
        r"|底部|最下面|下方|下面",
        "bottom",
    ),
    (r"\b(?:in|to|at)\s+the\s+(?:center|centre|middle)\b|\bcent(?:er|re)(?:ed)?\b|\bmiddle\b|居中|中间|正中", "center"),
)
BACKDROP_WORDS: Final = (
    (
        (
            r"\bno (?:box|background|backdrop|band|outline|shadow)\b|\bwithout (?:a |the )?(?:box|background)\b"
            r"|去掉底框|不要底框|无底框"
        ),
        "none",
    ),
    (r"\b(?:box|boxed|background box|label|pill)\b|底框|方框|背景框|底色", "box"),
    (r"\b(?:band|banner|strip|bar)\b|横条|色带|通栏", "band"),
    (r"\boutline[sd]?\b|\bstroke\b|描边", "outline"),
    (r"\b(?:drop )?shadow\b|阴影|投影", "shadow"),
)
ANIMATION_WORDS: Final = (
    (r"\btypewriter\b|\btyped out\b|打字机", "typewriter"),
    (r"\bword by word\b|\bone word at a time\b|逐字|逐词", "word_by_word"),
    (r"\bpops? in\b|\bpop(?:s|ping)? up\b|\bbounce\b|弹出", "pop"),
    (r"\bslides? up\b|\bslide in\b|上滑|滑入", "slide_up"),
    (r"\bfades? in\b|淡入", "fade"),
    (r"\bno animation\b|\bnot animated\b|\bstatic text\b|不要动画|无动画", "none"),
)

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
    r"|jp|tv|xyz|info|biz|example)\b(?:/[^\s\"'“”「」『』<>，。]*)?"
)

# ---------------------------------------------------------------- things the planner cannot do

UNSUPPORTED: Final = (  # (pattern, English name, Chinese name)
    (
        r"\bavatars?\b|\btalking head\b|\bpresenter\b|\bspokesperson\b|数字人|虚拟人|主播",
        "add a talking avatar",
        "添加数字人",
    ),
    (
        r"\bvoice[- ]?overs?\b|\bnarrat(?:ion|or|e)\b|\btext[- ]to[- ]speech\b|\btts\b|\bvoice\b|配音|旁白|口播|朗读",
        "add a voice-over",
        "添加配音",
    ),
    (r"\blip[- ]?sync\b|对口型", "do lip sync", "对口型"),
    (r"\bface[- ]?swap\b|换脸", "swap faces", "换脸"),
    (r"\bgreen ?screen\b|\bremove the background\b|\bbackground removal\b|抠图|绿幕", "remove backgrounds", "抠图"),
    (
        r"\bgenerate (?:an? )?(?:new )?(?:images?|pictures?|photos?)\b|\bai[- ](?:generated )?(?:images?|art"
        r"|pictures?)\b"
        r"|\b3d\b|ai生成图片|生成图片",
        "generate new images",
        "生成新图片",
    ),
    (r"\btranscri(?:be|ption)\b|\bauto[- ]?subtitles?\b|语音识别|自动字幕", "transcribe speech", "语音转字幕"),
    (r"\bstickers?\b|\bemojis?\b|贴纸|表情包", "add stickers", "添加贴纸"),
    (r"\btranslat(?:e|ion)\b|翻译", "translate text", "翻译"),
    (
        r"\b(?:another|second|separate|extra|\w+:\d+) version\b|\bversions? (?:for|in)\b|另一个版本|再做一个.{0,6}版",
        "make a second version",
        "另做一个版本",
    ),
)

# ---------------------------------------------------------------- history and creation

UNDO: Final = (
    r"^\W*(?:please\s+)?(?:undo|revert|go back|roll back|take that back)\b|\bundo\b|\brevert (?:that|it|the last)"
    r"|撤销|撤回|还原|恢复上一(?:版|步|个版本)|回到上一(?:版|步)|退回上一步"
)
REDO: Final = r"\bredo\b|\bbring (?:it|that) back\b|\bput (?:it|that) back\b|\bundo the undo\b|重做|恢复撤销|取消撤销"
CREATE: Final = (
    r"\b(?:make|create|generate|produce|build|render|want|need)\s+(?:me\s+)?(?:a|an|one|new)\b"
    r"(?!\s+(?:bit|little|touch|lot)\b)(?!.*\b(?:version|cut)\b)"
    r"|\bstart over\b|\bfrom scratch\b|\bnew video\b"
    r"|做一个|做一条|制作一个|制作一条|生成一个|生成一条|做个|来一个|来个|帮我做|重新做|重新生成|新视频|做一支|做成"
)
VIDEO_WORD: Final = r"\b(?:video|clip|reel|ad|promo|slideshow|montage|story|tiktok|short)s?\b|视频|短片|广告|宣传片"

# the brand kit kept between sessions: BRAND_KIT in nemo_video.skill.brand_kit (the service reads it too)
