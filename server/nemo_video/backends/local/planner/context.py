"""The planner's working state for one message: the text (with what is understood marked), the
composition as it stands after the operations found so far, and what was done or not.

Every matcher *takes* the words it understands, so two matchers never read the same words
("slower transitions" is a transition, not a pace) and whatever no matcher took can be named in
the reply as not done. Every action is applied at once to a working copy, so a later reference
("the second photo") means the second photo *after* the earlier changes of the same message, and
an operation that would not apply becomes a note instead of a failure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ....composition import Composition, Operation, OperationError, apply, parse_operations
from ...base import Asset

_QUOTE = re.compile(r"\"[^\"\n]*\"|“[^”\n]*”|「[^」\n]*」|『[^』\n]*』|‘[^’\n]*’|《[^》\n]*》|(?<!\w)'[^'\n]+?'(?!\w)")
_CLAUSE_END = re.compile(r"(?<=[.!?])(?:\s+|$)|[;\n。！？；,，]+|\s+(?:then|but|also)\s+|然后|并且|同时|另外")


def safe_lower(text: str) -> str:
    """Lower-case without changing the length (so positions in it index the original text)."""
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)


@dataclass(frozen=True)
class Done:
    step: str  # the ToolCall name
    args: dict[str, Any]
    en: str
    zh: str


@dataclass(frozen=True)
class Note:
    en: str
    zh: str


@dataclass
class Context:
    text: str
    media: Sequence[Asset]
    work: Composition
    language: str = "en"
    fresh: bool = False
    ops: list[Operation] = field(default_factory=list)
    done: list[Done] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    lower: str = ""
    _taken: list[bool] = field(default_factory=list)
    subject: dict[int, str] = field(default_factory=dict)  # clause start → the scene it is about
    roles: dict[int, str] = field(default_factory=dict)  # clause start → the role of the text it gives
    cache: dict[str, Any] = field(default_factory=dict)  # for matchers: results valid for one view/work
    window: tuple[int, int] | None = None  # when set, only this part of the text is read
    _view: str | None = None
    _clauses: list[tuple[int, int]] | None = None

    def __post_init__(self) -> None:
        self.lower = safe_lower(self.text)
        self._taken = [False] * len(self.text)

    # ------------------------------------------------------------ words

    @property
    def view(self) -> str:
        """The lower-cased text with every taken character blanked."""
        if self._view is None:
            self._view = "".join(" " if t else ch for ch, t in zip(self.lower, self._taken, strict=True))
        if self.window is None:
            return self._view
        start, end = self.window
        return " " * start + self._view[start:end] + " " * (len(self._view) - end)

    def take_span(self, start: int, end: int) -> None:
        for i in range(max(0, start), min(end, len(self._taken))):
            self._taken[i] = True
        self._view = None

    def find(self, pattern: str | re.Pattern[str], text: str | None = None) -> list[re.Match[str]]:
        return list(re.finditer(pattern, self.view if text is None else text))

    def take(self, pattern: str | re.Pattern[str]) -> list[re.Match[str]]:
        """Every match of ``pattern`` in what is not yet taken; each is taken."""
        found = self.find(pattern)
        for m in found:
            self.take_span(m.start(), m.end())
        return found

    @property
    def clauses(self) -> list[tuple[int, int]]:
        """(start, end) of each clause: split at sentence ends and commas outside quotes."""
        if self._clauses is None:
            masked = _QUOTE.sub(lambda m: "x" * len(m.group()), self.text)
            bounds, start = [], 0
            for m in _CLAUSE_END.finditer(masked):
                if m.start() > start:
                    bounds.append((start, m.start()))
                start = m.end()
            if start < len(self.text):
                bounds.append((start, len(self.text)))
            self._clauses = bounds
        return self._clauses

    def clause_of(self, position: int) -> tuple[int, int]:
        return next(((s, e) for s, e in self.clauses if s <= position < e), (position, position))

    def original(self, start: int, end: int) -> str:
        return self.text[start:end]

    def untaken_runs(self) -> Iterator[tuple[int, int]]:
        start = None
        for i, taken in enumerate([*self._taken, True]):
            if not taken and start is None:
                start = i
            elif taken and start is not None:
                yield start, i
                start = None

    # ------------------------------------------------------------ results

    def say(self, lang_en: str, lang_zh: str) -> str:
        return lang_zh if self.language == "zh" else lang_en

    def note(self, en: str, zh: str) -> None:
        if all(n.en != en for n in self.notes):
            self.notes.append(Note(en, zh))

    def act(self, raw_ops: list[dict[str, Any]], en: str, zh: str, step: str | None = None) -> bool:
        """Apply ``raw_ops`` to the working composition; on refusal, a note says what was not done."""
        if not raw_ops:
            return False
        try:
            ops = parse_operations(raw_ops)
            self.work = apply(self.work, ops, self.media)
        except OperationError as exc:
            self.note(f"Not done ({en}): {exc.message}", f"没有完成（{zh}）：{exc.message}")
            return False
        self.ops.extend(ops)
        args = raw_ops[0] if len(raw_ops) == 1 else {"ops": raw_ops}
        self.done.append(Done(step or str(raw_ops[0]["op"]), {k: v for k, v in args.items() if k != "op"}, en, zh))
        return True
