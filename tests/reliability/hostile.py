"""Shared checks of the hostile-input suite (``test_hostile_*.py``).

Every case has an expected verdict: ``refused`` (a clear error: a known code, a message, a next step,
short, no traceback), ``accepted`` (the call works, possibly with its input repaired) or, for protocol
abuse, ``answered`` (a JSON-RPC error the client can match to its request). Whatever the verdict,
nothing may end in a traceback, an error without a code, a hang, a lost file, a stray process or a
leaked token.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from nemo_video.errors import ErrorCode

BIN = Path(sys.executable).parent / "nemo-video"
CODES = {code.value for code in ErrorCode}
MAX_ERROR_CHARS = 2500  # message + hint + framing: an error never echoes a huge input back
REFUSED, ACCEPTED, ANSWERED = "refused", "accepted", "answered"


def assert_mcp_verdict(result: Any, verdict: str, code: str | None = None) -> None:
    """An MCP tool result that is the expected verdict, with the suite's invariants."""
    text = "".join(getattr(c, "text", "") for c in result.content)
    assert "Traceback" not in text and "Error executing tool" not in text, text[:500]
    json.dumps(result.structured_content)  # serialisable: no lone surrogates, no odd objects
    if verdict == ACCEPTED:
        assert not result.is_error, text[:500]
        return
    assert result.is_error, text[:500]
    assert text.startswith(f"Error [{code}]: "), text[:500]
    assert "Next step: " in text and len(text.split("Next step: ")[1].strip()) > 10, text[:500]
    assert len(text) < MAX_ERROR_CHARS, f"{len(text)} characters"


def cli_env(root: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "NEMO_DATA_DIR": str(root / "data"),
        "NEMO_OUTPUT_DIR": str(root / "out"),
        "NEMO_CONFIG_DIR": str(root / "config"),
        "NEMO_BACKEND": "local",
        "NEMO_MEDIA_DIRS": str(root),
        **extra,
    }


def run_cli(
    root: Path,
    *args: str | bytes,
    env: dict[str, str] | None = None,
    stdin: bytes | None = None,
    timeout: float = 120,
    **popen: Any,
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [str(BIN), *args],
        cwd=root,
        env=env or cli_env(root),
        input=stdin,
        capture_output=True,
        timeout=timeout,
        check=False,
        **popen,
    )


def assert_cli_verdict(result: subprocess.CompletedProcess[bytes], verdict: str, code: str | None = None) -> None:
    """A CLI run that is the expected verdict: refused = exit 2..6 and one ``error [code]`` line."""
    err = result.stderr.decode("utf-8", "replace")
    out = result.stdout.decode("utf-8", "replace")
    assert "Traceback" not in err + out, err[-2000:]
    if verdict == ACCEPTED:
        assert result.returncode == 0, err[-2000:]
        return
    assert result.returncode in (2, 3, 4, 5, 6), (result.returncode, err[-2000:])
    lines = [line for line in err.splitlines() if line.startswith("error [")]
    assert len(lines) == 1 and lines[0].startswith(f"error [{code}]: "), err[-2000:]
    assert code in CODES and " — " in lines[0] and len(lines[0]) < MAX_ERROR_CHARS
