"""A load into a SQLite file without the ORM: the schema of a new file from pinned DDL
(``schema_sqlite.py``, written by ``tools/sqlite_schema.py``), the new plan's rows through
``writer.transaction`` as SQL text, and ``load`` parsed without Typer (cli/lean.py). Each
gives what the ORM path gives: the same schema text, rows, ids, value types, messages."""

from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT

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
