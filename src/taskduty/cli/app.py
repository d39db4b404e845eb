"""The Typer application, the global ``--db`` option and the error boundary.

Library code raises :class:`~taskduty.errors.TaskdutyError`; only here does it become
``Error: …`` on stderr with exit code 1 (failure) or 2 (usage).
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from taskduty import __version__
from taskduty.errors import TaskdutyError


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def print_error(message: str, hint: str | None = None) -> None:
    """``Error: …`` (and ``Hint: …``) on stderr, one line each, with no trace of the
    database password."""
    from taskduty.db import scrub

    url = state.db or os.environ.get("TASKDUTY_DB")
    message = " ".join(scrub(str(message), url).split("\n"))
    sys.stderr.write(f"Error: {message}\n")
    if hint:
        sys.stderr.write(f"Hint: {' '.join(scrub(hint, url).splitlines())}\n")


# Exceptions that carry their own exit code and message: let them through. Typer may use
# click or a vendored copy of it, so the usage-error base class is found through Typer itself.
_CLICK_EXCEPTION = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")
_PASS_THROUGH = (typer.Exit, typer.Abort, _CLICK_EXCEPTION)
_CLICK_USAGE_ERROR = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")


def _show_usage_error(self: Any, file: Any = None) -> None:
    """A usage error (unknown option, bad choice, missing argument) as every other error:
    one ``Error:`` line and one ``Hint:`` line naming the command's help, exit 2."""
    message = " ".join(self.format_message().split())
    path = self.ctx.command_path if self.ctx is not None else "taskduty"
    hint = f"see the options and an example with: {path} -h"
    print_error(message, hint)


_CLICK_USAGE_ERROR.show = _show_usage_error


# The order `taskduty --help` lists commands in: the month's work, then administration.
COMMAND_ORDER = ("load", "convert", "tasks", "show", "leaders", "units", "goals", "years",
                 "update", "undo", "withdraw", "extend", "summary", "export", "forms",
                 "collect", "remind", "check", "alias", "unload", "db")


class TaskdutyGroup(TyperGroup):
    """Turns the project's exceptions into one-line errors and exit codes."""

    def list_commands(self, ctx: typer.Context) -> list[str]:
        names = super().list_commands(ctx)
        rank = {name: i for i, name in enumerate(COMMAND_ORDER)}
        return sorted(names, key=lambda n: (rank.get(n, len(rank)), n))

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_root_options(self, ctx, list(args)))

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TaskdutyError as exc:
            print_error(exc.message, exc.hint)
            raise typer.Exit(exc.exit_code) from None
        except _PASS_THROUGH:
            raise
        except KeyboardInterrupt:
            print_error("interrupted; nothing was written by the unfinished step")
            raise typer.Exit(130) from None
        except BrokenPipeError:
            # The reader (e.g. `| head -1`) went away: stop quietly with 0, as `tasks` does.
            from taskduty.render import stop_quietly

            stop_quietly()
        except OSError as exc:  # a file or disk failure no library code expected
            if os.environ.get("TASKDUTY_DEBUG"):
                raise
            from taskduty.safeio import os_reason

            where = f" {exc.filename}" if getattr(exc, "filename", None) else ""
            print_error(f"cannot read or write{where}: {os_reason(exc)}",
                        hint="check the disk, the path and its permissions, then try again")
            raise typer.Exit(1) from None
        except (OverflowError, RecursionError) as exc:
            if os.environ.get("TASKDUTY_DEBUG"):
                raise
            print_error(f"a value is out of range ({exc})",
                        hint="check the numbers, dates and sizes given")
            raise typer.Exit(1) from None
        except Exception as exc:  # the last line of defence: never a traceback
            if os.environ.get("TASKDUTY_DEBUG"):
                raise
            print_error(f"unexpected failure: {type(exc).__name__}: {exc}",
                        hint="rerun with TASKDUTY_DEBUG=1 for the details, and report it")
            raise typer.Exit(1) from None


# Root options people also write after the command name (`taskduty tasks --db x.db`):
# option -> whether it takes a value. -q/--quiet moves only where the command has no
# option of that name itself (`tasks -q` is --search, `load --quiet` its own).
ROOT_OPTIONS = {"--db": True, "--quiet": False, "-q": False, "--raw-csv": False,
                "--max-cells": True}


def _command_options(command: Any) -> set[str]:
    names: set[str] = set()
    for param in getattr(command, "params", []):
        names.update(getattr(param, "opts", []))
        names.update(getattr(param, "secondary_opts", []))
    for sub in getattr(command, "commands", {}).values():
        names |= _command_options(sub)
    return names


