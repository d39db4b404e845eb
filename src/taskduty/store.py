"""Storing a year's table: one transaction per load, idempotent for the same content."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from taskduty import errors
from taskduty.db import Database, in_params, utcnow
from taskduty.derive import PARALLEL_FROM, Derived, Deriver, derived, text_key
from taskduty.errors import TaskdutyError, UsageError
from taskduty.i18n import _
from taskduty.table import PlanTable, Repair, TaskRow
from taskduty.user import login_name

if TYPE_CHECKING:
    from taskduty.table import ContentDigest, TableStream
    from taskduty.writer import Writer


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
    # --replace only: one line per added/changed/moved/removed task, and their counts.
    changes: list[str] = field(default_factory=list)
    change_counts: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year, "source": self.source, "input_format": self.input_format,
            "title": self.title, "outcome": self.outcome, "goals": self.goals,
            "tasks": self.tasks, "leaders": self.leaders, "units": self.units,
            "inherited": self.inherited,
            "repairs": [{"kind": r.kind, "ref": r.ref, "code": r.code, "message": r.message}
                        for r in self.repairs],
            "changes": self.changes, "change_counts": self.change_counts,
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
    SQL text through :func:`taskduty.writer.transaction` (on a SQLite file, no ORM import).
    """
    digest = table.content_hash()
    if dry_run:
        return report_for(table, year, source, "dry-run")
    with _year_transaction(db, year) as (w, existing):
        if existing:
            return _reloaded(existing, table, digest, year, source)
        add_plan(w, table, year, source, digest)
    return report_for(table, year, source, "loaded")


@contextmanager
def _year_transaction(db: Database, year: int) -> Iterator[tuple[Writer, dict[str, Any] | None]]:
    """A load's one write transaction (the schema made first if need be), with the plan row
    already stored for ``year``, if any."""
    from taskduty import writer

    with db.creating():
        db.prepare_schema()
        with writer.transaction(db, new_rows_only=True) as w:
            rows = w.all("SELECT content_hash, source_name FROM plan WHERE year = :y",
                         {"y": year})
            yield w, (rows[0] if rows else None)


def _reloaded(existing: dict[str, Any], table: PlanTable, digest: str, year: int,
              source: str) -> LoadReport:
    """A year loaded again: unchanged when its digest is the stored one, else refused."""
    if existing["content_hash"] == digest:
        return report_for(table, year, source, "unchanged")
    raise TaskdutyError(
        _("{year} is already loaded with different content (from {source_name})")
            .format(year=year, source_name=existing["source_name"]),
        hint=_("to replace it and keep its history: taskduty load FILE --year "
               "{year} --replace").format(year=year),
    )


def load_stream(db: Database, stream: TableStream, year: int, source: str,
                stored: Callable[[int], None] | None = None) -> LoadReport:
    """:func:`load_plan` of a table normalised as it is read (not a dry run): a new year's
    tasks are stored a chunk at a time as they come, in the one transaction, so the whole
    table is never in memory; a year already loaded is compared as :func:`load_plan` does.
    ``stored(n)`` is called once the ``n`` tasks are read and before their links are stored.
    """
    with _year_transaction(db, year) as (w, existing):
        if existing:
            table = stream.table()
            return _reloaded(existing, table, table.content_hash(), year, source)
        return _add_stream(w, stream, year, source, stored)


def _add_stream(w: Writer, stream: TableStream, year: int, source: str,
                stored: Callable[[int], None] | None) -> LoadReport:
    """:func:`add_plan` of the tasks of ``stream`` as they come (:func:`insert_tasks`): the
    same rows and ids; the plan row's digest is set once every task is read."""
    from taskduty.table import ContentDigest

    plan_id = _insert_plan(w, stream.title, stream.input_format, year, source, "")
    digest = ContentDigest()
    counts = insert_tasks(w, plan_id, year, stream.tasks(), lambda: stream.repairs, digest,
                          stored, parallel=stream.rows >= PARALLEL_FROM)
    w.run("UPDATE plan SET content_hash = :h WHERE id = :id",
          {"h": digest.hexdigest(), "id": plan_id})
    repairs = stream.repairs
    return LoadReport(
        year=year, source=source, input_format=stream.input_format, title=stream.title,
        goals=counts.goals, tasks=counts.tasks, leaders=counts.leaders, units=counts.units,
        inherited=sum(r.kind == "inherited" for r in repairs), repairs=repairs,
        outcome="loaded")


@dataclass
class Inserted:
    """How many goals, tasks, leader and unit names :func:`insert_tasks` stored."""

    goals: int
    tasks: int
    leaders: int
    units: int


def _aliased(aliases: dict[tuple[str, str], str], t: TaskRow) -> TaskRow:
    """``t`` with alias spellings replaced by their names (:func:`_use_aliases`), as a new
    task: the normaliser may still read ``t`` (a task below inherits its cells)."""
    return replace(t, leaders=_dedupe([aliases.get(("leader", n), n) for n in t.leaders]),
                   units=_dedupe([aliases.get(("unit", n), n) for n in t.units]),
                   co_units=_dedupe([aliases.get(("unit", n), n) for n in t.co_units]))


