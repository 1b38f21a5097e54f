"""Keep tokens out of logs and error text.

:class:`RedactFilter` rewrites every record that passes through the loggers it is attached to:
anything shaped like a NemoVideo user token (``nmv_usr_…``) and every live secret registered with
:func:`register_secret` becomes ``***``. It is attached to the cloud backend's logger and to the
``httpx``/``httpcore`` loggers, which see the requests this package makes.
"""

from __future__ import annotations

import logging
import re
import threading

LOGGER_NAME = "nemo_video.backends.cloud"
log = logging.getLogger(LOGGER_NAME)

_TOKEN_SHAPE = re.compile(r"nmv_usr_[A-Za-z0-9._\-]+")
_secrets: set[str] = set()
_lock = threading.Lock()
# Filters on a logger do not apply to its children's records, so each httpcore logger is listed.
_WATCHED = (
    LOGGER_NAME, "httpx", "httpcore", "httpcore.connection", "httpcore.http11", "httpcore.http2",
    "httpcore.proxy",
)


def register_secret(value: str) -> None:
    """Redact ``value`` wherever it appears from now on (tokens that do not look like ``nmv_usr_``)."""
    if len(value) >= 6:  # a very short "secret" would blank out ordinary words
        with _lock:
            _secrets.add(value)


def redact(text: str) -> str:
    text = _TOKEN_SHAPE.sub("nmv_usr_***", text)
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


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
