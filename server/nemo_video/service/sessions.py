"""Each client's current video session: who a caller is, and the session it is editing.

A *client* is named by a short string: ``default`` for the one user of a stdio server or the CLI, a
name an MCP face derives from the protocol session or the bearer token, or a name the caller chose
(the ``session`` argument of the tools). Two calls with the same name edit the same video; different
names never see each other's timeline, jobs or exports. Named sessions survive a restart; the ones an
MCP protocol session implies live as long as this process (the protocol session cannot outlive it).
"""

from __future__ import annotations

import json
import logging
import re
from collections import OrderedDict
from pathlib import Path

from ..backends.base import Session, utcnow
from ..config import read_json, write_private
from ..errors import ErrorCode, NemoVideoError
from .jobs import DEFAULT_CLIENT

logger = logging.getLogger(__name__)

EPHEMERAL_PREFIX = "mcp-"  # names derived from an MCP protocol session: not written to disk


def kit_owner(client: str) -> str:
    """Whose brand kit a client uses: its own, except a connection-long MCP session's (the default one)."""
    return DEFAULT_CLIENT if client.startswith(EPHEMERAL_PREFIX) else client


MAX_IN_MEMORY = 4096  # current sessions kept in memory; the least recently used are forgotten first
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def check_client_name(name: str) -> str:
    """A session name a caller may choose: 1-64 letters, digits, '.', '_' or '-'."""
    if not _NAME.fullmatch(name):
        raise NemoVideoError(
            ErrorCode.INVALID_INPUT,
            f"{name[:80]!r} is not a usable session name.",
            hint="Use 1-64 letters, digits, '.', '_' or '-' (e.g. 'launch-video'), or leave session out.",
        )
    return name


class SessionBook:
    """The current :class:`Session` of every client, remembered across restarts for named clients."""

    def __init__(self, file: Path, backend: str, project: str) -> None:
        self._file = file
        self._backend = backend
        self._project = project
        self._current: OrderedDict[str, Session] = OrderedDict()

    def _key(self, client: str) -> str:
        base = f"{self._backend}:{self._project}"
        return base if client == DEFAULT_CLIENT else f"{base}:{client}"

    def get(self, client: str) -> Session | None:
        """The client's current session: in memory, else the one saved by an earlier process."""
        session = self._current.get(client)
        if session is None and not client.startswith(EPHEMERAL_PREFIX):
            saved = (read_json(self._file) or {}).get(self._key(client))
            if isinstance(saved, dict):
                try:
                    session = Session.model_validate(saved)
                except ValueError:
                    logger.warning("Ignoring an unreadable saved session")
        if session is not None:
            self._remember(client, session)
        return session

    def set(self, client: str, session: Session) -> None:
        """Make ``session`` the client's current one (and remember it for the next start)."""
        self._remember(client, session)
        if client.startswith(EPHEMERAL_PREFIX):
            return
        saved = read_json(self._file) or {}
        saved[self._key(client)] = session.model_dump(mode="json")
        write_private(self._file, json.dumps(saved, ensure_ascii=False))

    def replace(self, client: str, new_id: str, notice: str) -> None:
        """The backend replaced the client's lost session with ``new_id``: continue with that one."""
        current = self.get(client)
        if current is not None:
            update = {"id": new_id, "notice": notice, "created_at": utcnow()}
            self.set(client, current.model_copy(update=update))

    def _remember(self, client: str, session: Session) -> None:
        self._current[client] = session
        self._current.move_to_end(client)
        while len(self._current) > MAX_IN_MEMORY:
            self._current.popitem(last=False)
