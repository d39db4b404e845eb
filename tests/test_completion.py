"""Shell completion through the shells' protocol (_TASKDUTY_COMPLETE): commands, options and
the names in the database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = "import sys; sys.argv = ['taskduty']; from taskduty.cli import main; main()"


def complete(words: str, db: Path, tmp_path: Path, shell: str = "bash") -> list[str]:
    """What the shell would offer for ``words`` (the last word is the one being typed)."""
    parts = words.split(" ")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TASKDUTY_")}
    env.update({"TASKDUTY_DB": str(db), "TASKDUTY_LANG": "en",
                "_TASKDUTY_COMPLETE": f"complete_{shell}", "COMP_WORDS": words,
                "COMP_CWORD": str(len(parts) - 1), "_TYPER_COMPLETE_ARGS": words})
    proc = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=tmp_path,
                          capture_output=True, text=True, encoding="utf-8", timeout=120,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    return [line.split(":")[0] if shell != "bash" else line
            for line in proc.stdout.splitlines() if line.strip()]


@pytest.fixture
def seed_db(seed_csv_db: Path) -> Path:
    """The seed table loaded (completion only reads it)."""
    return seed_csv_db


def test_a_leaders_name_completes_from_the_database(seed_db, tmp_path):
    assert complete("taskduty tasks --leader 陆", seed_db, tmp_path) == ["陆秋明"]
    assert "陆秋明" in complete("taskduty tasks -l ", seed_db, tmp_path)


def test_units_commands_and_choices(seed_db, tmp_path):
    found = complete("taskduty tasks --unit 发改", seed_db, tmp_path)
    assert found and all(u.startswith("发改") for u in found)
    assert complete("taskduty ta", seed_db, tmp_path) == ["tasks"]
    assert set(complete("taskduty tasks -f ", seed_db, tmp_path)) == {
        "table", "json", "jsonl", "csv", "tsv"}


def test_no_database_completes_nothing_quietly(tmp_path):
    assert complete("taskduty tasks --leader 陆", tmp_path / "none.db", tmp_path) == []


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_prints_each_shells_script(run, shell):
    result = run("completion", shell)
    assert result.exit_code == 0 and "_TASKDUTY_COMPLETE" in result.stdout
    assert run("completion", "tcsh").exit_code == 2


def test_years_goals_and_codes_complete_from_the_database(seed_db, tmp_path):
    assert complete("taskduty tasks --year 20", seed_db, tmp_path) == ["2018"]
    assert "12" in complete("taskduty tasks --goal 1", seed_db, tmp_path)
    found = complete("taskduty update 2.", seed_db, tmp_path)
    assert "2.3" in found and all(c.startswith("2.") for c in found)
    assert "5.3" in complete("taskduty extend 5.", seed_db, tmp_path)
