"""A new year's CSV is loaded as its rows are read: the reader's rows are read again on each
pass (never all held), the whole-table rules come from a first pass, and the tasks are stored
a chunk at a time as the normaliser gives them. What it stores and reports is what the
whole-table path (read, normalise, then store) stores and reports."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from helpers import dump_core
from taskduty import store
from taskduty.sources import csvfile, read_source
from taskduty.table import PlanTable, normalise, stream_table

H = "序号,目标名称,工作标准,分管领导,牵头单位,配合单位,完成时限\n"
# Each table exercises what a first pass decides or a task below inherits.
TABLES = {
    # blank and merged-looking cells filled down, padded names, remarks, wrapped and spaced
    # unit names, a repeated goal, a repeated header row, invisible characters
    "filled": H + (
        "1,稳增长,全年地区生产总值增长6.5%以上,张 三,发改局（牵头）、统计局,财政局,2025年12月底前\n"
        "1,稳增长,6月底前完成重点项目开工50个,,,住建局,\n"
        "1,稳增长,推进项目建设,王五（常务副区长）,区发改 局,,\n"
        "序号,目标名称,工作标准,分管领导,牵头单位,配合单位,完成时限\n"
        "2,促改革,深化国有企业改革，完成3户企业混改,李四、张三,国资委,,持续推进\n"
        "2,促改革,开展营商环境\u200b评价,王五,\"区发改局\n办公室\",,每季度\n"
        "2,另一个名字,任务戊,李四,国资委,,\n"
        "1,稳增长,再次出现的目标,,,,\n"
        "3,惠民生,新增就业1万人,赵六,人社局 财政局,,\n"),
    # heading rows across the table and a goal name alone in its column above its tasks
    "headings": H + (
        "一、经济发展,一、经济发展,一、经济发展,一、经济发展,一、经济发展,一、经济发展,一、经济发展\n"
        ",（一）稳增长,,,,,\n"
        ",稳增长,全年增长6%,张三,发改局,,\n"
        ",稳增长,投资增长8%,,,,\n"
        "二、社会事业,二、社会事业,二、社会事业,二、社会事业,二、社会事业,二、社会事业,二、社会事业\n"
        ",惠民生,新增就业,李四,人社局,,\n"
        "注：本表由区政府办公室汇总,,,,,,\n"),
    # 序号 numbers the tasks, not the goals
    "numbered": H + "".join(
        f"{k},{goal},{goal}任务{k}，完成{k}项,张三,发改局、财政局,,\n"
        for goal in ("稳增长", "促改革") for k in (1, 2, 3, 4)),
    # unmarked unit lists under a rule stated in a note row below the table: the first-listed
    # unit leads; a task below inherits the cells as read
    "lead_first": "序号,目标名称,工作标准,分管领导,责任单位\n" + (
        "1,稳增长,任务甲,张三,发改局、财政局、统计局\n"
        "1,稳增长,任务乙,,\n"
        "2,促改革,任务丙,李四,国资委、财政局\n"
        "2,促改革,任务丁,李四,国资委\n"
        "注：列第一位者为牵头单位,,,,\n"),
    # two columns of one role (names read from both)
    "duplicates": "序号,目标名称,工作标准,分管领导,牵头单位,牵头单位\n" + (
        "1,稳增长,任务甲,张三,发改局,财政局\n"
        "1,稳增长,任务乙,,,统计局\n"
        "2,促改革,任务丙,李四,国资委,\n"),
}


@pytest.fixture(autouse=True)
def _tiny_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of two tasks, and caches of two entries: every boundary is crossed."""
    from taskduty import table

    monkeypatch.setattr(store, "TASK_CHUNK", 2)
    monkeypatch.setattr(table, "_READ_CACHE", 2)
    monkeypatch.setattr(csvfile, "SHARED_LIMIT", 2)


