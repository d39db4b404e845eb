"""The monthly cycle: ``export`` (status workbook), ``forms``, ``collect``, ``remind``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from taskduty.cli.app import FormatOption, OutputFormat, YearOption, app, get_db
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
from taskduty.errors import UsageError
from taskduty.i18n import _

EXPORT_SUFFIXES = (".xlsx", ".csv", ".json")


def _month(text: str | None, future: bool = False) -> Any:
    from taskduty.dates import Month, parse_month, today

    return parse_month(text, "--month", future=future) if text else Month.of(today())


@app.command()
def export(
    out: Annotated[Path, typer.Argument(
        metavar="OUT",
        help="The file to write: .xlsx (the printable report), .csv or .json (the rows of "
        "`tasks`).")],
    leader: LeaderOption = None,
    unit: UnitOption = None,
    year: YearOption = None,
    as_of: AsOfOption = None,
    month: MonthOption = None,
    stale_days: Annotated[int, typer.Option(
        "--stale-days", help="A task is stale after this many days without an update.",
        min=0)] = 30,
    blue_days: BlueDaysOption = None,
    yellow_points: YellowPointsOption = None,
) -> None:
    """Write the status report: an A4 workbook (report with 序时进度 and 预警, summary with
    counts per status and light, charts, the red, yellow, behind and stale tasks).

    Example: taskduty export 2018-03.xlsx --month 2018-03
    """
    from taskduty import queries, render

    suffix = out.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise UsageError(f"cannot export to {out.name!r}: unknown file type",
                         hint="end the name with .xlsx, .csv or .json")
    when = as_of_date(as_of, month) or date.today()
    with get_db().read() as reader:
        year = queries.year_for(reader, year, when)
        leaders = queries.resolve_names(reader, "leader", leader or [], year)
        units = queries.resolve_names(reader, "unit", unit or [], year)
        flt = queries.TaskFilter(year=year, leaders=leaders, units=units, as_of=when,
                                 thresholds=thresholds(blue_days, yellow_points, reader))
        _pid, plan_year = queries.plan_id(reader, year)
        if suffix == ".csv":
            render.emit(render.tasks_csv(queries.list_tasks(reader, flt)), out, bom=True)
            return
        if suffix == ".json":
            found = queries.list_tasks(reader, flt)
            render.emit(render.to_json([t.as_dict() for t in found]), out)
            return
        from taskduty.excel import write_report

        scope = "；".join(part for part in (
            f"分管领导：{'、'.join(leaders)}" if leaders else "",
            f"牵头单位：{'、'.join(units)}" if units else "") if part)
        # The tasks stream from the database into the workbook (flat memory on big tables).
        facts = queries.task_facts(reader, flt)
        info = write_report(out, queries.iter_tasks(reader, flt), plan_year, when, stale_days,
                            scope, co_units=facts.co_units, deadlines=facts.deadlines,
                            names=queries.task_names(reader, flt))
    lights = info.lights or {}
    render.message(f"Wrote {info.path}: {info.tasks} tasks, "
                   f"{info.behind_or_stale} behind or stale"
                   + _("; lights: {red} red, {yellow} yellow, {blue} blue").format(
                       red=lights.get("red", 0), yellow=lights.get("yellow", 0),
                       blue=lights.get("blue", 0))
                   + (_("; quantitative targets: {n}, {ok} met or on course").format(
                       n=info.targets["targets"], ok=info.targets["ok"])
                      if info.targets and info.targets["targets"] else ""))


@contextmanager
def _progress() -> Iterator[Any]:
    """A transient progress bar on stderr; yields a callback(done, total, label)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from taskduty import render

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  console=render.console(stderr=True), transient=True) as bar:
        job = bar.add_task("writing forms", total=None)

        def step(done: int, total: int, label: str) -> None:
            bar.update(job, completed=done, total=total, description=f"writing forms: {label}")

        yield step


