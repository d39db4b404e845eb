"""Write transactions as SQL text, for the recording commands (``update``, ``undo``,
``withdraw``) and the load of a new year's table (``store.load_plan``): no ORM, so a one-task
update starts as fast as a query and a load pays only for its rows.

On a SQLite file the standard library's ``sqlite3`` runs the transaction (``BEGIN IMMEDIATE``
… ``COMMIT``, rolled back on any error, with the pragmas of :meth:`Database.engine`);
elsewhere, and on SQLite when ``Database(fast_writes=False)``, SQLAlchemy Core runs the same
SQL text on the engine. Values are passed as on the ORM path: dates and times in SQLite as
SQLAlchemy stores them (``2018-03-31``, ``2026-12-02 03:04:05.123456``), as objects to a
server.

A database made by an older taskduty is upgraded first (by its schema keeper, as
:meth:`Database.read` does; the ORM is imported only then); one with no taskduty tables is
refused, never created.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, Protocol

from taskduty.db import Database, _SqlaReader, _SqliteReader, in_params

# How SQLAlchemy stores a datetime in SQLite (its DATETIME's storage format; tz dropped).
SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"


class Writer(Protocol):
    """Runs SQL with ``:name`` parameters inside one transaction."""

    # Whether the database is SQLite: a date may be passed as the ISO text it stores (a
    # server wants the object), and a row inserted without an id gets the largest id + 1.
    sqlite: bool

    def all(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """The rows of a query, as dicts."""
        ...

    def tuples(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """The rows of a query, as tuples (a long read-back: no dict per row)."""
        ...

    def run(self, sql: str, params: dict[str, Any] | None = None) -> int:
        """Run an UPDATE (or any statement); how many rows it changed."""
        ...

    def insert(self, sql: str, params: dict[str, Any] | None = None) -> int:
        """Run an INSERT of one row into a table with an ``id`` key; the new row's id."""
        ...

    def many(self, sql: str, rows: list[dict[str, Any]], plain: bool = False) -> None:
        """Run one statement (an INSERT) for each of ``rows``, in order, as one executemany;
        ``plain``: the rows hold no date or time (on SQLite they are passed as they are)."""
        ...

    def rows(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]],
             dates: Sequence[int] = ()) -> None:
        """Insert ``rows`` (values in the order of ``columns``) into ``table``, as one
        executemany; ``dates``: the places in a row that may hold a date or time. Positional
        values: a long load's rows are not built and read back as dicts."""
        ...


def sqlite_value(value: Any) -> Any:
    """A parameter as SQLAlchemy binds it for SQLite (dates and times as text)."""
    if isinstance(value, datetime):
        return value.strftime(SQLITE_DATETIME)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _sqlite_params(params: dict[str, Any] | None) -> dict[str, Any]:
    """``params`` as SQLite gets them: itself when it holds no date or time (most rows of a
    load), else a copy with those as text."""
    if not params:
        return {}
    for value in params.values():
        if isinstance(value, date):
            return {k: sqlite_value(v) if isinstance(v, date) else v for k, v in params.items()}
    return params


def insert_sql(table: str, columns: Sequence[str], marker: Callable[[str], str]) -> str:
    """``INSERT INTO table (columns) VALUES (…)``, each value's parameter by ``marker``."""
    return (f"INSERT INTO {table} ({', '.join(columns)}) "
            f"VALUES ({', '.join(marker(c) for c in columns)})")


def _sqlite_row(row: tuple[Any, ...], dates: Sequence[int]) -> tuple[Any, ...]:
    """``row`` with the dates and times at ``dates`` as SQLite text (:func:`sqlite_value`)."""
    if all(row[i] is None for i in dates):
        return row
    out = list(row)
    for i in dates:
        out[i] = sqlite_value(out[i])
    return tuple(out)


def _sqlite_rows(rows: list[tuple[Any, ...]], dates: Sequence[int]) -> list[tuple[Any, ...]]:
    """:func:`_sqlite_row` of each of ``rows`` (one place that may hold a date, as a task's
    row has: read there alone)."""
    if len(dates) != 1:
        return [_sqlite_row(r, dates) for r in rows]
    at = dates[0]
    after = at + 1
    return [r if r[at] is None else (*r[:at], sqlite_value(r[at]), *r[after:]) for r in rows]


