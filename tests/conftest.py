"""Shared fixtures: a fresh database per test, the seed table, and a CLI runner.

Rich's width is fixed (COLUMNS) so table output is the same on every machine.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
SEED_TEXT = ROOT / "data" / "seed_2018.txt"
SEED_CSV = ROOT / "data" / "seed_table.csv"


@pytest.fixture(autouse=True)
def _fixed_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("LINES", "50")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.delenv("TASKDUTY_DEBUG", raising=False)


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A new, empty database for this test, also set as TASKDUTY_DB."""
    url = str(tmp_path / "taskduty.db")
    monkeypatch.setenv("TASKDUTY_DB", url)
    return url


@pytest.fixture
def run(db_url: str) -> Callable[..., object]:
    """Invoke the CLI in-process: ``run("tasks", "-f", "json")`` -> click Result."""
    from taskduty.cli import app

    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None):
        return runner.invoke(app, list(args), input=input,
                             env={"TASKDUTY_DB": db_url, **(env or {})})

    return invoke


@pytest.fixture
def seeded(run: Callable[..., object]) -> Callable[..., object]:
    """The CLI runner over a database with the 2018 seed table loaded."""
    result = run("load", str(SEED_TEXT), "--year", "2018", "--quiet")
    assert result.exit_code == 0, result.output
    return run


def pytest_report_header() -> str:
    pg = "set" if os.environ.get("TASKDUTY_TEST_PG_URL") else "unset"
    return f"taskduty tests; TASKDUTY_TEST_PG_URL={pg}"
