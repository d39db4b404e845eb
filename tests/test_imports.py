"""Import hygiene: a command loads only the modules it needs, so a query in a terminal starts
fast. Each check runs the real console entry point in a fresh interpreter and then reads
``sys.modules``."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import json, sys
sys.argv = ["taskduty", *json.loads(sys.argv[1])]
from taskduty.cli import main
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code or 0
sys.stdout.flush()
sys.stderr.write("\\nMODULES " + json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""

HEAVY = ("openpyxl", "docx", "sqlmodel", "sqlalchemy")


def imported(args: list[str], tmp_path: Path, db: Path | None = None,
             full: bool = False) -> set[str]:
    """Top-level packages (every module with ``full``) imported by ``taskduty ARGS``; the
    command must succeed."""
    env = {k: v for k, v in os.environ.items() if k != "TASKDUTY_DB"}
    env["TASKDUTY_DB"] = str(db or tmp_path / "none.db")
    # cwd is a fresh folder so no stray module in the working directory is picked up
    proc = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args)], cwd=tmp_path,
                          env=env, capture_output=True, text=True, encoding="utf-8",
                          check=False, timeout=120)
    report = json.loads(proc.stderr.rsplit("MODULES ", 1)[1])
    assert report["code"] == 0, proc.stderr
    return set(report["modules"]) if full else {m.split(".")[0] for m in report["modules"]}


@pytest.fixture
def seed_db(seed_csv_db: Path) -> Path:
    """The seed table loaded (read only: a test that writes copies it first)."""
    return seed_csv_db


def busiest(db: Path, kind: str) -> str:
    link = "task_leader" if kind == "leader" else "task_unit"
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            f"SELECT n.name FROM {link} k JOIN {kind} n ON n.id = k.{kind}_id "
            "GROUP BY n.name ORDER BY COUNT(*) DESC, n.name LIMIT 1").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["tasks", "--help"]])
def test_help_and_version_stay_light(tmp_path: Path, args: list[str]) -> None:
    modules = imported(args, tmp_path)
    assert "typer" in modules  # the probe really ran the CLI
    # rich and pydantic too: plain click help, and no value to coerce
    assert not modules & {*HEAVY, "rich", "pydantic"}


def test_every_command_help_stays_light(tmp_path: Path) -> None:
    from typer.main import get_command

    from taskduty.cli import app

    for name in get_command(app).commands:  # type: ignore[attr-defined]
        modules = imported([name, "--help"], tmp_path)
        assert not modules & set(HEAVY), f"taskduty {name} --help imports {modules & set(HEAVY)}"


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_tasks_on_sqlite_skips_the_orm(tmp_path: Path, seed_db: Path, fmt: str) -> None:
    args = ["tasks", "--leader", busiest(seed_db, "leader"), "-f", fmt]
    modules = imported(args, tmp_path, seed_db)
    assert not modules & set(HEAVY)
    # plain option values are coerced without pydantic (cli/app.py)
    assert "pydantic" not in modules
    if fmt != "table":
        assert "rich" not in modules


@pytest.mark.parametrize("command", [["summary", "--by", "unit"], ["leaders"], ["goals"],
                                     ["show", "1.1"], ["years"]])
def test_other_queries_on_sqlite_skip_the_orm(tmp_path: Path, seed_db: Path,
                                               command: list[str]) -> None:
    assert not imported([*command, "-f", "json"], tmp_path, seed_db) & set(HEAVY)


def test_update_and_undo_on_sqlite_skip_the_orm(tmp_path: Path, seed_db: Path) -> None:
    """The recording commands write through sqlite3 (taskduty.writer): no ORM start-up, and
    no rich."""
    db = tmp_path / "copy.db"
    shutil.copyfile(seed_db, db)
    for args in (["update", "1.1", "--status", "in_progress", "--progress", "40", "--note", "一"],
                 ["update", "1.1", "1.2", "-s", "done", "-d", "2018-06-30", "-f", "json"],
                 ["update", "1.1", "-s", "behind", "-d", "2018-07-31"],  # reopens 1.1
                 ["undo"], ["withdraw", "1"]):
        modules = imported(args, tmp_path, db, full=True)
        heavy = {m for m in modules if m.split(".")[0] in HEAVY}
        assert not heavy, f"taskduty {' '.join(args)}: {heavy}"
        # their messages are plain text, written without rich (render.plain_message)
        assert "rich" not in {m.split(".")[0] for m in modules}, args
        # a plain update or undo is parsed without Typer (cli/lean.py); withdraw imports only
        # the recording commands' module (cli/app.py COMMAND_MODULES)
        others = {m for m in modules if m.startswith(("taskduty.sources", "taskduty.cli.",
                                                      "taskduty.clauses",
                                                      "rich.table"))}
        if args[0] == "withdraw":
            assert others == {"taskduty.cli.lean", "taskduty.cli.boundary", "taskduty.cli.app",
                              "taskduty.cli.status"}, others
        else:
            assert others == {"taskduty.cli.lean", "taskduty.cli.boundary",
                              "taskduty.cli.record"}, others
            assert "typer" not in {m.split(".")[0] for m in modules}, args
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT id, status, withdrawn_at IS NOT NULL FROM task_update "
                            "ORDER BY id").fetchall()
    finally:
        conn.close()
    assert rows == [(1, "in_progress", 1), (2, "done", 0), (3, "done", 0), (4, "behind", 1)]


def test_load_on_sqlite_skips_typer_and_the_orm(tmp_path: Path) -> None:
    """A plain load into a new SQLite file (the schema from pinned DDL), then another year
    into it and the same table again: parsed without Typer (cli/lean.py), written through
    sqlite3 (taskduty.writer), no pydantic, no rich."""
    from conftest import SEED_CSV

    db = tmp_path / "new" / "t.db"
    for args in (["load", str(SEED_CSV), "-y", "2018"], ["load", str(SEED_CSV), "-y", "2019", "-q"],
                 ["load", str(SEED_CSV), "-y", "2019", "-f", "json"]):
        modules = imported(args, tmp_path, db, full=True)
        tops = {m.split(".")[0] for m in modules}
        assert not tops & {*HEAVY, "typer", "pydantic", "rich"}, (args, tops)
        assert {m for m in modules if m.startswith("taskduty.cli.")} == {
            "taskduty.cli.lean", "taskduty.cli.boundary", "taskduty.cli.loading"}, args
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT year FROM plan ORDER BY year").fetchall() == [(2018,), (2019,)]
    finally:
        conn.close()


def test_a_command_imports_only_its_own_module(tmp_path: Path, seed_db: Path) -> None:
    """Commands register lazily: ``years`` loads cli/query.py (and cli/views.py, its option
    parsers) and none of the others, while ``--help`` (which lists every command) loads them
    all."""
    modules = imported(["years", "-f", "json"], tmp_path, seed_db, full=True)
    assert {m for m in modules if m.startswith("taskduty.cli.")} == {
        "taskduty.cli.lean", "taskduty.cli.boundary", "taskduty.cli.app", "taskduty.cli.query",
        "taskduty.cli.views"}
    assert not {m for m in modules if m.startswith("taskduty.sources")}
    modules = imported(["--help"], tmp_path, full=True)
    assert {"taskduty.cli.load", "taskduty.cli.report", "taskduty.cli.bulletin",
            "taskduty.cli.complete", "taskduty.cli.dbcmd"} <= modules


def test_nothing_imports_click() -> None:
    """Typer vendors its own click, so a fresh install has no ``click`` package."""
    import re

    src = Path(__file__).resolve().parents[1] / "src" / "taskduty"
    offenders = [str(p.relative_to(src)) for p in src.rglob("*.py")
                 if re.search(r"^\s*(import click|from click\b)", p.read_text(encoding="utf-8"),
                              re.M)]
    assert offenders == []


def test_a_path_argument_is_coerced_without_pydantic(tmp_path: Path, seed_db: Path) -> None:
    """``forms OUTDIR`` (a Path) is coerced as pydantic would (Path(text)), without it."""
    from pydantic import TypeAdapter

    for text in ("out", "out/2018-03", "/tmp/x y/表", "~/forms", "a/../b", "./c/"):
        assert TypeAdapter(Path).validate_python(text) == Path(text), text
    modules = imported(["forms", str(tmp_path / "out"), "--month", "2018-03"], tmp_path,
                       seed_db)
    assert "pydantic" not in modules
