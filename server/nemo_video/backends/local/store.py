"""The local backend's memory: sessions, media, draft versions and jobs in one SQLite file.

Every edit of a draft is a new version, so undo restores the previous version *as a new version*
(marked, so that undo walks back step by step and redo walks forward again). One connection per
store, used from worker threads under one lock: SQLite serialises writers anyway, and the lock keeps
concurrent tool calls on the same session from interleaving half-done statements.
WAL lets other processes read meanwhile.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import anyio

from ...draft import Draft
from ...errors import ErrorCode, NemoVideoError, from_exception
from ..base import Asset, MediaKind, utcnow

SCHEMA_VERSION = 2
T = TypeVar("T")
UNDO_MARK = "[undo] "  # a version's message starts with this when it was made by undo (or redo)
REDO_MARK = "[redo] "
logger = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    language TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS media (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    id TEXT NOT NULL,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    facts TEXT NOT NULL,
    created_at TEXT NOT NULL,
    orientation TEXT,
    colors TEXT NOT NULL DEFAULT '[]',
    palette TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (session_id, id),
    UNIQUE (session_id, sha256)
);
CREATE TABLE IF NOT EXISTS drafts (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    version INTEGER NOT NULL,
    draft TEXT,
    message TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (session_id, version)
);
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    progress REAL,
    message TEXT NOT NULL DEFAULT '',
    request TEXT,
    result TEXT,
    error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_by_session ON jobs(session_id);
"""

_FACTS = ("width", "height", "duration_s", "fps", "has_audio")

# Each step takes a database at version N-1 to N; a fresh database gets _SCHEMA (the newest) at once.
_MIGRATIONS: dict[int, str] = {
    2: "ALTER TABLE media ADD COLUMN orientation TEXT;"
    "ALTER TABLE media ADD COLUMN colors TEXT NOT NULL DEFAULT '[]';"
    "ALTER TABLE media ADD COLUMN palette TEXT NOT NULL DEFAULT '[]';",
}


@dataclass(frozen=True)
class SessionRow:
    id: str
    language: str
    created_at: datetime


@dataclass(frozen=True)
class DraftVersion:
    version: int  # 0 = nothing saved yet
    draft: Draft | None
    message: str = ""


@dataclass(frozen=True)
class JobRow:
    id: str
    session_id: str
    kind: str
    status: str
    progress: float | None
    message: str
    request: dict[str, Any] | None
    result: dict[str, Any] | None
    error: dict[str, Any] | None
    created_at: datetime
    updated_at: datetime


