"""``export`` to xlsx streams: the workbook is written while the tasks are read, a page at a
time, and comes out exactly as when every task is listed first."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from conftest import load_seed
from helpers import assert_goals_merged_per_page
from taskduty import queries
from taskduty.db import Database
from taskduty.excel import write_report
from taskduty.updates import NewUpdate, record_batch

AS_OF = date(2018, 6, 30)


def dump(path: Path) -> dict[str, Any]:
    """Everything a reader of the workbook sees: values, styles, merges, sizes, print setup."""
    wb = openpyxl.load_workbook(path)
    out: dict[str, Any] = {"sheets": wb.sheetnames, "title": wb.properties.title}
    for ws in wb.worksheets:
        out[ws.title] = {
            "cells": [(c.coordinate, c.value, c.data_type, c.style_id, c.quotePrefix)
                      for row in ws.iter_rows() for c in row],
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "heights": {k: v.height for k, v in ws.row_dimensions.items() if v.height},
            "widths": {k: v.width for k, v in ws.column_dimensions.items()},
            "filter": ws.auto_filter.ref, "area": ws.print_area, "charts": len(ws._charts)}
    return out


def load_seed_updated(run: Callable[..., Any], folder: Path) -> None:
    """The seed with updates of every status, some tasks left without any (a template:
    built once, copied)."""
    load_seed(run, folder)
    db = Database(run.url)
    with db.read() as reader:
        codes = [t.code for t in queries.list_tasks(reader, queries.TaskFilter(year=2018))]
    for day, status, chosen in ((date(2018, 3, 31), "in_progress", codes[::2]),
                                (date(2018, 5, 31), "behind", codes[::5]),
                                (date(2018, 6, 20), "done", codes[::7])):
        record_batch(db, 2018, [NewUpdate(code=c, status=status, date=day, progress=50,
                                          note="=进展" if i % 3 == 0 else "进展")
                                for i, c in enumerate(chosen)])
    db.dispose()


@pytest.fixture
def updated(from_template: Callable[..., Any], db_url: str) -> Iterator[Database]:
    """The seed with updates of every status, some tasks left without any."""
    from_template(load_seed_updated)
    db = Database(db_url)
    yield db
    db.dispose()


def test_streamed_workbook_equals_listed_one(updated: Database, tmp_path: Path) -> None:
    with updated.read() as reader:
        flt = queries.TaskFilter(year=2018, as_of=AS_OF)
        listed = queries.list_tasks(reader, flt)
        a = write_report(tmp_path / "listed.xlsx", listed, 2018, AS_OF, 30)
        facts = queries.task_facts(reader, flt)
        b = write_report(tmp_path / "streamed.xlsx", queries.iter_tasks(reader, flt, batch=4),
                         2018, AS_OF, 30, co_units=facts.co_units, deadlines=facts.deadlines,
                         names=queries.task_names(reader, flt))
    assert (a.tasks, a.behind_or_stale, a.counts) == (b.tasks, b.behind_or_stale, b.counts)
    assert a.tasks == len(listed) and set(a.counts) == {"not_started", "in_progress",
                                                        "behind", "done"}
    assert 0 < a.behind_or_stale < a.tasks
    assert dump(a.path) == dump(b.path)


def test_goal_merges_across_pages(updated: Database, tmp_path: Path,
                                  run: Callable[..., Any],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages smaller than a goal: each goal's cell is still merged over all its rows."""
    out = tmp_path / "big-pages.xlsx"
    assert run("export", str(out), "--as-of", AS_OF.isoformat()).exit_code == 0
    monkeypatch.setattr(queries, "ID_CHUNK", 2)
    small = tmp_path / "small-pages.xlsx"
    result = run("export", str(small), "--as-of", AS_OF.isoformat())
    assert result.exit_code == 0, result.output
    assert dump(small) == dump(out)
    ws = openpyxl.load_workbook(small).worksheets[0]
    with updated.read() as reader:
        tasks = [t.as_dict() for t in queries.list_tasks(reader, queries.TaskFilter(year=2018))]
    goals = [t["goal_no"] for t in tasks]
    assert max(goals.count(g) for g in goals) > 2
    assert_goals_merged_per_page(ws, tasks)


def test_tasks_are_read_as_they_are_written(updated: Database, tmp_path: Path) -> None:
    """At no point are more than a page or two of tasks alive: memory stays flat."""
    seen: list[weakref.ref[queries.TaskView]] = []
    most = 0

    def watched(tasks: Iterator[queries.TaskView]) -> Iterator[queries.TaskView]:
        nonlocal most
        for task in tasks:
            seen.append(weakref.ref(task))
            most = max(most, sum(ref() is not None for ref in seen))
            yield task

    with updated.read() as reader:
        flt = queries.TaskFilter(year=2018, as_of=AS_OF)
        info = write_report(tmp_path / "r.xlsx", watched(queries.iter_tasks(reader, flt,
                                                                             batch=5)),
                            2018, AS_OF, 30, co_units=False, deadlines=False)
    assert info.tasks > 100
    assert most <= 2 * 5 + 1


def test_an_iterator_without_facts_is_listed_first(updated: Database, tmp_path: Path) -> None:
    """Columns depend on every task: without the facts, write_report finds them itself."""
    with updated.read() as reader:
        flt = queries.TaskFilter(year=2018, as_of=AS_OF)
        a = write_report(tmp_path / "a.xlsx", queries.iter_tasks(reader, flt), 2018, AS_OF)
        b = write_report(tmp_path / "b.xlsx", queries.list_tasks(reader, flt), 2018, AS_OF)
    assert a.tasks == b.tasks > 0
    assert dump(a.path) == dump(b.path)
