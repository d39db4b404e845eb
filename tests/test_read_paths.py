"""The lean read path (the standard library's sqlite3) returns exactly what the SQLAlchemy path
returns, for every public query in ``queries.py``, on the seed with recorded and withdrawn
updates. SQLite only: on PostgreSQL there is a single path."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import SEED_CSV
from taskduty import queries
from taskduty.db import Database
from taskduty.migrations import open_database
from taskduty.store import load_plan
from taskduty.table import read_table
from taskduty.updates import NewActual, NewUpdate, record_batch, withdraw

AS_OF = (date(2018, 3, 31), date(2018, 7, 1), date(2019, 1, 1))


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed with updates in three months, one batch partly withdrawn."""
    path = tmp_path_factory.mktemp("read_paths") / "taskduty.db"
    db = open_database(str(path))
    load_plan(db, read_table(SEED_CSV), 2018, SEED_CSV.name)
    with db.read() as reader:
        codes = [t.code for t in queries.list_tasks(reader, queries.TaskFilter(year=2018))]
    plans = [(date(2018, 3, 31), "in_progress", 30), (date(2018, 6, 30), "behind", 40),
             (date(2018, 9, 30), "done", 100)]
    ids: list[int] = []
    for step, (day, status, progress) in enumerate(plans):
        chosen = codes[step::3] + codes[: 10 * (step + 1)]
        result = record_batch(db, 2018, [
            NewUpdate(code=c, status=status, date=day, progress=progress,
                      note=f"第{step + 1}次填报", by="督查室") for c in dict.fromkeys(chosen)])
        ids += [r["id"] for r in result.recorded]
    withdraw(db, ids[:5])
    actuals = record_batch(db, 2018, [], actuals=[  # quantitative targets' actual values
        NewActual("1.1", 1, "8.2%", date(2018, 6, 30)),
        NewActual("1.5", 2, "61", date(2018, 3, 31)),
        NewActual("1.5", 1, "2.5", date(2018, 6, 30)),
        NewActual("1.5", 1, "4", date(2018, 9, 30))])
    withdraw(db, [], actual_ids=[int(actuals.actuals[-1]["id"][1:])])
    db.dispose()
    return path


@pytest.fixture(scope="module")
def both(db_path: Path) -> Iterator[Callable[[Callable[[Any], Any]], tuple[Any, Any]]]:
    """``both(fn)``: ``fn(reader)`` on the sqlite3 path and on the SQLAlchemy path."""
    fast, orm = Database(str(db_path), fast_reads=True), Database(str(db_path), fast_reads=False)

    def run(fn: Callable[[Any], Any]) -> tuple[Any, Any]:
        with fast.read() as r1:
            a = fn(r1)
        with orm.read() as r2:
            b = fn(r2)
        return a, b

    yield run
    orm.dispose()


def same(both: Callable[..., tuple[Any, Any]], fn: Callable[[Any], Any]) -> Any:
    a, b = both(fn)
    assert a == b
    return a


def test_the_two_paths_really_differ(db_path: Path) -> None:
    with Database(str(db_path), fast_reads=True).read() as r1:
        assert type(r1).__name__ == "_SqliteReader"
    orm = Database(str(db_path), fast_reads=False)
    with orm.read() as r2:
        assert type(r2).__name__ == "_SqlaReader"
    orm.dispose()


def test_years_plan_goals(both: Callable[..., tuple[Any, Any]]) -> None:
    rows = same(both, queries.years)
    assert rows and rows[0]["year"] == 2018 and rows[0]["loaded_at"]
    assert same(both, lambda r: queries.plan_id(r, None)) == same(
        both, lambda r: queries.plan_id(r, 2018))
    goals = same(both, lambda r: queries.goals(r, 2018))
    assert sum(g["tasks"] for g in goals) == rows[0]["tasks"]


def test_names_and_aliases(both: Callable[..., tuple[Any, Any]]) -> None:
    pid, _ = same(both, lambda r: queries.plan_id(r, 2018))
    for kind in ("leader", "unit"):
        names = same(both, lambda r, k=kind: queries.known_names(r, k, pid))
        assert names
        same(both, lambda r, k=kind: queries.aliases(r, k))
        resolved = same(both, lambda r, k=kind, n=names[0]: queries.resolve_names(
            r, k, [n], 2018))
        assert resolved == [names[0]]
        assert same(both, lambda r, k=kind, n=names[0]: queries.has_name(r, k, pid, n))
        assert not same(both, lambda r, k=kind: queries.has_name(r, k, pid, "不存在的名字"))


