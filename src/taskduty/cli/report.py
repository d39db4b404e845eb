"""The monthly cycle: ``export`` (status workbook), ``forms``, ``collect``, ``remind``."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any

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
from taskduty.i18n import N_, _, ngettext

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
    lights = info.lights or {}
    render.message(_("Wrote {path}: {tasks} tasks, {late} behind or stale").format(
        path=info.path, tasks=info.tasks, late=info.behind_or_stale)
        + _("; lights: {red} red, {yellow} yellow, {blue} blue").format(
            red=lights.get("red", 0), yellow=lights.get("yellow", 0),
            blue=lights.get("blue", 0))
        + (_("; quantitative targets: {n}, {ok} met or on course").format(
            n=info.targets["targets"], ok=info.targets["ok"])
           if info.targets and info.targets["targets"] else ""))


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
    from taskduty import queries, render
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
            for name, path, n in exc.written:
                typer.echo(f"{path}\t{name}\t{n}")
            raise
    rows = [{"file": str(path), "unit": name, "tasks": n} for name, path, n in result.forms]
    n = len(rows)
    render.write(render.Result(
        rows=rows, columns=render.columns(("file", N_("File")), ("unit", N_("Lead unit")),
                                          ("tasks", N_("Tasks"))),
        lines=[f"{r['file']}\t{r['unit']}\t{r['tasks']}" for r in rows],
        show=lambda _rows, _cols: None,
        notes=[ngettext("Wrote {n} form for {month} ({year}) to {folder}",
                        "Wrote {n} forms for {month} ({year}) to {folder}", n).format(
            n=n, month=which, year=result.year, folder=outdir)]), fmt, output, fields)


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
    from taskduty import render
    from taskduty.cli.status import _recorded_result
    from taskduty.forms import FormProblems
    from taskduty.forms import collect as collect_forms

    which = parse_month(month) if month else None
    try:
        result = collect_forms(get_db(), files, year, which)
    except FormProblems as exc:
        from taskduty.limits import listed

        shown, more = listed(exc.problems)
        for problem in shown:
            render.message(f"  {problem}")
        if more:
            render.message("  " + _("… and {n} more problems (the first {shown} are listed)")
                           .format(n=more, shown=len(shown)))
        raise
    out = _recorded_result(result.year, result.batch_id, result.recorded, result.actuals)
    out.data.update({
        "skipped": result.skipped,
        "actuals": [{k: v for k, v in a.items() if k != "target_spec"}
                    for a in result.actuals],
        "moved": [{"file": f, "form_code": a, "code": b} for f, a, b in result.moved],
        "conflicts": result.conflicts,
        "forms": [{"file": str(f.path), "unit": f.unit, "month": str(f.month),
                   "rows": len(f.rows), "copied": f.copied, **f.contact}
                  for f in result.forms]})
    notes = []
    for form in result.forms:
        contact = render.contact_text(form.contact)
        notes.append(ngettext("{file}: {unit}, {month}, {n} filled row",
                              "{file}: {unit}, {month}, {n} filled rows", len(form.rows)).format(
            file=form.path.name, unit=form.unit, month=form.month, n=len(form.rows))
            + (_(" (a copied form, matched by 任务编号)") if form.copied else "")
            + (f" ({contact})" if contact else ""))
    out.lines = [_("{year} {code}: {label}{pct} on {date} [id {id}]").format(
        year=result.year, code=r["code"], label=render.status_label(r["status"]),
        pct=f" {r['progress']}%" if r["progress"] is not None else "", date=r["date"],
        id=r["id"]) for r in result.recorded]
    out.lines += [_("{year} {code}#{no}: 实际完成值 {value:g}{unit} on {date} [id {id}]").format(
        year=result.year, code=a["code"], no=a["target"], value=a["value"],
        unit=a["unit"], date=a["date"], id=a["id"]) for a in result.actuals]
    notes += [_("{file}: task {was} is now {now} (the table was reloaded); recorded as "
                "{now}").format(file=Path(file).name, was=was, now=now)
              for file, was, now in result.moved]
    for c in result.conflicts:
        told = "; ".join(f"{r['unit']} {_report_text(r)}" for r in c["reports"])
        notes.append(_("Note: {code} was reported differently by its lead units ({told}); "
                       "each report is kept, and its status is the least advanced: "
                       "{status}").format(code=c["code"], told=told, status=_report_text(c)))
    if result.skipped:
        notes.append(_("Skipped {n} update(s) already recorded (the same form collected "
                       "before): {codes}").format(n=len(result.skipped),
                                                 codes=", ".join(result.skipped)))
    if result.batch_id is None:
        notes.append(_("Nothing new to record."))
    else:
        n = len(result.recorded)
        values = (_(" and {n} actual values").format(n=len(result.actuals))
                  if result.actuals else "")
        notes.append(ngettext("Recorded {n} update{values} as batch {batch} (undo with: "
                              "taskduty undo)",
                              "Recorded {n} updates{values} as batch {batch} (undo with: "
                              "taskduty undo)", n).format(n=n, values=values,
                                                          batch=result.batch_id))
    out.notes = notes
    render.write(out, fmt, output, fields)


def _report_text(r: dict[str, Any]) -> str:
    """``推进中 40%`` for a report or status dict; 未报送 when there is none."""
    from taskduty import render

    if r.get("status") is None:
        return _("not reported")
    pct = f" {r['progress']}%" if r.get("progress") is not None else ""
    return f"{render.status_label(r['status'])}{pct}"


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
    from taskduty import queries, render, settings
    from taskduty.cli.query import parse_day
    from taskduty.forms import reminder_text, unreported

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

    def notices() -> str:
        sep = "\n" + "-" * 40 + "\n\n"
        return sep.join(reminder_text(e, plan_year, which, due, office) for e in late)

    rows = [{**e, "tasks": len(e["tasks"]),
             "codes": [t["code"] for t in e["tasks"]]} for e in late]
    result = render.Result(
        rows=rows,
        columns=render.columns(
            ("unit", N_("Lead unit")), ("leaders", N_("Leaders")),
            render.Column("tasks", N_("Not reported / led"),
                          lambda v, r: f"{v}/{r['total']}" if "total" in r else v),
            render.Column("codes", N_("Tasks not reported"), lambda v, _r: " ".join(v))),
        data={"year": plan_year, "month": str(which), "deadline": due.isoformat(),
              "units": late},
        title=_("{month}: units that have not reported ({year}, {n} units)").format(
            month=which.cn, year=plan_year, n=len(late)),
        texts={"text": notices},
        notes=[_remind_summary(late, which)])
    render.write(result, fmt, output, fields)


def _remind_due(year: int | None, as_of: str | None, days: int, office: str | None,
                fmt: str, output: Path | None, fields: str | None) -> None:
    """``remind --due-within DAYS``: the lead units with tasks coming due."""
    from taskduty import queries, render, settings
    from taskduty.due import coming_due, due_notice
    from taskduty.fields import HEADERS

    when = as_of_date(as_of, None) or date.today()
    with get_db().read() as reader:
        _pid, plan_year = queries.plan_id(reader, queries.year_for(reader, year, when))
        units = coming_due(reader, plan_year, when, days)
        office = settings.get("office_name", reader, flag=office)
    n = len({t["code"] for e in units for t in e["tasks"]})
    summary = _("{units} units have {tasks} tasks due within {days} days of {day}").format(
        units=len(units), tasks=n, days=days, day=when.isoformat())

    def notices() -> str:
        sep = "\n" + "-" * 40 + "\n\n"
        return sep.join(due_notice(e, plan_year, when, days, office) for e in units)

    rows = [{"unit": e["unit"], "leaders": e["leaders"], "code": t["code"], "due": t["due"],
             "extended": t["extended"], "days_left": t["days_left"], "status": t["status"],
             "warning": t["warning"]} for e in units for t in e["tasks"]]
    columns = render.columns(
        ("unit", HEADERS["units"]), ("leaders", HEADERS["leaders"]), ("code", HEADERS["code"]),
        render.Column("due", HEADERS["deadline"],
                      lambda v, r: f"{v}" + (_("(extended)") if r["extended"] else "")),
        ("days_left", HEADERS["days_left"]),
        render.Column("status", HEADERS["status"], lambda v, _r: render.status_label(v)),
        render.Column("warning", HEADERS["warning"], lambda v, _r: render.warning_label(v)))
    render.write(render.Result(
        rows=rows, columns=columns, texts={"text": notices}, notes=[summary],
        data={"year": plan_year, "as_of": when.isoformat(), "within": days, "units": units},
        title=_("Due within {days} days of {day}").format(days=days, day=when.isoformat())),
        fmt, output, fields)


def _remind_summary(late: list[dict[str, Any]], which: Any) -> str:
    n = sum(len(e["tasks"]) for e in late)
    return _("{units} units have not reported for {month} ({tasks} task reports missing)").format(
        units=len(late), month=str(which), tasks=n)
