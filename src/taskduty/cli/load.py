"""Commands that read tables: ``load`` (what it does is in cli/loading.py, which cli/lean.py
runs too) and ``convert``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from taskduty.cli.app import REPORT_FORMATS, app, choice, format_option
from taskduty.i18n import _
from taskduty.sources import INPUT_FORMATS

InputFormatOption = Annotated[str | None, typer.Option(
    "--input-format", "-i", metavar="[" + "|".join(INPUT_FORMATS) + "]",
    callback=choice(INPUT_FORMATS, "--input-format"), autocompletion=lambda: list(INPUT_FORMATS),
    help=_("The input's format, when the file name does not tell: text, csv, xlsx, xls (also "
           ".et), docx, doc (also .wps), notice (通知)."))]
SheetOption = Annotated[str | None, typer.Option(
    "--sheet", help=_("XLSX: the sheet to read (default: the first)."))]


@app.command()
def load(
    file: Annotated[Path, typer.Argument(
        metavar="FILE",
        help=_("The table: .txt (a table or a notice), .csv/.tsv, .xlsx, .xls/.et, .docx, "
               ".doc/.wps (.doc/.wps need LibreOffice)."))],
    year: Annotated[int | None, typer.Option(
        "--year", "-y",
        help=_("The table's year (default: a year in its title or file name)."))] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", "-n", help=_("Show the load report; write nothing."))] = False,
    replace: Annotated[bool, typer.Option(
        "--replace", help=_("Replace the year's table, keeping every task's history."))]
    = False,
    input_format: InputFormatOption = None,
    sheet: SheetOption = None,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help=_("Only the counts, not every repair."))] = False,
    fmt: Annotated[str, format_option(REPORT_FORMATS, help=_(
        "table: the report on stderr; json: the report on stdout (with --dry-run, also "
        "every task as parsed)."))] = "table",
    lead_first: Annotated[bool | None, typer.Option(
        "--lead-first/--no-lead-first",
        help=_("Where a unit list marks no lead (责任单位：A、B、C), the first-listed unit "
               "leads and the others cooperate (setting lead_first). A document that states "
               "this rule (列第一位者为牵头单位) gets it without the option."))] = None,
) -> None:
    """Load a year's responsibility table into the database, in one transaction.

    Blank leader/unit cells inherit from the row above (same goal) and wrapped unit names
    are joined; the report lists each. Loading the same content again changes nothing.

    Example: taskduty load data/seed_table.csv --year 2018

    Example: taskduty load 分解通知.txt --lead-first --dry-run -f json
    """
    from taskduty.cli import loading

    loading.load(file, year=year, dry_run=dry_run, replace=replace, input_format=input_format,
                 sheet=sheet, quiet=quiet, fmt=fmt, lead_first=lead_first)


@app.command()
def convert(
    file: Annotated[Path, typer.Argument(
        metavar="FILE", help=_("Any supported table or notice."))],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help=_("Write the CSV here (UTF-8 with BOM, for Excel); "
                                 "default: stdout."))] = None,
    input_format: InputFormatOption = None,
    sheet: SheetOption = None,
) -> None:
    """Turn any supported table into one clean CSV: one row per task, every cell filled.

    Columns 序号,目标名称,工作标准,分管领导,牵头单位 (plus 配合单位, 完成时限 and 类别 when
    the source has them); several values joined by 、.

    Example: taskduty convert data/seed_2018.txt -o data/seed_table.csv
    """
    from taskduty import render
    from taskduty.table import clean_csv, read_table

    table = read_table(file, input_format, sheet)
    render.emit(clean_csv(table), output, bom=output is not None)
    render.message(
        _("{tasks} tasks in {goals} goals; {inherited} inherited cells, {repairs} repairs, "
          "{warnings} warnings (taskduty load --dry-run lists them)").format(
            tasks=len(table.tasks), goals=len(table.goals), inherited=table.count("inherited"),
            repairs=table.count("repaired"), warnings=table.count("warning")))
