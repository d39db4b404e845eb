"""The project's own exceptions. Only the CLI turns them into messages and exit codes."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """The exit codes of ``taskduty`` (the README lists them)."""

    OK = 0
    FAILURE = 1  # an Error: line (bad input, no table loaded, database trouble)
    USAGE = 2  # a usage error: unknown option, bad option value
    INTERRUPTED = 130  # Ctrl-C
    BROKEN_PIPE = 141  # the reader of stdout went away (| head)


class TaskdutyError(Exception):
    """A failure the user can act on: printed as ``Error: …`` with an optional hint, exit 1."""

    exit_code = ExitCode.FAILURE

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(TaskdutyError):
    """Bad option values or missing information on the command line: exit 2."""

    exit_code = ExitCode.USAGE


class SourceError(TaskdutyError):
    """An input file that cannot be read as a table."""


class NotLoadedError(TaskdutyError):
    """A query before any table was loaded."""


class NameResolutionError(TaskdutyError):
    """A leader or unit name that is unknown or ambiguous."""


class DatabaseError(TaskdutyError):
    """The database cannot be opened, is not ours, or is of an unknown schema version."""


class ValueProblem(UsageError, ValueError):
    """A typed value (a progress, a date) that cannot be read: exit 2 on the command line,
    a listed problem in a form."""


def not_loaded(year: int | str | None = None, *, known: list[int] | list[str] | None = None,
               database: str | None = None, missing: bool = False) -> NotLoadedError:
    """The one "no table loaded" error, translated, with its hint.

    For ``year`` when given (the hint names the ``known`` years; ``None``: where to see them),
    else for any year; ``database`` names a database with no taskduty data (``missing``: no
    database there at all).
    """
    from taskduty.i18n import _

    load = _("load one first: taskduty load FILE --year YYYY")
    if year is not None:
        hint = (_("see the loaded years: taskduty years") if known is None
                else _("loaded years: {years}").format(years=", ".join(map(str, known)))
                if known else load)
        return NotLoadedError(_("no table loaded for {year}").format(year=year), hint=hint)
    if database is None:
        return NotLoadedError(_("no table loaded yet"), hint=load)
    message = (_("no table loaded yet (no database at {database})") if missing
               else _("no table loaded yet ({database} has no taskduty data)"))
    return NotLoadedError(message.format(database=database), hint=load)