def add_plan(w: Writer, table: PlanTable, year: int, source: str, digest: str) -> None:
    """Insert a new year's plan row and all its goals, tasks and links (the table's names
    replaced by their aliases' names, in place, for its report)."""
    plan_id = _insert_plan(w, table.title, table.input_format, year, source, digest)
    _use_aliases(_aliases(w), table)
    insert_tasks(w, plan_id, year, iter(table.tasks), lambda: table.repairs,
                 parallel=len(table.tasks) >= PARALLEL_FROM)


def _insert_plan(w: Writer, title: str | None, input_format: str, year: int, source: str,
                 digest: str) -> int:
    return w.insert(
        "INSERT INTO plan (year, title, input_format, source_name, content_hash, loaded_at, "
        "loaded_by) VALUES (:year, :title, :input_format, :source_name, :content_hash, "
        ":loaded_at, :loaded_by)",
        {"year": year, "title": title, "input_format": input_format,
         "source_name": source, "content_hash": digest, "loaded_at": utcnow(),
         "loaded_by": login_name()})


def _aliases(w: Writer) -> dict[tuple[str, str], str]:
    return {(r["kind"], r["alias"]): r["name"]
            for r in w.all("SELECT kind, alias, name FROM alias")}


def name_ids(session: Any, model: Any, names: Iterable[str]) -> dict[str, int]:
    """Ids of leader or unit names, creating the missing ones in the order given, in an ORM
    session's transaction (:func:`_name_ids` on its connection)."""
    return _name_ids(_session_writer(session), model.__tablename__, names)


def _session_writer(session: Any) -> Writer:
    """A :class:`Writer` in an ORM session's transaction, for the SQL both paths share."""
    from taskduty.writer import connection_writer

    conn = session.connection()
    return connection_writer(conn, conn.dialect.name == "sqlite")


def _name_ids(w: Writer, table: str, names: Iterable[str]) -> dict[str, int]:
    """Ids of the leader or unit ``names`` (``table`` is ``leader`` or ``unit``), creating
    the missing ones: inserted in the order given (each once), then read back."""
    wanted = list(dict.fromkeys(names))

    def known(chunk: list[str]) -> dict[str, int]:
        listed, args = in_params("n", chunk)
        return {r["name"]: r["id"] for r in
                w.all(f"SELECT id, name FROM {table} WHERE name IN {listed}", args)}

    ids: dict[str, int] = {}
    for start in range(0, len(wanted), 500):
        ids |= known(wanted[start:start + 500])
    missing = [n for n in wanted if n not in ids]
    w.many(f"INSERT INTO {table} (name) VALUES (:name)", [{"name": n} for n in missing])
    for start in range(0, len(missing), 500):
        ids |= known(missing[start:start + 500])
    return ids


def apply_aliases(session: Any, table: PlanTable) -> None:
    """Replace alias spellings by their names, in place, before storing."""
    from sqlmodel import select

    from taskduty.models import Alias

    _use_aliases({(a.kind, a.alias): a.name for a in session.exec(select(Alias)).all()}, table)


def _use_aliases(aliases: dict[tuple[str, str], str], table: PlanTable) -> None:
    if not aliases:
        return
    for task in table.tasks:
        task.leaders = _dedupe([aliases.get(("leader", n), n) for n in task.leaders])
        task.units = _dedupe([aliases.get(("unit", n), n) for n in task.units])
        task.co_units = _dedupe([aliases.get(("unit", n), n) for n in task.co_units])


def _dedupe(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))


TASK_COLUMNS = ("plan_id", "goal_id", "goal_no", "seq", "code", "standard", "deadline",
                "deadline_date", "deadline_kind", "milestones", "deadline_inferred",
                "leaders_inherited", "units_inherited", "source_ref", "text_key", "removed",
                "targets")  # the task table's columns but id (tests/test_load_lean.py checks)
TASK_DATES = (TASK_COLUMNS.index("deadline_date"),)  # where a task's row holds a date


