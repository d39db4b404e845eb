"""Schema upgrades: a database made by schema version 1 opens in this release and is upgraded
in place, in one transaction, after a backup copy for SQLite files.

tests/data/schema_v1.db was made by schema version 1 (the 2018 seed and one update of 1.1);
it is never modified: tests work on copies. On PostgreSQL the same version-1 database is
rebuilt from that file: its tables are reflected, created in a fresh schema and filled with
its rows (see :func:`put_v1_database`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from taskduty import migrations
from taskduty.cli import app
from taskduty.db import Database
from taskduty.migrations import SCHEMA_VERSION

V1 = ROOT / "tests" / "data" / "schema_v1.db"
V1_NOTE = "一季度完成30%"  # the update stored in the v1 file, on task 1.1


def cli(db: str, *args: str) -> Any:
    return CliRunner().invoke(app, ["--db", db, *args], env={"TASKDUTY_DB": db})


def put_v1_database(url: str) -> None:
    """Make ``url`` (an empty database) a copy of the schema-version-1 file."""
    if "://" not in url:
        shutil.copyfile(V1, url)
        return
    from sqlalchemy import Integer, MetaData, create_engine, insert, select, text

    src = create_engine(f"sqlite:///file:{V1}?mode=ro&uri=true")
    dst = create_engine(url)
    meta = MetaData()
    meta.reflect(src)
    for table in meta.tables.values():
        for column in table.columns:
            column.type = column.type.as_generic()
    try:
        with src.connect() as s, dst.begin() as d:
            meta.create_all(d)
            for table in meta.sorted_tables:
                rows = [dict(r._mapping) for r in s.execute(select(table))]
                if rows:
                    d.execute(insert(table), rows)
                pk = list(table.primary_key.columns)
                if len(pk) == 1 and isinstance(pk[0].type, Integer):
                    d.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'), "
                        f"(SELECT COALESCE(MAX({pk[0].name}), 0) + 1 FROM {table.name}), false)"))
    finally:
        src.dispose()
        dst.dispose()


def stored_version(url: str) -> int | None:
    db = Database(url)
    try:
        return migrations.peek_version(db)
    finally:
        db.dispose()


def shape(url: str) -> dict[str, Any]:
    """Tables with their columns and named (non-unique) indexes."""
    from sqlalchemy import create_engine, inspect

    engine = create_engine(Database(url).url)
    try:
        with engine.connect() as conn:
            insp = inspect(conn)
            return {t: {"columns": sorted(c["name"] for c in insp.get_columns(t)),
                        "indexes": sorted((i["name"], tuple(i["column_names"]))
                                          for i in insp.get_indexes(t) if not i["unique"])}
                    for t in sorted(insp.get_table_names())}
    finally:
        engine.dispose()


def history(db: str, code: str) -> list[dict[str, Any]]:
    result = cli(db, "show", code, "-f", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["history"]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def v1_url(db_url: str) -> str:
    put_v1_database(db_url)
    return db_url


def test_the_kept_file_is_version_1():
    assert stored_version(str(V1)) == 1
    assert SCHEMA_VERSION > 1, "the upgrade tests need at least one migration"


def test_every_migration_is_registered_and_described():
    assert len(migrations.MIGRATIONS) + 1 == SCHEMA_VERSION
    for version in range(2, SCHEMA_VERSION + 1):
        assert migrations.describe(version) != f"migration {version}", version
        assert migrations.describe(version) == migrations.MIGRATIONS[version - 2].__doc__.strip(
            ).splitlines()[0]


def test_the_version_follows_from_the_list_of_migrations(monkeypatch):
    def later(conn: Any) -> None:
        """A step after the last one."""

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, later])
    assert migrations.target_version() == SCHEMA_VERSION + 1
    assert migrations.Keeper().version == SCHEMA_VERSION + 1
    assert migrations.pending(SCHEMA_VERSION) == [SCHEMA_VERSION + 1]
    assert migrations.describe(SCHEMA_VERSION + 1) == "A step after the last one."


def test_a_database_without_a_keeper_is_used_as_it_is(tmp_path):
    bare = Database(str(tmp_path / "new.db"))
    bare.prepare_schema()  # nothing to keep it: creates nothing
    assert not (tmp_path / "new.db").exists()
    kept = migrations.open_database(str(tmp_path / "new.db"))
    kept.prepare_schema()
    assert stored_version(str(tmp_path / "new.db")) == SCHEMA_VERSION
    kept.dispose()


def test_status_then_upgrade_keeps_history_and_matches_a_new_schema(v1_url, another_db_url,
                                                                   is_pg):
    before = digest(V1)
    status = cli(v1_url, "db", "status", "-f", "json")
    assert status.exit_code == 0, status.output
    info = json.loads(status.stdout)
    assert info["backend"] == ("postgresql" if is_pg else "sqlite")
    assert (info["current_version"], info["target_version"]) == (1, SCHEMA_VERSION)
    assert info["state"] == "pending"
    assert [p["version"] for p in info["pending"]] == list(range(2, SCHEMA_VERSION + 1))
    assert all(p["description"] for p in info["pending"])

    result = cli(v1_url, "db", "upgrade")
    assert result.exit_code == 0, result.output
    assert f"from schema version 1 to {SCHEMA_VERSION}" in result.stderr
    assert stored_version(v1_url) == SCHEMA_VERSION
    if is_pg:
        assert "backup" not in result.stderr
    else:
        backups = list(Path(v1_url).parent.glob(Path(v1_url).name + ".bak-v1-*"))
        assert len(backups) == 1
        assert str(backups[0]) in result.stderr
        assert stored_version(str(backups[0])) == 1
        assert shape(str(backups[0])) == shape(str(V1))
    assert digest(V1) == before, "the kept v1 file must never change"

    entries = history(v1_url, "1.1")
    assert [(e["note"], e["recorded_by"]) for e in entries] == [(V1_NOTE, "fixture")]
    tasks = cli(v1_url, "tasks", "-f", "json")
    assert len(json.loads(tasks.stdout)) == 114
    added = cli(v1_url, "update", "1.1", "--status", "done", "--note", "办结")
    assert added.exit_code == 0, added.output
    assert [e["note"] for e in history(v1_url, "1.1")] == [V1_NOTE, "办结"]

    again = cli(v1_url, "db", "upgrade")
    assert again.exit_code == 0, again.output
    assert f"already at version {SCHEMA_VERSION}" in again.stderr

    fresh = cli(another_db_url, "load", str(ROOT / "data" / "seed_table.csv"), "--year", "2018",
                "-q")
    assert fresh.exit_code == 0, fresh.output
    assert shape(v1_url) == shape(another_db_url)


def test_no_index_on_text_keys_in_a_new_or_upgraded_database(v1_url, another_db_url):
    """Schema 9: tasks' text keys are matched in Python; a load keeps no index on them."""
    assert ("ix_task_text_key", ("text_key",)) in shape(v1_url)["task"]["indexes"]
    assert cli(v1_url, "db", "upgrade").exit_code == 0
    fresh = cli(another_db_url, "load", str(ROOT / "data" / "seed_table.csv"), "--year", "2018",
                "-q")
    assert fresh.exit_code == 0, fresh.output
    for url in (v1_url, another_db_url):
        assert not [i for i in shape(url)["task"]["indexes"] if "text_key" in i[1]]


