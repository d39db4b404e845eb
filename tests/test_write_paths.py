"""The recording commands' write path (``taskduty.writer``): the standard library's sqlite3
and SQLAlchemy Core run the same SQL text, and write the rows the ORM wrote before them.

``EXPECTED`` is what the SQLModel-session implementation of ``record_batch``/``undo``/
``withdraw`` (taskduty before writer.py) wrote for :func:`scenario`, on SQLite and on
PostgreSQL alike; both paths must write exactly that, on both backends.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT
from taskduty.db import Database, as_date
from taskduty.errors import TaskdutyError
from taskduty.extensions import extend
from taskduty.updates import NewActual, NewUpdate, record_batch, undo, withdraw

TABLES = {
    "batch": "SELECT id, kind, recorded_by, source_key, recorded_at, withdrawn_at FROM batch",
    "task_update": 'SELECT x.id, t.code, x.batch_id, x.date, x.status, x.progress, x.note, '
                   'x."by", x.recorded_by, x.recorded_at, x.withdrawn_at, x.withdrawn_by '
                   "FROM task_update x JOIN task t ON t.id = x.task_id",
    "target_actual": 'SELECT x.id, t.code, x.target_no, x.batch_id, x.date, x.value, x.note, '
                     'x."by", x.recorded_by, x.recorded_at, x.withdrawn_at, x.withdrawn_by '
                     "FROM target_actual x JOIN task t ON t.id = x.task_id",
    "batch_form": "SELECT id, batch_id, unit, file, filled_by, phone, approved_by "
                  "FROM batch_form",
    "task_extension": "SELECT x.id, t.code, x.batch_id, x.due_date, x.reason, x.approved_by, "
                      "x.recorded_by, x.recorded_at, x.withdrawn_at, x.withdrawn_by "
                      "FROM task_extension x JOIN task t ON t.id = x.task_id",
}
TIMES = ("recorded_at", "withdrawn_at")


def dump(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every recorded row, by table; times as whether they are set, dates as text."""
    out = {}
    with db.read() as reader:
        for table, sql in TABLES.items():
            rows = []
            for row in reader.all(sql + " ORDER BY 1"):
                for key, value in row.items():
                    if key in TIMES:
                        row[key] = value is not None
                    elif key in ("date", "due_date"):
                        row[key] = str(as_date(value))
                rows.append(tuple(row.values()))
            out[table] = rows
    return out


def scenario(db: Database) -> list[Any]:
    """Updates (one repeated, one reopening a task done by both its lead units), actual
    values with a collected form's contacts, an extension, undo by two logins, withdraw."""
    q1 = date(2018, 3, 31)
    said: list[Any] = []

    def batch(*args: Any, **kwargs: Any) -> None:
        r = record_batch(db, *args, **kwargs)
        said.append((r.year, r.batch_id, r.recorded, r.skipped, r.reopened,
                     [{k: v for k, v in a.items() if k != "target_spec"} for a in r.actuals]))

    batch(2018, [NewUpdate("1.1", "in_progress", q1, 30, "一季度\r\n完成30%  ", "督查室"),
                 NewUpdate("01.02", "behind", q1, None, None, "")], recorded_by="alice")
    batch(None, [NewUpdate("1.1", "in_progress", q1, 30, "一季度\n完成30%", "督查室")],
          recorded_by="alice", skip_identical=True)  # the same again: skipped, no batch
    batch(None, [NewUpdate("1.3", "done", q1, 100, None, "经信局"),
                 NewUpdate("1.3", "done", q1, 100, None, "财政局")], recorded_by="bob")
    batch(2018, [NewUpdate("1.3", "in_progress", q1, 90, "返工", "")], recorded_by="bob")
    batch(2018, [NewUpdate("1.1", "done", date(2018, 6, 30), 100, None, "发改局")],
          kind="collect", source_key="digest", recorded_by="alice", skip_identical=True,
          actuals=[NewActual("1.1", 0, "8.2%", date(2018, 6, 30)),
                   NewActual("1.5", 2, "61", q1, "占比")],
          forms=[{"unit": "发改局", "file": "a.xlsx", "filled_by": "李四", "phone": "123",
                  "approved_by": None},
                 {"unit": "商务局", "file": "b.xlsx", "filled_by": None, "phone": None,
                  "approved_by": None}])
    ext = extend(db, 2018, ["5.3"], date(2019, 3, 31), "征地", "陆秋明", recorded_by="alice")
    said.append((ext.year, ext.batch_id, ext.recorded))
    batch(2018, [], actuals=[NewActual("1.5", 1, "2.5亿美元", q1)], recorded_by="dave")
    for who in ("alice", "bob", "alice"):  # the extension, bob's batch, the collected one
        w = undo(db, who)
        said.append((w.batch_id, w.entries, w.actuals))
    said.append(vars(withdraw(db, [2, 1], "carol", actual_ids=[3])))
    return said