def insert_tasks(w: Writer, plan_id: int, year: int, tasks: Iterator[TaskRow],
                 repairs: Callable[[], list[Repair]], digest: ContentDigest | None = None,
                 stored: Callable[[int], None] | None = None, parallel: bool = False
                 ) -> Inserted:
    """Insert goals, tasks, names, links and load notes of a new plan (it has no tasks yet),
    the tasks taken a chunk at a time as ``tasks`` gives them (a table being normalised):
    never all in memory. ``repairs()``: the load notes, once every task is given;
    ``digest``: fed the tasks as given, before aliases; ``stored(n)``: called once the ``n``
    tasks are given and stored; ``parallel``: the columns read from the tasks' texts worked
    out in a second process (:class:`taskduty.derive.Deriver`), for a long table.

    Each chunk is stored whole as it comes: its new goals, its tasks, the leader and unit
    names not yet stored (in the order first seen, by :func:`_name_ids`), its links (each
    task's leaders, then each task's units).
    """
    from collections import deque
    from itertools import islice

    aliases = _aliases(w)
    text_dates = w.sqlite  # the deadline dates worked out as the text SQLite stores
    goal_ids: dict[int, int] = {}
    last_goal = last = count = 0  # last: the largest task id stored before the next chunk
    if w.sqlite:
        last = w.tuples("SELECT max(id) FROM task")[0][0] or 0
    leader_ids: dict[str, int] = {}  # the table's names so far and their ids
    unit_ids: dict[str, int] = {}

    def store(chunk: list[TaskRow], found: list[Derived] | None) -> None:
        nonlocal last_goal, last
        new_goals: dict[int, TaskRow] = {}
        for t in chunk:
            if t.goal_no not in goal_ids and t.goal_no not in new_goals:
                new_goals[t.goal_no] = t
        if new_goals:
            w.many("INSERT INTO goal (plan_id, goal_no, name, section) "
                   "VALUES (:plan_id, :goal_no, :name, :section)",
                   [{"plan_id": plan_id, "goal_no": no, "name": t.goal, "section": t.section}
                    for no, t in new_goals.items()])
            found_goals = w.all("SELECT id, goal_no FROM goal WHERE plan_id = :p AND id > :last",
                                {"p": plan_id, "last": last_goal})
            goal_ids.update({r["goal_no"]: r["id"] for r in found_goals})
            last_goal = max(r["id"] for r in found_goals)
        # One executemany; the rows get their ids in order (on SQLite the range after the
        # largest id, else read back: the plan's tasks with an id above the last chunk's)
        if found is None:
            found = [derived(t.standard, t.deadline, year, text_dates) for t in chunk]
        w.rows("task", TASK_COLUMNS, [task_row(plan_id, goal_ids[t.goal_no], t, f)
                                      for t, f in zip(chunk, found, strict=True)],
               () if text_dates else TASK_DATES)
        top = w.tuples("SELECT max(id) FROM task")[0][0] if w.sqlite else None
        if top is not None and top - last == len(chunk):
            # SQLite gave each row the largest id + 1: the chunk's ids are the range up to
            # the largest now (nothing else writes while the load holds the write lock)
            ids: Sequence[int] = range(last + 1, top + 1)
            last = top
        else:
            # (``plan_id + 0``: SQLite would otherwise walk the plan's index over every task
            # stored so far, for each chunk; the key's range is what finds the chunk)
            by_code = {code: task_id for task_id, code in w.tuples(
                "SELECT id, code FROM task WHERE id > :last AND plan_id + 0 = :p ORDER BY id",
                {"p": plan_id, "last": last})}
            if len(by_code) != len(chunk):
                raise AssertionError("task rows and ids out of step")
            last = max(by_code.values())
            ids = [by_code[t.code] for t in chunk]
        if new := [n for t in chunk for n in t.leaders if n not in leader_ids]:
            leader_ids.update(_name_ids(w, "leader", new))
        if new := [n for t in chunk for names in (t.units, t.co_units) for n in names
                   if n not in unit_ids]:
            unit_ids.update(_name_ids(w, "unit", new))
        w.rows("task_leader", ("task_id", "leader_id", "position"),
               [(task_id, leader_ids[n], i) for t, task_id in zip(chunk, ids, strict=True)
                for i, n in enumerate(t.leaders)])
        w.rows("task_unit", ("task_id", "unit_id", "role", "position"),
               [(task_id, unit_ids[n], role, i) for t, task_id in zip(chunk, ids, strict=True)
                for role, names in (("lead", t.units), ("co", t.co_units))
                for i, n in enumerate(names)])

    # With a second process, a chunk's text columns are worked out there while the next
    # chunk is normalised here; the chunks are stored in order, one behind. Each chunk goes
    # there in parts of DERIVE_PART tasks as they are normalised, so at the end this process
    # waits for the last part's columns only, not the last chunk's.
    waiting: deque[tuple[list[TaskRow], int]] = deque()  # a chunk, how many parts it went in

    def taken(chunk: list[TaskRow], parts: int) -> None:
        store(chunk, [d for _part in range(parts) for d in deriver.take()])

    with Deriver(year, parallel, text_dates) as deriver:
        part_size = DERIVE_PART if deriver.parallel else TASK_CHUNK
        chunk: list[TaskRow] = []
        parts = 0
        while part := list(islice(tasks, min(part_size, TASK_CHUNK - len(chunk)))):
            if digest is not None:
                digest.add(part)
            if aliases:
                part = [_aliased(aliases, t) for t in part]
            count += len(part)
            if deriver.parallel or waiting or parts:  # in order, once one chunk waits
                deriver.submit([(t.standard, t.deadline) for t in part])
                parts += 1
            chunk += part
            del part
            if len(chunk) < TASK_CHUNK:
                continue
            if parts:
                waiting.append((chunk, parts))
                if len(waiting) > 1:
                    taken(*waiting.popleft())
            else:
                store(chunk, None)
            chunk, parts = [], 0
        if chunk and parts:
            waiting.append((chunk, parts))
        elif chunk:
            store(chunk, None)
        del chunk
        # the last chunks' parts: this process works out the newest while it waits for the
        # second process's answers to the oldest (Deriver.finish)
        answers = iter(deriver.finish())
        while waiting:
            chunk, parts = waiting.popleft()
            store(chunk, [d for _part in range(parts) for d in next(answers)])
    notes = repairs()  # complete now that every task is given
    if stored is not None:
        stored(count)
    insert_notes(w, plan_id, notes)
    return Inserted(goals=len(goal_ids), tasks=count, leaders=len(leader_ids),
                    units=len(unit_ids))


