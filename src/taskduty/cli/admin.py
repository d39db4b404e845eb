"""Housekeeping commands: ``unload`` a year, ``check`` its data quality, ``alias`` names."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from taskduty.cli.app import (
    FieldsOption,
    ListingFormat,
    OutputOption,
    YearOption,
    app,
    choice,
    get_db,
)
from taskduty.errors import UsageError
from taskduty.i18n import N_, _


@app.command()
def unload(
    year: Annotated[int, typer.Argument(
        metavar="YEAR", help=_("The year whose table to remove."))],
    force: Annotated[bool, typer.Option(
        "--force", help=_("Also when the year has status history (it is deleted too)."))]
    = False,
) -> None:
    """Remove a year loaded by mistake: its tasks, goals, links, load notes and updates.

    Refused when the year has status history, unless --force. One transaction.

    Example: taskduty unload 2019
    """
    from taskduty import render
    from taskduty.store import unload_plan

    counts = unload_plan(get_db(), year, force=force)
    render.message(_("Unloaded {year}: {tasks} tasks in {goals} goals, {updates} updates "
                     "deleted").format(year=year, tasks=counts["tasks"], goals=counts["goals"],
                                       updates=counts["updates"]))


CHECK_HEADINGS = {
    "warning": N_("Warnings"),
    "variant": N_("Names that look like variants (taskduty alias ALIAS NAME merges them)"),
    "no_leader": N_("Tasks without a leader"), "no_unit": N_("Tasks without a lead unit"),
    "repaired": N_("Repaired fragments"), "inherited": N_("Inherited cells"),
    "cleaned": N_("Cleaned names"), "removed": N_("Removed tasks kept for their history"),
    "note": N_("Notes")}


@app.command()
def check(
    year: YearOption = None,
    fmt: ListingFormat = "table",
    output: OutputOption = None,
    fields: FieldsOption = None,
) -> None:
    """A data-quality report: inherited cells, repaired fragments, warnings, names that look
    like variants of one another, tasks without a leader or a lead unit.

    json gives the whole report; csv, tsv and jsonl one row per item (kind, item).

    Example: taskduty check --year 2018 --format json
    """
    from taskduty import checks, render

    with get_db().read() as reader:
        report = checks.data_quality(reader, year)
    items = _check_lines(report)
    lines = [_("Check {year}: {tasks} tasks, {n} to look at").format(
        year=report["year"], tasks=report["tasks"], n=checks.problem_count(report))]
    for kind, heading in CHECK_HEADINGS.items():
        mine = [item for k, item in items if k == kind]
        if mine:
            lines.append(_("{heading} ({n}):").format(heading=_(heading), n=len(mine)))
            lines += [f"  {item}" for item in mine]
    if not items:
        lines.append("  " + _("nothing to report"))
    render.write(render.Result(
        rows=[{"kind": k, "item": i} for k, i in items],
        columns=render.columns(("kind", N_("Kind")), ("item", N_("Item"))),
        data=report, lines=lines, show=lambda _rows, _cols: None), fmt, output, fields)


def _check_lines(report: dict[str, Any]) -> list[tuple[str, str]]:
    def where(n: dict[str, Any]) -> str:
        return f"{n['ref']}: " if n.get("ref") else ""

    lines = [("warning", where(n) + n["message"]) for n in report["warnings"]]
    lines += [("variant", _("{kind} {a} ({a_tasks} tasks) / {b} ({b_tasks} tasks): "
                            "{reason}").format(kind=v["kind"], a=v["names"][0],
                                               a_tasks=v["tasks"][0], b=v["names"][1],
                                               b_tasks=v["tasks"][1], reason=v["reason"]))
              for v in report["variants"]]
    lines += [("no_leader", code) for code in report["no_leader"]]
    lines += [("no_unit", code) for code in report["no_unit"]]
    lines += [("repaired", where(n) + n["message"]) for n in report["repaired"]]
    lines += [("inherited", f"{i['code']} {'、'.join(i['fields'])}")
              for i in report["inherited"]]
    lines += [("cleaned", n["message"]) for n in report["cleaned"]]
    lines += [("removed", f"{r['code']} {r['standard']}") for r in report["removed"]]
    lines += [("note", where(n) + n["message"]) for n in report["notes"]]
    return lines


KINDS = ("leader", "unit")


@app.command()
def alias(
    alias_name: Annotated[str | None, typer.Argument(
        metavar="ALIAS", help=_("Another spelling, e.g. 经开区."))] = None,
    name: Annotated[str | None, typer.Argument(
        metavar="NAME", help=_("The name it stands for, e.g. 常州经开区."))] = None,
    kind: Annotated[str | None, typer.Option(
        "--kind", "-k", metavar="[leader|unit]", callback=choice(KINDS, "--kind"),
        autocompletion=lambda: list(KINDS),
        help=_("leader or unit, 领导 or 单位 (default: whichever knows NAME)."))] = None,
    list_: Annotated[bool, typer.Option("--list", help=_("List the aliases."))] = False,
    remove: Annotated[str | None, typer.Option(
        "--remove", metavar="ALIAS", help=_("Forget this alias."))] = None,
    fmt: ListingFormat = "table",
    output: OutputOption = None,
    fields: FieldsOption = None,
) -> None:
    """Record another spelling (别名) of a leader or unit name, used on every load and query.

    Tasks already linked to the alias spelling are moved onto the name.

    Example: taskduty alias 经开区 常州经开区
    """
    from taskduty import render
    from taskduty.store import add_alias, list_aliases, remove_alias

    db = get_db()
    columns = render.columns(("kind", N_("Kind")), ("alias", N_("Alias")),
                             ("name", N_("Name")))
    if list_:
        if alias_name or remove:
            raise UsageError(_("--list takes no other arguments"))
        render.write(render.Result(rows=list_aliases(db), columns=columns), fmt, output, fields)
        return
    if remove is not None:
        if alias_name or name:
            raise UsageError(_("--remove takes only the alias"),
                             hint=_("e.g. taskduty alias --remove {alias}").format(alias=remove))
        removed = remove_alias(db, remove, kind)
        render.write(render.Result(
            rows=removed, columns=columns, show=lambda _rows, _cols: None,
            notes=[_("Removed {kind} alias {alias} -> {name}").format(**r) for r in removed]),
            fmt, output, fields)
        return
    if not alias_name or not name:
        raise UsageError(_("give an alias and the name it stands for"),
                         hint=_("taskduty alias 经开区 常州经开区 (or --list, --remove ALIAS)"))
    result = add_alias(db, alias_name, name, kind)
    was = (_(" (was {name})").format(name=result["was"])
           if result["was"] and result["was"] != result["name"] else "")
    moved = (_("; {n} task links moved from {alias}").format(n=result["relinked"],
                                                             alias=result["alias"])
             if result["relinked"] else "")
    render.write(render.Result(
        rows=[result], columns=columns, data=result, show=lambda _rows, _cols: None,
        notes=[_("{kind} alias {alias} -> {name}").format(**result) + was + moved]),
        fmt, output, fields)
