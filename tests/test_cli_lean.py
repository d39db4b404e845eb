"""``update``, ``undo``, ``tasks``, ``summary`` and ``load`` parsed without Typer (cli/lean.py)
do what Typer's commands do: the same stdout, stderr, exit code, files written and database rows for
the same command lines, and Typer takes over every command line the lean parser does not
read."""

from __future__ import annotations

import inspect
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import typing
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import SEED_CSV

LEAN = """
import json, sys
from taskduty.cli import main
sys.argv = ["taskduty", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit as exc:
    sys.stderr.write("\\nTYPER %s" % ("typer" in sys.modules)); raise
"""
TYPER = """
import json, sys
from taskduty.cli.app import app
app(json.loads(sys.argv[1]), prog_name="taskduty")
"""

# What a run changed, without the times it ran at.
ROWS = ("SELECT id, task_id, batch_id, date, status, progress, note, \"by\", recorded_by, "
        "withdrawn_at IS NULL, withdrawn_by FROM task_update ORDER BY id",
        "SELECT id, kind, recorded_by, source_key, withdrawn_at IS NULL FROM batch ORDER BY id",
        "SELECT id, task_id, target_no, batch_id, date, value, note, \"by\", "
        "withdrawn_at IS NULL FROM target_actual ORDER BY id",
        "SELECT id, year, title, input_format, source_name, content_hash, loaded_by "
        "FROM plan ORDER BY id",
        *(f"SELECT * FROM {t} ORDER BY rowid" for t in (
            "goal", "task", "leader", "unit", "task_leader", "task_unit", "load_note")))


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lean") / "seed.db"
    subprocess.run([sys.executable, "-m", "taskduty", "--db", str(path), "load", str(SEED_CSV),
                    "--year", "2018", "--quiet"], check=True, capture_output=True,
                   cwd=path.parent, timeout=120)
    return path


# Updates and actual values for the read commands to show: statuses, progress, targets and
# warning lights that differ from task to task.
READ_SETUP = [
    ["update", "1.1", "1.2", "1.4", "-s", "in_progress", "-p", "40", "-d", "2018-03-31"],
    ["update", "1.2", "-s", "behind", "-d", "2018-05-31", "--note", "资金未到位"],
    ["update", "2.1", "2.2", "-s", "done", "-d", "2018-06-15"],
    ["update", "1.1", "--actual", "5%", "-d", "2018-06-30"],
    ["update", "1.5#1", "--actual", "3亿美元", "-d", "2018-06-30"],
]


@pytest.fixture(scope="module")
def read_db(seed_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed with a few updates and actual values (the read lines only read it)."""
    path = tmp_path_factory.mktemp("lean_read") / "read.db"
    shutil.copyfile(seed_db, path)
    for args in READ_SETUP:
        assert run(TYPER, args, path, path.parent)[0] == 0, args
    return path


# The command lines of a test run in this process (the console script's main() and Typer's
# app, on the same captured file descriptors), not in two interpreters per line: the
# subprocess below is for the module's fixtures, and a test of what a plain query imports
# starts its own interpreter.
_IN_PROCESS: list[tuple[pytest.CaptureFixture[str], pytest.MonkeyPatch]] = []


@pytest.fixture(autouse=True)
def in_process(capfd: pytest.CaptureFixture[str],
               monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    _IN_PROCESS.append((capfd, monkeypatch))
    yield
    _IN_PROCESS.clear()


def run(probe: str, args: list[str], db: Path, cwd: Path) -> tuple[int, str, str, bool]:
    """Exit code, stdout, stderr of ``taskduty ARGS`` on ``db`` in ``cwd``, and whether it
    went to Typer (always for the TYPER probe)."""
    if not _IN_PROCESS:
        return run_process(probe, args, db, cwd)
    capfd, monkeypatch = _IN_PROCESS[0]
    from taskduty.cli import lean
    from taskduty.cli.app import app

    with monkeypatch.context() as m:
        m.setenv("TASKDUTY_DB", str(db))
        m.chdir(cwd)
        capfd.readouterr()
        code = lean.run(args) if probe is LEAN else None
        typer = code is None
        if typer:
            try:
                app(args, prog_name="taskduty")
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None
                                                                    else 1)
        out, err = capfd.readouterr()
    return code, out, err, typer


def run_process(probe: str, args: list[str], db: Path, cwd: Path
                ) -> tuple[int, str, str, bool]:
    env = {k: v for k, v in os.environ.items() if k != "TASKDUTY_DB"}
    env["TASKDUTY_DB"] = str(db)
    proc = subprocess.run([sys.executable, "-c", probe, json.dumps(args)], cwd=cwd, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    err, _, typer = proc.stderr.rpartition("\nTYPER ")
    if probe is TYPER:
        err, typer = proc.stderr, "True"
    return proc.returncode, proc.stdout, err, typer == "True"


def rows(db: Path) -> list[list[tuple]]:
    conn = sqlite3.connect(db)
    try:
        return [conn.execute(sql).fetchall() for sql in ROWS]
    finally:
        conn.close()


def written(folder: Path) -> dict[str, bytes]:
    """The files a run wrote in its folder (``-o FILE``), the database aside."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())
            if p.is_file() and not p.name.startswith("t.db")}