def filters(both: Callable[..., tuple[Any, Any]]) -> list[queries.TaskFilter]:
    """One filter of each kind, with values taken from the data."""
    pid, _ = same(both, lambda r: queries.plan_id(r, 2018))
    leaders = same(both, lambda r: queries.known_names(r, "leader", pid))
    units = same(both, lambda r: queries.known_names(r, "unit", pid))
    everything = same(both, lambda r: queries.list_tasks(r, queries.TaskFilter(year=2018)))
    word = everything[len(everything) // 2].standard[2:4]
    out = [queries.TaskFilter(year=2018), queries.TaskFilter(),
           queries.TaskFilter(leaders=leaders[:1]), queries.TaskFilter(leaders=leaders[:3]),
           queries.TaskFilter(units=units[:2]),
           queries.TaskFilter(goal=everything[-1].goal_no),
           queries.TaskFilter(search=word), queries.TaskFilter(search=everything[0].code),
           queries.TaskFilter(leaders=leaders[:2], units=units[:5], search=word[:1])]
    for day in AS_OF:
        out += [queries.TaskFilter(as_of=day),
                queries.TaskFilter(as_of=day, statuses=["in_progress", "behind"]),
                queries.TaskFilter(as_of=day, stale_days=30),
                queries.TaskFilter(as_of=day, overdue=True)]
    return out


def test_list_tasks_with_every_filter(both: Callable[..., tuple[Any, Any]]) -> None:
    seen_statuses: set[str] = set()
    for flt in filters(both):
        found = same(both, lambda r, f=flt: queries.list_tasks(r, f))
        seen_statuses |= {t.status for t in found}
    assert {"in_progress", "behind", "done", "not_started"} <= seen_statuses


def test_lead_units_and_their_tasks_with_every_filter(
        both: Callable[..., tuple[Any, Any]]) -> None:
    """lead_units: the sorted lead units of list_tasks' tasks; lead_unit_tasks: its tasks each
    unit leads, in its order (every unit for the whole year, a few for the other filters)."""
    day = AS_OF[1]
    several = 0
    for i, flt in enumerate([*filters(both), queries.TaskFilter(as_of=day, warnings=["red"]),
                             queries.TaskFilter(as_of=day, targets=["met", "none"])]):
        listed = same(both, lambda r, f=flt: queries.list_tasks(r, f))
        units = same(both, lambda r, f=flt: queries.lead_units(r, f))
        assert units == sorted({u for t in listed for u in t.units})
        for unit in units if i == 0 else units[i % 3::5]:
            mine = same(both, lambda r, f=flt, u=unit: queries.lead_unit_tasks(r, f, u))
            assert mine == [t for t in listed if unit in t.units]
            several += sum(len(t.units) > 1 for t in mine)
    assert several


def test_task_rows_with_every_filter(both: Callable[..., tuple[Any, Any]]) -> None:
    for flt in filters(both):
        for keys in (None, ["code", "status"], ["warning", "code", "reports", "targets"]):
            same(both, lambda r, f=flt, k=keys: list(queries.iter_task_rows(r, f, k)))


def test_get_task_with_history(both: Callable[..., tuple[Any, Any]]) -> None:
    everything = same(both, lambda r: queries.list_tasks(r, queries.TaskFilter(year=2018)))
    with_history = 0
    for task in everything[:12] + everything[-3:]:
        for withdrawn in (False, True):
            for day in (None, *AS_OF):
                full = same(both, lambda r, c=task.code, d=day, w=withdrawn: queries.get_task(
                    r, c, 2018, d, w))
                assert full.code == task.code
                with_history += bool(full.history)
    assert with_history


@pytest.mark.parametrize("by", ["leader", "unit", "goal"])
def test_summary_and_counts(both: Callable[..., tuple[Any, Any]], by: str) -> None:
    for day in (None, *AS_OF):
        rows = same(both, lambda r, d=day: queries.summary(r, by, 2018, d))
        assert rows and sum(r["tasks"] for r in rows) >= len(rows)
        if by != "goal":
            same(both, lambda r, d=day: queries.name_counts(r, by, 2018, d))
        rows2, total = same(both, lambda r, d=day: queries.summary_with_total(r, by, 2018, d))
        assert rows2 == rows and total["tasks"] <= sum(r["tasks"] for r in rows)


def test_status_in_force(both: Callable[..., tuple[Any, Any]]) -> None:
    pid, _ = same(both, lambda r: queries.plan_id(r, 2018))
    everything = same(both, lambda r: queries.list_tasks(r, queries.TaskFilter(year=2018)))
    units = {t.id: t.units for t in everything}
    some = [t.id for t in everything[:30]]
    for day in AS_OF:
        whole = same(both, lambda r, d=day: queries.status_in_force(r, pid, d, units))
        part = same(both, lambda r, d=day: queries.status_in_force(r, pid, d, units, some))
        assert whole and part == {k: v for k, v in whole.items() if k in some}
        assert any(c.per_unit for c in whole.values())  # several lead units combined


def test_task_names(both: Callable[..., tuple[Any, Any]]) -> None:
    names = same(both, lambda r: queries.task_names(r, queries.TaskFilter(year=2018)))
    assert names["leaders"] and names["units"]


def test_year_for(both: Callable[..., tuple[Any, Any]]) -> None:
    for year, day in ((None, None), (None, date(2018, 3, 31)), (None, date(2017, 1, 1)),
                      (2018, date(2019, 1, 1))):
        same(both, lambda r, y=year, d=day: queries.year_for(r, y, d))


COVERED = {"years", "plan_id", "known_names", "has_name", "aliases", "resolve_names",
           "list_tasks",
           "get_task", "goals", "name_counts", "summary", "year_for",
           "task_names", "summary_with_total", "status_in_force",
           "iter_tasks", "task_facts", "iter_task_rows",  # compared in tests/test_perf_queries.py
           "lead_units", "lead_unit_tasks"}


def test_every_public_query_is_compared() -> None:
    """A new query taking a reader must be added to the comparisons above."""
    readers = {name for name, fn in inspect.getmembers(queries, inspect.isfunction)
               if fn.__module__ == queries.__name__ and not name.startswith("_")
               and next(iter(inspect.signature(fn).parameters), None) == "reader"}
    assert readers <= COVERED, f"not compared yet: {sorted(readers - COVERED)}"
