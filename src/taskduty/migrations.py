"""Schema versions and the ordered migrations between them.

Version 1 is the first schema. A migration ``n`` takes a database from version ``n - 1`` to
``n``. An upgrade runs every pending migration and the version bump in one transaction, so it
lands whole or not at all; a SQLite file is first copied to ``<file>.bak-v<old>-<time>``.

A new database is made from the models (``SQLModel.metadata.create_all``) at the current
version, so the models must always describe the latest schema, and each migration must turn
the previous schema into exactly that (``tests/test_migrations.py`` compares the two).
To change the schema: edit ``models.py``, add ``@migration(n)`` here with SQL that works on
SQLite and PostgreSQL, and set ``db.SCHEMA_VERSION = n``.

Any command that opens an older database upgrades it first (announced on stderr);
``taskduty db status`` shows what is pending and ``taskduty db upgrade`` applies it explicitly.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from taskduty.errors import DatabaseError, NotLoadedError

if TYPE_CHECKING:
    from taskduty.db import Database

# version -> function(connection) that upgrades from version - 1 (its docstring says what)
MIGRATIONS: dict[int, Callable[[Any], None]] = {}

# Any fixed number: serialises schema creation and upgrades between PostgreSQL clients.
_PG_LOCK_KEY = 71402018


def migration(version: int) -> Callable[[Callable[[Any], None]], Callable[[Any], None]]:
    """Register ``fn(connection)`` as the step from ``version - 1`` to ``version``."""

    def register(fn: Callable[[Any], None]) -> Callable[[Any], None]:
        if version in MIGRATIONS:
            raise RuntimeError(f"two migrations for schema version {version}")
        MIGRATIONS[version] = fn
        return fn

    return register


@migration(2)
def _v2_indexes(conn: Any) -> None:
    """Indexes for listing a year's tasks in order and for undoing a batch."""
    from sqlalchemy import text

    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_task_plan_goal_seq "
                      "ON task (plan_id, goal_no, seq)"))
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_update_batch_withdrawn "
                      "ON task_update (batch_id, withdrawn_at)"))


@migration(3)
def _v3_form_secret(conn: Any) -> None:
    """A secret for signing the monthly forms (collect refuses a form whose signature fails)."""
    from sqlalchemy import text

    conn.execute(text("DELETE FROM meta WHERE key = :k"), {"k": FORM_SECRET_KEY})
    conn.execute(text("INSERT INTO meta (key, value) VALUES (:k, :v)"),
                 {"k": FORM_SECRET_KEY, "v": new_secret()})


FORM_SECRET_KEY = "form_secret"


def new_secret() -> str:
    """32 random bytes, hex: the key forms are signed with (HMAC-SHA256)."""
    import secrets

    return secrets.token_hex(32)


@migration(4)
def _v4_targets(conn: Any) -> None:
    """Quantitative targets read from each task's text; actual values recorded for them."""
    import json

    from sqlalchemy import text

    from taskduty.targets import extract_targets

    conn.execute(text("ALTER TABLE task ADD COLUMN targets VARCHAR"))
    key = ("id INTEGER NOT NULL PRIMARY KEY" if conn.dialect.name == "sqlite"
           else "id SERIAL PRIMARY KEY")
    conn.execute(text(
        f"CREATE TABLE target_actual ({key}, task_id INTEGER NOT NULL REFERENCES task (id), "
        "target_no INTEGER NOT NULL, batch_id INTEGER NOT NULL REFERENCES batch (id), "
        "date DATE NOT NULL, value FLOAT NOT NULL, note VARCHAR, \"by\" VARCHAR NOT NULL, "
        "recorded_by VARCHAR NOT NULL, recorded_at TIMESTAMP NOT NULL, "
        "withdrawn_at TIMESTAMP, withdrawn_by VARCHAR)"))
    conn.execute(text("CREATE INDEX ix_target_actual_batch_id ON target_actual (batch_id)"))
    conn.execute(text("CREATE INDEX ix_target_actual_task_date "
                      "ON target_actual (task_id, target_no, date)"))
    values = []
    for r in conn.execute(text("SELECT id, standard FROM task")).all():
        found = extract_targets(r.standard)
        if found:
            values.append({"i": r.id, "t": json.dumps([t.to_dict() for t in found],
                                                      ensure_ascii=False)})
    if values:
        conn.execute(text("UPDATE task SET targets = :t WHERE id = :i"), values)


