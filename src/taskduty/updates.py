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
from taskduty.db import Database, as_date, in_params, utcnow
from taskduty.errors import TaskdutyError, UsageError, ValueProblem
from taskduty.fields import STATUSES, normalise_code, parse_status
from taskduty.i18n import N_, _, ngettext
from taskduty.reports import Report
from taskduty.user import login_name
from taskduty.writer import Writer, mark_withdrawn, transaction


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
    are kept with the batch. The SQL runs through :func:`taskduty.writer.transaction`.
    """
    from taskduty.textclean import clean_text

    recorded_by = recorded_by or login_name()
    updates = [replace(u, code=normalise_code(u.code), note=clean_note(u.note),
                       by=clean_text(u.by) if u.by else u.by) for u in updates]
    actuals = [replace(a, code=normalise_code(a.code), note=clean_note(a.note))
               for a in actuals or []]
    with transaction(db) as w:
        plan = _plan(w, year, {u.date.year for u in [*updates, *actuals]})
        early = sorted({u.date for u in [*updates, *actuals] if u.date.year < plan["year"]})
        if early:
            raise TaskdutyError(
                _("update dated {date} is before the {year} table's year; nothing was recorded")
                .format(date=early[0].isoformat(), year=plan["year"]),
                hint=_("record it in its own year's table with --year {year}, or check --date")
                .format(year=early[0].year))
        codes = list(dict.fromkeys(u.code.strip() for u in [*updates, *actuals]))
        if not codes:
            return BatchResult(year=plan["year"], batch_id=None)
        listed, args = in_params("c", codes)
        tasks = {t["code"]: t for t in w.all(
            f"SELECT id, code, targets FROM task WHERE plan_id = :p AND code IN {listed} "
            "AND removed = :no", {"p": plan["id"], "no": False, **args})}
        unknown = [c for c in codes if c not in tasks]
        if unknown:
            raise TaskdutyError(
                ngettext("unknown task code in {year}: {codes}; nothing was recorded",
                         "unknown task codes in {year}: {codes}; nothing was recorded",
                         len(unknown)).format(year=plan["year"], codes=", ".join(unknown)),
                hint=_("list the codes with: taskduty tasks"))
        result = BatchResult(year=plan["year"], batch_id=None)
        existing: set[tuple[Any, ...]] = set()
        history: dict[int, list[Report]] = {}
        listed, args = in_params("t", [t["id"] for t in tasks.values()])
        for u in w.all('SELECT id, task_id, date, status, progress, note, "by" FROM task_update '
                       f"WHERE task_id IN {listed} AND withdrawn_at IS NULL", args):
            day = as_date(u["date"])
            existing.add((u["task_id"], day, u["status"], u["progress"], u["note"] or None,
                          u["by"]))
            history.setdefault(u["task_id"], []).append(Report(
                id=u["id"], by=u["by"] or "", date=day or date.min, status=u["status"],
                progress=u["progress"], note=u["note"]))
        done_before = _done_before(w, tasks, history, updates)
        now = utcnow()
        rows: list[tuple[int, NewUpdate]] = []
        for new in updates:
            task = tasks[new.code.strip()]
            key = (task["id"], new.date, new.status, new.progress, new.note or None, new.by)
            if skip_identical and key in existing:
                result.skipped.append(task["code"])
                continue
            existing.add(key)
            if new.status != "done" and (task["id"], new.date) in done_before:
                result.reopened.append(task["code"])
            rows.append((task["id"], new))
        actual_rows = _actual_rows(w, tasks, actuals, skip_identical, result)
        if not rows and not actual_rows:
            return result
        stamp = {"recorded_by": recorded_by, "recorded_at": now}
        batch = w.insert("INSERT INTO batch (kind, recorded_by, recorded_at, source_key) "
                         "VALUES (:kind, :recorded_by, :recorded_at, :source_key)",
                         {"kind": kind, "source_key": source_key, **stamp})
        result.batch_id = batch
        for task_id, new in rows:
            new_id = w.insert(
                'INSERT INTO task_update (task_id, batch_id, date, status, progress, note, "by", '
                "recorded_by, recorded_at) VALUES (:task_id, :batch_id, :date, :status, "
                ":progress, :note, :by, :recorded_by, :recorded_at)",
                {"task_id": task_id, "batch_id": batch, "date": new.date, "status": new.status,
                 "progress": new.progress, "note": new.note or None, "by": new.by, **stamp})
            result.recorded.append({"code": new.code.strip(), "status": new.status,
                                    "id": new_id, "progress": new.progress,
                                    "date": new.date.isoformat()})
        for info, task_id, new in actual_rows:
            new_id = w.insert(
                'INSERT INTO target_actual (task_id, target_no, batch_id, date, value, note, "by",'
                " recorded_by, recorded_at) VALUES (:task_id, :target_no, :batch_id, :date, "
                ":value, :note, :by, :recorded_by, :recorded_at)",
                {"task_id": task_id, "target_no": new.target_no, "batch_id": batch,
                 "date": new.date, "value": info["value"], "note": new.note or None,
                 "by": new.by, **stamp})
            result.actuals.append(info | {"id": f"A{new_id}"})
        for form in forms or []:
            if any(form.get(k) for k in ("filled_by", "phone", "approved_by")):
                w.insert("INSERT INTO batch_form (batch_id, unit, file, filled_by, phone, "
                         "approved_by) VALUES (:batch_id, :unit, :file, :filled_by, :phone, "
                         ":approved_by)",
                         {"batch_id": batch, "unit": form["unit"], "file": form.get("file", ""),
                          **{k: form.get(k) for k in ("filled_by", "phone", "approved_by")}})
    return result


def _plan(w: Writer, year: int | None, dated: set[int]) -> dict[str, Any]:
    """The table (id, year) to record in: ``year``'s; without it the dates' year's when they
    share one and it is loaded, else the latest."""
    if year is not None:
        rows = w.all("SELECT id, year FROM plan WHERE year = :y", {"y": year})
        if not rows:
            raise errors.not_loaded(year)
        return rows[0]
    rows = w.all("SELECT id, year FROM plan WHERE year = :y", {"y": dated.pop()}) \
        if len(dated) == 1 else []
    rows = rows or w.all("SELECT id, year FROM plan ORDER BY year DESC LIMIT 1")
    if not rows:
        raise errors.not_loaded()
    return rows[0]


def _done_before(w: Writer, tasks: dict[str, Any], history: dict[int, list[Report]],
                 updates: list[NewUpdate]) -> set[tuple[int, date]]:
    """(task id, day) for the updates' tasks that were done on that day before this batch
    (by the several-lead-units rule of :mod:`taskduty.reports`)."""
    from taskduty.fields import squeeze
    from taskduty.reports import combine

    wanted = {(tasks[u.code.strip()]["id"], u.date) for u in updates}
    if not any(r.status == "done" for rows in history.values() for r in rows):
        return set()
    units: dict[int, list[str]] = {}
    listed, args = in_params("t", list(history))
    for row in w.all("SELECT tu.task_id, u.name FROM task_unit tu JOIN unit u "
                     f"ON u.id = tu.unit_id WHERE tu.role = 'lead' AND tu.task_id IN {listed} "
                     "ORDER BY tu.task_id, tu.position", args):
        units.setdefault(row["task_id"], []).append(row["name"])
    aliases = {squeeze(a["alias"]): a["name"]
               for a in w.all("SELECT alias, name FROM alias WHERE kind = 'unit'")}
    out = set()
    for tid, day in wanted:
        reports = [r for r in history.get(tid, []) if r.date <= day]
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



def _actual_rows(w: Writer, tasks: dict[str, Any], actuals: list[NewActual],
                 skip_identical: bool,
                 result: BatchResult) -> list[tuple[dict[str, Any], int, NewActual]]:
    """Checked actual values to record for ``actuals`` (what to report, the task's id, the
    value with its target number)."""
    if not actuals:
        return []
    import json

    from taskduty.targets import describe, parse_actual

    existing: set[tuple[Any, ...]] = set()
    if skip_identical:
        listed, args = in_params("t", [t["id"] for t in tasks.values()])
        for a in w.all('SELECT task_id, target_no, date, value, note, "by" FROM target_actual '
                       f"WHERE task_id IN {listed} AND withdrawn_at IS NULL", args):
            existing.add((a["task_id"], a["target_no"], as_date(a["date"]), a["value"],
                          a["note"] or None, a["by"]))
    out = []
    for new in actuals:
        task = tasks[new.code.strip()]
        code = task["code"]
        targets = json.loads(task["targets"]) if task["targets"] else []
        if not targets:
            raise TaskdutyError(
                _("task {code} has no quantitative target; nothing was recorded")
                .format(code=code),
                hint=_("record its progress with --status and --progress instead"))
        if new.target_no == 0 and len(targets) > 1:
            listed = ", ".join(f"{code}#{i} {t['text']}" for i, t in enumerate(targets, 1))
            raise UsageError(
                _("task {code} has {n} targets: say which one the value is for; nothing was "
                  "recorded").format(code=code, n=len(targets)),
                hint=_("name it as CODE#N: {listed}").format(listed=listed))
        new = replace(new, target_no=new.target_no or 1)
        if not 1 <= new.target_no <= len(targets):
            listed = ", ".join(f"{code}#{i} {t['text']}" for i, t in enumerate(targets, 1))
            raise TaskdutyError(
                _("task {code} has no target #{no}; nothing was recorded")
                .format(code=code, no=new.target_no),
                hint=_("its targets: {listed}").format(listed=listed))
        target = targets[new.target_no - 1]
        try:
            value = parse_actual(new.value, target["unit"])
        except ValueError:
            raise ValueProblem(
                _("actual value {value!r} for {code}#{no} cannot be read in {unit}")
                .format(value=new.value, code=code, no=new.target_no,
                        unit=target["unit"] or _("a plain number")),
                hint=_("give a number, e.g. {example} (target: {target})").format(
                    example=f"12{target['unit']}", target=describe(target))) from None
        key = (task["id"], new.target_no, new.date, value, new.note or None, new.by)
        if skip_identical and key in existing:
            result.skipped.append(f"{code}#{new.target_no}")
            continue
        existing.add(key)
        info = {"code": code, "target": new.target_no, "value": value,
                "unit": target["unit"], "text": target["text"], "date": new.date.isoformat(),
                "target_spec": target}
        out.append((info, task["id"], new))
    return out


@dataclass
class Withdrawal:
    """What ``undo`` or ``withdraw`` took back."""

    batch_id: int | None
    entries: list[dict[str, Any]] = field(default_factory=list)
    actuals: list[dict[str, Any]] = field(default_factory=list)  # actual values taken back


# An update or an actual value with its task's code and its table's year.
_UPDATES = ('SELECT u.id, u.date, u.status, u.progress, u.note, u."by", u.withdrawn_at, t.code, '
            "p.year FROM task_update u JOIN task t ON t.id = u.task_id "
            "JOIN plan p ON p.id = t.plan_id WHERE {where} ORDER BY u.id")
_ACTUALS = ('SELECT a.id, a.target_no, a.date, a.value, a.note, a."by", a.withdrawn_at, t.code, '
            "p.year FROM target_actual a JOIN task t ON t.id = a.task_id "
            "JOIN plan p ON p.id = t.plan_id WHERE {where} ORDER BY a.id")


def undo(db: Database, recorded_by: str | None = None) -> Withdrawal:
    """Withdraw the most recent batch still in force that ``recorded_by`` (this login) entered."""
    from taskduty.extensions import withdraw_batch

    who = recorded_by or login_name()
    with transaction(db) as w:
        found = w.all("SELECT id FROM batch WHERE recorded_by = :who AND withdrawn_at IS NULL "
                      "ORDER BY id DESC LIMIT 1", {"who": who})
        if not found:
            raise TaskdutyError(
                _("nothing to undo: no recorded batch from {who}").format(who=who),
                hint=_("updates entered by other logins are never undone here"))
        batch = found[0]["id"]
        now = utcnow()
        w.run("UPDATE batch SET withdrawn_at = :now WHERE id = :b", {"now": now, "b": batch})
        out = Withdrawal(batch_id=batch)
        where = "{a}.batch_id = :b AND {a}.withdrawn_at IS NULL"
        rows = w.all(_UPDATES.format(where=where.format(a="u")), {"b": batch})
        mark_withdrawn(w, "task_update", [r["id"] for r in rows], who, now)
        out.entries = [_entry(r) for r in rows]
        rows = w.all(_ACTUALS.format(where=where.format(a="a")), {"b": batch})
        mark_withdrawn(w, "target_actual", [r["id"] for r in rows], who, now)
        out.actuals = [_actual_entry(r) for r in rows]
        out.entries += withdraw_batch(w, batch, who, now)
    return out


def withdraw(db: Database, ids: list[int], recorded_by: str | None = None,
             actual_ids: list[int] | None = None) -> Withdrawal:
    """Withdraw single updates by id, and single actual values by id (``actual_ids``, shown
    as ``A<id>``); all ids are checked first."""
    who = recorded_by or login_name()
    actual_ids = actual_ids or []

    def rows(sql: str, alias: str, wanted: list[int]) -> dict[int, dict[str, Any]]:
        wanted = [i for i in dict.fromkeys(wanted) if 0 < i < 2**63]
        if not wanted:
            return {}
        listed, args = in_params("i", wanted)
        return {r["id"]: r for r in w.all(sql.format(where=f"{alias}.id IN {listed}"), args)}

    with transaction(db) as w:
        found = rows(_UPDATES, "u", ids)
        afound = rows(_ACTUALS, "a", actual_ids)
        missing = [str(i) for i in ids if i not in found]
        missing += [f"A{i}" for i in actual_ids if i not in afound]
        if missing:
            raise TaskdutyError(
                ngettext("no update with id {ids}; nothing was withdrawn",
                         "no updates with ids {ids}; nothing was withdrawn",
                         len(missing)).format(ids=", ".join(missing)),
                hint=_("the ids are listed by: taskduty show CODE"))
        already = [str(i) for i in ids if found[i]["withdrawn_at"] is not None]
        already += [f"A{i}" for i in actual_ids if afound[i]["withdrawn_at"] is not None]
        if already:
            raise TaskdutyError(
                ngettext("update {ids} is already withdrawn; nothing was withdrawn",
                         "updates {ids} are already withdrawn; nothing was withdrawn",
                         len(already)).format(ids=", ".join(already)))
        now = utcnow()
        mark_withdrawn(w, "task_update", list(found), who, now)
        mark_withdrawn(w, "target_actual", list(afound), who, now)
        return Withdrawal(batch_id=None,
                          entries=[_entry(found[i]) for i in dict.fromkeys(ids)],
                          actuals=[_actual_entry(afound[i]) for i in dict.fromkeys(actual_ids)])


def _actual_entry(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": f"A{row['id']}", "year": row["year"], "code": row["code"],
            "target": row["target_no"], "date": _iso(row["date"]), "value": row["value"],
            "note": row["note"], "by": row["by"]}


def _entry(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "year": row["year"], "code": row["code"],
            "date": _iso(row["date"]), "status": row["status"], "progress": row["progress"],
            "note": row["note"], "by": row["by"]}


def _iso(value: Any) -> str:
    day = as_date(value)
    return day.isoformat() if day else ""