def both(args: list[str], seed_db: Path, tmp_path: Path, before: list[list[str]] = ()
         ) -> tuple[bool, tuple]:
    """Run ``args`` through main() and through Typer, each on its own copy of the seed (after
    the ``before`` command lines); whether main() used Typer, and what each gave."""
    outcomes = []
    used_typer = False
    for name, probe in (("lean", LEAN), ("typer", TYPER)):
        folder = tmp_path / name
        folder.mkdir()
        db = folder / "t.db"
        shutil.copyfile(seed_db, db)
        for earlier in before:
            assert run(TYPER, earlier, db, folder)[0] == 0
        code, out, err, typer = run(probe, args, db, folder)
        if probe is LEAN:
            used_typer = typer
        outcomes.append((code, out, err.replace(str(db), "DB"), rows(db), written(folder)))
    assert outcomes[0] == outcomes[1], args
    return used_typer, outcomes[0]


LEAN_LINES = [
    ["update", "1.1", "--status", "in_progress", "--progress", "40", "--note", "一季度"],
    ["update", "1.1", "1.2", "-s", "推进中", "-p", "40%", "-d", "2018-06-30", "-f", "json"],
    ["update", "1.1", "--status=done", "--date=2018年6月30日", "--by", "发改局", "-f", "JSON"],
    ["-q", "update", "1.2", "-s", "behind", "-d", "2018-07-31", "-y", "2018", "-f", "csv"],
    ["update", "1.1", "-s", "in_progress", "-d", "2018-03-31", "--fields", "code,status",
     "-f", "json", "-q"],
    ["update", "1.1", "-s", "in_progress", "-d", "2018-03-31", "-f", "表格"],
    ["update", "9.9", "-s", "done", "-d", "2018-03-31"],              # unknown code: exit 1
    ["update", "1.1", "-s", "bogus"],                                  # a library UsageError
    ["update", "1.1", "-s", "done", "-p", "140"],
    ["update", "1.1", "-s", "done", "-d", "2018-02-30"],
    ["update", "1.1", "-p", "40"],                                     # no --status
    ["update", "1.1#2", "-s", "done"],
    ["update", "1.1", "--actual", "62%", "-d", "2018-03-31"],          # a task without targets
    ["update", "1.1", "-s", "done", "--year", "2017"],
    ["undo"], ["undo", "-f", "json"], ["undo", "--fields", "code,id", "-f", "csv"],
]
TYPER_LINES = [
    ["update", "-h"], ["undo", "--help"], ["--version"], ["update"], ["update", "--status"],
    ["update", "1.1", "-s", "done", "-s", "behind"], ["update", "1.1", "-sdone"],
    ["update", "1.1", "-s", "done", "-f", "xml"], ["update", "1.1", "-s", "done", "-t", "0"],
    ["update", "1.1", "-s", "done", "--year", "twenty"], ["undo", "extra"],
    ["update", "1.1", "-s", "done", "--bogus"], ["update", "--", "1.1", "-s", "done"],
    ["--raw-csv", "undo"], ["update", "1.1", "-s", "done", "-p", "-5"],
]

