"""What ``update`` and ``undo`` do once their options are parsed, without Typer: cli/status.py
(Typer) and cli/lean.py (the same commands parsed plainly) both call these."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from taskduty.cli.boundary import get_db
from taskduty.errors import UsageError
from taskduty.i18n import _


def update(codes: list[str], status: str | None = None, progress: str | None = None,
           note: str | None = None, on: str | None = None, by: str | None = None,
           actual: str | None = None, target: int | None = None, year: int | None = None,
           fmt: str = "table", output: Path | None = None, fields: str | None = None) -> None:
    """``taskduty update``: record a status update, or an actual value, as one batch."""
    from taskduty import render, results
    from taskduty.dates import parse_date, today
    from taskduty.updates import (
        NewActual,
        NewUpdate,
        check_status,
        parse_progress,
        record_batch,
        split_target,
    )
    from taskduty.user import login_name

    if status is None and actual is None:
        raise UsageError(_("give --status, or --actual for a quantitative target"),
                         hint=_("e.g. taskduty update 1.1 --status 推进中, "
                                "or taskduty update 1.5#2 --actual 62%"))
    if actual is None and (target is not None or any("#" in c for c in codes)):
        raise UsageError(_("CODE#N and --target name a target for --actual"),
                         hint=_("give the value with --actual VALUE"))
    split = [split_target(c) for c in codes]
    when: date = parse_date(on, "--date") if on else today()
    who = by if by is not None else login_name()
    updates = []
    key = None
    if status is not None:
        key, value = check_status(status, parse_progress(progress, label="--progress"))
        updates = [NewUpdate(code=c, status=key, date=when, progress=value, note=note, by=who)
                   for c in dict.fromkeys(c for c, _n in split)]
    elif progress is not None:
        raise UsageError(_("--progress goes with --status"),
                         hint=_("e.g. taskduty update 1.1 --status 推进中 --progress 40"))
    actuals = [] if actual is None else [
        NewActual(code=c, target_no=n or (target or 0), value=actual, date=when,
                  note=note if status is None else None, by=who) for c, n in split]
    result = record_batch(get_db(), year, updates, skip_identical=True, actuals=actuals)
    render.write(results.update_result(result), fmt, output, fields)
    for line in results.update_messages(result, key, when if on is None else None):
        render.message(line)


def undo(fmt: str = "table", output: Path | None = None, fields: str | None = None) -> None:
    """``taskduty undo``: withdraw the most recent batch this login entered."""
    from taskduty import render, results
    from taskduty.updates import undo as undo_batch

    render.write(results.undo_result(undo_batch(get_db())), fmt, output, fields)
