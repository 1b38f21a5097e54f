"""Edits of the picture order in words: drop, swap, move, reverse, add the new uploads."""

from __future__ import annotations

import re
from typing import Final

from .intent import MediaKind, MediaOp
from .numbers import CN_ORDINAL, EN_ORDINAL, ordinal_value

_ITEM: Final = (
    r"(?:photos?|images?|pictures?|pics?|clips?|videos?|shots?|slides?|ones?|segments?|items?"
    r"|scenes?|footage)"
)
_ORDS: Final = rf"{EN_ORDINAL}(?:\s*(?:,|and|&)\s*(?:the\s+)?{EN_ORDINAL})*"
_REMOVE_VERB: Final = r"\b(?:drop|remove|delete|cut|take out|get rid of|skip|lose|exclude|ditch|leave out)"
_CN_ITEM: Final = r"(?:张|个|段|幅|条|号)?(?:的)?(?:照片|图片|图|视频|片段|素材|镜头)?"
_CN_REMOVE_VERB: Final = r"(?:删除|删掉|删去|去掉|移除|去除|拿掉|不要|剪掉)"

_EN_REMOVE_ORD: Final = re.compile(rf"{_REMOVE_VERB}\s+(?:the\s+)?({_ORDS})\s+({_ITEM})")
_EN_REMOVE_NUM: Final = re.compile(
    rf"{_REMOVE_VERB}\s+(?:the\s+)?({_ITEM})\s*(?:number\s*|no\.?\s*|#\s*)?(\d+(?:\s*(?:,|and|&)\s*#?\d+)*)\b"
)
_EN_SWAP_ORD: Final = re.compile(
    rf"\b(?:swap|switch|exchange|flip|trade)\s+(?:the\s+)?({EN_ORDINAL})\s+(?:{_ITEM}\s+)?(?:and|with|&)\s+"
    rf"(?:the\s+)?({EN_ORDINAL})(?:\s+({_ITEM}))?"
)
_EN_SWAP_NUM: Final = re.compile(
    rf"\b(?:swap|switch|exchange|flip|trade)\s+(?:the\s+)?({_ITEM})\s*#?(\d+)\s*(?:and|with|&)\s*#?(\d+)"
)
_EN_MOVE: Final = re.compile(
    rf"\b(?:put|move|place|make|bring)\s+(?:the\s+)?({EN_ORDINAL})\s+({_ITEM})\s+(?:the\s+)?"
    rf"(?:(?:to|at|in)\s+(?:the\s+)?)?(?:position\s+(\d+)|(start|beginning|front|end|{EN_ORDINAL}))"
)
_EN_REVERSE: Final = re.compile(
    r"\breverse\s+(?:the\s+)?(?:order|photos|images|clips|sequence)\b|\bin reverse order\b"
)
_EN_ADD_NEW: Final = re.compile(
    rf"\b(?:add|include|use|put in)\s+(?:the\s+|my\s+)?(?:new|other|remaining|uploaded|latest|rest of the)\s+"
    rf"(?:\w+\s+)?{_ITEM}|\badd\s+(?:the\s+|my\s+)?{_ITEM}\s+(?:i|we)\s+(?:just\s+)?uploaded\b"
)

_CN_REMOVE: Final = re.compile(
    rf"{_CN_REMOVE_VERB}\s*((?:{CN_ORDINAL}){_CN_ITEM}(?:\s*[和、跟与及,，]\s*(?:{CN_ORDINAL}){_CN_ITEM})*)"
    rf"|把\s*((?:{CN_ORDINAL}){_CN_ITEM}(?:\s*[和、跟与及]\s*(?:{CN_ORDINAL}){_CN_ITEM})*)\s*(?:给)?{_CN_REMOVE_VERB}"
)
_CN_SWAP: Final = re.compile(
    rf"(?:交换|调换|对调|互换)\s*({CN_ORDINAL})({_CN_ITEM})\s*(?:和|与|跟)\s*({CN_ORDINAL})"
    rf"|把\s*({CN_ORDINAL})({_CN_ITEM})\s*(?:和|与|跟)\s*({CN_ORDINAL}){_CN_ITEM}\s*(?:交换|调换|对调|互换)"
)
_CN_MOVE: Final = re.compile(
    rf"把\s*({CN_ORDINAL})({_CN_ITEM})\s*(?:放到|移到|挪到|放在|移动到|调到|换到|放)\s*"
    rf"(最前面|最前|开头|最开始|前面|最后面|最后|末尾|结尾|({CN_ORDINAL}))"
)
_CN_REVERSE: Final = re.compile(r"倒序|顺序反过来|反转顺序|顺序颠倒|倒过来")
_CN_ADD_NEW: Final = re.compile(
    r"(?:加上|加入|添加|用上|使用|放进)(?:新|刚上传|刚才上传|新上传|其他|剩下)的?(?:照片|图片|素材|视频)"
)

