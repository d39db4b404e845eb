"""The monthly cycle: ``export`` (status workbook), ``forms``, ``collect``, ``remind``."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer

from taskduty.cli.app import (
    LISTING_FORMATS,
    FieldsOption,
    ListingFormat,
    OutputOption,
    YearOption,
    app,
    format_option,
    get_db,
)
from taskduty.cli.query import (
    AsOfOption,
    BlueDaysOption,
    LeaderOption,
    MonthOption,
    UnitOption,
    YellowPointsOption,
    as_of_date,
    thresholds,
)
from taskduty.dates import parse_month
from taskduty.errors import UsageError
from taskduty.i18n import _

EXPORT_SUFFIXES = (".xlsx", ".csv", ".tsv", ".json", ".jsonl")


@app.command()
def export(
    out: Annotated[Path, typer.Argument(
        metavar="OUT",
        help=_("The file to write: .xlsx (the printable report), or .csv, .tsv, .json, "
               ".jsonl (the rows of `tasks`)."))],
    leader: LeaderOption = None,
    unit: UnitOption = None,
    year: YearOption = None,
    as_of: AsOfOption = None,
    month: MonthOption = None,
    stale_days: Annotated[int | None, typer.Option(
        "--stale-days", help=_("A task is stale after this many days without an update "
                               "(default: the stale_days setting, 30)."),
        min=0)] = None,
    blue_days: BlueDaysOption = None,
    yellow_points: YellowPointsOption = None,
) -> None:
    """Write the status report: an A4 workbook (report with 序时进度 and 预警, summary with
    counts per status and light, charts, the red, yellow, behind and stale tasks).

    Example: taskduty export 2018-03.xlsx --month 2018-03
    """
    from taskduty import queries, render, settings

    suffix = out.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise UsageError(_("cannot export to {name!r}: unknown file type").format(name=out.name),
                         hint=_("end the name with .xlsx, .csv, .tsv, .json or .jsonl"))
    when = as_of_date(as_of, month) or date.today()
    with get_db().read() as reader:
        year = queries.year_for(reader, year, when)
        leaders = queries.resolve_names(reader, "leader", leader or [], year)
        units = queries.resolve_names(reader, "unit", unit or [], year)
        flt = queries.TaskFilter(year=year, leaders=leaders, units=units, as_of=when,
                                 thresholds=thresholds(blue_days, yellow_points, reader))
        _plan, plan_year = queries.plan_id(reader, year)
        if suffix != ".xlsx":
            found = queries.list_tasks(reader, flt)
            render.write(render.tasks_result(found), "table", out)
            return
        from taskduty.excel import report_scope, write_report

        stale_days = settings.get("stale_days", reader, flag=stale_days)
        scope = report_scope(leaders, units)
        # The tasks stream from the database into the workbook (flat memory on big tables).
        facts = queries.task_facts(reader, flt)
        info = write_report(out, queries.iter_tasks(reader, flt), plan_year, when, stale_days,
                            scope, co_units=facts.co_units, deadlines=facts.deadlines,
                            names=queries.task_names(reader, flt))
    from taskduty.results import export_message

    render.message(export_message(info))


@app.command()
def forms(
    outdir: Annotated[Path, typer.Argument(
        metavar="OUTDIR", help=_("The folder for the forms."))],
    unit: UnitOption = None,
    month: Annotated[str | None, typer.Option(
        "--month", "-m", help=_("The month reported on (2018-03, 201803 or 2018年3月); "
                                "default this month."))] = None,
    year: YearOption = None,
    fmt: ListingFormat = "table",
    output: OutputOption = None,
    fields: FieldsOption = None,
) -> None:
    """Write one fill-in form per lead unit (all, or --unit ...) for a month.

    Each form lists the unit's tasks with drop-downs for 状态, 进度 (0–100) and a 进展情况
    column; only those cells can be edited. Send them out; read them back with `collect`.

    Example: taskduty forms out/2018-03 --month 2018-03
    """
    from taskduty import queries, render, results
    from taskduty.forms import FormsIncomplete, write_forms

    which = parse_month(month, ahead=1)  # next month's forms may be written ahead
    with get_db().read() as reader:
        year = queries.year_for(reader, year, which.last)
        units = queries.resolve_names(reader, "unit", unit or [], year)
        try:
            with render.progress() as step:
                result = write_forms(reader, outdir, year, which, units,
                                     on_form=lambda done, total, unit: step(
                                         _("writing forms: {unit}").format(unit=unit),
                                         done, total),
                                     thresholds=thresholds(None, None, reader))
        except FormsIncomplete as exc:
            for line in results.form_lines(exc.written):
                typer.echo(line)
            raise
    render.write(results.forms_result(result, which, outdir), fmt, output, fields)


@app.command()
def collect(
    files: Annotated[list[Path], typer.Argument(
        metavar="FILE", help=_("Filled forms (.xlsx)."))],
    month: Annotated[str | None, typer.Option(
        "--month", "-m", help=_("Only accept forms for this month (2018-03, 201803 or "
                                "2018年3月); a form for another month is refused."))] = None,
    year: YearOption = None,
    fmt: ListingFormat = "table",
    output: OutputOption = None,
    fields: FieldsOption = None,
) -> None:
    """Record filled forms as one batch (`taskduty undo` takes it back whole).

    Every row of every file is checked first; on any problem nothing is recorded and each
    problem is listed with file and row. Blank rows are skipped; a form collected twice is
    not recorded twice. Each update is dated the last day of its form's month.

    json gives the whole batch (recorded, skipped, moved, conflicts, forms); csv, tsv and
    jsonl one row per recorded update.

    Example: taskduty collect returned/*.xlsx --month 2018-03
    """
    from taskduty import render, results
    from taskduty.forms import FormProblems
    from taskduty.forms import collect as collect_forms

    which = parse_month(month) if month else None
    try:
        result = collect_forms(get_db(), files, year, which)
    except FormProblems as exc:
        for line in results.problem_lines(exc.problems):
            render.message(line)
        raise
    render.write(results.collect_result(result), fmt, output, fields)


REMIND_FORMATS = (*LISTING_FORMATS, "text")


@app.command()
def remind(
    month: Annotated[str | None, typer.Option(
        "--month", "-m", help=_("The month reported on (2018-03, 201803 or 2018年3月); "
                                "default this month."))] = None,
    year: YearOption = None,
    deadline: Annotated[str | None, typer.Option(
        "--deadline", help=_("The day to report by, in the notice (2018-04-05, 2018/4/5 or "
                             "2018年4月5日); default 5 days after the month ends."))] = None,
    office: Annotated[str | None, typer.Option(
        "--office", help=_("Who signs the notice (default: the office_name setting, "
                           "督查室)."))] = None,
    due_within: Annotated[int | None, typer.Option(
        "--due-within", metavar="DAYS", min=0,
        help=_("Instead: the lead units with tasks not done that fall due in the next DAYS "
               "days (from --as-of, default today), with a 到期提醒 notice each."))] = None,
    as_of: AsOfOption = None,
    fmt: Annotated[str, format_option(
        REMIND_FORMATS, help=_("table, json, jsonl, csv, tsv, or text: a 催办 notice per "
                               "unit (文本)."))] = "table",
    output: OutputOption = None,
    fields: FieldsOption = None,
) -> None:
    """The lead units that have not reported for a month (未报送), with their tasks; or,
    with --due-within DAYS, the lead units with tasks coming due.

    Per task: each lead unit is listed with its tasks that have no report from it dated in
    that month (blank rows of a returned form included); done tasks are left out, and a unit
    with every task done or reported gets no notice.

    Example: taskduty remind --month 2018-03 --format text;
    taskduty remind --due-within 15 --as-of 2018-06-15
    """
    from taskduty import queries, render, results, settings
    from taskduty.cli.query import parse_day
    from taskduty.forms import unreported

    if due_within is not None:
        _remind_due(year, as_of, due_within, office, fmt, output, fields)
        return
    if as_of:
        raise UsageError(_("--as-of goes with --due-within"),
                         hint=_("for units that did not report, give --month"))

    which = parse_month(month)
    due = (parse_day(deadline, "--deadline", future=True) if deadline
           else which.last + timedelta(days=5))
    with get_db().read() as reader:
        _plan, plan_year = queries.plan_id(reader, queries.year_for(reader, year, which.last))
        late = unreported(reader, plan_year, which)
        office = settings.get("office_name", reader, flag=office)

    render.write(results.remind_result(late, plan_year, which, due, office), fmt, output,
                 fields)


def _remind_due(year: int | None, as_of: str | None, days: int, office: str | None,
                fmt: str, output: Path | None, fields: str | None) -> None:
    """``remind --due-within DAYS``: the lead units with tasks coming due."""
    from taskduty import queries, render, results, settings
    from taskduty.due import coming_due

    when = as_of_date(as_of, None) or date.today()
    with get_db().read() as reader:
        _pid, plan_year = queries.plan_id(reader, queries.year_for(reader, year, when))
        units = coming_due(reader, plan_year, when, days)
        office = settings.get("office_name", reader, flag=office)
    render.write(results.due_result(units, plan_year, when, days, office), fmt, output,
                 fields)
