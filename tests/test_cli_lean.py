"""``update`` and ``undo`` parsed without Typer (cli/lean.py) do what Typer's commands do:
the same stdout, stderr, exit code and database rows for the same command lines, and Typer
takes over every command line the lean parser does not read."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
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
        "withdrawn_at IS NULL FROM target_actual ORDER BY id")


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lean") / "seed.db"
    subprocess.run([sys.executable, "-m", "taskduty", "--db", str(path), "load", str(SEED_CSV),
                    "--year", "2018", "--quiet"], check=True, capture_output=True,
                   cwd=path.parent, timeout=120)
    return path


def run(probe: str, args: list[str], db: Path, cwd: Path) -> tuple[int, str, str, bool]:
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
        outcomes.append((code, out, err.replace(str(db), "DB"), rows(db)))
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
    ["--all", "undo"], ["update", "1.1", "-s", "done", "-p", "-5"],
]


@pytest.mark.parametrize("args", LEAN_LINES)
def test_plain_command_lines_run_without_typer_and_as_typer_does(
        args: list[str], seed_db: Path, tmp_path: Path) -> None:
    before = [["update", "1.1", "1.2", "-s", "in_progress", "-d", "2018-05-31"]] \
        if args[0] == "undo" else []
    used_typer, (_code, out, err, _rows) = both(args, seed_db, tmp_path, before)
    assert not used_typer, (args, err)
    assert out or err


@pytest.mark.parametrize("args", TYPER_LINES)
def test_other_command_lines_go_to_typer(args: list[str], seed_db: Path,
                                         tmp_path: Path) -> None:
    used_typer, _outcome = both(args, seed_db, tmp_path)
    assert used_typer, args


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
    assert parse(["tasks"]) is None and parse([]) is None


@pytest.mark.parametrize("command", sorted(__import__("taskduty.cli.lean",
                                                      fromlist=["COMMANDS"]).COMMANDS))
def test_the_lean_options_are_the_typer_commands_options(command: str) -> None:
    """Each option the lean parser reads is an option of the Typer command, with the same
    parameter behind it (a renamed or removed Typer option fails here, not in use)."""
    import typer.main

    from taskduty.cli import app, lean

    group = typer.main.get_command(app)
    cmd = group.get_command(None, command)  # type: ignore[attr-defined]
    assert cmd is not None
    typer_options = {opt: p.name for p in cmd.params if p.param_type_name == "option"
                     for opt in p.opts}
    assert lean.COMMANDS[command], command
    for option, key in lean.COMMANDS[command].items():
        assert option in typer_options, option
        assert typer_options[option] == key, (option, typer_options[option], key)
    root = {opt: p.name for p in group.params for opt in p.opts}
    for option, key in {**lean.ROOT_VALUES, **lean.ROOT_FLAGS}.items():
        assert root.get(option) == key, (option, root.get(option), key)