# The read commands' plain lines: filters, formats, fields, files, root options after the
# command name, and the errors the command itself reports.
READ_LINES = [
    ["tasks"], ["tasks", "--year", "2018", "-f", "json", "--fields", "code,status"],
    ["tasks", "--leader", "陆秋明", "-f", "json"], ["tasks", "-l", "陆秋"],
    ["tasks", "-l", "陆秋明", "-l", "徐治国", "--unit", "发改局", "-f", "csv"],
    ["tasks", "--leader=陆秋明", "-s", "in_progress", "--status", "滞后", "-f", "tsv"],
    ["tasks", "-u", "发改局", "-u", "财政局", "--status=in_progress,behind", "-f", "jsonl"],
    ["tasks", "-q", "增长", "--search", "改革", "-f", "JSON"],     # tasks -q is --search
    ["tasks", "--goal", "2", "-g", "3,4", "-f", "json", "--fields", "code,goal_no,status"],
    ["tasks", "--overdue", "--as-of", "2018-12-31", "-f", "json", "--fields", "code"],
    ["tasks", "--stale", "30", "--as-of", "2018-06-30", "-f", "csv"],
    ["tasks", "--target", "behind", "-t", "none", "--month", "2018-06", "-f", "json"],
    ["tasks", "--warning", "yellow,red", "-w", "蓝灯", "--month", "2018-06", "--blue-days", "20",
     "--yellow-points", "5.5", "-f", "json"],
    ["tasks", "--yellow-points", "0", "--blue-days=0", "--month", "2018-06", "-f", "表格"],
    ["tasks", "--month", "2018-06", "--fields", "code,status,warning"],
    ["tasks", "-y", "2018", "-o", "out.csv"], ["tasks", "-o", "out.json", "--fields", "code"],
    ["-q", "tasks", "-s", "done", "--output=out.tsv"],
    ["tasks", "--db", "t.db", "--quiet", "-f", "json", "-s", "done"],
    ["--all", "tasks", "-l", "陆秋明"], ["tasks", "--all", "-u", "发改局", "--fields", "code"],
    ["--db=t.db", "tasks", "--search", ""], ["tasks", "--leader="],
    ["tasks", "--leader", "无名"], ["tasks", "--unit", "局"],            # unknown, ambiguous
    ["tasks", "--year", "1999"], ["tasks", "--as-of", "2018-02-30"],
    ["tasks", "--as-of", "2018-06-30", "--month", "2018-06"], ["tasks", "--month", "2018-13"],
    ["tasks", "-s", "bogus"], ["tasks", "-w", "green"], ["tasks", "-t", "bogus"],
    ["tasks", "-g", "x"], ["tasks", "-f", "json", "--fields", "code,nope"],
    ["tasks", "-o", "out.txt"], ["tasks", "-o", "out.txt", "-f", "csv"],
    ["summary"], ["summary", "--by", "unit", "-f", "json"], ["summary", "-b", "单位", "-f", "csv"],
    ["summary", "--by=goals", "--month", "2018-06", "-f", "json"],
    ["summary", "--by", "target", "--month", "2018-06"], ["summary", "-b", "指标", "-f", "json"],
    ["summary", "-q", "--by", "leader", "-f", "tsv"],                # summary -q is --quiet
    ["summary", "--as-of", "2018-06-30", "--blue-days", "0", "--yellow-points", "10"],
    ["summary", "-b", "unit", "--fields", "name,tasks,done", "-f", "json", "-m", "2018-06"],
    ["summary", "--by", "unit", "-o", "s.json"], ["--all", "summary", "--by", "goal"],
    ["summary", "--by", "bogus"], ["summary", "--year", "1999"], ["summary", "-m", "2018-13"],
    ["summary", "--by", "unit", "-f", "json", "--fields", "nope"],
]
READ_TYPER_LINES = [
    ["tasks", "--help"], ["summary", "-h"], ["tasks", "-f", "xml"], ["summary", "-f", "xlsx"],
    ["tasks", "--year", "twenty"], ["summary", "--year", "２０１８"],
    ["tasks", "-y", "2018", "-y", "2018"],
    ["tasks", "-l陆秋明"], ["tasks", "--stale", "-1"], ["tasks", "--stale", "+3"],
    ["tasks", "--yellow-points", "1e1"], ["summary", "--yellow-points", "-5"],
    ["summary", "--blue-days", "1.5"], ["tasks", "--overdue=yes"],
    ["tasks", "--overdue", "--overdue"],
    ["tasks", "extra"], ["summary", "--by"], ["summary", "--bogus"], ["tasks", "--raw-csv"],
    ["--max-cells", "10", "summary"], ["tasks", "--", "-l"], ["tasks", "--search", "-污水"],
    ["summary", "--by", "unit", "--by", "goal"], ["tasks", "-o", ""], ["summary", "-s", "done"],
]


