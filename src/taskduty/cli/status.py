"""Recording commands: ``update``, ``undo``, ``withdraw``."""

from __future__ import annotations

from typing import Annotated

import typer

from taskduty.cli.app import FormatOption, OutputFormat, YearOption, app, get_db
from taskduty.cli.query import parse_day
from taskduty.errors import UsageError
from taskduty.i18n import _, ngettext


@app.command()
def update(
    codes: Annotated[list[str], typer.Argument(metavar="CODE", help="Task codes, e.g. 1.2 3.4; "
        "CODE#N names a task's Nth quantitative target (for --actual), e.g. 1.5#2.")],
    status: Annotated[str | None, typer.Option(
        "--status", "-s", help="not_started/未启动, in_progress/推进中, behind/滞后, "
        "done/已完成 (synonyms such as 欠进度, 达进度, 办结 work too).")] = None,
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
    actual: Annotated[str | None, typer.Option(
        "--actual", "-a", metavar="VALUE",
        help="实际完成值 of a quantitative target, in its unit or with one (7.9, 7.9亿美元, "
        "62%); a task with several targets needs CODE#N or --target N.")] = None,
    target: Annotated[int | None, typer.Option(
        "--target", "-t", metavar="N", min=1,
        help="Which target of the task --actual is for (1 = the first); same as CODE#N.")]
    = None,
    year: YearOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Record a status update, or an actual value of a target, for one or more tasks
    (one batch; `taskduty undo` takes it back).

    Example: taskduty update 1.1 1.2 --status 推进中 --progress 40 --note "一季度完成40%"

    Example: taskduty update 1.5#2 --actual 62% --date 2018-03-31
    """
    from taskduty import render
    from taskduty.dates import today
    from taskduty.i18n import _
    from taskduty.store import login_name
    from taskduty.targets import describe
    from taskduty.updates import (
        NewActual,
        NewUpdate,
        check_status,
        parse_progress,
        record_batch,
        split_target,
    )

    if status is None and actual is None:
        raise UsageError(_("give --status, or --actual for a quantitative target"),
                         hint=_("e.g. taskduty update 1.1 --status 推进中, "
                                "or taskduty update 1.5#2 --actual 62%"))
    if actual is None and (target is not None or any("#" in c for c in codes)):
        raise UsageError(_("CODE#N and --target name a target for --actual"),
                         hint=_("give the value with --actual VALUE"))
    split = [split_target(c) for c in codes]
    when = parse_day(on, "--date") if on else today()
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
    if fmt == OutputFormat.json:
        render.emit(render.to_json({"year": result.year, "batch": result.batch_id,
                                    "recorded": result.recorded, "skipped": result.skipped,
                                    "reopened": result.reopened, "actuals": result.actuals}))
    else:
        for r in result.recorded:
            pct = f" {r['progress']}%" if r["progress"] is not None else ""
            typer.echo(f"{result.year} {r['code']}: {render.status_label(r['status'])} "
                       f"({r['status']}){pct} on {r['date']} [id {r['id']}]")
        for a in result.actuals:
            typer.echo(_("{year} {code}#{no}: 实际完成值 {value} (target {target}: {text}) "
                         "on {date} [id {id}]").format(
                year=result.year, code=a["code"], no=a["target"],
                value=describe({"value": a["value"], "unit": a["unit"], "bound": "exact",
                                "kind": "level", "upper": None}),
                target=describe(a["target_spec"]), text=a["text"], date=a["date"],
                id=a["id"]))
    if result.skipped:
        render.message(_("Skipped {codes}: the same update is already recorded "
                         "(nothing recorded twice)").format(codes=", ".join(result.skipped)))
    if result.reopened and key is not None:
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
    _print_withdrawn(result.entries, fmt, f"Withdrew batch {result.batch_id}", result.actuals)


@app.command()
def withdraw(
    ids: Annotated[list[str], typer.Argument(
        metavar="ID", help="Update ids, as `taskduty show` lists them (A12 is an actual "
        "value's).")],
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Withdraw single updates by id (they stay in the database, marked withdrawn).

    Example: taskduty withdraw 17 18 A3
    """
    from taskduty.i18n import _
    from taskduty.updates import withdraw as withdraw_updates

    plain: list[int] = []
    actual_ids: list[int] = []
    for raw in ids:
        text = raw.strip()
        digits = text[1:] if text[:1] in "Aa" else text
        if not digits.isdigit():
            raise UsageError(_("{id!r} is not an update id").format(id=raw),
                             hint=_("ids are numbers (17) or, for actual values, A and a "
                                    "number (A3), as `taskduty show CODE` lists them"))
        (actual_ids if digits != text else plain).append(int(digits))
    result = withdraw_updates(get_db(), plain, actual_ids=actual_ids)
    _print_withdrawn(result.entries, fmt, "Withdrew", result.actuals)


def _print_withdrawn(entries: list[dict], fmt: OutputFormat, heading: str,
                     actuals: list[dict] | None = None) -> None:
    from taskduty import render
    from taskduty.i18n import _

    actuals = actuals or []
    if fmt == OutputFormat.json:
        # actual values appear beside updates, told apart by their "target" key
        render.emit(render.to_json(entries + actuals))
        return
    extensions = [e for e in entries if e.get("kind") == "extension"]
    entries = [e for e in entries if e.get("kind") != "extension"]
    n = len(entries) + len(actuals)
    if n or not extensions:
        render.message(f"{heading}: {n} update{'s' if n != 1 else ''}")
    if extensions:
        render.message(ngettext("{heading}: {n} extension", "{heading}: {n} extensions",
                                len(extensions)).format(heading=heading,
                                                             n=len(extensions)))
    for e in entries:
        typer.echo(f"{e['year']} {e['code']}: withdrew update {e['id']} "
                   f"({render.status_label(e['status'])}, {e['date']})")
    for e in extensions:
        typer.echo(_("{year} {code}: withdrew extension {id} (to {date})").format(**e))
    for a in actuals:
        typer.echo(_("{year} {code}#{no}: withdrew actual value {id} ({value}, {date})").format(
            year=a["year"], code=a["code"], no=a["target"], id=a["id"],
            value=f"{a['value']:g}", date=a["date"]))


@app.command()
def extend(
    codes: Annotated[list[str], typer.Argument(metavar="CODE", help="Task codes, e.g. 1.2 3.4.")],
    to: Annotated[str, typer.Option(
        "--to", metavar="DATE",
        help="The approved new due date (2018-09-30, 2018/9/30 or 2018年9月30日).")],
    reason: Annotated[str, typer.Option(
        "--reason", "-r", metavar="TEXT", help="Why the extension (延期) was granted.")],
    approved_by: Annotated[str | None, typer.Option(
        "--approved-by", metavar="NAME", help="Who approved it.")] = None,
    year: YearOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Record an approved extension (延期): a new due date for one or more tasks.

    The original deadline stays (`taskduty show CODE` lists both); warning lights,
    --overdue and 序时进度 use the approved date. One batch: `taskduty undo` takes it back.

    Example: taskduty extend 2.3 --to 2018-09-30 --reason "征地手续调整" --approved-by 陆秋明
    """
    from taskduty import render
    from taskduty.extensions import extend as record_extension

    day = parse_day(to, "--to", future=True)
    result = record_extension(get_db(), year, codes, day, reason, approved_by)
    if fmt == OutputFormat.json:
        render.emit(render.to_json({"year": result.year, "batch": result.batch_id,
                                    "recorded": result.recorded}))
        return
    for r in result.recorded:
        was = r["deadline"] or _("no deadline")
        typer.echo(_("{year} {code}: due {to} (was {was}) [id {id}]").format(
            year=result.year, code=r["code"], to=r["to"], was=was, id=r["id"]))
    render.message(ngettext("Recorded {n} extension as batch {batch} (undo with: taskduty undo)",
                            "Recorded {n} extensions as batch {batch} (undo with: taskduty "
                            "undo)", len(result.recorded))
                   .format(n=len(result.recorded), batch=result.batch_id))
