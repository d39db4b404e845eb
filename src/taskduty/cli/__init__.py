"""The command line: a thin layer that parses options, calls one library function, renders.

Commands are registered lazily: a run imports only the module of the command it runs
(``COMMAND_MODULES`` in cli/app.py); ``--help`` and completion import them all.
"""

from __future__ import annotations

from taskduty.cli.app import app, load_commands, translate_docstrings

__all__ = ["app", "load_commands", "main", "translate_docstrings"]

COMPLETE_VAR = "_TASKDUTY_COMPLETE"  # = complete.COMPLETE_VAR


def main() -> None:
    """The ``taskduty`` console script."""
    import os

    if COMPLETE_VAR in os.environ:  # a shell asking for completions
        from taskduty.cli import complete

        complete.register()
    app(prog_name="taskduty")
