"""Every failure has a real message: one ``Error:`` line (and a ``Hint:``), never
"unexpected failure"; a failing command on a new --db path creates nothing there."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest


def one_error(result, code: int = 1, *needles: str) -> None:
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("Error: ") and "unexpected" not in result.stderr, result.stderr
    assert len(lines) <= 2 and (len(lines) == 1 or lines[1].startswith("Hint: ")), lines
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in result.stderr, result.stderr


@pytest.mark.parametrize(("args", "code", "needle"), [
    (("withdraw", "123456789012345678901"), 1, "no update with id 123456789012345678901"),
    (("unload", "99999999999999999999"), 1, "no table loaded for 99999999999999999999"),
    (("remind", "--month", "0000-01"), 2, "is not a month"),
    (("tasks", "--month", "0000-12"), 2, "is not a month"),
    (("tasks", "-o", "{tmp}"), 2, "cannot write a table"),
    (("tasks", "-f", "csv", "-o", "{tmp}"), 1, "is a folder, not a file"),
])
def test_hostile_values_get_real_messages(seeded, tmp_path, args, code, needle):
    argv = [a.format(tmp=tmp_path) for a in args]
    one_error(seeded(*argv), code, needle)


def test_a_huge_stale_means_every_task(seeded):
    result = seeded("tasks", "--stale", "10000000", "-f", "json")
    assert result.exit_code == 0, result.output
    assert result.stdout.count('"code"') == 114


@pytest.mark.parametrize("args", [("tasks", "--bogus"), ("tasks", "-f", "xml"), ("--bogus",),
                                  ("load",), ("summary", "--by")])
def test_usage_errors_are_one_error_line_with_a_hint(seeded, args):
    result = seeded(*args)
    one_error(result, 2)
    assert "Hint: see the options and an example with: taskduty" in result.stderr
    assert "Usage:" not in result.output


@pytest.mark.sqlite_only
def test_a_schema_version_that_is_no_number(seeded, db_url):
    conn = sqlite3.connect(db_url)
    conn.execute("UPDATE meta SET value = 'abc' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    for args in (("tasks",), ("db", "status"), ("db", "upgrade"),
                 ("update", "1.1", "--status", "done")):
        one_error(seeded(*args), 1, "schema version 'abc', which is not a number")


@pytest.mark.sqlite_only
def test_a_failing_command_on_a_new_db_path_creates_nothing(run, tmp_path):
    new = tmp_path / "new" / "deeper" / "x.db"
    for args in (("update", "1.1", "--status", "done"), ("alias", "经开区", "常州经开区"),
                 ("tasks",), ("undo",), ("withdraw", "1"), ("db", "upgrade"),
                 ("load", str(tmp_path / "missing.csv"))):
        result = run("--db", str(new), *args)
        assert result.exit_code != 0, (args, result.output)
        assert not (tmp_path / "new").exists(), args


def test_a_disk_io_error_says_so():
    from taskduty.db import Database

    db = Database("/tmp/x.db")
    err = db.sqlite_error(sqlite3.OperationalError("disk I/O error"), "write to")
    assert "disk I/O error" in err.message and "another process" not in (err.hint or "")
    assert "disk" in err.hint
    full = db.sqlite_error(sqlite3.OperationalError("database or disk is full"))
    assert "disk is full" in full.hint
    locked = db.sqlite_error(sqlite3.OperationalError("database is locked"))
    assert "another taskduty" in locked.hint


def test_an_os_error_nobody_expected_is_one_line(seeded, monkeypatch):
    import errno

    from taskduty import queries

    def broken(*_a, **_k):
        raise OSError(errno.EIO, "Input/output error", "/media/usb/taskduty.db")

    # the table's path reads through iter_task_rows (render.table_tasks), the others' through
    # list_tasks
    monkeypatch.setattr(queries, "list_tasks", broken)
    monkeypatch.setattr(queries, "iter_task_rows", broken)
    one_error(seeded("tasks"), 1, "cannot read or write /media/usb/taskduty.db: disk I/O error")
    assert Path("/media/usb/taskduty.db").exists() is False


def test_an_unexpected_os_error_is_in_the_interface_language(seeded, monkeypatch):
    """The error boundary's own lines (an OS error no library code expected) are Chinese by
    default, like every other error."""
    import errno

    from taskduty import queries

    def broken(*_a, **_k):
        raise OSError(errno.EIO, "Input/output error", "/media/usb/taskduty.db")

    # the table's path reads through iter_task_rows (render.table_tasks), the others' through
    # list_tasks
    monkeypatch.setattr(queries, "list_tasks", broken)
    monkeypatch.setattr(queries, "iter_task_rows", broken)
    result = seeded("tasks", env={"TASKDUTY_LANG": "zh"})
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("错误：无法读写 /media/usb/taskduty.db："), lines
    assert lines[1] == "提示：请检查磁盘、路径及其权限，然后重试", lines