class _SqliteWriter(_SqliteReader):
    sqlite = True

    def all(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return super().all(sql, _sqlite_params(params))

    def tuples(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        return self.conn.execute(sql, _sqlite_params(params)).fetchall()

    def run(self, sql: str, params: dict[str, Any] | None = None) -> int:
        return self.conn.execute(sql, _sqlite_params(params)).rowcount

    def insert(self, sql: str, params: dict[str, Any] | None = None) -> int:
        return int(self.conn.execute(sql, _sqlite_params(params)).lastrowid or 0)

    def many(self, sql: str, rows: list[dict[str, Any]], plain: bool = False) -> None:
        if rows:
            self.conn.executemany(sql, rows if plain else [_sqlite_params(r) for r in rows])

    def rows(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]],
             dates: Sequence[int] = ()) -> None:
        if rows:
            self.conn.executemany(insert_sql(table, columns, lambda _c: "?"),
                                  _sqlite_rows(rows, dates) if dates else rows)


class _SqlaWriter(_SqlaReader):
    def __init__(self, conn: Any, is_sqlite: bool) -> None:
        super().__init__(conn)
        self.sqlite = is_sqlite

    def _args(self, params: dict[str, Any] | None) -> dict[str, Any]:
        return _sqlite_params(params) if self.sqlite else dict(params or {})

    def all(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        from sqlalchemy import text

        return [dict(r) for r in self.conn.execute(text(sql), self._args(params)).mappings()]

    def tuples(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        from sqlalchemy import text

        return [tuple(r) for r in self.conn.execute(text(sql), self._args(params)).all()]

    def run(self, sql: str, params: dict[str, Any] | None = None) -> int:
        from sqlalchemy import text

        return int(self.conn.execute(text(sql), self._args(params)).rowcount)

    def insert(self, sql: str, params: dict[str, Any] | None = None) -> int:
        from sqlalchemy import text

        if self.sqlite:
            return int(self.conn.execute(text(sql), self._args(params)).lastrowid or 0)
        return int(self.conn.execute(text(sql + " RETURNING id"), self._args(params))
                   .scalar_one())

    def many(self, sql: str, rows: list[dict[str, Any]], plain: bool = False) -> None:
        from sqlalchemy import text

        if rows:
            self.conn.execute(text(sql), [self._args(r) for r in rows])

    def rows(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]],
             dates: Sequence[int] = ()) -> None:
        self.many(insert_sql(table, columns, lambda c: ":" + c),
                  [dict(zip(columns, r, strict=True)) for r in rows])


def connection_writer(conn: Any, is_sqlite: bool) -> Writer:
    """A :class:`Writer` over a SQLAlchemy connection already in a transaction (an ORM
    session's, for the writes that share it)."""
    return _SqlaWriter(conn, is_sqlite)


@contextmanager
def transaction(db: Database, new_rows_only: bool = False) -> Iterator[Writer]:
    """One write transaction on ``db``: commits when the block ends, rolls back on any error
    (driver errors become one-line :class:`DatabaseError` messages).

    ``new_rows_only``: the block only inserts rows whose keys it read in this transaction
    (a new year's load), so on a SQLite file the foreign keys are not checked row by row:
    nothing else can write while the block holds the write lock, so every key it read stays
    there, and the checks cost a long load a quarter of its inserts' time. A server checks
    them as always.
    """
    db.check_sqlite_file(must_exist=True)
    if db.fast_writes and db.path is not None:
        with _sqlite_transaction(db, check_keys=not new_rows_only) as writer:
            yield writer
        return
    with db.errors("write to"), db.engine().connect() as conn:
        if db._needs_upgrade(_SqlaReader(conn)):
            conn.rollback()  # hold no locks while the upgrade runs
            db.prepare_schema()
        conn.rollback()  # the check began a transaction; the write begins its own
        with conn.begin():
            yield _SqlaWriter(conn, db.is_sqlite)


@contextmanager
def _sqlite_transaction(db: Database, check_keys: bool = True) -> Iterator[Writer]:
    conn = db.connect_sqlite("write to")
    try:
        writer = _SqliteWriter(conn)
        if db._needs_upgrade(writer):
            db.prepare_schema()
        if not check_keys:  # (outside a transaction: SQLite ignores it inside one)
            conn.execute("PRAGMA foreign_keys=OFF")
        # Take the write lock at once, so two writers queue instead of deadlocking.
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield writer
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    except sqlite3.IntegrityError as exc:
        raise db.conflict_error(exc) from None
    except sqlite3.Error as exc:
        raise db.sqlite_error(exc, "write to") from None
    finally:
        conn.close()


def mark_withdrawn(w: Writer, table: str, ids: list[int], who: str, now: Any) -> None:
    """Mark recorded rows of ``table`` (updates, actual values, extensions) withdrawn by
    ``who``; rows are never deleted, so the history keeps them."""
    if not ids:
        return
    listed, args = in_params("i", ids)
    w.run(f"UPDATE {table} SET withdrawn_at = :now, withdrawn_by = :who WHERE id IN {listed}",
          {"now": now, "who": who, **args})
