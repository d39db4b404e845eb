"""A load into a SQLite file without the ORM: the schema of a new file from pinned DDL
(``schema_sqlite.py``, written by ``tools/sqlite_schema.py``), the new plan's rows through
``writer.transaction`` as SQL text (on PostgreSQL through Core), and ``load`` parsed without
Typer (cli/lean.py). Each gives what the ORM path gives: the same schema text, rows, ids,
value types, messages."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, SEED_CSV
from helpers import dump_core

TOOL = ROOT / "tools" / "sqlite_schema.py"


def tool() -> Any:
    spec = importlib.util.spec_from_file_location("sqlite_schema_tool", TOOL)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def schema_of(path: Path) -> dict[str, Any]:
    """sqlite_master (its tables in order; create_all makes a table's indexes in no fixed
    order), the meta keys, the journal mode."""
    conn = sqlite3.connect(path)
    try:
        return {
            "tables": conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                   "ORDER BY rowid").fetchall(),
            "master": conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master "
                                   "ORDER BY type, name").fetchall(),
            "meta": conn.execute("SELECT key, length(value), typeof(value) FROM meta "
                                 "ORDER BY rowid").fetchall(),
            "version": conn.execute("SELECT value FROM meta WHERE key = 'schema_version'")
            .fetchall(),
            "journal": conn.execute("PRAGMA journal_mode").fetchall(),
        }
    finally:
        conn.close()


def orm_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make new SQLite files through create_all, as before the pinned DDL."""
    from taskduty import migrations

    monkeypatch.setattr(migrations, "_create_sqlite", lambda db: migrations._NOT_EMPTY)


def test_pinned_schema_is_what_the_models_compile_to() -> None:
    from taskduty.schema_sqlite import STATEMENTS

    module = tool()
    compiled = module.compiled()
    assert list(STATEMENTS) == compiled, "models changed: run python tools/sqlite_schema.py"
    assert (ROOT / "src" / "taskduty" / "schema_sqlite.py").read_text(encoding="utf-8") == \
        module.module_text(compiled)


def test_new_sqlite_file_gets_the_schema_create_all_makes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from taskduty import migrations

    lean, orm = tmp_path / "lean.db", tmp_path / "orm.db"
    done = migrations.ensure(migrations.open_database(str(lean)))
    with monkeypatch.context() as m:
        orm_schema(m)
        reference = migrations.ensure(migrations.open_database(str(orm)))
    assert done == reference == migrations.Upgrade(None, migrations.target_version())
    assert schema_of(lean) == schema_of(orm)
    assert schema_of(lean)["master"] and schema_of(lean)["journal"] == [("wal",)]
    assert migrations.ensure(migrations.open_database(str(lean))) is None


def test_a_file_with_other_tables_is_still_refused(tmp_path: Path) -> None:
    from taskduty import migrations
    from taskduty.errors import DatabaseError

    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE other (x)")
    conn.close()
    with pytest.raises(DatabaseError, match="not a taskduty database"):
        migrations.ensure(migrations.open_database(str(path)))
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("other",)]
    conn.close()


def test_the_task_insert_names_every_column_but_id() -> None:
    from taskduty import store
    from taskduty.models import Task

    assert list(store.TASK_COLUMNS) == [c.name for c in Task.__table__.columns if c.name != "id"]


# -- the load command: without Typer or the ORM, storing what the ORM path stores -------------
PROBE = """
import json, sys
from taskduty.cli import main
sys.argv = ["taskduty", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
sys.stderr.write("\\nMODULES " + json.dumps(sorted(sys.modules)))
sys.exit(code)
"""
HEAVY = ("typer", "click", "rich", "pydantic", "sqlalchemy", "sqlmodel")


def lean_load(args: list[str], db: Path, cwd: Path) -> tuple[int, str, str, set[str]]:
    """``taskduty --db DB ARGS`` in its own interpreter: exit code, stdout, stderr, and the
    modules it imported."""
    env = {k: v for k, v in os.environ.items() if k != "TASKDUTY_DB"}
    proc = subprocess.run([sys.executable, "-c", PROBE, json.dumps(["--db", str(db), *args])],
                          cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8",
                          timeout=120)
    err, _, modules = proc.stderr.rpartition("\nMODULES ")
    return proc.returncode, proc.stdout, err, set(json.loads(modules))