def test_any_command_upgrades_an_older_database_first(v1_url, is_pg):
    result = cli(v1_url, "tasks", "-f", "json")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == 114
    assert f"from schema version 1 to {SCHEMA_VERSION}" in result.stderr
    assert stored_version(v1_url) == SCHEMA_VERSION
    if not is_pg:
        assert len(list(Path(v1_url).parent.glob("*.bak-v1-*"))) == 1
    second = cli(v1_url, "tasks", "-f", "json")
    assert second.exit_code == 0 and "Upgraded" not in second.stderr


def test_a_failing_migration_leaves_the_database_as_it_was(v1_url, monkeypatch):
    from sqlalchemy import text

    def broken(conn: Any) -> None:
        """Half a migration, then a failure."""
        conn.execute(text("CREATE TABLE half_done (id INTEGER PRIMARY KEY)"))
        conn.execute(text("UPDATE task SET standard = 'changed'"))
        conn.execute(text("SELECT no_such_column FROM task"))

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS[:-1], broken])
    result = cli(v1_url, "db", "upgrade")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot upgrade")
    assert len(result.stderr.strip().splitlines()) <= 2 and "Traceback" not in result.output
    assert stored_version(v1_url) == 1
    assert "half_done" not in shape(v1_url)
    monkeypatch.undo()
    assert [e["note"] for e in history(v1_url, "1.1")] == [V1_NOTE]
    tasks = json.loads(cli(v1_url, "tasks", "-f", "json").stdout)
    assert not any(t["standard"] == "changed" for t in tasks)


