"""The command line: a thin layer that parses options, calls one library function, renders."""

from __future__ import annotations

from taskduty.cli import (  # noqa: F401  (registers the commands)
    admin,
    bulletin,
    complete,
    config,
    dbcmd,
    load,
    query,
    report,
    status,
)
from taskduty.cli.app import app, translate_docstrings

translate_docstrings(app)


def main() -> None:
    """The ``taskduty`` console script."""
    import os

    if complete.COMPLETE_VAR in os.environ:  # a shell asking for completions
        complete.register()
    app(prog_name="taskduty")
