"""Listings cost what their result costs: a narrow filter reads only its own tasks' links and
statuses (by task id, in chunks), and :func:`queries.iter_tasks` pages through a year giving
exactly what :func:`queries.list_tasks` gives."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import SEED_CSV, load_seed
from taskduty import queries
from taskduty.db import Database
from taskduty.migrations import open_database
from taskduty.store import load_plan
from taskduty.table import read_table
from taskduty.updates import NewUpdate, record_batch, withdraw

AS_OF = (date(2018, 3, 31), date(2018, 7, 1), date(2019, 1, 1))


def add_history(url: str) -> None:
    """Updates in three months on the 2018 table, some withdrawn."""
    db = Database(url)
    with db.read() as reader:
        codes = [t.code for t in queries.list_tasks(reader, queries.TaskFilter(year=2018))]
    ids: list[int] = []
    for step, (day, status, progress) in enumerate(
            [(date(2018, 3, 31), "in_progress", 30), (date(2018, 6, 30), "behind", 40),
             (date(2018, 9, 30), "done", 100)]):
        chosen = dict.fromkeys(codes[step::3] + codes[: 10 * (step + 1)])
        result = record_batch(db, 2018, [
            NewUpdate(code=c, status=status, date=day, progress=progress,
                      note=f"第{step + 1}次", by="督查室") for c in chosen])
        ids += [r["id"] for r in result.recorded]
    withdraw(db, ids[:5])
    db.dispose()


def load_seed_with_history(run: Callable[..., Any], folder: Path) -> None:
    """The 2018 seed with :func:`add_history`'s updates (a template: built once, copied)."""
    load_seed(run, folder)
    add_history(run.url)


@pytest.fixture
def history(from_template: Callable[..., Any], db_url: str) -> Iterator[Database]:
    from_template(load_seed_with_history)
    db = Database(db_url)
    yield db
    db.dispose()


