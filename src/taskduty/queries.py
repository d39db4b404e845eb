"""Read-only questions about the plan: tasks by leader, unit, goal, status and text; names
with their task counts; a task's history; summaries as of a date.

Every query is portable SQL run through :class:`taskduty.db.Reader`, so the same function
answers on SQLite (through ``sqlite3``) and PostgreSQL (through SQLAlchemy).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from taskduty import errors
from taskduty.db import Reader, as_date, as_datetime, in_params
from taskduty.errors import NameResolutionError, TaskdutyError
from taskduty.fields import STATUSES, normalise_code, squeeze
from taskduty.i18n import _
from taskduty.schedule import LIGHTS, Assessment, Thresholds, assess

if TYPE_CHECKING:
    from taskduty.reports import Combined


@dataclass
class TaskView:
    """A task as every listing shows it, with its status as of a date."""

    id: int
    code: str
    year: int
    goal_no: int
    goal: str
    section: str | None
    seq: int
    standard: str
    leaders: list[str]
    units: list[str]
    co_units: list[str]
    deadline: str | None
    deadline_date: date | None
    leaders_inherited: bool
    units_inherited: bool
    source_ref: str
    status: str = "not_started"
    progress: int | None = None
    note: str | None = None
    updated: date | None = None
    deadline_kind: str | None = None
    milestones: list[dict[str, Any]] = field(default_factory=list)  # [{date, step}]
    deadline_inferred: bool = False
    extension: dict[str, Any] | None = None  # the approved extension in force (延期)
    extension_id: int | None = None
    schedule: Assessment | None = None  # 序时进度, light, days left at the as-of date
    history: list[dict[str, Any]] = field(default_factory=list)
    # quantitative targets read from the text: no, text, kind, value, upper, unit, bound,
    # and as of the view's date: actual, actual_date, status (met/on_course/behind or None)
    targets: list[dict[str, Any]] = field(default_factory=list)
    actual_history: list[dict[str, Any]] = field(default_factory=list)
    # several lead units: each one's latest report (unit, status, progress, note, date)
    reports: list[dict[str, Any]] = field(default_factory=list)
    extensions: list[dict[str, Any]] = field(default_factory=list)  # all, oldest first

    @property
    def reports_differ(self) -> bool:
        """Whether the lead units' latest reports say different things."""
        return len({(r["status"], r["progress"]) for r in self.reports}) > 1

    @property
    def due_date(self) -> date | None:
        """The due date in force: the approved extension's, else the deadline's."""
        return self.schedule.due if self.schedule else self.deadline_date

    @property
    def warning(self) -> str | None:
        return self.schedule.warning if self.schedule else None

    def as_dict(self, with_history: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": self.code, "year": self.year, "section": self.section,
            "goal_no": self.goal_no, "goal": self.goal, "standard": self.standard,
            "leaders": self.leaders, "units": self.units, "co_units": self.co_units,
            "deadline": self.deadline,
            "deadline_date": self.deadline_date.isoformat() if self.deadline_date else None,
            "leaders_inherited": self.leaders_inherited,
            "units_inherited": self.units_inherited,
            "status": self.status, "progress": self.progress, "note": self.note,
            "updated": self.updated.isoformat() if self.updated else None,
            "targets": self.targets,
            "reports": self.reports,
            "deadline_kind": self.deadline_kind, "milestones": self.milestones,
            "deadline_inferred": self.deadline_inferred, "extension": self.extension,
        }
        sched = self.schedule
        data |= sched.as_dict() if sched else {"expected_progress": None, "behind": None,
                                               "warning": None, "days_left": None}
        if with_history:
            data["source_ref"] = self.source_ref
            data["history"] = self.history
            data["actuals"] = self.actual_history
            data["extensions"] = self.extensions
        return data


@dataclass
class TaskFilter:
    """What ``tasks`` can ask for. Names must already be resolved (see :func:`resolve_names`)."""

    year: int | None = None
    leaders: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    co_units: list[str] = field(default_factory=list)
    goal: int | None = None
    goals: list[int] = field(default_factory=list)  # any of them (with ``goal``: that one)
    searches: list[str] = field(default_factory=list)  # text matching any of them
    search: str | None = None
    statuses: list[str] = field(default_factory=list)
    as_of: date | None = None
    stale_days: int | None = None
    overdue: bool = False
    # tasks with a quantitative target of one of these statuses: met, on_course, behind,
    # or none (no actual value yet)
    targets: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # red | yellow | blue (any of them)
    thresholds: Thresholds = field(default_factory=Thresholds)


# -- years ------------------------------------------------------------------------------------
def years(reader: Reader) -> list[dict[str, Any]]:
    """The loaded years with their task counts, newest first."""
    rows = reader.all(
        "SELECT p.year, p.title, p.source_name, p.loaded_at, "
        "(SELECT COUNT(*) FROM task t WHERE t.plan_id = p.id AND t.removed = :no) AS tasks, "
        "(SELECT COUNT(*) FROM goal g WHERE g.plan_id = p.id) AS goals "
        "FROM plan p ORDER BY p.year DESC", {"no": False})
    if not rows:
        raise errors.not_loaded()
    return [{"year": r["year"], "tasks": r["tasks"], "goals": r["goals"], "title": r["title"],
             "source": r["source_name"],
             "loaded_at": _iso(as_datetime(r["loaded_at"]))} for r in rows]


def _iso(value: Any) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


def plan_id(reader: Reader, year: int | None) -> tuple[int, int]:
    """(plan id, year) for ``year``, or for the latest year loaded."""
    if year is None:
        rows = reader.all("SELECT id, year FROM plan ORDER BY year DESC LIMIT 1")
        if not rows:
            raise errors.not_loaded()
    else:
        rows = reader.all("SELECT id, year FROM plan WHERE year = :y", {"y": year})
        if not rows:
            known = [str(r["year"]) for r in reader.all("SELECT year FROM plan ORDER BY year")]
            raise errors.not_loaded(year, known=known)
    return rows[0]["id"], rows[0]["year"]


def year_for(reader: Reader, year: int | None, day: date | None) -> int | None:
    """The year a command works on: ``year`` when given; else the year of ``day`` (from
    ``--month``, ``--as-of`` or ``--date``) when a table for it is loaded; else None (the
    latest year). With 2018 and 2019 loaded, ``--month 2018-03`` means the 2018 table."""
    if year is not None or day is None:
        return year
    rows = reader.all("SELECT year FROM plan WHERE year = :y", {"y": day.year})
    return day.year if rows else None


# -- names --------------------------------------------------------------------------------
def known_names(reader: Reader, kind: str, pid: int) -> list[str]:
    """Leader or unit names that have tasks in the plan."""
    if kind == "leader":
        sql = ("SELECT DISTINCT l.name FROM leader l JOIN task_leader tl ON tl.leader_id = l.id "
               "JOIN task t ON t.id = tl.task_id WHERE t.plan_id = :p ORDER BY l.name")
    else:
        sql = ("SELECT DISTINCT u.name FROM unit u JOIN task_unit tu ON tu.unit_id = u.id "
               "JOIN task t ON t.id = tu.task_id WHERE t.plan_id = :p ORDER BY u.name")
    return [r["name"] for r in reader.all(sql, {"p": pid})]


def aliases(reader: Reader, kind: str) -> dict[str, str]:
    """Alias -> name for leaders or units."""
    rows = reader.all("SELECT alias, name FROM alias WHERE kind = :k", {"k": kind})
    return {r["alias"]: r["name"] for r in rows}


def resolve_name(query: str, names: list[str], alias_map: dict[str, str], kind: str) -> str:
    """One known name for what the user typed.

    In order: the exact name (spaces ignored), an alias, a unique prefix, a unique
    substring. Ambiguous or unknown names raise :class:`NameResolutionError`.
    """
    label = "leader" if kind == "leader" else "unit"
    wanted = squeeze(query)
    if not wanted:
        raise NameResolutionError(_("empty leader name") if label == "leader"
                                  else _("empty unit name"))
    by_key = {squeeze(n): n for n in names}
    if wanted in by_key:
        return by_key[wanted]
    alias_keys = {squeeze(a): n for a, n in alias_map.items()}
    if wanted in alias_keys:
        return alias_keys[wanted]
    for test in (str.startswith, str.__contains__):
        matches = sorted({n for k, n in by_key.items() if test(k, wanted)})
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            shown = "、".join(matches[:12]) + (" …" if len(matches) > 12 else "")
            raise NameResolutionError(
                (_("leader {query!r} is ambiguous: {names}") if label == "leader"
                 else _("unit {query!r} is ambiguous: {names}")).format(query=query, names=shown),
                hint=_("give more of the name, e.g. --{label} {name}")
                .format(label=label, name=matches[0]))
    import difflib

    close = difflib.get_close_matches(wanted, list(by_key), n=5, cutoff=0.3)
    if not close:
        close = [k for k in by_key if set(k) & set(wanted)][:5]
    raise NameResolutionError(
        (_("unknown leader {query!r}") if label == "leader"
         else _("unknown unit {query!r}")).format(query=query),
        hint=_("closest known: {names}").format(names="、".join(by_key[c] for c in close))
        if close else _("list them with: taskduty {command}").format(command=f"{label}s"))


def resolve_names(reader: Reader, kind: str, queries: list[str], year: int | None) -> list[str]:
    """Resolve several typed names against the plan of ``year``."""
    if not queries:
        return []
    pid, _ = plan_id(reader, year)
    names: list[str] | None = None
    alias_map: dict[str, str] = {}
    out: list[str] = []
    pending = list(queries)
    while pending:
        q = pending.pop(0)
        if (wanted := squeeze(q)) and has_name(reader, kind, pid, wanted):
            out.append(wanted)  # the usual case: one indexed lookup, not the year's names
            continue
        if names is None:
            names, alias_map = known_names(reader, kind, pid), aliases(reader, kind)
        pieces = split_list(q)
        if len(pieces) > 1 and wanted not in {squeeze(a) for a in alias_map}:
            pending[:0] = pieces  # 陆秋明,是峰: each name on its own
            continue
        out.append(resolve_name(q, names, alias_map, kind))
    return list(dict.fromkeys(out))