TASK_CHUNK = 2000  # tasks inserted (with their links) per statement
DERIVE_PART = 500  # tasks sent to the second process at a time (see insert_tasks)


def ensure_goals(session: Any, plan_id: int, table: PlanTable) -> dict[int, int]:
    """Goal ids by number: existing goals of the plan renamed in place, missing ones added."""
    from sqlalchemy import insert, select, update

    from taskduty.models import Goal

    firsts: dict[int, Any] = {}
    for task in table.tasks:
        firsts.setdefault(task.goal_no, task)
    existing = {r.goal_no: (r.id, r.name, r.section) for r in session.execute(
        select(Goal.id, Goal.goal_no, Goal.name, Goal.section).where(Goal.plan_id == plan_id))}
    ids: dict[int, int] = {}
    for no, t in firsts.items():
        if no in existing:
            gid, name, section = existing[no]
            if (name, section) != (t.goal, t.section):
                session.execute(update(Goal).where(Goal.id == gid)
                                .values(name=t.goal, section=t.section))
            ids[no] = gid
    missing = [{"plan_id": plan_id, "goal_no": no, "name": t.goal, "section": t.section}
               for no, t in firsts.items() if no not in existing]
    if missing:
        rows = insert_returning(session, insert(Goal).returning(Goal.id, Goal.goal_no), missing)
        ids |= {r.goal_no: r.id for r in rows}
    return ids


def insert_returning(session: Any, statement: Any, rows: list[dict[str, Any]],
                     chunk: int = 5000) -> list[Any]:
    """Execute an ``INSERT … RETURNING`` for many rows, a chunk at a time, through Core.

    The returned rows come in no particular order: callers return a key with the id (a
    task's code, a goal's number), unique among ``rows``. Asking SQLAlchemy for parameter
    order (``sort_by_parameter_order``) makes it insert one row per statement on SQLite.
    """
    conn = session.connection()
    out: list[Any] = []
    for start in range(0, len(rows), chunk):
        out += conn.execute(statement, rows[start:start + chunk]).all()
    return out


def insert_task_rows(session: Any, plan_id: int, year: int, goal_ids: dict[int, int],
                     tasks: list[TaskRow]) -> dict[str, int]:
    """Insert task rows (no links); return their ids by code."""
    from sqlalchemy import insert

    from taskduty.models import Task

    if not tasks:
        return {}
    rows = insert_returning(
        session, insert(Task).returning(Task.id, Task.code),
        [task_values(plan_id, goal_ids[t.goal_no], t, year) for t in tasks],
    )
    return {r.code: r.id for r in rows}


def all_name_ids(session: Any, tasks: list[TaskRow]) -> tuple[dict[str, int], dict[str, int]]:
    """Ids of every leader and every unit ``tasks`` name, creating the missing ones."""
    from taskduty.models import Leader, Unit

    return (name_ids(session, Leader, [n for t in tasks for n in t.leaders]),
            name_ids(session, Unit, [n for t in tasks for n in t.units + t.co_units]))


def insert_links(session: Any, tasks: list[TaskRow], ids: list[int],
                 names: tuple[dict[str, int], dict[str, int]] | None = None) -> None:
    """Link each task (``ids[i]`` is the row of ``tasks[i]``) to its leaders and units;
    ``names``: the leader and unit ids of :func:`all_name_ids`, if already known."""
    from sqlalchemy import insert

    from taskduty.models import TaskLeader, TaskUnit

    leader_ids, unit_ids = names or all_name_ids(session, tasks)
    leader_links = [{"task_id": tid, "leader_id": leader_ids[n], "position": i}
                    for t, tid in zip(tasks, ids, strict=True) for i, n in enumerate(t.leaders)]
    unit_links = [{"task_id": tid, "unit_id": unit_ids[n], "role": role, "position": i}
                  for t, tid in zip(tasks, ids, strict=True)
                  for role, names in (("lead", t.units), ("co", t.co_units))
                  for i, n in enumerate(names)]
    conn = session.connection()  # Core executemany: no ORM bulk bookkeeping per row
    if leader_links:
        conn.execute(insert(TaskLeader), leader_links)
    if unit_links:
        conn.execute(insert(TaskUnit), unit_links)


