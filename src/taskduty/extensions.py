"""Approved extensions (延期): a new due date for tasks, with the reason and who approved it.

The task's own deadline is never changed; the latest extension in force is what lights,
``--overdue`` and 序时进度 judge (see :func:`taskduty.schedule.assess`). Each ``extend``
call is one batch, so ``undo`` takes it back like an update batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from taskduty import errors
from taskduty.db import Database, utcnow
from taskduty.errors import TaskdutyError, UsageError
from taskduty.i18n import _
from taskduty.user import login_name
from taskduty.writer import Writer, mark_withdrawn


@dataclass
class ExtendResult:
    """What an ``extend`` call recorded."""

    year: int
    batch_id: int
    recorded: list[dict[str, Any]] = field(default_factory=list)  # code, id, from, to


def extend(db: Database, year: int | None, codes: list[str], to: date, reason: str,
           approved_by: str | None = None, recorded_by: str | None = None) -> ExtendResult:
    """Record ``to`` as the approved new due date of ``codes`` (one batch, one transaction).

    Every code is checked first; an unknown code, a blank reason or a date not after a
    task's own due date writes nothing. Without ``year``: the year of ``to`` when loaded,
    else the latest.
    """
    from sqlmodel import col, select

    from taskduty.fields import normalise_code
    from taskduty.models import Batch, Extension, Plan, Task

    reason = (reason or "").strip()
    if not reason:
        raise UsageError(_("an extension needs a reason"),
                         hint=_('say why, e.g. --reason "征地手续调整，经区政府同意"'))
    who = recorded_by or login_name()
    wanted = list(dict.fromkeys(normalise_code(c) for c in codes))
    with db.write() as session:
        plan = session.exec(select(Plan).where(Plan.year == year)).first() if year else None
        if plan is None and year is None:
            plan = (session.exec(select(Plan).where(Plan.year == to.year)).first()
                    or session.exec(select(Plan).order_by(col(Plan.year).desc())).first())
        if plan is None:
            raise errors.not_loaded(year)
        tasks = {t.code: t for t in session.exec(
            select(Task).where(Task.plan_id == plan.id, col(Task.code).in_(wanted),
                               col(Task.removed).is_(False)))}
        unknown = [c for c in wanted if c not in tasks]
        if unknown:
            raise TaskdutyError(
                _("unknown task code in {year}: {codes}; nothing was recorded").format(
                    year=plan.year, codes=", ".join(unknown)),
                hint=_("list the codes with: taskduty tasks"))
        early = [c for c in wanted
                 if tasks[c].deadline_date is not None and to <= tasks[c].deadline_date]
        if early:
            first = tasks[early[0]]
            raise UsageError(
                _("{code} is already due {due}: an extension must come later; nothing was "
                  "recorded").format(code=first.code, due=first.deadline_date),
                hint=_("give a --to date after the task's deadline"))
        now = utcnow()
        batch = Batch(kind="extend", recorded_by=who, recorded_at=now)
        session.add(batch)
        session.flush()
        result = ExtendResult(year=plan.year, batch_id=batch.id or 0)
        for code in wanted:
            task = tasks[code]
            ext = Extension(task_id=task.id or 0, batch_id=batch.id or 0, due_date=to,
                            reason=reason, approved_by=(approved_by or "").strip(),
                            recorded_by=who, recorded_at=now)
            session.add(ext)
            session.flush()
            result.recorded.append({
                "code": code, "id": ext.id, "deadline": task.deadline,
                "deadline_date": task.deadline_date.isoformat() if task.deadline_date
                else None, "to": to.isoformat(), "reason": reason,
                "approved_by": ext.approved_by or None})
    return result


def withdraw_batch(w: Writer, batch_id: int, who: str, now: Any) -> list[dict[str, Any]]:
    """Mark the extensions of a batch withdrawn (for ``undo``); their entries."""
    from taskduty.db import as_date

    rows = w.all(
        "SELECT e.id, e.due_date, e.reason, e.approved_by, t.code, p.year FROM task_extension e "
        "JOIN task t ON t.id = e.task_id JOIN plan p ON p.id = t.plan_id "
        "WHERE e.batch_id = :b AND e.withdrawn_at IS NULL ORDER BY e.id", {"b": batch_id})
    mark_withdrawn(w, "task_extension", [r["id"] for r in rows], who, now)
    return [{"id": r["id"], "year": r["year"], "code": r["code"], "kind": "extension",
             "date": str(as_date(r["due_date"])), "reason": r["reason"],
             "approved_by": r["approved_by"] or None} for r in rows]