@migration(5)
def _v5_deadlines(conn: Any) -> None:
    """Deadline kinds and milestones on tasks; approved extensions (延期)."""
    import json

    from sqlalchemy import text

    from taskduty.schedule import read_deadline

    for column in ("deadline_kind VARCHAR", "milestones VARCHAR",
                   "deadline_inferred BOOLEAN NOT NULL DEFAULT FALSE"):
        conn.execute(text(f"ALTER TABLE task ADD COLUMN {column}"))
    key = ("id INTEGER NOT NULL PRIMARY KEY" if conn.dialect.name == "sqlite"
           else "id SERIAL PRIMARY KEY")
    conn.execute(text(
        f"CREATE TABLE task_extension ({key}, task_id INTEGER NOT NULL REFERENCES task (id), "
        "batch_id INTEGER NOT NULL REFERENCES batch (id), due_date DATE NOT NULL, "
        "reason VARCHAR NOT NULL, approved_by VARCHAR NOT NULL, recorded_by VARCHAR NOT NULL, "
        "recorded_at TIMESTAMP NOT NULL, withdrawn_at TIMESTAMP, withdrawn_by VARCHAR)"))
    conn.execute(text("CREATE INDEX ix_task_extension_task_id ON task_extension (task_id)"))
    conn.execute(text("CREATE INDEX ix_task_extension_batch_id ON task_extension (batch_id)"))
    rows = conn.execute(text("SELECT t.id, t.deadline, t.standard, p.year FROM task t "
                             "JOIN plan p ON p.id = t.plan_id")).all()
    values = []
    for r in rows:
        found = read_deadline(r.deadline, r.standard, r.year)
        values.append({"i": r.id, "k": found.kind, "d": found.due,
                       "m": json.dumps(found.milestone_dicts(), ensure_ascii=False)
                       if found.milestones else None, "f": found.inferred})
    if values:
        conn.execute(text("UPDATE task SET deadline_kind = :k, milestones = :m, "
                          "deadline_inferred = :f, deadline_date = :d WHERE id = :i"), values)


def describe(version: int) -> str:
    """The first line of migration ``version``'s docstring."""
    doc = (MIGRATIONS[version].__doc__ or "").strip()
    return doc.splitlines()[0] if doc else f"migration {version}"


@dataclass
class Upgrade:
    """What :func:`ensure` or :func:`upgrade` did to the schema."""

    from_version: int | None  # None: the schema was created
    to_version: int
    backup: Path | None = None

    def describe(self, db: Database) -> str:
        if self.from_version is None:
            return f"Created the taskduty schema (version {self.to_version}) in {db.display}"
        text = (f"Upgraded {db.display} from schema version {self.from_version} to "
                f"{self.to_version}")
        return text + (f"; backup: {self.backup}" if self.backup else "")

    def as_dict(self) -> dict[str, Any]:
        return {"from_version": self.from_version, "to_version": self.to_version,
                "backup": str(self.backup) if self.backup else None}


def target_version() -> int:
    from taskduty.db import SCHEMA_VERSION

    return SCHEMA_VERSION


def current_version(conn: Any) -> int | None:
    """The stored schema version, or None for a database without taskduty tables."""
    from sqlalchemy import inspect, text

    if "meta" not in inspect(conn).get_table_names():
        return None
    row = conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).first()
    from taskduty.db import parse_version

    return parse_version(row[0], "the database") if row else None


def peek_version(db: Database) -> int | None:
    """The stored version, read without taking any lock (None: no database or no schema)."""
    if db.path is not None:
        if not db.path.exists() or db.path.stat().st_size == 0:
            return None
        conn = sqlite3.connect(str(db.path), timeout=60)
        try:
            if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                                "AND name = 'meta'").fetchall():
                return None
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            from taskduty.db import parse_version

            return parse_version(row[0], db.display) if row else None
        except sqlite3.DatabaseError as exc:
            raise db.sqlite_error(exc) from None
        finally:
            conn.close()
    with db.engine().connect() as conn:
        return current_version(conn)


def pending(version: int | None) -> list[int]:
    """The migrations an upgrade from ``version`` would run, in order."""
    if version is None:
        return []
    return list(range(version + 1, target_version() + 1))


def _too_new(db: Database, version: int) -> DatabaseError:
    return DatabaseError(
        f"{db.display} was made by a newer taskduty (schema {version}, this release knows "
        f"{target_version()})", hint="upgrade taskduty on this computer")


def ensure(db: Database) -> Upgrade | None:
    """Create the schema in an empty database, or upgrade an older one in one transaction.

    Returns what was done, or None when the schema was already current.
    """
    version = peek_version(db)
    if version == target_version():
        return None
    if version is not None and version > target_version():
        raise _too_new(db, version)
    return _migrate(db)


