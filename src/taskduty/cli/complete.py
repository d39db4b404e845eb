"""Shell completion: ``taskduty completion SHELL`` prints the script; names come from the
database (leaders, units, goals, task codes, years) for the options that take them.

The shell asks through click's protocol (``_TASKDUTY_COMPLETE=bash_complete`` …); the
completion classes are registered only then (:func:`taskduty.cli.main`), so ordinary
commands pay nothing for them.
"""

from __future__ import annotations

from typing import Annotated

import typer

from taskduty.cli.app import app
from taskduty.i18n import _

COMPLETE_VAR = "_TASKDUTY_COMPLETE"
SHELLS = ("bash", "zsh", "fish")


def _ask(sql: str) -> list[str]:
    """One column of text from the database; nothing (never an error) when there is none."""
    try:
        from taskduty.cli.app import get_db

        with get_db().read() as reader:
            return [str(next(iter(r.values()))) for r in reader.all(sql)]
    except Exception:  # completion must never print a trace into the user's prompt
        return []


def _matching(values: list[str], incomplete: str) -> list[str]:
    return sorted({v for v in values if v.startswith(incomplete)})


def leaders(incomplete: str) -> list[str]:
    return _matching(_ask("SELECT name FROM leader"), incomplete)


def units(incomplete: str) -> list[str]:
    return _matching(_ask("SELECT name FROM unit"), incomplete)


def years(incomplete: str) -> list[str]:
    return _matching(_ask("SELECT year FROM plan"), incomplete)


def goals(incomplete: str) -> list[str]:
    return _matching(_ask("SELECT g.goal_no FROM goal g JOIN plan p ON p.id = g.plan_id "
                          "WHERE p.year = (SELECT MAX(year) FROM plan)"), incomplete)


def codes(incomplete: str) -> list[str]:
    return _matching(_ask("SELECT t.code FROM task t JOIN plan p ON p.id = t.plan_id "
                          "WHERE p.year = (SELECT MAX(year) FROM plan)"), incomplete)


def register() -> None:
    """Make the shells' completion protocol answer (called only when a shell asks)."""
    from typer._completion_classes import completion_init

    completion_init()


@app.command()
def completion(
    shell: Annotated[str, typer.Argument(
        metavar="SHELL", help=_("bash, zsh or fish."), autocompletion=lambda: list(SHELLS))],
) -> None:
    """Print the shell completion script for bash, zsh or fish.

    Install (bash): echo 'eval "$(taskduty completion bash)"' >> ~/.bashrc

    Example: taskduty completion zsh > ~/.zfunc/_taskduty
    """
    from taskduty.errors import UsageError

    key = shell.strip().lower()
    if key not in SHELLS:
        raise UsageError(_("{value!r} is not one of {choices}").format(
            value=shell, choices=", ".join(SHELLS)))
    register()
    from typer._completion_shared import get_completion_script

    typer.echo(get_completion_script(prog_name="taskduty", complete_var=COMPLETE_VAR,
                                     shell=key), nl=False)
