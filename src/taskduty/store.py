"""Storing a year's table: one transaction per load, idempotent for the same content."""

from __future__ import annotations

import getpass
import re
from dataclasses import dataclass, field
from typing import Any

from taskduty.db import Database, utcnow
from taskduty.errors import TaskdutyError
from taskduty.table import PlanTable, Repair

_NOT_TEXT = re.compile(r"[\s\W_]+", re.UNICODE)


def text_key(text: str) -> str:
    """The task text without spaces and punctuation, for matching edited tables."""
    return _NOT_TEXT.sub("", text)


def login_name() -> str:
    """Who is at the keyboard (the login name), for ``recorded_by``."""
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"


@dataclass
class LoadReport:
    """What a load did (or would do): counts, repairs and warnings."""

    year: int
    source: str
    input_format: str
    title: str | None
    goals: int
    tasks: int
    leaders: int
    units: int
    inherited: int
    repairs: list[Repair] = field(default_factory=list)
    outcome: str = "loaded"  # loaded | unchanged | dry-run | replaced

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year, "source": self.source, "input_format": self.input_format,
            "title": self.title, "outcome": self.outcome, "goals": self.goals,
            "tasks": self.tasks, "leaders": self.leaders, "units": self.units,
            "inherited": self.inherited,
            "repairs": [{"kind": r.kind, "ref": r.ref, "code": r.code, "message": r.message}
                        for r in self.repairs],
        }


def report_for(table: PlanTable, year: int, source: str, outcome: str) -> LoadReport:
    return LoadReport(
        year=year, source=source, input_format=table.input_format, title=table.title,
        goals=len(table.goals), tasks=len(table.tasks), leaders=len(table.names("leaders")),
        units=len(table.names("units") | table.names("co_units")),
        inherited=table.count("inherited"), repairs=table.repairs, outcome=outcome,
    )


def load_plan(db: Database, table: PlanTable, year: int, source: str,
              dry_run: bool = False) -> LoadReport:
    """Store ``table`` as ``year``'s table in one transaction.

    The same content for a year already loaded changes nothing; different content is refused.
    """
    from sqlmodel import select

    from taskduty.models import Plan

    digest = table.content_hash()
    if dry_run:
        return report_for(table, year, source, "dry-run")
    with db.write() as session:
        existing = session.exec(select(Plan).where(Plan.year == year)).first()
        if existing is not None:
            if existing.content_hash == digest:
                return report_for(table, year, source, "unchanged")
            raise TaskdutyError(
                f"{year} is already loaded with different content (from {existing.source_name})",
                hint=f"to replace it and keep its history: taskduty load FILE --year {year} "
                "--replace",
            )
        plan = Plan(year=year, title=table.title, input_format=table.input_format,
                    source_name=source, content_hash=digest, loaded_at=utcnow(),
                    loaded_by=login_name())
        session.add(plan)
        session.flush()
        assert plan.id is not None
        insert_tasks(session, plan.id, year, table)
    return report_for(table, year, source, "loaded")


def name_ids(session: Any, model: Any, names: set[str]) -> dict[str, int]:
    """Ids of leader or unit names, creating the missing ones."""
    from sqlalchemy import insert, select

    ids: dict[str, int] = {}
    wanted = sorted(names)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        for row in session.execute(select(model.id, model.name).where(model.name.in_(chunk))):
            ids[row.name] = row.id
    missing = [n for n in wanted if n not in ids]
    if missing:
        result = session.execute(
            insert(model).returning(model.id, model.name, sort_by_parameter_order=True),
            [{"name": n} for n in missing],
        )
        for row in result:
            ids[row.name] = row.id
    return ids


def apply_aliases(session: Any, table: PlanTable) -> None:
    """Replace alias spellings by their names, in place, before storing."""
    from sqlmodel import select

    from taskduty.models import Alias

    aliases = {(a.kind, a.alias): a.name for a in session.exec(select(Alias)).all()}
    if not aliases:
        return
    for task in table.tasks:
        task.leaders = _dedupe([aliases.get(("leader", n), n) for n in task.leaders])
        task.units = _dedupe([aliases.get(("unit", n), n) for n in task.units])
        task.co_units = _dedupe([aliases.get(("unit", n), n) for n in task.co_units])


def _dedupe(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))


def insert_tasks(session: Any, plan_id: int, year: int, table: PlanTable) -> dict[str, int]:
    """Insert goals, tasks, names, links and load notes; return task ids by code."""
    from sqlalchemy import insert

    from taskduty.models import Goal, Leader, LoadNote, Task, TaskLeader, TaskUnit, Unit

    apply_aliases(session, table)
    goals: dict[int, Any] = {}
    for task in table.tasks:
        goals.setdefault(task.goal_no, task)
    goal_rows = session.execute(
        insert(Goal).returning(Goal.id, Goal.goal_no, sort_by_parameter_order=True),
        [{"plan_id": plan_id, "goal_no": no, "name": t.goal, "section": t.section}
         for no, t in goals.items()],
    )
    goal_ids = {r.goal_no: r.id for r in goal_rows}
    leader_ids = name_ids(session, Leader, table.names("leaders"))
    unit_ids = name_ids(session, Unit, table.names("units") | table.names("co_units"))
    task_rows = session.execute(
        insert(Task).returning(Task.id, Task.code, sort_by_parameter_order=True),
        [task_values(plan_id, goal_ids[t.goal_no], t, year) for t in table.tasks],
    )
    task_ids = {r.code: r.id for r in task_rows}
    leader_links = [{"task_id": task_ids[t.code], "leader_id": leader_ids[n], "position": i}
                    for t in table.tasks for i, n in enumerate(t.leaders)]
    unit_links = [{"task_id": task_ids[t.code], "unit_id": unit_ids[n], "role": role,
                   "position": i}
                  for t in table.tasks
                  for role, names in (("lead", t.units), ("co", t.co_units))
                  for i, n in enumerate(names)]
    if leader_links:
        session.execute(insert(TaskLeader), leader_links)
    if unit_links:
        session.execute(insert(TaskUnit), unit_links)
    notes = [{"plan_id": plan_id, "kind": r.kind, "ref": r.ref, "code": r.code,
              "message": r.message} for r in table.repairs]
    if notes:
        session.execute(insert(LoadNote), notes)
    return task_ids


def task_values(plan_id: int, goal_id: int, t: Any, year: int) -> dict[str, Any]:
    """The task table's columns for a :class:`TaskRow`."""
    from taskduty.table import parse_deadline

    return {
        "plan_id": plan_id, "goal_id": goal_id, "goal_no": t.goal_no, "seq": t.seq,
        "code": t.code, "standard": t.standard, "deadline": t.deadline,
        "deadline_date": parse_deadline(t.deadline, year) if t.deadline else None,
        "leaders_inherited": t.leaders_inherited, "units_inherited": t.units_inherited,
        "source_ref": t.ref, "text_key": text_key(t.standard), "removed": False,
    }
