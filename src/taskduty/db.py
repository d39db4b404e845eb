"""The database: where it is (a path or a SQLAlchemy URL), how it is opened, its schema version.

Writes go through SQLModel sessions on a SQLAlchemy engine, except the recording commands'
(``update``, ``undo``, ``withdraw``) and the load of a new year's table, which run SQL text
(:mod:`taskduty.writer`). Reads go
through :class:`Reader`: on SQLite the standard library's ``sqlite3`` (no ORM import, so a
query in a terminal starts fast), elsewhere SQLAlchemy Core. Both run the same SQL text,
written to be portable.
"""

from __future__ import annotations

import re
import sqlite3
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from taskduty import errors
from taskduty.errors import DatabaseError
from taskduty.i18n import N_, _
from taskduty.lazyre import lazy

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

ENV_VAR = "TASKDUTY_DB"

_SERVER_ENGINES: dict[str, Engine] = {}  # URL -> this process's engine, least recent first
_SERVER_ENGINES_KEPT = 4
_AT_EXIT_REGISTERED = False  # dispose_server_engines is registered with atexit
# How long a SQLite writer waits for another one to finish before giving up.
SQLITE_BUSY_TIMEOUT_MS = 60_000


def sqlite_pragmas() -> tuple[str, ...]:
    """Set on every SQLite connection, the engine's and the write path's (writer.py); read
    when a connection opens, so the timeout is one constant (tests shorten it)."""
    return ("journal_mode=WAL", f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}", "foreign_keys=ON",
            "synchronous=NORMAL")


def default_path() -> Path:
    """``<app dir>/taskduty.db``, the app dir being Typer's per-user folder for taskduty
    (:func:`taskduty.settings.app_dir`)."""
    from taskduty.settings import app_dir

    return app_dir() / "taskduty.db"


def resolve_url(value: str | None) -> str:
    """A SQLAlchemy URL from ``value`` (a path or URL), else the ``db`` setting
    (``--db``, ``$TASKDUTY_DB``, the settings file), else the default.

    ``postgres://`` and ``postgresql://`` mean PostgreSQL through psycopg 3. A password
    written unencoded (holding ``#``, ``?``, ``@``, ``/``, ``:`` or a space) is percent-encoded,
    so the driver gets the whole password and never reads part of it as the host.
    """
    from taskduty import settings

    value = value or settings.get("db") or str(default_path())
    if "://" in value:
        value = re.sub(r"^(postgres|postgresql)://", "postgresql+psycopg://", value)
        parts = split_url(value)
        if parts is not None and parts[2] is not None:
            head, user, password, tail = parts
            return f"{head}{_encode(user or '')}:{_encode(password)}@{tail}"
        return value
    return "sqlite:///" + str(Path(value).expanduser().resolve())


_SCHEME = lazy(r"^([A-Za-z][\w+.\-]*://)(.*)$", re.S)


def split_url(url: str) -> tuple[str, str | None, str | None, str] | None:
    """``(scheme://, user, password, host and the rest)``; None when ``url`` is no URL.

    The user info ends at the last ``@`` whose user part (before the first ``:``) holds no
    ``/``, ``?`` or ``#``, so a password may hold any character, ``@`` included.
    """
    m = _SCHEME.match(url)
    if not m:
        return None
    head, rest = m.groups()
    at = len(rest)
    while (at := rest.rfind("@", 0, at)) >= 0:
        userinfo = rest[:at]
        user, sep, password = userinfo.partition(":")
        if not re.search(r"[/?#]", user):
            return head, user, password if sep else None, rest[at + 1:]
    return head, None, None, rest


