"""The status in force by one index-backed lookup per task, and summaries counted from it,
give exactly what the Python computation before them gave (``helpers.reference_statuses``,
``helpers.reference_summary``): tasks with several lead units reporting differently, unit
aliases, names typed with spaces, reports by units that do not lead the task, office updates
on the same day as a unit's, withdrawn updates, extensions, actual values, on many dates, on
both backends and on both ways of reading (by task id, and for the whole plan)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from helpers import ALIAS, reference_statuses, reference_summary
from taskduty import queries
from taskduty.db import Database
from taskduty.extensions import extend
from taskduty.schedule import Thresholds
from taskduty.store import add_alias
from taskduty.updates import NewUpdate, record_batch, withdraw

AS_OF = (date(2018, 1, 1), date(2018, 3, 31), date(2018, 6, 29), date(2018, 6, 30),
         date(2018, 8, 1), date(2018, 10, 15), date(2018, 12, 31), None)
# PostgreSQL runs the same SQL text with fewer dates: a quarter's report day and the day
# before it, after the extension to 2018-07-15 fell due, and today.
PG_AS_OF = (date(2018, 3, 31), date(2018, 6, 29), date(2018, 6, 30), date(2018, 10, 15), None)


def days(db: Database) -> tuple[date | None, ...]:
    return AS_OF if db.is_sqlite else PG_AS_OF


@pytest.fixture
def reported(seeded_reported: Callable[..., Any], db_url: str) -> Database:
    db = Database(db_url)
    yield db
    db.dispose()


def shown(tasks: list[queries.TaskView]) -> dict[str, tuple[Any, ...]]:
    return {t.code: (t.status, t.progress, t.note, t.updated, t.reports) for t in tasks}


@pytest.mark.parametrize("whole_plan", [False, True], ids=["by-ids", "whole-plan"])
def test_status_in_force_as_before(reported: Database, whole_plan: bool,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    if whole_plan:
        monkeypatch.setattr(queries, "BY_IDS_LIMIT", 0)
    seen: set[str] = set()
    differ = combined_done = 0
    with reported.read() as reader:
        for day in days(reported):
            tasks = queries.list_tasks(reader, queries.TaskFilter(year=2018, as_of=day))
            assert shown(tasks) == reference_statuses(reader, tasks, day or date.today())
            seen |= {t.status for t in tasks}
            differ += sum(t.reports_differ for t in tasks)
            combined_done += sum(t.status == "done" and len(t.units) > 1 for t in tasks)
            narrow = queries.list_tasks(reader, queries.TaskFilter(
                year=2018, as_of=day, units=[tasks[0].units[0]]))
            assert shown(narrow) == {c: v for c, v in shown(tasks).items()
                                     if c in {t.code for t in narrow}}
        for t in [t for t in tasks if len(t.units) > 1][:6]:
            for day in days(reported):
                one = queries.get_task(reader, t.code, 2018, day)
                assert shown([one]) == reference_statuses(reader, [one], day or date.today())
    assert seen == {"not_started", "in_progress", "behind", "done"}
    assert differ and combined_done  # the several-lead-units rule was exercised


def test_summary_as_before(reported: Database) -> None:
    lit = targets = 0
    with reported.read() as reader:
        for day in days(reported):
            for th in (Thresholds(), Thresholds(blue_days=60, yellow_points=5)):
                tasks = queries.list_tasks(reader, queries.TaskFilter(year=2018, as_of=day,
                                                                      thresholds=th))
                total_before = reference_summary(tasks, None)
                for by in ("leader", "unit", "goal"):
                    rows, total = queries.summary_with_total(reader, by, 2018, day, th)
                    assert rows == reference_summary(tasks, by), (by, day, th)
                    assert total == total_before
                    assert queries.summary(reader, by, 2018, day, th) == rows
                    assert queries.summary_rows(tasks, by) == rows
                assert queries.summary_total(tasks) == total_before
                assert queries.name_counts(reader, "unit", 2018, day) == \
                    reference_summary(queries.list_tasks(reader, queries.TaskFilter(
                        year=2018, as_of=day)), "unit")
                lit += total_before["red"] + total_before["yellow"] + total_before["blue"]
                targets += total_before["targets_ok"]
    assert lit and targets


def test_summary_of_an_unknown_grouping(reported: Database) -> None:
    with reported.read() as reader, pytest.raises(queries.TaskdutyError, match="cannot summarise"):
        queries.summary_with_total(reader, "colour", 2018)


def _summaries_as_before(db: Database, days: tuple[date | None, ...]) -> dict[str, int]:
    """Every grouping's rows and 合计 on ``days`` are the per-task reference's; returns
    what the totals counted, summed."""
    seen: Counter[str] = Counter()
    with db.read() as reader:
        for day in days:
            for th in (Thresholds(), Thresholds(blue_days=60, yellow_points=5)):
                tasks = queries.list_tasks(reader, queries.TaskFilter(year=2018, as_of=day,
                                                                      thresholds=th))
                for by in ("leader", "unit", "goal"):
                    rows, total = queries.summary_with_total(reader, by, 2018, day, th)
                    assert rows == reference_summary(tasks, by), (by, day, th)
                    assert total == reference_summary(tasks, None), (by, day, th)
                seen.update({k: v for k, v in total.items() if isinstance(v, int)})
    return seen


def _paths(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Count how summaries are computed: grouped in SQL (with how many tasks in Python), or
    per task."""
    seen = {"grouped": 0, "per_task": 0, "in_python": 0}
    grouped, per_task, facts = (queries._grouped_summary, queries._summary_per_task,
                                queries._task_facts)

    def spy_grouped(*args: Any, **kwargs: Any) -> Any:
        out = grouped(*args, **kwargs)
        seen["grouped"] += out is not None
        return out

    def spy_per_task(*args: Any, **kwargs: Any) -> Any:
        seen["per_task"] += 1
        return per_task(*args, **kwargs)

    def spy_facts(*args: Any, **kwargs: Any) -> Any:
        out = facts(*args, **kwargs)
        seen["in_python"] += len(out[0])
        return out

    monkeypatch.setattr(queries, "_grouped_summary", spy_grouped)
    monkeypatch.setattr(queries, "_summary_per_task", spy_per_task)
    monkeypatch.setattr(queries, "_task_facts", spy_facts)
    return seen