def insert_notes(w: Writer, plan_id: int, repairs: list[Repair]) -> None:
    """The load's repairs and notes, a row each."""
    w.many("INSERT INTO load_note (plan_id, kind, ref, code, message) "
           "VALUES (:plan_id, :kind, :ref, :code, :message)",
           [{"plan_id": plan_id, "kind": r.kind, "ref": r.ref, "code": r.code,
             "message": r.message} for r in repairs])


def task_values(plan_id: int, goal_id: int, t: Any, year: int) -> dict[str, Any]:
    """The task table's columns for a :class:`TaskRow`, by name."""
    return dict(zip(TASK_COLUMNS, task_row(plan_id, goal_id, t,
                                           derived(t.standard, t.deadline, year)), strict=True))


def task_row(plan_id: int, goal_id: int, t: Any, found: Derived) -> tuple[Any, ...]:
    """The task table's columns (:data:`TASK_COLUMNS`, in order) for a :class:`TaskRow`
    whose columns read from its text (:func:`taskduty.derive.derived`) are ``found``."""
    due, kind, milestones, inferred, targets = found
    # (text_key is no longer filled: store.match_tasks works it out from the text)
    return (plan_id, goal_id, t.goal_no, t.seq, t.code, t.standard, t.deadline, due, kind,
            milestones, inferred, t.leaders_inherited, t.units_inherited, t.ref, "", False,
            targets)


# -- replacing a year's table ------------------------------------------------------------------
@dataclass
class OldTask:
    """A stored task as ``--replace`` compares it with the new table."""

    id: int
    code: str
    goal_no: int
    goal: str
    section: str | None
    standard: str
    text_key: str
    deadline: str | None
    removed: bool
    leaders: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    co_units: list[str] = field(default_factory=list)
    has_history: bool = False


EDITED_SIMILARITY = 0.3  # same code: this much alike counts as the same task, edited
MOVED_SIMILARITY = 0.6  # another code in the same goal: must be this much alike


def _similarity(a: str, b: str) -> float:
    import difflib

    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def match_tasks(old: list[OldTask], new: list[TaskRow]) -> dict[int, OldTask]:
    """Pair new tasks (by index) with stored ones.

    First by text (:func:`text_key`), preferring the same code among equal texts; then, where
    the text was edited, by code when the texts are still alike; last, an edited task that
    also moved is paired with the most alike unpaired task of its goal. A task inserted in the
    middle of a goal takes the code of a task already paired by text, so it is never paired
    with its neighbour's history.
    """
    pairs: dict[int, OldTask] = {}
    used: set[int] = set()
    by_key: dict[str, list[OldTask]] = {}
    for o in sorted(old, key=lambda o: o.removed):
        by_key.setdefault(o.text_key, []).append(o)
    keys = [text_key(t.standard) for t in new]
    for i, t in enumerate(new):
        candidates = [o for o in by_key.get(keys[i], []) if o.id not in used and keys[i]]
        if candidates:
            same = [o for o in candidates if o.code == t.code]
            pairs[i] = (same or candidates)[0]
            used.add(pairs[i].id)
    by_code = {o.code: o for o in sorted(old, key=lambda o: not o.removed)}
    for i, t in enumerate(new):
        o = by_code.get(t.code)
        if (i not in pairs and o is not None and o.id not in used
                and _similarity(o.text_key, keys[i]) >= EDITED_SIMILARITY):
            pairs[i] = o
            used.add(o.id)
    for i, t in enumerate(new):
        if i in pairs:
            continue
        scored = [(_similarity(o.text_key, keys[i]), o) for o in old
                  if o.id not in used and o.goal_no == t.goal_no]
        scored = [(score, o) for score, o in scored if score >= MOVED_SIMILARITY]
        if scored:
            pairs[i] = max(scored, key=lambda so: so[0])[1]
            used.add(pairs[i].id)
    return pairs


def _short(text: str, width: int = 24) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[:width - 1] + "…"


def _changed_fields(o: OldTask, t: TaskRow) -> list[str]:
    pairs = (("text", o.standard, t.standard), ("goal", o.goal, t.goal),
             ("section", o.section, t.section), ("leaders", o.leaders, t.leaders),
             ("units", o.units, t.units), ("co_units", o.co_units, t.co_units),
             ("deadline", o.deadline, t.deadline))
    return [name for name, before, after in pairs if before != after]


