"""Run a conversation the way the local agent does, and check each turn's resulting composition.

Each turn: current draft → ``from_draft`` → ``plan`` → (undo/redo in a version history like the
store's) or ``apply`` → ``to_draft`` → saved when changed. The checks read the composition read back
from the saved draft (and the draft itself for resolved sizes, places and times), so a turn passes
only if the change survives the wire.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nemo_video.backends.base import Asset
from nemo_video.backends.local.planner import Plan, plan
from nemo_video.composition import Composition, apply, from_draft, to_draft
from nemo_video.composition import defaults as D
from nemo_video.composition.model import parse_color
from nemo_video.composition.timing import scene_slots
from nemo_video.draft import Draft

HERE = Path(__file__).parent / "conversations"
CATALOGUE: dict[str, dict[str, Any]] = json.loads((HERE / "media.json").read_text(encoding="utf-8"))


def asset(name: str) -> Asset:
    facts = CATALOGUE.get(name, {})
    kind = facts.get("kind", "audio" if name.endswith((".mp3", ".wav")) else "image")
    width, height = facts.get("size", (1600, 1200) if kind != "audio" else (None, None))
    orientation = None
    if width and height:
        orientation = "portrait" if height > width else "landscape" if width > height else "square"
    return Asset(
        id="m_" + name.rsplit(".", 1)[0].replace(".", "_"),
        name=name,
        kind=kind,
        src=f"/store/{name}",
        width=width,
        height=height,
        duration_s=facts.get("duration_s", 120.0 if kind == "audio" else None),
        has_audio=True if kind != "image" else None,
        orientation=orientation,
        colors=tuple(facts.get("colors", ())),
    )


@dataclass
class Session:
    media: list[Asset]
    versions: list[Draft | None] = field(default_factory=lambda: [None])
    at: int = 0  # index of the current version
    undone: list[int] = field(default_factory=list)

    @property
    def draft(self) -> Draft | None:
        return self.versions[self.at]

    def comp(self) -> Composition | None:
        draft = self.draft
        return from_draft(draft, self.media) if draft is not None and draft.exportable else None

    def send(self, message: str) -> Plan:
        result = plan(message, self.media, self.comp())
        if result.history == "undo" and self.at > 0:
            self.undone.append(self.at)
            self.at -= 1
        elif result.history == "redo" and self.undone:
            self.at = self.undone.pop()
        elif result.ops:
            current = self.comp()
            base = Composition(language=result.language) if result.fresh or current is None else current
            draft = to_draft(apply(base, result.ops, self.media), self.media)  # must apply: planner contract
            if self.draft is None or draft.to_wire() != self.draft.to_wire():
                del self.versions[self.at + 1 :]
                self.versions.append(draft)
                self.at = len(self.versions) - 1
                self.undone.clear()
        return result


def load(path: Path) -> list[tuple[str, list[dict[str, Any]]]]:
    """Conversations of a JSONL file, in order: a line with ``media`` starts a new one."""
    conversations: list[tuple[str, list[dict[str, Any]]]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if not conversations or conversations[-1][0] != row["conv"] or "media" in row:
            conversations.append((row["conv"], []))
        conversations[-1][1].append(row)
    return conversations


# ---------------------------------------------------------------- facts of a composition / draft


def media_name(s: Session, comp: Composition, scene_id: str | None) -> str | None:
    scene = comp.scene(scene_id) if scene_id else None
    return next((a.name for a in s.media if scene is not None and a.id == scene.media), None)


def slots_s(s: Session, comp: Composition) -> list[float]:
    clips = [
        next((round((a.duration_s or 0) * 1000) for a in s.media if a.id == sc.media and a.kind == "video"), None)
        for sc in comp.scenes
    ]
    return [span.d / 1000 for span in scene_slots(comp, clips)[1]]


def text_segments(draft: Draft, role: str) -> list[dict[str, Any]]:
    wire = draft.to_wire()
    return [seg for t in wire["t"] if t["tt"] == 7 for seg in t["sg"] if seg.get("role") == role]


def transition_ms(draft: Draft) -> int:
    video = next(t for t in draft.to_wire()["t"] if t["tt"] == 0)
    outs = [seg.get("transition_out", {}).get("d", 0) for seg in video["sg"][:-1]]
    return outs[0] if outs else 0


def hexes(names: list[str]) -> list[str]:
    return [parse_color(n) for n in names]


def check(s: Session, before: Draft | None, result: Plan, expect: dict[str, Any], where: str) -> None:
    draft = s.draft
    comp = s.comp()
    prev = from_draft(before, s.media) if before is not None and before.exportable else None
    for key, want in expect.items():
        msg = f"{where}: {key} expected {want!r}"
        if key == "unchanged":
            assert (draft.to_wire() if draft else None) == (before.to_wire() if before else None), msg
            continue
        if key == "reply_has":
            for part in want:
                assert part.lower() in result.reply.lower(), f"{msg}; reply: {result.reply}"
            continue
        if key == "not_done":
            assert result.notes, f"{msg}; reply: {result.reply}"
            for part in want if isinstance(want, list) else []:
                assert any(part.lower() in n.lower() for n in result.notes), f"{msg}; notes: {result.notes}"
            continue
        if key == "all_done":
            assert not result.notes, f"{where}: unexpected notes {result.notes}"
            continue
        if key == "ops":
            kinds = {op.op for op in result.ops} | ({result.history} if result.history else set())
            assert set(want) <= kinds, f"{msg}; got {sorted(kinds)}"
            continue
        if key == "language":
            assert result.language == want, msg
            continue
        assert comp is not None and draft is not None, f"{where}: no video; reply: {result.reply}"
        _check_comp(s, comp, draft, prev, before, key, want, msg + f"; reply: {result.reply}")


def _first(comp: Composition, role: str) -> Any:
    texts = comp.texts_of(role)
    return texts[0] if texts else None


def _check_comp(
    s: Session,
    comp: Composition,
    draft: Draft,
    prev: Composition | None,
    before: Draft | None,
    key: str,
    want: Any,
    msg: str,
) -> None:
    names = [media_name(s, comp, sc.id) for sc in comp.scenes]
    if key == "scenes":
        assert names == want, f"{msg}; got {names}"
    elif key == "count":
        assert len(comp.scenes) == want, f"{msg}; got {len(comp.scenes)}"
    elif key == "total":
        assert draft.total_ms() == want * 1000, f"{msg}; got {draft.total_ms()}"
    elif key == "total_between":
        assert want[0] * 1000 <= draft.total_ms() <= want[1] * 1000, f"{msg}; got {draft.total_ms()}"
    elif key == "each_s":
        assert all(abs(x - want) < 0.01 for x in slots_s(s, comp)), f"{msg}; got {slots_s(s, comp)}"
    elif key == "scene_s":
        lengths = dict(zip(names, slots_s(s, comp), strict=True))
        for name, seconds in want.items():
            assert abs(lengths[name] - seconds) < 0.05, f"{msg}; got {lengths}"
    elif key in ("scene_grows", "scene_shrinks"):
        assert prev is not None
        old = dict(zip([media_name(s, prev, sc.id) for sc in prev.scenes], slots_s(s, prev), strict=True))
        new = dict(zip(names, slots_s(s, comp), strict=True))
        assert (new[want] > old[want]) == (key == "scene_grows") and new[want] != old[want], f"{msg}; {old} → {new}"
    elif key == "title_animation":
        layer = _first(comp, "title")
        assert layer is not None and layer.animation.enter == want, f"{msg}; got {layer.animation if layer else None}"
    elif key in ("aspect", "platform"):
        got = comp.format.aspect if key == "aspect" else comp.format.resolved_platform
        assert got == want, f"{msg}; got {got}"
    elif key in ("title", "cta"):
        layer = _first(comp, key)
        assert (layer.text if layer else None) == want, f"{msg}; got {layer.text if layer else None}"
    elif key == "captions":
        got = [
            (t.text, media_name(s, comp, sc.id) if (sc := comp.scene_of_text(t.id)) else None)
            for t in comp.texts_of("caption")
        ]
        assert sorted(got, key=str) == sorted([tuple(x) for x in want], key=str), f"{msg}; got {got}"
    elif key == "caption_texts":
        got_texts = [t.text for t in comp.texts_of("caption")]
        assert got_texts == want, f"{msg}; got {got_texts}"
    elif key == "texts_on":
        for text, name in want.items():
            found = [t for t in comp.all_texts() if t.text == text]
            assert found, f"{msg}; no text {text!r} in {[t.text for t in comp.all_texts()]}"
            owner = comp.scene_of_text(found[0].id)
            assert (media_name(s, comp, owner.id) if owner else None) == name, f"{msg}; on {owner}"
    elif key in ("title_style", "caption_style", "cta_style"):
        role = key.split("_")[0]
        layers = comp.texts_of(role)
        assert layers, f"{msg}; no {role}"
        for layer in layers:
            for field_name, value in want.items():
                got_value = getattr(layer.style, field_name)
                if field_name in ("color", "backdrop_color"):
                    value = parse_color(value)
                assert got_value == value, f"{msg}; {field_name} is {got_value!r}"
    elif key in ("title_slot", "caption_slot", "cta_slot"):
        layer = _first(comp, key.split("_")[0])
        assert layer is not None and layer.position.slot == want, f"{msg}; got {layer.position if layer else None}"
    elif key == "title_px_ratio":
        assert before is not None
        old_px, new_px = (
            text_segments(before, "title")[0]["style"]["font_size"],
            text_segments(draft, "title")[0]["style"]["font_size"],
        )
        assert (new_px / old_px >= want) if want >= 1 else (new_px / old_px <= want), f"{msg}; {old_px} → {new_px}"
    elif key == "title_lower_half":
        _, top, _, bottom = D.SAFE_ZONES[comp.format.resolved_platform]
        y = text_segments(draft, "title")[0]["position"]["y"]
        assert y > top + (bottom - top) / 2, f"{msg}; y={y}"
    elif key == "no_role":
        assert not comp.texts_of(want), f"{msg}; got {[t.text for t in comp.texts_of(want)]}"
    elif key == "cta_last_s":
        seg = text_segments(draft, "cta")[0]
        assert seg["start"] + seg["d"] == draft.total_ms() and seg["d"] >= want * 1000, (
            f"{msg}; {seg['start']}+{seg['d']}"
        )
    elif key == "text_only":
        assert not comp.scenes and comp.all_texts(), msg
    elif key == "music":
        got = comp.music.kind if comp.music.kind != "mood" else comp.music.mood or D.DEFAULT_MOOD_FOR_PACE[comp.pace]
        assert got == want, f"{msg}; got {got}"
    elif key == "volume":
        assert abs(comp.music.volume - want) < 0.011, f"{msg}; got {comp.music.volume}"
    elif key in ("volume_down", "volume_up"):
        assert prev is not None
        assert (comp.music.volume < prev.music.volume) == (key == "volume_down"), (
            f"{msg}; {prev.music.volume} → {comp.music.volume}"
        )
        assert comp.music.volume != prev.music.volume, msg
    elif key == "transition":
        got = comp.transition.kind or D.PACE_STYLE[comp.pace][1]
        assert got == want, f"{msg}; got {got}"
    elif key in ("transition_longer", "transition_shorter"):
        assert before is not None
        old, new = transition_ms(before), transition_ms(draft)
        assert (new > old) if key == "transition_longer" else (new < old), f"{msg}; {old} → {new}"
    elif key == "transition_ms":
        assert transition_ms(draft) == want, f"{msg}; got {transition_ms(draft)}"
    elif key == "pace":
        assert comp.pace == want, f"{msg}; got {comp.pace}"
    elif key == "brand":
        for field_name, value in want.items():
            got_value = getattr(comp.brand, field_name)
            if field_name == "palette":
                value = hexes(value)
            if field_name == "logo":
                got_value = next((a.name for a in s.media if a.id == got_value), None)
            assert got_value == value, f"{msg}; {field_name} is {got_value!r}"
    elif key in ("fit", "motion"):
        for name, value in want.items():
            scene = next(sc for sc in comp.scenes if media_name(s, comp, sc.id) == name)
            got = scene.fit if key == "fit" else scene.motion.kind
            assert got == value, f"{msg}; {name}: {got}"
    elif key == "scene_kinds":
        assert [sc.kind for sc in comp.scenes] == want, f"{msg}; got {[sc.kind for sc in comp.scenes]}"
    else:
        raise AssertionError(f"unknown check {key!r}")