def every_filter(reader: Any) -> list[queries.TaskFilter]:
    """One filter of each kind (names and words taken from the data), on three dates."""
    pid, _ = queries.plan_id(reader, 2018)
    leaders = queries.known_names(reader, "leader", pid)
    units = queries.known_names(reader, "unit", pid)
    everything = queries.list_tasks(reader, queries.TaskFilter(year=2018))
    word = everything[len(everything) // 2].standard[2:4]
    out = [queries.TaskFilter(year=2018), queries.TaskFilter(leaders=leaders[:1]),
           queries.TaskFilter(leaders=leaders[:3]), queries.TaskFilter(units=units[:2]),
           queries.TaskFilter(goal=everything[-1].goal_no), queries.TaskFilter(search=word),
           queries.TaskFilter(leaders=leaders[:2], units=units[:5], search=word[:1])]
    for day in AS_OF:
        out += [queries.TaskFilter(as_of=day),
                queries.TaskFilter(as_of=day, statuses=["in_progress", "behind"]),
                queries.TaskFilter(as_of=day, stale_days=30),
                queries.TaskFilter(as_of=day, overdue=True),
                queries.TaskFilter(as_of=day, leaders=leaders[1:2], statuses=["done"])]
    return out


def views(tasks: list[queries.TaskView]) -> list[dict[str, Any]]:
    return [t.as_dict(with_history=True) | {"id": t.id} for t in tasks]


# A page of one task only changes the LIMIT's value: PostgreSQL pages its keyset SQL by 7
# and by 500 (one page), SQLite also task by task.
@pytest.mark.parametrize("batch", [pytest.param(1, marks=pytest.mark.sqlite_only), 7, 500])
def test_iter_tasks_gives_what_list_tasks_gives(history: Database, batch: int) -> None:
    statuses: set[str] = set()
    with history.read() as reader:
        for flt in every_filter(reader):
            listed = queries.list_tasks(reader, flt)
            assert views(list(queries.iter_tasks(reader, flt, batch=batch))) == views(listed)
            statuses |= {t.status for t in listed}
    assert {"not_started", "in_progress", "behind", "done"} <= statuses


def test_iter_tasks_is_lazy(history: Database) -> None:
    """Pages are read as the tasks are consumed, not all at once."""
    with history.read() as reader:
        recorder = Recorder(reader)
        tasks = queries.iter_tasks(recorder, queries.TaskFilter(year=2018), batch=10)
        first = [next(tasks) for _ in range(10)]
        read_so_far = len(recorder.statements)
        rest = list(tasks)
    assert len(first) == 10 and len(rest) > 90
    # the year, then one page with its leaders, units, statuses (and what later issues read
    # per page: reports, extensions, targets' actual values); then many more pages
    assert read_so_far <= 8
    assert len(recorder.statements) > read_so_far + 3 * 9


def test_iter_tasks_batch_must_be_positive(history: Database) -> None:
    with history.read() as reader, pytest.raises(ValueError):
        next(queries.iter_tasks(reader, queries.TaskFilter(), batch=0))


def test_by_ids_and_whole_plan_agree(history: Database,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Names and statuses read by task id (in small chunks) equal those read for the plan."""
    with history.read() as reader:
        filters = every_filter(reader)
        monkeypatch.setattr(queries, "BY_IDS_LIMIT", 0)
        whole = [views(queries.list_tasks(reader, f)) for f in filters]
        monkeypatch.setattr(queries, "BY_IDS_LIMIT", 10**9)
        monkeypatch.setattr(queries, "ID_CHUNK", 7)
        by_ids = [views(queries.list_tasks(reader, f)) for f in filters]
    assert by_ids == whole
    assert any(len(w) > 7 for w in whole)  # several chunks were needed


class Recorder:
    """A reader that remembers each statement, its parameters and how many rows it gave."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.statements: list[tuple[str, dict[str, Any], int]] = []

    def all(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        rows = self.reader.all(sql, params)
        self.statements.append((sql, dict(params or {}), len(rows)))
        return rows


def test_a_narrow_filter_reads_only_its_tasks(history: Database) -> None:
    with history.read() as reader:
        pid, _ = queries.plan_id(reader, 2018)
        leader = queries.known_names(reader, "leader", pid)[-1]
        plan_size = len(queries.list_tasks(reader, queries.TaskFilter()))
        recorder = Recorder(reader)
        found = queries.list_tasks(recorder, queries.TaskFilter(leaders=[leader],
                                                                as_of=date(2018, 7, 1)))
    assert 0 < len(found) < plan_size
    ids = {t.id for t in found}
    links = sum(len(t.leaders) + len(t.units) + len(t.co_units) for t in found)
    # reads later issues added, each at most once: extensions, the unit aliases and the
    # latest update per reporter (for the tasks with several lead units), the actual values
    # of quantitative targets (for the tasks having any)
    later = ("task_extension e WHERE", "FROM alias", 'DISTINCT v.task_id, v."by"',
             "FROM target_actual")
    reads = [(sql, params, n) for sql, params, n in recorder.statements
             if not sql.startswith("SELECT t.id, t.code")]  # not the listing itself
    extra = [(sql, params) for sql, params, _ in reads if any(word in sql for word in later)]
    by_id = [(sql, params, n) for sql, params, n in reads
             if "i0" in params and not any(word in sql for word in later)]
    assert len(by_id) == 3  # leaders, units, each task's latest update
    assert len(extra) <= len(later)
    assert all({v for k, v in p.items() if k.startswith("i")} <= ids for _s, p in extra)
    assert len(recorder.statements) == 5 + len(extra)  # plus the plan and the listing
    for sql, params, _ in by_id:
        assert {v for k, v in params.items() if k.startswith("i")} == ids
        assert ":p" not in sql  # nothing read for the whole plan
    assert sum(n for sql, _, n in by_id if "task_update" not in sql) == links
    assert sum(n for sql, _, n in by_id if "task_update" in sql) <= len(found)


def test_task_facts(small_table: Database) -> None:
    with small_table.read() as reader:
        pid, _ = queries.plan_id(reader, 2019)
        units = queries.known_names(reader, "unit", pid)
        filters = [queries.TaskFilter(), *(queries.TaskFilter(units=[u]) for u in units),
                   queries.TaskFilter(goal=2), queries.TaskFilter(search="普通")]
        seen = set()
        for flt in filters:
            tasks = queries.list_tasks(reader, flt)
            facts = queries.task_facts(reader, flt)
            assert facts == queries.TaskFacts(co_units=any(t.co_units for t in tasks),
                                              deadlines=any(t.deadline for t in tasks))
            seen.add((facts.co_units, facts.deadlines))
    assert (True, True) in seen and (False, False) in seen


@pytest.fixture
def small_table(run: Callable[..., Any], db_url: str, tmp_path: Path) -> Iterator[Database]:
    """Two goals; cooperating units and deadlines on some tasks of goal 1 only."""
    path = tmp_path / "t2019.csv"
    path.write_text("\n".join([
        "序号,目标名称,工作标准,分管领导,牵头单位,配合单位,完成时限",
        "1,目标一,任务甲,张三,发改局,财政局,2019年6月底",
        "1,目标一,任务乙,张三,交通局,,",
        "2,目标二,普通任务丙,李四,教育局,,",
        "2,目标二,普通任务丁,王五,教育局,,"]) + "\n", encoding="utf-8")
    result = run("load", str(path), "--year", "2019", "-q")
    assert result.exit_code == 0, result.output
    db = Database(db_url)
    yield db
    db.dispose()


def test_both_read_paths_agree(tmp_path: Path) -> None:
    """The sqlite3 and SQLAlchemy read paths give the same pages and facts (SQLite only)."""
    path = tmp_path / "taskduty.db"
    load_plan(open_database(str(path)), read_table(SEED_CSV), 2018, SEED_CSV.name)
    add_history(str(path))
    fast, orm = Database(str(path), fast_reads=True), Database(str(path), fast_reads=False)
    try:
        with fast.read() as r1, orm.read() as r2:
            for flt in every_filter(r1):
                a = views(list(queries.iter_tasks(r1, flt, batch=9)))
                b = views(list(queries.iter_tasks(r2, flt, batch=9)))
                assert a == b
                assert queries.task_facts(r1, flt) == queries.task_facts(r2, flt)
    finally:
        orm.dispose()
