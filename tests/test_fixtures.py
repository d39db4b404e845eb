"""The suite's own machinery: a PostgreSQL clone of a loaded template is kept for the next test
only while nothing in it differs from a fresh clone (conftest._PgClones)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

import conftest
from conftest import _admin, load_seed, new_pg_schema, pg_base_url

pytestmark = pytest.mark.postgres

CHANGES = {
    "a row's value": "UPDATE task SET standard = standard || '。' WHERE id = 1",
    "a row rewritten to the same value": "UPDATE task SET standard = standard WHERE id = 1",
    "a row added": "INSERT INTO alias (kind, alias, name) VALUES ('unit', 'x', 'y')",
    "a row deleted": "DELETE FROM task_leader WHERE ctid = (SELECT max(ctid) FROM task_leader)",
    "a sequence moved": "SELECT nextval(pg_get_serial_sequence('task_update', 'id'))",
    "the planner's statistics": "ANALYZE task",
    "an index added": "CREATE INDEX ix_extra ON task (standard)",
    "a column added": "ALTER TABLE task ADD COLUMN extra integer",
    "a table added": "CREATE TABLE extra (id integer)",
    "a view added": "CREATE VIEW extra AS SELECT 1 AS one",
    "a comment": "COMMENT ON TABLE task IS 'x'",
}


@pytest.fixture
def pool(templates: conftest.Templates) -> Iterator[Callable[[], str]]:
    """``take()``: a new schema filled with the seed template through the pool (its URL).
    No clone of it is kept when the test starts (earlier tests on this worker may have left
    some)."""
    clones = conftest._PG_CLONES
    for name in clones.kept.pop(conftest.Templates.key(load_seed), []):
        _admin(pg_base_url()).execute(f"DROP SCHEMA {name} CASCADE")
    opened: list[Any] = []

    def take() -> str:
        context = new_pg_schema()
        url = context.__enter__()
        opened.append(context)
        templates.copy_into(url, load_seed)
        return url

    yield take
    for context in reversed(opened):
        context.__exit__(None, None, None)


def execute(url: str, sql: str) -> None:
    conn = _admin(pg_base_url())
    with conn.transaction():
        conn.execute(f"SET LOCAL search_path TO {conftest._schema_of(url)}")
        conn.execute(sql)


def tasks(url: str) -> list[tuple[Any, ...]]:
    conn = _admin(pg_base_url())
    with conn.transaction():
        conn.execute(f"SET LOCAL search_path TO {conftest._schema_of(url)}")
        return conn.execute("SELECT ctid::text, * FROM task ORDER BY ctid").fetchall()


def test_an_unchanged_clone_is_kept_and_reused_as_it_was(pool: Callable[[], str]) -> None:
    clones = conftest._PG_CLONES
    url = pool()
    before = tasks(url)
    schema = conftest._schema_of(url)
    assert clones.recycle(schema)
    kept = clones.kept[conftest.Templates.key(load_seed)][-1]
    hits = clones.hits
    again = pool()
    assert clones.hits == hits + 1 and kept not in clones.kept[conftest.Templates.key(load_seed)]
    assert tasks(again) == before


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_changed_clone_is_not_kept(pool: Callable[[], str], change: str) -> None:
    url = pool()
    execute(url, CHANGES[change])
    assert not conftest._PG_CLONES.recycle(conftest._schema_of(url))


def test_a_kept_clone_changed_meanwhile_is_not_reused(pool: Callable[[], str]) -> None:
    clones = conftest._PG_CLONES
    key = conftest.Templates.key(load_seed)
    url = pool()
    assert clones.recycle(conftest._schema_of(url))
    (kept,) = clones.kept[key]
    execute(conftest.with_search_path(pg_base_url(), kept), "ANALYZE task")
    hits = clones.hits
    url = pool()
    assert clones.hits == hits and not clones.kept[key]
    assert tasks(url)  # a fresh clone instead


class _Item:
    """What pytest_collection_modifyitems reads of a test without parameters."""

    def __init__(self, module: str, name: str) -> None:
        self.path = conftest.ROOT / "tests" / module
        self.nodeid = f"tests/{module}::{name}"

    def get_closest_marker(self, name: str) -> None:
        return None


def test_the_modules_with_the_longest_tests_are_collected_first() -> None:
    """So that neither xdist worker is left running one of them alone at the end."""
    names = [("test_a.py", "one"), ("test_status_sql.py", "x"), ("test_a.py", "two"),
             ("test_listing_fields.py", "y"), ("test_b.py", "three"),
             ("test_status_sql.py", "z")]
    items: list[Any] = [_Item(module, name) for module, name in names]
    conftest.pytest_collection_modifyitems(None, items)  # type: ignore[arg-type]
    assert [i.nodeid.split("/")[1] for i in items] == [
        "test_listing_fields.py::y", "test_status_sql.py::x", "test_status_sql.py::z",
        "test_a.py::one", "test_a.py::two", "test_b.py::three"]
    assert conftest.LONG_TESTS_FIRST[0] == "test_listing_fields.py"
    assert all((conftest.ROOT / "tests" / name).is_file() for name in conftest.LONG_TESTS_FIRST)


def test_temporary_files_go_to_the_ram_disk_unless_tmpdir_is_set(
        tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """This run's tmp_path and the commands' temporary files are on /dev/shm when the run
    chose it; a TMPDIR the person set is kept."""
    import tempfile

    if conftest.RAM_TMP is not None:
        assert str(tmp_path).startswith(conftest.RAM_TMP + "/")
        assert tempfile.gettempdir() == conftest.RAM_TMP
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)
    assert conftest._ram_disk_for_temporary_files() is None
    assert tempfile.gettempdir() == str(tmp_path)
