"""Shell completion: ``taskduty completion SHELL`` prints the script; names come from the
database (leaders, units, goals, task codes, years) for the options that take them.

The shell asks through click's protocol (``_TASKDUTY_COMPLETE=bash_complete`` …); the
completion classes are registered only then (:func:`taskduty.cli.main`), so ordinary
commands pay nothing for them. The names themselves come from :mod:`taskduty.cli.names`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from taskduty.cli.app import app
from taskduty.i18n import _

COMPLETE_VAR = "_TASKDUTY_COMPLETE"
SHELLS = ("bash", "zsh", "fish")


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