def _old_tasks(session: Any, plan_id: int) -> list[OldTask]:
    from sqlalchemy import select

    from taskduty.models import Goal, Leader, Task, TaskLeader, TaskUnit, Unit, Update

    rows = session.execute(
        select(Task.id, Task.code, Task.goal_no, Goal.name, Goal.section, Task.standard,
               Task.text_key, Task.deadline, Task.removed)
        .join(Goal, Goal.id == Task.goal_id).where(Task.plan_id == plan_id)
        .order_by(Task.goal_no, Task.seq, Task.id))
    tasks = {r.id: OldTask(id=r.id, code=r.code, goal_no=r.goal_no, goal=r.name,
                           section=r.section, standard=r.standard,
                           text_key=r.text_key or text_key(r.standard), deadline=r.deadline,
                           removed=bool(r.removed)) for r in rows}
    for r in session.execute(
            select(TaskLeader.task_id, Leader.name).join(Leader, Leader.id == TaskLeader.leader_id)
            .join(Task, Task.id == TaskLeader.task_id).where(Task.plan_id == plan_id)
            .order_by(TaskLeader.task_id, TaskLeader.position)):
        tasks[r.task_id].leaders.append(r.name)
    for r in session.execute(
            select(TaskUnit.task_id, TaskUnit.role, Unit.name)
            .join(Unit, Unit.id == TaskUnit.unit_id)
            .join(Task, Task.id == TaskUnit.task_id).where(Task.plan_id == plan_id)
            .order_by(TaskUnit.task_id, TaskUnit.position)):
        o = tasks[r.task_id]
        (o.units if r.role == "lead" else o.co_units).append(r.name)
    for r in session.execute(
            select(Update.task_id).distinct().join(Task, Task.id == Update.task_id)
            .where(Task.plan_id == plan_id)):
        tasks[r.task_id].has_history = True
    return list(tasks.values())


@dataclass
class _Diff:
    pairs: dict[int, OldTask]
    gone: list[OldTask]
    lines: list[str]
    counts: dict[str, int]


def _diff(old: list[OldTask], new: list[TaskRow]) -> _Diff:
    pairs = match_tasks(old, new)
    paired = {o.id for o in pairs.values()}
    gone = [o for o in old if o.id not in paired]
    counts = dict.fromkeys(("added", "changed", "moved", "restored", "removed", "unchanged"), 0)
    lines: list[str] = []
    for i, t in enumerate(new):
        o = pairs.get(i)
        if o is None:
            counts["added"] += 1
            lines.append(f"added {t.code} {_short(t.standard)}")
            continue
        fields = _changed_fields(o, t)
        if o.removed:
            counts["restored"] += 1
            lines.append(f"restored {t.code} (removed earlier as {o.code}) {_short(t.standard)}")
            continue
        if o.code != t.code:
            counts["moved"] += 1
            lines.append(f"moved {o.code} -> {t.code} {_short(t.standard)}")
        if fields:
            counts["changed"] += 1
            lines.append(f"changed {t.code}: {', '.join(fields)}")
        if o.code == t.code and not fields:
            counts["unchanged"] += 1
    for o in gone:
        if o.removed:
            continue
        counts["removed"] += 1
        if o.has_history:
            lines.append(f"removed {o.code} {_short(o.standard)} (kept, marked removed: "
                         "it has status history)")
        else:
            lines.append(f"removed {o.code} {_short(o.standard)}")
    summary = ", ".join(f"{k} {v}" for k, v in counts.items() if v or k != "restored")
    return _Diff(pairs, gone, [summary, *lines], counts)


def replace_plan(db: Database, table: PlanTable, year: int, source: str,
                 dry_run: bool = False) -> LoadReport:
    """Replace ``year``'s table in one transaction, keeping every task's history.

    Each new task is paired with a stored one (see :func:`match_tasks`); a paired task keeps
    its row, id and history and is updated in place, even when its code moved. A stored task
    that disappeared is deleted, unless it has history: then it is kept, marked removed.
    Without a stored table for ``year`` this is an ordinary load.
    """
    from sqlmodel import select

    from taskduty.models import Plan

    if dry_run and db.path is not None and not db.path.exists():
        return report_for(table, year, source, "dry-run")
    digest = table.content_hash()
    with db.write() as session:
        plan = session.exec(select(Plan).where(Plan.year == year)).first()
        if plan is None:
            if dry_run:
                return report_for(table, year, source, "dry-run")
            add_plan(_session_writer(session), table, year, source, digest)
            return report_for(table, year, source, "loaded")
        assert plan.id is not None
        if plan.content_hash == digest:
            report = report_for(table, year, source, "unchanged")
            report.changes = ["unchanged: the same content is already loaded"]
            return report
        apply_aliases(session, table)
        diff = _diff(_old_tasks(session, plan.id), table.tasks)
        report = report_for(table, year, source, "dry-run" if dry_run else "replaced")
        report.changes, report.change_counts = diff.lines, diff.counts
        if dry_run:
            return report
        _apply(session, plan, year, table, diff)
        plan.title = table.title
        plan.input_format = table.input_format
        plan.source_name = source
        plan.content_hash = digest
        plan.loaded_at = utcnow()
        plan.loaded_by = login_name()
        session.add(plan)
    return report


