"""Recording commands: ``update``, ``undo``, ``withdraw``."""

from __future__ import annotations

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
from taskduty.i18n import N_, _, ngettext


def _status_text(value: Any, _row: dict) -> str:
    from taskduty import render

    return render.status_label(value) if value else ""


def _recorded_result(year: int, batch: int | None, recorded: list[dict],
                     actuals: list[dict] | None = None) -> Any:
    """The updates (and actual values) a batch recorded: one row each; JSON keeps the batch
    around them."""
    from taskduty import render
    from taskduty.fields import HEADERS

    rows = [{"year": year, "batch": batch, **r} for r in recorded]
    rows += [{"year": year, "batch": batch, "code": f"{a['code']}#{a['target']}",
              "status": None, "progress": None, "value": a.get("value"), "date": a["date"],
              "id": f"A{a['id']}"} for a in actuals or []]
    columns = render.columns(
        ("year", HEADERS["year"]), ("code", HEADERS["code"]),
        render.Column("status", HEADERS["status"], _status_text),
        ("progress", HEADERS["progress"]), ("date", N_("Date")), ("id", N_("ID")))
    if actuals:
        columns.insert(4, render.Column("value", N_("Actual value")))
    return render.Result(rows=rows, columns=columns, show=lambda _rows, _cols: None,
                         data={"year": year, "batch": batch, "recorded": recorded})


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
    from taskduty import render
    from taskduty.dates import parse_date, today
    from taskduty.i18n import _
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
    when = parse_date(on, "--date") if on else today()
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
    out = _recorded_result(result.year, result.batch_id, result.recorded, result.actuals)
    out.data.update({"skipped": result.skipped, "reopened": result.reopened,
                     "actuals": result.actuals})
    out.lines = [_("{year} {code}: {label} ({status}){pct} on {date} [id {id}]").format(
        year=result.year, code=r["code"], label=render.status_label(r["status"]),
        status=r["status"], pct=f" {r['progress']}%" if r["progress"] is not None else "",
        date=r["date"], id=r["id"]) for r in result.recorded]
    out.lines += _actual_lines(result.year, result.actuals)
    render.write(out, fmt, output, fields)
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


def _actual_lines(year: int, actuals: list[dict]) -> list[str]:
    """One line per actual value recorded."""
    if not actuals:
        return []
    from taskduty.targets import describe

    return [_("{year} {code}#{no}: 实际完成值 {value} (target {target}: {text}) "
              "on {date} [id {id}]").format(
        year=year, code=a["code"], no=a["target"],
        value=describe({"value": a["value"], "unit": a["unit"], "bound": "exact",
                        "kind": "level", "upper": None}),
        target=describe(a["target_spec"]), text=a["text"], date=a["date"], id=a["id"])
        for a in actuals]


@app.command()
def undo(fmt: ListingFormat = "table", output: OutputOption = None,
         fields: FieldsOption = None) -> None:
    """Withdraw the most recent batch you entered (one `update` or `collect` call).

    Another person's batches are never touched; withdrawn updates stay in the database
    (`taskduty show CODE --withdrawn` lists them).

    Example: taskduty undo
    """
    from taskduty.updates import undo as undo_batch

    result = undo_batch(get_db())
    _write_withdrawn(result.entries, fmt, output, fields,
                     _("Withdrew batch {batch}").format(batch=result.batch_id), result.actuals)


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
    _write_withdrawn(result.entries, fmt, output, fields, _("Withdrew"), result.actuals)


def _write_withdrawn(entries: list[dict], fmt: str, output: Any, fields: str | None,
                     heading: str, actuals: list[dict] | None = None) -> None:
    """What was withdrawn: one row per update, extension or actual value (json: a list, the
    actual values told apart by their "target" key, extensions by "kind")."""
    from taskduty import render
    from taskduty.fields import HEADERS

    actuals = actuals or []
    extensions = [e for e in entries if e.get("kind") == "extension"]
    updates = [e for e in entries if e.get("kind") != "extension"]
    n = len(updates) + len(actuals)
    notes = []
    if n or not extensions:
        notes.append(ngettext("{heading}: {n} update", "{heading}: {n} updates", n).format(
            heading=heading, n=n))
    if extensions:
        notes.append(ngettext("{heading}: {n} extension", "{heading}: {n} extensions",
                              len(extensions)).format(heading=heading, n=len(extensions)))
    lines = [_("{year} {code}: withdrew update {id} ({label}, {date})").format(
        year=e["year"], code=e["code"], id=e["id"], label=render.status_label(e["status"]),
        date=e["date"]) for e in updates]
    lines += [_("{year} {code}: withdrew extension {id} (to {date})").format(**e)
              for e in extensions]
    lines += [_("{year} {code}#{no}: withdrew actual value {id} ({value}, {date})").format(
        year=a["year"], code=a["code"], no=a["target"], id=a["id"],
        value=f"{a['value']:g}", date=a["date"]) for a in actuals]
    rows = [*entries, *({**a, "code": f"{a['code']}#{a['target']}", "id": f"A{a['id']}"}
                        for a in actuals)]
    columns = render.columns(
        ("year", HEADERS["year"]), ("code", HEADERS["code"]), ("id", N_("ID")),
        render.Column("status", HEADERS["status"], _status_text), ("date", N_("Date")))
    render.write(render.Result(rows=rows, columns=columns, data=entries + actuals,
                               show=lambda _rows, _cols: None, notes=notes, lines=lines),
                 fmt, output, fields)


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
    from taskduty import render
    from taskduty.dates import parse_date
    from taskduty.extensions import extend as record_extension
    from taskduty.fields import HEADERS

    day = parse_date(to, "--to", future=True)
    result = record_extension(get_db(), year, codes, day, reason, approved_by)
    rows = [{"year": result.year, "batch": result.batch_id, **r} for r in result.recorded]
    render.write(render.Result(
        rows=rows, data={"year": result.year, "batch": result.batch_id,
                         "recorded": result.recorded},
        columns=render.columns(("year", HEADERS["year"]), ("code", HEADERS["code"]),
                               ("to", N_("Due")), ("deadline", HEADERS["deadline"]),
                               ("id", N_("ID"))),
        show=lambda _rows, _cols: None,
        lines=[_("{year} {code}: due {to} (was {was}) [id {id}]").format(
            year=result.year, code=r["code"], to=r["to"], was=r["deadline"] or _("no deadline"),
            id=r["id"]) for r in result.recorded],
        notes=[ngettext("Recorded {n} extension as batch {batch} (undo with: taskduty undo)",
                        "Recorded {n} extensions as batch {batch} (undo with: taskduty undo)",
                        len(result.recorded)).format(n=len(result.recorded),
                                                     batch=result.batch_id)]),
        fmt, output, fields)
