"""Recording progress: the append-only history of updates, and withdrawing entries.

An update is never changed or deleted; a correction withdraws it (marks who and when) and the
views stop showing it. Each recording call is one batch, which ``undo`` withdraws whole.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from taskduty import errors
from taskduty.db import Database, utcnow
from taskduty.errors import TaskdutyError, UsageError, ValueProblem
from taskduty.fields import STATUSES, normalise_code, parse_status
from taskduty.i18n import N_, _, ngettext
from taskduty.user import login_name


@dataclass
class NewUpdate:
    """One update to record."""

    code: str
    status: str
    date: date
    progress: int | None = None
    note: str | None = None
    by: str = ""


@dataclass
class NewActual:
    """An actual value (实际完成值) to record for target ``target_no`` (1-based) of a task.

    ``value`` is as typed (``8.2%``, ``1.2亿元``, ``三所``) or a number; it is read in the
    target's unit when recorded. ``target_no`` 0 means the task's only target."""

    code: str
    target_no: int
    value: str | float
    date: date
    note: str | None = None
    by: str = ""


@dataclass
class BatchResult:
    """What a recording call did."""

    year: int
    batch_id: int | None
    recorded: list[dict[str, Any]] = field(default_factory=list)  # code, status, id, progress
    skipped: list[str] = field(default_factory=list)  # codes whose identical update exists
    reopened: list[str] = field(default_factory=list)  # codes that were done, and no longer
    # code, target, id, value, unit, date of each actual value recorded
    actuals: list[dict[str, Any]] = field(default_factory=list)


PROGRESS_HINT = N_("give a whole number 0–100, e.g. 40 or 40%")


def parse_progress(value: Any, percent: bool = False, label: str = "进度") -> int | None:
    """进度 as people type it: None when blank, else an int 0–100.

    A number is taken as written, unless ``percent`` (its cell is formatted as a percentage,
    which is how Excel stores ``60%``: 0.6, ``100%``: 1); then it is multiplied by 100.
    Text may carry spaces, ``%`` or ``％`` and full-width digits (``80%``, ``８０％``,
    `` 30 ``). ``label`` names the value in messages (``--progress`` on the command line).
    Anything else raises :class:`ValueProblem` (also a ``ValueError``).
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    def bad(message: str, shown: Any) -> ValueProblem:
        return ValueProblem(_(message).format(label=label, value=shown), hint=_(PROGRESS_HINT))

    if isinstance(value, bool):
        raise bad(N_("{label} {value!r} is not a number"), value)
    if isinstance(value, int | float):
        number = float(value) * 100 if percent else float(value)
        number = round(number, 6)  # 0.07 * 100 is 7.000000000000001
        shown = f"{number:g}%" if percent else f"{number:g}"
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        try:
            number = float(text.removesuffix("%").strip())
        except ValueError:
            raise bad(N_("{label} {value!r} is not a number"), value) from None
        shown = text
    if not number.is_integer():
        raise bad(N_("{label} {value} is not a whole number"), shown)
    if not 0 <= number <= 100:
        raise bad(N_("{label} {value} is out of range (0–100)"), shown)
    return int(number)


def check_status(status: str, progress: int | None) -> tuple[str, int | None]:
    """Validate a status and progress: (status key, progress). ``done`` means 100; a task
    ``not_started`` has no progress yet (0 or blank)."""
    key = parse_status(status)
    if key is None:
        raise UsageError(
            _("unknown status {status!r} (choose one of {choices})").format(
                status=status, choices="、".join(STATUSES.values())),
            hint=_("use one of: {choices}; also 欠进度, 达进度, 正常推进, 完成, 办结").format(
                choices=", ".join(f"{k} ({v})" for k, v in STATUSES.items())))
    if progress is not None and not 0 <= progress <= 100:
        raise UsageError(_("progress {progress} is out of range").format(progress=progress),
                         hint=_("give 0–100"))
    if key == "done":
        if progress is not None and progress < 100:
            raise UsageError(
                _("status done with progress {progress}: 已完成 means 100").format(
                    progress=progress),
                hint=_("record in_progress (推进中) for partial progress, or give progress 100"))
        progress = 100
    if key == "not_started" and progress:
        raise UsageError(
            _("status not_started with progress {progress}: 未启动 has no progress").format(
                progress=progress),
            hint=_("record in_progress (推进中) when work has begun"))
    return key, progress