def _apply(session: Any, plan: Any, year: int, table: PlanTable, diff: _Diff) -> None:
    from sqlalchemy import delete, select, update

    from taskduty.models import Goal, LoadNote, Task, TaskLeader, TaskUnit

    goal_ids = ensure_goals(session, plan.id, table)
    kept = [o.id for o in diff.gone if o.has_history]
    dropped = [o.id for o in diff.gone if not o.has_history]
    paired = [(t, diff.pairs[i].id) for i, t in enumerate(table.tasks) if i in diff.pairs]
    relinked = [tid for _, tid in paired] + dropped
    for chunk in _chunks(relinked):
        session.execute(delete(TaskLeader).where(TaskLeader.task_id.in_(chunk)))
        session.execute(delete(TaskUnit).where(TaskUnit.task_id.in_(chunk)))
    for chunk in _chunks(dropped):
        session.execute(delete(Task).where(Task.id.in_(chunk)))
    for chunk in _chunks(kept):
        session.execute(update(Task).where(Task.id.in_(chunk)).values(removed=True))
    for t, tid in paired:
        values = task_values(plan.id, goal_ids[t.goal_no], t, year)
        session.execute(update(Task).where(Task.id == tid).values(**values))
    added = [t for i, t in enumerate(table.tasks) if i not in diff.pairs]
    added_ids = insert_task_rows(session, plan.id, year, goal_ids, added)
    insert_links(session, [t for t, _ in paired] + added,
                 [tid for _, tid in paired] + [added_ids[t.code] for t in added])
    used_goals = select(Task.goal_id).where(Task.plan_id == plan.id)
    session.execute(delete(Goal).where(Goal.plan_id == plan.id, Goal.id.not_in(used_goals)))
    session.execute(delete(LoadNote).where(LoadNote.plan_id == plan.id))
    insert_notes(_session_writer(session), plan.id, table.repairs)


def _chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    return [ids[i:i + size] for i in range(0, len(ids), size)]


# -- unloading a year ----------------------------------------------------------------------------
def unload_plan(db: Database, year: int, force: bool = False) -> dict[str, int]:
    """Delete ``year``'s table (tasks, links, updates, load notes, goals) in one transaction.

    Refused when the year has status history (withdrawn or not) unless ``force``. Leader and
    unit names stay: other years may use them.
    """
    from sqlalchemy import delete, func, select

    from taskduty.models import (
        Batch,
        Extension,
        Goal,
        LoadNote,
        Plan,
        Task,
        TaskLeader,
        TaskUnit,
        Update,
    )

    with db.write() as session:
        # a year no database integer holds is simply not loaded (and not an overflow)
        plan = (session.execute(select(Plan).where(Plan.year == year)).scalars().first()
                if -2**31 < year < 2**31 else None)
        if plan is None:
            known = [str(y) for y in
                     session.execute(select(Plan.year).order_by(Plan.year)).scalars()]
            raise errors.not_loaded(year, known=known)
        plan_tasks = select(Task.id).where(Task.plan_id == plan.id).scalar_subquery()
        updates = session.execute(select(func.count()).select_from(Update)
                                  .where(Update.task_id.in_(plan_tasks))).scalar_one()
        live = session.execute(select(func.count()).select_from(Update).where(
            Update.task_id.in_(plan_tasks), Update.withdrawn_at.is_(None))).scalar_one()
        extensions = session.execute(select(func.count()).select_from(Extension)
                                     .where(Extension.task_id.in_(plan_tasks))).scalar_one()
        if extensions and not updates and not force:
            raise TaskdutyError(
                _("{year} has {extensions} recorded extensions (延期); unloading would delete them")
                    .format(year=year, extensions=extensions),
                hint=_("to delete the year and its history: taskduty unload {year} --force")
                    .format(year=year))
        if updates and not force:
            raise TaskdutyError(
                _("{year} has status history ({live} updates in force, {withdrawn} withdrawn); "
                  "unloading would delete it")
                    .format(year=year, live=live, withdrawn=updates - live),
                hint=_("to delete the year and its history: taskduty unload {year} --force")
                    .format(year=year))
        batches = select(Update.batch_id).where(Update.task_id.in_(plan_tasks)).union(
            select(Extension.batch_id).where(Extension.task_id.in_(plan_tasks)))
        batch_ids = [r[0] for r in session.execute(batches)]
        counts = {
            "tasks": session.execute(select(func.count()).select_from(Task)
                                     .where(Task.plan_id == plan.id)).scalar_one(),
            "goals": session.execute(select(func.count()).select_from(Goal)
                                     .where(Goal.plan_id == plan.id)).scalar_one(),
            "updates": updates,
        }
        session.execute(delete(Update).where(Update.task_id.in_(plan_tasks)))
        session.execute(delete(Extension).where(Extension.task_id.in_(plan_tasks)))
        for chunk in _chunks(batch_ids):
            still_used = select(Update.batch_id).where(Update.batch_id.in_(chunk)).union(
                select(Extension.batch_id).where(Extension.batch_id.in_(chunk)))
            session.execute(delete(Batch).where(Batch.id.in_(chunk),
                                                Batch.id.not_in(still_used)))
        session.execute(delete(TaskLeader).where(TaskLeader.task_id.in_(plan_tasks)))
        session.execute(delete(TaskUnit).where(TaskUnit.task_id.in_(plan_tasks)))
        session.execute(delete(Task).where(Task.plan_id == plan.id))
        session.execute(delete(LoadNote).where(LoadNote.plan_id == plan.id))
        session.execute(delete(Goal).where(Goal.plan_id == plan.id))
        session.execute(delete(Plan).where(Plan.id == plan.id))
    return counts


