"""Housekeeping commands: ``unload`` a year, ``check`` its data quality, ``alias`` names."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from taskduty.cli.app import FormatOption, OutputFormat, YearOption, app, get_db
from taskduty.errors import UsageError


@app.command()
def unload(
    year: Annotated[int, typer.Argument(metavar="YEAR", help="The year whose table to remove.")],
    force: Annotated[bool, typer.Option(
        "--force", help="Also when the year has status history (it is deleted too).")] = False,
) -> None:
    """Remove a year loaded by mistake: its tasks, goals, links, load notes and updates.

    Refused when the year has status history, unless --force. One transaction.

    Example: taskduty unload 2019
    """
    from taskduty import render
    from taskduty.store import unload_plan

    counts = unload_plan(get_db(), year, force=force)
    render.message(f"Unloaded {year}: {counts['tasks']} tasks in {counts['goals']} goals, "
                   f"{counts['updates']} updates deleted")


@app.command()
def check(
    year: YearOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """A data-quality report: inherited cells, repaired fragments, warnings, names that look
    like variants of one another, tasks without a leader or a lead unit.

    Example: taskduty check --year 2018 --format json
    """
    from taskduty import checks, render

    with get_db().read() as reader:
        report = checks.data_quality(reader, year)
    if fmt == OutputFormat.json:
        render.emit(render.to_json(report))
        return
    if fmt == OutputFormat.csv:
        rows = [[kind, item] for kind, item in _check_lines(report)]
        render.emit(render.to_csv(["kind", "item"], rows))
        return
    out = render.console()
    out.print(f"Check {report['year']}: {report['tasks']} tasks, "
              f"{checks.problem_count(report)} to look at", style="bold", markup=False)
    headings = {"warning": "Warnings", "variant": "Names that look like variants "
                "(taskduty alias ALIAS NAME merges them)",
                "no_leader": "Tasks without a leader", "no_unit": "Tasks without a lead unit",
                "repaired": "Repaired fragments", "inherited": "Inherited cells",
                "cleaned": "Cleaned names", "removed": "Removed tasks kept for their history",
                "note": "Notes"}
    lines = _check_lines(report)
    for kind, heading in headings.items():
        items = [item for k, item in lines if k == kind]
        if items:
            out.print(f"{heading} ({len(items)}):", style="bold", markup=False)
            for item in items:
                out.print(f"  {item}", markup=False)
    if not lines:
        out.print("  nothing to report", markup=False)


def _check_lines(report: dict[str, Any]) -> list[tuple[str, str]]:
    def where(n: dict[str, Any]) -> str:
        return f"{n['ref']}: " if n.get("ref") else ""

    lines = [("warning", where(n) + n["message"]) for n in report["warnings"]]
    lines += [("variant", f"{v['kind']} {v['names'][0]} ({v['tasks'][0]} tasks) / "
               f"{v['names'][1]} ({v['tasks'][1]} tasks): {v['reason']}")
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


@app.command()
def alias(
    alias_name: Annotated[str | None, typer.Argument(
        metavar="ALIAS", help="Another spelling, e.g. 经开区.")] = None,
    name: Annotated[str | None, typer.Argument(
        metavar="NAME", help="The name it stands for, e.g. 常州经开区.")] = None,
    kind: Annotated[str | None, typer.Option(
        "--kind", "-k", help="leader or unit (default: whichever knows NAME).")] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the aliases.")] = False,
    remove: Annotated[str | None, typer.Option(
        "--remove", metavar="ALIAS", help="Forget this alias.")] = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Record another spelling (别名) of a leader or unit name, used on every load and query.

    Tasks already linked to the alias spelling are moved onto the name.

    Example: taskduty alias 经开区 常州经开区
    """
    from taskduty import render
    from taskduty.store import add_alias, list_aliases, remove_alias

    if kind is not None and kind not in ("leader", "unit"):
        raise UsageError(f"--kind {kind!r} is not one of leader, unit")
    db = get_db()
    if list_:
        if alias_name or remove:
            raise UsageError("--list takes no other arguments")
        rows = list_aliases(db)
        columns = [("kind", "类型"), ("alias", "别名"), ("name", "名称")]
        render.output_rows(rows, columns, fmt.value)
        return
    if remove is not None:
        if alias_name or name:
            raise UsageError("--remove takes only the alias",
                             hint=f"taskduty alias --remove {remove}")
        for r in remove_alias(db, remove, kind):
            render.message(f"Removed {r['kind']} alias {r['alias']} -> {r['name']}")
        return
    if not alias_name or not name:
        raise UsageError("give an alias and the name it stands for",
                         hint="taskduty alias 经开区 常州经开区 (or --list, --remove ALIAS)")
    result = add_alias(db, alias_name, name, kind)
    if fmt == OutputFormat.json:
        render.emit(render.to_json(result))
    was = f" (was {result['was']})" if result["was"] and result["was"] != result["name"] else ""
    moved = (f"; {result['relinked']} task links moved from {result['alias']}"
             if result["relinked"] else "")
    render.message(f"{result['kind']} alias {result['alias']} -> {result['name']}{was}{moved}")