class Store:
    """Async facade over one SQLite connection; open with :meth:`open`, close with :meth:`aclose`."""

    def __init__(self, connection: sqlite3.Connection, path: Path, notice: str | None = None) -> None:
        self._db = connection
        self._lock = threading.Lock()
        self.path = path
        self.notice = notice  # set when an unreadable database was moved aside at open

    @classmethod
    async def open(cls, path: Path) -> Store:
        return await anyio.to_thread.run_sync(cls._open_sync, path)

    @classmethod
    def _open_sync(cls, path: Path) -> Store:
        """Open (or create) the database; one that SQLite cannot read is moved aside, not fatal."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                return cls._connect(path)
            except sqlite3.DatabaseError as exc:
                if isinstance(exc, sqlite3.OperationalError) and not _is_corrupt(exc):
                    raise
                aside = _move_aside(path)
                notice = (
                    f"The studio database {path} could not be read ({exc}); it was moved aside to "
                    f"{aside.name} and a fresh, empty one was started: earlier sessions are not in it."
                )
                logger.warning("%s", notice)
                return cls._connect(path, notice)
        except (OSError, sqlite3.Error) as exc:
            raise from_exception(exc, "Opening the studio database") from exc

    @classmethod
    def _connect(cls, path: Path, notice: str | None = None) -> Store:
        db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30.0)
        try:
            return cls._prepare(db, path, notice)
        except BaseException:
            db.close()
            raise

    @classmethod
    def _prepare(cls, db: sqlite3.Connection, path: Path, notice: str | None) -> Store:
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA foreign_keys=ON")
        check = db.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise sqlite3.DatabaseError(f"database disk image is malformed: {check}")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            db.close()
            raise NemoVideoError(
                ErrorCode.INTERNAL,
                f"{path} was written by a newer nemo-video (schema {version} > {SCHEMA_VERSION}).",
                hint="Upgrade nemo-video, or point NEMO_DATA_DIR at another directory.",
            )
        if version < SCHEMA_VERSION:
            _migrate(db)
        return cls(db, path, notice)

    async def aclose(self) -> None:
        await self._run(self._db.close)

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        def locked() -> T:
            with self._lock:
                try:
                    return fn(*args)
                except sqlite3.OperationalError as exc:  # a full disk, an I/O error: said with a code
                    raise from_exception(exc, "Saving to the studio database") from exc

        return await anyio.to_thread.run_sync(locked)

    # ------------------------------------------------------------ sessions

    async def create_session(self, session_id: str, language: str) -> SessionRow:
        row = SessionRow(session_id, language, utcnow())
        await self._run(
            self._db.execute,
            "INSERT INTO sessions (id, language, created_at) VALUES (?, ?, ?)",
            (row.id, row.language, row.created_at.isoformat()),
        )
        return row

    async def get_session(self, session_id: str) -> SessionRow:
        found = await self._run(self._fetchone, "SELECT * FROM sessions WHERE id = ?", (session_id,))
        if found is None:
            raise NemoVideoError(
                ErrorCode.UNKNOWN_SESSION,
                f"There is no local session {session_id!r} in {self.path}."
                + (f" {self.notice}" if self.notice else ""),
                hint="Call get_state (CLI: nemo-video state): it starts a new session; then add the media "
                "and describe the video again."
                if self.notice
                else None,
            )
        return SessionRow(found["id"], found["language"], datetime.fromisoformat(found["created_at"]))

    def _fetchone(self, sql: str, params: Sequence[Any]) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self._db.execute(sql, params).fetchone()
        return row

    def _fetchall(self, sql: str, params: Sequence[Any]) -> list[sqlite3.Row]:
        return list(self._db.execute(sql, params).fetchall())

    # ------------------------------------------------------------ media

    async def add_media(
        self,
        session_id: str,
        *,
        name: str,
        kind: MediaKind,
        path: Path,
        sha256: str,
        size: int,
        facts: dict[str, Any],
    ) -> tuple[Asset, bool]:
        """Add a file to the session; returns (asset, created). Same content twice → the first asset."""
        return await self._run(self._add_media_sync, session_id, name, kind, path, sha256, size, facts)

    def _add_media_sync(
        self, session_id: str, name: str, kind: str, path: Path, sha256: str, size: int, facts: dict[str, Any]
    ) -> tuple[Asset, bool]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            existing = self._fetchone("SELECT * FROM media WHERE session_id = ? AND sha256 = ?", (session_id, sha256))
            if existing is not None:
                self._db.execute("COMMIT")
                return _asset(existing), False
            position = self._db.execute(
                "SELECT COALESCE(MAX(position), 0) + 1 FROM media WHERE session_id = ?", (session_id,)
            ).fetchone()[0]
            self._db.execute(
                "INSERT INTO media (session_id, id, position, name, kind, path, sha256, size, facts,"
                " created_at, orientation, colors, palette) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    sha256[:16],
                    position,
                    name,
                    kind,
                    str(path),
                    sha256,
                    size,
                    json.dumps({k: facts.get(k) for k in _FACTS}),
                    utcnow().isoformat(),
                    facts.get("orientation"),
                    json.dumps(list(facts.get("colors") or ())),
                    json.dumps(list(facts.get("palette") or ())),
                ),
            )
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        row = self._fetchone("SELECT * FROM media WHERE session_id = ? AND sha256 = ?", (session_id, sha256))
        assert row is not None
        return _asset(row), True

    async def list_media(self, session_id: str) -> list[Asset]:
        rows = await self._run(
            self._fetchall, "SELECT * FROM media WHERE session_id = ? ORDER BY position", (session_id,)
        )
        return [_asset(row) for row in rows]

    async def remove_media(self, session_id: str, media_id: str) -> None:
        """Forget one asset of a session (the content file is the caller's to clean up)."""
        await self._run(self._remove_media_sync, session_id, media_id)

    def _remove_media_sync(self, session_id: str, media_id: str) -> None:
        with self._db:
            self._db.execute("DELETE FROM media WHERE session_id = ? AND id = ?", (session_id, media_id))

    async def media_path_used(self, path: Path) -> bool:
        """Whether any session still refers to a stored file (content files are shared by hash)."""
        row = await self._run(self._fetchone, "SELECT 1 FROM media WHERE path = ? LIMIT 1", (str(path),))
        return row is not None

    # ------------------------------------------------------------ drafts

    async def current_draft(self, session_id: str) -> DraftVersion:
        return await self._run(self._current_sync, session_id)

    def _current_sync(self, session_id: str) -> DraftVersion:
        row = self._fetchone("SELECT * FROM drafts WHERE session_id = ? ORDER BY version DESC LIMIT 1", (session_id,))
        return _version(row) if row is not None else DraftVersion(0, None)

    async def save_draft(self, session_id: str, draft: Draft | None, message: str) -> DraftVersion:
        """Store ``draft`` as the session's next version and return it."""
        wire = None if draft is None else json.dumps(draft.to_wire(), ensure_ascii=False)
        return await self._run(self._append_sync, session_id, wire, message)

    def _append_sync(self, session_id: str, wire: str | None, message: str) -> DraftVersion:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            version = self._db.execute(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM drafts WHERE session_id = ?", (session_id,)
            ).fetchone()[0]
            self._db.execute(
                "INSERT INTO drafts (session_id, version, draft, message, created_at) VALUES (?, ?, ?, ?, ?)",
                (session_id, version, wire, message, utcnow().isoformat()),
            )
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        return DraftVersion(version, Draft.from_wire(wire), message)

    async def undo(self, session_id: str, message: str = "undo") -> DraftVersion | None:
        """Restore the version before the current edit as a new version; None if there is nothing to undo."""
        return await self._run(self._move_sync, session_id, message, UNDO_MARK)

    async def redo(self, session_id: str, message: str = "redo") -> DraftVersion | None:
        """Bring back what the last undo took away, as a new version; None if there is nothing to redo."""
        return await self._run(self._move_sync, session_id, message, REDO_MARK)

    def _move_sync(self, session_id: str, message: str, mark: str) -> DraftVersion | None:
        rows = self._fetchall(
            "SELECT version, draft, message FROM drafts WHERE session_id = ? ORDER BY version", (session_id,)
        )
        done, undone = _replay([(row["draft"], row["message"] or "") for row in rows])
        if mark == UNDO_MARK:
            if not done:
                return None
            wire = done[-2] if len(done) > 1 else None
        else:
            if not undone:
                return None
            wire = undone[-1]
        return self._append_sync(session_id, wire, f"{mark}{message}")

    async def draft_history(self, session_id: str) -> list[DraftVersion]:
        rows = await self._run(
            self._fetchall, "SELECT * FROM drafts WHERE session_id = ? ORDER BY version", (session_id,)
        )
        return [_version(row) for row in rows]

    # ------------------------------------------------------------ jobs

    async def create_job(
        self,
        job_id: str,
        session_id: str,
        kind: str,
        *,
        status: str = "pending",
        message: str = "",
        request: dict[str, Any] | None = None,
    ) -> JobRow:
        now = utcnow().isoformat()
        await self._run(
            self._db.execute,
            "INSERT INTO jobs (id, session_id, kind, status, progress, message, request, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (job_id, session_id, kind, status, 0.0, message, _dumps(request), now, now),
        )
        return await self.get_job(job_id)

    async def update_job(
        self,
        job_id: str,
        *,
        status: str | None = None,
        progress: float | None = None,
        message: str | None = None,
        result: dict[str, Any] | None = None,
        error: dict[str, Any] | None = None,
    ) -> None:
        changes: dict[str, Any] = {
            "status": status,
            "progress": progress,
            "message": message,
            "result": _dumps(result),
            "error": _dumps(error),
        }
        sets = {k: v for k, v in changes.items() if v is not None}
        sets["updated_at"] = utcnow().isoformat()
        columns = ", ".join(f"{k} = ?" for k in sets)  # keys are the fixed names above
        await self._run(self._db.execute, f"UPDATE jobs SET {columns} WHERE id = ?", (*sets.values(), job_id))

    async def get_job(self, job_id: str) -> JobRow:
        row = await self._run(self._fetchone, "SELECT * FROM jobs WHERE id = ?", (job_id,))
        if row is None:
            raise NemoVideoError(ErrorCode.UNKNOWN_JOB, f"There is no local job {job_id!r}.")
        return _job(row)

    async def list_jobs(self, session_id: str) -> list[JobRow]:
        rows = await self._run(
            self._fetchall, "SELECT * FROM jobs WHERE session_id = ? ORDER BY created_at", (session_id,)
        )
        return [_job(row) for row in rows]


def _replay(history: Sequence[tuple[str | None, str]]) -> tuple[list[str | None], list[str | None]]:
    """(states done, states undone) after a session's history: undo pops, redo pushes back, an edit
    clears what could be redone. Older databases' undo rows have no mark and count as edits."""
    done: list[str | None] = []
    undone: list[str | None] = []
    for wire, message in history:
        if message.startswith(UNDO_MARK) and done:
            undone.append(done.pop())
        elif message.startswith(REDO_MARK) and undone:
            done.append(undone.pop())
        else:
            done.append(wire)
            undone.clear()
    return done, undone


def _migrate(db: sqlite3.Connection) -> None:
    """Bring the schema to :data:`SCHEMA_VERSION` in one transaction; the version is read again under
    the write lock, so two processes opening an old database at once migrate it once."""
    db.execute("BEGIN IMMEDIATE")
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        steps = range(version + 1, SCHEMA_VERSION + 1)
        script = "".join(_MIGRATIONS[v] for v in steps) if version else _SCHEMA
        for statement in script.split(";"):
            if statement.strip():
                db.execute(statement)
        db.execute(f"PRAGMA user_version={max(version, SCHEMA_VERSION)}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _dumps(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _loads(value: str | None) -> dict[str, Any] | None:
    if value is None:
        return None
    loaded = json.loads(value)
    return loaded if isinstance(loaded, dict) else None


def _asset(row: sqlite3.Row) -> Asset:
    facts = _loads(row["facts"]) or {}
    return Asset.model_validate(
        {
            "id": row["id"],
            "name": row["name"],
            "kind": row["kind"],
            "src": row["path"],
            "size_bytes": row["size"],
            "sha256": row["sha256"],
            **{k: facts.get(k) for k in _FACTS},
            "orientation": row["orientation"],
            "colors": tuple(json.loads(row["colors"])),
            "palette": tuple(json.loads(row["palette"])),
        }
    )


def _version(row: sqlite3.Row) -> DraftVersion:
    return DraftVersion(row["version"], Draft.from_wire(row["draft"]), row["message"])


def _job(row: sqlite3.Row) -> JobRow:
    return JobRow(
        id=row["id"],
        session_id=row["session_id"],
        kind=row["kind"],
        status=row["status"],
        progress=row["progress"],
        message=row["message"],
        request=_loads(row["request"]),
        result=_loads(row["result"]),
        error=_loads(row["error"]),
        created_at=datetime.fromisoformat(row["created_at"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
    )


def _is_corrupt(exc: sqlite3.DatabaseError) -> bool:
    text = str(exc).lower()
    return "not a database" in text or "malformed" in text or "corrupt" in text


def _move_aside(path: Path) -> Path:
    """Rename an unreadable database (and its WAL files) to ``<name>.corrupt-<UTC time>``; keep, not delete."""
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%fZ")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    path.replace(aside)
    for suffix in ("-wal", "-shm"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            extra.replace(aside.with_name(aside.name + suffix))
    return aside
