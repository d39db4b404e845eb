"""Several processes writing one database at once, on SQLite and PostgreSQL.

Each worker is a real OS process. To keep the suite quick, a worker runs the ``taskduty``
command line (``taskduty.cli.main``, exactly what the console script runs) once per update
in-process: every run opens the database afresh and writes in its own transaction, as
separate ``taskduty update`` invocations would; only the interpreter start-up is shared.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import SEED_CSV

WORKERS = 4
UPDATES_EACH = 25

# argv: label, count, then the taskduty arguments with {i} replaced by the run's number.
# Prints one JSON line: how many runs exited 0 and the stderr of those that did not.
WORKER = textwrap.dedent("""
    import contextlib, functools, io, json, sys
    import typer.main
    from taskduty.cli import main
    # The click command built once per process, as in one `taskduty` run (not once per run).
    typer.main.get_command = functools.lru_cache(maxsize=None)(typer.main.get_command)
    label, count, args = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    ok, errors = 0, []
    for i in range(count):
        sys.argv = ["taskduty"] + [a.replace("{i}", f"{label}-{i}") for a in args]
        err = io.StringIO()
        code = 0
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            try:
                main()
            except SystemExit as exc:
                code = exc.code or 0
        if code == 0:
            ok += 1
        else:
            errors.append(err.getvalue())
    print(json.dumps({"ok": ok, "errors": errors}))
""")


def start_worker(db_url: str, label: str, count: int, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "TASKDUTY_DB": db_url, "LOGNAME": f"worker{label}",
           "USER": f"worker{label}"}
    return subprocess.Popen([sys.executable, "-c", WORKER, label, str(count), *args],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(proc: subprocess.Popen[str], timeout: float = 240) -> dict:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err
    assert "Traceback" not in err, err
    return json.loads(out.strip().splitlines()[-1])


def history(run, code: str, *args: str) -> list[dict]:
    result = run("show", code, "-f", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["history"]


def test_four_processes_record_exactly_one_hundred_updates(seeded, db_url):
    procs = [start_worker(db_url, str(w), UPDATES_EACH, "update", "1.1", "--status",
                          "in_progress", "--note", "n{i}")
             for w in range(WORKERS)]
    results = [finish(p) for p in procs]
    assert [r["errors"] for r in results] == [[]] * WORKERS
    assert sum(r["ok"] for r in results) == WORKERS * UPDATES_EACH
    notes = [h["note"] for h in history(seeded, "1.1")]
    assert len(notes) == WORKERS * UPDATES_EACH
    assert sorted(notes) == sorted(f"n{w}-{i}" for w in range(WORKERS)
                                   for i in range(UPDATES_EACH))
    # Each call was its own batch, by its own worker's login name.
    undone = seeded("undo", env={"LOGNAME": "worker0", "USER": "worker0"})
    assert undone.exit_code == 0, undone.output
    assert len(history(seeded, "1.1")) == WORKERS * UPDATES_EACH - 1


def big_table(path: Path, copies: int) -> int:
    """The seed's rows repeated under ``copies`` goal numbers: a table that loads slowly."""
    lines = SEED_CSV.read_text(encoding="utf-8-sig").splitlines()
    header, rows = lines[0], lines[1:]
    goals = max(int(r.split(",", 1)[0]) for r in rows)
    out = [header]
    for c in range(copies):
        for r in rows:
            no, rest = r.split(",", 1)
            out.append(f"{int(no) + c * goals},{rest}")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return len(rows) * copies


def years(run) -> dict[int, int]:
    result = run("years", "-f", "json")
    assert result.exit_code == 0, result.output
    return {r["year"]: r["tasks"] for r in json.loads(result.stdout)}


def test_a_load_and_updates_at_the_same_time(seeded, db_url, tmp_path):
    """Updates during a long load wait for it (or fail with a one-line error); readers see
    the new year whole or not at all; nothing is half-written."""
    table = tmp_path / "big.csv"
    expected = big_table(table, copies=20)
    loader = subprocess.Popen(
        [sys.executable, "-m", "taskduty", "--db", db_url, "load", str(table), "--year",
         "2019", "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    updater = start_worker(db_url, "u", 10, "update", "1.2", "--year", "2018",
                           "--status", "behind", "--note", "late {i}")
    seen: set[int | None] = set()
    while loader.poll() is None:
        seen.add(years(seeded).get(2019))
        time.sleep(0.05)
    _out, err = loader.communicate()
    assert loader.returncode == 0, err
    assert "Traceback" not in err
    result = finish(updater)
    seen.add(years(seeded).get(2019))
    # A reader saw the 2019 table absent or complete, never partly loaded.
    assert seen <= {None, expected}
    assert years(seeded) == {2018: 114, 2019: expected}
    notes = [h["note"] for h in history(seeded, "1.2", "--year", "2018")]
    assert len(notes) == result["ok"], (notes, result)
    for message in result["errors"]:  # a failure is a clear one-line error, never a traceback
        assert message.startswith("Error: ") and "Traceback" not in message
    assert result["ok"] >= 1


def short_busy_timeout(monkeypatch: pytest.MonkeyPatch, ms: int) -> None:
    """Make every SQLite connection give up waiting for a lock after ``ms`` (instead of a
    minute): db.py holds the one timeout, which both write paths read when they connect."""
    from taskduty import db as dbmod

    monkeypatch.setattr(dbmod, "SQLITE_BUSY_TIMEOUT_MS", ms)
    assert f"busy_timeout={ms}" in dbmod.sqlite_pragmas()


@pytest.mark.sqlite_only
def test_a_locked_sqlite_file_gives_a_clear_error(seeded, db_url, monkeypatch):
    """A writer that cannot get the lock in time fails with one line, writing nothing."""
    import sqlite3

    holder = sqlite3.connect(db_url, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        short_busy_timeout(monkeypatch, 200)
        result = seeded("update", "1.1", "--status", "done")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    assert "locked" in result.stderr
    assert "Traceback" not in result.output
    assert history(seeded, "1.1") == []