def has_name(reader: Reader, kind: str, pid: int, name: str) -> bool:
    """Whether a leader or unit of exactly ``name`` has a task in the plan (an EXISTS by
    index, where :func:`known_names` reads every link of the year)."""
    table, link, key = (("leader", "task_leader", "leader_id") if kind == "leader"
                        else ("unit", "task_unit", "unit_id"))
    return bool(reader.all(
        f"SELECT 1 AS hit FROM {table} n WHERE n.name = :n AND EXISTS (SELECT 1 FROM {link} k "
        f"JOIN task t ON t.id = k.task_id WHERE k.{key} = n.id AND t.plan_id = :p)",
        {"n": name, "p": pid}))


LIST_SEPARATORS = ",，、;；"


def split_list(text: str) -> list[str]:
    """One option value naming several: ``陆秋明,是峰``, ``2，3``, ``发改局、财政局``."""
    import re

    return [p.strip() for p in re.split(f"[{LIST_SEPARATORS}]", text) if p.strip()] or [text]


# -- tasks ----------------------------------------------------------------------------------
_TASK_SQL = (
    "SELECT t.id, t.code, t.goal_no, t.seq, t.standard, t.deadline, t.deadline_date, "
    "t.deadline_kind, t.milestones, t.deadline_inferred, t.leaders_inherited, "
    "t.units_inherited, t.source_ref, t.targets, g.name AS goal, g.section, "
    # the approved extension in force (延期), if any: its details are read only for these
    "(SELECT MAX(e.id) FROM task_extension e WHERE e.task_id = t.id "
    "AND e.withdrawn_at IS NULL) AS extension_id "
    "FROM task t JOIN goal g ON g.id = t.goal_id WHERE t.plan_id = :plan AND t.removed = :no"
)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# A listing of at most this many tasks fetches its links and statuses by task id (IN lists of
# ID_CHUNK ids, well under every backend's parameter limit); a bigger one reads the whole
# year's at once. Either way a narrow filter costs what its result costs, not the year's size.
ID_CHUNK = 500
BY_IDS_LIMIT = 20 * ID_CHUNK


def _task_query(reader: Reader, flt: TaskFilter,
                select: str = _TASK_SQL) -> tuple[int, int, str, dict[str, Any]]:
    """(plan id, year, statement, parameters) for the tasks ``flt``'s SQL filters match;
    the statement has no ORDER BY, so callers can add conditions. ``select``: the statement
    the conditions are added to (``task t JOIN goal g`` of the plan ``:plan``, not removed)."""
    pid, year = plan_id(reader, flt.year)
    sql = select
    params: dict[str, Any] = {"plan": pid, "no": False}
    if flt.leaders:
        ids, p = in_params("l", flt.leaders)
        sql += (" AND t.id IN (SELECT tl.task_id FROM task_leader tl JOIN leader l "
                f"ON l.id = tl.leader_id WHERE l.name IN {ids})")
        params |= p
    if flt.units:
        ids, p = in_params("u", flt.units)
        sql += (" AND t.id IN (SELECT tu.task_id FROM task_unit tu JOIN unit u "
                f"ON u.id = tu.unit_id WHERE tu.role = 'lead' AND u.name IN {ids})")
        params |= p
    if flt.co_units:
        ids, p = in_params("c", flt.co_units)
        sql += (" AND t.id IN (SELECT tu.task_id FROM task_unit tu JOIN unit u "
                f"ON u.id = tu.unit_id WHERE tu.role = 'co' AND u.name IN {ids})")
        params |= p
    goals = list(dict.fromkeys(flt.goals or ([flt.goal] if flt.goal is not None else [])))
    for g in goals:
        _check_goal(reader, pid, year, g)
    if len(goals) == 1:
        sql += " AND t.goal_no = :goal"
        params["goal"] = goals[0]
    elif goals:
        ids, p = in_params("g", goals)
        sql += f" AND t.goal_no IN {ids}"
        params |= p
    searches = flt.searches or ([flt.search] if flt.search else [])
    if searches:
        from taskduty.textclean import clean_text

        parts = []
        for i, text in enumerate(searches):  # any of them
            parts.append(f"(t.standard LIKE :q{i} ESCAPE '\\' OR g.name LIKE :q{i} "
                         f"ESCAPE '\\' OR t.code = :code{i})")
            params[f"q{i}"] = _like(clean_text(text).strip())
            params[f"code{i}"] = clean_text(text).strip()
        sql += " AND (" + " OR ".join(parts) + ")"
    return pid, year, sql, params


def list_tasks(reader: Reader, flt: TaskFilter) -> list[TaskView]:
    """Tasks matching every given filter (names within one filter: any of them)."""
    pid, year, sql, params = _task_query(reader, flt)
    rows = reader.all(sql + " ORDER BY t.goal_no, t.seq", params)
    return _complete(reader, pid, year, rows, flt, by_ids=len(rows) <= BY_IDS_LIMIT)


@dataclass(frozen=True)
class _Scope:
    """The tasks one lead unit leads in a plan, as an index-backed subquery
    (``ix_task_unit_unit_id``, then each task by its key): a listing restricted to them reads
    their names, statuses and actual values with it, in place of IN lists of their ids or the
    whole plan's, so what it reads is what the unit's tasks cost however many there are."""

    unit: str
    pid: int

    SQL = ("SELECT su.task_id FROM task_unit su JOIN unit sn ON sn.id = su.unit_id"
           " JOIN task st ON st.id = su.task_id WHERE sn.name = :scope_unit"
           " AND su.role = 'lead' AND st.plan_id = :plan AND st.removed = :no")

    @classmethod
    def where(cls, column: str) -> str:
        """The condition that ``column`` (a task id) is one of the scope's tasks."""
        return f"{column} IN ({cls.SQL})"

    @property
    def params(self) -> dict[str, Any]:
        return {"scope_unit": self.unit, "plan": self.pid, "no": False}


# The task query of one lead unit's tasks: the plan's tasks found by the scope's ids (the
# plan's own condition would have SQLite walk the whole plan in code order and test each).
_PLAN_WHERE = "WHERE t.plan_id = :plan AND t.removed = :no"
assert _PLAN_WHERE in _TASK_SQL, "the task query's plan condition changed: update _Scope"
_SCOPED_TASK_SQL = _TASK_SQL.replace(_PLAN_WHERE, "WHERE " + _Scope.where("t.id"))


def lead_units(reader: Reader, flt: TaskFilter) -> list[str]:
    """The distinct lead units (牵头单位) of the tasks :func:`list_tasks` returns for
    ``flt``, sorted by name as Python sorts them (the order ``taskduty forms`` writes its
    forms in): one ``DISTINCT`` over the links of the tasks ``flt``'s SQL filters match; a
    filter judged on each task's status, schedule or targets streams the tasks' lead units
    (:func:`iter_task_rows`) instead. Memory: the names, not the tasks."""
    if flt.statuses or flt.stale_days is not None or flt.overdue or flt.warnings or flt.targets:
        found = {u for row in iter_task_rows(reader, flt, ["units"]) for u in row["units"]}
    else:
        select = ("SELECT t.id FROM task t JOIN goal g ON g.id = t.goal_id "
                  "WHERE t.plan_id = :plan AND t.removed = :no")
        _pid, _year, sql, params = _task_query(reader, flt, select)
        found = {r["name"] for r in reader.all(
            "SELECT DISTINCT u.name FROM unit u JOIN task_unit tu ON tu.unit_id = u.id "
            f"WHERE tu.role = 'lead' AND tu.task_id IN ({sql})", params)}
    return sorted(found)


def lead_unit_tasks(reader: Reader, flt: TaskFilter, unit: str) -> list[TaskView]:
    """The tasks of :func:`list_tasks` for ``flt`` that ``unit`` leads, in its order, each as
    it gives them (all their lead units, status in force, per-unit reports, actual values,
    extension and schedule): ``flt``'s query restricted to the unit's tasks in SQL, and
    their names, statuses and actual values read for that scope (:class:`_Scope`), so only
    one unit's tasks are held and read however big the year is."""
    pid, year, sql, params = _task_query(reader, flt, _SCOPED_TASK_SQL)
    scope = _Scope(unit, pid)
    rows = reader.all(sql + " ORDER BY t.goal_no, t.seq", params | scope.params)
    return _complete(reader, pid, year, rows, flt, by_ids=True, scope=scope)


def iter_tasks(reader: Reader, flt: TaskFilter, batch: int = ID_CHUNK) -> Iterator[TaskView]:
    """What :func:`list_tasks` returns, in the same order, fetched ``batch`` tasks at a time,
    so a whole year can be written out in flat memory.

    Pages follow the ``task (plan_id, goal_no, seq)`` index from where the last one ended
    (keyset paging: no page rereads earlier rows); each page's links and statuses are read
    by task id. The reader must stay open while the tasks are consumed.
    """
    if batch < 1:
        raise ValueError("batch must be at least 1")
    pid, year, sql, params = _task_query(reader, flt)
    sql += " AND (t.goal_no, t.seq, t.id) > (:after_goal, :after_seq, :after_id)"
    sql += " ORDER BY t.goal_no, t.seq, t.id LIMIT :batch"
    after: dict[str, Any] = {"after_goal": -1, "after_seq": -1, "after_id": -1,
                             "batch": min(batch, ID_CHUNK)}
    while True:
        rows = reader.all(sql, params | after)
        if not rows:
            return
        yield from _complete(reader, pid, year, rows, flt, by_ids=True)
        if len(rows) < after["batch"]:
            return
        last = rows[-1]
        after |= {"after_goal": last["goal_no"], "after_seq": last["seq"],
                  "after_id": last["id"]}


# -- a listing driven by its fields ---------------------------------------------------------
# What TaskView.as_dict() gives, in its order: every field a listing of tasks has.
TASK_FIELDS = (
    "code", "year", "section", "goal_no", "goal", "standard", "leaders", "units", "co_units",
    "deadline", "deadline_date", "leaders_inherited", "units_inherited", "status",
    "progress", "note", "updated", "targets", "reports", "deadline_kind", "milestones",
    "deadline_inferred", "extension", "expected_progress", "behind", "warning", "days_left")