@pytest.fixture(params=[pytest.param("sqlite3", marks=pytest.mark.sqlite_only), "sqlalchemy"])
def db(request: pytest.FixtureRequest, seeded: Any, db_url: str) -> Iterator[Database]:
    """The seed's database, written through the sqlite3 path or through SQLAlchemy Core
    (PostgreSQL has only the second)."""
    found = Database(db_url, fast_writes=request.param == "sqlite3")
    assert found.fast_writes == (request.param == "sqlite3")
    yield found
    found.dispose()


def test_both_paths_write_what_the_orm_wrote(db: Database) -> None:
    said = scenario(db)
    assert dump(db) == EXPECTED
    assert said == SAID


def test_the_paths_really_differ(seeded: Any, db_url: str) -> None:
    from taskduty import writer

    kinds = set()
    for fast in (True, False):
        with writer.transaction(Database(db_url, fast_writes=fast)) as w:
            kinds.add(type(w).__name__)
    assert kinds == ({"_SqliteWriter", "_SqlaWriter"} if not db_url.startswith("postgres")
                     else {"_SqlaWriter"})


def test_both_paths_read_rows_as_tuples_as_dicts(db: Database) -> None:
    """Writer.tuples (a load's read-back of its task ids) is all() without the names."""
    from taskduty import writer

    sql = "SELECT id, code, deadline_date FROM task WHERE id > :last ORDER BY id"
    with writer.transaction(db) as w:
        rows, tuples = w.all(sql, {"last": 3}), w.tuples(sql, {"last": 3})
    assert len(rows) > 100
    assert tuples == [(r["id"], r["code"], r["deadline_date"]) for r in rows]
    assert all(type(t) is tuple for t in tuples)


def test_the_orm_reads_what_the_write_path_wrote(db: Database) -> None:
    """Dates and times are stored as SQLAlchemy stores them, so models read them back."""
    from sqlmodel import Session, select

    from taskduty.models import Batch, TargetActual, Update

    scenario(db)
    with Session(db.engine()) as session:
        updates = session.exec(select(Update).order_by(Update.id)).all()
        assert {type(u.date) for u in updates} == {date}
        assert all(isinstance(u.recorded_at, datetime) for u in updates)
        assert [u.withdrawn_by for u in updates if u.withdrawn_at] == [
            "carol", "carol", "bob", "alice"]
        assert all(isinstance(b.recorded_at, datetime) for b in session.exec(select(Batch)))
        actuals = session.exec(select(TargetActual).order_by(TargetActual.id)).all()
        assert [a.value for a in actuals] == [8.2, 61.0, 2.5]
    if db.is_sqlite:
        conn = sqlite3.connect(db.path)
        stamps = [r[0] for r in conn.execute("SELECT recorded_at FROM task_update "
                                             "UNION ALL SELECT withdrawn_at FROM batch")]
        conn.close()
        stamps = [s for s in stamps if s is not None]
        assert stamps and all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}", s)
                              for s in stamps)


def refused(db: Database, call: Any, message: str) -> None:
    before = dump(db)
    with pytest.raises(TaskdutyError) as caught:
        call()
    assert message in caught.value.message
    assert dump(db) == before