def orm_load(args: list[str], db: Path, cwd: Path, monkeypatch: pytest.MonkeyPatch
             ) -> tuple[int, str, str]:
    """The same through Typer, the schema made by create_all and the plan written by the ORM
    path (:func:`orm_add_plan`, in a session of SQLAlchemy's)."""
    from helpers import invoke
    from taskduty import migrations, store
    with monkeypatch.context() as m:
        orm_schema(m)
        m.setattr(store, "add_plan", orm_add_plan)
        # the whole table normalised first, then stored (not as its rows are read)
        m.setattr(store, "load_stream", lambda db, stream, year, source, stored=None:
                  store.load_plan(db, stream.table(), year, source))
        m.setattr(migrations, "open_database",
                  lambda value=None, **_kwargs: orm_database(value))
        m.chdir(cwd)
        result = invoke("--db", str(db), *args)
    return result.exit_code, result.stdout, result.stderr


def dump(path: Path) -> dict[str, Any]:
    """Every table's rows with each value's SQLite type (the load time as its shape, the
    form secret as its length), and sqlite_master."""
    conn = sqlite3.connect(path)
    try:
        out: dict[str, Any] = {"schema": schema_of(path)}
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                     "ORDER BY name").fetchall():
            columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
            picks = ", ".join(f'"{c}", typeof("{c}")' for c in columns)
            rows = conn.execute(f'SELECT {picks} FROM "{table}" ORDER BY rowid').fetchall()
            out[table] = [_stable(table, columns, r) for r in rows]
        return out
    finally:
        conn.close()


def _stable(table: str, columns: list[str], row: tuple[Any, ...]) -> tuple[Any, ...]:
    values = list(row)
    for i, name in enumerate(columns):
        value = values[2 * i]
        if name == "loaded_at" and value is not None:
            values[2 * i] = re.sub(r"\d", "9", value)  # 9999-99-99 99:99:99.999999
        if table == "meta" and name == "value" and row[0] == "form_secret":
            values[2 * i] = len(value)
    return tuple(values)


def test_dump_sees_every_value_and_its_type(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "t.db")
    conn.execute("CREATE TABLE t (a, loaded_at)")
    conn.execute("INSERT INTO t VALUES (1, '2026-12-03 06:00:00.000001'), ('1', NULL)")
    conn.execute("CREATE TABLE meta (key, value)")
    conn.execute("INSERT INTO meta VALUES ('schema_version', '8'), ('form_secret', 'abc')")
    conn.commit()
    conn.close()
    tables = dump(tmp_path / "t.db")
    assert tables["t"] == [(1, "integer", "9999-99-99 99:99:99.999999", "text"),
                           ("1", "text", None, "null")]
    assert tables["meta"] == [("schema_version", "text", "8", "text"),
                              ("form_secret", "text", 3, "text")]


# A notice (通知) whose year is in its title.
NOTICE = """关于印发2021年市政府工作报告重点任务责任分解的通知
一、确保完成全年主要预期目标
1. 地区生产总值增长8%以上。
牵头负责领导：张三。
牵头责任单位：市发展改革委。
协同责任单位：市经信局、市商务局等，各县、市、区政府。
2. 城乡居民人均可支配收入增长8%。
牵头负责领导：李四。
牵头责任单位：市人社局。
督办要求：每季度报送一次。
二、深化重点领域改革
1. 深化“放管服”改革，优化营商环境。
牵头负责领导：王五
牵头责任单位：市行政审批局；
"""

