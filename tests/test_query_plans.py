"""Every filter of ``tasks`` is index-backed on SQLite: ``EXPLAIN QUERY PLAN`` of each statement
that :func:`queries.list_tasks` (and the queries built on it) issues shows no full table scan.

``--search`` (``LIKE '%text%'``) cannot use a B-tree index; its statement still finds the
plan's rows through the ``task (plan_id, …)`` index, so the text test runs only over one
year's tasks.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from helpers import filters, full_scans, names, plan_of, statements
from taskduty import queries


@pytest.mark.parametrize("name", [
    "plan/year", "latest year", "leader", "leaders", "unit", "goal", "search", "status as of",
    "all at once"])
def test_each_filter_uses_indexes(db_path: Path, name: str) -> None:
    flt = filters(db_path)[name]
    for sql, params in statements(db_path, lambda r: queries.list_tasks(r, flt)):
        plan = plan_of(db_path, sql, params)
        assert not full_scans(plan), f"{name}: {sql}\n" + "\n".join(plan)


def task_step(db_path: Path, flt: queries.TaskFilter) -> str:
    """The plan step that reads ``task t`` in the main listing statement."""
    listing = [(s, p) for s, p in statements(db_path, lambda r: queries.list_tasks(r, flt))
               if "FROM task t JOIN goal g" in s]
    assert listing
    steps = [step for step in plan_of(db_path, *listing[0])
             if re.match(r"(SEARCH|SCAN) t\b", step)]
    assert steps
    return steps[0]


def test_the_year_and_goal_are_index_lookups(db_path: Path) -> None:
    assert re.search(r"SEARCH t USING .*INDEX \S+ \(plan_id=\?", task_step(
        db_path, queries.TaskFilter(year=2018)))
    assert re.search(r"\(plan_id=\? AND goal_no=\?", task_step(
        db_path, queries.TaskFilter(goal=2)))


def test_name_filters_look_names_up_by_index(db_path: Path) -> None:
    for kind, flt in (("leader", queries.TaskFilter(leaders=names(db_path, "leader")[:1])),
                      ("unit", queries.TaskFilter(units=names(db_path, "unit")[:1]))):
        listing = [(s, p) for s, p in statements(db_path, lambda r, f=flt: queries.list_tasks(
            r, f)) if "FROM task t JOIN goal g" in s]
        plan = "\n".join(plan_of(db_path, *listing[0]))
        assert re.search(r"SEARCH \w+ USING (COVERING )?INDEX \S+ \(name=\?\)", plan), plan
        assert re.search(rf"SEARCH t\w USING (COVERING )?INDEX \S+ \({kind}_id=\?\)",
                         plan), plan


@pytest.mark.parametrize("query", ["get_task", "goals", "summary", "names"])
def test_other_queries_use_indexes(db_path: Path, query: str) -> None:
    calls: dict[str, Callable[[Any], Any]] = {
        "get_task": lambda r: queries.get_task(r, "2.1", 2018, None, True),
        "goals": lambda r: queries.goals(r, 2018),
        "summary": lambda r: queries.summary(r, "unit", 2018, date(2018, 6, 30)),
        "names": lambda r: queries.resolve_names(r, "unit", [names(db_path, "unit")[0]], 2018),
    }
    for sql, params in statements(db_path, calls[query]):
        plan = plan_of(db_path, sql, params)
        assert not full_scans(plan), f"{query}: {sql}\n" + "\n".join(plan)


def test_full_scans_are_recognised() -> None:
    """The checker itself: a table scan is caught, an index scan or co-routine is not."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE task (id INTEGER PRIMARY KEY, plan_id INT, standard TEXT)")
    conn.execute("CREATE INDEX ix ON task (plan_id)")

    def plan(sql: str) -> list[str]:
        return [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql)]

    assert full_scans(plan("SELECT * FROM task WHERE standard LIKE '%a%'"))
    assert not full_scans(plan("SELECT * FROM task WHERE plan_id = 1 AND standard LIKE '%a%'"))
    assert not full_scans(plan("SELECT * FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) rn "
                               "FROM task WHERE plan_id = 1) x WHERE rn = 1"))
