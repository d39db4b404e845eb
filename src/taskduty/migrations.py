"""Schema versions and the ordered migrations between them.

Version 1 is the first schema. :data:`MIGRATIONS` is the ordered list of the steps after it:
its ``i``-th function takes a database from version ``i + 1`` to ``i + 2``, so the current
version is ``len(MIGRATIONS) + 1`` (:data:`SCHEMA_VERSION`) and follows from the list alone.
An upgrade runs every pending migration and the version bump in one transaction, so it lands
whole or not at all; a SQLite file is first copied to ``<file>.bak-v<old>-<time>``.

A new database is made from the models (``SQLModel.metadata.create_all``) at the current
version (a new SQLite file from the same statements pinned as text without importing the ORM:
:mod:`taskduty.schema_sqlite`, which ``python tools/sqlite_schema.py`` writes), so the models
must always describe the latest schema, and each migration must turn the previous schema into
exactly that (``tests/test_migrations.py`` compares the two).
To change the schema: edit ``models.py`` and add an ``@migration`` function at the end of the
migrations below, with SQL that works on SQLite and PostgreSQL.

:mod:`taskduty.db` knows nothing of this module: a :class:`~taskduty.db.Database` keeps its
schema current through the :class:`Keeper` it is given (:func:`open_database` gives one), so
any command that opens an older database upgrades it first (announced on stderr);
``taskduty db status`` shows what is pending and ``taskduty db upgrade`` applies it explicitly.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from taskduty import errors
from taskduty.db import Database
from taskduty.errors import DatabaseError
from taskduty.i18n import _

# The steps after version 1, in order: MIGRATIONS[i](connection) upgrades version i+1 to i+2
# (its docstring says what).
MIGRATIONS: list[Callable[[Any], None]] = []

# Any fixed number: serialises schema creation and upgrades between PostgreSQL clients.
_PG_LOCK_KEY = 71402018


def migration(fn: Callable[[Any], None]) -> Callable[[Any], None]:
    """Append ``fn(connection)`` as the next step: from the latest version to one after it."""
    MIGRATIONS.append(fn)
    return fn


@migration
def _v2_indexes(conn: Any) -> None:
    """Indexes for listing a year's tasks in order and for undoing a batch."""
    from sqlalchemy import text

    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_task_plan_goal_seq "
                      "ON task (plan_id, goal_no, seq)"))
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_update_batch_withdrawn "
                      "ON task_update (batch_id, withdrawn_at)"))


@migration
def _v3_form_secret(conn: Any) -> None:
    """A secret for signing the monthly forms (collect refuses a form whose signature fails)."""
    from sqlalchemy import text

    conn.execute(text("DELETE FROM meta WHERE key = :k"), {"k": FORM_SECRET_KEY})
    conn.execute(text("INSERT INTO meta (key, value) VALUES (:k, :v)"),
                 {"k": FORM_SECRET_KEY, "v": new_secret()})


FORM_SECRET_KEY = "form_secret"


def new_secret() -> str:
    """32 random bytes, hex: the key forms are signed with (HMAC-SHA256)."""
    import os

    return os.urandom(32).hex()  # what secrets.token_hex(32) is, without importing random


@migration
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


@migration
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


@migration
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


@migration
def _v7_settings(conn: Any) -> None:
    """A table for the settings an office shares (thresholds, the office's name)."""
    from sqlalchemy import text

    conn.execute(text("CREATE TABLE IF NOT EXISTS setting "
                      "(key VARCHAR NOT NULL, value VARCHAR NOT NULL, PRIMARY KEY (key))"))


@migration
def _v8_update_reporter_index(conn: Any) -> None:
    """An index for each task's latest update per reporter (several lead units' status)."""
    from sqlalchemy import text

    conn.execute(text('CREATE INDEX IF NOT EXISTS ix_update_task_by_date '
                      'ON task_update (task_id, "by", date)'))


@migration
def _v9_no_text_key_index(conn: Any) -> None:
    """The index on tasks' text keys dropped: no query reads by it, and each load kept it."""
    from sqlalchemy import text

    conn.execute(text("DROP INDEX IF EXISTS ix_task_text_key"))


def describe(version: int) -> str:
    """The first line of the docstring of the migration to ``version``."""
    doc = (MIGRATIONS[version - 2].__doc__ or "").strip()
    return doc.splitlines()[0] if doc else f"migration {version}"


def target_version() -> int:
    """The schema version this release makes and reads: one after the last migration."""
    return len(MIGRATIONS) + 1


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


def peek_version(db: Database) -> int | None:
    """The stored version, read without taking any lock (None: no database or no schema)."""
    if db.path is not None:
        if not db.path.exists() or db.path.stat().st_size == 0:
            return None
        conn = sqlite3.connect(str(db.path), timeout=60)
        try:
            return db.stored_version(conn)
        except sqlite3.DatabaseError as exc:
            raise db.sqlite_error(exc) from None
        finally:
            conn.close()
    with db.engine().connect() as conn:
        return db.stored_version(conn)


