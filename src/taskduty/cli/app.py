"""The Typer application, the global ``--db`` option and the error boundary.

Library code raises :class:`~taskduty.errors.TaskdutyError`; only here does it become
``Error: …`` on stderr with exit code 1 (failure) or 2 (usage).
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from typing import Annotated, Any

import click
import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from taskduty import __version__
from taskduty.errors import TaskdutyError


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def print_error(message: str, hint: str | None = None) -> None:
    """``Error: …`` (and ``Hint: …``) on stderr, one line each."""
    sys.stderr.write(f"Error: {message}\n")
    if hint:
        sys.stderr.write(f"Hint: {hint}\n")


class TaskdutyGroup(TyperGroup):
    """Turns the project's exceptions into one-line errors and exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TaskdutyError as exc:
            print_error(exc.message, exc.hint)
            raise typer.Exit(exc.exit_code) from None
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException,
                typer.Exit, typer.Abort, TyperException):  # typer vendors its own click
            raise
        except KeyboardInterrupt:
            print_error("interrupted; nothing was written by the unfinished step")
            raise typer.Exit(130) from None
        except Exception as exc:  # the last line of defence: never a traceback
            if os.environ.get("TASKDUTY_DEBUG"):
                raise
            print_error(f"unexpected failure: {type(exc).__name__}: {exc}",
                        hint="rerun with TASKDUTY_DEBUG=1 for the details, and report it")
            raise typer.Exit(1) from None


CONTEXT = {"help_option_names": ["-h", "--help"]}

app = typer.Typer(
    cls=TaskdutyGroup,
    name="taskduty",
    help="Track the year's 《政府工作报告》目标任务责任分解表: load it, query it, record "
    "progress, report it.\n\nExample: taskduty load data/seed_table.csv --year 2018 && "
    "taskduty tasks --leader 陆秋明",
    context_settings=CONTEXT,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class State:
    """Options of the root command, shared by every subcommand."""

    db: str | None = None


state = State()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"taskduty {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    db: Annotated[str | None, typer.Option(
        "--db", envvar="TASKDUTY_DB", show_envvar=True,
        help="Database: a SQLite file path or a SQLAlchemy URL "
        "(postgresql+psycopg://user@host/db). Default: taskduty.db in the user's app folder.",
    )] = None,
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version and exit.",
    )] = False,
) -> None:
    """Track the year's 目标任务责任分解表 from the command line."""
    state.db = db


def get_db(fast_reads: bool = True) -> Any:
    """The database named by ``--db`` / ``TASKDUTY_DB`` / the default."""
    from taskduty.db import Database

    return Database(state.db, fast_reads=fast_reads)


FormatOption = Annotated[OutputFormat, typer.Option(
    "--format", "-f", help="Output: a table for people, json or csv for scripts.",
    case_sensitive=False)]
YearOption = Annotated[int | None, typer.Option(
    "--year", "-y", help="The table's year (default: the latest year loaded).")]
