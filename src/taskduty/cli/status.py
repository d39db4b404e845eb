"""Recording commands: ``update``, ``undo``, ``withdraw``."""

from __future__ import annotations

from typing import Annotated

import typer

from taskduty.cli.app import (
    FieldsOption,
    ListingFormat,
    OutputOption,
    YearOption,
    app,
    complete_from,
    get_db,
)
from taskduty.errors import UsageError
from taskduty.i18n import _


@app.command()
def update(
    codes: Annotated[list[str], typer.Argument(
        metavar="CODE", autocompletion=complete_from("codes"),
        help=_("Task codes, e.g. 1.2 3.4; CODE#N names a task's Nth "
                               "quantitative target (for --actual), e.g. 1.5#2."))],
    status: Annotated[str | None, typer.Option(
        "--status", "-s", help=_("not_started/未启动, in_progress/推进中, behind/滞后, "
                                 "done/已完成 (synonyms such as 欠进度, 达进度, 办结 work too)."))]
    = None,
    progress: Annotated[str | None, typer.Option(
        "--progress", "-p", help=_("Progress 0–100, as 40 or 40% (done means 100)."))] = None,
    note: Annotated[str | None, typer.Option(
        "--note", "-n", help=_("进展情况: what was done."))] = None,
    on: Annotated[str | None, typer.Option(
        "--date", "-d", help=_("The day the update describes (2018-03-05, 2018/3/5, 20180305 "
                               "or 2018年3月5日); default today."))] = None,
    by: Annotated[str | None, typer.Option(
        "--by", help=_("Who reported it (a unit or person); default your login name."))]
    = None,
    actual: Annotated[str | None, typer.Option(
        "--actual", "-a", metavar="VALUE",
        help=_("实际完成值 of a quantitative target, in its unit or with one (7.9, 7.9亿美元, "
               "62%); a task with several targets needs CODE#N or --target N."))] = None,
    target: Annotated[int | None, typer.Option(
        "--target", "-t", metavar="N", min=1,
        help=_("Which target of the task --actual is for (1 = the first); same as CODE#N."))]
    = None,
    year: YearOption = None,
    fmt: ListingFormat = "table",
    output: OutputOption = None,
    fields: FieldsOption = None,
) -> None:
    """Record a status update, or an actual value of a target, for one or more tasks
    (one batch; `taskduty undo` takes it back).

    Example: taskduty update 1.1 1.2 --status 推进中 --progress 40 --note "一季度完成40%"

    Example: taskduty update 1.5#2 --actual 62% --date 2018-03-31
    """
    from taskduty.cli import record

    record.update(codes, status, progress, note, on, by, actual, target, year, fmt, output,
                  fields)


@app.command()
def undo(fmt: ListingFormat = "table", output: OutputOption = None,
         fields: FieldsOption = None) -> None:
    """Withdraw the most recent batch you entered (one `update` or `collect` call).

    Another person's batches are never touched; withdrawn updates stay in the database
    (`taskduty show CODE --withdrawn` lists them).

    Example: taskduty undo
    """
    from taskduty.cli import record

    record.undo(fmt, output, fields)


@app.command()
def withdraw(
    ids: Annotated[list[str], typer.Argument(
        metavar="ID", help=_("Update ids, as `taskduty show` lists them (A12 is an actual "
                             "value's)."))],
    fmt: ListingFormat = "table",
    output: OutputOption = None,
    fields: FieldsOption = None,
) -> None:
    """Withdraw single updates by id (they stay in the database, marked withdrawn).

    Example: taskduty withdraw 17 18 A3
    """
    from taskduty import render, results
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
    render.write(results.withdraw_result(result), fmt, output, fields)


@app.command()
def extend(
    codes: Annotated[list[str], typer.Argument(
        metavar="CODE", autocompletion=complete_from("codes"),
        help=_("Task codes, e.g. 1.2 3.4."))],
    to: Annotated[str, typer.Option(
        "--to", metavar="DATE",
        help=_("The approved new due date (2018-09-30, 2018/9/30 or 2018年9月30日)."))],
    reason: Annotated[str, typer.Option(
        "--reason", "-r", metavar="TEXT", help=_("Why the extension (延期) was granted."))],
    approved_by: Annotated[str | None, typer.Option(
        "--approved-by", metavar="NAME", help=_("Who approved it."))] = None,
    year: YearOption = None,
    fmt: ListingFormat = "table",
    output: OutputOption = None,
    fields: FieldsOption = None,
) -> None:
    """Record an approved extension (延期): a new due date for one or more tasks.

    The original deadline stays (`taskduty show CODE` lists both); warning lights,
    --overdue and 序时进度 use the approved date. One batch: `taskduty undo` takes it back.

    Example: taskduty extend 2.3 --to 2018-09-30 --reason "征地手续调整" --approved-by 陆秋明
    """
    from taskduty import render, results
    from taskduty.dates import parse_date
    from taskduty.extensions import extend as record_extension

    day = parse_date(to, "--to", future=True)
    result = record_extension(get_db(), year, codes, day, reason, approved_by)
    render.write(results.extend_result(result), fmt, output, fields)