def test_refusals_write_nothing(db: Database) -> None:
    q1 = date(2018, 3, 31)
    record_batch(db, 2018, [NewUpdate("1.1", "in_progress", q1, 30)], recorded_by="alice")
    refused(db, lambda: record_batch(db, 2018, [NewUpdate("1.1", "done", q1, 100),
                                                NewUpdate("9.99", "done", q1, 100)]),
            "unknown task code in 2018: 9.99; nothing was recorded")
    refused(db, lambda: record_batch(db, 2018, [NewUpdate("1.1", "done", date(2017, 1, 1))]),
            "update dated 2017-01-01 is before the 2018 table's year")
    refused(db, lambda: record_batch(db, 2019, [NewUpdate("1.1", "done", q1)]),
            "no table loaded for 2019")
    refused(db, lambda: record_batch(db, 2018, [NewUpdate("1.1", "done", q1, 100)],
                                     actuals=[NewActual("1.5", 0, "3", q1)]),
            "task 1.5 has 2 targets")
    refused(db, lambda: record_batch(db, 2018, [], actuals=[NewActual("1.5", 1, "很多", q1)]),
            "cannot be read in 亿美元")
    refused(db, lambda: undo(db, "nobody"), "nothing to undo: no recorded batch from nobody")
    refused(db, lambda: withdraw(db, [1, 999], "alice"), "no update with id 999")
    withdraw(db, [1], "alice")
    refused(db, lambda: withdraw(db, [1], "alice"), "update 1 is already withdrawn")


def test_a_failure_midway_rolls_the_whole_batch_back(db: Database) -> None:
    """The updates are inserted, then a form without a unit fails its NOT NULL: nothing
    stays, and the error is one line."""
    refused(db, lambda: record_batch(
        db, 2018, [NewUpdate("1.1", "in_progress", date(2018, 3, 31), 30)],
        forms=[{"unit": None, "filled_by": "李四"}]), "nothing was written")


@pytest.mark.sqlite_only
def test_a_missing_database_is_refused_and_not_created(tmp_path: Path) -> None:
    path = tmp_path / "none" / "taskduty.db"
    with pytest.raises(TaskdutyError) as caught:
        record_batch(Database(str(path)), None, [NewUpdate("1.1", "done", date(2018, 1, 1))])
    assert caught.value.message.startswith("no table loaded yet")
    with pytest.raises(TaskdutyError) as caught:
        undo(Database(str(path)), "alice")
    assert caught.value.message.startswith("no table loaded yet")
    assert not path.parent.exists()


@pytest.mark.sqlite_only
def test_an_older_database_is_upgraded_before_the_write(tmp_path: Path,
                                                        run: Any) -> None:
    from taskduty.migrations import SCHEMA_VERSION

    path = tmp_path / "old.db"
    shutil.copyfile(ROOT / "tests" / "data" / "schema_v1.db", path)
    result = run("--db", str(path), "update", "1.2", "-s", "behind", "-d", "2018-04-30")
    assert result.exit_code == 0, result.output
    assert "upgraded" in result.stderr.lower()
    conn = sqlite3.connect(path)
    version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    statuses = conn.execute("SELECT t.code, u.status FROM task_update u JOIN task t "
                            "ON t.id = u.task_id ORDER BY u.id").fetchall()
    conn.close()
    assert int(version[0]) == SCHEMA_VERSION
    assert statuses == [("1.1", "in_progress"), ("1.2", "behind")]


