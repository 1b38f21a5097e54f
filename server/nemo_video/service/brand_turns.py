"""The brand kit around each turn: saved when a brand is set, added to a new session's first video,
and the words "save this as my brand", "use my brand", "forget my brand kit" carried out.

A message or an edit runs as before (:mod:`.work`); then :func:`after_turn` reads the session again and
acts for the client that sent it, and its lines join the reply. Adding the kit is one more edit through
the same operation path (``set_brand``) — free on the local backend. On the cloud an edit is an agent
message that costs credits, so there the kit is kept and shown but only added when the user sends it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..backends.base import Session, SessionState
from ..composition import Operation, from_draft, parse_operations
from ..composition.model import Brand
from ..composition.ops import SetBrand
from ..draft import summarize
from ..errors import NemoVideoError
from ..skill.brand_kit import action_of
from . import work
from .brand_kit import KIT_LOGO, BrandKit, is_set
from .jobs import Job
from .results import EditResult, GenerateResult

if TYPE_CHECKING:
    from .core import VideoService

logger = logging.getLogger(__name__)

_CJK = re.compile(r"[\u3400-\u9fff]")


async def run_message(service: VideoService, job: Job, session: Session, text: str) -> GenerateResult:
    """An agent message, then the brand kit's part of the turn."""
    client = job.record.client
    before = await service._state(session, client)
    result = await work.run_message(service, job, session, text)
    lines, changed = await after_turn(service, session, client, before, action_of(text), bool(_CJK.search(text)))
    if not lines:
        return result
    update: dict[str, object] = {"reply": _joined(result.reply, lines, bool(_CJK.search(text)))}
    if changed:
        draft = (await service._state(session, client)).draft
        update.update(
            draft=draft.to_wire() if draft else None,
            summary=summarize(draft),
            exportable=bool(draft and draft.exportable),
            duration_s=round(draft.total_ms() / 1000, 3) if draft else None,
        )
    return result.model_copy(update=update)


async def run_edit(
    service: VideoService, session: Session, before: SessionState, operations: Sequence[Operation], client: str
) -> EditResult:
    """``edit_video``'s operations, then the brand kit's part of the turn."""
    result = await work.run_edit(service, session, before, operations, client)
    off = any(isinstance(op, SetBrand) and op.off for op in operations)
    zh = session.language == "zh"
    lines, changed = await after_turn(service, session, client, before, "off" if off else None, zh)
    if service.backend_name == "cloud":
        lines += _kept_from_cloud(service, client, operations, result.not_applied, zh)
    if not lines:
        return result
    update: dict[str, object] = {"reply": _joined(result.reply, lines, zh)}
    if changed:
        state = await service._state(session, client)
        draft = state.draft
        update.update(
            version=state.version,
            summary=state.summary,
            composition=from_draft(draft, state.media) if draft else None,
            exportable=bool(draft and draft.exportable),
            duration_s=round(draft.total_ms() / 1000, 3) if draft else None,
        )
    return result.model_copy(update=update)


async def after_turn(
    service: VideoService, session: Session, client: str, before: SessionState, action: str | None, zh: bool
) -> tuple[list[str], bool]:
    """Carry out the kit's part of a finished turn: (lines for the reply, whether the video changed)."""
    kits = service.kits
    if action == "forget":
        gone = kits.forget(client)
        if gone is None:
            return [_say(zh, "There was no saved brand kit to forget.", "没有已保存的品牌套件。")], False
        return [
            _say(
                zh,
                f"Forgot your brand kit ({gone.describe()}): new videos start without it.",
                f"已删除你的品牌套件（{gone.describe(True)}）：新视频不再使用它。",
            )
        ], False
    after = await service._state(session, client)
    turned = _brand(after)
    lines: list[str] = []
    changed = False
    kit = kits.get(client)
    first = not _exportable(before) and _exportable(after)
    if action == "use" or (first and action != "off"):
        if kit is None and action == "use":
            lines.append(
                _say(
                    zh,
                    "You have no saved brand kit yet: set brand colours, a font or a logo, and it is kept.",
                    "你还没有保存的品牌套件：设置品牌色、字体或标志后会自动保存。",
                )
            )
        elif kit is not None and _exportable(after):
            line, changed = await _add_kit(service, session, after, kit, zh, fill=action != "use")
            lines += [line] if line else []
            if changed:
                after = await service._state(session, client)
    now = _brand(after)
    user_set = turned != _brand(before) and action != "off"
    if action == "save" or (user_set and is_set(now)):
        lines.append(_save(service, client, after, now, zh))
    return lines, changed