# ``load`` into the seed database (2018 loaded): unchanged, refused, another year, its
# options, and the errors it reports. SEED and OTHER (the seed with one task edited) are
# replaced by the tables' paths.
LOAD_LINES = [
    ["load", "SEED", "--year", "2018"], ["load", "SEED", "-y", "2018", "-f", "json"],
    ["load", "OTHER", "--year", "2018"], ["load", "OTHER", "-y", "2018", "-f", "JSON", "-q"],
    ["load", "SEED", "--year", "2019"], ["--db", "t.db", "load", "SEED", "-y", "2019", "-q"],
    ["load", "SEED", "--year=2019", "--dry-run", "-f", "json"],
    ["load", "-n", "SEED", "-y", "2019"],
    ["load", "OTHER", "-y", "2018", "--replace"], ["load", "SEED", "-y", "2019", "--replace"],
    ["load", "SEED", "-y", "2019", "--lead-first", "-f", "json"],
    ["load", "SEED", "-y", "2019", "--no-lead-first", "-i", "csv"],
    ["load", "SEED", "-y", "2019", "--input-format=逗号分隔"],
    ["load", "SEED", "-y", "2019", "--input-format", "text"],
    ["load", "SEED", "-y", "2019", "--sheet", "Sheet1"], ["load", "SEED"],
    ["load", "SEED", "-y", "1900"], ["load", "missing.csv", "-y", "2019"],
    ["load", "SEED", "-y", "2019", "--all", "--quiet"],
]
LOAD_TYPER_LINES = [
    ["load"], ["load", "-h"], ["load", "SEED", "-y", "twenty"], ["load", "SEED", "-f", "xml"],
    ["load", "SEED", "-f", "jsonl"], ["load", "SEED", "-i", "pdf"], ["load", "SEED", "-y2019"],
    ["load", "SEED", "-y", "2019", "--dry-run=yes"], ["load", "SEED", "-y", "2019", "-n", "-n"],
    ["load", "SEED", "-y", "2019", "--lead-first", "--no-lead-first"],
    ["load", "SEED", "SEED", "-y", "2019"], ["load", "", "-y", "2019"],
    ["load", "SEED", "-y", "-5"], ["load", "SEED", "--year", "2019", "--bogus"],
    ["load", "--", "SEED", "-y", "2019"],
]


def load_line(args: list[str], tmp_path: Path) -> list[str]:
    """``args`` with SEED and OTHER replaced by the tables' paths."""
    other = tmp_path / "other.csv"
    text = SEED_CSV.read_text(encoding="utf-8-sig")
    other.write_text(text.replace("地区生产总值增长8%。", "地区生产总值增长7.5%。", 1),
                     encoding="utf-8")
    return [{"SEED": str(SEED_CSV), "OTHER": str(other)}.get(a, a) for a in args]


@pytest.mark.parametrize("args", LOAD_LINES)
def test_plain_load_lines_run_without_typer_and_as_typer_does(
        args: list[str], seed_db: Path, tmp_path: Path) -> None:
    used_typer, (_code, out, err, _rows, _files) = both(load_line(args, tmp_path), seed_db,
                                                        tmp_path)
    assert not used_typer, (args, err)
    assert out or err


@pytest.mark.parametrize("args", LOAD_TYPER_LINES)
def test_other_load_lines_go_to_typer(args: list[str], seed_db: Path, tmp_path: Path) -> None:
    used_typer, _outcome = both(load_line(args, tmp_path), seed_db, tmp_path)
    assert used_typer, args


def test_the_load_lines_load_refuse_and_replace(seed_db: Path, tmp_path: Path) -> None:
    """The load lines above do load, refuse and replace (not only fail alike)."""
    outcomes = {}
    lines = (["load", "SEED", "-y", "2019", "-q"], ["load", "OTHER", "-y", "2018"],
             ["load", "OTHER", "-y", "2018", "--replace", "-f", "json"])
    for n, args in enumerate(lines):
        (tmp_path / str(n)).mkdir()
        _typer, (code, out, err, tables, _files) = both(load_line(args, tmp_path), seed_db,
                                                        tmp_path / str(n))
        outcomes[n] = (code, out, err, tables)
    assert outcomes[0][0] == 0 and [r[1] for r in outcomes[0][3][3]] == [2018, 2019]
    assert outcomes[1][0] == 1 and "already loaded with different content" in outcomes[1][2]
    assert outcomes[2][0] == 0 and json.loads(outcomes[2][1])["outcome"] == "replaced"


