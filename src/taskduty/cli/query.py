"""Query commands: tasks, show, leaders, units, goals, years, summary."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path
from typing import Annotated, Any

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
from taskduty.fields import STATUSES, parse_status
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


def thresholds(blue_days: int | None = None, yellow_points: float | None = None,
               reader: Any = None) -> Any:
    """The warning thresholds: the command's options, else the office's settings
    (``blue_days``, ``yellow_points``: environment, settings file, database), else the
    defaults (:data:`taskduty.schedule.BLUE_DAYS`, :data:`~taskduty.schedule.YELLOW_POINTS`)."""
    from taskduty import settings
    from taskduty.schedule import Thresholds

    return Thresholds(blue_days=settings.get("blue_days", reader, flag=blue_days),
                      yellow_points=settings.get("yellow_points", reader, flag=yellow_points))


def parse_warnings(values: list[str] | None) -> list[str]:
    """``--warning red`` / ``--warning yellow,red`` (，、 too) / 红灯: light keys."""
    from taskduty.queries import split_list
    from taskduty.schedule import LIGHT_LABELS, LIGHTS

    names = {**{k: k for k in LIGHTS}, **{v: k for k, v in LIGHT_LABELS.items()},
             **{v[0]: k for k, v in LIGHT_LABELS.items()}}
    out: list[str] = []
    for value in values or []:
        for piece in split_list(value):
            key = names.get(piece.strip().lower())
            if key is None:
                raise UsageError(_("unknown warning light {value!r}").format(value=piece),
                                 hint=_("use red, yellow or blue (红灯, 黄灯, 蓝灯), "
                                        "e.g. --warning yellow,red"))
            if key not in out:
                out.append(key)
    return out


def parse_day(text: str, option: str, future: bool = False) -> date:
    """A day typed for ``option`` in the one date grammar (:mod:`taskduty.dates`)."""
    from taskduty.dates import parse_date

    return parse_date(text, option, future=future)


def month_end(text: str, option: str = "--month") -> date:
    """The last day of a typed month (:mod:`taskduty.dates`)."""
    from taskduty.dates import month_end as end

    return end(text, option)


def as_of_date(as_of: str | None, month: str | None) -> date | None:
    """The day a view is taken on, from ``--as-of`` or ``--month``."""
    if as_of and month:
        raise UsageError(_("give --as-of or --month, not both"))
    if month:
        return month_end(month)
    return parse_day(as_of, "--as-of") if as_of else None


def parse_goals(values: list[str] | None) -> list[int]:
    """``--goal 2 --goal 3`` or ``--goal 2,3`` / ``2，3`` / ``2、3``: the goal numbers."""
    from taskduty.i18n import _
    from taskduty.queries import split_list

    out = []
    for value in values or []:
        for piece in split_list(value):
            text = unicodedata.normalize("NFKC", piece).strip()
            if not text.isdigit():
                raise UsageError(_("--goal {value!r} is not a goal number").format(value=piece),
                                 hint=_("give the 序号, e.g. --goal 2 or --goal 2,3"))
            out.append(int(text))
    return out


def parse_statuses(values: list[str] | None) -> list[str]:
    from taskduty.queries import split_list

    out = []
    for value in [p for v in values or [] for p in split_list(v)]:
        key = parse_status(value)
        if key is None:
            allowed = ", ".join(f"{k} ({v})" for k, v in STATUSES.items())
            raise UsageError(_("unknown status {value!r}").format(value=value),
                             hint=_("use one of: {choices}").format(choices=allowed))
        out.append(key)
    return out


def parse_target_statuses(values: list[str] | None) -> list[str]:
    """``--target`` values as keys: met, on_course, behind, none (English or Chinese)."""
    from taskduty.i18n import _
    from taskduty.targets import STATUS_LABELS

    words = {k: k for k in STATUS_LABELS} | {v: k for k, v in STATUS_LABELS.items()}
    words |= {"on-course": "on_course", "oncourse": "on_course", "滞后": "behind",
              "达标": "met", "完成": "met", "未报送": "none"}
    out = []
    for value in values or []:
        key = words.get(value.strip().lower())
        if key is None:
            allowed = ", ".join(f"{k} ({v})" for k, v in STATUS_LABELS.items())
            raise UsageError(_("unknown target status {value!r}").format(value=value),
                             hint=_("use one of: {allowed}").format(allowed=allowed))
        out.append(key)
    return out


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
    from taskduty import queries, render

    db = get_db()
    when = as_of_date(as_of, month)
    with db.read() as reader:
        year = queries.year_for(reader, year, when)
        flt = queries.TaskFilter(
            year=year,
            leaders=queries.resolve_names(reader, "leader", leader or [], year),
            units=queries.resolve_names(reader, "unit", unit or [], year),
            co_units=queries.resolve_names(reader, "unit", co_unit or [], year),
            goals=parse_goals(goal), searches=[q for q in search or [] if q.strip()],
            statuses=parse_statuses(status),
            as_of=when, stale_days=stale, overdue=overdue,
            targets=parse_target_statuses(target), warnings=parse_warnings(warning),
            thresholds=thresholds(blue_days, yellow_points, reader))
        streamed = render.format_for(str(fmt), output)
        if streamed in render.STREAM_FORMATS:
            # the fields asked for, written as each page of tasks is read: flat memory
            render.stream_tasks(reader, flt, streamed, output, fields)
            return
        found = queries.list_tasks(reader, flt)
        _plan, shown_year = queries.plan_id(reader, year)
    render.write(render.tasks_result(found, render.caption(shown_year, len(found))), fmt,
                 output, fields)


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


GROUPS = ("leader", "unit", "goal", "target")


# Choice words as people write them: English singular or plural, or Chinese.
BY_WORDS = {
    "leader": ("leader", "leaders", "领导", "分管领导", "责任领导"),
    "unit": ("unit", "units", "单位", "牵头单位", "部门", "责任单位"),
    "goal": ("goal", "goals", "目标", "目标名称", "目标任务"),
    "target": ("target", "targets", "指标", "量化指标"),
}


def choice_word(value: str, words: dict[str, tuple[str, ...]], option: str) -> str:
    """The key of a choice typed in any of its spellings (``单位``, ``units`` -> unit)."""
    from taskduty.i18n import _

    typed = unicodedata.normalize("NFKC", value).strip().lower()
    for key, spellings in words.items():
        if typed in spellings:
            return key
    raise UsageError(_("{option} {value!r} is not one of {choices}").format(
        option=option, value=value, choices=", ".join(words)),
        hint=_("e.g. {option} {key} (or {cn})").format(
            option=option, key=next(iter(words)), cn=next(iter(words.values()))[2]))


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
    from taskduty import queries, render

    by = choice_word(by, BY_WORDS, "--by")
    when = as_of_date(as_of, month)
    if by == "target":
        _target_summary(year, when, fmt, output, fields)
        return
    with get_db().read() as reader:
        year = queries.year_for(reader, year, when)
        rows, total = queries.summary_with_total(reader, by, year, when,
                                                 thresholds(blue_days, yellow_points, reader))
        _plan, shown_year = queries.plan_id(reader, year)
    table = render.format_for(fmt, output) == "table"
    render.write(render.summary_result(by, rows, total, shown_year, when, table), fmt, output,
                 fields)


def _target_summary(year: int | None, when: date | None, fmt: str,
                    output: Path | None, fields: str | None = None) -> None:
    """``summary --by target``: every quantitative target with its latest actual value."""
    from taskduty import queries, render

    with get_db().read() as reader:
        found = queries.list_tasks(reader, queries.TaskFilter(
            year=queries.year_for(reader, year, when), as_of=when))
    render.write(render.target_summary_result(queries.target_rows(found), when), fmt, output,
                 fields)