def clean_note(note: str | None) -> str | None:
    """A note with Windows line breaks (``\r\n`` from Excel) as ``\n``, trailing spaces off."""
    if note is None:
        return None
    from taskduty.textclean import clean_text

    lines = clean_text(note).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip() or None


def record_batch(db: Database, year: int | None, updates: list[NewUpdate], *,
                 kind: str = "update", source_key: str | None = None,
                 recorded_by: str | None = None, skip_identical: bool = False,
                 actuals: list[NewActual] | None = None,
                 forms: list[dict[str, Any]] | None = None) -> BatchResult:
    """Append ``updates`` as one batch, in one transaction.

    Without ``year``, the table is that of the updates' dates' year when it is loaded, else
    the latest. Codes may be typed loosely (``01.02``). Every code and date is checked
    first: if one is unknown, or dated before the table's year, nothing is written. With
    ``skip_identical``, an update equal to one already in force-or-history (same task, date,
    status, progress, note and by, not withdrawn) is not recorded again.

    ``actuals`` are recorded in the same batch (an ``undo`` takes both back); each names a
    target of its task that exists and a value readable in that target's unit, or nothing is
    written. ``forms`` (unit, file, filled_by, phone, approved_by of each collected form)
    are kept with the batch.
    """
    from sqlmodel import col, select

    from taskduty.models import Batch, Plan, Task, Update

    recorded_by = recorded_by or login_name()
    from taskduty.textclean import clean_text

    updates = [replace(u, code=normalise_code(u.code), note=clean_note(u.note),
                       by=clean_text(u.by) if u.by else u.by) for u in updates]
    actuals = [replace(a, code=normalise_code(a.code), note=clean_note(a.note))
               for a in actuals or []]
    with db.write() as session:
        plan = session.exec(select(Plan).where(Plan.year == year)).first() if year else None
        dated = {u.date.year for u in [*updates, *actuals]}
        if plan is None and year is None and len(dated) == 1:
            plan = session.exec(select(Plan).where(Plan.year == dated.pop())).first()
        if plan is None and year is None:
            plan = session.exec(select(Plan).order_by(col(Plan.year).desc())).first()
        if plan is None:
            if year is None:
                raise errors.not_loaded()
            raise errors.not_loaded(year)
        early = sorted({u.date for u in [*updates, *actuals] if u.date.year < plan.year})
        if early:
            raise TaskdutyError(
                _("update dated {date} is before the {year} table's year; nothing was recorded")
                .format(date=early[0].isoformat(), year=plan.year),
                hint=_("record it in its own year's table with --year {year}, or check --date")
                .format(year=early[0].year))
        codes = list(dict.fromkeys(u.code.strip() for u in [*updates, *actuals]))
        tasks = {t.code: t for t in session.exec(
            select(Task).where(Task.plan_id == plan.id, col(Task.code).in_(codes),
                               col(Task.removed).is_(False)))}
        unknown = [c for c in codes if c not in tasks]
        if unknown:
            raise TaskdutyError(
                ngettext("unknown task code in {year}: {codes}; nothing was recorded",
                         "unknown task codes in {year}: {codes}; nothing was recorded",
                         len(unknown)).format(year=plan.year, codes=", ".join(unknown)),
                hint=_("list the codes with: taskduty tasks"))
        result = BatchResult(year=plan.year, batch_id=None)
        existing: set[tuple[Any, ...]] = set()
        ids = [t.id for t in tasks.values()]
        history: dict[int, list[Any]] = {}
        for u in session.exec(select(Update).where(col(Update.task_id).in_(ids),
                                                   col(Update.withdrawn_at).is_(None))):
            existing.add((u.task_id, u.date, u.status, u.progress, u.note or None, u.by))
            history.setdefault(u.task_id, []).append(u)
        done_before = _done_before(session, tasks, history, updates)
        now = utcnow()
        batch = Batch(kind=kind, recorded_by=recorded_by, recorded_at=now, source_key=source_key)
        rows: list[tuple[NewUpdate, Update]] = []
        for new in updates:
            task = tasks[new.code.strip()]
            key = (task.id, new.date, new.status, new.progress, new.note or None, new.by)
            if skip_identical and key in existing:
                result.skipped.append(task.code)
                continue
            existing.add(key)
            if new.status != "done" and (task.id, new.date) in done_before:
                result.reopened.append(task.code)
            rows.append((new, Update(task_id=task.id or 0, batch_id=0, date=new.date,
                                     status=new.status, progress=new.progress,
                                     note=new.note or None, by=new.by,
                                     recorded_by=recorded_by, recorded_at=now)))
        actual_rows = _actual_rows(session, tasks, actuals, skip_identical, recorded_by, now,
                                   result)
        if not rows and not actual_rows:
            return result
        session.add(batch)
        session.flush()
        for _new, update in rows:
            update.batch_id = batch.id or 0
            session.add(update)
        for _info, actual in actual_rows:
            actual.batch_id = batch.id or 0
            session.add(actual)
        from taskduty.models import BatchForm

        for info in forms or []:
            if any(info.get(k) for k in ("filled_by", "phone", "approved_by")):
                session.add(BatchForm(batch_id=batch.id or 0, **info))
        session.flush()
        result.batch_id = batch.id
        result.recorded = [{"code": new.code.strip(), "status": u.status, "id": u.id,
                            "progress": u.progress, "date": u.date.isoformat()}
                           for new, u in rows]
        result.actuals = [info | {"id": f"A{a.id}"} for info, a in actual_rows]
    return result