@pytest.mark.parametrize("args", LEAN_LINES)
def test_plain_command_lines_run_without_typer_and_as_typer_does(
        args: list[str], seed_db: Path, tmp_path: Path) -> None:
    before = [["update", "1.1", "1.2", "-s", "in_progress", "-d", "2018-05-31"]] \
        if "undo" in args else []
    used_typer, (_code, out, err, _rows, _files) = both(args, seed_db, tmp_path, before)
    assert not used_typer, (args, err)
    assert out or err


@pytest.mark.parametrize("args", TYPER_LINES)
def test_other_command_lines_go_to_typer(args: list[str], seed_db: Path,
                                         tmp_path: Path) -> None:
    used_typer, _outcome = both(args, seed_db, tmp_path)
    assert used_typer, args


@pytest.mark.parametrize("args", READ_LINES)
def test_plain_read_lines_run_without_typer_and_as_typer_does(
        args: list[str], read_db: Path, tmp_path: Path) -> None:
    used_typer, (_code, out, err, _rows, files) = both(args, read_db, tmp_path)
    assert not used_typer, (args, err)
    assert out or err or files


@pytest.mark.parametrize("args", READ_TYPER_LINES)
def test_other_read_lines_go_to_typer(args: list[str], read_db: Path, tmp_path: Path) -> None:
    used_typer, _outcome = both(args, read_db, tmp_path)
    assert used_typer, args


def test_the_read_lines_show_what_they_filter(read_db: Path, tmp_path: Path) -> None:
    """The read lines above are not all errors or empty listings: the fixture's updates
    show, and a filter filters."""
    _typer, (code, out, _err, _rows, _files) = both(
        ["tasks", "-s", "in_progress", "-s", "behind", "-f", "json", "--fields", "code,status"],
        read_db, tmp_path)
    assert code == 0
    assert json.loads(out) == [{"code": "1.1", "status": "in_progress"},
                               {"code": "1.2", "status": "behind"},
                               {"code": "1.4", "status": "in_progress"}]