def test_a_newer_schema_is_refused(seeded, db_url):
    from sqlalchemy import create_engine, text

    engine = create_engine(Database(db_url).url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE meta SET value = '99' WHERE key = 'schema_version'"))
    engine.dispose()
    for args in (("tasks",), ("update", "1.1", "--status", "done"), ("db", "upgrade")):
        result = seeded(*args)
        assert result.exit_code == 1, args
        assert "made by a newer taskduty (schema 99" in result.stderr
        assert result.stderr.startswith("Error: ")
    status = seeded("db", "status", "-f", "json")
    assert status.exit_code == 0
    assert json.loads(status.stdout)["state"] == "newer"
    assert stored_version(db_url) == 99


def test_status_and_upgrade_of_a_new_database(run, db_url, is_pg):
    status = run("db", "status", "-f", "json")
    assert status.exit_code == 0, status.output
    info = json.loads(status.stdout)
    assert info["current_version"] is None and info["pending"] == []
    if is_pg:
        # An administrator can prepare an empty server database before anyone loads.
        assert info["state"] == "empty"
        result = run("db", "upgrade")
        assert result.exit_code == 0, result.output
        assert f"Created the taskduty schema (version {SCHEMA_VERSION})" in result.stderr
        assert json.loads(run("db", "status", "-f", "json").stdout)["state"] == "current"
    else:
        assert info["state"] == "missing"
        result = run("db", "upgrade")
        assert result.exit_code == 1
        assert "no database at" in result.stderr
        assert not Path(db_url).exists()
    text = run("db", "status")
    assert text.exit_code == 0 and f"(this release: {SCHEMA_VERSION})" in text.stdout


def test_two_processes_opening_an_old_database_upgrade_it_once(v1_url, is_pg):
    env = {**os.environ, "TASKDUTY_DB": v1_url}
    procs = [subprocess.Popen([sys.executable, "-m", "taskduty", *args], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for args in (["db", "upgrade"], ["tasks", "-f", "json"], ["db", "upgrade"])]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outputs
    upgraded = [err for _out, err in outputs if "from schema version 1" in err]
    assert len(upgraded) == 1, outputs
    assert stored_version(v1_url) == SCHEMA_VERSION
    if not is_pg:
        assert len(list(Path(v1_url).parent.glob("*.bak-v1-*"))) == 1
    assert len(history(v1_url, "1.1")) == 1


@pytest.mark.sqlite_only
def test_backup_is_a_consistent_copy_of_a_wal_database(db_url):
    """Changes still in the WAL file are in the backup too."""
    put_v1_database(db_url)
    conn = sqlite3.connect(db_url, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("UPDATE task_update SET note = 'in the wal' WHERE id = 1")
    try:
        result = cli(db_url, "db", "upgrade")
        assert result.exit_code == 0, result.output
    finally:
        conn.close()
    backup = next(Path(db_url).parent.glob("*.bak-v1-*"))
    copy = sqlite3.connect(backup)
    try:
        assert copy.execute("SELECT note FROM task_update").fetchall() == [("in the wal",)]
    finally:
        copy.close()


def test_an_upgraded_database_reads_its_deadlines(v1_url):
    """Migration 5 reads each task's deadline kind and milestones (here: one from the text)."""
    tasks = json.loads(cli(v1_url, "tasks", "-f", "json").stdout)
    inferred = [t for t in tasks if t["deadline_inferred"]]
    assert [(t["deadline_kind"], t["deadline_date"]) for t in inferred] == [
        ("date", "2018-12-31")]
    assert all("expected_progress" in t and "warning" in t for t in tasks)
