"""The statements added for narrow listings and streaming are index-backed on SQLite too:
links and statuses read by task id, the whole-plan reads of big listings, the pages of
:func:`queries.iter_tasks` (keyset paging along ``task (plan_id, goal_no, seq)``) and
:func:`queries.task_facts`. The checker is ``helpers``'s, the fixture conftest's ``db_path``."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from helpers import filters, full_scans, plan_of, statements
from taskduty import queries
from taskduty.db import Database


@pytest.mark.parametrize("name", ["plan/year", "leader", "unit", "search", "status as of"])
def test_whole_plan_reads_use_indexes(db_path: Path, name: str,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queries, "BY_IDS_LIMIT", 0)  # as for a listing of a big year
    flt = filters(db_path)[name]
    found = statements(db_path, lambda r: queries.list_tasks(r, flt))
    assert any(":p" in sql and "task_update" in sql for sql, _ in found)
    for sql, params in found:
        plan = plan_of(db_path, sql, params)
        assert not full_scans(plan), f"{name}: {sql}\n" + "\n".join(plan)


def test_reads_by_task_id_are_key_lookups(db_path: Path) -> None:
    flt = filters(db_path)["leader"]
    by_id = [(s, p) for s, p in statements(db_path, lambda r: queries.list_tasks(r, flt))
             if "i0" in p]
    # leaders, units, statuses, extensions, and the actual values of quantitative targets
    # when the tasks have any
    assert len(by_id) >= 3
    for sql, params in by_id:
        plan = "\n".join(plan_of(db_path, sql, params))
        assert re.search(r"SEARCH (tl|tu|u|s|v|e|a) USING .*\(task_id=\?", plan), plan
        assert not full_scans(plan.splitlines()), plan


@pytest.mark.parametrize("name", ["plan/year", "leader", "unit", "goal", "search",
                                  "status as of", "all at once"])
def test_pages_and_facts_use_indexes(db_path: Path, name: str) -> None:
    flt = filters(db_path)[name]

    def stream(reader: object) -> None:
        list(queries.iter_tasks(reader, flt, batch=10))  # type: ignore[arg-type]
        queries.task_facts(reader, flt)  # type: ignore[arg-type]

    found = statements(db_path, stream)
    pages = [(s, p) for s, p in found if "LIMIT :batch" in s]
    assert len(pages) >= 2 or name not in ("plan/year", "status as of")
    for sql, params in found:
        plan = plan_of(db_path, sql, params)
        assert not full_scans(plan), f"{name}: {sql}\n" + "\n".join(plan)
    for sql, params in pages:  # pages come in index order: no sort per page
        plan = plan_of(db_path, sql, params)
        assert not any("TEMP B-TREE FOR ORDER BY" in step for step in plan), plan


def test_pages_continue_along_the_index(db_path: Path) -> None:
    """A later page starts where the last ended, by an index range, not from the start."""
    flt = filters(db_path)["plan/year"]
    pages = [(s, p) for s, p in statements(
        db_path, lambda r: list(queries.iter_tasks(r, flt, batch=10))) if "LIMIT :batch" in s]
    plan = "\n".join(plan_of(db_path, *pages[3]))
    assert re.search(r"SEARCH t USING INDEX \S+ \(plan_id=\? AND \(goal_no,seq\)>\(\?,\?\)\)",
                     plan), plan


def test_an_exact_name_is_one_indexed_lookup(db_path: Path) -> None:
    """Resolving a name typed in full does not read the year's whole list of names."""
    with Database(str(db_path)).read() as reader:
        pid, _ = queries.plan_id(reader, 2018)
        unit = queries.known_names(reader, "unit", pid)[0]
        leader = queries.known_names(reader, "leader", pid)[0]
    for kind, name in (("unit", unit), ("leader", leader)):
        found = statements(db_path, lambda r, k=kind, n=name: queries.resolve_names(
            r, k, [n], 2018))
        assert not any("DISTINCT" in sql for sql, _ in found), found
        for sql, params in found:
            assert not full_scans(plan_of(db_path, sql, params)), sql
        with Database(str(db_path)).read() as reader:
            assert queries.resolve_names(reader, kind, [name], 2018) == [name]


def test_a_lead_units_tasks_are_read_from_its_links(db_path: Path) -> None:
    """:func:`queries.lead_unit_tasks` finds the unit's tasks through its links (unit by name,
    its links by unit id, each task by its key) in every statement, and the listing reads
    ``task t`` by key, not the whole plan along ``task (plan_id, …)``; :func:`queries.lead_units`
    is one index-backed statement."""
    flt = queries.TaskFilter(year=2018, as_of=date(2018, 6, 30))
    with Database(str(db_path)).read() as reader:
        unit = max(queries.lead_units(reader, flt), key=lambda u: len(
            queries.lead_unit_tasks(reader, flt, u)))
    found = statements(db_path, lambda r: queries.lead_unit_tasks(r, flt, unit))
    listing = [(s, p) for s, p in found if "FROM task t JOIN goal g" in s]
    assert len(listing) == 1 and len(found) >= 4
    for sql, params in found:
        plan = plan_of(db_path, sql, params)
        assert not full_scans(plan), f"{sql}\n" + "\n".join(plan)
        joined = "\n".join(plan)
        if "scope_unit" in params and "task_unit su" in sql:
            assert re.search(r"SEARCH su USING (COVERING )?INDEX \S+ \(unit_id=\?\)", joined), sql
    steps = [step for step in plan_of(db_path, *listing[0]) if re.match(r"(SEARCH|SCAN) t\b", step)]
    assert steps == ["SEARCH t USING INTEGER PRIMARY KEY (rowid=?)"], steps
    names = statements(db_path, lambda r: queries.lead_units(r, queries.TaskFilter(year=2018)))
    assert len(names) == 2  # the plan, then the names
    assert not full_scans(plan_of(db_path, *names[-1]))
