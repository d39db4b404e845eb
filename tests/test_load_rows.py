"""A load stores exactly the rows SQLAlchemy's own inserts store: ``store.insert_tasks``
writes tasks and links as plain ``executemany`` tuples (``store.Inserter``), and this pins
it against the ORM/Core path it replaced (a ``Task`` insert of ``task_values`` dicts, one
``TaskLeader``/``TaskUnit`` insert of dicts), on both backends: the same ids, values and
value types in every table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import SEED_CSV

HEADER = "序号,目标名称,工作标准,分管领导,牵头单位,配合单位,完成时限\n"
# Dates in and out of the text (deadline_date, milestones), targets, inherited cells,
# co-units, a padded name and a repeated name: every kind of column the task table has.
ROWS = [
    "1,稳增长,全年地区生产总值增长6.5%以上,张 三,发改局、统计局,财政局,2025年12月底前",
    "1,稳增长,6月底前完成重点项目开工50个；10月底前全部投产,,,住建局,",
    "2,促改革,深化国有企业改革，完成3户企业混改,李四、张三,国资委,,持续推进",
    "2,促改革,开展营商环境评价,王五,发改局,,每季度",
]


def dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the plan's load time, with its values' Python types."""
    from sqlalchemy import MetaData, create_engine, select

    engine = create_engine(url if "://" in url else f"sqlite:///{url}")
    meta = MetaData()
    meta.reflect(engine)
    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for name, table in sorted(meta.tables.items()):
            if name in ("meta", "schema_version"):
                continue
            cols = [c for c in table.columns if c.name != "loaded_at"]
            rows = conn.execute(select(*cols).order_by(*table.primary_key.columns)).all()
            out[name] = [tuple((v, type(v).__name__) for v in r) for r in rows]
    engine.dispose()
    return out


def core_insert_tasks(session: Any, plan_id: int, year: int, table: Any) -> None:
    """The insert path before plain tuples: Core inserts of dicts, ids by RETURNING."""
    from sqlalchemy import insert

    from taskduty import store
    from taskduty.models import Task, TaskLeader, TaskUnit

    store.apply_aliases(session, table)
    goal_ids = store.ensure_goals(session, plan_id, table)
    leader_ids, unit_ids = store.all_name_ids(session, table.tasks)
    rows = store.insert_returning(
        session, insert(Task).returning(Task.id, Task.code),
        [store.task_values(plan_id, goal_ids[t.goal_no], t, year) for t in table.tasks])
    ids = {r.code: r.id for r in rows}
    conn = session.connection()
    conn.execute(insert(TaskLeader), [
        {"task_id": ids[t.code], "leader_id": leader_ids[n], "position": i}
        for t in table.tasks for i, n in enumerate(t.leaders)])
    conn.execute(insert(TaskUnit), [
        {"task_id": ids[t.code], "unit_id": unit_ids[n], "role": role, "position": i}
        for t in table.tasks for role, names in (("lead", t.units), ("co", t.co_units))
        for i, n in enumerate(names)])
    store.insert_notes(session, plan_id, table.repairs)


def load_both(url: str, reference_url: str, path: Path, year: int, monkeypatch: Any) -> None:
    """``path`` loaded into ``url`` as taskduty does and into ``reference_url`` by
    :func:`core_insert_tasks`; in both, a leader and a unit already known keep their ids
    and the new names follow."""
    from taskduty import store
    from taskduty.migrations import open_database
    from taskduty.models import Leader, Unit
    from taskduty.table import read_table

    for target, reference in ((url, False), (reference_url, True)):
        db = open_database(target)
        with db.write() as session:
            session.add(Leader(name="赵六"))
            session.add(Unit(name="统计局"))
        with monkeypatch.context() as m:
            if reference:
                m.setattr(store, "insert_tasks", core_insert_tasks)
            store.load_plan(db, read_table(path), year, path.name)
        db.dispose()


def test_load_stores_what_core_inserts_store(db_url: str, another_db_url: str,
                                             tmp_path: Path, monkeypatch: Any) -> None:
    path = tmp_path / "t.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    load_both(db_url, another_db_url, path, 2025, monkeypatch)
    ours, reference = dump(db_url), dump(another_db_url)
    assert ours["task"] and ours["task_unit"] and ours["load_note"]
    assert ours == reference


def test_seed_load_stores_what_core_inserts_store(db_url: str, another_db_url: str,
                                                  monkeypatch: Any) -> None:
    load_both(db_url, another_db_url, SEED_CSV, 2018, monkeypatch)
    ours, reference = dump(db_url), dump(another_db_url)
    assert len(ours["task"]) > 100
    assert ours == reference
