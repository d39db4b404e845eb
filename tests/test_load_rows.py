"""A load stores exactly the rows SQLAlchemy's own inserts store: ``store.add_plan`` writes
the plan, goals, names, tasks, links and notes as SQL text through a ``writer.Writer``
(``sqlite3`` on a SQLite file), and this pins it against the ORM/Core path it replaced (an
ORM ``Plan``, Core inserts of ``task_values`` dicts and links, ids by RETURNING), on both
backends: the same ids, values and value types in every table."""

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


def orm_add_plan(w: Any, table: Any, year: int, source: str, digest: str) -> None:
    """The path before SQL text, as ``store.add_plan``: an ORM ``Plan`` and Core inserts of
    dicts with ids by RETURNING, in a session on ``w``'s SQLAlchemy connection (the
    database opened with ``fast_writes=False``)."""
    from sqlalchemy import insert
    from sqlmodel import Session

    from taskduty import store
    from taskduty.db import utcnow
    from taskduty.models import LoadNote, Plan, Task, TaskLeader, TaskUnit
    from taskduty.user import login_name

    session = Session(bind=w.conn)
    plan = Plan(year=year, title=table.title, input_format=table.input_format,
                source_name=source, content_hash=digest, loaded_at=utcnow(),
                loaded_by=login_name())
    session.add(plan)
    session.flush()
    plan_id = plan.id
    store.apply_aliases(session, table)
    goal_ids = store.ensure_goals(session, plan_id, table)
    leader_ids, unit_ids = store.all_name_ids(session, table.tasks)
    rows = store.insert_returning(
        session, insert(Task).returning(Task.id, Task.code),
        [store.task_values(plan_id, goal_ids[t.goal_no], t, year) for t in table.tasks])
    ids = {r.code: r.id for r in rows}
    conn = session.connection()
    leaders = [{"task_id": ids[t.code], "leader_id": leader_ids[n], "position": i}
               for t in table.tasks for i, n in enumerate(t.leaders)]
    units = [{"task_id": ids[t.code], "unit_id": unit_ids[n], "role": role, "position": i}
             for t in table.tasks for role, names in (("lead", t.units), ("co", t.co_units))
             for i, n in enumerate(names)]
    notes = [{"plan_id": plan_id, "kind": r.kind, "ref": r.ref, "code": r.code,
              "message": r.message} for r in table.repairs]
    for model, values in ((TaskLeader, leaders), (TaskUnit, units), (LoadNote, notes)):
        if values:
            conn.execute(insert(model), values)


def orm_database(url: str) -> Any:
    """``url`` opened as ``open_database`` does, but writing through SQLAlchemy."""
    from taskduty.db import Database
    from taskduty.migrations import Keeper

    return Database(url, schema=Keeper(), fast_writes=False)


def load_both(url: str, reference_url: str, path: Path, year: int, monkeypatch: Any) -> None:
    """``path`` loaded into ``url`` as taskduty does and into ``reference_url`` by
    :func:`orm_add_plan`; in both, a leader and a unit already known keep their ids and the
    new names follow."""
    from taskduty import store
    from taskduty.migrations import open_database
    from taskduty.models import Leader, Unit
    from taskduty.table import read_table

    for target, reference in ((url, False), (reference_url, True)):
        db = orm_database(target) if reference else open_database(target)
        with db.write() as session:
            session.add(Leader(name="赵六"))
            session.add(Unit(name="统计局"))
        with monkeypatch.context() as m:
            if reference:
                m.setattr(store, "add_plan", orm_add_plan)
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
