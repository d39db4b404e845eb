"""What ``load`` does once its options are parsed, without Typer: cli/load.py (Typer) and
cli/lean.py (the same command parsed plainly) both call :func:`load`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from taskduty.cli.boundary import get_db
from taskduty.errors import UsageError
from taskduty.i18n import _


def load(file: Path, year: int | None = None, dry_run: bool = False, replace: bool = False,
         input_format: str | None = None, sheet: str | None = None, quiet: bool = False,
         fmt: str = "table", lead_first: bool | None = None) -> None:
    """``taskduty load``: read a table, store it as a year's plan, report what was done."""
    from taskduty import derive, render
    from taskduty.sources import LazyRows, read_source
    from taskduty.store import load_plan, load_stream, replace_plan
    from taskduty.table import normalise, stream_table, year_from

    with render.progress(3) as step, _no_cycle_collection():
        step(_("reading {file}").format(file=file.name))
        streamed = not (dry_run or replace)  # a new year's tasks stored as they are read
        if not dry_run:
            derive.start_early(file)  # a long table's second process (see derive.py)
        source = read_source(file, input_format, sheet, lazy=streamed)
        if streamed and isinstance(source.rows, LazyRows):
            stream = stream_table(source)  # the first pass over the rows (a reader's errors)
            stream.start(lead_first_setting(lead_first))
            step(_("normalising {n} rows").format(n=stream.rows))
            year = year or year_from(stream.title, file.name)
            if year is not None and plausible_year(year):
                report = load_stream(get_db(), stream, year, file.name, stored=lambda n: step(
                    _("storing {n} tasks").format(n=n)))
                table = None
                # Freed now, while the cycle collector is paused: it would otherwise walk
                # the normaliser's caches once more when it is switched back on.
                del stream
            else:  # the table's own errors come first, as below
                table = stream.table()
        else:
            step(_("normalising {n} rows").format(n=len(source.rows)))
            table = normalise(source, lead_first=lead_first_setting(lead_first),
                              release_rows=True)
        del source  # its rows are no longer needed while the tasks are stored
        if table is not None:
            year = year or year_from(table.title, file.name)
            if year is None:
                raise UsageError(
                    _("cannot tell the year of {file} (no year in its title or name)").format(
                        file=file.name),
                    hint=_("give it: taskduty load {path} --year YYYY").format(path=file))
            check_year(year)
            step(_("storing {n} tasks").format(n=len(table.tasks)))
            store = replace_plan if replace else load_plan
            report = store(get_db(), table, year, file.name, dry_run=dry_run)
    data = report.as_dict()
    if dry_run and fmt == "json":
        data["parse"] = parsed_tasks(table)
    # table: the report on stderr (for the person at the terminal); json: the JSON only
    render.write(render.load_result(report, data, verbose=not quiet), fmt)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while a table is read, normalised and stored.

    A load builds a few objects per cell and task and frees them by reference count (they
    form no cycles); the collector still walks every live object again and again as they
    pile up (3-8% of a 50k-task load here). It is switched back on afterwards.
    """
    import gc

    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def lead_first_setting(flag: bool | None) -> bool:
    """``--lead-first``, else the ``lead_first`` setting (environment, file, database)."""
    from taskduty import settings

    return bool(settings.get("lead_first", get_db(), flag))


def parsed_tasks(table: object) -> list[dict[str, object]]:
    """Every task as the readers parsed it, for a person to check before loading."""
    keys = ("code", "section", "goal", "standard", "leaders", "units", "co_units", "deadline",
            "ref")
    return [{k: getattr(t, k) for k in keys} for t in table.tasks]  # type: ignore[attr-defined]


def plausible_year(year: int) -> bool:
    return 1949 <= year <= 2100


def check_year(year: int) -> None:
    if not plausible_year(year):
        raise UsageError(_("{year} is not a plausible year").format(year=year),
                         hint=_("use four digits, e.g. 2018"))
