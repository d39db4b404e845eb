"""Housekeeping commands: ``unload`` a year, ``check`` its data quality, ``alias`` names."""

from __future__ import annotations

from typing import Annotated

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
from taskduty.i18n import _


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
    from taskduty.results import unload_message
    from taskduty.store import unload_plan

    render.message(unload_message(year, unload_plan(get_db(), year, force=force)))


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
    from taskduty.results import check_result

    render.write(check_result(report), fmt, output, fields)


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
    from taskduty.results import alias_result
    from taskduty.store import add_alias, list_aliases, remove_alias

    db = get_db()
    if list_:
        if alias_name or remove:
            raise UsageError(_("--list takes no other arguments"))
        render.write(alias_result(list_aliases(db)), fmt, output, fields)
        return
    if remove is not None:
        if alias_name or name:
            raise UsageError(_("--remove takes only the alias"),
                             hint=_("e.g. taskduty alias --remove {alias}").format(alias=remove))
        render.write(alias_result(remove_alias(db, remove, kind), removed=True), fmt, output,
                     fields)
        return
    if not alias_name or not name:
        raise UsageError(_("give an alias and the name it stands for"),
                         hint=_("taskduty alias 经开区 常州经开区 (or --list, --remove ALIAS)"))
    render.write(alias_result([add_alias(db, alias_name, name, kind)], added=True), fmt,
                 output, fields)
