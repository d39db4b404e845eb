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


def _completed_names() -> dict[str, dict[str, str]]:
    """Each command's options whose values complete from the database, read off the Typer
    commands (the kind their ``complete_from`` callback reads)."""
    from typer.main import get_command

    from taskduty.cli.app import app

    def kind_of(param: object) -> str | None:
        todo = [getattr(param, "_custom_shell_complete", None)]
        while todo:
            f = todo.pop()
            if f is None:
                continue
            if hasattr(f, "kind"):
                return f.kind
            todo += [c.cell_contents for c in (getattr(f, "__closure__", None) or ())
                     if callable(c.cell_contents)]
        return None

    found: dict[str, dict[str, str]] = {}
    for name, command in get_command(app).commands.items():  # type: ignore[attr-defined]
        subs = command.commands.items() if hasattr(command, "commands") else [("", command)]
        for sub, each in subs:
            for param in each.params:
                kind = kind_of(param)
                if kind and param.param_type_name == "option":
                    found.setdefault(f"{name} {sub}".strip(), {}).update(
                        dict.fromkeys(param.opts, kind))
    return found


def test_the_lean_completion_knows_every_option_typer_completes_from_the_database():
    from taskduty.cli.lean import COMPLETIONS

    assert _completed_names() == COMPLETIONS


CASES = [
    "taskduty tasks --leader 陆", "taskduty tasks -l ", "taskduty tasks --leader=陆",
    "taskduty tasks --leader 无此人", "taskduty tasks --unit 区", "taskduty tasks -u 发改",
    "taskduty export --unit=区", "taskduty forms -u ", "taskduty tasks --year 20",
    "taskduty summary -y ", "taskduty tasks --goal 1", "taskduty tasks -s done --leader 陆",
    "taskduty tasks --search --leader 陆", "taskduty tasks --leader 陆 --unit 区",
    "taskduty --db x.db tasks --leader 陆", "taskduty tasks --db x.db --leader 陆",
    "taskduty tasks --leader -", "taskduty tasks --le", "taskduty ta", "taskduty update 2.",
    "taskduty tasks '--leader' 陆", "taskduty report --leader 陆", "taskduty tasks -- --leader 陆",
]


@pytest.mark.parametrize("words", CASES)
def test_the_lean_completion_answers_as_typer_does(seed_db, tmp_path, monkeypatch, words):
    """What the shell gets is the same whether the lean path answers (name option values,
    bash) or Typer does (everything else, for which the lean path gives None)."""
    parts = words.split(" ")
    env = {"_TASKDUTY_COMPLETE": "complete_bash", "COMP_WORDS": words,
           "COMP_CWORD": str(len(parts) - 1)}
    for name, value in {**env, "TASKDUTY_DB": str(seed_db)}.items():
        monkeypatch.setenv(name, value)
    from taskduty.cli import lean

    answer = lean.complete(env)
    lean_path = answer is not None
    assert lean_path == (words in LEAN_CASES)
    if not lean_path:
        return
    out = "\n".join(complete(words, seed_db, tmp_path)) + "\n"
    typer_said = subprocess.run(
        [sys.executable, "-c", "import sys; sys.argv = ['taskduty']; "
         "from taskduty.cli import complete; complete.register(); "
         "from taskduty.cli.app import app; app(prog_name='taskduty')"],
        env={**{k: v for k, v in os.environ.items() if not k.startswith("TASKDUTY_")},
             **env, "TASKDUTY_DB": str(seed_db), "TASKDUTY_LANG": "en"},
        cwd=tmp_path, capture_output=True, text=True, encoding="utf-8", timeout=120,
        check=False)
    assert typer_said.returncode == 0, typer_said.stderr
    assert answer == typer_said.stdout
    assert out.strip() == answer.strip()


LEAN_CASES = set(CASES[:12]) | {"taskduty tasks --leader 陆 --unit 区"}