def write(tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.csv"
    path.write_text(TABLES[name], encoding="utf-8")
    return path


def record(table: PlanTable) -> dict[str, Any]:
    return {"title": table.title, "input_format": table.input_format, "columns": table.columns,
            "repairs": [(r.kind, r.ref, r.message, r.code) for r in table.repairs],
            "tasks": [(t.code, t.goal_no, t.goal, t.seq, t.standard, t.leaders, t.units,
                       t.co_units, t.deadline, t.section, t.leaders_inherited,
                       t.units_inherited, t.ref) for t in table.tasks],
            "content_hash": table.content_hash()}


def test_the_tables_show_what_they_are_for(tmp_path: Path) -> None:
    kinds = {name: {r.kind for r in normalise(read_source(write(tmp_path, name))).repairs}
             for name in TABLES}
    assert {"inherited", "repaired", "cleaned", "note", "warning"} <= kinds["filled"]
    messages = {name: " ".join(r.message for r in normalise(
        read_source(write(tmp_path, name))).repairs) for name in TABLES}
    assert "heading row" in messages["headings"]
    assert "序号 numbers the tasks" in messages["numbered"]
    assert "first-listed unit leads" in messages["lead_first"]
    assert "names read from every column" in messages["duplicates"]


def test_a_task_below_inherits_the_units_as_read_before_the_first_leads(
        tmp_path: Path) -> None:
    """The rule stated below the table applies to every unmarked list, the inherited ones
    included: a task inherits the cells above as read, not as the rule made them."""
    table = normalise(read_source(write(tmp_path, "lead_first")))
    assert [(t.code, t.units, t.co_units) for t in table.tasks] == [
        ("1.1", ["发改局"], ["财政局", "统计局"]), ("1.2", ["发改局"], ["财政局", "统计局"]),
        ("2.1", ["国资委"], ["财政局"]), ("2.2", ["国资委"], [])]
    assert table.repairs[-1].message.endswith("3 tasks' other units read as 配合单位")


@pytest.mark.parametrize("name", TABLES)
def test_lazy_rows_are_the_rows_read_whole(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name)
    whole, lazy = read_source(path), read_source(path, lazy=True)
    assert not isinstance(lazy.rows, list)

    def rows(source: Any) -> list[Any]:
        return [(r.ref, [(c.values, c.merged) for c in r.cells], r.marked, r.lead_first,
                 r.notes) for r in source.rows]

    assert rows(lazy) == rows(whole) and rows(lazy) == rows(whole)  # read again: the same
    assert len(lazy.rows) == len(whole.rows)
    assert [(ref, texts) for ref, texts in lazy.rows.plain()] == [
        (r.ref, ["".join(c.values) for c in r.cells]) for r in whole.rows]
    assert (lazy.header, lazy.title, lazy.above, lazy.notes) == (
        whole.header, whole.title, whole.above, whole.notes)


@pytest.mark.parametrize("lead_first", [False, True])
@pytest.mark.parametrize("name", TABLES)
def test_streamed_table_is_the_table_normalised_whole(tmp_path: Path, name: str,
                                                      lead_first: bool) -> None:
    path = write(tmp_path, name)
    whole = normalise(read_source(path), lead_first=lead_first, release_rows=True)
    stream = stream_table(read_source(path, lazy=True))
    stream.start(lead_first)
    assert record(stream.table()) == record(whole)
    stream = stream_table(read_source(path, lazy=True))
    stream.start(lead_first)
    assert record(whole.__class__(list(stream.tasks()), whole.title, whole.input_format,
                                  stream.repairs, whole.columns)) == record(whole)


def known_names(url: str) -> None:
    """A leader and a unit already known, and an alias spelling, before the load."""
    from taskduty.migrations import open_database
    from taskduty.models import Alias, Leader, Unit

    db = open_database(url)
    with db.creating():
        db.prepare_schema()
    with db.write() as session:
        session.add(Leader(name="赵六"))
        session.add(Unit(name="统计局"))
        session.add(Alias(kind="unit", alias="国资委", name="区国资办"))
    db.dispose()


@pytest.mark.parametrize("name", TABLES)
def test_a_chunked_load_stores_what_the_whole_table_load_stores(
        db_url: str, another_db_url: str, tmp_path: Path, name: str) -> None:
    from taskduty.cli import loading
    from taskduty.migrations import open_database

    path = write(tmp_path, name)
    for url in (db_url, another_db_url):
        known_names(url)
    loading.load(path, year=2025, quiet=True)  # TASKDUTY_DB is db_url
    reference = open_database(another_db_url)
    report = store.load_plan(reference, normalise(read_source(path), release_rows=True), 2025,
                             path.name)
    reference.dispose()
    ours = dump_core(db_url)
    assert ours["task"] and ours == dump_core(another_db_url)
    streamed = store.load_stream(open_database(another_db_url), _started(path), 2026,
                                 path.name)
    assert {**streamed.as_dict(), "year": 2025} == report.as_dict()


def _started(path: Path) -> Any:
    stream = stream_table(read_source(path, lazy=True))
    stream.start()
    return stream


def test_a_year_already_loaded_is_compared_whole(db_url: str, tmp_path: Path) -> None:
    from taskduty.errors import TaskdutyError
    from taskduty.migrations import open_database

    path = write(tmp_path, "filled")
    db = open_database(db_url)
    assert store.load_stream(db, _started(path), 2025, path.name).outcome == "loaded"
    before = dump_core(db_url)
    assert store.load_stream(db, _started(path), 2025, path.name).outcome == "unchanged"
    other = write(tmp_path, "headings")
    with pytest.raises(TaskdutyError, match="already loaded with different content"):
        store.load_stream(db, _started(other), 2025, other.name)
    db.dispose()
    assert dump_core(db_url) == before


def test_a_load_failing_between_chunks_changes_nothing(db_url: str, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from taskduty.migrations import open_database

    db = open_database(db_url)
    first = write(tmp_path, "headings")
    store.load_stream(db, _started(first), 2024, first.name)
    before = dump_core(db_url)
    real, calls = store.derived, []

    def failing(*args: Any) -> Any:
        calls.append(1)
        if len(calls) > 3:  # in the second chunk
            raise RuntimeError("disk full")
        return real(*args)

    monkeypatch.setattr(store, "derived", failing)
    path = write(tmp_path, "filled")
    with pytest.raises(RuntimeError, match="disk full"):
        store.load_stream(db, _started(path), 2025, path.name)
    db.dispose()
    assert dump_core(db_url) == before



def _two_loads(db_url: str, another_db_url: str, path: Path, year: int) -> None:
    """``path`` loaded as ``year`` in ``db_url`` as the code runs now, and in
    ``another_db_url`` with every chunk's text columns worked out in this process."""
    from taskduty.migrations import open_database

    db = open_database(db_url)
    store.load_stream(db, _started(path), year, path.name)
    db.dispose()
    serial = open_database(another_db_url)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(store, "PARALLEL_FROM", 10**9)
        store.load_stream(serial, _started(path), year, path.name)
    serial.dispose()


def test_text_columns_from_a_second_process_are_the_ones_worked_out_here(
        db_url: str, another_db_url: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A long table's deadlines, text keys and targets come from a second process
    (here every table is long, in chunks of two): the rows are the ones stored without it."""
    from taskduty import derive

    monkeypatch.setattr(store, "PARALLEL_FROM", 0)
    monkeypatch.setattr(derive, "second_cpu", lambda: True)
    futures: list[Any] = []

    class Recorded:  # the real pool, its futures kept
        def __init__(self) -> None:
            self.pool = real()

        def submit(self, *args: Any) -> Any:
            futures.append(self.pool.submit(*args))
            return futures[-1]

        def shutdown(self, **kwargs: Any) -> None:
            self.pool.shutdown(**kwargs)

    real = derive._start_pool
    monkeypatch.setattr(derive, "_start_pool", Recorded)
    for year, name in enumerate(TABLES, 2025):
        _two_loads(db_url, another_db_url, write(tmp_path, name), year)
    ours = dump_core(db_url)
    assert len(ours["plan"]) == len(TABLES) and ours == dump_core(another_db_url)
    # every chunk (of two tasks) went to the second process; each was answered there, or
    # (a table's last ones, Deriver.finish) worked out here first and its call cancelled
    per_plan = Counter(row[1][0] for row in ours["task"])  # (id, plan_id, …)
    assert len(futures) == sum((n + 1) // 2 for n in per_plan.values())
    assert all(f.done() and (f.cancelled() or f.exception() is None) for f in futures)
    assert any(not f.cancelled() for f in futures)


class _Failing:
    """A second process that fails: at once (``submit``) or with a chunk's result; from its
    ``after``-th call on (the calls before it are worked out)."""

    def __init__(self, when: str, after: int = 1) -> None:
        self.when, self.after, self.calls = when, after, 0

    def submit(self, fn: Any, *args: Any) -> Any:
        from concurrent.futures import Future

        self.calls += 1
        if self.when == "submit" and self.calls > self.after:
            raise RuntimeError("pool broken")
        future: Future[Any] = Future()
        if self.calls < self.after:
            future.set_result(fn(*args))
        else:
            future.set_exception(RuntimeError("worker died"))
        return future

    def shutdown(self, **_kwargs: Any) -> None:
        pass


@pytest.mark.parametrize("when", ["submit", "result"])
def test_a_failing_second_process_leaves_the_work_to_this_one(
        db_url: str, another_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        when: str) -> None:
    from taskduty import derive

    monkeypatch.setattr(store, "PARALLEL_FROM", 0)
    monkeypatch.setattr(derive, "second_cpu", lambda: True)
    monkeypatch.setattr(derive, "_start_pool", lambda: _Failing(when))
    _two_loads(db_url, another_db_url, write(tmp_path, "filled"), 2025)
    assert dump_core(db_url)["task"] and dump_core(db_url) == dump_core(another_db_url)


@pytest.mark.parametrize("after", range(1, 9))
@pytest.mark.parametrize("when", ["submit", "result"])
def test_a_chunk_sent_in_parts_to_a_failing_second_process(
        db_url: str, another_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        when: str, after: int) -> None:
    """Chunks of five tasks go to the second process in parts of two as they are
    normalised; when it fails at any part, the rows are the ones stored without it."""
    from taskduty import derive

    monkeypatch.setattr(store, "TASK_CHUNK", 5)
    monkeypatch.setattr(store, "DERIVE_PART", 2)
    monkeypatch.setattr(store, "PARALLEL_FROM", 0)
    monkeypatch.setattr(derive, "second_cpu", lambda: True)
    pools: list[_Failing] = []
    monkeypatch.setattr(derive, "_start_pool", lambda: pools.append(_Failing(when, after))
                        or pools[-1])
    _two_loads(db_url, another_db_url, write(tmp_path, "numbered"), 2025)
    assert pools[0].calls >= min(after, 4)  # 8 tasks: parts of 2, 2, 1 and 2, 1
    assert dump_core(db_url)["task"] and dump_core(db_url) == dump_core(another_db_url)



def _links_by_code(path: Path) -> list[tuple[Any, ...]]:
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT p.year, t.code, t.standard, u.name, x.role, x.position FROM task t "
            "JOIN plan p ON p.id = t.plan_id JOIN task_unit x ON x.task_id = t.id "
            "JOIN unit u ON u.id = x.unit_id ORDER BY p.year, t.goal_no, t.seq, x.role, "
            "x.position").fetchall()
    finally:
        conn.close()


def test_task_ids_on_sqlite_come_from_the_insert_not_a_read_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On SQLite a chunk's rows get the ids after the largest, so they are not read back
    (a query per chunk that also walked every earlier year's tasks); where another row took
    an id meanwhile, they are read back, and every link goes to its task either way."""
    import sqlite3

    from taskduty import writer
    from taskduty.migrations import open_database

    monkeypatch.setattr(store, "TASK_CHUNK", 3)
    read_backs: list[str] = []
    real = writer._SqliteWriter.tuples

    def tuples(self: Any, sql: str, params: Any = None) -> Any:
        if sql.startswith("SELECT id, code FROM task"):
            read_backs.append(sql)
        return real(self, sql, params)

    monkeypatch.setattr(writer._SqliteWriter, "tuples", tuples)
    dumps = []
    for name, gap in (("plain", False), ("gap", True)):
        path = tmp_path / f"{name}.db"
        db = open_database(f"sqlite:///{path}")
        store.load_stream(db, _started(write(tmp_path, "numbered")), 2024, "numbered.csv")
        assert read_backs == []  # the first year as the second, when no id is taken
        if gap:  # each task row stored takes one more id beside it
            conn = sqlite3.connect(path)
            conn.execute("CREATE TRIGGER gap AFTER INSERT ON task WHEN NEW.plan_id > 0 BEGIN "
                         "INSERT INTO task (plan_id, goal_id, goal_no, seq, code, standard, "
                         "leaders_inherited, units_inherited, source_ref, text_key, removed, "
                         "deadline_inferred) VALUES (-1, 0, 0, 0, 'x', '', 0, 0, '', '', 0, 0);"
                         " END")
            conn.commit()
            conn.close()
        before = len(read_backs)
        store.load_stream(db, _started(write(tmp_path, "filled")), 2025, "filled.csv")
        db.dispose()
        assert (len(read_backs) > before) == gap
        dumps.append(_links_by_code(path))
    assert dumps[0] == dumps[1]
    assert len({row[1] for row in dumps[0] if row[0] == 2025}) >= 6


def test_each_chunks_links_are_stored_with_it(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A chunk's names and links are stored as soon as its tasks are (while the second
    process still reads the next chunks' texts), not all at the end; new names get ids in
    the order they are first seen."""
    import sqlite3

    from taskduty import writer
    from taskduty.migrations import open_database

    monkeypatch.setattr(store, "TASK_CHUNK", 3)
    tables: list[str] = []
    real = writer._SqliteWriter.rows

    def rows(self: Any, table: str, *args: Any, **kwargs: Any) -> Any:
        tables.append(table)
        return real(self, table, *args, **kwargs)

    monkeypatch.setattr(writer._SqliteWriter, "rows", rows)
    path = tmp_path / "t.db"
    db = open_database(f"sqlite:///{path}")
    store.load_stream(db, _started(write(tmp_path, "filled")), 2025, "filled.csv")
    db.dispose()
    assert tables[:3] == ["task", "task_leader", "task_unit"] and tables.count("task") >= 3
    assert tables[-3:] == ["task", "task_leader", "task_unit"]
    conn = sqlite3.connect(path)
    try:
        units = [name for (name,) in conn.execute("SELECT name FROM unit ORDER BY id")]
    finally:
        conn.close()
    assert units[:3] == ["发改局", "统计局", "财政局"]  # the first task's, then the second's