def hoist_root_options(group: Any, ctx: Any, args: list[str]) -> list[str]:
    """``args`` with root options given after the command name moved before it."""
    i = 0
    while i < len(args) and args[i].startswith("-"):  # root options before the command
        i += 2 if ROOT_OPTIONS.get(args[i].split("=", 1)[0]) and "=" not in args[i] else 1
    if i >= len(args):
        return args
    command = group.get_command(ctx, args[i])
    if command is None:
        return args
    own = _command_options(command)
    head, tail, moved = args[:i + 1], args[i + 1:], []
    kept: list[str] = []
    j = 0
    while j < len(tail):
        arg = tail[j]
        if arg == "--":
            kept += tail[j:]
            break
        name = arg.split("=", 1)[0]
        if name in ROOT_OPTIONS and name not in own:
            takes = ROOT_OPTIONS[name] and "=" not in arg
            moved += tail[j:j + 2] if takes else [arg]
            j += 2 if takes else 1
            continue
        kept.append(arg)
        j += 1
    return moved + head + kept if moved else args


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
    # Plain click help: rich help formatting imports rich, markdown-it and pygments, which
    # doubles the time of `taskduty --help` (bench/run.py measures it).
    rich_markup_mode=None,
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
    max_cells: Annotated[int | None, typer.Option(
        "--max-cells", envvar="TASKDUTY_MAX_CELLS", show_envvar=True, min=1,
        help="Refuse workbooks and documents with more cells than this (default 2,000,000; "
        "rows and uncompressed size limits rise with it).",
    )] = None,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="No report on stderr (errors still show); data on stdout only.",
    )] = False,
    raw_csv: Annotated[bool, typer.Option(
        "--raw-csv", envvar="TASKDUTY_RAW_CSV", show_envvar=True,
        help="Write CSV cells exactly as stored: do not prefix ' to a cell starting with "
        "= + - @ TAB or CR (which a spreadsheet would run as a formula).",
    )] = False,
) -> None:
    """Track the year's 目标任务责任分解表 from the command line."""
    from taskduty import csvsafe, limits, render

    state.db = db
    render.settings.quiet = quiet
    csvsafe.settings.raw = raw_csv
    limits.settings.max_cells = max_cells


def get_db(fast_reads: bool = True) -> Any:
    """The database named by ``--db`` / ``TASKDUTY_DB`` / the default."""
    from taskduty.db import Database

    return Database(state.db, fast_reads=fast_reads)


def _lean_coercion() -> None:
    """Coerce plain option values without pydantic.

    Typer (0.2x) coerces each parameter through a pydantic ``TypeAdapter``, so every command
    imports pydantic (~60 ms, a third of a query's wall time). For the values a terminal
    gives most often (``str``, ``list[str]``, an integer, an enum choice) the result is
    plain, so it is computed here; anything else, and any value that would fail, goes to
    Typer's own coercion (built lazily), so behaviour and error messages are unchanged.
    Skipped silently when Typer's internals differ.
    """
    import re
    from dataclasses import dataclass, field
    from enum import Enum

    try:
        from typer import _coercion, core
        from typer._param_types import coerce_cli_choice
        from typer._typing import get_args, get_origin

        original = core.build_runtime_param
        base = _coercion.RuntimeParam
    except (ImportError, AttributeError):
        return

    integer = re.compile(r"[+-]?\d+")

    def leaf(annotation: Any, info: Any, value: Any, ctx: Any) -> Any:
        if annotation is str and isinstance(value, str):
            return value
        if annotation is int and not info.clamp and (
                type(value) is int or (isinstance(value, str) and integer.fullmatch(value))):
            number = int(value)
            if (info.min is None or number >= info.min) and (info.max is None
                                                            or number <= info.max):
                return number
            return _SLOW
        if isinstance(annotation, type) and issubclass(annotation, Enum):
            try:
                return coerce_cli_choice(value, choices=list(annotation),
                                         case_sensitive=info.case_sensitive, ctx=ctx)
            except ValueError:
                return _SLOW
        return _SLOW

    @dataclass(frozen=True)
    class LeanRuntimeParam(base):  # type: ignore[misc,valid-type]
        descriptor: Any = None
        slow: list[Any] = field(default_factory=list)  # Typer's RuntimeParam, once built

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            annotation, info = self.annotation, self.parameter_info
            if info.parser is None:
                if get_origin(annotation) is list and isinstance(value, (list, tuple)):
                    (item,) = get_args(annotation) or (None,)
                    items = [leaf(item, info, v, ctx) for v in value]
                    if all(i is not _SLOW for i in items):
                        return items
                else:
                    result = leaf(annotation, info, value, ctx)
                    if result is not _SLOW:
                        return result
            if not self.slow:
                self.slow.append(original(self.descriptor))
            return self.slow[0]._coerce_value(value, param=param, ctx=ctx)

    def build(descriptor: Any) -> Any:
        if descriptor.file_annotation is not None:
            return original(descriptor)
        return LeanRuntimeParam(parameter_info=descriptor.parameter_info,
                                annotation=descriptor.annotation, descriptor=descriptor)

    core.build_runtime_param = build


_SLOW = object()
_lean_coercion()


FormatOption = Annotated[OutputFormat, typer.Option(
    "--format", "-f", help="Output: a table for people, json or csv for scripts.",
    case_sensitive=False)]
YearOption = Annotated[int | None, typer.Option(
    "--year", "-y",
    help="The table's year (default: the year of --month/--as-of/--date when that year "
    "is loaded, else the latest).")]