# Written by the ORM implementation (main at da6e78e), the same on SQLite and PostgreSQL.
EXPECTED: dict[str, list[tuple[Any, ...]]] = {
    "batch": [
        (1, "update", "alice", None, True, False),
        (2, "update", "bob", None, True, False),
        (3, "update", "bob", None, True, True),
        (4, "collect", "alice", "digest", True, True),
        (5, "extend", "alice", None, True, True),
        (6, "update", "dave", None, True, False),
    ],
    "batch_form": [
        (1, 4, "发改局", "a.xlsx", "李四", "123", None),
    ],
    "target_actual": [
        (1, "1.1", 1, 4, "2018-06-30", 8.2, None, "", "alice", True, True, "alice"),
        (2, "1.5", 2, 4, "2018-03-31", 61.0, "占比", "", "alice", True, True, "alice"),
        (3, "1.5", 1, 6, "2018-03-31", 2.5, None, "", "dave", True, True, "carol"),
    ],
    "task_extension": [
        (1, "5.3", 5, "2019-03-31", "征地", "陆秋明", "alice", True, True, "alice"),
    ],
    "task_update": [
        (1, "1.1", 1, "2018-03-31", "in_progress", 30, "一季度\n完成30%", "督查室", "alice", True,
         True, "carol"),
        (2, "1.2", 1, "2018-03-31", "behind", None, None, "", "alice", True, True, "carol"),
        (3, "1.3", 2, "2018-03-31", "done", 100, None, "经信局", "bob", True, False, None),
        (4, "1.3", 2, "2018-03-31", "done", 100, None, "财政局", "bob", True, False, None),
        (5, "1.3", 3, "2018-03-31", "in_progress", 90, "返工", "", "bob", True, True, "bob"),
        (6, "1.1", 4, "2018-06-30", "done", 100, None, "发改局", "alice", True, True, "alice"),
    ],
}
SAID: list[Any] = [
    (2018, 1,
     [{"code": "1.1",
       "date": "2018-03-31",
       "id": 1,
       "progress": 30,
       "status": "in_progress"},
      {"code": "1.2",
       "date": "2018-03-31",
       "id": 2,
       "progress": None,
       "status": "behind"}],
     [], [], []),
    (2018, None, [], ["1.1"], [], []),
    (2018, 2,
     [{"code": "1.3", "date": "2018-03-31", "id": 3, "progress": 100, "status": "done"},
      {"code": "1.3",
       "date": "2018-03-31",
       "id": 4,
       "progress": 100,
       "status": "done"}],
     [], [], []),
    (2018, 3,
     [{"code": "1.3",
       "date": "2018-03-31",
       "id": 5,
       "progress": 90,
       "status": "in_progress"}],
     [], ["1.3"], []),
    (2018, 4,
     [{"code": "1.1",
       "date": "2018-06-30",
       "id": 6,
       "progress": 100,
       "status": "done"}],
     [], [],
     [{"code": "1.1",
       "date": "2018-06-30",
       "id": "A1",
       "target": 1,
       "text": "地区生产总值增长8%",
       "unit": "%",
       "value": 8.2},
      {"code": "1.5",
       "date": "2018-03-31",
       "id": "A2",
       "target": 2,
       "text": "产业类外资占比60%以上",
       "unit": "%",
       "value": 61.0}]),
    (2018, 5,
     [{"approved_by": "陆秋明",
       "code": "5.3",
       "deadline": None,
       "deadline_date": "2018-12-31",
       "id": 1,
       "reason": "征地",
       "to": "2019-03-31"}]),
    (2018, 6, [], [], [],
     [{"code": "1.5",
       "date": "2018-03-31",
       "id": "A3",
       "target": 1,
       "text": "实际利用外资7.6亿美元",
       "unit": "亿美元",
       "value": 2.5}]),
    (5,
     [{"approved_by": "陆秋明",
       "code": "5.3",
       "date": "2019-03-31",
       "id": 1,
       "kind": "extension",
       "reason": "征地",
       "year": 2018}],
     []),
    (3,
     [{"by": "",
       "code": "1.3",
       "date": "2018-03-31",
       "id": 5,
       "note": "返工",
       "progress": 90,
       "status": "in_progress",
       "year": 2018}],
     []),
    (4,
     [{"by": "发改局",
       "code": "1.1",
       "date": "2018-06-30",
       "id": 6,
       "note": None,
       "progress": 100,
       "status": "done",
       "year": 2018}],
     [{"by": "",
       "code": "1.1",
       "date": "2018-06-30",
       "id": "A1",
       "note": None,
       "target": 1,
       "value": 8.2,
       "year": 2018},
      {"by": "",
       "code": "1.5",
       "date": "2018-03-31",
       "id": "A2",
       "note": "占比",
       "target": 2,
       "value": 61.0,
       "year": 2018}]),
    {"actuals": [{"by": "",
                  "code": "1.5",
                  "date": "2018-03-31",
                  "id": "A3",
                  "note": None,
                  "target": 1,
                  "value": 2.5,
                  "year": 2018}],
     "batch_id": None,
     "entries": [{"by": "",
                  "code": "1.2",
                  "date": "2018-03-31",
                  "id": 2,
                  "note": None,
                  "progress": None,
                  "status": "behind",
                  "year": 2018},
                 {"by": "督查室",
                  "code": "1.1",
                  "date": "2018-03-31",
                  "id": 1,
                  "note": "一季度\n完成30%",
                  "progress": 30,
                  "status": "in_progress",
                  "year": 2018}]},
]
