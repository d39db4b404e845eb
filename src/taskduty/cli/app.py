"""The Typer application, the global ``--db`` option and the error boundary.

Library code raises :class:`~taskduty.errors.TaskdutyError`; only at the boundary (here, and
in cli/lean.py for the recording commands it parses itself; both through cli/boundary.py)
does it become ``Error: …`` on stderr with exit code 1 (failure) or 2 (usage).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from taskduty import __version__, settings
from taskduty.cli.boundary import (  # noqa: F401 (CHOICE_WORDS, get_db: for cli/ modules)
    CHOICE_WORDS,
    choose,
    failure,
    get_db,
    print_error,
    setup,
)
from taskduty.i18n import _

LISTING_FORMATS = ("table", "json", "jsonl", "csv", "tsv")  # = render.LISTING_FORMATS
REPORT_FORMATS = ("table", "json")


# Exceptions that carry their own exit code and message: let them through. Typer may use
# click or a vendored copy of it, so the usage-error base class is found through Typer itself.
_CLICK_EXCEPTION = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")
_PASS_THROUGH = (typer.Exit, typer.Abort, _CLICK_EXCEPTION)
_CLICK_USAGE_ERROR = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")


def _show_usage_error(self: Any, file: Any = None) -> None:
    """A usage error (unknown option, bad choice, missing argument) as every other error:
    one ``Error:`` line and one ``Hint:`` line naming the command's help, exit 2."""
    from taskduty.cli import usage

    message = usage.localise(" ".join(self.format_message().split()))
    path = getattr(self, "command_path", None) or (
        self.ctx.command_path if self.ctx is not None else "taskduty")
    print_error(message, usage.hint(path))


_CLICK_USAGE_ERROR.show = _show_usage_error


# The order `taskduty --help` lists commands in: the month's work, then administration.
COMMAND_ORDER = ("load", "convert", "tasks", "show", "leaders", "units", "goals", "years",
                 "update", "undo", "withdraw", "extend", "summary", "export", "forms",
                 "collect", "remind", "check", "alias", "unload", "db", "config", "completion")


# Each command -> the module of taskduty.cli that defines it. A run imports only the module
# of the command it runs (pip's model), so `taskduty update` never pays for the loaders,
# the reports or openpyxl; `--help` and completion, which list every command, import all.
COMMAND_MODULES = {
    "load": "load", "convert": "load",
    "tasks": "query", "show": "query", "leaders": "query", "units": "query", "goals": "query",
    "years": "query", "summary": "query",
    "update": "status", "undo": "status", "withdraw": "status", "extend": "status",
    "export": "report", "forms": "report", "collect": "report", "remind": "report",
    "check": "admin", "alias": "admin", "unload": "admin",
    "db": "dbcmd", "config": "config", "completion": "complete", "bulletin": "bulletin",
}


def load_commands(*names: str) -> None:
    """Import the modules defining the commands ``names`` (every command when none)."""
    import importlib

    for module in sorted({COMMAND_MODULES[n] for n in names or COMMAND_MODULES
                          if n in COMMAND_MODULES}):
        importlib.import_module(f"taskduty.cli.{module}")
    translate_docstrings(app)


class TaskdutyGroup(TyperGroup):
    """Turns the project's exceptions into one-line errors and exit codes; the root group
    imports a command's module on its first lookup (:data:`COMMAND_MODULES`)."""

    def _add_registered(self, only: str | None = None) -> None:
        """Add the commands registered on :data:`app` since this group was built (only the
        command ``only`` when given: building one reads its callback's signature and type
        hints, so a run builds just the command it runs, not the others of its module)."""
        from typer.main import get_command_from_info, get_command_name, get_group_from_info

        translate_docstrings(app)
        for info in app.registered_commands:
            name = info.name or get_command_name(info.callback.__name__)  # type: ignore[union-attr]
            if name not in self.commands and only in (None, name):
                self.add_command(get_command_from_info(
                    info, pretty_exceptions_short=app.pretty_exceptions_short,
                    rich_markup_mode=app.rich_markup_mode), name)
        for group in app.registered_groups:
            if group.name not in self.commands and only in (None, group.name):
                self.add_command(get_group_from_info(
                    group, pretty_exceptions_short=app.pretty_exceptions_short,
                    suggest_commands=app.suggest_commands,
                    rich_markup_mode=app.rich_markup_mode), group.name)

    def get_command(self, ctx: typer.Context, cmd_name: str) -> Any:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES \
                and ctx.parent is None:
            load_commands(cmd_name)
            self._add_registered(cmd_name)
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: typer.Context) -> list[str]:
        if ctx.parent is None and not set(COMMAND_MODULES) <= set(self.commands):
            load_commands()
            self._add_registered()
        names = super().list_commands(ctx)
        rank = {name: i for i, name in enumerate(COMMAND_ORDER)}
        return sorted(names, key=lambda n: (rank.get(n, len(rank)), n))

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_root_options(self, ctx, list(args)))

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except _CLICK_USAGE_ERROR as exc:
            # The vendored parser raises an option's usage errors (a value missing or not
            # wanted) without their command's context: name the command for the hint.
            if exc.ctx is None and ctx.invoked_subcommand:
                exc.command_path = f"{ctx.command_path} {ctx.invoked_subcommand}"
            raise
        except _PASS_THROUGH:
            raise
        except (Exception, KeyboardInterrupt) as exc:  # one line and an exit code (boundary)
            raise typer.Exit(failure(exc)) from None