def _encode(text: str) -> str:
    from urllib.parse import quote

    # Keep %XX sequences (an already encoded password); encode everything else unsafe.
    return quote(re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", text), safe="%!$&'()*+,;=~-._")


def display_url(url: str) -> str:
    """The URL (or any text holding one) with its password masked, for messages."""
    parts = split_url(url.strip())
    if parts is not None and parts[2] is not None and not re.search(r"\s", parts[1] or ""):
        head, user, _password, tail = parts
        url = f"{head}{user}:***@{tail}"
    else:
        # Greedy up to the last "@" before a query, so a password holding "@" is masked.
        url = re.sub(r"(://[^:/@?#\s]*):[^?#\s]*@", r"\1:***@", url)
    return re.sub(r"(?i)(password=)[^&\s]*", r"\1***", url)


def scrub(text: str, url: str | None) -> str:
    """``text`` (a message, a driver error) without any trace of ``url``'s password.

    Masks URLs in the text, then the password itself (as typed and percent-encoded) and
    any piece of it of three or more characters that a driver may have echoed (such as
    the part after an unencoded ``@``, read as a host name).
    """
    text = display_url(text)
    parts = split_url(url) if url else None
    password = parts[2] if parts else None
    if not password:
        return text
    from urllib.parse import unquote

    secrets = {password, unquote(password), _encode(unquote(password))}
    for whole in list(secrets):  # what a driver may echo: the parts around a separator
        for m in re.finditer(r"[@#?/:\s]", whole):
            secrets |= {whole[:m.start()], whole[m.end():]}
        secrets |= set(re.split(r"[@#?/:\s]+", whole))
    secrets = {p for p in secrets if len(p.strip()) >= 3}
    for secret in sorted(secrets, key=len, reverse=True):
        if secret and secret != "***":
            text = text.replace(secret, "***")
    return text


# the verbs of "cannot {doing} {display}" (Database.errors), translated when shown
DOING = {"read": N_("read"), "open": N_("open"), "write to": N_("write to"),
         "upgrade": N_("upgrade")}


def _doing(verb: str) -> str:
    return _(DOING.get(verb, verb))


class Reader(Protocol):
    """Runs a read-only SQL statement with ``:name`` parameters and returns dict rows."""

    def all(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]: ...


class Schema(Protocol):
    """What keeps a database's schema current (:class:`taskduty.migrations.Keeper`)."""

    @property
    def version(self) -> int:
        """The schema version this release makes and reads."""
        ...

    def ensure(self, db: Database) -> None:
        """Create the schema in an empty database or upgrade an older one; refuse a newer."""
        ...


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

    def __init__(self, value: str | None = None, *, fast_reads: bool = True,
                 schema: Schema | None = None, fast_writes: bool = True) -> None:
        """``schema`` creates and upgrades the schema (without one, the database is used as
        it is: :func:`taskduty.migrations.open_database` gives one that keeps it current)."""
        self.url = resolve_url(value)
        self.schema = schema
        self.is_sqlite = self.url.startswith("sqlite")
        self.path: Path | None = (
            Path(self.url.split(":///", 1)[1]) if self.is_sqlite and ":///" in self.url else None
        )
        self.fast_reads = fast_reads and self.path is not None
        self.fast_writes = fast_writes and self.path is not None  # see writer.py
        self._engine: Engine | None = None

    @property
    def display(self) -> str:
        return str(self.path) if self.path else display_url(self.url)

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql`` (the URL's dialect)."""
        return self.url.split(":", 1)[0].split("+", 1)[0]

    # -- checks ---------------------------------------------------------------------------
    def check_sqlite_file(self, must_exist: bool) -> None:
        """Refuse a missing file (when it must exist) or a folder.

        The file is never opened here: closing any descriptor of a SQLite file drops every
        POSIX lock this process holds on it, which lets another process reset the WAL under
        a live connection (lost commits, "disk I/O error"). SQLite itself says when a file is
        not a database (see :meth:`not_a_database`).
        """
        if self.path is None:
            return
        if not self.path.exists():
            if must_exist:
                raise errors.not_loaded(database=str(self.path), missing=True)
            return
        if self.path.is_dir():
            raise DatabaseError(_("{path} is a folder, not a database file").format(path=self.path))

    def sqlite_error(self, exc: Exception, doing: str = "read") -> DatabaseError:
        """A driver error on a SQLite file, as a one-line :class:`DatabaseError`."""
        text = _short(exc, self.url)
        if "file is not a database" in text or "file is encrypted" in text:
            return DatabaseError(
                _("{display} is not a SQLite database").format(display=self.display),
                hint=_("point --db (or TASKDUTY_DB) at a taskduty database file"),
            )
        lower = text.lower()
        if "disk i/o error" in lower or "disk image is malformed" in lower:
            hint = _("the disk or file system failed (a removed drive, a network share, a "
                     "damaged disk): check it, then try again; nothing was written")
        elif "database or disk is full" in lower:
            hint = _("the disk is full: free some space, then try again; nothing was written")
        elif "readonly" in lower or "read-only" in lower or "unable to open" in lower:
            hint = _("check that the file and its folder can be written by you")
        elif "locked" in lower or "busy" in lower:
            hint = _("another taskduty is writing to it; try again when it has finished")
        else:
            hint = _("try again; if it keeps failing, check the disk and the file")
        return DatabaseError(_("cannot {doing} {display}: {reason}").format(
            doing=_doing(doing), display=self.display, reason=text), hint=hint)

    def conflict_error(self, exc: Exception, doing: str = "write to") -> DatabaseError:
        """A constraint violation (another change conflicted) as a :class:`DatabaseError`."""
        return DatabaseError(
            _("cannot {doing} {display}: another change conflicted ({reason}); nothing was "
              "written").format(doing=_doing(doing), display=self.display,
                                reason=_short(exc, self.url)),
            hint=_("try again"))

    @contextmanager
    def errors(self, doing: str = "open") -> Iterator[None]:
        """Turn driver errors (server down, bad password, locked file) into one-line
        :class:`DatabaseError` messages, with the URL's password masked."""
        try:
            yield
        except Exception as exc:
            if "sqlalchemy" not in sys.modules:  # no SQLAlchemy, so none of its errors
                raise
            self._sqlalchemy_error(exc, doing)
            raise

    def _sqlalchemy_error(self, exc: Exception, doing: str) -> None:
        """Raise SQLAlchemy's driver error ``exc`` as a :class:`DatabaseError` (see
        :meth:`errors`); return for any other error."""
        from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError

        if isinstance(exc, IntegrityError):
            raise self.conflict_error(exc, doing) from None
        if isinstance(exc, (OperationalError, DBAPIError)):
            if self.is_sqlite:
                raise self.sqlite_error(exc, doing) from None
            raise DatabaseError(
                _("cannot {doing} {display}: {reason}").format(
                    doing=_doing(doing), display=self.display, reason=_short(exc, self.url)),
                hint=_("check that the server is running and the URL's host, port, user, password "
                       "and database (or PGHOST, PGPORT, PGUSER, PGPASSWORD)")) from None
        if isinstance(exc, ArgumentError):
            raise DatabaseError(
                _("cannot use {display} as a database: {reason}")
                    .format(display=self.display, reason=_short(exc, self.url)),
                hint=_("give a SQLite file path or postgresql+psycopg://USER@HOST/DB")) from None

    # -- engine and sessions ----------------------------------------------------------------
    def engine(self) -> Engine:
        """The SQLAlchemy engine (created once)."""
        if self._engine is None:
            from sqlalchemy import create_engine, event

            if self.is_sqlite:
                from sqlalchemy.pool import NullPool

                wait = SQLITE_BUSY_TIMEOUT_MS
                # No pool: a connection is closed when its transaction ends, so none lingers
                # (holding locks or file handles) after a command.
                engine = create_engine(self.url, connect_args={"timeout": wait / 1000},
                                       poolclass=NullPool)

                @event.listens_for(engine, "connect")
                def _on_connect(dbapi_conn: Any, _record: Any) -> None:
                    dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
                    for pragma in sqlite_pragmas():
                        dbapi_conn.execute(f"PRAGMA {pragma}")

                @event.listens_for(engine, "begin")
                def _on_begin(conn: Any) -> None:
                    # Take the write lock at once, so two writers queue instead of deadlocking.
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                engine = self._server_engine()
            self._engine = engine
        return self._engine

    def _server_engine(self) -> Engine:
        from sqlalchemy import create_engine

        engine = _SERVER_ENGINES.get(self.url)
        if engine is not None:
            _SERVER_ENGINES[self.url] = _SERVER_ENGINES.pop(self.url)  # most recent last
            return engine
        try:
            # One engine per URL in a process, as SQLAlchemy advises: a process that runs
            # several commands (a script over the library, the tests) reuses one open
            # connection, whose server process has the catalog read already (a command on a
            # new connection costs ~10 ms more). At most one idle connection per URL, for the
            # last few URLs; all are closed at exit. No server-side prepared statements: a
            # kept connection must not hold plans of tables that an upgrade has changed. No
            # column is an hstore: SQLAlchemy would look its type up on every first connect.
            if self.backend == "postgresql":
                extra: dict[str, Any] = {"use_native_hstore": False,
                                         "connect_args": {"prepare_threshold": None}}
            else:
                extra = {}
            engine = create_engine(self.url, pool_size=1, max_overflow=16,
                                   pool_pre_ping=True, **extra)
        except ImportError as exc:
            hint = ("install PostgreSQL support: pip install 'taskduty[postgres]'"
                    if self.backend == "postgresql"
                    else "give a SQLite file path or postgresql+psycopg://USER@HOST/DB")
            raise DatabaseError(
                _("cannot open {display}: its driver is not installed ({driver})")
                    .format(display=self.display, driver=exc.name or exc),
                hint=hint) from None
        except Exception as exc:  # a malformed URL or an unknown dialect
            raise DatabaseError(
                _("cannot use {display} as a database: {reason}")
                    .format(display=self.display, reason=_short(exc, self.url)),
                hint=_("give a SQLite file path or postgresql+psycopg://USER@HOST/DB")) from None
        global _AT_EXIT_REGISTERED
        if not _AT_EXIT_REGISTERED:
            import atexit

            atexit.register(dispose_server_engines)
            _AT_EXIT_REGISTERED = True
        _SERVER_ENGINES[self.url] = engine
        while len(_SERVER_ENGINES) > _SERVER_ENGINES_KEPT:
            _SERVER_ENGINES.pop(next(iter(_SERVER_ENGINES))).dispose()
        return engine

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: commits when the block ends, rolls back on any error."""
        from sqlmodel import Session

        with self.creating():
            self.prepare_schema()
            with self.errors("write to"), Session(self.engine()) as session, session.begin():
                yield session

    @contextmanager
    def creating(self) -> Iterator[None]:
        """Around a write that may create the SQLite file (and its folders): when the block
        fails, what it created is removed again."""
        self.check_sqlite_file(must_exist=False)
        made: list[Path] = []  # what this call creates: removed again if the command fails
        if self.path is not None and not self.path.exists():
            made = [p for p in (self.path.parent, *self.path.parent.parents) if not p.exists()]
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(
                    _("cannot create {display}: {reason}").format(display=self.display,
                                                                  reason=exc.strerror),
                    hint=_("check that the folder can be written by you")) from None
            made.insert(0, self.path)
        try:
            yield
        except BaseException:
            if made:
                self._remove_new_file(made)
            raise

    def _remove_new_file(self, made: list[Path]) -> None:
        """A failing command on a database path that did not exist leaves nothing there."""
        self.dispose()
        self._engine = None
        path, *folders = made
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        for folder in folders:  # innermost first
            try:
                folder.rmdir()
            except OSError:
                break

    def connect_sqlite(self, doing: str) -> sqlite3.Connection:
        """The SQLite file as a ``sqlite3`` connection for a write transaction: autocommit
        (the caller issues ``BEGIN IMMEDIATE``), with the engine's pragmas; a failure to
        open is a :class:`DatabaseError` saying what was being ``doing``."""
        assert self.path is not None
        try:
            conn = sqlite3.connect(str(self.path), timeout=SQLITE_BUSY_TIMEOUT_MS / 1000,
                                   isolation_level=None)
        except sqlite3.Error as exc:
            raise self.sqlite_error(exc, doing) from None
        try:
            for pragma in sqlite_pragmas():
                conn.execute(f"PRAGMA {pragma}")
        except sqlite3.Error as exc:
            conn.close()
            raise self.sqlite_error(exc, doing) from None
        return conn

    def prepare_schema(self) -> None:
        """Create the schema in an empty database, or upgrade an older one (by ``schema``)."""
        if self.schema is not None:
            with self.errors():
                self.schema.ensure(self)

    @contextmanager
    def read(self) -> Iterator[Reader]:
        """A reader for one command's queries. Never creates the database; upgrades an older
        schema first (see :mod:`taskduty.migrations`)."""
        self.check_sqlite_file(must_exist=True)
        if self.fast_reads and self.path is not None:
            conn = sqlite3.connect(str(self.path), timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
            try:
                conn.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
                reader = _SqliteReader(conn)
                if self._needs_upgrade(reader):
                    conn.commit()
                    self.prepare_schema()
                yield reader
            except sqlite3.DatabaseError as exc:
                raise self.sqlite_error(exc) from None
            finally:
                conn.close()
            return
        with self.errors("read"), self.engine().connect() as sconn:
            reader = _SqlaReader(sconn)
            if self._needs_upgrade(reader):
                sconn.rollback()  # hold no locks while the upgrade runs
                self.prepare_schema()
            yield reader

    def _needs_upgrade(self, reader: Reader) -> bool:
        version = self.stored_version(reader)
        if version is None:
            raise errors.not_loaded(database=self.display)
        return self.schema is not None and version != self.schema.version

    def stored_version(self, conn: Any) -> int | None:
        """The stored schema version, or None when there are no taskduty tables: the one
        reader of it, over a :class:`Reader`, a ``sqlite3`` or a SQLAlchemy connection."""
        reader = conn if hasattr(conn, "all") else (
            _SqliteReader(conn) if isinstance(conn, sqlite3.Connection) else _SqlaReader(conn))
        exists = reader.all(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
            if self.is_sqlite else
            # (not information_schema: its views cost a new connection ~3 ms of catalog reads)
            "SELECT 1 AS found WHERE to_regclass(quote_ident(current_schema()) || '.meta') "
            "IS NOT NULL")
        if not exists:
            return None
        rows = reader.all("SELECT value FROM meta WHERE key = 'schema_version'")
        return _parse_version(rows[0]["value"], self.display) if rows else None

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


def _parse_version(value: Any, where: str) -> int:
    """A stored schema version as a number; a :class:`DatabaseError` when it is none."""
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise DatabaseError(
            _("{where} records schema version {value!r}, which is not a number: the database is "
              "damaged or was not made by taskduty")
                .format(where=where, value=str(value)[:20]),
            hint=_("restore it from a backup (taskduty.db.bak-…) or point --db at another "
                   "database")) from None


def _short(exc: Exception, url: str | None = None) -> str:
    """The first line of a driver error, without SQL, parameters or ``url``'s password."""
    text = str(getattr(exc, "orig", None) or exc)
    return scrub(text.strip().splitlines()[0] if text.strip() else type(exc).__name__, url)


def utcnow() -> datetime:
    """The current time, timezone-aware UTC (as stored)."""
    from datetime import UTC

    return datetime.now(UTC)


def dispose_server_engines() -> None:
    """Close every pooled server connection of this process (run at exit)."""
    while _SERVER_ENGINES:
        _SERVER_ENGINES.popitem()[1].dispose()
