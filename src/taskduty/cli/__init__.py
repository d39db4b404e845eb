"""The command line: a thin layer that parses options, calls one library function, renders."""

from __future__ import annotations

from taskduty.cli import admin, bulletin, dbcmd, load, query, report, status  # noqa: F401  (registers the commands)
from taskduty.cli.app import app


def main() -> None:
    """The ``taskduty`` console script."""
    app(prog_name="taskduty")
