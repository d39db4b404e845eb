"""Commands that read tables: ``load`` and ``convert``."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from taskduty.cli.app import OutputFormat, app, get_db
from taskduty.errors import UsageError
from taskduty.i18n import _

InputFormatOption = Annotated[str | None, typer.Option(
    "--input-format", "-i",
    help="The input's format, when the file name does not tell: text, csv, xlsx, xls (also "
    ".et), docx, doc (also .wps), notice.")]
SheetOption = Annotated[str | None, typer.Option(
    "--sheet", help="XLSX: the sheet to read (default: the first).")]


@app.command()
def load(
    file: Annotated[Path, typer.Argument(
        metavar="FILE",
        help="The table: .txt (a table or a notice), .csv/.tsv, .xlsx, .xls/.et, .docx, "
        ".doc/.wps (.doc/.wps need LibreOffice).")],
    year: Annotated[int | None, typer.Option(
        "--year", "-y", help="The table's year (default: a year in its title or file name).")]
    = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", "-n", help="Show the load report; write nothing.")] = False,
    replace: Annotated[bool, typer.Option(
        "--replace", help="Replace the year's table, keeping every task's history.")] = False,
    input_format: InputFormatOption = None,
    sheet: SheetOption = None,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="Only the counts, not every repair.")] = False,
    fmt: Annotated[OutputFormat, typer.Option(
        "--format", "-f", help=_("table: the report on stderr; json: the report on stdout "
                                 "(with --dry-run, also every task as parsed)."))]
    = OutputFormat.table,
    lead_first: Annotated[bool | None, typer.Option(
        "--lead-first/--no-lead-first",
        help=_("Where a unit list marks no lead (责任单位：A、B、C), the first-listed unit leads "
               "and the others cooperate (setting lead_first). A document that states this "
               "rule (列第一位者为牵头单位) gets it without the option."))] = None,
) -> None:
    """Load a year's responsibility table into the database, in one transaction.

    Blank leader/unit cells inherit from the row above (same goal) and wrapped unit names
    are joined; the report lists each. Loading the same content again changes nothing.

    Example: taskduty load data/seed_table.csv --year 2018

    Example: taskduty load 分解通知.txt --lead-first --dry-run -f json
    """
    from taskduty import render
    from taskduty.sources import read_source
    from taskduty.store import load_plan, replace_plan
    from taskduty.table import normalise, year_from

    with load_progress(3) as step:
        step(f"reading {file.name}")
        source = read_source(file, input_format, sheet)
        step(f"normalising {len(source.rows)} rows")
        table = normalise(source, lead_first=lead_first_setting(lead_first))
        year = year or year_from(table.title, file.name)
        if year is None:
            raise UsageError(
                f"cannot tell the year of {file.name} (no year in its title or name)",
                hint=f"give it: taskduty load {file} --year YYYY")
        check_year(year)
        step(f"storing {len(table.tasks)} tasks")
        store = replace_plan if replace else load_plan
        report = store(get_db(), table, year, file.name, dry_run=dry_run)
    if fmt == OutputFormat.json:
        data = report.as_dict()
        if dry_run:
            data["parse"] = parsed_tasks(table)
        render.emit(render.to_json(data))
        return  # JSON only: the report is the JSON
    if not render.settings.quiet:
        render.print_load_report(report, verbose=not quiet)


def lead_first_setting(flag: bool | None) -> bool:
    """``--lead-first``, else the ``lead_first`` setting where the settings module has it."""
    try:
        from taskduty import settings  # type: ignore[attr-defined]
    except ImportError:
        return bool(flag)
    return bool(settings.get("lead_first", get_db(), flag))


def parsed_tasks(table: object) -> list[dict[str, object]]:
    """Every task as the readers parsed it, for a person to check before loading."""
    keys = ("code", "section", "goal", "standard", "leaders", "units", "co_units", "deadline",
            "ref")
    return [{k: getattr(t, k) for k in keys} for t in table.tasks]  # type: ignore[attr-defined]


@contextmanager
def load_progress(steps: int, delay: float = 0.4) -> Iterator[Callable[[str], None]]:
    """A transient progress bar on stderr, shown only on a terminal and only once the work
    has taken more than ``delay`` seconds; yields ``step(description)``."""
    if not sys.stderr.isatty():
        yield lambda _description: None
        return
    import threading

    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from taskduty import render

    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                        TimeElapsedColumn(), console=render.console(stderr=True),
                        transient=True)
    bar = progress.add_task("", total=steps)
    lock = threading.Lock()
    state = {"done": False, "steps": 0}

    def start() -> None:
        with lock:
            if not state["done"]:
                progress.start()

    def step(description: str) -> None:
        progress.update(bar, description=description, completed=state["steps"])
        state["steps"] += 1

    timer = threading.Timer(delay, start)
    timer.daemon = True
    timer.start()
    try:
        yield step
    finally:
        timer.cancel()
        with lock:
            state["done"] = True
            progress.stop()


def check_year(year: int) -> None:
    if not 1949 <= year <= 2100:
        raise UsageError(f"{year} is not a plausible year", hint="use four digits, e.g. 2018")


@app.command()
def convert(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="Any supported table or notice.")],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the CSV here (UTF-8 with BOM, for Excel); "
        "default: stdout.")] = None,
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
        f"{len(table.tasks)} tasks in {len(table.goals)} goals; "
        f"{table.count('inherited')} inherited cells, {table.count('repaired')} repairs, "
        f"{table.count('warning')} warnings (taskduty load --dry-run lists them)")
