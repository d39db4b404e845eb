"""The CLI's boundary without Typer: the error boundary, the root options' effect and the
database the options name. cli/app.py (Typer) and cli/lean.py (``update``/``undo`` parsed
without Typer) share it, so both print the same one-line errors and exit with the same codes.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from taskduty import settings
from taskduty.errors import ExitCode, TaskdutyError
from taskduty.i18n import _

# Chinese words accepted wherever a choice is typed (lower-cased English works too).
CHOICE_WORDS = {
    "表格": "table", "表": "table", "文本": "text", "通知": "text", "逗号分隔": "csv",
    "制表符分隔": "tsv", "领导": "leader", "分管领导": "leader", "单位": "unit",
    "牵头单位": "unit", "目标": "goal", "目标名称": "goal", "指标": "target", "量化指标": "target",
    "是": "true", "否": "false",
}


def choose(value: Any, values: Any) -> str | None:
    """``value`` as one of ``values`` (any case, or its Chinese word), or None."""
    key = str(value).strip().lower()
    key = CHOICE_WORDS.get(key, key)
    return key if key in values else None


def print_error(message: str, hint: str | None = None) -> None:
    """``Error: …`` (and ``Hint: …``) on stderr, one line each (``错误：…``/``提示：…``), with
    no trace of the database password."""
    from taskduty.db import scrub

    try:
        url = settings.get("db")
    except TaskdutyError:  # a broken settings file: still mask what the environment gives
        url = os.environ.get("TASKDUTY_DB")
    message = " ".join(scrub(str(message), url).split("\n"))
    sys.stderr.write(_("Error: {message}").format(message=message) + "\n")
    if hint:
        hint = " ".join(scrub(hint, url).splitlines())
        sys.stderr.write(_("Hint: {hint}").format(hint=hint) + "\n")


def failure(exc: BaseException) -> int:
    """Report ``exc``, raised by a command, as one line on stderr and give the exit code.

    Raises again what is not reported: ``SystemExit``, and with ``TASKDUTY_DEBUG`` set a
    failure no library code expected (its traceback). A broken stdout pipe ends quietly.
    """
    if isinstance(exc, TaskdutyError):
        print_error(exc.message, exc.hint)
        return exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        print_error(_("interrupted; nothing was written by the unfinished step"))
        return ExitCode.INTERRUPTED
    if isinstance(exc, BrokenPipeError):
        # The reader (e.g. `| head -1`) went away: stop quietly with 0, as `tasks` does.
        from taskduty.render import stop_quietly

        stop_quietly()
    if not isinstance(exc, Exception) or os.environ.get("TASKDUTY_DEBUG"):
        raise exc
    if isinstance(exc, OSError):  # a file or disk failure no library code expected
        from taskduty.safeio import os_reason

        reason = os_reason(exc)
        filename = getattr(exc, "filename", None)
        print_error(_("cannot read or write {path}: {reason}").format(path=filename, reason=reason)
                    if filename else _("cannot read or write: {reason}").format(reason=reason),
                    hint=_("check the disk, the path and its permissions, then try again"))
        return ExitCode.FAILURE
    if isinstance(exc, (OverflowError, RecursionError)):
        print_error(_("a value is out of range ({error})").format(error=exc),
                    hint=_("check the numbers, dates and sizes given"))
        return ExitCode.FAILURE
    # the last line of defence: never a traceback
    print_error(_("unexpected failure: {kind}: {error}").format(
        kind=type(exc).__name__, error=exc),
        hint=_("rerun with TASKDUTY_DEBUG=1 for the details, and report it"))
    return ExitCode.FAILURE


def setup(db: str | None = None, config: str | None = None, quiet: bool = False,
          show_all: bool = False, raw_csv: bool = False, max_cells: int | None = None) -> None:
    """What the root options do, before any command runs."""
    from taskduty import csvsafe, i18n, render

    i18n.use()  # messages follow TASKDUTY_LANG even when the CLI runs twice in one process
    settings.reset()
    settings.use_config(config)
    settings.set_flag("db", db)
    render.settings.quiet = quiet
    render.settings.show_all = show_all
    csvsafe.settings.raw = raw_csv
    # limits.py (and zipfile) only for the commands that read workbooks, or to reset a
    # setting an earlier run in this process gave
    if max_cells is not None or "taskduty.limits" in sys.modules:
        from taskduty import limits

        limits.settings.max_cells = max_cells


def get_db(fast_reads: bool = True) -> Any:
    """The database named by ``--db`` / ``TASKDUTY_DB`` / the settings file / the default."""
    from taskduty import render
    from taskduty.migrations import open_database

    return open_database(settings.get("db") or None, fast_reads=fast_reads,
                         announce=render.message)