# Root options people also write after the command name (`taskduty tasks --db x.db`):
# option -> whether it takes a value. -q/--quiet moves only where the command has no
# option of that name itself (`tasks -q` is --search, `load --quiet` its own).
ROOT_OPTIONS = {"--db": True, "--config": True, "--quiet": False, "-q": False,
                "--raw-csv": False, "--max-cells": True, "--all": False}


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
    help=_("Track the year's 《政府工作报告》目标任务责任分解表: load it, query it, record "
           "progress, report it.\n\nExample: taskduty load data/seed_table.csv --year 2018 "
           "&& taskduty tasks --leader 陆秋明"),
    context_settings=CONTEXT,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain click help: rich help formatting imports rich, markdown-it and pygments, which
    # doubles the time of `taskduty --help` (bench/run.py measures it).
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"taskduty {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    db: Annotated[str | None, typer.Option(
        "--db", metavar="PATH|URL",
        help=_("Database: a SQLite file path or a SQLAlchemy URL "
               "(postgresql+psycopg://user@host/db); also TASKDUTY_DB or `db` in the settings "
               "file. Default: taskduty.db in the user's app folder."),
    )] = None,
    config: Annotated[str | None, typer.Option(
        "--config", metavar="FILE", envvar=settings.CONFIG_ENV, show_envvar=True,
        help=_("The settings file (TOML). Default: config.toml in the user's app folder."),
    )] = None,
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help=_("Show the version and exit."),
    )] = False,
    max_cells: Annotated[int | None, typer.Option(
        "--max-cells", envvar="TASKDUTY_MAX_CELLS", show_envvar=True, min=1,
        help=_("Refuse workbooks and documents with more cells than this (default 2,000,000; "
               "rows and uncompressed size limits rise with it)."),
    )] = None,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q",
        help=_("No report on stderr (errors still show); data on stdout only."),
    )] = False,
    show_all: Annotated[bool, typer.Option(
        "--all",
        help=_("Show every row of a long table on a terminal (by default a listing longer "
               "than the screen shows its first rows and says how many more there are; a "
               "pipe or a file always gets every row)."),
    )] = False,
    raw_csv: Annotated[bool, typer.Option(
        "--raw-csv", envvar="TASKDUTY_RAW_CSV", show_envvar=True,
        help=_("Write CSV cells exactly as stored: do not prefix ' to a cell starting with "
               "= + - @ TAB or CR (which a spreadsheet would run as a formula)."),
    )] = False,
) -> None:
    """Track the year's 目标任务责任分解表 from the command line."""
    setup(db=db, config=config, quiet=quiet, show_all=show_all, raw_csv=raw_csv,
          max_cells=max_cells)


def translate_docstrings(typer_app: typer.Typer) -> None:
    """Commands' help comes from their docstrings (English message ids): translate them.

    ``tools/po.py`` extracts these docstrings (``inspect.cleandoc``) into the catalog.
    """
    import inspect

    for info in typer_app.registered_commands:
        if info.help is None and info.callback is not None and info.callback.__doc__:
            info.help = _(inspect.cleandoc(info.callback.__doc__))
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            translate_docstrings(group.typer_instance)


def choice(values: Sequence[str], option: str) -> Callable[[Any], Any]:
    """An option callback accepting ``values`` in any case, or their Chinese words
    (:data:`CHOICE_WORDS`); anything else is a usage error naming the choices."""

    def check(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, list | tuple):
            return [check(v) for v in value]
        key = choose(value, values)
        if key is not None:
            return key
        raise typer.BadParameter(_("{value!r} is not one of {choices}").format(
            value=value, choices=", ".join(values)), param_hint=option)

    return check


def format_option(formats: Sequence[str], help: str | None = None) -> Any:
    """``--format/-f`` offering exactly ``formats``."""
    return typer.Option(
        "--format", "-f", metavar="[" + "|".join(formats) + "]",
        callback=choice(formats, "--format"), autocompletion=lambda: list(formats),
        help=help or _("Output: table for people; {others} for scripts.").format(
            others=", ".join(f for f in formats if f != "table")))


def _lean_coercion() -> None:
    """Coerce plain option values without pydantic.

    Typer (0.2x) coerces each parameter through a pydantic ``TypeAdapter``, so every command
    imports pydantic (~60 ms, a third of a query's wall time). For the values a terminal
    gives most often (``str``, ``list[str]``, an integer, an enum choice, a path) the result is
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
        if annotation is Path and isinstance(value, str | Path) and str(value) not in ("", "."):
            return Path(value)  # what pydantic makes of a path (tests/test_imports.py)
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


ListingFormat = Annotated[str, format_option(LISTING_FORMATS)]
ReportFormat = Annotated[str, format_option(REPORT_FORMATS)]


OutputOption = Annotated[Path | None, typer.Option(
    "--output", "-o", metavar="FILE",
    help=_("Write the output to this file (format from --format or the file's suffix: .csv, "
           ".tsv, .json, .jsonl; CSV and TSV get a BOM for Excel)."))]
FieldsOption = Annotated[str | None, typer.Option(
    "--fields", metavar="A,B,C",
    help=_("The columns to give, in this order (JSON key names, e.g. code,leaders,status)."))]
def complete_from(kind: str) -> Any:
    """A completion callback offering the database's ``kind`` (leaders, units, years, goals,
    codes; see cli/names.py), imported only when a shell asks."""

    def names(incomplete: str) -> list[str]:
        from taskduty.cli import names as lookups

        return getattr(lookups, kind)(incomplete)

    names.kind = kind  # type: ignore[attr-defined]  (read by tests/test_completion.py)
    return names


YearOption = Annotated[int | None, typer.Option(
    "--year", "-y", autocompletion=complete_from("years"),
    help=_("The table's year (default: the year of --month/--as-of/--date when that year "
           "is loaded, else the latest)."))]
