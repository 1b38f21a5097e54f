"""GUI translation: the cloud agent writes for its web editor ("click Export", "打开时间线", "drag the clip");
our user has no screen. :func:`translate` rewrites such text and lists the actions it stands for
(CONTRACT §5.6, the skill's "Translating GUI Instructions").

Both parts are tables: :data:`CLICK_TARGETS` (what a "click X" / "点击X" may name) and :data:`GUI_RULES`
(phrase pattern → action + replacement wording, applied in order, specific before generic). Content is
kept; only the GUI clause is replaced. A sentence that still holds a GUI instruction afterwards (a button we
have no equivalent for, "click Settings") is dropped, so the output never tells the user to click, drag or
open a panel.

Actions that send work to the agent (a new generation, an edit message) carry ``spends_credits=True``: the
service offers them rather than taking them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from ..draft import Draft, diff

log = logging.getLogger(__name__)

GuiKind = Literal["export", "state", "credits", "send_edit", "summary"]


@dataclass(frozen=True, slots=True)
class GuiAction:
    kind: GuiKind
    phrase: str
    spends_credits: bool = False


@dataclass(frozen=True, slots=True)
class Translation:
    text: str
    actions: tuple[GuiAction, ...] = ()


@dataclass(frozen=True, slots=True)
class ClickTarget:
    kind: GuiKind
    english: tuple[str, ...]
    chinese: tuple[str, ...]


CLICK_TARGETS: tuple[ClickTarget, ...] = (
    ClickTarget("export", ("export", "download", "render", "save"), ("导出", "下载", "保存", "渲染")),
    ClickTarget(
        "send_edit",
        ("generate", "regenerate", "create", "apply", "remake", "submit"),
        ("重新生成", "生成", "应用", "提交"),
    ),
    ClickTarget("summary", ("preview", "play", "timeline", "tracks"), ("预览", "播放", "时间线", "轨道")),
    ClickTarget(
        "credits", ("credits", "billing", "account", "balance", "top up", "upgrade"), ("积分", "余额", "账户", "充值")
    ),
)

# Sending work to the agent (a new generation, an edit message) may spend credits: offer, don't take.
SPENDS_CREDITS: frozenset[GuiKind] = frozenset({"send_edit"})

# What we tell the user instead, per action and language.
WORDING: dict[tuple[GuiKind, str], str] = {
    ("export", "en"): 'say "export" (or call export_video)',
    ("export", "zh"): "说“导出”（或调用 export_video）",
    ("send_edit", "en"): 'say "go ahead" (a new generation may spend credits, so I ask first)',
    ("send_edit", "zh"): "说“继续”（新的生成可能消耗积分，我会先征求你的同意）",
    ("summary", "en"): 'ask for the track summary (say "show tracks" or call get_state)',
    ("summary", "zh"): "查看轨道摘要（说“状态”或调用 get_state）",
    ("state", "en"): 'ask for the timeline summary (say "show tracks" or call get_state)',
    ("state", "zh"): "查看时间线摘要（说“状态”或调用 get_state）",
    ("credits", "en"): 'say "credits" (or call get_credits)',
    ("credits", "zh"): "说“积分”（或调用 get_credits）",
}
EDIT_WORDING = {"en": "just tell me and I'll make that edit", "zh": "告诉我想怎么调整，我来帮你修改"}
KEEP = "keep"  # a replacement that keeps the text and only records the action

_CORNER = r"(?:\s+(?:in|at|on)\s+the\s+[\w\s-]{0,30}?(?:corner|toolbar|menu|bar|screen|panel|sidebar))?"
_OBJECT = r"(?:\s+(?:it|this|that|them|the\s+[\w'-]+|your\s+[\w'-]+))?"
_ZH_STOP = r"[^，。！？；,.!?;\s]"


def _en_targets() -> str:
    words = sorted((w for t in CLICK_TARGETS for w in t.english), key=len, reverse=True)
    return "|".join(re.escape(w) for w in words)


def _zh_targets() -> str:
    words = sorted((w for t in CLICK_TARGETS for w in t.chinese), key=len, reverse=True)
    return "|".join(re.escape(w) for w in words)


@dataclass(frozen=True, slots=True)
class GuiRule:
    """One phrase pattern. ``kind`` None: the kind comes from the click target the match names."""

    pattern: re.Pattern[str]
    lang: Literal["en", "zh"]
    kind: GuiKind | None
    replacement: str | None = None  # None: WORDING[kind, lang]; KEEP: leave the text as it is


def _rule(pattern: str, lang: Literal["en", "zh"], kind: GuiKind | None, replacement: str | None = None) -> GuiRule:
    return GuiRule(re.compile(pattern, re.IGNORECASE), lang, kind, replacement)


GUI_RULES: tuple[GuiRule, ...] = (
    # Plain mentions of exporting: the action is offered, the words stay.
    _rule(r"(?<![a-z])export(?:ing|ed)?(?![a-z])", "en", "export", KEEP),
    _rule(r"导出", "zh", "export", KEEP),
    # click / tap on X (with an optional "(the X button in the corner)" aside)
    _rule(
        r"(?<![a-z])(?:(?:double-)?click(?:\s+on)?|tap\s+on)\s+(?:the\s+)?(?:[\"“'](?P<q>[^\"”'\n]{1,40})[\"”']"
        r"|(?P<b>[\w-]+(?:\s+[\w-]+){0,2}?)\s+(?:button|icon|tab|link|option)|(?P<w>[\w-]+))"
        r"(?:\s*\([^)\n]{0,80}\))?" + _CORNER,
        "en",
        None,
    ),
    _rule(
        r"(?<![a-z])(?:(?:press|hit|tap|use|tap\s+on)\s+)?(?:the\s+)?[\"“]?(?P<b>[\w-]+(?:\s+[\w-]+){0,2}?)[\"”]?"
        r"\s+button" + _CORNER,
        "en",
        None,
    ),
    _rule(
        r"(?:点击|单击|双击|轻点|点按)(?:一下)?"
        + _ZH_STOP
        + r"{0,6}?[“\"「]?(?P<zh>"
        + _zh_targets()
        + r")[”\"」]?(?:按钮|图标|选项|标签|菜单|页面)?",
        "zh",
        None,
    ),
    # open the timeline / a panel → read the state
    _rule(
        r"(?<![a-z])open(?:\s+up)?\s+(?:the|your)\s+(?:[\w-]+\s+){0,2}?(?:timeline|panel|editor|tab|sidebar|"
        r"menu|window|page|library|dashboard|workspace)(?:\s+(?:panel|tab|window|view|page))?(?![a-z])"
        r"(?:\s+to\s+(?:preview|see|view|check|review)" + _OBJECT + r")?",
        "en",
        None,
    ),
    _rule(
        r"打开(?:一下)?(?:" + _ZH_STOP + r"{0,10}?"
        r"(?:面板|窗口|页面|编辑器|时间线|轨道|标签页|标签|菜单|预览))?"
        r"(?:(?:查看|预览)(?:一下)?(?:效果|结果|变化|改动))?",
        "zh",
        None,
    ),
    # preview in the timeline → the text summary of the tracks
    _rule(
        r"(?<![a-z])preview" + _OBJECT + r"\s+(?:in|on)\s+the\s+(?:timeline|editor|player|preview\s+\w+)",
        "en",
        "summary",
    ),
    _rule(r"(?:在时间线(?:中|里|上)?)?预览(?:一下)?", "zh", "summary", "查看轨道摘要"),
    # drag / drop → the user tells us the edit; we send it as a message
    _rule(
        r"(?<![a-z])drag(?:ging)?(?:\s*(?:and|&|/|-|n)\s*drop)?(?![a-z])[^.!?;,\n]*",
        "en",
        "send_edit",
        EDIT_WORDING["en"],
    ),
    _rule(
        r"(?<![a-z])drop" + _OBJECT + r"\s+(?:onto|into|on|in)\s+the\s+(?:timeline|track|canvas|editor)"
        r"[^.!?;,\n]*",
        "en",
        "send_edit",
        EDIT_WORDING["en"],
    ),
    _rule(r"[^，。！？；\n]*?(?:拖拽|拖动|拖放|拖到|拖入|拖进)[^，。！？；\n]*", "zh", "send_edit", EDIT_WORDING["zh"]),
    # account / billing → credits
    _rule(
        r"\s+(?:on|in|from|via|under)\s+(?:the\s+)?(?:billing|account|settings|subscription|pricing|credits?|"
        r"profile)\s+(?:page|tab|section|panel|settings|dashboard|screen)(?:\s+(?:of|in)\s+your\s+account)?",
        "en",
        "credits",
        ' by saying "credits" (or calling get_credits)',
    ),
    _rule(
        r"(?<![a-z])(?:check|visit|see)\s+(?:your\s+)?(?:account|billing)(?:\s+(?:account|billing))?"
        r"(?:\s+(?:page|settings|tab|section|dashboard))?(?:\s+(?:for|to\s+see|to\s+check)\s+(?:your\s+)?"
        r"(?:remaining\s+)?(?:credits|balance))?",
        "en",
        "credits",
        'check your credits (say "credits" or call get_credits)',
    ),
    _rule(
        r"(?<![a-z])(?:go|head|navigate)\s+to\s+(?:the\s+|your\s+)?(?:billing|account|pricing|subscription)"
        r"(?:\s+(?:page|settings|tab|section))?",
        "en",
        "credits",
    ),
    _rule(
        r"(?:在|到|去|前往)(?:账户|账单|个人中心|会员中心|充值)(?:页面|页|中心|设置)?(?:中|里|上)?",
        "zh",
        "credits",
        "通过说“积分”（或调用 get_credits）",
    ),
)

# What must never reach a user without a screen (the residual check; tests assert it too).
GUI_INSTRUCTION = re.compile(
    r"(?<![a-z])(?:click\w*|double-click\w*|drag\w*|buttons?|tap\s+on)(?![a-z])"
    r"|(?<![a-z])open[ \t]+(?:up[ \t]+)?(?:the|your)[ \t]+(?:timeline|panel|editor)"
    r"|(?<![a-z])preview\b[^.!?\n]{0,30}\bin[ \t]+the[ \t]+timeline"
    r"|点击|单击|双击|拖拽|拖动|拖放|打开|按钮|预览",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"(\n+|(?<=[.!?])[ \t]+|(?<=[。！？]))")


def has_gui_instruction(text: str) -> bool:
    return GUI_INSTRUCTION.search(text) is not None


def translate(text: str) -> Translation:
    """Rewrite agent text for a user with no screen and list the GUI actions it mentioned."""
    actions: list[GuiAction] = []
    pieces = _SPLIT.split(text)
    out: list[str] = []
    for i in range(0, len(pieces), 2):
        sentence, sep = pieces[i], pieces[i + 1] if i + 1 < len(pieces) else ""
        rewritten = _translate_sentence(sentence, actions)
        if rewritten is None:
            log.debug("dropped a GUI instruction with no equivalent: %r", sentence)
            if "\n" in sep and out and "\n" not in out[-1]:
                out[-1] = sep
            continue
        out.extend((rewritten, sep))
    return Translation(_tidy("".join(out)), _dedupe(actions))


def summarize_silent_edit(before: Draft | None, after: Draft | None) -> str:
    """The silent-edit fallback (CONTRACT §5.5): what changed between two drafts, honestly."""
    changes = diff(before, after)
    if not changes:
        return "No change was detected in the timeline."
    return "✅ " + " ".join(changes)


# ---------------------------------------------------------------- per sentence


def _translate_sentence(sentence: str, actions: list[GuiAction]) -> str | None:
    original = sentence.strip()  # what an edit message carries, before any rewriting
    dropped = False

    def apply(rule: GuiRule) -> Callable[[re.Match[str]], str]:
        def replace(match: re.Match[str]) -> str:
            nonlocal dropped
            kind = rule.kind or _target_kind(match, rule.lang)
            if kind is None:
                dropped = True
                return match.group(0)
            spends = kind in SPENDS_CREDITS
            phrase = original if kind == "send_edit" else match.group(0).strip()
            actions.append(GuiAction(kind, phrase, spends))
            if rule.replacement == KEEP:
                return match.group(0)
            wording = rule.replacement if rule.replacement is not None else WORDING[kind, rule.lang]
            at_start = not match.string[: match.start()].strip()
            return wording[:1].upper() + wording[1:] if at_start else wording

        return replace

    for rule in GUI_RULES:
        sentence = rule.pattern.sub(apply(rule), sentence)
    if dropped or has_gui_instruction(sentence):
        return None
    return sentence


def _target_kind(match: re.Match[str], lang: str) -> GuiKind | None:
    """The action a clicked/opened thing names; for "click here to download" the purpose names it."""
    groups = match.groupdict()
    named = " ".join(v for k, v in groups.items() if v and k in ("q", "b", "w", "zh"))
    if lang == "zh":
        text = match.group(0)
        if match.group(0).startswith("打开"):
            return "credits" if re.search("账户|账单|积分|充值|余额", text) else "state"
        return _lookup(named, "zh")
    if match.group(0).lower().startswith("open"):
        return "credits" if re.search("billing|account|credit", match.group(0), re.IGNORECASE) else "state"
    purpose = re.match(r"\s+to\s+(\w+(?:\s+\w+){0,2})", match.string[match.end() :])
    return _lookup(named, "en") or (_lookup(purpose.group(1), "en") if purpose else None)


def _lookup(words: str, lang: str) -> GuiKind | None:
    lowered = words.casefold()
    for target in CLICK_TARGETS:
        if lang == "zh" and any(w in lowered for w in target.chinese):
            return target.kind
        if lang == "en" and any(re.search(rf"(?<![a-z]){re.escape(w)}", lowered) for w in target.english):
            return target.kind
    return None


def _dedupe(actions: list[GuiAction]) -> tuple[GuiAction, ...]:
    """One action per kind (the first phrase wins); edit messages stay one per sentence."""
    seen: dict[tuple[str, str], GuiAction] = {}
    for action in actions:
        key = (action.kind, action.phrase if action.kind == "send_edit" else "")
        seen.setdefault(key, action)
    return tuple(seen.values())


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r"[ \t]+([.,;:!?])", r"\1", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()
