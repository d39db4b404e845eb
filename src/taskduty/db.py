"""The database: where it is (a path or a SQLAlchemy URL), how it is opened, its schema version.

Writes go through SQLModel sessions on a SQLAlchemy engine. Reads go through :class:`Reader`:
on SQLite the standard library's ``sqlite3`` (no ORM import, so a query in a terminal starts
fast), elsewhere SQLAlchemy Core. Both run the same SQL text, written to be portable.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from taskduty.errors import DatabaseError, NotLoadedError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

SCHEMA_VERSION = 1
ENV_VAR = "TASKDUTY_DB"
_SQLITE_MAGIC = b"SQLite format 3\x00"


def default_path() -> Path:
    """``<app dir>/taskduty.db``, the app dir being click's per-user folder for taskduty."""
    from click import get_app_dir

    return Path(get_app_dir("taskduty")) / "taskduty.db"


def resolve_url(value: str | None) -> str:
    """A SQLAlchemy URL from ``--db`` (a path or URL), else ``$TASKDUTY_DB``, else the default."""
    value = value or os.environ.get(ENV_VAR) or str(default_path())
    if "://" in value:
        return value
    return "sqlite:///" + str(Path(value).expanduser().resolve())


def display_url(url: str) -> str:
    """The URL with any password masked, for messages."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


class Reader(Protocol):
    """Runs a read-only SQL statement with ``:name`` parameters and returns dict rows."""

    def all(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]: ...


class _SqliteReader:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def all(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        args = {k: (v.isoformat() if isinstance(v, date) else v)
                for k, v in (params or {}).items()}
        cursor = self.conn.execute(sql, args)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


class _SqlaReader:
    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def all(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        from sqlalchemy import text

        args = {k: (date.fromisoformat(v) if isinstance(v, str) and _is_iso_date(v) else v)
                for k, v in (params or {}).items()}
        return [dict(r) for r in self.conn.execute(text(sql), args).mappings().all()]


def _is_iso_date(value: str) -> bool:
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))


def in_params(prefix: str, values: Sequence[Any]) -> tuple[str, dict[str, Any]]:
    """``(:p0, :p1)`` and its parameters, for an ``IN`` list in portable SQL."""
    names = {f"{prefix}{i}": v for i, v in enumerate(values)}
    return "(" + ", ".join(f":{n}" for n in names) + ")", names


def as_date(value: Any) -> date | None:
    """A date from what either backend returns."""
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])


def as_datetime(value: Any) -> datetime | None:
    """A datetime from what either backend returns."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


class Database:
    """One database, opened lazily: a SQLite file or a server URL."""

    def __init__(self, value: str | None = None, *, fast_reads: bool = True) -> None:
        self.url = resolve_url(value)
        self.is_sqlite = self.url.startswith("sqlite")
        self.path: Path | None = (
            Path(self.url.split(":///", 1)[1]) if self.is_sqlite and ":///" in self.url else None
        )
        self.fast_reads = fast_reads and self.path is not None
        self._engine: Engine | None = None

    @property
    def display(self) -> str:
        return str(self.path) if self.path else display_url(self.url)

    # -- checks ---------------------------------------------------------------------------
    def _check_sqlite_file(self, must_exist: bool) -> None:
        if self.path is None:
            return
        if not self.path.exists():
            if must_exist:
                raise NotLoadedError(
                    f"no table loaded yet (no database at {self.path})",
                    hint="load one first: taskduty load FILE --year YYYY",
                )
            return
        if self.path.is_dir():
            raise DatabaseError(f"{self.path} is a folder, not a database file")
        with self.path.open("rb") as fh:
            head = fh.read(16)
        if head and head != _SQLITE_MAGIC:
            raise DatabaseError(
                f"{self.path} is not a SQLite database",
                hint="point --db (or TASKDUTY_DB) at a taskduty database file",
            )

    # -- engine and sessions ----------------------------------------------------------------
    def engine(self) -> Engine:
        """The SQLAlchemy engine (created once)."""
        if self._engine is None:
            from sqlalchemy import create_engine, event

            if self.is_sqlite:
                engine = create_engine(self.url, connect_args={"timeout": 60})

                @event.listens_for(engine, "connect")
                def _on_connect(dbapi_conn: Any, _record: Any) -> None:
                    dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
                    for pragma in ("journal_mode=WAL", "busy_timeout=60000",
                                   "foreign_keys=ON", "synchronous=NORMAL"):
                        dbapi_conn.execute(f"PRAGMA {pragma}")

                @event.listens_for(engine, "begin")
                def _on_begin(conn: Any) -> None:
                    # Take the write lock at once, so two writers queue instead of deadlocking.
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                engine = create_engine(self.url, pool_pre_ping=True)
            self._engine = engine
        return self._engine

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: commits when the block ends, rolls back on any error."""
        from sqlalchemy.exc import OperationalError
        from sqlmodel import Session

        self._check_sqlite_file(must_exist=False)
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.prepare_schema()
        try:
            with Session(self.engine()) as session, session.begin():
                yield session
        except OperationalError as exc:
            raise DatabaseError(f"database error: {_short(exc)}",
                                hint="try again; another process may hold the database") from None

    def prepare_schema(self) -> None:
        """Create the schema in an empty database, or upgrade an older one."""
        from taskduty import migrations

        migrations.ensure(self)

    @contextmanager
    def read(self) -> Iterator[Reader]:
        """A reader for one command's queries. Never creates the database."""
        self._check_sqlite_file(must_exist=True)
        if self.fast_reads and self.path is not None:
            conn = sqlite3.connect(str(self.path), timeout=60)
            try:
                conn.execute("PRAGMA busy_timeout=60000")
                self._check_version(_SqliteReader(conn))
                yield _SqliteReader(conn)
            except sqlite3.DatabaseError as exc:
                raise DatabaseError(f"cannot read {self.display}: {exc}") from None
            finally:
                conn.close()
            return
        from sqlalchemy.exc import SQLAlchemyError

        try:
            with self.engine().connect() as conn:
                reader = _SqlaReader(conn)
                self._check_version(reader)
                yield reader
        except SQLAlchemyError as exc:
            raise DatabaseError(f"cannot read {self.display}: {_short(exc)}") from None

    def _check_version(self, reader: Reader) -> None:
        try:
            rows = reader.all("SELECT value FROM meta WHERE key = 'schema_version'")
        except Exception:
            rows = []
        if not rows:
            raise NotLoadedError(
                f"no table loaded yet ({self.display} has no taskduty data)",
                hint="load one first: taskduty load FILE --year YYYY",
            )
        version = int(rows[0]["value"])
        if version > SCHEMA_VERSION:
            raise DatabaseError(
                f"{self.display} was made by a newer taskduty (schema {version}, "
                f"this release knows {SCHEMA_VERSION})",
                hint="upgrade taskduty",
            )
        if version < SCHEMA_VERSION:
            self.prepare_schema()

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


def _short(exc: Exception) -> str:
    """The first line of a driver error, without SQL or parameters."""
    text = str(getattr(exc, "orig", None) or exc)
    return display_url(text.strip().splitlines()[0] if text.strip() else type(exc).__name__)


def utcnow() -> datetime:
    """The current time, timezone-aware UTC (as stored)."""
    from datetime import UTC

    return datetime.now(UTC)
