"""Recording commands: ``update``, ``undo``, ``withdraw``."""

from __future__ import annotations

from typing import Annotated

import typer

from taskduty.cli.app import FormatOption, OutputFormat, YearOption, app, get_db
from taskduty.cli.query import parse_day


@app.command()
def update(
    codes: Annotated[list[str], typer.Argument(metavar="CODE", help="Task codes, e.g. 1.2 3.4.")],
    status: Annotated[str, typer.Option(
        "--status", "-s", help="not_started/未启动, in_progress/推进中, behind/滞后, "
        "done/已完成 (synonyms such as 欠进度, 达进度, 办结 work too).")],
    progress: Annotated[str | None, typer.Option(
        "--progress", "-p", help="Progress 0–100, as 40 or 40% (done means 100).")] = None,
    note: Annotated[str | None, typer.Option("--note", "-n", help="进展情况: what was done.")]
    = None,
    on: Annotated[str | None, typer.Option(
        "--date", "-d", help="The day the update describes (2018-03-05, 2018/3/5, 20180305 "
        "or 2018年3月5日); default today.")]
    = None,
    by: Annotated[str | None, typer.Option(
        "--by", help="Who reported it (a unit or person); default your login name.")] = None,
    year: YearOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Record a status update for one or more tasks (one batch; `taskduty undo` takes it back).

    Example: taskduty update 1.1 1.2 --status 推进中 --progress 40 --note "一季度完成40%"
    """
    from taskduty import render
    from taskduty.dates import today
    from taskduty.i18n import _
    from taskduty.store import login_name
    from taskduty.updates import NewUpdate, check_status, parse_progress, record_batch

    key, value = check_status(status, parse_progress(progress, label="--progress"))
    when = parse_day(on, "--date") if on else today()
    who = by if by is not None else login_name()
    result = record_batch(get_db(), year, [
        NewUpdate(code=c, status=key, date=when, progress=value, note=note, by=who)
        for c in codes], skip_identical=True)
    if fmt == OutputFormat.json:
        render.emit(render.to_json({"year": result.year, "batch": result.batch_id,
                                    "recorded": result.recorded, "skipped": result.skipped,
                                    "reopened": result.reopened}))
    else:
        for r in result.recorded:
            pct = f" {r['progress']}%" if r["progress"] is not None else ""
            typer.echo(f"{result.year} {r['code']}: {render.status_label(r['status'])} "
                       f"({r['status']}){pct} on {r['date']} [id {r['id']}]")
    if result.skipped:
        render.message(_("Skipped {codes}: the same update is already recorded "
                         "(nothing recorded twice)").format(codes=", ".join(result.skipped)))
    if result.reopened:
        render.message(_("Reopened {codes}: it was done (已完成) and is now {status}").format(
            codes=", ".join(result.reopened), status=render.status_label(key)))
    if on is None and when.year != result.year:
        render.message(_("Note: dated today ({day}), outside the {year} table's year; "
                         "give the day it describes with --date, e.g. --date {year}-12-31"
                         ).format(day=when.isoformat(), year=result.year))


@app.command()
def undo(fmt: FormatOption = OutputFormat.table) -> None:
    """Withdraw the most recent batch you entered (one `update` or `collect` call).

    Another person's batches are never touched; withdrawn updates stay in the database
    (`taskduty show CODE --withdrawn` lists them).

    Example: taskduty undo
    """
    from taskduty.updates import undo as undo_batch

    result = undo_batch(get_db())
    _print_withdrawn(result.entries, fmt, f"Withdrew batch {result.batch_id}")


@app.command()
def withdraw(
    ids: Annotated[list[int], typer.Argument(
        metavar="ID", help="Update ids, as `taskduty show` lists them.")],
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Withdraw single updates by id (they stay in the database, marked withdrawn).

    Example: taskduty withdraw 17 18
    """
    from taskduty.updates import withdraw as withdraw_updates

    result = withdraw_updates(get_db(), ids)
    _print_withdrawn(result.entries, fmt, "Withdrew")


def _print_withdrawn(entries: list[dict], fmt: OutputFormat, heading: str) -> None:
    from taskduty import render

    if fmt == OutputFormat.json:
        render.emit(render.to_json(entries))
        return
    render.message(f"{heading}: {len(entries)} update{'s' if len(entries) != 1 else ''}")
    for e in entries:
        typer.echo(f"{e['year']} {e['code']}: withdrew update {e['id']} "
                   f"({render.status_label(e['status'])}, {e['date']})")
