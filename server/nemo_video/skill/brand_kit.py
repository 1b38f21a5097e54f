"""The brand kit's words (EN + 中文): save, use, forget the kit kept between sessions, or "no brand" for
this video. A table shared by the local planner (which acts on "no brand") and the service (which
keeps the kit, whichever backend made the video).
"""

from __future__ import annotations

import re
from typing import Final

_QUOTED = re.compile(r"\"[^\"\n]*\"|“[^”\n]*”|「[^」\n]*」|『[^』\n]*』|‘[^’\n]*’|《[^》\n]*》|(?<!\w)'[^'\n]+?'(?!\w)")


_KIT = r"brand(?:ing)?(?:\s+kit)?\b(?!\s*(?:colou?rs?|palette|font|typeface))"
# (action, pattern): matched in this order, so "forget my brand kit" never reads as "my brand kit"
BRAND_KIT: Final = (
    (
        "forget",
        rf"\b(?:forget|delete|remove|clear|erase|drop)\s+(?:my|our|the|this)\s+(?:saved\s+)?{_KIT}"
        r"|删除(?:我的|保存的)?品牌(?:套件)?|忘(?:记|掉)(?:我的)?品牌(?:套件)?|清除(?:我的)?品牌(?:套件)?",
    ),
    (
        "save",
        rf"\bsave\s+(?:(?:this|it|that|these)\s+)?as\s+(?:my|our|the)\s+{_KIT}|\bsave\s+(?:my|our|the|this)\s+{_KIT}"
        r"|\b(?:keep|remember)\s+(?:this|it|that)\s+as\s+(?:my|our)\s+" + _KIT + r"|保存为(?:我的)?品牌(?:套件)?"
        r"|保存(?:我的)?品牌(?:套件)?|存为(?:我的)?品牌",
    ),
    (
        "use",
        rf"\b(?:use|apply|with)\s+(?:my|our)\s+(?:saved\s+)?{_KIT}|用我的品牌(?:套件)?|使用我的品牌(?:套件)?|套用(?:我的)?品牌",
    ),
    (
        "off",
        r"\bno\s+brand(?:ing)?(?:\s+kit)?\b|\bwithout\s+(?:my\s+|our\s+|the\s+|a\s+)?brand(?:ing)?(?:\s+kit)?\b"
        r"|不要品牌|不用品牌|去掉品牌|取消品牌|无品牌",
    ),
)


def action_of(message: str) -> str | None:
    """What a message asks of the saved brand kit: ``forget``, ``save``, ``use``, ``off`` (this video
    without a brand) or None. Quoted text (a title, a caption) never counts."""
    lower = "".join(
        ch.lower() if len(ch.lower()) == 1 else ch for ch in _QUOTED.sub(lambda m: " " * len(m.group()), message)
    )
    return next((action for action, pattern in BRAND_KIT if re.search(pattern, lower)), None)
