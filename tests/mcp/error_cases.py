"""The failing calls every client must see as the server's own error text, and the checks on them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

ERROR_META = "nemo-video/error"
INVALID_PARAMS = -32602


@dataclass(frozen=True)
class ErrorCase:
    tool: str
    arguments: dict[str, Any]
    code: str
    mentions: str  # what the message must name, so the agent knows which thing was wrong


def error_cases(missing_file: Path) -> list[ErrorCase]:
    """An unknown job, a missing file, an empty timeline (fresh data dir), a wrong argument type."""
    return [
        ErrorCase("job_status", {"job_id": "job_nope", "wait_s": 0}, "unknown_job", "job_nope"),
        ErrorCase("upload_media", {"paths": [str(missing_file)]}, "media_not_found", str(missing_file)),
        ErrorCase("export_video", {}, "nothing_to_export", "nothing to export"),
        ErrorCase("job_status", {"job_id": "job_nope", "wait_s": "abc"}, "invalid_input", "wait_s"),
    ]


UNKNOWN_TOOL = ("make_coffee", {})
BAD_PROMPTS = [
    ("no_such_prompt", {}, "Unknown prompt 'no_such_prompt'"),
    ("product_video", {}, "needs photos, tagline"),
]


def check_error_text(case: ErrorCase, text: str) -> None:
    assert text.startswith(f"Error [{case.code}]: "), text
    message, _, hint = text.partition("\nNext step: ")
    assert case.mentions in message and hint.strip(), text
    assert not message.endswith(".."), text


def check_unknown_tool_text(text: str) -> None:
    assert text.startswith("Error [invalid_input]: There is no tool named 'make_coffee'."), text
    assert "\nNext step: " in text and "export_video" in text and "tools/list" in text, text