def pending(version: int | None) -> list[int]:
    """The migrations an upgrade from ``version`` would run, in order."""
    if version is None:
        return []
    return list(range(version + 1, target_version() + 1))


def _refuse_newer(db: Database, version: int | None) -> None:
    """The one refusal of a database whose schema is newer than this release's."""
    if version is None or version <= target_version():
        return
    raise DatabaseError(
        _("{database} was made by a newer taskduty (schema {version}, this release knows "
          "{target})").format(database=db.display, version=version, target=target_version()),
        hint=_("upgrade taskduty on this computer"))


class Keeper:
    """Keeps a :class:`~taskduty.db.Database`'s schema current (its ``schema``): creates it
    in an empty database, upgrades an older one, refuses a newer one. ``announce`` gets the
    line saying an upgrade was done (the CLI passes ``render.message``)."""

    def __init__(self, announce: Callable[[str], None] | None = None) -> None:
        self.announce = announce

    @property
    def version(self) -> int:
        return target_version()

    def ensure(self, db: Database) -> None:
        done = ensure(db)
        if done is not None and done.from_version is not None and self.announce is not None:
            self.announce(done.describe(db))


def open_database(value: str | None = None, *, fast_reads: bool = True,
                  announce: Callable[[str], None] | None = None) -> Database:
    """A :class:`~taskduty.db.Database` (a path or URL, see :func:`taskduty.db.resolve_url`)
    whose first write creates the schema and whose every open upgrades an older one."""
    return Database(value, fast_reads=fast_reads, schema=Keeper(announce))


def ensure(db: Database) -> Upgrade | None:
    """Create the schema in an empty database, or upgrade an older one in one transaction.

    Returns what was done, or None when the schema was already current.
    """
    version = peek_version(db)
    if version == target_version():
        return None
    _refuse_newer(db, version)
    if version is None and db.path is not None:
        created = _create_sqlite(db)
        if created is not _NOT_EMPTY:
            return created  # type: ignore[return-value]
    return _migrate(db)


_NOT_EMPTY = object()  # _create_sqlite found tables: _migrate decides (refuse or upgrade)


def _create_sqlite(db: Database) -> Upgrade | object | None:
    """Create the schema in a SQLite file without tables from the pinned DDL
    (:mod:`taskduty.schema_sqlite`, the statements ``create_all`` runs), through ``sqlite3``:
    no ORM import. :data:`_NOT_EMPTY` when the file has tables (another writer's schema, an
    older one, or none of taskduty's), for :func:`_migrate`."""
    from taskduty.schema_sqlite import STATEMENTS

    target = target_version()
    conn = db.connect_sqlite("open")
    try:
        conn.execute("BEGIN IMMEDIATE")  # the write lock, as _migrate takes it
        try:
            version = db.stored_version(conn)  # again, now that no one else can change it
            if version == target:
                return None
            if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table'").fetchone():
                return _NOT_EMPTY
            for statement in STATEMENTS:
                conn.execute(statement)
            conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', :v)",
                         {"v": str(target)})
            conn.execute("INSERT INTO meta (key, value) VALUES (:k, :v)",
                         {"k": FORM_SECRET_KEY, "v": new_secret()})
            conn.execute("COMMIT")
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
    except sqlite3.Error as exc:
        raise db.sqlite_error(exc, "open") from None
    finally:
        conn.close()
    return Upgrade(None, target)


def _migrate(db: Database) -> Upgrade | None:
    from sqlalchemy import inspect, text
    from sqlmodel import SQLModel

    import taskduty.models  # noqa: F401  (registers the tables)

    target = target_version()
    with db.engine().begin() as conn:  # on SQLite this is BEGIN IMMEDIATE: the write lock
        if not db.is_sqlite:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
        version = db.stored_version(conn)  # again, now that no one else can change it
        if version == target:
            return None
        if version is None:
            if inspect(conn).get_table_names():
                raise DatabaseError(
                    _("{display} is not a taskduty database (it has other tables)")
                        .format(display=db.display),
                    hint=_("point --db (or TASKDUTY_DB) at a taskduty database or a new file"),
                )
            SQLModel.metadata.create_all(conn)
            conn.execute(text("INSERT INTO meta (key, value) VALUES ('schema_version', :v)"),
                         {"v": str(target)})
            conn.execute(text("INSERT INTO meta (key, value) VALUES (:k, :v)"),
                         {"k": FORM_SECRET_KEY, "v": new_secret()})
            return Upgrade(None, target)
        _refuse_newer(db, version)
        backup = _backup(db, version) if db.path is not None else None
        for step in pending(version):
            MIGRATIONS[step - 2](conn)
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
        raise DatabaseError(
            _("cannot back up {display} before upgrading it: {reason}")
            .format(display=db.display, reason=exc),
            hint=_("check the folder is writable and has space")) from None
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
        raise errors.not_loaded(database=str(db.path), missing=True)
    if db.path is not None:
        db.check_sqlite_file(must_exist=True)
    with db.errors("upgrade"):
        return ensure(db)


SCHEMA_VERSION = target_version()  # after every @migration above