def _done_before(session: Any, tasks: dict[str, Any], history: dict[int, list[Any]],
                 updates: list[NewUpdate]) -> set[tuple[int, date]]:
    """(task id, day) for the updates' tasks that were done on that day before this batch
    (by the several-lead-units rule of :mod:`taskduty.reports`)."""
    from sqlmodel import col, select

    from taskduty.fields import squeeze
    from taskduty.models import Alias, TaskUnit, Unit
    from taskduty.reports import Report, combine

    wanted = {(tasks[u.code.strip()].id, u.date) for u in updates}
    if not any(u.status == "done" for rows in history.values() for u in rows):
        return set()
    units: dict[int, list[str]] = {}
    for tid, name in session.exec(
            select(TaskUnit.task_id, Unit.name).join(Unit, col(Unit.id) == TaskUnit.unit_id)
            .where(TaskUnit.role == "lead", col(TaskUnit.task_id).in_(list(history)))
            .order_by(col(TaskUnit.task_id), col(TaskUnit.position))):
        units.setdefault(tid, []).append(name)
    aliases = {squeeze(a.alias): a.name
               for a in session.exec(select(Alias).where(Alias.kind == "unit"))}
    out = set()
    for tid, day in wanted:
        reports = [Report(id=u.id or 0, by=u.by or "", date=u.date, status=u.status,
                          progress=u.progress, note=u.note)
                   for u in history.get(tid, []) if u.date <= day]
        if reports and combine(units.get(tid, []), reports, aliases).status == "done":
            out.add((tid, day))
    return out


def split_target(code: str) -> tuple[str, int]:
    """``1.5#2`` -> (``1.5``, 2); ``1.5`` -> (``1.5``, 0): the task's only target.
    A full-width ＃ works too."""
    text = code.strip().replace("＃", "#")
    if "#" not in text:
        return text, 0
    head, _sep, no = text.partition("#")
    no = unicodedata.normalize("NFKC", no).strip()
    if not no.isdigit() or int(no) < 1:
        raise UsageError(_("{code!r} does not name a target").format(code=code),
                         hint=_("write CODE#N for the Nth target of a task, e.g. 1.5#2"))
    return head.strip(), int(no)


