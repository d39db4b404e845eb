"""taskduty's benchmark: startup, a query in a terminal, completion, and how load, query,
summary, update, undo, export and forms grow with the size of a table.

    .venv/bin/python bench/run.py                 # 1k, 10k and 50k tasks
    .venv/bin/python bench/run.py --large         # and 200k (long: a 200k load takes minutes)
    .venv/bin/python bench/run.py --quick         # 1k and 10k, fewer repeats: a few minutes
    .venv/bin/python bench/run.py --sizes 2000,20000 --runs 7
    .venv/bin/python bench/run.py --only completion --only startup

Every operation that grows with the table is timed next to its floor, the same work done
plainly (``bench/floors.py``: stdlib ``sqlite3``, a bare openpyxl workbook), in turns with it
so a busy machine slows both alike, and the ratio is checked against issue 19's budget.
Completion (issue 14) is timed as ordinary commands with and without cli/complete.py, and as
a completion request itself. A budget this run did not measure prints as skipped, never FAIL.

Each operation is timed as a whole command (a subprocess: wall time and the child's peak RSS)
and, outside ``--quick``, in-process where it has a library function (wall time and the
tracemalloc peak). ``--quick`` runs the heavy commands (load, export, forms) twice at 1k and
once at 10k and skips the in-process timings. Generated tables are kept per size in the work
folder (``--work``) and reused while bench/generate.py is unchanged. Results go to
``bench/results/<timestamp>.json`` (git-ignored) so runs can be compared.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import add_updates, make_rows, write_csv
from timing import Stats, time_call, time_command, time_commands

ROOT = Path(__file__).resolve().parent.parent
FLOORS = Path(__file__).resolve().parent / "floors.py"
GENERATOR = Path(__file__).resolve().parent / "generate.py"
SEED = ROOT / "data" / "seed_table.csv"
RESULTS = Path(__file__).resolve().parent / "results"
YEAR = 2025  # the synthetic tables' year: all twelve monthly updates are in the past
SEARCH = "污水"
ISSUE7_SIZE = 50_000  # the size issue 7 set its load and export budgets at


# -- helpers ----------------------------------------------------------------------------------
def tool(name: str) -> Path | None:
    """A console script next to this interpreter (the venv's), else on PATH."""
    local = Path(sys.executable).parent / name
    if local.exists():
        return local
    found = shutil.which(name)
    return Path(found) if found else None


def busiest(db: Path, kind: str, year: int) -> str:
    """The leader or lead unit with the most tasks in ``year`` (a realistic filter)."""
    link, table, extra = (("task_leader", "leader", "") if kind == "leader"
                          else ("task_unit", "unit", "AND k.role = 'lead'"))
    conn = sqlite3.connect(db)
    try:
        row = conn.execute(
            f"SELECT n.name, COUNT(*) c FROM {link} k JOIN {table} n ON n.id = k.{table}_id "
            f"JOIN task t ON t.id = k.task_id JOIN plan p ON p.id = t.plan_id "
            f"WHERE p.year = ? {extra} GROUP BY n.name ORDER BY c DESC, n.name LIMIT 1",
            (year,)).fetchone()
    finally:
        conn.close()
    return row[0]


def codes(db: Path, year: int, count: int) -> list[str]:
    """``count`` task codes of ``year``, spread over the table."""
    conn = sqlite3.connect(db)
    try:
        rows = [r[0] for r in conn.execute(
            "SELECT t.code FROM task t JOIN plan p ON p.id = t.plan_id WHERE p.year = ? "
            "ORDER BY t.goal_no, t.seq", (year,))]
    finally:
        conn.close()
    step = max(1, len(rows) // count)
    return rows[::step][:count]


def has_command(taskduty: Path, name: str, env: dict[str, str], cwd: Path) -> bool:
    return subprocess.run([str(taskduty), name, "--help"], env=env, cwd=cwd,
                          capture_output=True, check=False).returncode == 0


def remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            p.unlink(missing_ok=True)


def silenced(fn: Callable[[], Any]) -> Callable[[], Any]:
    """``fn`` with stdout and stderr captured (rendering still happens, into memory)."""

    def call() -> Any:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            return fn()

    return call


def cli_call(args: list[str]) -> Callable[[], Any]:
    """Run a taskduty command in this process (after the first call, no import cost)."""

    def call() -> Any:
        from taskduty.cli import app

        try:
            app(args, prog_name="taskduty", standalone_mode=False)
        except SystemExit as exc:  # typer.Exit in standalone_mode=False returns; be safe
            if exc.code:
                raise
    return silenced(call)


def tasks_call(db: Path, fast: bool, **filters: Any) -> Callable[[], Any]:
    """The library side of ``tasks``: resolve names, list, render JSON into memory."""

    def call() -> Any:
        from taskduty import queries, render
        from taskduty.db import Database

        database = Database(str(db), fast_reads=fast)
        with database.read() as reader:
            flt = queries.TaskFilter(
                leaders=queries.resolve_names(reader, "leader", filters.get("leaders", []), None),
                units=queries.resolve_names(reader, "unit", filters.get("units", []), None),
                search=filters.get("search"))
            found = queries.list_tasks(reader, flt)
        render.write(render.tasks_result(found), "json")
        database.dispose()
        return found
    return silenced(call)


def summary_call(db: Path, by: str) -> Callable[[], Any]:
    def call() -> Any:
        from taskduty import queries, render
        from taskduty.db import Database

        with Database(str(db)).read() as reader:
            rows = queries.summary(reader, by, None, None)
        render.emit(render.to_json(rows))
        return rows
    return silenced(call)


def load_call(csv_path: Path, db: Path, year: int) -> Callable[[], Any]:
    def call() -> Any:
        from taskduty.migrations import open_database
        from taskduty.store import load_plan
        from taskduty.table import read_table

        database = open_database(str(db))
        report = load_plan(database, read_table(csv_path), year, csv_path.name)
        database.dispose()
        return report
    return call


def after_first(fn: Callable[[], Any]) -> Callable[[], None]:
    """``fn`` before every run but the first (to take back what the previous run wrote)."""
    calls = [0]

    def before() -> None:
        calls[0] += 1
        if calls[0] > 1:
            fn()
    return before


def safely(results: list[Stats], name: str, kind: str, measure: Callable[[], Stats]) -> None:
    """Run one measurement; an exception becomes a failed row with the message."""
    try:
        results.append(measure())
    except Exception as exc:  # a broken command must not end the whole run
        results.append(Stats(name, kind, ok=False, note=f"{type(exc).__name__}: {exc}"[:200]))


# -- the measurements ----------------------------------------------------------------------------
def startup(ctx: dict[str, Any]) -> list[Stats]:
    """``taskduty --help`` and ``--version`` against ``sqlite-utils --help``."""
    commands = {"taskduty --help": [str(ctx["taskduty"]), "--help"],
                "taskduty --version": [str(ctx["taskduty"]), "--version"],
                "python -c pass": [sys.executable, "-c", "pass"],
                # reference points for the read-path decision (see README, Performance)
                "python -c 'import sqlite3'": [sys.executable, "-c", "import sqlite3"],
                "python -c 'import sqlalchemy'": [sys.executable, "-c", "import sqlalchemy"],
                "python -c 'import sqlmodel'": [sys.executable, "-c", "import sqlmodel"]}
    if ctx["sqlite_utils"]:
        commands["sqlite-utils --help"] = [str(ctx["sqlite_utils"]), "--help"]
    stats = time_commands(commands, ctx["env"], ctx["work"], runs=ctx["startup_runs"])
    return list(stats.values())


EQUIVALENT_SQL = (
    "SELECT t.code, g.name AS goal, t.standard, "
    "(SELECT group_concat(l2.name, '、') FROM task_leader x JOIN leader l2 ON l2.id = x.leader_id"
    " WHERE x.task_id = t.id) AS leaders, "
    "(SELECT group_concat(u.name, '、') FROM task_unit y JOIN unit u ON u.id = y.unit_id"
    " WHERE y.task_id = t.id AND y.role = 'lead') AS units, "
    "(SELECT s.status FROM task_update s WHERE s.task_id = t.id AND s.withdrawn_at IS NULL"
    " ORDER BY s.date DESC, s.id DESC LIMIT 1) AS status "
    "FROM task t JOIN goal g ON g.id = t.goal_id JOIN plan p ON p.id = t.plan_id "
    "WHERE p.year = :year AND t.id IN (SELECT tl.task_id FROM task_leader tl "
    "JOIN leader l ON l.id = tl.leader_id WHERE l.name = :leader) ORDER BY t.goal_no, t.seq"
)


def seed_db(ctx: dict[str, Any]) -> tuple[Path, str]:
    """The 2018 seed loaded by the CLI, with a year of updates, and its busiest leader (made
    once per run, shared by the seed and completion parts)."""
    if "seed_db" not in ctx:
        db = ctx["work"] / "seed.db"
        remove(db)
        subprocess.run([str(ctx["taskduty"]), "--db", str(db), "load", str(SEED), "--year",
                        "2018", "--quiet"], env=ctx["env"], cwd=ctx["work"], check=True,
                       capture_output=True)
        add_updates(db, 2018)
        ctx["seed_db"] = (db, busiest(db, "leader", 2018))
    return ctx["seed_db"]


def seed_query(ctx: dict[str, Any]) -> tuple[list[Stats], dict[str, Any]]:
    """A filtered ``tasks`` on the 2018 seed (with a year of updates) against sqlite-utils."""
    db, leader = seed_db(ctx)
    td = str(ctx["taskduty"])
    commands = {
        "taskduty tasks --leader (table)": [td, "--db", str(db), "tasks", "--leader", leader],
        "taskduty tasks --leader -f json": [td, "--db", str(db), "tasks", "--leader", leader,
                                            "-f", "json"],
    }
    if ctx["sqlite_utils"]:
        su = str(ctx["sqlite_utils"])
        base = [su, "query", str(db), EQUIVALENT_SQL, "-p", "year", "2018", "-p", "leader",
                leader]
        commands["sqlite-utils query (json)"] = base
        commands["sqlite-utils query --table"] = [*base, "--table"]
    stats = list(time_commands(commands, ctx["env"], ctx["work"],
                               runs=ctx["startup_runs"]).values())
    if ctx["inprocess"]:
        stats.append(time_call("tasks --leader, sqlite3 reads (in-process)",
                               tasks_call(db, True, leaders=[leader]), runs=20))
        stats.append(time_call("tasks --leader, SQLAlchemy reads (in-process)",
                               tasks_call(db, False, leaders=[leader]), runs=20))
    return stats, {"leader": leader}


# ``python -c PROBE on|off ARGS…`` runs the CLI as the console script does; ``off`` puts a
# stub in place of cli/complete.py first (no `completion` command, nothing registered for the
# shells' protocol): the CLI as it would be without completion, for the floor of its cost.
COMPLETION_PROBE = """
import sys, types
if sys.argv.pop(1) == "off":
    stub = types.ModuleType("taskduty.cli.complete")
    stub.COMPLETE_VAR = "_TASKDUTY_COMPLETE"
    stub.register = lambda: None
    sys.modules["taskduty.cli.complete"] = stub
sys.argv[0] = "taskduty"
from taskduty.cli import main
main()
"""
COMPLETE_LEADER = "taskduty tasks --leader 陆"


def completion_env(words: str) -> dict[str, str]:
    """The environment bash's completion function gives taskduty for the words typed."""
    return {"_TASKDUTY_COMPLETE": "complete_bash", "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split(" ")) - 1)}


def import_ms(ctx: dict[str, Any], module: str, runs: int) -> Stats:
    """The cumulative import time of ``module`` within ``import taskduty.cli`` (-X importtime;
    each run a fresh interpreter): 0 in a run where ``import taskduty.cli`` (that run
    succeeding) does not import it at all."""
    stats = Stats(f"import of {module} (-X importtime)", "import")
    for _ in range(runs):
        proc = subprocess.run([sys.executable, "-X", "importtime", "-c", "import taskduty.cli"],
                              env=ctx["env"], cwd=ctx["work"], capture_output=True, text=True,
                              check=False)
        if proc.returncode != 0:
            stats.ok, stats.note = False, f"import taskduty.cli failed: {proc.stderr[-200:]}"
            return stats
        found = [int(parts[1]) / 1e6 for parts in
                 ([p.strip() for p in line.split("|")] for line in proc.stderr.splitlines())
                 if len(parts) == 3 and parts[2] == module]
        stats.times.append(found[0] if found else 0.0)
        if not found:
            stats.note = f"{module} is not imported by taskduty.cli"
    return stats


def completion(ctx: dict[str, Any]) -> tuple[list[Stats], dict[str, Any]]:
    """Issue 14: completion must not slow down ordinary commands. ``taskduty --version`` and a
    small ``tasks --leader -f json`` with the CLI as shipped and with cli/complete.py stubbed
    out (interleaved), the import of cli/complete.py, and a completion request itself (what a
    TAB costs) next to that small query. Installing the completion script only defines a shell
    function; ordinary commands run with the same environment as without it."""
    db, leader = seed_db(ctx)
    env = {**ctx["env"], "TASKDUTY_DB": str(db)}
    py, td = sys.executable, str(ctx["taskduty"])
    asked = subprocess.run([td], env={**env, **completion_env(COMPLETE_LEADER)},
                           cwd=ctx["work"], capture_output=True, text=True, check=False)
    query = ["tasks", "--leader", leader, "-f", "json"]
    commands = {
        "--version": [py, "-c", COMPLETION_PROBE, "on", "--version"],
        "--version, no completion": [py, "-c", COMPLETION_PROBE, "off", "--version"],
        "tasks --leader -f json": [py, "-c", COMPLETION_PROBE, "on", *query],
        "tasks --leader -f json, no completion": [py, "-c", COMPLETION_PROBE, "off", *query],
        "completion request (a leader's name)": [td],
        "completion request (a command)": [td],
    }
    envs = {"completion request (a leader's name)": completion_env(COMPLETE_LEADER),
            "completion request (a command)": completion_env("taskduty ta")}
    stats = list(time_commands(commands, env, ctx["work"], runs=ctx["startup_runs"],
                               envs=envs).values())
    if "陆秋明" not in asked.stdout.split():
        stats[4].ok = False
        stats[4].note = f"offered {asked.stdout.split()!r}, not 陆秋明: {asked.stderr[-120:]}"
    stats.append(import_ms(ctx, "taskduty.cli.complete", runs=5))
    return stats, {"leader": leader, "words": COMPLETE_LEADER}


def generated(n: int, folder: Path) -> tuple[Path, float]:
    """The table of ``n`` tasks as CSV, generated once per size and generator (kept in the
    work folder, so a rerun with ``--work`` reuses it); (path, seconds spent generating)."""
    csv_path = folder / "table.csv"
    key = folder / "table.key"
    want = f"{n} {hashlib.sha1(GENERATOR.read_bytes()).hexdigest()}"
    if csv_path.exists() and key.exists() and key.read_text() == want:
        return csv_path, 0.0
    start = time.perf_counter()
    write_csv(csv_path, make_rows(n))
    key.write_text(want)
    return csv_path, time.perf_counter() - start


def has_option(taskduty: Path, command: str, option: str, env: dict[str, str],
               cwd: Path) -> bool:
    """Whether ``taskduty COMMAND --help`` lists ``option`` (or ``taskduty --help``: a root
    option such as ``--all`` may also follow the command name)."""
    for argv in ([str(taskduty), command, "--help"], [str(taskduty), "--help"]):
        proc = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True,
                              check=False)
        if option in proc.stdout.split():
            return True
    return False


def one_size(n: int, ctx: dict[str, Any]) -> tuple[list[Stats], dict[str, Any]]:
    """Everything measured on one synthetic table of ``n`` tasks; each command is timed in
    turns with its floor (``time_commands``), so a busy machine slows both alike."""
    folder = ctx["work"] / f"n{n}"
    folder.mkdir(parents=True, exist_ok=True)
    env, cwd, td = ctx["env"], ctx["work"], str(ctx["taskduty"])
    big = n >= 50_000
    runs = ctx["runs"]
    if ctx["quick"]:  # minutes, not a quarter of an hour: heavy commands once at 10k
        heavy, qruns = (1 if n >= 10_000 else 2), runs
    else:
        heavy, qruns = (1 if big else runs), (max(1, runs - 2) if big else runs)
    trace = n <= 10_000  # tracemalloc slows big loads several times over
    info: dict[str, Any] = {}
    out: list[Stats] = []

    csv_path, seconds = generated(n, folder)
    info["generate_s"] = round(seconds, 2)

    db = folder / "cmd.db"
    py, floors = sys.executable, str(FLOORS)
    floor_db = folder / "floor.db"
    out += time_commands(
        {"load": [td, "--db", str(db), "load", str(csv_path), "--year", str(YEAR), "--quiet"],
         "floor: load": [py, floors, "load", str(ctx["empty"]), str(csv_path), str(floor_db),
                         str(YEAR)]},
        env, cwd, runs=heavy, warmup=0,
        before={"load": lambda: remove(db), "floor: load": lambda: remove(floor_db)}).values()
    remove(floor_db)
    dbi = folder / "call.db"
    if ctx["inprocess"]:
        safely(out, "load (in-process)", "call", lambda: time_call(
            "load (in-process)", load_call(csv_path, dbi, YEAR), runs=heavy, warmup=0,
            trace_memory=trace, before=lambda: remove(dbi)))
    remove(dbi)
    if not db.exists():  # the command failed: load in-process so the rest can run
        load_call(csv_path, db, YEAR)()
    start = time.perf_counter()
    info["updates"] = add_updates(db, YEAR)
    info["bulk_updates_s"] = round(time.perf_counter() - start, 2)
    leader, unit = busiest(db, "leader", YEAR), busiest(db, "unit", YEAR)
    info |= {"leader": leader, "unit": unit, "search": SEARCH}

    q = [td, "--db", str(db)]
    commands = {
        "tasks --leader -f json": [*q, "tasks", "--leader", leader, "-f", "json"],
        "tasks --unit -f json": [*q, "tasks", "--unit", unit, "-f", "json"],
        "tasks --search -f json": [*q, "tasks", "--search", SEARCH, "-f", "json"],
        "tasks --leader (table)": [*q, "tasks", "--leader", leader],
        "floor: table --leader": [py, floors, "table", str(db), str(YEAR), leader],
        "summary --by unit -f json": [*q, "summary", "--by", "unit", "-f", "json"],
        "floor: summary": [py, floors, "summary", str(db), str(YEAR)],
        "summary (table)": [*q, "summary"],
        "tasks -f json (whole year)": [*q, "tasks", "--year", str(YEAR), "-f", "json"],
        # the floor's content exactly: each task's code and the status in force
        "tasks -f json --fields code,status (whole year)": [
            *q, "tasks", "--year", str(YEAR), "-f", "json", "--fields", "code,status"],
        "floor: status (whole year)": [py, floors, "status", str(db), str(YEAR)],
    }
    if n <= ctx["whole_table_max"]:  # a rich table of a whole big year takes minutes
        commands["tasks (table, whole year)"] = [*q, "tasks", "--year", str(YEAR)]
        if ctx["has_all"]:
            commands["tasks --all (table, whole year)"] = [*q, "tasks", "--year", str(YEAR),
                                                           "--all"]
        commands["floor: table (whole year)"] = [py, floors, "table", str(db), str(YEAR)]
    out += time_commands(commands, env, cwd, runs=qruns, warmup=0).values()
    if not ctx["has_all"]:
        out.append(Stats("tasks --all (table, whole year)", "command", ok=False,
                         note="skipped: `taskduty tasks` has no --all yet"))

    # Writes: every run records anew. The state between runs is reset with the floor's plain
    # sqlite3 update/undo (a fraction of a second, where a taskduty undo costs a start-up).
    one = codes(db, YEAR, 1)[0]
    floor_undo = [py, floors, "undo", str(db)]
    floor_update = [py, floors, "update", str(db), str(YEAR), one]

    def floor(argv: list[str]) -> Callable[[], None]:
        return lambda: subprocess.run(argv, env=env, cwd=cwd, check=True, capture_output=True)

    first = after_first(floor(floor_undo))  # one counter: undo the previous run's update
    out += time_commands(
        {"update (1 task)": [*q, "update", one, "--status", "in_progress", "--progress", "50",
                             "--date", f"{YEAR}-12-20"],
         "floor: update (1 task)": floor_update},
        env, cwd, runs=runs, warmup=0,
        before={"update (1 task)": first, "floor: update (1 task)": first}).values()
    floor(floor_undo)()
    out += time_commands({"undo": [*q, "undo"], "floor: undo": floor_undo}, env, cwd,
                         runs=runs, warmup=0,
                         before={"undo": floor(floor_update),
                                 "floor: undo": floor(floor_update)}).values()
    for name, fn in (
        ("tasks --leader (in-process)", tasks_call(db, True, leaders=[leader])),
        ("tasks --leader, SQLAlchemy reads (in-process)", tasks_call(db, False,
                                                                     leaders=[leader])),
        ("tasks --unit (in-process)", tasks_call(db, True, units=[unit])),
        ("tasks --search (in-process)", tasks_call(db, True, search=SEARCH)),
        ("summary --by unit (in-process)", summary_call(db, "unit")),
    ) if ctx["inprocess"] else ():
        safely(out, name, "call", lambda name=name, fn=fn: time_call(name, fn, runs=qruns))

    sample = codes(db, YEAR, 20)
    upd = ["update", *sample, "--status", "in_progress", "--progress", "50",
           "--date", f"{YEAR}-12-20", "--note", "12月：按序时推进，完成年度投资的95%。"]
    out.append(time_command("update (20 tasks, one batch)", [*q, *upd], env, cwd,
                            runs=runs, before=after_first(floor(floor_undo))))
    floor(floor_undo)()
    if ctx["inprocess"]:
        safely(out, "update (in-process)", "call", lambda: time_call(
            "update (in-process)", cli_call(["--db", str(db), *upd]), runs=runs,
            before=after_first(floor(floor_undo))))

    for command, target in (("export", folder / "report.xlsx"), ("forms", folder / "forms")):
        if not ctx["has"][command]:
            out.append(Stats(command, "command", ok=False,
                             note=f"skipped: no `taskduty {command}` command yet"))
            continue
        args = ["--db", str(db), command, str(target)]
        floor_target = target.with_name("floor-" + target.name)
        out += time_commands(
            {command: [td, *args],
             f"floor: {command}": [py, floors, command, str(db), str(YEAR), str(floor_target)]},
            env, cwd, runs=heavy, warmup=0,
            before={command: lambda t=target: remove(t),
                    f"floor: {command}": lambda t=floor_target: remove(t)}).values()
        if ctx["inprocess"]:
            safely(out, f"{command} (in-process)", "call", lambda c=command, a=args, t=target:
                   time_call(f"{c} (in-process)", cli_call(a), runs=heavy, warmup=0,
                             trace_memory=trace, before=lambda: remove(t)))
    return out, info


# -- budgets --------------------------------------------------------------------------------
def budget(name: str, value: float | None, limit: float, unit: str, note: str = "",
           ) -> dict[str, Any]:
    """One budget; ``value`` None means this run did not measure it (skipped, not FAIL)."""
    passed = None if value is None else value == value and value <= limit
    if value is None and not note:
        note = "not measured in this run"
    return {"budget": name, "measured": value, "limit": limit, "unit": unit,
            "passed": passed, "note": note}


# issue 19: (label, taskduty's measurement, its floor, the budget ×, enforced). A row that is
# not enforced is shown against the limit for information (its result reads "info"): export
# has no budget in issue 19, and the whole-year listing with all its fields does far more
# than the status floor (about 35 fields per task, targets and schedule, against two).
FLOOR_BUDGETS = [
    ("load / floor", "load", "floor: load", 3.0, True),
    ("tasks (table, whole year) / plain text", "tasks (table, whole year)",
     "floor: table (whole year)", 2.0, True),
    ("tasks --all (table, whole year) / plain text", "tasks --all (table, whole year)",
     "floor: table (whole year)", 2.0, True),
    ("tasks --leader (table) / plain text", "tasks --leader (table)", "floor: table --leader",
     2.0, True),
    ("summary --by unit / one GROUP BY", "summary --by unit -f json", "floor: summary", 2.0,
     True),
    ("whole-year status (tasks -f json --fields code,status) / LIMIT 1 lookups",
     "tasks -f json --fields code,status (whole year)", "floor: status (whole year)", 2.0,
     True),
    ("whole-year tasks -f json, all fields / LIMIT 1 lookups", "tasks -f json (whole year)",
     "floor: status (whole year)", 2.0, False),
    ("update 1 task / sqlite3", "update (1 task)", "floor: update (1 task)", 3.0, True),
    ("undo / sqlite3", "undo", "floor: undo", 3.0, True),
    ("forms / bare workbooks", "forms", "floor: forms", 2.0, True),
    ("export / write-only workbook", "export", "floor: export", 3.0, False),
]


def find(stats: list[Stats], name: str) -> Stats | None:
    return next((s for s in stats if s.name == name and s.ok and s.times), None)


def ratio(a: Stats | None, b: Stats | None) -> float | None:
    return a.median / b.median if a and b else None


def min_ratio(a: Stats | None, b: Stats | None) -> str:
    """The ratio of the fastest runs, less sensitive to a busy machine."""
    return f"fastest runs: {min(a.times) / min(b.times):.2f}×" if a and b else ""


def completion_budgets(stats: list[Stats]) -> list[dict[str, Any]]:
    """Issue 14: completion costs ordinary commands nothing; a TAB costs a small query."""
    out = []
    for cmd in ("--version", "tasks --leader -f json"):
        mine, bare = find(stats, cmd), find(stats, f"{cmd}, no completion")
        out.append(budget(f"completion: taskduty {cmd} / without cli/complete.py",
                          ratio(mine, bare), 1.1, "×", min_ratio(mine, bare)))
    imp, version = find(stats, "import of taskduty.cli.complete (-X importtime)"), find(
        stats, "--version")
    out.append(budget("completion: import of cli/complete.py / taskduty --version",
                      100 * imp.median / version.median if imp and version else None, 2.0,
                      " %", f"{imp.median * 1000:.2f} ms" if imp else ""))
    request, query = (find(stats, "completion request (a leader's name)"),
                      find(stats, "tasks --leader -f json"))
    out.append(budget("completion: a request (a leader's name) / tasks --leader -f json",
                      ratio(request, query), 1.5, "×", min_ratio(request, query)))
    return out


def check_budgets(startup_stats: list[Stats], seed_stats: list[Stats],
                  sizes: dict[int, list[Stats]],
                  completion_stats: list[Stats] | None = None) -> list[dict[str, Any]]:
    out = []
    for n in sorted(sizes):
        for label, mine, floor, limit, enforced in FLOOR_BUDGETS:
            a, b = find(sizes[n], mine), find(sizes[n], floor)
            row = budget(f"{n // 1000}k: {label}", ratio(a, b), limit, "×",
                         min_ratio(a, b) if a and b else "not measured in this run")
            row["info"] = not enforced
            out.append(row)
    if sizes:
        largest = max(sizes)
        load = find(sizes[largest], "load")
        # the budget is at 200k: a smaller largest size is shown, not judged
        row = budget(f"load peak RSS at {largest // 1000}k (< 150 MiB at 200k)",
                     load.peak_mib if load else None, 150, " MiB",
                     "" if largest >= 200_000 else "200k not run (--large): shown, not judged")
        row["info"] = largest < 200_000
        out.append(row)
    su_help = find(startup_stats, "sqlite-utils --help")
    for cmd in ("taskduty --help", "taskduty --version"):
        mine = find(startup_stats, cmd)
        out.append(budget(f"{cmd} / sqlite-utils --help", ratio(mine, su_help), 1.5, "×",
                          min_ratio(mine, su_help)))
    for fmt, other in (("-f json", "sqlite-utils query (json)"),
                       ("(table)", "sqlite-utils query --table")):
        mine, theirs = find(seed_stats, f"taskduty tasks --leader {fmt}"), find(seed_stats, other)
        out.append(budget(f"seed: tasks --leader {fmt} / {other}", ratio(mine, theirs), 2.0,
                          "×", f"aim 1×; {min_ratio(mine, theirs)}" if mine and theirs else ""))
    out += completion_budgets(completion_stats or [])
    # Issue 7's budgets are at 50k tasks (a 200k run judged against them said FAIL for a
    # size they never spoke of): judged at 50k when it ran, else skipped.
    at = ISSUE7_SIZE if ISSUE7_SIZE in sizes else None
    load = find(sizes[at], "load") if at else None
    out.append(budget("load 50k tasks", load.median if load else None, 20, "s",
                      "" if at else "50k not run"))
    export = find(sizes[at], "export") if at else None
    out.append(budget("export 50k tasks", export.median if export else None, 30, "s",
                      "" if export else "export at 50k not measured"))
    smallest = min(sizes) if sizes else None
    if at and smallest and smallest != at:
        small = find(sizes[smallest], "export")
        out.append(budget(f"export peak RSS 50k / {smallest // 1000}k",
                          ratio_mem(export, small), 2.0, "×", "flat memory"))
    ordered = sorted(sizes)
    if len(ordered) >= 3:
        for op in ("load", "tasks --leader -f json", "tasks --search -f json",
                   "summary --by unit -f json", "export", "forms"):
            slope = slope_ratio([(n, find(sizes[n], op)) for n in ordered[-3:]])
            if slope is not None:
                out.append(budget(f"linear: {op} (marginal cost per task, last step / "
                                  "previous step)", slope, 1.5, "×"))
    return out


def ratio_mem(a: Stats | None, b: Stats | None) -> float | None:
    if a and b and a.peak_mib and b.peak_mib:
        return a.peak_mib / b.peak_mib
    return None


def slope_ratio(points: list[tuple[int, Stats | None]]) -> float | None:
    """(t3 - t2)/(n3 - n2) ÷ (t2 - t1)/(n2 - n1): about 1 when time grows linearly."""
    if any(s is None for _, s in points):
        return None
    (n1, s1), (n2, s2), (n3, s3) = points
    assert s1 and s2 and s3
    before = (s2.median - s1.median) / (n2 - n1)
    after = (s3.median - s2.median) / (n3 - n2)
    return after / before if before > 0 else None


# -- output ------------------------------------------------------------------------------------
def show(title: str, stats: list[Stats]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for col in ("measured", "kind", "median s", "min s", "runs", "peak MiB", "note"):
        table.add_column(col, justify="right" if col.endswith(("s", "MiB")) else "left")
    for s in stats:
        table.add_row(s.name, s.kind, f"{s.median:.3f}" if s.times else "–",
                      f"{min(s.times):.3f}" if s.times else "–", str(len(s.times)),
                      f"{s.peak_mib:.1f}" if s.peak_mib else "–",
                      s.note if s.ok else f"[red]{s.note or 'failed'}[/red]")
    Console().print(table)


def show_budgets(rows: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Budgets (issues 7, 14 and 19)", title_justify="left")
    for col in ("budget", "measured", "limit", "result", "note"):
        table.add_column(col)
    for b in rows:
        value = "–" if b["measured"] is None else f"{b['measured']:.2f}{b['unit']}"
        result = ("[yellow]skipped[/yellow]" if b["passed"] is None
                  else "[cyan]info[/cyan]" if b.get("info")
                  else "[green]PASS[/green]" if b["passed"] else "[red]FAIL[/red]")
        table.add_row(b["budget"], value, f"≤ {b['limit']}{b['unit']}", result, b["note"])
    Console().print(table)


def empty_schema(work: Path) -> Path:
    """A taskduty database with the schema and no table, for the load floor."""
    from taskduty.migrations import open_database

    path = work / "empty.db"
    remove(path)
    database = open_database(str(path))
    database.prepare_schema()
    database.dispose()
    return path


def machine() -> dict[str, Any]:
    from taskduty import __version__

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True, check=False).stdout.strip()
    return {"platform": platform.platform(), "python": platform.python_version(),
            "cpus": os.cpu_count(), "sqlite": sqlite3.sqlite_version,
            "taskduty": __version__, "commit": commit, "date": date.today().isoformat()}


def compile_package() -> None:
    """Compile taskduty's modules (and the benchmark's own) to bytecode, as pip does on
    install."""
    import compileall

    import taskduty

    for folder in (Path(taskduty.__file__).parent, Path(__file__).parent):
        compileall.compile_dir(folder, quiet=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=None,
                        help="comma-separated table sizes in tasks (default 1000,10000,50000)")
    parser.add_argument("--quick", action="store_true",
                        help="sizes 1000,10000, fewer repeats, no in-process timings")
    parser.add_argument("--large", action="store_true", help="add 200,000 tasks to the sizes")
    parser.add_argument("--runs", type=int, default=None, help="repeats per measurement")
    parser.add_argument("--work", type=Path, default=None,
                        help="keep generated tables and databases in this folder")
    parser.add_argument("--only", choices=("startup", "seed", "completion", "sizes"),
                        action="append",
                        help="run only some parts (repeatable)")
    args = parser.parse_args(argv)
    sizes = ([int(s) for s in args.sizes.split(",")] if args.sizes
             else [1000, 10000] if args.quick else [1000, 10000, 50000])
    if args.large and 200_000 not in sizes:
        sizes.append(200_000)
    parts = set(args.only or ("startup", "seed", "completion", "sizes"))

    taskduty = tool("taskduty")
    if taskduty is None:
        print("taskduty is not installed in this environment (pip install -e .)",
              file=sys.stderr)
        return 2
    work = args.work or Path(tempfile.mkdtemp(prefix="taskduty-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    # Any value of PYTHONDONTWRITEBYTECODE (even "0") stops Python writing bytecode, and an
    # editable install has none: every command would compile taskduty anew, which an installed
    # package never does. So it is dropped, and the package compiled once before timing.
    env = {k: v for k, v in os.environ.items()
           if k not in ("TASKDUTY_DB", "TASKDUTY_DEBUG", "PYTHONDONTWRITEBYTECODE")}
    env |= {"COLUMNS": "120", "LINES": "50", "TERM": "dumb"}
    compile_package()
    ctx: dict[str, Any] = {
        "taskduty": taskduty, "sqlite_utils": tool("sqlite-utils"), "work": work, "env": env,
        "quick": args.quick, "runs": args.runs or (3 if args.quick else 5),
        "startup_runs": args.runs or (7 if args.quick else 21),
        "inprocess": not args.quick, "whole_table_max": 10_000 if args.quick else 50_000,
        "empty": empty_schema(work),
    }
    ctx["has"] = {c: has_command(taskduty, c, env, work) for c in ("export", "forms")}
    ctx["has_all"] = has_option(taskduty, "tasks", "--all", env, work)
    if not ctx["sqlite_utils"]:
        print("sqlite-utils not found: the comparisons are skipped "
              "(pip install -e '.[bench]')", file=sys.stderr)

    started = time.perf_counter()
    report: dict[str, Any] = {"machine": machine(), "sizes": {}, "notes": []}
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{datetime.now():%Y%m%d-%H%M%S}.json"

    def save() -> None:  # after each part, so an interrupted run still leaves its figures
        path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")

    for command, present in ctx["has"].items():
        if not present:
            report["notes"].append(f"taskduty {command}: not available, skipped")
    startup_stats: list[Stats] = []
    seed_stats: list[Stats] = []
    completion_stats: list[Stats] = []
    per_size: dict[int, list[Stats]] = {}
    if "startup" in parts:
        startup_stats = startup(ctx)
        report["startup"] = [s.as_dict() for s in startup_stats]
        save()
        show("Startup", startup_stats)
    if "seed" in parts:
        seed_stats, seed_info = seed_query(ctx)
        report["seed"] = seed_info
        report["seed_stats"] = [s.as_dict() for s in seed_stats]
        save()
        show(f"A filtered query on the 2018 seed (leader {seed_info['leader']})", seed_stats)
    if "completion" in parts:
        completion_stats, completion_info = completion(ctx)
        report["completion"] = completion_info
        report["completion_stats"] = [s.as_dict() for s in completion_stats]
        save()
        show(f"Completion (issue 14): with and without cli/complete.py; a TAB after "
             f"`{completion_info['words']}`", completion_stats)
    if "sizes" in parts:
        for n in sizes:
            stats, info = one_size(n, ctx)
            per_size[n] = stats
            report["sizes"][str(n)] = {"info": info, "stats": [s.as_dict() for s in stats]}
            save()
            show(f"{n:,} tasks ({info['updates']:,} updates; leader {info['leader']}, "
                 f"unit {info['unit']})", stats)
    budgets = check_budgets(startup_stats, seed_stats, per_size, completion_stats)
    show_budgets(budgets)
    report |= {"startup": [s.as_dict() for s in startup_stats],
               "seed_stats": [s.as_dict() for s in seed_stats], "budgets": budgets,
               "total_s": round(time.perf_counter() - started, 1)}
    save()
    print(f"total {report['total_s']} s; results: {path}", file=sys.stderr)
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