def _migrate(db: Database) -> Upgrade | None:
    from sqlalchemy import inspect, text
    from sqlmodel import SQLModel

    import taskduty.models  # noqa: F401  (registers the tables)

    target = target_version()
    with db.engine().begin() as conn:  # on SQLite this is BEGIN IMMEDIATE: the write lock
        if not db.is_sqlite:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
        version = current_version(conn)  # again, now that no one else can change it
        if version == target:
            return None
        if version is None:
            if inspect(conn).get_table_names():
                raise DatabaseError(
                    f"{db.display} is not a taskduty database (it has other tables)",
                    hint="point --db (or TASKDUTY_DB) at a taskduty database or a new file",
                )
            SQLModel.metadata.create_all(conn)
            conn.execute(text("INSERT INTO meta (key, value) VALUES ('schema_version', :v)"),
                         {"v": str(target)})
            conn.execute(text("INSERT INTO meta (key, value) VALUES (:k, :v)"),
                         {"k": FORM_SECRET_KEY, "v": new_secret()})
            return Upgrade(None, target)
        if version > target:
            raise _too_new(db, version)
        missing = [v for v in pending(version) if v not in MIGRATIONS]
        if missing:
            raise DatabaseError(f"this release has no migration to schema version {missing[0]}",
                                hint="report it: the release is incomplete")
        backup = _backup(db, version) if db.path is not None else None
        for step in pending(version):
            MIGRATIONS[step](conn)
        conn.execute(text("UPDATE meta SET value = :v WHERE key = 'schema_version'"),
                     {"v": str(target)})
    return Upgrade(version, target, backup)


def _backup(db: Database, version: int) -> Path:
    """A consistent copy of the SQLite file (taken while we hold its write lock)."""
    assert db.path is not None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = db.path.with_name(f"{db.path.name}.bak-v{version}-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = db.path.with_name(f"{db.path.name}.bak-v{version}-{stamp}-{n}")
    src = sqlite3.connect(str(db.path), timeout=60)
    dst = sqlite3.connect(str(target))
    try:
        src.backup(dst)
    except sqlite3.Error as exc:
        target.unlink(missing_ok=True)
        raise DatabaseError(f"cannot back up {db.display} before upgrading it: {exc}",
                            hint="check the folder is writable and has space") from None
    finally:
        dst.close()
        src.close()
    return target


# -- for the ``db`` commands ---------------------------------------------------------------
def status(db: Database) -> dict[str, Any]:
    """The database's backend, location, current and target versions, pending migrations."""
    exists = db.path is None or db.path.exists()
    if db.path is not None:
        db.check_sqlite_file(must_exist=False)
    with db.errors():
        version = peek_version(db) if exists else None
    steps = pending(version)
    if not exists:
        state = "missing"
    elif version is None:
        state = "empty"
    elif version > target_version():
        state = "newer"
    else:
        state = "pending" if steps else "current"
    return {
        "backend": db.backend, "database": db.display,
        "current_version": version, "target_version": target_version(), "state": state,
        "pending": [{"version": v, "description": describe(v)} for v in steps],
    }


def upgrade(db: Database) -> Upgrade | None:
    """Apply pending migrations now (or create the schema in an empty server database).

    Returns None when already current.
    """
    if db.path is not None and not db.path.exists():
        raise NotLoadedError(f"no database at {db.path}",
                             hint="load a table first: taskduty load FILE --year YYYY")
    if db.path is not None:
        db.check_sqlite_file(must_exist=True)
    with db.errors("upgrade"):
        return ensure(db)


@migration(6)
def _v6_batch_form(conn: Any) -> None:
    """Who filled in, and who approved, each collected form (kept with its batch)."""
    from sqlalchemy import text

    key = ("id INTEGER NOT NULL PRIMARY KEY" if conn.dialect.name == "sqlite"
           else "id SERIAL PRIMARY KEY")
    conn.execute(text(
        f"CREATE TABLE batch_form ({key}, batch_id INTEGER NOT NULL REFERENCES batch (id), "
        "unit VARCHAR NOT NULL, file VARCHAR NOT NULL, filled_by VARCHAR, phone VARCHAR, "
        "approved_by VARCHAR)"))
    conn.execute(text("CREATE INDEX ix_batch_form_batch_id ON batch_form (batch_id)"))


@migration(7)
def _v7_settings(conn: Any) -> None:
    """A table for the settings an office shares (thresholds, the office's name)."""
    from sqlalchemy import text

    conn.execute(text("CREATE TABLE IF NOT EXISTS setting "
                      "(key VARCHAR NOT NULL, value VARCHAR NOT NULL, PRIMARY KEY (key))"))