def _not_after_next_month(which: Any) -> None:
    """Forms may be written ahead for next month, not for a month further off (a typo)."""
    from taskduty.dates import Month, today
    from taskduty.i18n import _

    now = Month.of(today())
    following = Month(now.year + now.month // 12, now.month % 12 + 1)
    if which > following:
        raise UsageError(_("--month {month} is in the future (this month is {now})").format(
            month=str(which), now=str(now)), hint=_("give a month that has begun; check the year"))


@app.command()
def forms(
    outdir: Annotated[Path, typer.Argument(metavar="OUTDIR", help="The folder for the forms.")],
    unit: UnitOption = None,
    month: Annotated[str | None, typer.Option(
        "--month", "-m", help="The month reported on (2018-03, 201803 or 2018年3月); "
        "default this month.")] = None,
    year: YearOption = None,
) -> None:
    """Write one fill-in form per lead unit (all, or --unit ...) for a month.

    Each form lists the unit's tasks with drop-downs for 状态, 进度 (0–100) and a 进展情况
    column; only those cells can be edited. Send them out; read them back with `collect`.

    Example: taskduty forms out/2018-03 --month 2018-03
    """
    from taskduty import queries, render
    from taskduty.forms import FormsIncomplete, write_forms

    which = _month(month, future=True)
    _not_after_next_month(which)
    with get_db().read() as reader:
        year = queries.year_for(reader, year, which.last)
        units = queries.resolve_names(reader, "unit", unit or [], year)
        try:
            with _progress() as step:
                result = write_forms(reader, outdir, year, which, units, on_form=step,
                                 thresholds=thresholds(None, None, reader))
        except FormsIncomplete as exc:
            for name, path, n in exc.written:
                typer.echo(f"{path}\t{name}\t{n}")
            raise
    for name, path, n in result.forms:
        typer.echo(f"{path}\t{name}\t{n}")
    render.message(f"Wrote {len(result.forms)} forms for {which} ({result.year}) to {outdir}")


@app.command()
def collect(
    files: Annotated[list[Path], typer.Argument(metavar="FILE", help="Filled forms (.xlsx).")],
    month: Annotated[str | None, typer.Option(
        "--month", "-m", help="Only accept forms for this month (2018-03, 201803 or "
        "2018年3月); a form for "
        "another month is refused.")] = None,
    year: YearOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Record filled forms as one batch (`taskduty undo` takes it back whole).

    Every row of every file is checked first; on any problem nothing is recorded and each
    problem is listed with file and row. Blank rows are skipped; a form collected twice is
    not recorded twice. Each update is dated the last day of its form's month.

    Example: taskduty collect returned/*.xlsx --month 2018-03
    """
    from taskduty import i18n, render
    from taskduty.forms import CONTACT_LINES, FormProblems
    from taskduty.forms import collect as collect_forms

    which = _month(month) if month else None
    try:
        result = collect_forms(get_db(), files, year, which)
    except FormProblems as exc:
        from taskduty.limits import listed

        shown, more = listed(exc.problems)
        for problem in shown:
            render.message(f"  {problem}")
        if more:
            render.message("  " + i18n._("… and {n} more problems (the first {shown} are listed)")
                           .format(n=more, shown=len(shown)))
        raise
    if fmt == OutputFormat.json:
        render.emit(render.to_json({
            "year": result.year, "batch": result.batch_id, "recorded": result.recorded,
            "skipped": result.skipped,
            "actuals": [{k: v for k, v in a.items() if k != "target_spec"}
                        for a in result.actuals],
            "moved": [{"file": f, "form_code": a, "code": b} for f, a, b in result.moved],
            "conflicts": result.conflicts,
            "forms": [{"file": str(f.path), "unit": f.unit, "month": str(f.month),
                       "rows": len(f.rows), "copied": f.copied, **f.contact}
                      for f in result.forms]}))
        return
    for form in result.forms:
        contact = "; ".join(f"{label} {form.contact[key]}" for key, label in CONTACT_LINES
                            if form.contact.get(key))
        render.message(f"{form.path.name}: {form.unit}, {form.month}, {len(form.rows)} "
                       f"filled row{'s' if len(form.rows) != 1 else ''}"
                       + (_(" (a copied form, matched by 任务编号)") if form.copied else "")
                       + (f" ({contact})" if contact else ""))
    for r in result.recorded:
        pct = f" {r['progress']}%" if r["progress"] is not None else ""
        typer.echo(f"{result.year} {r['code']}: {render.status_label(r['status'])}{pct} "
                   f"on {r['date']} [id {r['id']}]")
    for a in result.actuals:
        typer.echo(_("{year} {code}#{no}: 实际完成值 {value:g}{unit} on {date} [id {id}]").format(
            year=result.year, code=a["code"], no=a["target"], value=a["value"],
            unit=a["unit"], date=a["date"], id=a["id"]))
    for file, was, now in result.moved:
        render.message(f"{Path(file).name}: task {was} is now {now} (the table was reloaded); "
                       f"recorded as {now}")
    for c in result.conflicts:
        told = "; ".join(f"{r['unit']} {_report_text(r)}" for r in c["reports"])
        render.message(_("Note: {code} was reported differently by its lead units ({told}); "
                         "each report is kept, and its status is the least advanced: "
                         "{status}").format(code=c["code"], told=told,
                                            status=_report_text(c)))
    if result.skipped:
        render.message(f"Skipped {len(result.skipped)} update(s) already recorded "
                       f"(the same form collected before): {', '.join(result.skipped)}")
    if result.batch_id is None:
        render.message("Nothing new to record.")
    else:
        n = len(result.recorded)
        values = (_(" and {n} actual values").format(n=len(result.actuals))
                  if result.actuals else "")
        render.message(f"Recorded {n} update{'s' if n != 1 else ''}{values} as batch "
                       f"{result.batch_id} (undo with: taskduty undo)")


def _report_text(r: dict[str, Any]) -> str:
    """``推进中 40%`` for a report or status dict; 未报送 when there is none."""
    from taskduty import render

    if r.get("status") is None:
        return "未报送"
    pct = f" {r['progress']}%" if r.get("progress") is not None else ""
    return f"{render.status_label(r['status'])}{pct}"


class RemindFormat(StrEnum):
    table = "table"
    json = "json"
    text = "text"


@app.command()
def remind(
    month: Annotated[str | None, typer.Option(
        "--month", "-m", help="The month reported on (2018-03, 201803 or 2018年3月); "
        "default this month.")] = None,
    year: YearOption = None,
    deadline: Annotated[str | None, typer.Option(
        "--deadline", help="The day to report by, in the notice (2018-04-05, 2018/4/5 or "
        "2018年4月5日); "
        "default 5 days after the month ends.")] = None,
    office: Annotated[str, typer.Option(
        "--office", help="Who signs the notice.")] = "督查室",
    due_within: Annotated[int | None, typer.Option(
        "--due-within", metavar="DAYS", min=0,
        help="Instead: the lead units with tasks not done that fall due in the next DAYS "
        "days (from --as-of, default today), with a 到期提醒 notice each.")] = None,
    as_of: AsOfOption = None,
    fmt: Annotated[RemindFormat, typer.Option(
        "--format", "-f", help="table, json, or text: a 催办 notice per unit.",
        case_sensitive=False)] = RemindFormat.table,
) -> None:
    """The lead units that have not reported for a month (未报送), with their tasks; or,
    with --due-within DAYS, the lead units with tasks coming due.

    Per task: each lead unit is listed with its tasks that have no report from it dated in
    that month (blank rows of a returned form included); done tasks are left out, and a unit
    with every task done or reported gets no notice.

    Example: taskduty remind --month 2018-03 --format text;
    taskduty remind --due-within 15 --as-of 2018-06-15
    """
    from taskduty import queries, render
    from taskduty.cli.query import parse_day
    from taskduty.forms import reminder_text, unreported

    if due_within is not None:
        _remind_due(year, as_of, due_within, office, fmt)
        return
    if as_of:
        raise UsageError(_("--as-of goes with --due-within"),
                         hint=_("for units that did not report, give --month"))

    which = _month(month)
    due = (parse_day(deadline, "--deadline", future=True) if deadline
           else which.last + timedelta(days=5))
    with get_db().read() as reader:
        _pid, plan_year = queries.plan_id(reader, queries.year_for(reader, year, which.last))
        late = unreported(reader, plan_year, which)
    if fmt == RemindFormat.json:
        render.emit(render.to_json({"year": plan_year, "month": str(which),
                                    "deadline": due.isoformat(), "units": late}))
        return
    if fmt == RemindFormat.text:
        sep = "\n" + "-" * 40 + "\n\n"
        if late:
            render.emit(sep.join(reminder_text(e, plan_year, which, due, office)
                                 for e in late))
        render.message(_remind_summary(late, which))
        return
    from rich.table import Table

    table = Table(title=f"{which.cn} 未报送单位（{plan_year}年 · {len(late)}个单位）",
                  header_style="bold")
    for name in ("牵头单位", "分管领导", "未报/牵头", "未报任务"):
        table.add_column(name, no_wrap=name == "未报/牵头")
    for e in late:
        table.add_row(e["unit"], "、".join(e["leaders"]), f"{len(e['tasks'])}/{e['total']}",
                      " ".join(t["code"] for t in e["tasks"]))
    render.console().print(table)
    render.message(_remind_summary(late, which))


def _remind_due(year: int | None, as_of: str | None, days: int, office: str,
                fmt: RemindFormat) -> None:
    """``remind --due-within DAYS``: the lead units with tasks coming due."""
    from taskduty import queries, render
    from taskduty.due import coming_due, due_notice

    when = as_of_date(as_of, None) or date.today()
    with get_db().read() as reader:
        _pid, plan_year = queries.plan_id(reader, queries.year_for(reader, year, when))
        units = coming_due(reader, plan_year, when, days)
    n = len({t["code"] for e in units for t in e["tasks"]})
    summary = _("{units} units have {tasks} tasks due within {days} days of {day}").format(
        units=len(units), tasks=n, days=days, day=when.isoformat())
    if fmt == RemindFormat.json:
        render.emit(render.to_json({"year": plan_year, "as_of": when.isoformat(),
                                    "within": days, "units": units}))
        return
    if fmt == RemindFormat.text:
        if units:
            sep = "\n" + "-" * 40 + "\n\n"
            render.emit(sep.join(due_notice(e, plan_year, when, days, office) for e in units))
        render.message(summary)
        return
    rows = [{"unit": e["unit"], "leaders": e["leaders"], "code": t["code"], "due": t["due"]
             + ("（延期）" if t["extended"] else ""), "days_left": t["days_left"],
             "status": render.status_label(t["status"]),
             "warning": render.warning_label(t["warning"])}
            for e in units for t in e["tasks"]]
    render.print_rows(rows, [("unit", "牵头单位"), ("leaders", "分管领导"), ("code", "任务编号"),
                             ("due", "完成时限"), ("days_left", "剩余天数"), ("status", "状态"),
                             ("warning", "预警")],
                      title=_("Due within {days} days of {day}").format(
                          days=days, day=when.isoformat()))
    render.message(summary)


def _remind_summary(late: list[dict[str, Any]], which: Any) -> str:
    n = sum(len(e["tasks"]) for e in late)
    return _("{units} units have not reported for {month} ({tasks} task reports missing)").format(
        units=len(late), month=str(which), tasks=n)
