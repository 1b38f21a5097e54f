"""Arguments that fail a tool's input schema become ``invalid_input`` errors with a next step.

The SDK answers a schema mismatch with pydantic's raw text (and a link to pydantic's site); an agent
reads better the same ``Error [code]: ... / Next step: ...`` shape every other error has, naming each
wrong field, what it should be and the type that was sent. The rejected values themselves are left
out: they are the caller's data and can be huge.
"""

from __future__ import annotations

from pydantic import ValidationError

from ..errors import ErrorCode, NemoVideoError


def invalid_arguments(tool: str, exc: ValidationError) -> NemoVideoError:
    """One ``invalid_input`` error listing every wrong field of a ``tool`` call."""
    problems: list[str] = []
    fields: list[str] = []
    for err in exc.errors():
        field = ".".join(str(part) for part in err["loc"]) or "(arguments)"
        fields.append(field)
        problems.append(f"{field}: {err['msg']} (got {type(err.get('input')).__name__})")
    return NemoVideoError(
        ErrorCode.INVALID_INPUT,
        f"{tool} was called with invalid arguments: " + "; ".join(problems) + ".",
        hint=f"Fix {', '.join(sorted(set(fields)))} to match {tool}'s input schema (see tools/list) and call it again.",
        details={"fields": sorted(set(fields))},
    )
