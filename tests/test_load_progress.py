"""The load progress bar (stderr, transient, terminals only) and the one-transaction rule of
``load --replace``."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any

import pytest

from taskduty import render

TABLE = "目标名称,工作标准,分管领导,牵头单位\n民生,任务一,甲,甲局\n民生,任务二,乙,乙局\n"


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_progress_bar_when_stderr_is_not_a_terminal(
        monkeypatch: pytest.MonkeyPatch) -> None:
    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    with render.progress(2, delay=0) as step:
        step("reading")
        time.sleep(0.05)
        step("storing")
    assert err.getvalue() == ""


def test_progress_bar_on_a_terminal_after_the_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    err = FakeTerminal()
    monkeypatch.setattr("sys.stderr", err)
    monkeypatch.setenv("TERM", "xterm")
    with render.progress(2, delay=0) as step:
        step("reading plan.xlsx")
        time.sleep(0.3)
        step("storing 2 tasks")
        time.sleep(0.3)
    assert "storing 2 tasks" in err.getvalue() or "reading plan.xlsx" in err.getvalue()


def test_no_progress_bar_for_a_quick_load(monkeypatch: pytest.MonkeyPatch) -> None:
    err = FakeTerminal()
    monkeypatch.setattr("sys.stderr", err)
    with render.progress(2, delay=5) as step:
        step("reading")
        step("storing")
    assert "reading" not in err.getvalue() and "storing" not in err.getvalue()


def test_failed_replace_writes_nothing(run: Any, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    first = tmp_path / "v1.csv"
    first.write_text(TABLE, encoding="utf-8")
    assert run("load", str(first), "--year", "2020", "-q").exit_code == 0
    assert run("update", "1.1", "--status", "in_progress", "--year", "2020").exit_code == 0
    second = tmp_path / "v2.csv"
    second.write_text(TABLE.replace("任务一", "新任务") + "民生,任务三,丙,丙局\n",
                      encoding="utf-8")
    before = run("tasks", "--year", "2020", "-f", "json").stdout

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("disk full")

    with monkeypatch.context() as patch:  # fails after tasks were updated and inserted
        patch.setattr("taskduty.store.insert_notes", broken)
        failed = run("load", str(second), "--year", "2020", "--replace")
    assert failed.exit_code == 1 and "disk full" in failed.stderr
    assert run("tasks", "--year", "2020", "-f", "json").stdout == before
    done = run("load", str(second), "--year", "2020", "--replace", "-f", "json")
    assert done.exit_code == 0, done.output
    counts = json.loads(done.stdout)["change_counts"]
    assert (counts["added"], counts["changed"], counts["removed"]) == (1, 1, 0)
    task = json.loads(run("show", "1.1", "--year", "2020", "-f", "json").stdout)
    assert task["standard"] == "新任务" and len(task["history"]) == 1


def test_counted_steps_show_done_of_total(monkeypatch: pytest.MonkeyPatch) -> None:
    err = FakeTerminal()
    monkeypatch.setattr("sys.stderr", err)
    monkeypatch.setenv("TERM", "xterm")
    with render.progress(delay=0) as step:
        time.sleep(0.2)
        step("writing forms: 发改局", 3, 7)
        time.sleep(0.3)
    assert "3/7" in err.getvalue()


def test_one_progress_bar_for_every_command() -> None:
    """Only render.py builds a rich progress bar (load and forms use render.progress)."""
    import ast

    from conftest import ROOT
    from helpers import parsed

    users = []
    for path in sorted((ROOT / "src" / "taskduty").rglob("*.py")):
        for node in ast.walk(parsed(path)):
            if isinstance(node, ast.ImportFrom) and node.module == "rich.progress":
                users.append(path.name)
    assert users == ["render.py"]
