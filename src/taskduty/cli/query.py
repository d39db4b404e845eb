"""Query commands: tasks, show, leaders, units, goals, years, summary.

What ``tasks`` and ``summary`` do, and the parsing of the query options' values, is in
cli/views.py (no Typer), which cli/lean.py also calls for their plain command lines."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from taskduty.cli import views
from taskduty.cli.app import (
    FieldsOption,
    ListingFormat,
    OutputOption,
    YearOption,
    app,
    complete_from,
    get_db,
)
from taskduty.cli.views import (  # noqa: F401 (the option parsers, for cli/report.py)
    BY_WORDS,
    GROUPS,
    as_of_date,
    choice_word,
    month_end,
    parse_day,
    parse_goals,
    parse_statuses,
    parse_target_statuses,
    parse_warnings,
    thresholds,
)
from taskduty.i18n import _

LeaderOption = Annotated[list[str] | None, typer.Option(
    "--leader", "-l", metavar="NAME", autocompletion=complete_from("leaders"),
    help=_("A responsible leader (repeat for any of several)."))]
UnitOption = Annotated[list[str] | None, typer.Option(
    "--unit", "-u", metavar="NAME", autocompletion=complete_from("units"),
    help=_("A lead unit (repeat for any of several)."))]
AsOfOption = Annotated[str | None, typer.Option(
    "--as-of", help=_("Status in force on this day (2018-03-31, 2018/3/31, 20180331 or "
                      "2018年3月31日); default today."))]
MonthOption = Annotated[str | None, typer.Option(
    "--month", "-m",
    help=_("Status at the end of this month (2018-03, 201803 or 2018年3月)."))]


BlueDaysOption = Annotated[int | None, typer.Option(
    "--blue-days", metavar="DAYS", min=0,
    help=_("蓝灯 when due within this many days (default: the blue_days setting, 15)."))]
YellowPointsOption = Annotated[float | None, typer.Option(
    "--yellow-points", metavar="POINTS", min=0,
    help=_("黄灯 when progress is more than this many points below 序时进度 (default: the "
           "yellow_points setting, 10)."))]


@app.command()
def tasks(
    leader: LeaderOption = None,
    unit: UnitOption = None,
    co_unit: Annotated[list[str] | None, typer.Option(
        "--co-unit", "-c", metavar="NAME",
        help=_("A cooperating unit, 配合单位 (repeat for any of several)."))] = None,
    goal: Annotated[list[str] | None, typer.Option(
        "--goal", "-g", metavar="N", autocompletion=complete_from("goals"),
        help=_("A goal number (序号); repeat or list (2,3) for any of several."))] = None,
    search: Annotated[list[str] | None, typer.Option(
        "--search", "-q", metavar="TEXT", help=_("Text in 工作标准 or 目标名称 (repeat for any "
                                                 "of several)."))] = None,
    status: Annotated[list[str] | None, typer.Option(
        "--status", "-s", help=_("not_started/未启动, in_progress/推进中, behind/滞后, "
                                 "done/已完成 (repeat for any of several)."))] = None,
    stale: Annotated[int | None, typer.Option(
        "--stale", help=_("Only tasks with no update in the N days before the as-of date."),
        min=0)] = None,
    overdue: Annotated[bool, typer.Option(
        "--overdue", help=_("Only tasks past their due date (or approved extension) and not "
                            "done."))] = False,
    target: Annotated[list[str] | None, typer.Option(
        "--target", "-t", metavar="STATUS",
        help=_("Only tasks with a quantitative target that is met (已达标), on_course (达序时), "
               "behind (未达序时) or none (no actual value yet); repeat for any of several."))]
    = None,
    warning: Annotated[list[str] | None, typer.Option(
        "--warning", "-w", metavar="LIGHT",
        help=_("Only tasks lit red (红灯), yellow (黄灯) or blue (蓝灯); several: "
               "--warning yellow,red."))] = None,
    blue_days: BlueDaysOption = None,
    yellow_points: YellowPointsOption = None,
    year: YearOption = None,
    as_of: AsOfOption = None,
    month: MonthOption = None,
    fmt: ListingFormat = "table",
    output: OutputOption = None,
    fields: FieldsOption = None,
) -> None:
    """List tasks, filtered by leader, unit, goal, text, status, quantitative targets and
    warning light.

    Different filters combine with AND; a repeated one means any of its values.

    A name may be shortened (经信 finds 经信局) or be an alias, if only one name matches.

    Example: taskduty tasks --leader 陆秋明 --search 污水 --format json

    Example: taskduty tasks --target behind --month 2018-06

    Example: taskduty tasks --warning yellow,red --month 2018-06
    """
    views.tasks(leader=leader, unit=unit, co_unit=co_unit, goal=goal, search=search,
                status=status, stale=stale, overdue=overdue, target=target, warning=warning,
                blue_days=blue_days, yellow_points=yellow_points, year=year, as_of=as_of,
                month=month, fmt=fmt, output=output, fields=fields)


@app.command()
def show(
    code: Annotated[str, typer.Argument(metavar="CODE", help=_("The task code, e.g. 1.2."))],
    year: YearOption = None,
    as_of: AsOfOption = None,
    month: MonthOption = None,
    withdrawn: Annotated[bool, typer.Option(
        "--withdrawn", help=_("Also list withdrawn updates and extensions."))] = False,
    blue_days: BlueDaysOption = None,
    yellow_points: YellowPointsOption = None,
    fmt: ListingFormat = "table",
    output: OutputOption = None,
    fields: FieldsOption = None,
) -> None:
    """Show one task in full: goal, text, leaders, units, what was inherited, its history.

    json gives the task with its history; csv, tsv and jsonl give the task as a row.

    Example: taskduty show 1.2 --format json
    """
    from taskduty import queries, render

    when = as_of_date(as_of, month)
    with get_db().read() as reader:
        task = queries.get_task(reader, code, queries.year_for(reader, year, when), when,
                                withdrawn, thresholds(blue_days, yellow_points, reader))
    render.write(render.show_result(task), fmt, output, fields)


def _names(kind: str, year: int | None, as_of: str | None, month: str | None,
           fmt: str, output: Path | None, fields: str | None) -> None:
    from taskduty import queries, render

    when = as_of_date(as_of, month)
    with get_db().read() as reader:
        year = queries.year_for(reader, year, when)
        rows = queries.name_counts(reader, kind, year, when)
        _plan, shown_year = queries.plan_id(reader, year)
    render.write(render.names_result(kind, rows, shown_year), fmt, output, fields)


@app.command()
def leaders(
    year: YearOption = None,
    as_of: AsOfOption = None,
    month: MonthOption = None,
    fmt: ListingFormat = "table",
    output: OutputOption = None,
    fields: FieldsOption = None,
) -> None:
    """Each responsible leader with their number of tasks and counts per status.

    Example: taskduty leaders --format json
    """
    _names("leader", year, as_of, month, fmt, output, fields)


@app.command()
def units(
    year: YearOption = None,
    as_of: AsOfOption = None,
    month: MonthOption = None,
    fmt: ListingFormat = "table",
    output: OutputOption = None,
    fields: FieldsOption = None,
) -> None:
    """Each lead unit with its number of tasks and counts per status.

    Example: taskduty units --month 2018-06
    """
    _names("unit", year, as_of, month, fmt, output, fields)


@app.command()
def goals(
    year: YearOption = None,
    fmt: ListingFormat = "table",
    output: OutputOption = None,
    fields: FieldsOption = None,
) -> None:
    """The year's goals: number, name and task count.

    Example: taskduty goals --year 2018
    """
    from taskduty import queries, render

    with get_db().read() as reader:
        rows = queries.goals(reader, year)
        _plan, shown_year = queries.plan_id(reader, year)
    render.write(render.goals_result(rows, shown_year), fmt, output, fields)


@app.command()
def years(fmt: ListingFormat = "table", output: OutputOption = None,
          fields: FieldsOption = None) -> None:
    """The years loaded, with their task counts.

    Example: taskduty years --format json
    """
    from taskduty import queries, render

    with get_db().read() as reader:
        rows = queries.years(reader)
    render.write(render.years_result(rows), fmt, output, fields)


@app.command()
def summary(
    by: Annotated[str, typer.Option(
        "--by", "-b", metavar="[leader|unit|goal|target]",
        autocompletion=lambda: list(GROUPS),
        help=_("Group by leader, unit or goal (领导, 单位, 目标; plurals too); or `target` "
               "(指标): each quantitative target with its latest actual value."))] = "leader",
    blue_days: BlueDaysOption = None,
    yellow_points: YellowPointsOption = None,
    year: YearOption = None,
    as_of: AsOfOption = None,
    month: MonthOption = None,
    fmt: ListingFormat = "table",
    output: OutputOption = None,
    fields: FieldsOption = None,
) -> None:
    """Progress per leader, unit or goal: tasks, count per status and per warning light,
    share done, mean progress.

    Example: taskduty summary --by unit --month 2018-06

    Example: taskduty summary --by target --month 2018-06
    """
    views.summary(by=by, blue_days=blue_days, yellow_points=yellow_points, year=year,
                  as_of=as_of, month=month, fmt=fmt, output=output, fields=fields)