# -- aliases -------------------------------------------------------------------------------------
ALIAS_KINDS = ("leader", "unit")


def add_alias(db: Database, alias: str, name: str, kind: str | None = None) -> dict[str, Any]:
    """Record ``alias`` as another spelling of ``name`` and move the alias spelling's links
    (if any task uses it) onto ``name``, in one transaction.

    ``kind`` (leader or unit) is inferred from the table that knows ``name`` (or ``alias``).
    """
    from sqlalchemy import delete, select, update

    from taskduty.fields import squeeze
    from taskduty.models import Alias, Leader, TaskLeader, TaskUnit, Unit

    alias, name = squeeze(alias), squeeze(name)
    if not alias or not name:
        raise UsageError(_("give an alias and a name, e.g. taskduty alias 经开区 常州经开区"))
    if alias == name:
        raise UsageError(_("{alias!r} cannot be an alias of itself").format(alias=alias))
    if kind is not None and kind not in ALIAS_KINDS:
        raise UsageError(_("--kind {kind!r} is not one of leader, unit").format(kind=kind))
    models = {"leader": (Leader, TaskLeader, TaskLeader.leader_id),
              "unit": (Unit, TaskUnit, TaskUnit.unit_id)}
    with db.write() as session:
        def known(k: str, value: str) -> int | None:
            model = models[k][0]
            return session.execute(select(model.id).where(model.name == value)).scalar()

        if kind is None:
            kinds = [k for k in ALIAS_KINDS if known(k, name) is not None]
            if not kinds:
                kinds = [k for k in ALIAS_KINDS if known(k, alias) is not None]
            if len(kinds) != 1:
                why = (_("{name!r} is both a leader and a unit") if kinds
                       else _("{name!r} is neither a known leader nor unit"))
                raise UsageError(why.format(name=name),
                                 hint=_("say which: taskduty alias {alias} {name} --kind unit")
                                     .format(alias=alias, name=name))
            kind = kinds[0]
        target = session.execute(select(Alias.name).where(
            Alias.kind == kind, Alias.alias == name)).scalar()
        name = target or name  # an alias of an alias points at the name itself
        if name == alias:
            raise UsageError(
                _("{name!r} is already an alias of {alias!r}").format(name=name, alias=alias),
                hint=_("remove it first: taskduty alias --remove {name}").format(name=name))
        row = session.execute(select(Alias).where(
            Alias.kind == kind, Alias.alias == alias)).scalar()
        before = row.name if row else None
        if row is None:
            session.add(Alias(kind=kind, alias=alias, name=name))
        else:
            row.name = name
            session.add(row)
        # Aliases pointing at the alias now point at the name.
        session.execute(update(Alias).where(Alias.kind == kind, Alias.name == alias)
                        .values(name=name))
        model, link, column = models[kind]
        moved = 0
        old_id = known(kind, alias)
        if old_id is not None:
            new_id = known(kind, name) or name_ids(session, model, {name})[name]
            moved = len(session.execute(select(link.task_id).where(column == old_id)).all())
            # A task linked to both spellings keeps one link.
            both = select(link.task_id).where(column == new_id)
            same = column == old_id
            if kind == "unit":
                for role in ("lead", "co"):
                    session.execute(delete(link).where(
                        same, TaskUnit.role == role,
                        link.task_id.in_(both.where(TaskUnit.role == role))))
            else:
                session.execute(delete(link).where(same, link.task_id.in_(both)))
            session.execute(update(link).where(same).values({column.key: new_id}))
            session.execute(delete(model).where(model.id == old_id))
    return {"kind": kind, "alias": alias, "name": name, "was": before, "relinked": moved}


def remove_alias(db: Database, alias: str, kind: str | None = None) -> list[dict[str, str]]:
    """Forget an alias (of either kind unless ``kind``); returns what was removed."""
    from sqlalchemy import delete, select

    from taskduty.fields import squeeze
    from taskduty.models import Alias

    alias = squeeze(alias)
    with db.write() as session:
        query = select(Alias).where(Alias.alias == alias)
        if kind is not None:
            query = query.where(Alias.kind == kind)
        rows = session.execute(query).scalars().all()
        if not rows:
            raise TaskdutyError(_("no alias {alias!r}").format(alias=alias),
                                hint=_("list them: taskduty alias --list"))
        removed = [{"kind": r.kind, "alias": r.alias, "name": r.name} for r in rows]
        session.execute(delete(Alias).where(Alias.id.in_([r.id for r in rows])))
    return removed


def list_aliases(db: Database) -> list[dict[str, str]]:
    """Every alias, by kind and alias."""
    from taskduty.errors import NotLoadedError

    try:
        with db.read() as reader:
            rows = reader.all("SELECT kind, alias, name FROM alias ORDER BY kind, alias")
    except NotLoadedError:
        return []
    return [{"kind": r["kind"], "alias": r["alias"], "name": r["name"]} for r in rows]