def _actual_rows(session: Any, tasks: dict[str, Any], actuals: list[NewActual],
                 skip_identical: bool, recorded_by: str, now: Any,
                 result: BatchResult) -> list[tuple[dict[str, Any], Any]]:
    """Checked TargetActual rows for ``actuals`` (not yet in a batch), with what to report."""
    import json

    from sqlmodel import col, select

    from taskduty.models import TargetActual
    from taskduty.targets import describe, parse_actual

    if not actuals:
        return []
    existing: set[tuple[Any, ...]] = set()
    if skip_identical:
        ids = [t.id for t in tasks.values()]
        for a in session.exec(select(TargetActual).where(
                col(TargetActual.task_id).in_(ids), col(TargetActual.withdrawn_at).is_(None))):
            existing.add((a.task_id, a.target_no, a.date, a.value, a.note or None, a.by))
    out = []
    for new in actuals:
        task = tasks[new.code.strip()]
        targets = json.loads(task.targets) if task.targets else []
        if not targets:
            raise TaskdutyError(
                _("task {code} has no quantitative target; nothing was recorded")
                .format(code=task.code),
                hint=_("record its progress with --status and --progress instead"))
        if new.target_no == 0 and len(targets) > 1:
            listed = ", ".join(f"{task.code}#{i} {t['text']}" for i, t in enumerate(targets, 1))
            raise UsageError(
                _("task {code} has {n} targets: say which one the value is for; nothing was "
                  "recorded").format(code=task.code, n=len(targets)),
                hint=_("name it as CODE#N: {listed}").format(listed=listed))
        new = replace(new, target_no=new.target_no or 1)
        if not 1 <= new.target_no <= len(targets):
            listed = ", ".join(f"{task.code}#{i} {t['text']}" for i, t in enumerate(targets, 1))
            raise TaskdutyError(
                _("task {code} has no target #{no}; nothing was recorded")
                .format(code=task.code, no=new.target_no),
                hint=_("its targets: {listed}").format(listed=listed))
        target = targets[new.target_no - 1]
        try:
            value = parse_actual(new.value, target["unit"])
        except ValueError:
            raise ValueProblem(
                _("actual value {value!r} for {code}#{no} cannot be read in {unit}")
                .format(value=new.value, code=task.code, no=new.target_no,
                        unit=target["unit"] or _("a plain number")),
                hint=_("give a number, e.g. {example} (target: {target})").format(
                    example=f"12{target['unit']}", target=describe(target))) from None
        key = (task.id, new.target_no, new.date, value, new.note or None, new.by)
        if skip_identical and key in existing:
            result.skipped.append(f"{task.code}#{new.target_no}")
            continue
        existing.add(key)
        info = {"code": task.code, "target": new.target_no, "value": value,
                "unit": target["unit"], "text": target["text"], "date": new.date.isoformat(),
                "target_spec": target}
        out.append((info, TargetActual(task_id=task.id or 0, target_no=new.target_no,
                                       batch_id=0, date=new.date, value=value,
                                       note=new.note or None, by=new.by,
                                       recorded_by=recorded_by, recorded_at=now)))
    return out


@dataclass
class Withdrawal:
    """What ``undo`` or ``withdraw`` took back."""

    batch_id: int | None
    entries: list[dict[str, Any]] = field(default_factory=list)
    actuals: list[dict[str, Any]] = field(default_factory=list)  # actual values taken back


def undo(db: Database, recorded_by: str | None = None) -> Withdrawal:
    """Withdraw the most recent batch still in force that ``recorded_by`` (this login) entered."""
    from sqlmodel import col, select

    from taskduty.models import Batch, Plan, TargetActual, Task, Update

    who = recorded_by or login_name()
    with db.write() as session:
        batch = session.exec(
            select(Batch).where(Batch.recorded_by == who, col(Batch.withdrawn_at).is_(None))
            .order_by(col(Batch.id).desc())).first()
        if batch is None:
            raise TaskdutyError(
                _("nothing to undo: no recorded batch from {who}").format(who=who),
                hint=_("updates entered by other logins are never undone here"))
        now = utcnow()
        batch.withdrawn_at = now
        session.add(batch)
        out = Withdrawal(batch_id=batch.id)
        rows = session.exec(
            select(Update, Task, Plan).join(Task, col(Task.id) == Update.task_id)
            .join(Plan, col(Plan.id) == Task.plan_id)
            .where(Update.batch_id == batch.id, col(Update.withdrawn_at).is_(None))
            .order_by(col(Update.id))).all()
        for update, task, plan in rows:
            mark_withdrawn(session, update, who, now)
            out.entries.append(_entry(update, task.code, plan.year))
        actuals = session.exec(
            select(TargetActual, Task, Plan).join(Task, col(Task.id) == TargetActual.task_id)
            .join(Plan, col(Plan.id) == Task.plan_id)
            .where(TargetActual.batch_id == batch.id, col(TargetActual.withdrawn_at).is_(None))
            .order_by(col(TargetActual.id))).all()
        for actual, task, plan in actuals:
            mark_withdrawn(session, actual, who, now)
            out.actuals.append(_actual_entry(actual, task.code, plan.year))
        from taskduty.extensions import withdraw_batch

        out.entries += withdraw_batch(session, batch.id or 0, who, now)
    return out