_STATUS_FIELDS = frozenset(("status", "progress", "note", "updated", "reports"))
_SCHEDULE_FIELDS = frozenset(("expected_progress", "behind", "warning", "days_left"))
# the columns of task t (goal g) a field is read from
_FIELD_COLUMNS = {
    "section": "g.section", "goal": "g.name AS goal", "standard": "t.standard",
    "deadline": "t.deadline", "deadline_date": "t.deadline_date",
    "leaders_inherited": "t.leaders_inherited", "units_inherited": "t.units_inherited",
    "deadline_kind": "t.deadline_kind", "deadline_inferred": "t.deadline_inferred",
    "targets": "t.targets", "milestones": "t.milestones"}
# A page of a listing with each task's latest update in force (as _LATEST_SQL finds it), its
# number of lead units and, for a task with several, whether one reporter made all its
# updates (then that report is the only one to combine).
_PAGE_WITH_STATUS = (
    'SELECT x.*, u."by", u.status, u.progress, u.note, u.date, CASE WHEN x.lead_count > 1'
    ' THEN (SELECT MIN(m."by") FROM task_update m WHERE m.task_id = x.id) ='
    ' (SELECT MAX(m."by") FROM task_update m WHERE m.task_id = x.id) END AS one_reporter'
    " FROM ({page}) x LEFT JOIN task_update u ON u.id = x.update_id"
    " ORDER BY x.goal_no, x.seq, x.id")


def listing_parts(keys: Iterable[str], flt: TaskFilter) -> frozenset[str]:
    """What a listing of the fields ``keys`` filtered by ``flt`` must read and compute of
    each task, beyond its columns: ``leaders``, ``units`` (lead and cooperating), ``status``
    (the status in force), ``targets`` (with their actual values), ``extension`` (the one in
    force) and ``schedule`` (序时进度, the light, days left)."""
    want = set(keys)
    parts = set()
    if "leaders" in want:
        parts.add("leaders")
    if want & {"units", "co_units"}:
        parts.add("units")
    if "targets" in want or flt.targets:
        parts.add("targets")
    if want & _SCHEDULE_FIELDS or flt.overdue or flt.warnings:
        parts |= {"schedule", "status", "extension"}
    if "extension" in want:
        parts.add("extension")
    if want & _STATUS_FIELDS or flt.statuses or flt.stale_days is not None:
        parts.add("status")
    return frozenset(parts)


def iter_task_rows(reader: Reader, flt: TaskFilter, keys: Sequence[str] | None = None,
                   batch: int | None = None) -> Iterator[dict[str, Any]]:
    """The tasks :func:`list_tasks` returns, in its order, each as the dict of ``keys``
    (default: every field, :data:`TASK_FIELDS`) that ``TaskView.as_dict()`` gives: the same
    values, keys in the order given (a repeated key once). Only what ``keys`` and ``flt``'s
    filters need is read and computed (:func:`listing_parts`): ``code,status`` reads each
    task's code and its latest update in force by index, as the status floor does.

    Tasks are read ``batch`` at a time (default :data:`ID_CHUNK`) along the ``task (plan_id,
    goal_no, seq)`` index (keyset paging, as :func:`iter_tasks`), so a whole year is written
    out in flat memory; each page's links are read by task id in chunks of ``ID_CHUNK``. The plan
    and the filters are checked before this returns (an unknown goal raises here, before any
    output); the reader must stay open while the rows are consumed."""
    batch = ID_CHUNK if batch is None else batch
    if batch < 1:
        raise ValueError("batch must be at least 1")
    keys = list(dict.fromkeys(TASK_FIELDS if keys is None else keys))
    parts = listing_parts(keys, flt)
    wanted = set(keys)
    cols = ["t.id", "t.code", "t.goal_no", "t.seq"]
    cols += [c for k, c in _FIELD_COLUMNS.items() if k in wanted or (
        k == "targets" and "targets" in parts) or (k == "milestones" and "schedule" in parts)]
    if "extension" in parts:
        cols.append("(SELECT MAX(e.id) FROM task_extension e WHERE e.task_id = t.id "
                    "AND e.withdrawn_at IS NULL) AS extension_id")
    if "status" in parts:
        cols.append("(SELECT COUNT(*) FROM task_unit y WHERE y.task_id = t.id "
                    "AND y.role = 'lead') AS lead_count")
        cols.append(_LATEST_ID + " AS update_id")
    select = ("SELECT " + ", ".join(cols) + " FROM task t JOIN goal g ON g.id = t.goal_id "
              "WHERE t.plan_id = :plan AND t.removed = :no")
    _pid, year, sql, params = _task_query(reader, flt, select)
    sql += " AND (t.goal_no, t.seq, t.id) > (:after_goal, :after_seq, :after_id)"
    sql += " ORDER BY t.goal_no, t.seq, t.id LIMIT :batch"
    if "status" in parts:
        sql = _PAGE_WITH_STATUS.format(page=sql)
    as_of = flt.as_of or date.today()
    params |= {"d": as_of, "after_goal": -1, "after_seq": -1, "after_id": -1, "batch": batch}
    return _task_rows(reader, _RowMaker(reader, year, keys, parts, flt, as_of), sql, params)


def _task_rows(reader: Reader, make: _RowMaker, sql: str,
               params: dict[str, Any]) -> Iterator[dict[str, Any]]:
    while True:
        rows = reader.all(sql, params)
        if not rows:
            return
        yield from make.page(rows)
        if len(rows) < params["batch"]:
            return
        last = rows[-1]
        params = params | {"after_goal": last["goal_no"], "after_seq": last["seq"],
                           "after_id": last["id"]}