def test_grouped_summary_counts_the_hard_tasks_in_python(
        reported: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """On the reports fixture (own reports of several lead units, aliases, actual values)
    the summary is grouped in SQL with those tasks counted in Python, and is the same when
    counted per task."""
    seen = _paths(monkeypatch)
    _summaries_as_before(reported, days(reported))
    assert seen["grouped"] and seen["in_python"]
    assert seen["per_task"] == 0
    monkeypatch.setattr(queries, "MAX_SCHEDULES", 0)  # too many schedules: per task
    _summaries_as_before(reported, AS_OF[2:4])
    assert seen["per_task"]


@pytest.fixture
def office_reported(seeded: Callable[..., Any], db_url: str) -> Database:
    """The 2018 seed reported on by the office only (every status, progress or none, some
    withdrawn, some tasks never reported), with extensions, and no actual values: nearly
    every task is counted in SQL."""
    db = Database(db_url)
    with db.read() as reader:
        tasks = queries.list_tasks(reader, queries.TaskFilter(year=2018))
    assert sum(len(t.units) > 1 for t in tasks) >= 8
    spared = {t.code for t in [t for t in tasks if len(t.units) > 1][-4:]}
    reported = [t for t in tasks if t.code not in spared]
    statuses = [("in_progress", 40), ("not_started", 20), ("not_started", None),
                ("behind", 10), ("done", None), ("in_progress", None), ("done", 100),
                ("behind", None), ("in_progress", 95)]
    first = record_batch(db, 2018, [
        NewUpdate(t.code, *statuses[i % len(statuses)][:1], date(2018, 3, 31),
                  statuses[i % len(statuses)][1], "一季度", by="督查室")
        for i, t in enumerate(reported[: len(reported) - 5])])
    second = record_batch(db, 2018, [
        NewUpdate(t.code, *statuses[(i + 4) % len(statuses)][:1], date(2018, 6, 30),
                  statuses[(i + 4) % len(statuses)][1], "二季度", by="督查室")
        for i, t in enumerate(reported[::3])])
    withdraw(db, [u["id"] for u in second.recorded[::4]] + [first.recorded[1]["id"]])
    undated = [t.code for t in tasks if t.due_date is None]
    extend(db, 2018, undated[:4], date(2018, 7, 15), "资金未到位")
    dated = [t.code for t in tasks if t.due_date is not None]
    extend(db, 2018, dated[:2], date(2019, 1, 31), "跨年实施")
    extend(db, 2018, dated[2:4], date(2018, 6, 1), "提前")
    record_batch(db, 2018, [  # nearly done, due soon: lit blue
        NewUpdate(code, "in_progress", date(2018, 6, 15), 97, by="督查室")
        for code in undated[:4] + dated[2:4]])
    yield db
    db.dispose()


def test_grouped_summary_of_office_reports_as_before(
        office_reported: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Office reports on tasks with one and several lead units: grouped in SQL (but for
    few), the same rows and 合计 as counted per task."""
    seen = _paths(monkeypatch)
    counted = _summaries_as_before(office_reported, AS_OF)
    assert all(counted[k] for k in ("red", "yellow", "blue", "not_started", "in_progress",
                                    "behind", "done"))
    assert seen["grouped"] and seen["per_task"] == 0
    # only the not started with a progress among several lead units (three groupings each)
    assert 0 < seen["in_python"] <= 3 * counted["tasks"] // 10


def test_grouped_summary_with_a_lead_unit_as_sole_reporter(
        office_reported: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """A task with several lead units whose one reporter is one of them (by name, by alias,
    or typed with spaces, which SQL cannot compare) is counted as before."""
    db = office_reported
    with db.read() as reader:
        multi = [t for t in queries.list_tasks(reader, queries.TaskFilter(year=2018))
                 if len(t.units) > 1]
    add_alias(db, ALIAS, multi[1].units[1], "unit")
    # only tasks that have no office report yet can have one reporter
    with db.read() as reader:
        fresh = [t for t in multi if not queries.get_task(reader, t.code, 2018).history]
    assert len(fresh) >= 3, "the fixture leaves tasks with several lead units unreported"
    record_batch(db, 2018, [
        NewUpdate(fresh[0].code, "done", date(2018, 6, 30), 100, "先完成", by=fresh[0].units[0]),
        NewUpdate(fresh[1].code, "in_progress", date(2018, 6, 30), 100, "简称",
                  by=ALIAS if fresh[1].units[1] == multi[1].units[1] else fresh[1].units[1])])
    seen = _paths(monkeypatch)
    _summaries_as_before(db, AS_OF[3:])
    assert seen["in_python"] and seen["per_task"] == 0
    first = fresh[2].units[0]
    record_batch(db, 2018, [NewUpdate(fresh[2].code, "behind", date(2018, 6, 30), 30,
                                      by=f" {first[:1]} {first[1:]}")])
    _summaries_as_before(db, AS_OF[3:5])
    assert seen["per_task"]


def test_bound_lookup_by_in_lists() -> None:
    """:func:`queries._bound_sql` gives each milestones text its own bound, however many
    texts and distinct bounds there are, and a task without milestones the undated one."""
    import sqlite3

    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (milestones TEXT)")
    for count, values in ((1, [7]), (3, [5, 5, -9]), (40, list(range(-20, 20))),
                          (97, [(i * 37) % 11 - 5 for i in range(97)])):
        texts = [f'[{{"date": "2018-01-{i % 28 + 1:02d}", "step": "{i}"}}]'
                 for i in range(count)]
        conn.execute("DELETE FROM t")
        conn.executemany("INSERT INTO t VALUES (?)", [(x,) for x in texts] + [(None,)])
        params = {f"m{i}": x for i, x in enumerate(texts)}
        expr = queries._bound_sql({f":m{i}": v for i, v in enumerate(values)}, 1234)
        got = dict(conn.execute(f"SELECT t.milestones, {expr} FROM t", params).fetchall())
        assert got == {**dict(zip(texts, values, strict=True)), None: 1234}
    assert queries._bound_sql({}, 3) == "3"