def withdraw(db: Database, ids: list[int], recorded_by: str | None = None,
             actual_ids: list[int] | None = None) -> Withdrawal:
    """Withdraw single updates by id, and single actual values by id (``actual_ids``, shown
    as ``A<id>``); all ids are checked first."""
    from sqlmodel import col, select

    from taskduty.models import Plan, TargetActual, Task, Update

    who = recorded_by or login_name()
    actual_ids = actual_ids or []
    with db.write() as session:
        rows = session.exec(
            select(Update, Task, Plan).join(Task, col(Task.id) == Update.task_id)
            .join(Plan, col(Plan.id) == Task.plan_id)
            .where(col(Update.id).in_([i for i in ids if 0 < i < 2**63]))).all()
        found = {u.id: (u, t, p) for u, t, p in rows}
        missing = [str(i) for i in ids if i not in found]
        arows = session.exec(
            select(TargetActual, Task, Plan).join(Task, col(Task.id) == TargetActual.task_id)
            .join(Plan, col(Plan.id) == Task.plan_id)
            .where(col(TargetActual.id).in_([i for i in actual_ids if 0 < i < 2**63]))
        ).all() if actual_ids else []
        afound = {a.id: (a, t, p) for a, t, p in arows}
        missing += [f"A{i}" for i in actual_ids if i not in afound]
        if missing:
            raise TaskdutyError(
                ngettext("no update with id {ids}; nothing was withdrawn",
                         "no updates with ids {ids}; nothing was withdrawn",
                         len(missing)).format(ids=", ".join(missing)),
                hint=_("the ids are listed by: taskduty show CODE"))
        already = [str(i) for i in ids if found[i][0].withdrawn_at is not None]
        already += [f"A{i}" for i in actual_ids if afound[i][0].withdrawn_at is not None]
        if already:
            raise TaskdutyError(
                ngettext("update {ids} is already withdrawn; nothing was withdrawn",
                         "updates {ids} are already withdrawn; nothing was withdrawn",
                         len(already)).format(ids=", ".join(already)))
        now = utcnow()
        out = Withdrawal(batch_id=None)
        for i in dict.fromkeys(ids):
            update, task, plan = found[i]
            mark_withdrawn(session, update, who, now)
            out.entries.append(_entry(update, task.code, plan.year))
        for i in dict.fromkeys(actual_ids):
            actual, task, plan = afound[i]
            mark_withdrawn(session, actual, who, now)
            out.actuals.append(_actual_entry(actual, task.code, plan.year))
    return out


def mark_withdrawn(session: Any, row: Any, who: str, now: Any) -> None:
    """Mark one recorded row (an update, an actual value, an extension) withdrawn by ``who``;
    rows are never deleted, so the history keeps them."""
    row.withdrawn_at = now
    row.withdrawn_by = who
    session.add(row)


def _actual_entry(actual: Any, code: str, year: int) -> dict[str, Any]:
    return {"id": f"A{actual.id}", "year": year, "code": code, "target": actual.target_no,
            "date": actual.date.isoformat(), "value": actual.value, "note": actual.note,
            "by": actual.by}


def _entry(update: Any, code: str, year: int) -> dict[str, Any]:
    return {"id": update.id, "year": year, "code": code, "date": update.date.isoformat(),
            "status": update.status, "progress": update.progress, "note": update.note,
            "by": update.by}