class _RowMaker:
    """:func:`iter_task_rows`'s rows of one listing, a page of task rows at a time."""

    def __init__(self, reader: Reader, year: int, keys: list[str], parts: frozenset[str],
                 flt: TaskFilter, as_of: date) -> None:
        self.reader, self.year, self.keys, self.parts, self.flt = reader, year, keys, parts, flt
        self.as_of = as_of
        self.ordered = [k for k in TASK_FIELDS if k in keys] == keys
        self.wanted = frozenset(keys)
        self.aliases: tuple[dict[str, str], Any] | None = None  # read on first need
        self.unit_keys: set[str] | None = None  # every unit's key (reports.unit_keys)
        self.office: dict[str, bool] = {}  # reporter -> whether no unit is spelt so
        self.assessed: dict[tuple[Any, ...], Assessment] = {}
        self.stale_before: date | None = None
        if flt.stale_days is not None:
            # --stale 10000000 reaches before year 1: every task is stale then
            self.stale_before = (as_of - timedelta(days=flt.stale_days)
                                 if flt.stale_days <= (as_of - date.min).days else date.min)

    def _unit_key(self) -> tuple[dict[str, str], Any]:
        if self.aliases is None:
            from taskduty.reports import unit_keys

            alias_map = _unit_aliases(self.reader)
            self.aliases = (alias_map, unit_keys(alias_map))
        return self.aliases

    def page(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        from taskduty.reports import report_dict

        reader, parts, want, flt = self.reader, self.parts, self.wanted, self.flt
        leaders: dict[int, list[str]] = defaultdict(list)
        units: dict[int, list[str]] = defaultdict(list)
        co_units: dict[int, list[str]] = defaultdict(list)
        if "leaders" in parts:
            for r in _by_ids(reader, _LEADERS_SQL.format(where="WHERE tl.task_id IN {ids}"),
                             [r["id"] for r in rows]):
                leaders[r["task_id"]].append(r["name"])
        if "units" in parts:
            for r in _by_ids(reader, _UNITS_SQL.format(where="WHERE tu.task_id IN {ids}"),
                             [r["id"] for r in rows]):
                (units if r["role"] == "lead" else co_units)[r["task_id"]].append(r["name"])
        statuses = self._statuses(rows, units) if "status" in parts else {}
        targets: dict[int, list[dict[str, Any]]] = {}
        if "targets" in parts:
            targets = {r["id"]: found for r in rows if (found := _targets(r["targets"]))}
            _set_actuals(reader, self.year, targets, self.as_of)
            if flt.targets:
                wanted = {None if s == "none" else s for s in flt.targets}
                rows = [r for r in rows if any(g["status"] in wanted
                                               for g in targets.get(r["id"], ()))]
        extensions: dict[int, dict[str, Any]] = {}
        if "extension" in parts:
            ids = [r["extension_id"] for r in rows if r["extension_id"] is not None]
            if ids:
                found = {e["id"]: _extension_dict(e) for e in _by_ids(
                    reader, _EXTENSION_SQL.format(where="WHERE e.id IN {ids}"), ids)}
                extensions = {r["id"]: found[r["extension_id"]] for r in rows
                              if r["extension_id"] in found}
        out = []
        schedule = "schedule" in parts
        dated = "updated" in want or self.stale_before is not None
        year = self.year
        for r in rows:
            tid = r["id"]
            status, progress, note, day, per_unit = statuses.get(tid, _NO_REPORT)
            updated = as_date(day) if dated else None
            ext = extensions.get(tid)
            sched = self._assess(r["milestones"], ext, status, progress) if schedule else None
            if flt.statuses and status not in flt.statuses:
                continue
            if self.stale_before is not None and not (
                    status != "done" and (updated is None or updated < self.stale_before)):
                continue
            if flt.overdue and not (sched is not None and sched.overdue):
                continue
            if flt.warnings and (sched.warning if sched else None) not in flt.warnings:
                continue
            d: dict[str, Any] = {}
            if "code" in want:
                d["code"] = r["code"]
            if "year" in want:
                d["year"] = year
            if "section" in want:
                d["section"] = r["section"]
            if "goal_no" in want:
                d["goal_no"] = r["goal_no"]
            if "goal" in want:
                d["goal"] = r["goal"]
            if "standard" in want:
                d["standard"] = r["standard"]
            if "leaders" in want:
                d["leaders"] = leaders[tid]
            if "units" in want:
                d["units"] = units[tid]
            if "co_units" in want:
                d["co_units"] = co_units[tid]
            if "deadline" in want:
                d["deadline"] = r["deadline"]
            if "deadline_date" in want:
                day = as_date(r["deadline_date"])
                d["deadline_date"] = day.isoformat() if day else None
            if "leaders_inherited" in want:
                d["leaders_inherited"] = bool(r["leaders_inherited"])
            if "units_inherited" in want:
                d["units_inherited"] = bool(r["units_inherited"])
            if "status" in want:
                d["status"] = status
            if "progress" in want:
                d["progress"] = progress
            if "note" in want:
                d["note"] = note
            if "updated" in want:
                d["updated"] = updated.isoformat() if updated else None
            if "targets" in want:
                d["targets"] = targets.get(tid, [])
            if "reports" in want:
                d["reports"] = [report_dict(unit, rep) for unit, rep in per_unit]
            if "deadline_kind" in want:
                d["deadline_kind"] = r["deadline_kind"]
            if "milestones" in want:
                d["milestones"] = json.loads(r["milestones"]) if r["milestones"] else []
            if "deadline_inferred" in want:
                d["deadline_inferred"] = bool(r["deadline_inferred"])
            if "extension" in want:
                d["extension"] = ext
            if sched is not None:
                if "expected_progress" in want:
                    d["expected_progress"] = sched.expected_progress
                if "behind" in want:
                    d["behind"] = sched.behind
                if "warning" in want:
                    d["warning"] = sched.warning
                if "days_left" in want:
                    d["days_left"] = sched.days_left
            out.append(d if self.ordered else {k: d[k] for k in self.keys})
        return out

    def _assess(self, milestones: str | None, ext: dict[str, Any] | None, status: str,
                progress: int | None) -> Assessment:
        """The task's schedule, computed once per distinct milestones, extension, status
        and progress (an assessment is immutable)."""
        extended = ext["due_date"] if ext else None
        key = (milestones, extended, status, progress)
        found = self.assessed.get(key)
        if found is None:
            dates = [date.fromisoformat(m["date"])
                     for m in (json.loads(milestones) if milestones else [])]
            found = self.assessed[key] = assess(
                self.as_of, self.year, dates, status=status, progress=progress,
                extended_to=date.fromisoformat(extended) if extended else None,
                thresholds=self.flt.thresholds)
        return found

    def _statuses(self, rows: list[dict[str, Any]],
                  units: dict[int, list[str]]) -> dict[int, _Status]:
        """Task id -> its status in force, as :func:`status_in_force` finds it, from each
        row's latest update. A task with several lead units whose one reporter is no unit
        under any spelling (the office) has that report for every lead unit: its status
        without reading its lead units, unless ``reports`` is asked for. Only the others read
        their lead units (if not read already) and combine their reports (with several
        reporters, each one's latest)."""
        from taskduty.reports import Report, combine

        out: dict[int, _Status] = {}
        lead_needed: list[dict[str, Any]] = []
        with_reports = "reports" in self.wanted
        for r in rows:
            if r["update_id"] is None:
                continue
            if r["lead_count"] <= 1:
                out[r["id"]] = (r["status"], r["progress"], r["note"], r["date"], ())
            elif r["one_reporter"] and self._office(r["by"] or ""):
                # what combine gives: the report for each lead unit, its progress counted
                status = r["status"]
                out[r["id"]] = (status, None if status == "not_started" else (
                    100 if status == "done" else r["progress"]), r["note"], r["date"], ())
                if with_reports:
                    lead_needed.append(r)
            else:
                lead_needed.append(r)
        if not lead_needed:
            return out
        lead: dict[int, list[str]] = units
        if "units" not in self.parts:
            lead = defaultdict(list)
            for r in _by_ids(self.reader, _UNITS_SQL.format(
                    where="WHERE tu.role = 'lead' AND tu.task_id IN {ids}"),
                    [r["id"] for r in lead_needed]):
                lead[r["task_id"]].append(r["name"])
        several: list[int] = []
        for r in lead_needed:
            tid = r["id"]
            if not r["one_reporter"]:
                several.append(tid)
                continue
            report = Report(id=r["update_id"], by=r["by"] or "", date=as_date(r["date"]),
                            status=r["status"], progress=r["progress"], note=r["note"])
            if tid in out:  # the office's: its report for each lead unit
                out[tid] = (*out[tid][:4], [(unit, report) for unit in lead[tid]])
            else:
                alias_map, key = self._unit_key()
                c = combine(lead[tid], [report], alias_map, key)
                out[tid] = (c.status, c.progress, c.note, c.updated, c.per_unit)
        if several:
            for tid, c in _combine_several(self.reader, self.as_of, lead, several).items():
                out[tid] = (c.status, c.progress, c.note, c.updated, c.per_unit)
        return out

    def _office(self, by: str) -> bool:
        """Whether the reporter ``by`` is no unit under any spelling (unit_keys)."""
        found = self.office.get(by)
        if found is None:
            _alias_map, key = self._unit_key()
            if self.unit_keys is None:
                self.unit_keys = {key(r["name"]) for r in self.reader.all(
                    "SELECT name FROM unit")}
            found = self.office[by] = key(by) not in self.unit_keys
        return found


# A task's status in force in a listing: status, progress, note, the day (a date, or as the
# database gives it) and each lead unit's latest report (several lead units: (unit, Report)).
_Status = tuple[str, Any, Any, Any, Sequence[tuple[str, Any]]]
_NO_REPORT: _Status = ("not_started", None, None, None, ())


@dataclass
class TaskFacts:
    """What a report needs to know before its first row: are there cooperating units or
    deadlines among the tasks (its columns depend on them)."""

    co_units: bool
    deadlines: bool


def task_facts(reader: Reader, flt: TaskFilter) -> TaskFacts:
    """:class:`TaskFacts` for the tasks ``flt``'s SQL filters match (status filters, which
    need each task's status, are not applied)."""
    _, _, sql, params = _task_query(reader, flt)
    co = reader.all(sql + " AND EXISTS (SELECT 1 FROM task_unit cu WHERE cu.task_id = t.id "
                    "AND cu.role <> 'lead') LIMIT 1", params)
    due = reader.all(sql + " AND t.deadline IS NOT NULL AND t.deadline <> '' LIMIT 1", params)
    return TaskFacts(co_units=bool(co), deadlines=bool(due))


def task_names(reader: Reader, flt: TaskFilter) -> dict[str, list[str]]:
    """The distinct leader, lead-unit and cooperating-unit names of the tasks ``flt``'s SQL
    filters match (``leaders``, ``units``, ``co_units``): a report sizes its columns by them
    before its first row."""
    _, _, sql, params = _task_query(reader, flt)
    matched = f"SELECT x.id FROM ({sql}) x"
    leaders = reader.all("SELECT DISTINCT l.name FROM leader l JOIN task_leader tl "
                         f"ON tl.leader_id = l.id WHERE tl.task_id IN ({matched}) "
                         "ORDER BY l.name", params)
    units = reader.all("SELECT DISTINCT u.name, tu.role FROM unit u JOIN task_unit tu "
                       f"ON tu.unit_id = u.id WHERE tu.task_id IN ({matched}) "
                       "ORDER BY u.name", params)
    return {"leaders": [r["name"] for r in leaders],
            "units": [r["name"] for r in units if r["role"] == "lead"],
            "co_units": [r["name"] for r in units if r["role"] != "lead"]}


def _complete(reader: Reader, pid: int, year: int, rows: list[dict[str, Any]],
              flt: TaskFilter, by_ids: bool, scope: _Scope | None = None) -> list[TaskView]:
    """TaskViews for ``rows`` with names and status, then ``flt``'s status filters; their
    names, statuses and actual values read for ``scope`` (the rows' tasks are among its
    tasks), else by the rows' ids (``by_ids``), else for the whole plan."""
    tasks = _assemble(reader, pid, year, rows, by_ids=by_ids, scope=scope)
    as_of = flt.as_of or date.today()
    _attach_status(reader, pid, tasks, as_of, by_ids=by_ids, scope=scope)
    _attach_actuals(reader, pid, year, tasks, as_of, scope=scope)
    if flt.targets:
        wanted = {None if s == "none" else s for s in flt.targets}
        tasks = [t for t in tasks if any(g["status"] in wanted for g in t.targets)]
    _attach_extensions(reader, tasks)
    attach_schedule(tasks, as_of, flt.thresholds)
    if flt.statuses:
        tasks = [t for t in tasks if t.status in flt.statuses]
    if flt.stale_days is not None:
        # --stale 10000000 reaches before year 1: every task is stale then
        limit = (as_of - timedelta(days=flt.stale_days)
                 if flt.stale_days <= (as_of - date.min).days else date.min)
        tasks = [t for t in tasks
                 if t.status != "done" and (t.updated is None or t.updated < limit)]
    if flt.overdue:
        tasks = [t for t in tasks if t.schedule is not None and t.schedule.overdue]
    if flt.warnings:
        tasks = [t for t in tasks if t.warning in flt.warnings]
    return tasks


def attach_schedule(tasks: list[TaskView], as_of: date,
                    thresholds: Thresholds | None = None) -> None:
    """Set each task's :class:`~taskduty.schedule.Assessment` at ``as_of``: 序时进度, behind,
    light, days left, judged on the approved extension's date when there is one. Tasks
    alike in year, extension, status, progress and milestone dates share one assessment (it
    is immutable): a year's tasks have few distinct ones."""
    found: dict[tuple[Any, ...], Assessment] = {}
    for t in tasks:
        due = t.extension["due_date"] if t.extension else None
        key = (t.year, due, t.status, t.progress, *(m["date"] for m in t.milestones))
        sched = found.get(key)
        if sched is None:
            dates = [date.fromisoformat(m["date"]) for m in t.milestones]
            sched = found[key] = assess(
                as_of, t.year, dates, status=t.status, progress=t.progress,
                extended_to=date.fromisoformat(due) if due else None, thresholds=thresholds)
        t.schedule = sched


_EXTENSION_SQL = (
    "SELECT e.id, e.task_id, e.due_date, e.reason, e.approved_by, e.recorded_by, "
    "e.recorded_at, e.withdrawn_at, e.withdrawn_by, e.batch_id FROM task_extension e {where} "
    "ORDER BY e.task_id, e.id")


def _extension_dict(r: dict[str, Any], withdrawn: bool = False) -> dict[str, Any]:
    out = {"id": r["id"], "due_date": as_date(r["due_date"]).isoformat(),
           "reason": r["reason"], "approved_by": r["approved_by"] or None,
           "recorded_by": r["recorded_by"], "recorded_at": _iso(as_datetime(r["recorded_at"])),
           "batch": r["batch_id"]}
    if withdrawn:
        out["withdrawn_at"] = _iso(as_datetime(r["withdrawn_at"]))
        out["withdrawn_by"] = r["withdrawn_by"]
    return out


def _attach_extensions(reader: Reader, tasks: list[TaskView]) -> None:
    """Set each task's extension in force (its latest one not withdrawn, whose id the task
    query found): no statement at all when no task has one."""
    wanted = [t.extension_id for t in tasks if t.extension_id is not None]
    if not wanted:
        return
    rows = _by_ids(reader, _EXTENSION_SQL.format(where="WHERE e.id IN {ids}"), wanted)
    found = {r["id"]: r for r in rows}
    for task in tasks:
        r = found.get(task.extension_id) if task.extension_id is not None else None
        task.extension = _extension_dict(r) if r is not None else None


def _by_ids(reader: Reader, sql: str, ids: list[int],
            params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """``sql`` (holding ``{ids}`` where an IN list goes) run over ``ids`` in chunks."""
    out: list[dict[str, Any]] = []
    for start in range(0, len(ids), ID_CHUNK):
        marks, p = in_params("i", ids[start:start + ID_CHUNK])
        out += reader.all(sql.format(ids=marks), (params or {}) | p)
    return out


def _check_goal(reader: Reader, pid: int, year: int, goal_no: int) -> None:
    numbers = [r["goal_no"] for r in reader.all(
        "SELECT goal_no FROM goal WHERE plan_id = :p ORDER BY goal_no", {"p": pid})]
    if goal_no not in numbers:
        span = f"{numbers[0]}–{numbers[-1]}" if numbers else "none"
        raise TaskdutyError(_("no goal {goal_no} in {year}").format(goal_no=goal_no, year=year),
                            hint=_("goals are numbered {span}; list them with: taskduty goals")
                                .format(span=span))


_LEADERS_SQL = ("SELECT tl.task_id, l.name FROM task_leader tl "
                "JOIN leader l ON l.id = tl.leader_id {where} ORDER BY tl.task_id, tl.position")
_UNITS_SQL = ("SELECT tu.task_id, tu.role, u.name FROM task_unit tu "
              "JOIN unit u ON u.id = tu.unit_id {where} ORDER BY tu.task_id, tu.position")
_PLAN_LINKS = "JOIN task t ON t.id = {alias}.task_id WHERE t.plan_id = :p"
# Each task's latest update not withdrawn on or before :d, by index ix_update_task_date
# (task_id, date) per task, then read by its primary key (the floor's lookup).
_LATEST_SQL = (
    'SELECT x.task_id, x.one_reporter, u.id, u."by", u.status, u.progress, u.note, u.date'
    " FROM (SELECT t.id AS task_id, " + "{latest}" + " AS update_id, " + "{one_reporter}"
    " AS one_reporter FROM task t {where}) x JOIN task_update u ON u.id = x.update_id")
# The id of a task's latest update not withdrawn on or before :d (the floor's LIMIT 1).
_LATEST_ID = (
    "(SELECT s.id FROM task_update s WHERE s.task_id = t.id AND s.withdrawn_at IS NULL"
    " AND s.date <= :d ORDER BY s.date DESC, s.id DESC LIMIT 1)")
# Whether every update of the task has one reporter: then that reporter's latest is the
# latest (two index lookups at the ends of ix_update_task_by_date).
_ONE_REPORTER = (
    '(SELECT MIN(m."by") FROM task_update m WHERE m.task_id = t.id) ='
    ' (SELECT MAX(m."by") FROM task_update m WHERE m.task_id = t.id)')
_LATEST_SQL = _LATEST_SQL.replace("{latest}", _LATEST_ID).replace(
    "{one_reporter}", _ONE_REPORTER)
# Each task's latest update per reporter ("by": a lead unit's own, or the office's) not
# withdrawn on or before :d: the task's reporters from index ix_update_task_by_date, then
# one lookup per reporter along the same index.
_STATUS_SQL = (
    'SELECT u.id, u.task_id, u."by", u.status, u.progress, u.note, u.date FROM ('
    " SELECT k.task_id, (SELECT s.id FROM task_update s WHERE s.task_id = k.task_id"
    ' AND s."by" = k."by" AND s.withdrawn_at IS NULL AND s.date <= :d'
    " ORDER BY s.date DESC, s.id DESC LIMIT 1) AS update_id FROM ("
    '  SELECT DISTINCT v.task_id, v."by" FROM task_update v WHERE v.task_id IN {ids}) k) x'
    " JOIN task_update u ON u.id = x.update_id")


def _assemble(reader: Reader, pid: int, year: int, rows: list[dict[str, Any]],
              by_ids: bool = True, scope: _Scope | None = None) -> list[TaskView]:
    """TaskViews for ``rows`` with their leaders and units: read for ``scope``'s tasks (a
    superset of the rows'), else for these tasks' ids (``by_ids``), else for the whole
    plan."""
    leaders: dict[int, list[str]] = defaultdict(list)
    units: dict[int, list[str]] = defaultdict(list)
    co_units: dict[int, list[str]] = defaultdict(list)
    if rows:
        if scope is not None:
            leader_rows = reader.all(_LEADERS_SQL.format(
                where="WHERE " + scope.where("tl.task_id")), scope.params)
            unit_rows = reader.all(_UNITS_SQL.format(where="WHERE " + scope.where(
                "tu.task_id")), scope.params)
        elif by_ids:
            ids = [r["id"] for r in rows]
            leader_rows = _by_ids(reader, _LEADERS_SQL.format(
                where="WHERE tl.task_id IN {ids}"), ids)
            unit_rows = _by_ids(reader, _UNITS_SQL.format(where="WHERE tu.task_id IN {ids}"),
                                ids)
        else:
            leader_rows = reader.all(_LEADERS_SQL.format(
                where=_PLAN_LINKS.format(alias="tl")), {"p": pid})
            unit_rows = reader.all(_UNITS_SQL.format(where=_PLAN_LINKS.format(alias="tu")),
                                   {"p": pid})
        for r in leader_rows:
            leaders[r["task_id"]].append(r["name"])
        for r in unit_rows:
            (units if r["role"] == "lead" else co_units)[r["task_id"]].append(r["name"])
    parsed: dict[str, list[dict[str, Any]]] = {}  # milestone texts recur: each read once

    def milestones(text: str | None) -> list[dict[str, Any]]:
        if not text:
            return []
        found = parsed.get(text)
        if found is None:
            found = parsed[text] = json.loads(text)
        return [dict(m) for m in found]  # each task its own

    return [TaskView(
        id=r["id"], code=r["code"], year=year, goal_no=r["goal_no"], goal=r["goal"],
        section=r["section"], seq=r["seq"], standard=r["standard"], leaders=leaders[r["id"]],
        units=units[r["id"]], co_units=co_units[r["id"]], deadline=r["deadline"],
        deadline_date=as_date(r["deadline_date"]), deadline_kind=r["deadline_kind"],
        milestones=milestones(r["milestones"]),
        deadline_inferred=bool(r["deadline_inferred"]), extension_id=r["extension_id"],
        leaders_inherited=bool(r["leaders_inherited"]),
        units_inherited=bool(r["units_inherited"]), source_ref=r["source_ref"] or "",
        targets=_targets(r["targets"]),
    ) for r in rows]


def _targets(stored: str | None) -> list[dict[str, Any]]:
    """A task's stored targets (JSON), numbered from 1 (``no``: what ``CODE#N`` names)."""
    import json

    if not stored:
        return []
    return [{"no": i, **t} for i, t in enumerate(json.loads(stored), 1)]


def _attach_status(reader: Reader, pid: int, tasks: list[TaskView], as_of: date,
                   by_ids: bool = True, scope: _Scope | None = None) -> None:
    """Set each task's status, progress, note and date in force on ``as_of`` (and, with
    several lead units, each one's latest report), reading the statuses of ``scope``'s
    tasks, else of these tasks (``by_ids``), else of the whole plan."""
    if not tasks:
        return
    units = {t.id: t.units for t in tasks}
    if scope is not None:
        rows = reader.all(_LATEST_SQL.format(where="WHERE " + scope.where("t.id")),
                          {"d": as_of} | scope.params)
        found = _statuses(reader, as_of, units, [r for r in rows if r["task_id"] in units])
    else:
        found = status_in_force(reader, pid, as_of, units,
                                [t.id for t in tasks] if by_ids else None)
    from taskduty.reports import report_dict

    for task in tasks:
        c = found.get(task.id)
        if c is None:
            continue
        task.status, task.progress, task.note, task.updated = (c.status, c.progress, c.note,
                                                               c.updated)
        task.reports = [report_dict(unit, rep) for unit, rep in c.per_unit]


def status_in_force(reader: Reader, pid: int, as_of: date, units: dict[int, list[str]],
                    ids: list[int] | None = None) -> dict[int, Combined]:
    """Task id -> its :class:`~taskduty.reports.Combined` status on ``as_of``, for the tasks
    ``ids`` (None: every task of the plan) that have a report by then; ``units`` gives each
    task's lead units (a task missing from it counts as having one).

    One index-backed lookup per task finds its latest update (``ix_update_task_date``); that
    is the status of a task with one lead unit. Only the tasks with several lead units that
    have a report read their reports per reporter and combine them
    (:func:`taskduty.reports.combine`)."""
    if ids is None:
        rows = reader.all(_LATEST_SQL.format(where="WHERE t.plan_id = :p AND t.removed = :no"),
                          {"p": pid, "no": False, "d": as_of})
    else:
        rows = _by_ids(reader, _LATEST_SQL.format(where="WHERE t.id IN {ids}"), ids,
                       {"d": as_of})
    return _statuses(reader, as_of, units, rows)


def _statuses(reader: Reader, as_of: date, units: dict[int, list[str]],
              rows: list[dict[str, Any]]) -> dict[int, Combined]:
    """:func:`status_in_force` from each task's latest update (``rows`` as _LATEST_SQL
    gives them; a row without an update id: no report yet)."""
    from taskduty.reports import Combined, Report, combine, unit_keys

    out: dict[int, Combined] = {}
    several: list[int] = []
    alias_map: dict[str, str] | None = None
    key = None
    for r in rows:
        if r["id"] is None:
            continue
        lead = units.get(r["task_id"], ())
        if len(lead) <= 1:
            out[r["task_id"]] = Combined(r["status"], r["progress"], r["note"],
                                         as_date(r["date"]))
        elif not r["one_reporter"]:
            several.append(r["task_id"])
        else:  # one reporter: its latest report is the only one to combine
            if alias_map is None:
                alias_map = _unit_aliases(reader)
                key = unit_keys(alias_map)
            out[r["task_id"]] = combine(lead, [Report(
                id=r["id"], by=r["by"] or "", date=as_date(r["date"]), status=r["status"],
                progress=r["progress"], note=r["note"])], alias_map, key)
    return out | _combine_several(reader, as_of, units, several)


def _combine_several(reader: Reader, as_of: date, units: dict[int, list[str]],
                     several: list[int]) -> dict[int, Combined]:
    """Task id -> its combined status on ``as_of`` for ``several`` (tasks with several lead
    units and a report by then): each reporter's latest update, by index, then
    :func:`taskduty.reports.combine`."""
    from taskduty.reports import Report, combine, unit_keys

    if not several:
        return {}
    by_task: dict[int, list[Report]] = defaultdict(list)
    for r in _by_ids(reader, _STATUS_SQL, several, {"d": as_of}):
        by_task[r["task_id"]].append(Report(id=r["id"], by=r["by"] or "", date=as_date(r["date"]),
                                            status=r["status"], progress=r["progress"],
                                            note=r["note"]))
    alias_map = _unit_aliases(reader)
    key = unit_keys(alias_map)
    return {tid: combine(units[tid], by_task[tid], alias_map, key) for tid in several}


def _unit_aliases(reader: Reader) -> dict[str, str]:
    """Unit alias -> unit name, keyed without spaces (for matching reporters to units)."""
    return {squeeze(a): n for a, n in aliases(reader, "unit").items()}


_ACTUAL_SQL = (
    "SELECT task_id, target_no, value, date FROM ("
    " SELECT a.task_id, a.target_no, a.value, a.date, ROW_NUMBER() OVER ("
    "  PARTITION BY a.task_id, a.target_no ORDER BY a.date DESC, a.id DESC) AS rn"
    " FROM target_actual a WHERE a.task_id IN {ids} AND a.withdrawn_at IS NULL"
    " AND a.date <= :d) x WHERE rn = 1")


def _attach_actuals(reader: Reader, pid: int, year: int, tasks: list[TaskView],
                   as_of: date, scope: _Scope | None = None) -> None:
    """Give each target of ``tasks`` its latest actual value on ``as_of`` (``actual``,
    ``actual_date``) and its ``status`` then: met, on_course or behind (None without an
    actual), judged against the share of ``year`` elapsed at ``as_of`` (序时); the values
    read for ``scope``'s tasks (a superset of ``tasks``), else by the tasks' ids."""
    _set_actuals(reader, year, {t.id: t.targets for t in tasks if t.targets}, as_of, scope)


def _set_actuals(reader: Reader, year: int, targets: dict[int, list[dict[str, Any]]],
                 as_of: date, scope: _Scope | None = None) -> None:
    """:func:`_attach_actuals` for ``targets`` (task id -> its targets)."""
    from taskduty.targets import assess, year_elapsed

    if not targets:
        return
    if scope is not None:
        rows = reader.all(_ACTUAL_SQL.format(ids=f"({scope.SQL})"),
                          {"d": as_of} | scope.params)
    else:
        rows = _by_ids(reader, _ACTUAL_SQL, list(targets), {"d": as_of})
    latest = {(r["task_id"], r["target_no"]): r for r in rows}
    elapsed = year_elapsed(year, as_of)
    for tid, task_targets in targets.items():
        for target in task_targets:
            r = latest.get((tid, target["no"]))
            value = None if r is None else _number(r["value"])
            target["actual"] = value
            target["actual_date"] = as_date(r["date"]).isoformat() if r else None
            target["status"] = assess(target, value, elapsed)


def _number(value: Any) -> float | int:
    number = float(value)
    return int(number) if number.is_integer() else round(number, 6)


def get_task(reader: Reader, code: str, year: int | None, as_of: date | None = None,
             withdrawn: bool = False, thresholds: Thresholds | None = None) -> TaskView:
    """One task in full, with its history (oldest first)."""
    pid, found_year = plan_id(reader, year)
    code = normalise_code(code)
    rows = reader.all(_TASK_SQL + " AND t.code = :code", {"plan": pid, "no": False,
                                                          "code": code})
    if not rows:
        raise TaskdutyError(_("no task {code} in {found_year}")
            .format(code=code, found_year=found_year),
                            hint=_("list the codes with: taskduty tasks"))
    task = _assemble(reader, pid, found_year, rows)[0]
    _attach_status(reader, pid, [task], as_of or date.today())
    _attach_actuals(reader, pid, found_year, [task], as_of or date.today())
    _attach_extensions(reader, [task])
    attach_schedule([task], as_of or date.today(), thresholds)
    ext_sql = _EXTENSION_SQL.format(where="WHERE e.task_id = :t"
                                    + ("" if withdrawn else " AND e.withdrawn_at IS NULL"))
    task.extensions = [_extension_dict(r, withdrawn) for r in reader.all(ext_sql, {"t": task.id})]
    sql = ("SELECT u.id, u.date, u.status, u.progress, u.note, u.by, u.recorded_by, "
           "u.recorded_at, u.withdrawn_at, u.withdrawn_by, f.filled_by, f.phone, "
           "f.approved_by FROM task_update u LEFT JOIN batch_form f ON f.batch_id = "
           "u.batch_id AND f.unit = u.by WHERE u.task_id = :t")
    if not withdrawn:
        sql += " AND u.withdrawn_at IS NULL"
    sql += " ORDER BY u.date, u.id"
    for r in reader.all(sql.replace("u.by", 'u."by"'), {"t": task.id}):
        entry = {"id": r["id"], "date": as_date(r["date"]).isoformat(), "status": r["status"],
                 "progress": r["progress"], "note": r["note"], "by": r["by"],
                 "recorded_by": r["recorded_by"],
                 "recorded_at": _iso(as_datetime(r["recorded_at"]))}
        for key in ("filled_by", "phone", "approved_by"):  # from a collected form
            if r[key]:
                entry[key] = r[key]
        if withdrawn:
            entry["withdrawn_at"] = _iso(as_datetime(r["withdrawn_at"]))
            entry["withdrawn_by"] = r["withdrawn_by"]
        task.history.append(entry)
    if task.targets:
        sql = ('SELECT id, target_no, date, value, note, "by", recorded_by, recorded_at, '
               "withdrawn_at, withdrawn_by FROM target_actual WHERE task_id = :t")
        if not withdrawn:
            sql += " AND withdrawn_at IS NULL"
        for r in reader.all(sql + " ORDER BY date, id", {"t": task.id}):
            entry = {"id": f"A{r['id']}", "target": r["target_no"],
                     "date": as_date(r["date"]).isoformat(), "value": _number(r["value"]),
                     "note": r["note"], "by": r["by"], "recorded_by": r["recorded_by"],
                     "recorded_at": _iso(as_datetime(r["recorded_at"]))}
            if withdrawn:
                entry["withdrawn_at"] = _iso(as_datetime(r["withdrawn_at"]))
                entry["withdrawn_by"] = r["withdrawn_by"]
            task.actual_history.append(entry)
    return task


def goals(reader: Reader, year: int | None) -> list[dict[str, Any]]:
    """The plan's goals with their task counts."""
    pid, _ = plan_id(reader, year)
    rows = reader.all(
        "SELECT g.goal_no, g.name, g.section, COUNT(t.id) AS tasks FROM goal g "
        "LEFT JOIN task t ON t.goal_id = g.id AND t.removed = :no WHERE g.plan_id = :p "
        "GROUP BY g.goal_no, g.name, g.section ORDER BY g.goal_no", {"p": pid, "no": False})
    return [{"goal_no": r["goal_no"], "goal": r["name"], "section": r["section"],
             "tasks": r["tasks"]} for r in rows]


# -- counts and summaries --------------------------------------------------------------------
def name_counts(reader: Reader, kind: str, year: int | None,
                as_of: date | None = None) -> list[dict[str, Any]]:
    """Each leader or lead unit with its number of tasks and counts per status."""
    return summary(reader, kind, year, as_of)


def summary(reader: Reader, by: str, year: int | None, as_of: date | None = None,
            thresholds: Thresholds | None = None) -> list[dict[str, Any]]:
    """Per leader, lead unit or goal: tasks, count per status, share done, mean progress,
    and the count per warning light (``red``, ``yellow``, ``blue``)."""
    return summary_with_total(reader, by, year, as_of, thresholds)[0]


@dataclass(frozen=True)
class _Facts:
    """What a summary counts of one task."""

    status: str
    progress: int  # as :func:`progress_of` counts it
    light: str | None
    targets: int
    targets_ok: int


def summary_rows(tasks: list[TaskView], by: str) -> list[dict[str, Any]]:
    """:func:`summary`'s rows for ``tasks``."""
    facts = {t.id: _facts_of(t) for t in tasks}
    return _group_rows(facts, {t.id: _group_keys(t.leaders, t.units, t.goal_no, t.goal, by)
                               for t in tasks}, by)


def _facts_of(task: TaskView) -> _Facts:
    from taskduty.targets import count_statuses

    counts = count_statuses(task.targets)
    return _Facts(task.status, progress_of(task), task.warning, counts["targets"],
                  counts["ok"])


def _group_keys(leaders: list[str], units: list[str], goal_no: int, goal: str,
                by: str) -> list[str]:
    return leaders if by == "leader" else units if by == "unit" else [f"{goal_no}. {goal}"]


def _group_rows(facts: dict[int, _Facts], keys: dict[int, list[str]],
                by: str) -> list[dict[str, Any]]:
    """One row per group name of ``keys`` (task id -> its groups), sorted as
    :func:`summary` shows them."""
    groups: dict[str, list[_Facts]] = defaultdict(list)
    for tid, names in keys.items():
        for name in names:
            groups[name].append(facts[tid])
    out = [_count_row(name, items) for name, items in groups.items()]
    if by == "goal":
        out.sort(key=lambda r: int(r["name"].split(".")[0]))
    else:
        out.sort(key=lambda r: (-r["tasks"], r["name"]))
    return out


def _count_row(name: str, items: list[_Facts]) -> dict[str, Any]:
    """A summary row: tasks, count per status, share done, mean progress, lights, targets."""
    n = len(items)
    counts = Counter(f.status for f in items)
    row: dict[str, Any] = {"name": name, "tasks": n}
    row |= {s: counts.get(s, 0) for s in STATUSES}
    row["done_pct"] = round(100 * counts.get("done", 0) / n, 1) if n else 0.0
    row["mean_progress"] = round(sum(f.progress for f in items) / n, 1) if n else 0.0
    lights = Counter(f.light for f in items)
    row |= {light: lights.get(light, 0) for light in LIGHTS}
    row["targets"] = sum(f.targets for f in items)
    row["targets_ok"] = sum(f.targets_ok for f in items)
    return row


def progress_of(task: TaskView) -> int:
    """The progress a task counts with: its recorded value, 100 when done, else 0."""
    if task.status == "done":
        return 100
    return task.progress or 0


TOTAL_LABEL = "合计（任务不重复计）"


def summary_total(tasks: list[TaskView]) -> dict[str, Any]:
    """The 合计 row under a summary: every task counted once, however many leaders or units
    it has (the workbook's 汇总 sheet ends its tables with the same numbers)."""
    return _count_row(TOTAL_LABEL, [_facts_of(t) for t in tasks])


def target_rows(tasks: list[TaskView]) -> list[dict[str, Any]]:
    """Every quantitative target of ``tasks``, one row each: ``code`` (CODE#N), the task's
    lead units, the target (``text``, ``target`` as 目标 reads it, kind, value, upper, unit,
    bound) and its latest ``actual``, ``actual_date`` and ``status``."""
    from taskduty.targets import STATUS_LABELS, describe

    rows = []
    for t in tasks:
        for g in t.targets:
            rows.append({"code": f"{t.code}#{g['no']}", "task": t.code, "no": g["no"],
                         "units": t.units, "text": g["text"], "target": describe(g),
                         "kind": g["kind"], "value": g["value"], "upper": g["upper"],
                         "unit": g["unit"], "bound": g["bound"], "actual": g.get("actual"),
                         "actual_date": g.get("actual_date"), "status": g.get("status"),
                         "status_label": STATUS_LABELS[g.get("status") or "none"]})
    return rows


def summary_with_total(reader: Reader, by: str, year: int | None, as_of: date | None = None,
                       thresholds: Thresholds | None = None
                       ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """:func:`summary`'s rows and their :func:`summary_total`, counted from each task's
    status in force (:func:`status_in_force`), light and targets, without building the
    tasks' views.

    Counted in SQL, per group, by :data:`_GROUPED_SQL` (each task's latest update by one
    index lookup, its light from its schedule's :func:`~taskduty.schedule.light_bounds`);
    only the tasks SQL cannot judge (several lead units with their own reports, actual
    values of targets) are read one by one and counted in Python as before."""
    if by not in ("leader", "unit", "goal"):
        raise TaskdutyError(_("cannot summarise by {by!r}").format(by=by),
                            hint=_("use leader, unit or goal"))
    pid, found_year = plan_id(reader, year)
    as_of = as_of or date.today()
    th = thresholds or Thresholds()
    grouped = _grouped_summary(reader, pid, found_year, by, as_of, th)
    if grouped is None:
        return _summary_per_task(reader, pid, found_year, by, as_of, th)
    return grouped


def _summary_per_task(reader: Reader, pid: int, year: int, by: str, as_of: date,
                      th: Thresholds, ids: list[int] | None = None
                      ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """:func:`summary_with_total` counted in Python from one row per task (of the plan, or
    of ``ids``)."""
    facts, keys = _task_facts(reader, pid, year, by, as_of, th, ids)
    return _group_rows(facts, keys, by), _count_row(TOTAL_LABEL, list(facts.values()))


def _task_facts(reader: Reader, pid: int, year: int, by: str, as_of: date, th: Thresholds,
                ids: list[int] | None = None
                ) -> tuple[dict[int, _Facts], dict[int, list[str]]]:
    """Each task's :class:`_Facts` and group names (of the plan, or of ``ids``)."""
    if ids is None:
        rows = reader.all(_SUMMARY_TASKS_SQL.format(where=""),
                          {"p": pid, "no": False, "d": as_of})
        lead = _plan_links(reader, pid, "unit")
        leaders = _plan_links(reader, pid, "leader") if by == "leader" else {}
    else:
        params = {"p": pid, "no": False, "d": as_of}
        rows = _by_ids(reader, _SUMMARY_TASKS_SQL.format(where=" AND t.id IN {ids}"), ids,
                       params)
        lead = _links_of(reader, ids, "unit")
        leaders = _links_of(reader, ids, "leader") if by == "leader" else {}
    found = _statuses(reader, as_of, lead, rows)
    # only the targets of tasks with an actual value by then are read and judged
    targets = {r["task_id"]: _targets(r["targets"]) for r in rows if r["targets"]}
    _set_actuals(reader, year, targets, as_of)
    lights: dict[tuple[Any, ...], str | None] = {}
    facts: dict[int, _Facts] = {}
    for r in rows:
        c = found.get(r["task_id"])
        status, progress = (c.status, c.progress) if c else ("not_started", None)
        key = (r["milestones"], r["extended_to"], status, progress)
        if key not in lights:
            dates = [date.fromisoformat(m["date"])
                     for m in (json.loads(r["milestones"]) if r["milestones"] else [])]
            lights[key] = assess(as_of, year, dates, status=status, progress=progress,
                                 extended_to=as_date(r["extended_to"]), thresholds=th).warning
        judged = targets.get(r["task_id"], ())
        facts[r["task_id"]] = _Facts(
            status, 100 if status == "done" else progress or 0, lights[key],
            r["target_count"] or 0, sum(g["status"] in ("met", "on_course") for g in judged))
    keys = {r["task_id"]: _group_keys(leaders.get(r["task_id"], []), lead.get(r["task_id"], []),
                                 r["goal_no"], r["goal"], by) for r in rows}
    return facts, keys


# A summary's tasks: what their lights and targets need (the extension in force: its date),
# the latest update in force (as _LATEST_SQL finds it), how many targets each has (each
# stored target object has one "text": key; a JSON string cannot hold an unescaped quote),
# and the targets themselves only for the tasks with an actual value by then.
_SUMMARY_TASKS_SQL = (
    "SELECT x.task_id, x.goal_no, x.goal, x.milestones, x.extended_to, x.target_count,"
    ' x.targets, x.one_reporter, u.id, u."by", u.status, u.progress, u.note, u.date FROM ('
    " SELECT t.id AS task_id, t.goal_no, g.name AS goal, t.milestones,"
    " (SELECT e.due_date FROM task_extension e WHERE e.task_id = t.id AND e.withdrawn_at IS"
    " NULL ORDER BY e.id DESC LIMIT 1) AS extended_to,"
    " (LENGTH(t.targets) - LENGTH(REPLACE(t.targets, '\"text\":', ''))) / 7 AS target_count,"
    " CASE WHEN EXISTS (SELECT 1 FROM target_actual a WHERE a.task_id = t.id"
    " AND a.withdrawn_at IS NULL AND a.date <= :d) THEN t.targets END AS targets, "
    + _LATEST_ID + " AS update_id, " + _ONE_REPORTER + " AS one_reporter"
    " FROM task t JOIN goal g ON g.id = t.goal_id WHERE t.plan_id = :p AND t.removed = :no"
    "{where}) x LEFT JOIN task_update u ON u.id = x.update_id")


def _plan_links(reader: Reader, pid: int, kind: str) -> dict[int, list[str]]:
    """Task id -> its leaders (``kind`` leader) or lead units, in order, for the whole plan."""
    if kind == "leader":
        sql = _LEADERS_SQL.format(where=_PLAN_LINKS.format(alias="tl"))
    else:
        sql = _UNITS_SQL.format(where=_PLAN_LINKS.format(alias="tu") + " AND tu.role = 'lead'")
    out: dict[int, list[str]] = defaultdict(list)
    for r in reader.all(sql, {"p": pid}):
        out[r["task_id"]].append(r["name"])
    return out


def _links_of(reader: Reader, ids: list[int], kind: str) -> dict[int, list[str]]:
    """:func:`_plan_links` for the tasks ``ids``."""
    if kind == "leader":
        sql = _LEADERS_SQL.format(where="WHERE tl.task_id IN {ids}")
    else:
        sql = _UNITS_SQL.format(where="WHERE tu.task_id IN {ids} AND tu.role = 'lead'")
    out: dict[int, list[str]] = defaultdict(list)
    for r in _by_ids(reader, sql, ids):
        out[r["task_id"]].append(r["name"])
    return out


# -- the grouped summary ---------------------------------------------------------------------
# Whether all of a task's updates have one reporter: the two ends of ix_update_task_by_date.
_ONE_REPORTER_ENDS = (
    '(SELECT m."by" FROM task_update m WHERE m.task_id = t.id ORDER BY m."by" LIMIT 1) ='
    ' (SELECT m."by" FROM task_update m WHERE m.task_id = t.id ORDER BY m."by" DESC LIMIT 1)')
# Each task once, every lookup evaluated once (a CTE used three times, so both backends
# materialise it): its status ``st`` and progress value ``v`` in force (the latest update
# in force, as _LATEST_SQL finds it), its light from the bounds of its milestones
# (:func:`~taskduty.schedule.light_bounds`, looked up by :func:`_bound_sql`), its number of
# targets ``tc``, and ``cls``: 1 when it is counted in Python (an actual value of a target
# by then, an approved extension; several lead units and an update in force, with several
# reporters, or one who may be one of them by name or alias, or not started with a
# progress, which the office's report for several units counts as 0), 2 when it has several
# lead units all reported on by one reporter who is none of them (``rep``: the office),
# else 0.
_FACTS_CTE = (
    "f AS (SELECT t.id AS task_id, t.goal_no, t.goal_id,"
    " (LENGTH(t.targets) - LENGTH(REPLACE(t.targets, '\"text\":', ''))) / 7 AS tc,"
    " CASE WHEN EXISTS (SELECT 1 FROM target_actual a WHERE a.task_id = t.id"
    " AND a.withdrawn_at IS NULL AND a.date <= :d)"
    " OR EXISTS (SELECT 1 FROM task_extension e WHERE e.task_id = t.id"
    " AND e.withdrawn_at IS NULL) THEN 1"
    " WHEN u.id IS NULL OR (SELECT COUNT(*) FROM task_unit l WHERE l.task_id = t.id"
    " AND l.role = 'lead') <= 1 THEN 0"
    " WHEN u.status = 'not_started' AND COALESCE(u.progress, 0) <> 0 THEN 1"
    ' WHEN u."by" IN (SELECT n.name FROM unit n)'
    " OR u.\"by\" IN (SELECT a.alias FROM alias a WHERE a.kind = 'unit') THEN 1"
    " WHEN " + _ONE_REPORTER_ENDS + " THEN 2 ELSE 1 END AS cls,"
    ' u."by" AS rep, COALESCE(u.status, \'not_started\') AS st,'
    " CASE WHEN u.status = 'done' THEN 100 ELSE COALESCE(u.progress, 0) END AS v,"
    " CASE WHEN u.status = 'done' THEN NULL"
    " WHEN COALESCE(u.progress, 0) < {red} THEN 'red'"
    " WHEN u.status = 'behind' OR COALESCE(u.progress, 0) < {yellow} THEN 'yellow'"
    " WHEN COALESCE(u.progress, 0) < {blue} THEN 'blue' END AS light"
    " FROM task t LEFT JOIN task_update u ON u.id = " + _LATEST_ID +
    " WHERE t.plan_id = :p AND t.removed = :no)")
_REP = "CASE WHEN f.cls = 2 THEN f.rep END"
_COUNTS = (
    "COUNT(*) AS n, "
    + ", ".join(f"SUM(CASE WHEN f.st = '{s}' THEN 1 ELSE 0 END) AS s_{s}" for s in STATUSES)
    + ", SUM(f.v) AS v, "
    + ", ".join(f"SUM(CASE WHEN f.light = '{x}' THEN 1 ELSE 0 END) AS l_{x}" for x in LIGHTS)
    + ", SUM(f.tc) AS tc")
# Part 0: per group (and reporter); part 1: the 合计, each task once; part 2: the ids of
# the tasks counted in Python.
_GROUPED_SQL = (
    "WITH {ctes}"
    f"SELECT 0 AS part, {{goal_no}} AS goal_no, n.name AS name, {_REP} AS rep, f.cls, "
    + _COUNTS + f" FROM f {{links}} WHERE f.cls <> 1 GROUP BY {{group}}, {_REP}, f.cls"
    f" UNION ALL SELECT 1, NULL, NULL, {_REP}, f.cls, " + _COUNTS
    + f" FROM f WHERE f.cls <> 1 GROUP BY {_REP}, f.cls"
    " UNION ALL SELECT 2, NULL, NULL, NULL, f.task_id, 1, "
    + ", ".join(["0"] * (len(STATUSES) + len(LIGHTS) + 2)) + " FROM f WHERE f.cls = 1")
_GROUP_LINKS = {
    "unit": ("JOIN task_unit k ON k.task_id = f.task_id AND k.role = 'lead'"
             " JOIN unit n ON n.id = k.unit_id", "n.name"),
    "leader": ("JOIN task_leader k ON k.task_id = f.task_id JOIN leader n ON n.id = k.leader_id",
               "n.name"),
    "goal": ("JOIN goal n ON n.id = f.goal_id", "f.goal_no, n.name"),
}
# More schedules than this (each a parameter): counted per task instead.
MAX_SCHEDULES = 800


def _grouped_summary(reader: Reader, pid: int, year: int, by: str, as_of: date,
                     th: Thresholds) -> tuple[list[dict[str, Any]], dict[str, Any]] | None:
    """:func:`summary_with_total` counted per group in SQL (:data:`_GROUPED_SQL`), plus the
    tasks SQL cannot judge counted in Python; None when it cannot be (too many schedules, or
    a reporter who may be a lead unit under another spelling): then count per task."""
    from taskduty.schedule import light_bounds

    params: dict[str, Any] = {"p": pid, "no": False, "d": as_of}
    texts = [r["milestones"] for r in reader.all(
        "SELECT DISTINCT t.milestones FROM task t WHERE t.plan_id = :p AND t.removed = :no"
        " AND t.milestones IS NOT NULL", params)]
    if len(texts) > MAX_SCHEDULES:
        return None
    found: list[tuple[str, tuple[int, int, int]]] = []
    seen: dict[tuple[date, ...], tuple[int, int, int]] = {}
    for i, text in enumerate(texts):
        params[f"m{i}"] = text
        dates = tuple(date.fromisoformat(m["date"])
                      for m in (json.loads(text) if text else []))
        if dates not in seen:  # texts differing only in their steps
            seen[dates] = light_bounds(as_of, year, dates, thresholds=th)
        found.append((f":m{i}", seen[dates]))
    undated = light_bounds(as_of, year, (), thresholds=th)
    cols = {col: _bound_sql({name: b[i] for name, b in found}, undated[i])
            for i, col in enumerate(("red", "yellow", "blue"))}
    links, group = _GROUP_LINKS[by]
    sql = _GROUPED_SQL.format(ctes=_FACTS_CTE.format(**cols) + " ", links=links, group=group,
                              goal_no="f.goal_no" if by == "goal" else "NULL")
    rows = reader.all(sql, params)
    unit_keys_ = None
    hard: list[int] = []
    groups: dict[str, list[int]] = {}
    total: list[int] | None = None
    for r in rows:
        if r["part"] == 2:
            hard.append(r["cls"])  # the task's id
            continue
        if r["rep"] is not None:  # several lead units, one reporter: not under its name?
            if unit_keys_ is None:
                unit_keys_ = _all_unit_keys(reader)
            if unit_keys_[0](r["rep"]) in unit_keys_[1]:
                return None
        counts = [int(r[c] or 0) for c in _COUNT_COLUMNS]
        if r["part"] == 1:
            total = counts if total is None else [a + b for a, b in zip(total, counts,
                                                                       strict=True)]
        else:
            name = f"{r['goal_no']}. {r['name']}" if by == "goal" else r["name"]
            had = groups.get(name)
            groups[name] = counts if had is None else [a + b for a, b in zip(had, counts,
                                                                             strict=True)]
    out = {name: _sums_row(name, c) for name, c in groups.items()}
    total_row = _sums_row(TOTAL_LABEL, total or [0] * len(_COUNT_COLUMNS))
    if hard:
        facts, keys = _task_facts(reader, pid, year, by, as_of, th, hard)
        _add_facts(total_row, facts.values())
        members: dict[str, list[_Facts]] = defaultdict(list)
        for tid, names in keys.items():
            for name in names:
                members[name].append(facts[tid])
        for name, items in members.items():
            row = out.get(name)
            if row is None:
                row = out[name] = _sums_row(name, [0] * len(_COUNT_COLUMNS))
            _add_facts(row, items)
    rows_out = [_finish(row) for row in out.values()]
    if by == "goal":
        rows_out.sort(key=lambda r: int(r["name"].split(".")[0]))
    else:
        rows_out.sort(key=lambda r: (-r["tasks"], r["name"]))
    return rows_out, _finish(total_row)


_COUNT_COLUMNS = ("n", *(f"s_{s}" for s in STATUSES), "v", *(f"l_{x}" for x in LIGHTS), "tc")


def _sums_row(name: str, counts: list[int]) -> dict[str, Any]:
    """A summary row's sums (its shares not yet divided: :func:`_finish`)."""
    c = dict(zip(_COUNT_COLUMNS, counts, strict=True))
    row: dict[str, Any] = {"name": name, "tasks": c["n"]}
    row |= {s: c[f"s_{s}"] for s in STATUSES}
    row["done_pct"] = 0
    row["mean_progress"] = c["v"]  # the sum, until _finish
    row |= {x: c[f"l_{x}"] for x in LIGHTS}
    row["targets"] = c["tc"]
    row["targets_ok"] = 0
    return row


def _add_facts(row: dict[str, Any], items: Iterable[_Facts]) -> None:
    """Count ``items`` into a row of :func:`_sums_row`."""
    for f in items:
        row["tasks"] += 1
        if f.status in STATUSES:
            row[f.status] += 1
        row["mean_progress"] += f.progress
        if f.light in LIGHTS:
            row[f.light] += 1
        row["targets"] += f.targets
        row["targets_ok"] += f.targets_ok


def _finish(row: dict[str, Any]) -> dict[str, Any]:
    """A row of :func:`_sums_row` as :func:`_count_row` gives it."""
    n = row["tasks"]
    row["done_pct"] = round(100 * row["done"] / n, 1) if n else 0.0
    row["mean_progress"] = round(row["mean_progress"] / n, 1) if n else 0.0
    return row


def _all_unit_keys(reader: Reader) -> tuple[Callable[[str], str], set[str]]:
    """A reporter's unit key (:func:`taskduty.reports.unit_keys`) and every unit's key."""
    from taskduty.reports import unit_keys

    key = unit_keys(_unit_aliases(reader))
    return key, {key(r["name"]) for r in reader.all("SELECT name FROM unit ORDER BY name")}


def _bound_sql(bounds: dict[str, int], undated: int) -> str:
    """One light bound of each task by its milestones text: ``bounds`` maps each text's
    parameter to its bound; a task without milestones has ``undated``. Texts are told
    apart by ``IN`` lists (a lookup each, on both backends), halving the distinct bounds
    at each step, so a task costs a few lookups however many texts there are."""
    by_value: dict[int, list[str]] = defaultdict(list)
    for name, value in bounds.items():
        by_value[value].append(name)

    def pick(values: list[int]) -> str:
        if len(values) == 1:
            return str(values[0])
        lower = values[: len(values) // 2]
        names = ", ".join(n for v in lower for n in by_value[v])
        return (f"CASE WHEN t.milestones IN ({names}) THEN {pick(lower)}"
                f" ELSE {pick(values[len(values) // 2:])} END")

    if not by_value:
        return str(undated)
    return f"CASE WHEN t.milestones IS NULL THEN {undated} ELSE {pick(sorted(by_value))} END"