CASES = {
    "seed": [(["load", str(SEED_CSV), "--year", "2018"], "t.csv")],
    "repairs": [(["load", "t.csv", "-y", "2025", "-q"], "t.csv")],
    "notice": [(["load", "notice.txt"], "notice.txt")],
    "another year": [(["load", str(SEED_CSV), "-y", "2018", "-q"], "t.csv"),
                     (["load", "t.csv", "--year", "2025"], "t.csv")],
    "unchanged": [(["load", str(SEED_CSV), "-y", "2018"], "t.csv"),
                  (["load", str(SEED_CSV), "-y", "2018", "-f", "json"], "t.csv")],
    "refused": [(["load", str(SEED_CSV), "-y", "2018"], "t.csv"),
                (["load", "t.csv", "-y", "2018"], "t.csv")],
}


def write_inputs(folder: Path) -> None:
    folder.mkdir()
    (folder / "t.csv").write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    (folder / "notice.txt").write_text(NOTICE, encoding="utf-8")


def test_a_text_table_load_into_a_new_file_opens_no_zip_and_imports_no_random(
        tmp_path: Path) -> None:
    """A CSV's load into a new file: the package checks' zipfile (for .xlsx/.docx) is not
    imported, nor secrets (random) for the forms' key, 64 hex digits from os.urandom."""
    write_inputs(tmp_path / "in")
    db = tmp_path / "new.db"
    code, _out, err, modules = lean_load(["load", "t.csv", "-y", "2025", "-q"], db,
                                         tmp_path / "in")
    assert code == 0, err
    assert not modules & {"zipfile", "zlib", "secrets", "random", "shutil"}
    conn = sqlite3.connect(db)
    try:
        (key,) = conn.execute("SELECT value FROM meta WHERE key = 'form_secret'").fetchone()
    finally:
        conn.close()
    assert re.fullmatch("[0-9a-f]{64}", key)


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_lean_load_stores_what_the_orm_path_stores(
        case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each load of ``case`` in turn, into a new file (then the same file): the lean run
    imports no Typer, ORM or pydantic, and gives the exit code, output and database (every
    row, id and value type; the schema's text) the ORM path gives."""
    outcomes = []
    for name in ("lean", "orm"):
        folder = tmp_path / name
        write_inputs(folder)
        db = folder / "new" / "t.db"
        runs = []
        for args, _input in CASES[case]:
            if name == "lean":
                code, out, err, modules = lean_load(args, db, folder)
                assert not {m for m in modules if m.split(".")[0] in HEAVY}, (args, err)
                assert "taskduty.models" not in modules
                assert {m for m in modules if m.startswith("taskduty.cli.")} == {
                    "taskduty.cli.lean", "taskduty.cli.boundary", "taskduty.cli.loading"}
            else:
                code, out, err = orm_load(args, db, folder, monkeypatch)
            runs.append((code, out, err.replace(str(folder), "FOLDER")))
        outcomes.append((runs, dump(db)))
    assert outcomes[0] == outcomes[1]
    runs, tables = outcomes[0]
    assert tables["task"] and tables["plan"]
    if case == "repairs":
        assert tables["load_note"]
    if case == "refused":
        assert runs[1][0] == 1 and "already loaded with different content" in runs[1][2]
    if case == "unchanged":
        assert runs[1][0] == 0 and json.loads(runs[1][1])["outcome"] == "unchanged"


def test_an_older_database_is_upgraded_then_loaded(tmp_path: Path) -> None:
    import shutil

    from taskduty.migrations import SCHEMA_VERSION

    db = tmp_path / "old.db"
    shutil.copyfile(ROOT / "tests" / "data" / "schema_v1.db", db)
    code, _out, err, _modules = lean_load(["load", str(SEED_CSV), "-y", "2030", "-q"], db,
                                          tmp_path)
    assert code == 0, err
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() \
            == (str(SCHEMA_VERSION),)
        assert conn.execute("SELECT count(*) FROM task t JOIN plan p ON p.id = t.plan_id "
                            "WHERE p.year = 2030").fetchone() == (114,)
    finally:
        conn.close()


@pytest.mark.parametrize("failing", ["insert_notes", "_name_ids", "derived"])
def test_a_failing_lean_load_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            failing: str) -> None:
    """A failure while the tasks are stored as they are read (derived, the names of a
    chunk's links) or at the end (the notes) leaves no file."""
    from taskduty import store
    from taskduty.cli import lean

    def boom(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store, failing, boom)
    monkeypatch.delenv("TASKDUTY_DB", raising=False)
    db = tmp_path / "a" / "b" / "t.db"
    assert lean.run(["--db", str(db), "load", str(SEED_CSV), "-y", "2018"]) == 1
    assert not (tmp_path / "a").exists()


# -- the rows of a load, on both backends, as the ORM/Core path stores them ------------------
# (``store.add_plan`` writes the plan, goals, names, tasks, links and notes as SQL text
# through a ``writer.Writer``; :func:`orm_add_plan` is the ORM/Core path it replaced.)
HEADER = "序号,目标名称,工作标准,分管领导,牵头单位,配合单位,完成时限\n"
# Dates in and out of the text (deadline_date, milestones), targets, inherited cells,
# co-units, a padded name and a repeated name: every kind of column the task table has.
ROWS = [
    "1,稳增长,全年地区生产总值增长6.5%以上,张 三,发改局、统计局,财政局,2025年12月底前",
    "1,稳增长,6月底前完成重点项目开工50个；10月底前全部投产,,,住建局,",
    "2,促改革,深化国有企业改革，完成3户企业混改,李四、张三,国资委,,持续推进",
    "2,促改革,开展营商环境评价,王五,发改局,,每季度",
]


def orm_add_plan(w: Any, table: Any, year: int, source: str, digest: str) -> None:
    """The path before SQL text, as ``store.add_plan``: an ORM ``Plan`` and Core inserts of
    dicts with ids by RETURNING, in a session on ``w``'s SQLAlchemy connection (the
    database opened with ``fast_writes=False``)."""
    from sqlalchemy import insert
    from sqlmodel import Session

    from taskduty import store
    from taskduty.db import utcnow
    from taskduty.models import LoadNote, Plan, Task, TaskLeader, TaskUnit
    from taskduty.user import login_name

    session = Session(bind=w.conn)
    plan = Plan(year=year, title=table.title, input_format=table.input_format,
                source_name=source, content_hash=digest, loaded_at=utcnow(),
                loaded_by=login_name())
    session.add(plan)
    session.flush()
    plan_id = plan.id
    store.apply_aliases(session, table)
    goal_ids = store.ensure_goals(session, plan_id, table)
    leader_ids, unit_ids = store.all_name_ids(session, table.tasks)
    rows = store.insert_returning(
        session, insert(Task).returning(Task.id, Task.code),
        [store.task_values(plan_id, goal_ids[t.goal_no], t, year) for t in table.tasks])
    ids = {r.code: r.id for r in rows}
    conn = session.connection()
    leaders = [{"task_id": ids[t.code], "leader_id": leader_ids[n], "position": i}
               for t in table.tasks for i, n in enumerate(t.leaders)]
    units = [{"task_id": ids[t.code], "unit_id": unit_ids[n], "role": role, "position": i}
             for t in table.tasks for role, names in (("lead", t.units), ("co", t.co_units))
             for i, n in enumerate(names)]
    notes = [{"plan_id": plan_id, "kind": r.kind, "ref": r.ref, "code": r.code,
              "message": r.message} for r in table.repairs]
    for model, values in ((TaskLeader, leaders), (TaskUnit, units), (LoadNote, notes)):
        if values:
            conn.execute(insert(model), values)


def orm_database(url: str) -> Any:
    """``url`` opened as ``open_database`` does, but writing through SQLAlchemy."""
    from taskduty.db import Database
    from taskduty.migrations import Keeper

    return Database(url, schema=Keeper(), fast_writes=False)


def load_both(url: str, reference_url: str, path: Path, year: int, monkeypatch: Any) -> None:
    """``path`` loaded into ``url`` as taskduty does and into ``reference_url`` by
    :func:`orm_add_plan`; in both, a leader and a unit already known keep their ids and the
    new names follow."""
    from taskduty import store
    from taskduty.migrations import open_database
    from taskduty.models import Leader, Unit
    from taskduty.table import read_table

    for target, reference in ((url, False), (reference_url, True)):
        db = orm_database(target) if reference else open_database(target)
        with db.write() as session:
            session.add(Leader(name="赵六"))
            session.add(Unit(name="统计局"))
        with monkeypatch.context() as m:
            if reference:
                m.setattr(store, "add_plan", orm_add_plan)
            store.load_plan(db, read_table(path), year, path.name)
        db.dispose()


def test_load_stores_what_core_inserts_store(db_url: str, another_db_url: str,
                                             tmp_path: Path, monkeypatch: Any) -> None:
    path = tmp_path / "t.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    load_both(db_url, another_db_url, path, 2025, monkeypatch)
    ours, reference = dump_core(db_url), dump_core(another_db_url)
    assert ours["task"] and ours["task_unit"] and ours["load_note"]
    assert ours == reference


def test_seed_load_stores_what_core_inserts_store(db_url: str, another_db_url: str,
                                                  monkeypatch: Any) -> None:
    load_both(db_url, another_db_url, SEED_CSV, 2018, monkeypatch)
    ours, reference = dump_core(db_url), dump_core(another_db_url)
    assert len(ours["task"]) > 100
    assert ours == reference


def test_the_cycle_collector_is_paused_while_a_table_loads(tmp_path, monkeypatch):
    import gc

    from taskduty import store
    from taskduty.cli import loading

    seen: list[bool] = []
    real = store.load_stream  # a new year's CSV: its tasks stored as they are read

    def watched(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "load_stream", watched)
    monkeypatch.setenv("TASKDUTY_DB", str(tmp_path / "t.db"))
    assert gc.isenabled()
    loading.load(SEED_CSV, year=2018, quiet=True)
    assert seen == [False] and gc.isenabled()


def test_the_normalisers_state_is_freed_before_the_cycle_collector_is_back(
        tmp_path, monkeypatch):
    """Switched back on, the collector would walk every object the load left alive (the
    normaliser's caches: 30 ms of a 50k-task load); the stream is gone by then."""
    import gc
    import weakref

    from taskduty import store
    from taskduty.cli import loading

    streams: list[weakref.ref[Any]] = []
    alive_when_enabled: list[bool] = []
    real_stream, real_enable = store.load_stream, gc.enable

    def watched(db, stream, *args, **kwargs):
        streams.append(weakref.ref(stream))
        return real_stream(db, stream, *args, **kwargs)

    def enable() -> None:
        alive_when_enabled.append(streams[0]() is not None)
        real_enable()

    monkeypatch.setattr(store, "load_stream", watched)
    monkeypatch.setattr(gc, "enable", enable)
    monkeypatch.setenv("TASKDUTY_DB", str(tmp_path / "t.db"))
    loading.load(SEED_CSV, year=2018, quiet=True)
    assert alive_when_enabled == [False]


def test_a_new_years_load_skips_the_row_by_row_key_checks_and_leaves_none_broken(
        tmp_path, monkeypatch):
    """A new year's rows hold only keys read in the load's own transaction, so its SQLite
    connection does not check them row by row (a quarter of the inserts' time); every other
    write still does, and the loaded file has no broken key."""
    from taskduty import store, writer
    from taskduty.cli import loading
    from taskduty.db import Database

    seen: list[int] = []
    real = store.insert_tasks

    def watched(w, *args, **kwargs):
        seen.append(w.conn.execute("PRAGMA foreign_keys").fetchone()[0])
        return real(w, *args, **kwargs)

    monkeypatch.setattr(store, "insert_tasks", watched)
    path = tmp_path / "t.db"
    monkeypatch.setenv("TASKDUTY_DB", str(path))
    loading.load(SEED_CSV, year=2018, quiet=True)
    assert seen == [0]
    db = Database(f"sqlite:///{path}")
    with writer.transaction(db) as w:
        assert w.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT count(*) FROM task_unit").fetchone()[0] > 100
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        # the text key is worked out when a table is replaced, not stored
        assert conn.execute("SELECT DISTINCT text_key FROM task").fetchall() == [("",)]
    finally:
        conn.close()