def test_an_option_from_the_environment_goes_to_typer(seed_db: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TASKDUTY_RAW_CSV", "1")
    used_typer, _outcome = both(["undo"], seed_db, tmp_path,
                                [["update", "1.1", "-s", "done", "-d", "2018-05-31"]])
    assert used_typer


def test_the_parse_of_a_plain_line() -> None:
    from taskduty.cli.lean import parse

    assert parse(["--db", "x.db", "update", "1.1", "2.1", "-s", "done", "--target=2", "-q",
                  "-f", "Json", "-o", "out.json"]) == (
        "update", {"db": "x.db", "quiet": True},
        {"status": "done", "target": 2, "fmt": "json", "output": Path("out.json"),
         "codes": ["1.1", "2.1"]})
    assert parse(["undo", "--db=y.db"]) == ("undo", {"db": "y.db"}, {})
    assert parse(["tasks", "-l", "a", "--leader=b", "-q", "x", "--quiet", "--overdue",
                  "--yellow-points", "1.5", "--stale", "3", "--all"]) == (
        "tasks", {"quiet": True, "show_all": True},
        {"leader": ["a", "b"], "search": ["x"], "overdue": True, "yellow_points": 1.5,
         "stale": 3})
    assert parse(["summary", "-q", "--by", "单位", "-f", "CSV"]) == (
        "summary", {"quiet": True}, {"by": "单位", "fmt": "csv"})
    assert parse(["leaders"]) is None and parse([]) is None
    assert parse(["summary", "--by", "unit", "--by", "goal"]) is None
    assert parse(["tasks", "--overdue=1"]) is None and parse(["tasks", "-s=done"]) is None


@pytest.mark.parametrize("command", sorted(__import__("taskduty.cli.lean",
                                                      fromlist=["COMMANDS"]).COMMANDS))
def test_the_lean_options_are_the_typer_commands_options(command: str) -> None:
    """Each option the lean parser reads is an option of the Typer command, with the same
    parameter behind it (a renamed or removed Typer option fails here, not in use)."""
    import typer.main

    from taskduty.cli import app, lean, load_commands

    load_commands()
    group = typer.main.get_command(app)
    cmd = group.get_command(None, command)  # type: ignore[attr-defined]
    assert cmd is not None
    typer_options = {opt: p.name for p in cmd.params if p.param_type_name == "option"
                     for opt in (*p.opts, *p.secondary_opts)}
    params = {p.name: p for p in cmd.params}
    hints = typing.get_type_hints(cmd.callback)
    assert lean.COMMANDS[command], command
    for option, key in lean.COMMANDS[command].items():
        assert option in typer_options, option
        assert typer_options[option] == key, (option, typer_options[option], key)
        # read as Typer reads it: repeatable, a flag, a number within Typer's bounds, a value
        kind, param, hint = lean.KINDS[command].get(key), params[key], hints[key]
        assert param.multiple == (kind == "list"), (option, kind)
        assert param.is_flag == (kind in ("flag", "switch")), (option, kind)
        assert bool(param.secondary_opts) == (kind == "switch"), (option, kind)
        types = {"list": list[str], "flag": bool, "switch": bool, "number": int, "count": int,
                 "decimal": float}.get(kind, str)
        assert types in (hint, *typing.get_args(hint)) or (
            kind in ("format", "path") and hint in (str, Path | None)), (option, hint)
        if kind in ("number", "count", "decimal"):
            least = 1 if kind == "count" else 0
            assert (param.min is None or param.min <= least) and param.max is None, option
    # every keyword the lean parser gives is a parameter of the function it calls
    runner = __import__(f"taskduty.cli.{lean.RUNNERS[command]}", fromlist=[command])
    signature = inspect.signature(getattr(runner, command))
    assert set(lean.COMMANDS[command].values()) <= set(signature.parameters)
    assert set(signature.parameters) - {"codes"} <= set(params)
    root = {opt: p.name for p in group.params for opt in p.opts}
    for option, key in {**lean.ROOT_VALUES, **lean.ROOT_FLAGS}.items():
        assert root.get(option) == key, (option, root.get(option), key)


@pytest.mark.parametrize("args", [
    ["tasks", "--year", "2018", "-f", "json", "--fields", "code,status"],
    ["summary", "--by", "unit", "-f", "json"], ["tasks", "-l", "陆秋明", "-f", "csv"]])
def test_a_plain_query_imports_neither_typer_nor_rich(args: list[str], read_db: Path,
                                                     tmp_path: Path) -> None:
    """The point of the lean path: a query written for a script starts without Typer (and
    without its command modules) or rich."""
    probe = LEAN.replace('sys.stderr.write("\\nTYPER %s" % ("typer" in sys.modules)); raise',
                         "pass") + \
        '\nsys.stderr.write("\\nMODULES " + json.dumps(sorted(sys.modules)))\n'
    env = {k: v for k, v in os.environ.items() if k != "TASKDUTY_DB"}
    env["TASKDUTY_DB"] = str(read_db)
    proc = subprocess.run([sys.executable, "-c", probe, json.dumps(args)], cwd=tmp_path,
                          env=env, capture_output=True, text=True, encoding="utf-8",
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout
    modules = set(json.loads(proc.stderr.rsplit("\nMODULES ", 1)[1]))
    assert not {m for m in modules if m.split(".")[0] in ("typer", "click", "rich", "pydantic")}
    assert {m for m in modules if m.startswith("taskduty.cli.")} == {
        "taskduty.cli.lean", "taskduty.cli.boundary", "taskduty.cli.views"}


@pytest.mark.parametrize("platform", ["linux", "darwin", "win32"])
@pytest.mark.parametrize("env", [{}, {"XDG_CONFIG_HOME": "/tmp/xdg"}, {"APPDATA": "C:/AppData"},
                                 {"XDG_CONFIG_HOME": ""}])
def test_the_app_folder_is_typers(platform: str, env: dict[str, str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """settings.app_dir (the settings file's and the default database's folder) is what
    Typer's get_app_dir gives, without importing Typer."""
    import typer

    from taskduty import settings

    for name in ("XDG_CONFIG_HOME", "APPDATA"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "platform", platform)
    utils = sys.modules[typer.get_app_dir.__module__]
    if hasattr(utils, "WIN"):
        monkeypatch.setattr(utils, "WIN", platform == "win32")
    assert settings.app_dir() == Path(typer.get_app_dir("taskduty"))
