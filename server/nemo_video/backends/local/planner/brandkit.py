"""The brand kit's words: "no brand" for this video, and save / use / forget the kit kept between sessions.

The kit is the user's, not one session's, so the planner only takes the words and names the step; the
service carries it out after the message (``nemo_video.service.brand_turns``), reading the same table.
"""

from __future__ import annotations

from typing import Final

from ....skill.brand_kit import BRAND_KIT
from .context import Context, Done

_KIT_DONE: Final = {
    "save": ("save the brand as your brand kit", "把品牌保存为你的品牌套件"),
    "use": ("use your brand kit", "使用你的品牌套件"),
    "forget": ("forget your brand kit", "删除你的品牌套件"),
}


def words(ctx: Context) -> None:
    """The brand kit's words: "no brand" clears this video's brand; save/use/forget are steps the
    service carries out after the message."""
    for action, pattern in BRAND_KIT:
        if not ctx.take(pattern):
            continue
        if action == "off":
            ctx.act(
                [{"op": "set_brand", "off": True}],
                "left the brand out (no brand colours, font or logo)",
                "去掉了品牌（不用品牌色、字体和标志）",
            )
        elif all(d.step != "brand_kit" for d in ctx.done):
            en, zh = _KIT_DONE[action]
            ctx.done.append(Done("brand_kit", {"action": action}, en, zh))
