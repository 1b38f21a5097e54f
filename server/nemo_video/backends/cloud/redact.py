"""Keep tokens out of logs and error text.

:class:`RedactFilter` rewrites every record that passes through the loggers it is attached to:
anything shaped like a NemoVideo user token (``nmv_usr_…``) and every live secret registered with
:func:`register_secret` becomes ``***``. It is attached to the cloud backend's logger and to the
``httpx``/``httpcore`` loggers, which see the requests this package makes. :func:`redact_event` does the
same to what the agent says, where its events enter the service (``CloudBackend.send``), so a token the
agent echoes reaches neither a tool result nor a job file.

Exact secrets are replaced first, then the token shape: the other way round, the shape (which stops at
``+``, ``/`` or ``=`` in older patterns) would eat the front of a secret and leave its tail showing.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import threading
from typing import Any, TypeVar

LOGGER_NAME = "nemo_video.backends.cloud"
log = logging.getLogger(LOGGER_NAME)

_TOKEN_SHAPE = re.compile(r"nmv_usr_[A-Za-z0-9._\-+/=]+")
_secrets: set[str] = set()
_lock = threading.Lock()
# Filters on a logger do not apply to its children's records, so each httpcore logger is listed.
_WATCHED = (
    LOGGER_NAME,
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
)


def register_secret(value: str) -> None:
    """Redact ``value`` wherever it appears from now on (tokens that do not look like ``nmv_usr_``)."""
    if len(value) >= 6:  # a very short "secret" would blank out ordinary words
        with _lock:
            _secrets.add(value)


def redact(text: str) -> str:
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, "***")
    return _TOKEN_SHAPE.sub("nmv_usr_***", text)


V = TypeVar("V")


def redact_value(value: V) -> V:
    """``value`` with every string in it redacted (dicts, lists and tuples walked)."""
    if isinstance(value, str):
        return redact(value)  # type: ignore[return-value]
    if isinstance(value, dict):
        return {k: redact_value(v) for k, v in value.items()}  # type: ignore[return-value]
    if isinstance(value, list | tuple):
        return type(value)(redact_value(v) for v in value)
    return value


E = TypeVar("E")


def redact_event(event: E) -> E:
    """The event with every text field redacted (agent text, tool arguments and results, errors)."""
    if not dataclasses.is_dataclass(event) or isinstance(event, type):
        return event
    changes: dict[str, Any] = {
        f.name: redact_value(getattr(event, f.name))
        for f in dataclasses.fields(event)
        if isinstance(getattr(event, f.name), str | dict | list)
    }
    return dataclasses.replace(event, **changes) if changes else event


class RedactFilter(logging.Filter):
    """Rewrites the formatted message of each record; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record: leave it to the handler to report
            return True
        clean = redact(message)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        return True


def install_filter() -> None:
    """Attach one :class:`RedactFilter` to each watched logger (idempotent)."""
    for name in _WATCHED:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactFilter) for f in logger.filters):
            logger.addFilter(RedactFilter())