_ORDINAL_TOKEN: Final = re.compile(rf"{EN_ORDINAL}|{CN_ORDINAL}|\d+")


def find_media_ops(lower: str) -> tuple[MediaOp, ...]:
    """Every media edit in the message, in the order written."""
    found: list[tuple[int, MediaOp]] = []
    for m in _EN_REMOVE_ORD.finditer(lower):
        found.append((m.start(), MediaOp("remove", _ordinals(m.group(1)), _kind(m.group(2)))))
    for m in _EN_REMOVE_NUM.finditer(lower):
        found.append((m.start(), MediaOp("remove", _ordinals(m.group(2)), _kind(m.group(1)))))
    for m in _EN_SWAP_ORD.finditer(lower):
        found.append(
            (m.start(), MediaOp("swap", _ordinals(f"{m.group(1)} {m.group(2)}"), _kind(m.group(3) or "")))
        )
    for m in _EN_SWAP_NUM.finditer(lower):
        found.append((m.start(), MediaOp("swap", (int(m.group(2)), int(m.group(3))), _kind(m.group(1)))))
    for m in _EN_MOVE.finditer(lower):
        target = int(m.group(3)) if m.group(3) else _position(m.group(4))
        found.append((m.start(), MediaOp("move", _ordinals(m.group(1)), _kind(m.group(2)), target)))
    for m in _CN_REMOVE.finditer(lower):
        group = m.group(1) or m.group(2)
        found.append((m.start(), MediaOp("remove", _ordinals(group), _kind(group))))
    for m in _CN_SWAP.finditer(lower):
        first, kind, second = (m.group(1), m.group(2), m.group(3)) if m.group(1) else m.group(4, 5, 6)
        found.append((m.start(), MediaOp("swap", _ordinals(f"{first} {second}"), _kind(kind or ""))))
    for m in _CN_MOVE.finditer(lower):
        found.append(
            (
                m.start(),
                MediaOp("move", _ordinals(m.group(1)), _kind(m.group(2) or ""), _position(m.group(3))),
            )
        )
    for pattern in (_EN_REVERSE, _CN_REVERSE):
        found.extend((m.start(), MediaOp("reverse")) for m in pattern.finditer(lower))
    for pattern in (_EN_ADD_NEW, _CN_ADD_NEW):
        found.extend((m.start(), MediaOp("add_new")) for m in pattern.finditer(lower))
    found.sort(key=lambda item: item[0])
    return tuple(op for _, op in found if op.action in ("reverse", "add_new") or op.indices)


def _ordinals(text: str) -> tuple[int, ...]:
    values = (ordinal_value(tok) for tok in _ORDINAL_TOKEN.findall(text))
    return tuple(v for v in values if v is not None)


def _position(word: str) -> int | None:
    if word in ("start", "beginning", "front", "最前面", "最前", "开头", "最开始", "前面"):
        return 1
    if word in ("end", "最后面", "末尾", "结尾"):
        return -1
    return ordinal_value(word)


def _kind(word: str) -> MediaKind:
    if re.search(r"photo|image|picture|pic|照片|图片|图|张|幅", word):
        return "image"
    if re.search(r"clip|video|footage|视频|片段|段", word):
        return "video"
    return "any"