async def _add_kit(
    service: VideoService, session: Session, state: SessionState, kit: BrandKit, zh: bool, *, fill: bool
) -> tuple[str | None, bool]:
    """Add the kit as one ``set_brand``: all of it ("use my brand"), or with ``fill`` only what the video
    does not have yet (a first video: the turn's own brand wins)."""
    if service.backend_name != "local":
        return (
            _say(
                zh,
                f"Your brand kit is kept ({kit.describe()}); on the cloud every edit is an agent message that "
                "costs credits, so it was not added by itself: send it with edit_video set_brand to use it.",
                f"你的品牌套件已保存（{kit.describe(True)}）；云端每次修改都会消耗积分，所以没有自动添加："
                "需要时用 edit_video 的 set_brand 发送。",
            ),
            False,
        )
    brand = _brand(state) if fill else Brand()
    update: dict[str, object] = {}
    if kit.palette and not brand.palette:
        update["palette"] = kit.palette
    if kit.font and not brand.font:
        update["font"] = kit.font
    missing = ""
    if kit.logo is not None and not brand.logo:
        asset = next((a for a in state.media if a.sha256 == kit.logo.sha256), None)
        try:
            if asset is None and Path(kit.logo.file).is_file():
                (asset,) = await service.backend.upload(session, [Path(kit.logo.file)])
        except NemoVideoError as exc:
            logger.warning("The brand kit's logo could not be imported: %s", exc.message)
        if asset is not None:
            update.update(logo=asset.id, corner=kit.corner)
        else:
            missing = _say(zh, f" (its logo {kit.logo.name} is missing)", f"（标志{kit.logo.name}的文件不见了）")
    if not update:
        return None, False
    try:
        await service.backend.edit(session, parse_operations([{"op": "set_brand", **update}]))
    except NemoVideoError as exc:
        return _say(zh, f"Your brand kit could not be added: {exc.message}", f"品牌套件没能添加：{exc.message}"), False
    return (
        _say(
            zh,
            f"Using your brand kit: {kit.describe()}{missing}; say 'no brand' or set_brand to change it.",
            f"正在使用你的品牌套件：{kit.describe(True)}{missing}；说“不要品牌”或用 set_brand 修改。",
        ),
        True,
    )


def _save(service: VideoService, client: str, state: SessionState, brand: Brand, zh: bool) -> str:
    if not is_set(brand):
        return _say(
            zh,
            "There is no brand to save yet: set brand colours, a font or a logo first.",
            "还没有可以保存的品牌：请先设置品牌色、字体或标志。",
        )
    logo = next((a for a in state.media if a.id == brand.logo), None) if brand.logo else None
    try:
        kit = service.kits.save(client, brand, logo)
    except OSError as exc:
        logger.warning("The brand kit could not be saved: %s", exc)
        return _say(zh, f"The brand kit could not be saved ({exc.strerror}).", f"品牌套件没能保存（{exc.strerror}）。")
    return _say(
        zh,
        f"Saved as your brand kit: {kit.describe()}. Your next new video starts with it.",
        f"已保存为你的品牌套件：{kit.describe(True)}。之后的新视频会自动使用它。",
    )


def _kept_from_cloud(
    service: VideoService, client: str, operations: Sequence[Operation], not_applied: Sequence[str], zh: bool
) -> list[str]:
    """A cloud draft does not carry our brand, so the kit keeps what the applied ``set_brand`` operations
    asked for: colours, font and corner (the logo stays the kit's: its cloud file is not on this machine)."""
    skipped = {int(m.group(1)) for line in not_applied if (m := re.match(r"operation (\d+) ", line))}
    kit = service.kits.get(client)
    brand = Brand(palette=kit.palette, font=kit.font, corner=kit.corner) if kit is not None else Brand()
    asked, dropped = brand, False
    for index, op in enumerate(operations):
        if isinstance(op, SetBrand) and index not in skipped:
            fields = ("palette", "font", "corner")
            update = {k: getattr(op, k) for k in fields if getattr(op, k) is not None}
            asked = (Brand() if op.off else asked).model_copy(update=update)
            dropped = dropped or op.off
    if asked == brand or not is_set(asked):
        return []
    if kit is not None and kit.logo is not None and not dropped:
        asked = asked.model_copy(update={"logo": KIT_LOGO})
    return [_save(service, client, SessionState(session_id=""), asked, zh)]


def _brand(state: SessionState) -> Brand:
    return from_draft(state.draft, state.media).brand if state.draft is not None else Brand()


def _exportable(state: SessionState) -> bool:
    return bool(state.draft and state.draft.exportable)


def _say(zh: bool, en: str, chinese: str) -> str:
    return chinese if zh else en


def _joined(reply: str, lines: list[str], zh: bool) -> str:
    return ("" if zh else " ").join([reply.strip(), *lines]).strip()
