"""The one output path: every command returns a :class:`Result`, :func:`output` renders it.

Data goes to stdout (or ``-o FILE``); messages go to stderr (:func:`message`).

A command that gives something back builds a ``Result`` and hands it to ``output``::

    from taskduty import render
    from taskduty.i18n import N_

    COLUMNS = render.columns(("name", N_("Lead unit")), ("tasks", N_("Tasks")))

    @app.command()
    def units(fmt: ListingFormat = "table", output: OutputOption = None,
              fields: FieldsOption = None) -> None:
        rows = queries.something(...)                     # a list of dicts, JSON-ready
        render.output(render.Result(rows=rows, columns=COLUMNS), fmt, output, fields)

- ``rows`` + ``columns`` (a listing) give every format: ``table`` (a rich table),
  ``json`` (a list of objects, or ``data`` when set), ``jsonl`` (one object a line),
  ``csv`` and ``tsv`` (headers are the columns' Chinese names, as in the glossary, so a
  spreadsheet reads the same on every computer; several values joined by 、). Declare the
  option with ``ListingFormat`` (cli/app.py) and add ``FieldsOption``: ``--fields a,b``
  chooses and orders the columns (JSON keys) in every format.
- ``data`` + ``lines`` (a report: a load, a status) give ``table`` (the lines, on stdout,
  or on stderr with ``lines_to_stderr``) and ``json`` (``data``): declare ``ReportFormat``.
- ``notes`` are stderr lines for the person at the terminal, shown with the ``table`` format.
- A custom table layout is ``Result(show=fn)``: ``fn(rows, columns)``; one that a terminal
  may cut short (the task table) is ``Result(table=fn)``: ``fn(budget)`` stops before
  ``budget`` lines (None: all) and returns the rows it showed (see :func:`screen_budget`);
  a format only one command gives (remind's ``text``) is ``Result(texts={"text": fn})``.

Column headers are English message ids (``N_``): a table shows them in the interface
language, CSV/TSV in Chinese. Every CSV/TSV cell passes through :func:`csv_cell`.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from bisect import bisect_right
from collections import namedtuple
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from itertools import accumulate, pairwise
from operator import itemgetter
from pathlib import Path
from typing import Any

from taskduty import csvsafe
from taskduty.errors import UsageError
from taskduty.fields import HEADERS, LABELS, STATUSES
from taskduty.i18n import N_, _, chinese, ngettext
from taskduty.jsonout import dumps_indented

LISTING_FORMATS = ("table", "json", "jsonl", "csv", "tsv")
REPORT_FORMATS = ("table", "json")
SUFFIX_FORMATS = {".csv": "csv", ".tsv": "tsv", ".json": "json", ".jsonl": "jsonl",
                  ".ndjson": "jsonl"}
STATUS_STYLES = {"not_started": "dim", "in_progress": "cyan", "behind": "bold red",
                 "done": "green"}
WARNING_STYLES = {"red": "bold white on red", "yellow": "black on yellow",
                  "blue": "white on blue"}


def warning_label(key: str | None) -> str:
    """红灯 / 黄灯 / 蓝灯 for a light key, "" for none."""
    from taskduty.schedule import LIGHT_LABELS

    return LIGHT_LABELS.get(key or "", "")


class Settings:
    """Output settings of this run: ``quiet`` (``-q/--quiet``) silences :func:`message`;
    ``show_all`` (``--all``) shows every row of a long table on a terminal."""

    quiet: bool = False
    show_all: bool = False


settings = Settings()


def stop_quietly() -> None:
    """The reader of stdout went away (``| head -1``): end with exit 0, as Unix tools do."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # a captured stdout has no file descriptor
        pass
    raise SystemExit(0)
@dataclass(frozen=True)
class Column:
    """A listing's column: its JSON key, its header (an English message id) and, optionally,
    how a value is shown in tables and CSV (``text(value, row) -> str``)."""

    key: str
    header: str
    text: Callable[[Any, dict[str, Any]], Any] | None = None

    def cell(self, row: dict[str, Any]) -> Any:
        value = row.get(self.key)
        return self.text(value, row) if self.text else value


def columns(*specs: tuple[str, str] | Column) -> list[Column]:
    """Columns from ``(key, header)`` pairs or :class:`Column` objects."""
    return [s if isinstance(s, Column) else Column(*s) for s in specs]


@dataclass
class Result:
    """What a command gives back, for :func:`output` (see the module docstring)."""

    rows: list[dict[str, Any]] | None = None
    columns: Sequence[Column] = ()
    data: Any = None
    lines: Sequence[str] | None = None
    notes: Sequence[str] = ()
    title: str | None = None
    bar: str | None = None  # a 0-100 column drawn as a bar in tables
    show: Callable[[list[dict[str, Any]], list[Column]], None] | None = None
    # a custom table that stops after ``budget`` lines (None: all) and returns the rows shown
    table: Callable[[int | None], int] | None = None
    narrow: str | None = None  # the filters that shorten this listing (the cut-off note)
    lines_to_stderr: bool = False
    total: dict[str, Any] | None = None  # a last row set off below the others (tables only)
    # formats only this command gives (remind's text notices): name -> the text
    texts: dict[str, Callable[[], str]] = field(default_factory=dict)


def console(stderr: bool = False) -> Any:
    """A rich console on stdout or stderr (created per call so captured streams work)."""
    from rich.console import Console

    class QuietPipeConsole(Console):
        def on_broken_pipe(self) -> None:  # rich's own exits with 1
            stop_quietly()

    return QuietPipeConsole(file=sys.stderr if stderr else sys.stdout, highlight=False,
                            soft_wrap=stderr, quiet=stderr and settings.quiet)


class PlainOut:
    """stdout as rich's Console sees it on a pipe or a file (no colours; its width), for a
    table written without importing rich (:func:`plain_console`)."""

    _color_system = None

    def __init__(self, file: Any, width: int) -> None:
        self.file = file
        self.width = width


def plain_console() -> PlainOut | None:
    """stdout when it is no terminal, with the width rich's Console would give it (COLUMNS,
    else the first of stdin, stdout and stderr that is a terminal, else 80); None where
    rich's own detection must decide (Windows, Jupyter, FORCE_COLOR or TTY_COMPATIBLE set, a
    proxied stdout, a terminal)."""
    import builtins
    import os

    env = os.environ
    file = sys.stdout
    if (sys.platform == "win32" or "FORCE_COLOR" in env or "TTY_COMPATIBLE" in env
            or hasattr(builtins, "get_ipython") or hasattr(file, "rich_proxied_file")
            or interactive()):
        return None
    columns = env.get("COLUMNS")
    if columns is not None and columns.isdigit():
        return PlainOut(file, int(columns))
    width = 0
    for stream, fd in ((sys.__stdin__, 0), (sys.__stdout__, 1), (sys.__stderr__, 2)):
        with suppress(Exception):  # rich falls back to the usual number alike
            fd = stream.fileno()  # type: ignore[union-attr]
        try:
            width = os.get_terminal_size(fd)[0]
        except (AttributeError, ValueError, OSError):
            continue
        break
    return PlainOut(file, width or 80)


@contextmanager
def progress(steps: int | None = None, delay: float = 0.4) -> Iterator[Callable[..., None]]:
    """The one progress bar: transient, on stderr, shown only on a terminal and only once the
    work has taken more than ``delay`` seconds. Yields ``step(description, done=None,
    total=None)``: without ``done``, each call is one of ``steps`` steps."""
    if not sys.stderr.isatty():
        yield lambda *_args, **_kw: None
        return
    import threading

    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                   MofNCompleteColumn(), TimeElapsedColumn(), console=console(stderr=True),
                   transient=True)
    job = bar.add_task("", total=steps)
    lock = threading.Lock()
    state = {"done": False, "steps": 0}

    def start() -> None:
        with lock:
            if not state["done"]:
                bar.start()

    def step(description: str, done: int | None = None, total: int | None = None) -> None:
        if done is None:
            done, state["steps"] = state["steps"], state["steps"] + 1
        bar.update(job, description=description, completed=done,
                   **({"total": total} if total is not None else {}))

    timer = threading.Timer(delay, start)
    timer.daemon = True
    timer.start()
    try:
        yield step
    finally:
        timer.cancel()
        with lock:
            state["done"] = True
            bar.stop()


# rich replaces ``:name:`` emoji codes even without markup: text with two colons goes to rich.
_EMOJI_CODE = re.compile(r":\S*:")


def plain_message(text: Any, style: str | None = None) -> bool:
    """Whether rich would print ``text`` on stderr exactly as written, then a newline.

    Our stderr console soft-wraps (no wrapping, no cropping) and reads no markup, so an
    unstyled ``str`` of printable characters (newlines allowed) with no emoji code comes out
    unchanged; :func:`message` then writes it itself and a recording command does not import
    rich (a third of an ``undo``'s start-up). tests/test_render_message.py compares the two.
    """
    return (style is None and type(text) is str and sys.stderr is not None
            and text.replace("\n", "").isprintable() and _EMOJI_CODE.search(text) is None)


def message(text: str, style: str | None = None) -> None:
    """A message for the person at the terminal, on stderr (silent with ``--quiet``)."""
    if settings.quiet:
        return
    if plain_message(text, style):
        sys.stderr.write(text + "\n")
        sys.stderr.flush()
        return
    console(stderr=True).print(text, style=style, markup=False, highlight=False)


def to_json(data: Any) -> str:
    """``json.dumps(data, ensure_ascii=False, indent=2, default=str)``, faster (jsonout)."""
    return dumps_indented(data)


def csv_cell(value: Any) -> Any:
    """One CSV/TSV cell: lists joined by 、, None blank, formulas neutralised (csvsafe).

    The single place every exported cell passes through.
    """
    if isinstance(value, tuple):
        value = list(value)
    if isinstance(value, bool):
        value = "true" if value else "false"
    return csvsafe.cell(value)


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", delimiter=delimiter)
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return buffer.getvalue()


def emit(text: str, output: Path | None = None, bom: bool = False) -> None:
    """Write ``text`` to a file (CSV files get a BOM so Excel reads them) or to stdout."""
    if output is not None:
        from taskduty.safeio import write_text

        write_text(output, text, encoding="utf-8-sig" if bom else "utf-8")
        message(_("Wrote {path}").format(path=output))
    elif text:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def format_for(fmt: str, output: Path | None, offered: Sequence[str] = LISTING_FORMATS) -> str:
    """The format to write: ``-o x.csv`` / ``x.json`` … imply it when no format is given."""
    if output is None or fmt != "table":
        return fmt
    kind = SUFFIX_FORMATS.get(output.suffix.lower())
    if kind in offered and kind != "table":
        return kind
    names = [f for f in offered if f != "table"]
    raise UsageError(_("cannot write a table to {path}").format(path=output),
                     hint=_("use --format {formats} with -o, or name the file {files}").format(
                         formats="/".join(names), files=" ".join(f"*.{n}" for n in names)))


def pick_fields(result: Result, fields: str | Sequence[str] | None) -> list[Column]:
    """The columns ``--fields a,b,c`` chooses, in that order (all columns without it)."""
    cols = list(result.columns)
    if not fields:
        return cols
    names = [f.strip() for f in (fields.split(",") if isinstance(fields, str) else fields)]
    names = [n for n in names if n]
    known = {c.key: c for c in cols}
    if result.rows:
        for key in result.rows[0]:
            known.setdefault(key, Column(key, key))
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UsageError(_("unknown field {name!r}").format(name=unknown[0]),
                         hint=_("fields: {names}").format(names=", ".join(known)))
    return [known[n] for n in names]


def write(result: Result, fmt: str = "table", output: Path | None = None,
          fields: str | Sequence[str] | None = None) -> None:
    """Render ``result`` as ``fmt`` on stdout or into ``output`` (the one output path)."""
    fmt = format_for(str(fmt), output)
    if fmt in result.texts:
        text = result.texts[fmt]()
        if text or output is not None:
            emit(text, output)
        for note in result.notes:
            message(note)
        return
    cols = pick_fields(result, fields)
    rows = result.rows
    chosen = [c.key for c in cols] if fields else None
    if fmt == "json":
        if result.data is not None and not fields:
            emit(to_json(result.data), output)
        else:
            emit(to_json(_json_rows(rows or [], chosen)), output)
    elif fmt == "jsonl":
        items = _json_rows(rows or [], chosen) if rows is not None else [result.data]
        emit("".join(json.dumps(i, ensure_ascii=False, default=str) + "\n" for i in items),
             output)
    elif fmt in ("csv", "tsv"):
        text = to_csv([chinese(c.header) for c in cols],
                      ([c.cell(r) for c in cols] for r in rows or []),
                      delimiter="," if fmt == "csv" else "\t")
        emit(text, output, bom=output is not None)
    else:
        budget = screen_budget(result)
        shown = _show_table(result, cols, custom=not fields, budget=budget)
        for note in result.notes:
            message(note)
        hidden = len(rows or []) - shown if shown is not None else 0
        if hidden > 0:
            message(more_note(hidden, result.narrow))


STREAM_FORMATS = ("json", "jsonl", "csv", "tsv")


def write_stream(rows: Iterable[dict[str, Any]], columns: Sequence[Column], fmt: str,
                 output: Path | None = None) -> int:
    """:func:`write` for rows that arrive one at a time (``fmt`` one of
    :data:`STREAM_FORMATS`, every field): each row is written as it comes, so a whole
    year's listing is never held at once. The same bytes as :func:`write` of the same rows;
    returns how many rows were written."""
    if output is None:
        count = _stream(rows, columns, fmt, sys.stdout, "\n")
    else:
        from taskduty.safeio import atomic_path

        with atomic_path(output) as tmp, open(tmp, "w", encoding="utf-8-sig" if fmt in (
                "csv", "tsv") else "utf-8", newline="") as fh:
            count = _stream(rows, columns, fmt, fh, "")  # a file: no newline after JSON
        message(_("Wrote {path}").format(path=output))
    return count


def _stream(rows: Iterable[dict[str, Any]], columns: Sequence[Column], fmt: str,
            out: Any, end: str) -> int:
    count = 0
    if fmt == "json":
        from taskduty.jsonout import dumps_item

        sep = "[\n  "
        for row in rows:
            out.write(sep + dumps_item(row, "\n  "))
            sep = ",\n  "
            count += 1
        out.write(("[]" if not count else "\n]") + end)
    elif fmt == "jsonl":
        # json.dumps(row, ensure_ascii=False, default=str) builds this encoder for each row
        line = json.JSONEncoder(ensure_ascii=False, default=str).encode
        for row in rows:
            out.write(line(row) + "\n")
            count += 1
    else:
        writer = csv.writer(out, lineterminator="\n", delimiter="," if fmt == "csv" else "\t")
        writer.writerow([csv_cell(chinese(c.header)) for c in columns])
        for row in rows:
            writer.writerow([csv_cell(c.cell(row)) for c in columns])
            count += 1
    return count


def stream_tasks(reader: Any, flt: Any, fmt: str, output: Path | None = None,
                 fields: str | Sequence[str] | None = None) -> int:
    """``tasks -f json|jsonl|csv|tsv [--fields …]``: the tasks ``flt`` (a
    :class:`~taskduty.queries.TaskFilter`) matches, written as they are read
    (:func:`taskduty.queries.iter_task_rows`: only what the fields and filters need is read),
    the same bytes as :func:`write` of :func:`tasks_result` with the same ``fields``; an
    unknown field is refused as :func:`pick_fields` refuses it, before any output. Returns how
    many tasks were written; ``reader`` must be open."""
    from itertools import chain

    from taskduty import queries

    if not fields:
        return write_stream(queries.iter_task_rows(reader, flt), TASK_COLUMNS, fmt, output)
    try:
        cols: list[Column] | None = _task_fields(fields, True)
    except UsageError:
        cols = None  # reported below, as the listing's rows make it
    names = ([c.key for c in cols] if cols is not None else
             [n for n in _field_names(fields) if n in queries.TASK_FIELDS])
    rows: Iterable[dict[str, Any]] = queries.iter_task_rows(
        reader, flt, [n for n in names if n in queries.TASK_FIELDS])
    if cols is None or any(c.key not in TASK_CSV_FIELDS for c in cols):
        # a field beyond the CSV columns is known only when there is a task (pick_fields)
        first = next(iter(rows), None)
        cols = _task_fields(fields, first is not None)
        rows = chain([first], rows) if first is not None else ()
    return write_stream(rows, cols, fmt, output)  # each row holds the fields, in order


def _field_names(fields: str | Sequence[str]) -> list[str]:
    names = [f.strip() for f in (fields.split(",") if isinstance(fields, str) else fields)]
    return [n for n in names if n]


def _task_fields(fields: str | Sequence[str], any_rows: bool) -> list[Column]:
    """:func:`pick_fields` of a task listing (with or without rows)."""
    from taskduty.queries import TASK_FIELDS

    return pick_fields(Result(rows=[dict.fromkeys(TASK_FIELDS)] if any_rows else [],
                              columns=TASK_COLUMNS), fields)


def _json_rows(rows: list[dict[str, Any]], keys: list[str] | None) -> list[dict[str, Any]]:
    if keys is None:
        return rows
    return [{k: r.get(k) for k in keys} for r in rows]


def interactive() -> bool:
    """Whether stdout is a person's terminal (a pipe or a file gets every row)."""
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stdout
        return False


def screen_budget(result: Result) -> int | None:
    """The lines a listing's table may take on this terminal, or None for all of it.

    Only on a terminal and without ``--all``: the screen's height less the notes, the cut-off
    note and the shell's prompt, so that the first rows and the note show at once.
    """
    if settings.show_all or not result.rows or not interactive():
        return None
    return max(console().height - len(result.notes) - 3, 8)


def more_note(hidden: int, narrow: str | None = None) -> str:
    """The stderr line under a cut-off table: how many rows are not shown, how to get them."""
    if narrow:
        return ngettext("{n} more row not shown: add --all to show it, -f csv to export it, "
                        "or narrow the listing with {filters}",
                        "{n} more rows not shown: add --all to show them all, -f csv to "
                        "export them, or narrow the listing with {filters}",
                        hidden).format(n=hidden, filters=narrow)
    return ngettext("{n} more row not shown: add --all to show it or -f csv to export it",
                    "{n} more rows not shown: add --all to show them all or -f csv to export "
                    "them", hidden).format(n=hidden)


def _show_table(result: Result, cols: list[Column], custom: bool = True,
                budget: int | None = None) -> int | None:
    """The table of ``result``; the rows it showed (None when it showed no listing)."""
    rows = result.rows
    shown: int | None = None
    if rows is not None and not custom:  # --fields: the plain table of those columns
        return print_rows(rows, cols, result.title, result.bar, result.total, budget=budget)
    if rows is not None and result.show is not None:  # a command's own layout: not cut
        result.show(rows, cols)
    elif rows is not None and result.table is not None:
        shown = result.table(budget)
    elif rows is not None and (rows or result.lines is None):
        shown = print_rows(rows, cols, result.title, result.bar, result.total, budget=budget)
    if result.lines is not None:
        if result.lines_to_stderr:  # a report for the person at the terminal (-q: silent)
            for line in result.lines:
                message(line)
        else:
            sys.stdout.write("".join(line + "\n" for line in result.lines))
    return shown


def status_label(key: str | None) -> str:
    return STATUSES.get(key or "not_started", key or "")


def label(key: str) -> str:
    """A task field's header in the interface language (the glossary's Chinese by default)."""
    return _(HEADERS[key]) if key in HEADERS else LABELS[key]


def _status_text(value: Any, _row: dict[str, Any]) -> str:
    return status_label(value)


def _warning_text(value: Any, _row: dict[str, Any]) -> str:
    return warning_label(value)


STATUS_COLUMNS = [Column(k, v) for k, v in (
    ("not_started", N_("Not started")), ("in_progress", N_("In progress")),
    ("behind", N_("Behind")), ("done", N_("Done")))]


# -- tasks ------------------------------------------------------------------------------------
TASK_CSV_FIELDS = ("code", "year", "goal_no", "goal", "standard", "leaders", "units",
                   "co_units", "deadline", "status", "progress", "note", "updated",
                   "expected_progress", "warning")
TASK_COLUMNS = [Column(k, HEADERS[k], {"status": _status_text, "warning": _warning_text}.get(k))
                for k in TASK_CSV_FIELDS]


def tasks_result(tasks: list[Any], title: str | None = None) -> Result:
    """A listing of tasks: every field in JSON, the task table for people."""
    return Result(rows=[t.as_dict() for t in tasks], columns=TASK_COLUMNS,
                  table=lambda budget: print_tasks_table(tasks, title, budget),
                  narrow="--leader/--unit/--goal/--status",
                  notes=[ngettext("{n} task", "{n} tasks", len(tasks)).format(n=len(tasks))])


# What the task table shows of each task (queries.TASK_FIELDS' names, in their order): the
# table's path reads only these (queries.iter_task_rows), not every field of every task.
TABLE_FIELDS = ("code", "goal_no", "goal", "standard", "leaders", "units", "co_units",
                "deadline", "leaders_inherited", "units_inherited", "status", "progress",
                "warning")


# A task as the task table reads it: TABLE_FIELDS by name (a tuple: small).
TableTask = namedtuple("TableTask", TABLE_FIELDS)


def table_tasks(reader: Any, flt: Any) -> list[TableTask]:
    """The tasks ``flt`` matches (as :func:`taskduty.queries.list_tasks` finds them, in its
    order), each with only what the task table shows; ``reader`` must be open."""
    from taskduty import queries

    fields = itemgetter(*TABLE_FIELDS)
    # pages of BY_IDS_LIMIT tasks: each page's statement evaluates a filter's IN list anew
    # (a leader's 27,000 tasks of 200,000 read 55 times over in pages of ID_CHUNK)
    return [TableTask._make(fields(row)) for row in queries.iter_task_rows(
        reader, flt, TABLE_FIELDS, batch=queries.BY_IDS_LIMIT)]


def task_table_result(tasks: list[TableTask], title: str | None = None) -> Result:
    """:func:`tasks_result`'s table (and its notes) for :func:`table_tasks`' tasks: the
    ``table`` format without ``--fields`` only (the other formats need every field)."""
    return Result(rows=tasks, columns=TASK_COLUMNS,  # type: ignore[arg-type]
                  table=lambda budget: print_tasks_table(tasks, title, budget),
                  narrow="--leader/--unit/--goal/--status",
                  notes=[ngettext("{n} task", "{n} tasks", len(tasks)).format(n=len(tasks))])


def print_tasks_table(tasks: list[Any], title: str | None = None,
                      budget: int | None = None) -> int:
    """A table fitting the terminal: the goal once per group, wrapped 工作标准, leaders and
    units wrapped between names, status and (when any) progress. Stops before ``budget``
    lines (None: every task); returns how many tasks it showed."""
    out = plain_console() or console()  # rich only imported when it is needed
    show_progress = any(t.progress is not None or t.status == "done" for t in tasks)
    cells = _cells_of()
    every = [cells(t, True) for t in tasks]
    cols = task_columns(tasks, out.width, show_progress, every)
    grid = Grid(out, [GridColumn(c.header, c.width, "right" if c.key == "progress" else "left")
                      for c in cols])
    if grid.rich:
        grid.out = console()
        return grid.write(title, _task_cells(tasks, cols, every), budget)
    return grid.write_lines(title, _task_lines(grid, tasks, cols, every), budget)


def _task_cells(tasks: list[Any], cols: list[TaskColumn],
                every: list[dict[str, Any]]) -> Iterator[GridRow]:
    """The task table's rows as cells (source lines, style) for :meth:`Grid.write`."""
    names: dict[tuple[tuple[str, ...], int], list[str]] = {}  # the same names, wrapped once
    previous_goal = None
    for i, t in enumerate(tasks):
        first = t.goal_no != previous_goal
        previous_goal = t.goal_no
        values = every[i] if first else {**every[i], "goal": ""}
        cells: list[tuple[list[str], str | None]] = []
        for col in cols:
            if col.key == "status":
                cells.append(([values["status"]], STATUS_STYLES.get(t.status)))
            elif col.key == "warning":
                cells.append(([values["warning"]], WARNING_STYLES.get(t.warning or "")))
            elif col.key in NAME_COLUMNS:
                key = (tuple(values[col.key]), col.width)
                if key not in names:
                    names[key] = fill(values[col.key], col.width)
                cells.append((names[key], None))
            else:
                cells.append((wrap_cells(values[col.key], col.width), None))
        last = i == len(tasks) - 1
        yield cells, not last and tasks[i + 1].goal_no != t.goal_no, None


class _Laid(dict[Any, list[str]]):
    """A column's blocks by value, each distinct value laid out once (``make(value)``)."""

    def __init__(self, make: Callable[[Any], list[str]]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: Any) -> list[str]:
        self[key] = block = self.make(key)
        return block


def _task_lines(grid: Grid, tasks: list[Any], cols: list[TaskColumn],
                every: list[dict[str, Any]]) -> Iterator[list[str]]:
    """The task table's rows as finished lines (what :meth:`Grid.row` makes of
    :func:`_task_cells`), laid out column by column a run of rows at a time: each column's
    repeated values (names, statuses, deadlines, the blank goal under a group's first row)
    laid out once, 工作标准 and the code wrapped and padded in one pass (:func:`wrap_padded`)."""
    count = len(tasks)
    goal_nos = [t.goal_no for t in tasks]
    ends = [goal_nos[i + 1] != goal_nos[i] for i in range(count - 1)] + [False]
    firsts = [True, *ends[:-1]]  # a section ends above each goal's first task

    def texts(gcol: GridColumn) -> Callable[[list[Any]], list[list[str]]]:
        width = gcol.width

        def make(values: list[Any]) -> list[list[str]]:
            out = []
            for value in values:
                found = wrap_padded(value, width)
                out.append(grid.block(wrap_cells(value, width), gcol) if found is None
                           else found)
            return out
        return make

    def laid(make: Callable[[Any], list[str]]) -> Callable[[list[Any]], list[list[str]]]:
        return _Laid(make).__getitem__  # type: ignore[return-value]

    makers: list[tuple[str, Callable[..., Any]]] = []
    for col, gcol in zip(cols, grid.columns, strict=True):
        key = col.key
        if key in ("code", "standard"):
            makers.append((key, texts(gcol)))
        elif key in ("status", "warning"):
            makers.append((key, laid(lambda vs, g=gcol: grid.block([vs[0]], g, vs[1]))))
        elif key in NAME_COLUMNS:
            makers.append((key, laid(lambda v, g=gcol: grid.block(
                fill(list(v), g.width), g))))
        else:  # goal, deadline, progress
            makers.append((key, laid(lambda v, g=gcol: grid.block(
                wrap_cells(v, g.width), g))))
    gap = " " * grid.width
    join = grid.join
    start, size = 0, 64  # a first run small enough for a terminal's screenful
    while start < count:
        stop = min(start + size, count)
        rows = range(start, stop)
        columns = []
        for key, make in makers:
            if key in ("code", "standard"):
                columns.append(make([every[i][key] for i in rows]))
            elif key == "status":
                columns.append(list(map(make, [(every[i]["status"],
                                                STATUS_STYLES.get(tasks[i].status))
                                               for i in rows])))
            elif key == "warning":
                columns.append(list(map(make, [(every[i]["warning"],
                                                WARNING_STYLES.get(tasks[i].warning or ""))
                                               for i in rows])))
            elif key in NAME_COLUMNS:
                columns.append(list(map(make, [tuple(every[i][key]) for i in rows])))
            elif key == "goal":
                columns.append(list(map(make, [every[i]["goal"] if firsts[i] else ""
                                               for i in rows])))
            else:
                columns.append(list(map(make, [every[i][key] for i in rows])))
        for i, blocks in zip(rows, zip(*columns, strict=True), strict=True):
            lines = join(blocks)
            if ends[i]:
                lines.append(gap)
            yield lines
        start, size = stop, 1024


@dataclass
class GridColumn:
    """A column of a :class:`Grid`: header, content width in cells, and how cells sit."""

    header: str
    width: int
    justify: str = "left"
    no_wrap: bool = False
    overflow: str = "fold"


# a row of a Grid: cells (source lines, style), whether a section ends under it, its style
GridRow = tuple[Sequence[tuple[list[str], str | None]], bool, str | None]
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class _CharCells(dict[str, int]):
    """Each character's width in cells, looked up once (rich.cells)."""

    def __missing__(self, ch: str) -> int:
        from rich.cells import cell_len

        self[ch] = size = cell_len(ch)
        return size


_CHAR_CELLS = _CharCells()


class _TokenCells(dict[str, int]):
    """Each unbreakable token's width in cells: a character's (:data:`_CHAR_CELLS`), a short
    word's or number's (``100%``) measured once."""

    def __missing__(self, token: str) -> int:
        size = _CHAR_CELLS[token] if len(token) == 1 else cell_width(token)
        if len(token) <= 16:
            self[token] = size
        return size


_TOKEN_CELLS = _TokenCells()


def _simple_text() -> Callable[[str], Any]:
    """A matcher of texts made only of printable ASCII (one cell, one UTF-8 byte each) and
    of characters two cells wide that take three UTF-8 bytes (CJK ideographs, kana, fullwidth
    punctuation: what a task table holds), from rich's own width table."""
    from rich._unicode_data import load

    ranges = ["\x20-\x7e"]
    for start, end, size in load("auto").widths:
        start, end = max(start, 0x800), min(end, 0xFFFF)
        if size == 2 and start <= end:
            ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(end))}")
    return re.compile("[" + "".join(ranges) + "]*").fullmatch


_simple: Callable[[str], Any] | None = None


def cell_width(text: str) -> int:
    """``rich.cells.cell_len(text)``, quicker for a table's many short Chinese strings.

    A text of printable ASCII and three-byte wide characters only is ``(bytes + chars) / 2``
    cells wide (1 + 1 for ASCII, 3 + 1 for a wide character); any other text is the sum of
    its characters' widths, which is what rich counts unless a zero-width joiner or a
    variation selector joins characters."""
    global _simple
    if text.isascii() and text.isprintable():
        return len(text)
    if _simple is None:
        _simple = _simple_text()
    if _simple(text) is not None:
        return (len(text.encode()) + len(text)) >> 1
    if "\u200d" in text or "\ufe0f" in text:
        from rich.cells import cell_len

        return cell_len(text)
    return sum(map(_CHAR_CELLS.__getitem__, text))


class Grid:
    """A compact table (:func:`new_table`'s look) written line by line.

    rich's Table measures and re-wraps every cell through several layers of renderables: a
    year of 10,000 tasks took minutes. Here the column widths are given (computed once), the
    title and the header are rendered by rich (a table of no rows with the same columns), and
    a cell line that fits its width is padded as it is; only a cell that does not fit (or
    holds tabs or control characters) is wrapped by rich itself. The text is the same as
    rich's table of the same columns (tests/test_render_table.py compares them); colours
    are the same styles, written per cell.
    """

    def __init__(self, out: Any, columns: list[GridColumn], squeezed: bool = False,
                 specs: list[dict[str, Any]] | None = None) -> None:
        self.out = out
        self.columns = columns
        self.width = sum(c.width for c in columns) + 2 * (len(columns) - 1)
        # Wider than the terminal (or a column that does not wrap cut short): rich squeezes
        # the columns further, so rich renders the whole table (``specs``: its column options).
        self.rich = squeezed or self.width > out.width or min(
            (c.width for c in columns), default=1) < 1
        self.specs = specs
        self.color = getattr(out, "_color_system", None)
        self._styles: dict[str, tuple[str, str]] = {}
        self._cache: dict[tuple[str, int], list[str]] = {}
        self._blanks = [" " * c.width for c in columns]  # a cell's empty line, per column

    def head(self, title: str | None) -> str:
        """The title, the header and the rule under it, as rich renders them."""
        if self.color is None:
            plain = self.plain_head(title)
            if plain is not None:
                return plain
        table = new_table(title)
        for c in self.columns:
            table.add_column(c.header, width=c.width, justify=c.justify, no_wrap=c.no_wrap,
                             overflow=c.overflow)
        out = self.rich_out()
        with out.capture() as captured:
            out.print(table)
        return captured.get()

    def plain_head(self, title: str | None) -> str | None:
        """:meth:`head` without colours, made here (the title centred over the table, each
        header wrapped in its column as rich wraps text and set at the bottom, the rule), or
        None for a title or header only rich lays out (see :func:`rich_text_lines`)."""
        lines: list[str] = []
        if title:
            found = rich_text_lines(title, self.width, "center")
            if found is None:
                return None
            lines += found
        cells = []
        for c in self.columns:
            found = None if c.no_wrap or c.overflow != "fold" else rich_text_lines(
                c.header, c.width, c.justify)
            if found is None:
                return None
            cells.append(found)
        height = max(map(len, cells), default=1)
        for i in range(height):  # a header sits at the bottom of its row
            lines.append("  ".join(cell[i - height + len(cell)] if i >= height - len(cell)
                                   else " " * c.width
                                   for cell, c in zip(cells, self.columns, strict=True)))
        lines.append("\u2500" * self.width)
        return "\n".join(lines) + "\n"

    def rich_out(self) -> Any:
        """A rich console for what only rich lays out (the table's own when it is one)."""
        if isinstance(self.out, PlainOut):
            self.out = console()
        return self.out

    def lines(self, text: str, col: GridColumn) -> list[str]:
        """One source line of a cell as lines of exactly the column's width (short texts,
        which repeat — names, statuses, dates — looked up once per column)."""
        if len(text) > 12:
            return self._lines(text, col)
        key = (text, id(col))
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._lines(text, col)
        return found

    def _lines(self, text: str, col: GridColumn) -> list[str]:
        if "\n" not in text and not _CONTROL.search(text):
            if col.justify == "right":
                text = text.rstrip()
                size = cell_width(text)
                if size <= col.width:
                    return [" " * (col.width - size) + text]
            else:
                size = cell_width(text)
                if size <= col.width:
                    return [text + " " * (col.width - size)]
        from rich.text import Text

        out = self.rich_out()
        options = out.options.update(width=col.width, justify=col.justify,
                                     no_wrap=col.no_wrap, overflow=col.overflow, height=None)
        return ["".join(seg.text for seg in line)
                for line in out.render_lines(Text(text), options, pad=True)]

    def styled(self, text: str, style: str | None) -> str:
        if not style or not self.color:
            return text
        if style not in self._styles:
            from rich.style import Style

            self._styles[style] = tuple(  # type: ignore[assignment]
                Style.parse(style).render("\0", color_system=self.color).split("\0"))
        before, after = self._styles[style]
        return before + text + after

    def block(self, source: list[str], col: GridColumn, style: str | None = None) -> list[str]:
        """A cell's lines, each exactly the column's width, in ``style`` when colours show."""
        if len(source) == 1:
            block = self.lines(source[0], col) or [" " * col.width]
        else:
            block = [out for line in source for out in self.lines(line, col)] or \
                [" " * col.width]
        if style and self.color:
            block = [self.styled(line, style) for line in block]
        return block

    def join(self, blocks: Sequence[list[str]]) -> list[str]:
        """A row's lines from its cells' blocks (a shorter cell padded below, unstyled)."""
        height = max(map(len, blocks))
        if height == 1:
            return ["  ".join([b[0] for b in blocks])]
        blanks = self._blanks
        return list(map("  ".join, zip(*[
            b if len(b) == height else b + [blank] * (height - len(b))
            for b, blank in zip(blocks, blanks, strict=True)], strict=True)))

    def row(self, cells: Sequence[tuple[list[str], str | None]], end_section: bool = False,
            style: str | None = None) -> list[str]:
        """A row's lines: ``cells`` are (source lines, style); a blank line after a section."""
        rows = self.join([self.block(source, col, " ".join(filter(None, (cell_style, style))))
                          for (source, cell_style), col in zip(cells, self.columns,
                                                               strict=True)])
        if end_section:
            rows.append(" " * self.width)
        return rows

    def write(self, title: str | None, rows: Iterable[GridRow], budget: int | None) -> int:
        """The head and ``rows`` on the console's file; before ``budget`` lines when given
        (at least one row). Returns the rows written."""
        if self.rich:
            return self.write_rich(title, rows)
        return self.write_lines(title, (self.row(*r) for r in rows), budget)

    def write_lines(self, title: str | None, rows: Iterable[list[str]],
                    budget: int | None) -> int:
        """The head and the rows' finished lines (:meth:`row`) on the console's file; before
        ``budget`` lines when given (at least one row). Returns the rows written."""
        head = self.head(title)
        used = head.count("\n")
        chunk: list[str] = []
        shown = 0
        file = self.out.file
        file.write(head)
        for lines in rows:
            if budget is not None and shown and used + len(lines) > budget:
                if chunk and not chunk[-1].strip():
                    chunk.pop()  # no section gap under the last row shown
                break
            chunk.extend(lines)
            used += len(lines)
            shown += 1
            if len(chunk) >= 4096:
                file.write("\n".join(chunk) + "\n")
                chunk = []
        if chunk:
            file.write("\n".join(chunk) + "\n")
        file.flush()
        return shown

    def write_rich(self, title: str | None, rows: Iterable[GridRow]) -> int:
        """The whole table through rich's Table (a terminal too narrow for the columns)."""
        from rich.text import Text

        table = new_table(title)
        for i, c in enumerate(self.columns):
            if self.specs is not None:
                table.add_column(c.header, **self.specs[i])
            else:
                table.add_column(c.header, width=c.width, justify=c.justify, no_wrap=c.no_wrap,
                                 overflow=c.overflow)
        shown = 0
        for cells, end_section, style in rows:
            table.add_row(*[Text("\n".join(source), style=cell_style or "")
                            for source, cell_style in cells],
                          end_section=end_section, style=style)
            shown += 1
        self.out.print(table)
        return shown


NAME_COLUMNS = ("leaders", "units", "co_units")


class TaskColumn:
    """One column of the task table: its field, header and content width in cells."""

    def __init__(self, key: str, natural: int, least: int, cap: int) -> None:
        self.key = key
        self.header = label(key)
        self.natural = natural
        self.least = min(least, natural)
        self.width = min(natural, cap)


def task_cells(task: Any, first_in_goal: bool) -> dict[str, Any]:
    """The table's cell values for one task: plain text, or name tokens for name columns."""
    return _cells_of()(task, first_in_goal)


def _cells_of() -> Callable[[Any, bool], dict[str, Any]]:
    """:func:`task_cells` with the marker (in the interface language) and the labels looked
    up once, for a table's many tasks."""
    from taskduty.schedule import LIGHT_LABELS

    marker = " " + _("(inherited)")
    lights = LIGHT_LABELS.get
    statuses = STATUSES.get

    def cells(task: Any, first_in_goal: bool) -> dict[str, Any]:
        status, progress = task.status, task.progress
        leaders, units, co_units = task.leaders, task.units, task.co_units
        return {
            "code": task.code,
            "goal": f"{task.goal_no}.{task.goal}" if first_in_goal else "",
            "standard": task.standard,
            "leaders": [n + "、" for n in leaders[:-1]] + leaders[-1:] + (
                [marker] if task.leaders_inherited else []),
            "units": [n + "、" for n in units[:-1]] + units[-1:] + (
                [marker] if task.units_inherited else []),
            "co_units": [n + "、" for n in co_units[:-1]] + co_units[-1:],
            "deadline": task.deadline or "",
            "status": statuses(status or "not_started", status or ""),
            "warning": lights(getattr(task, "warning", None) or "", ""),
            "progress": "" if progress is None and status != "done"
            else f"{100 if status == 'done' else progress}%",
        }
    return cells


def name_tokens(names: list[str], marker: str) -> list[str]:
    """Names as unbreakable tokens joined by 、, then an optional marker."""
    tokens = [n + "、" for n in names[:-1]] + names[-1:]
    return tokens + ([marker] if marker else [])


def task_columns(tasks: list[Any], width: int, show_progress: bool,
                 every: list[dict[str, Any]] | None = None) -> list[TaskColumn]:
    """The columns and their widths so that the table fits ``width`` cells.

    Fixed columns keep their size; the goal, names and deadline get a share of the width
    (they wrap); 工作标准 takes the rest. When that is too little, the others shrink first.
    ``every``: the tasks' :func:`task_cells` (first in goal), when the caller has them.
    """
    if every is None:
        cells = _cells_of()
        every = [cells(t, True) for t in tasks]
    measured: dict[str, int] = {}

    def natural(key: str) -> int:  # each distinct value measured once, each column once
        found = measured.get(key)
        if found is None:
            got = map(itemgetter(key), every)
            values = {"".join(v) for v in got} if key in NAME_COLUMNS else set(got)
            found = measured[key] = max([cell_width(label(key)) // 2, *map(cell_width, values),
                                         1])
        return found

    def longest_token(key: str) -> int:
        tokens = {tok for c in every for tok in c[key]}
        return max([cell_width(tok.strip()) for tok in tokens] + [4])

    keys = ["code", "goal", "standard", "leaders", "units"]
    if any(t.co_units for t in tasks):
        keys.append("co_units")
    if any(t.deadline for t in tasks):
        keys.append("deadline")
    if any(getattr(t, "warning", None) for t in tasks):
        keys.append("warning")
    keys.append("status")
    if show_progress:
        keys.append("progress")
    code_w = max(natural("code"), 4)
    # English headers are wider than the values (Status, Progress): they must not wrap.
    status_w = max(6, cell_width(label("status")))
    progress_w = max(4, cell_width(label("progress")))
    warning_w = max(4, cell_width(label("warning")))
    spec = {
        "code": (code_w, code_w, 8 if width >= 100 else code_w),
        "goal": (natural("goal"), 6, max(8, width // 8)),
        "leaders": (natural("leaders"), min(longest_token("leaders"), 8), max(8, width // 8)),
        "units": (natural("units"), min(longest_token("units"), 8), max(10, width // 8)),
        "co_units": (natural("co_units") if "co_units" in keys else 1, 8, max(8, width // 10)),
        "deadline": (natural("deadline") if "deadline" in keys else 1, 6, max(6, width // 12)),
        "status": (status_w, status_w, status_w),
        "progress": (progress_w, progress_w, progress_w),
        "warning": (warning_w, warning_w, warning_w),
    }
    cols = []
    for key in keys:
        if key == "standard":
            cols.append(TaskColumn(key, natural(key), 20, natural(key)))
        else:
            nat, least, cap = spec[key]
            col = TaskColumn(key, max(nat, least if key == "code" else 1), least, cap)
            if key == "code":
                col.width = max(cap, code_w)
            cols.append(col)
    standard = next(c for c in cols if c.key == "standard")
    others = [c for c in cols if c is not standard]
    room = width - 2 * (len(cols) - 1) - sum(c.width for c in others)
    want = min(standard.natural, 24)
    shrinkable = [c for c in others if c.key in ("goal", "leaders", "units", "co_units",
                                                  "deadline")]
    while room < want:
        candidates = [c for c in shrinkable if c.width > c.least]
        if not candidates:
            break
        widest = max(candidates, key=lambda c: c.width - c.least)
        widest.width -= 1
        room += 1
    if room > standard.natural:
        # Spare room: let the other wrapped columns grow back towards their natural width.
        spare = room - standard.natural
        for c in shrinkable:
            grow = min(spare, c.natural - c.width)
            if grow > 0:
                c.width += grow
                spare -= grow
        room = standard.natural
    standard.width = max(room, 4)
    return cols


def new_table(title: str | None = None) -> Any:
    """A compact table: a rule under the header, a blank line between sections, columns
    two cells apart and no outer border, so the width is exactly the columns plus gaps."""
    from rich import box
    from rich.table import Table

    return Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 1, 0, 0),
                 pad_edge=False, header_style="bold", expand=False)


_RICH_WORD = re.compile(r"\s*\S+\s*")
_TRAILING_SPACE = re.compile(r"\s+$")


def rich_text_lines(text: str, width: int, justify: str = "left") -> list[str] | None:
    """A one-line ``str`` (a title, a header) as rich renders it in ``width`` cells with
    ``justify`` and overflow fold (``Text.wrap``: words broken at spaces, a word too long for
    a line folded by cells, each line justified), or None for a text rich may read otherwise
    or measure otherwise: markup or emoji codes (``[``, ``:``), characters other than
    of the Basic Multilingual Plane one or two cells wide each, a width under 2."""
    if width < 2 or justify not in ("left", "center", "right") or "[" in text or ":" in text:
        return None
    if not text.isprintable() or (not text.isascii() and any(
            ord(ch) > 0xFFFF or not _CHAR_CELLS[ch] for ch in text)):
        return None  # each character one cell or two, a grapheme of its own
    breaks: list[int] = []  # rich's divide_line
    offset = 0
    for match in _RICH_WORD.finditer(text):
        start, word = match.start(), match.group()
        size = cell_width(word.rstrip())
        if width - offset >= size:
            offset += cell_width(word)
        elif size > width:
            pieces = _chop_cells(word, width)
            for i, piece in enumerate(pieces):
                if start:
                    breaks.append(start)
                if i == len(pieces) - 1:
                    offset = cell_width(piece)
                else:
                    start += len(piece)
        elif offset and start:
            breaks.append(start)
            offset = cell_width(word)
    edges = [0, *breaks, len(text)]
    out = []
    for a, b in pairwise(edges):
        line = text[a:b]
        if len(line) > width:  # Text.rstrip_end: trailing spaces beyond the width
            space = _TRAILING_SPACE.search(line)
            if space is not None:
                line = line[:len(line) - min(len(space.group()), len(line) - width)]
        if justify == "left":
            line = _cells_exactly(line, width)
        else:
            line = line.rstrip()
            size = cell_width(line)
            if size > width:
                line = _cells_exactly(line, width)
                size = width
            if justify == "right":
                line = " " * (width - size) + line
            else:
                left = (width - size) // 2
                line = " " * left + line + " " * (width - size - left)
        out.append(line)
    return out


def _chop_cells(text: str, width: int) -> list[str]:
    """rich.cells.chop_cells of simple text: pieces of at most ``width`` cells."""
    pieces: list[str] = []
    start = used = 0
    for i, ch in enumerate(text):
        size = 1 if ch.isascii() else _CHAR_CELLS[ch]
        if used + size > width:
            pieces.append(text[start:i])
            start, used = i, 0
        used += size
    if used:
        pieces.append(text[start:])
    return pieces


def _cells_exactly(text: str, width: int) -> str:
    """rich.cells.set_cell_size of simple text: cut or padded to ``width`` cells (a wide
    character cut in half becomes a space)."""
    size = cell_width(text)
    if size <= width:
        return text + " " * (width - size)
    used = 0
    for i, ch in enumerate(text):
        step = 1 if ch.isascii() else _CHAR_CELLS[ch]
        if used + step > width:
            return text[:i] + " " * (width - used)
        used += step
    return text


# Line breaking for Chinese text: no line starts with closing punctuation and none ends
# with opening punctuation (禁则); ASCII words and numbers are not broken.
_CLOSING = set("，。、；：？！）》」』】〕…”’,.;:?!)%")
_OPENING = set("（《「『【〔“‘(")
_TOKEN = re.compile(r"[\x21-\x7e]+|\s+|.", re.S)


def wrap_cells(text: str, width: int) -> list[str]:
    """``text`` broken into lines of at most ``width`` cells."""
    lines: list[str] = []
    for para in (text or "").splitlines() or [""]:
        para = para.replace("\t", " ")
        if cell_width(para) <= max(width, 2):  # fits: what fill gives, without the tokens
            lines.append(para.strip())
        else:
            lines.extend(fill(_TOKEN.findall(para), width))
    return lines


# what makes a cell's text take the general path: line breaks, tabs and other control codes,
# and the joiner and variation selector (with them rich measures a text as a whole)
_UNPLAIN = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029\u200d\ufe0f]")
_SPACE = re.compile(r"\s").search


def wrap_padded(text: str, width: int) -> list[str] | None:
    """:func:`wrap_cells` with every line padded to ``width`` cells (a left-justified
    :class:`Grid` cell), or None for a text that takes the general path (line breaks,
    tabs, control codes, joined emoji, a column narrower than 2 cells, a line wider than
    the column)."""
    global _simple
    text = text or ""
    if width < 2:
        return None
    if text.isascii():  # printable: none of _UNPLAIN's ASCII controls
        if not text.isprintable():
            return None
        size = len(text)
    else:
        if _simple is None:
            _simple = _simple_text()
        if _simple(text) is not None:  # none of _UNPLAIN's characters is simple
            size = (len(text.encode()) + len(text)) >> 1
        elif _UNPLAIN.search(text):
            return None
        else:
            size = cell_width(text)
    if size <= width:
        line = text.strip()
        if len(line) != len(text):
            size = cell_width(line)
        return [line + " " * (width - size)]
    tokens = _TOKEN.findall(text)
    sizes = _token_sizes(tokens)
    if max(sizes) > width or _SPACE(text):  # a space is a token of its own (_TOKEN)
        lines = _fill_tokens(tokens, width)
        out = []
        for line in lines:
            size = cell_width(line)
            if size > width:
                return None
            out.append(line + " " * (width - size))
        return out
    prefix, runs = _runs(tokens, sizes, width)
    return ["".join(tokens[a:b]) + " " * (width - prefix[b] + prefix[a]) for a, b in runs]


def _token_sizes(tokens: list[str]) -> list[int]:
    return list(map(_TOKEN_CELLS.__getitem__, tokens))


def _runs(tokens: list[str], sizes: list[int], width: int
          ) -> tuple[list[int], list[tuple[int, int]]]:
    """The lines of tokens that each fit ``width`` and are no space: each line is the longest
    run that fits (found by bisection on the running widths), less a token carried for 禁则.
    Returns the running widths and each line's (first, end) token index."""
    prefix = [0, *accumulate(sizes)]
    out: list[tuple[int, int]] = []
    start, end = 0, len(tokens)
    while True:
        i = bisect_right(prefix, prefix[start] + width) - 1  # tokens[start:i] fit
        if i >= end:
            out.append((start, end))
            break
        if ((tokens[i][0] in _CLOSING and i - start > 1) or tokens[i - 1][-1:] in _OPENING) \
                and sizes[i - 1] + sizes[i] <= width:
            i -= 1
        out.append((start, i))
        start = i
    return prefix, out


def fill(tokens: list[str], width: int) -> list[str]:
    """Greedy line filling of unbreakable ``tokens`` (too long ones are cut by cells)."""
    width = max(width, 2)
    sizes = _token_sizes(tokens)
    if sum(sizes) <= width:  # all on one line
        return ["".join(tokens).strip()]
    if max(sizes) > width or any(t.isspace() for t in tokens):
        return _fill_tokens(tokens, width)
    # Every token fits a line and none is a space (a name's marker starts with one)
    return ["".join(tokens[a:b]).strip() for a, b in _runs(tokens, sizes, width)[1]]


def _fill_tokens(tokens: list[str], width: int) -> list[str]:
    """:func:`fill` token by token: spaces, and tokens too long for a line (cut by cells)."""
    lines: list[list[str]] = []
    line: list[str] = []
    used = 0
    stack = tokens[::-1]  # the next token last
    sized = _TOKEN_CELLS
    while stack:
        tok = stack.pop()
        size = sized[tok]
        if tok.isspace():
            if line and used + size <= width:
                line.append(tok)
                used += size
            continue
        if used + size <= width:
            line.append(tok)
            used += size
            continue
        if size > width and len(tok) > 1:
            if width - used < 2:
                lines.append(line)
                line, used = [], 0
            head = _chop(tok, width - used)
            stack += [tok[len(head):], head]
            continue
        carry: list[str] = []
        if line and ((tok[0] in _CLOSING and len(line) > 1) or line[-1][-1:] in _OPENING) \
                and sized[line[-1]] + size <= width:
            carry = [line.pop()]
        lines.append(line)
        line = [*carry, tok]
        used = size + (sized[carry[0]] if carry else 0)
    if line or not lines:
        lines.append(line)
    return ["".join(parts).strip() for parts in lines]


def _chop(text: str, room: int) -> str:
    used = 0
    chars = _CHAR_CELLS
    for i, ch in enumerate(text):
        used += chars[ch]
        if used > room:
            return text[:i] or text[:1]
    return text or text[:1]


def print_task(task: Any) -> None:
    """One task in full, with its history."""
    from rich.table import Table
    from rich.text import Text

    out = console()
    label_w = 8
    value_w = max(out.width - label_w - 2, 10)
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True, width=label_w)
    grid.add_column(width=value_w, overflow="fold")
    rows = [
        (label("code"), f"{task.year} {task.code}"),
        (label("goal"), f"{task.goal_no}. {task.goal}"),
        (label("standard"), task.standard),
        (label("leaders"), "、".join(task.leaders)
         + (_("(inherited from the row above)") if task.leaders_inherited else "")),
        (label("units"), "、".join(task.units)
         + (_("(inherited from the row above)") if task.units_inherited else "")),
    ]
    if task.section:
        rows.insert(1, (label("section"), task.section))
    if task.co_units:
        rows.append((label("co_units"), "、".join(task.co_units)))
    rows += schedule_rows(task)
    rows.append((label("status"), status_label(task.status)
                 + (f"  {task.progress}%" if task.progress is not None else "")
                 + (f"  ({task.updated})" if task.updated else "")))
    sched = getattr(task, "schedule", None)
    if sched is not None:
        behind = _("behind") if sched.behind else _("on schedule")
        rows.append((label("expected_progress"), f"{sched.expected_progress:g}%  ({behind})"))
        if sched.warning:
            rows.append((label("warning"), warning_label(sched.warning)))
        if sched.days_left is not None:
            rows.append((label("days_left"), str(sched.days_left)))
    if task.note:
        rows.append((label("note"), task.note))
    if getattr(task, "reports_differ", False):
        from taskduty.reports import report_line

        for i, r in enumerate(task.reports):
            rows.append((_("Each unit") if i == 0 else "", report_line(r)))
    for t in getattr(task, "targets", []):
        rows.append((_("Target {no}").format(no=t["no"]), target_line(t)))
    rows.append((_("Source"), ref_text(task.source_ref)))
    for name, value in rows:
        grid.add_row(Text(name), Text("\n".join(wrap_cells(value or "", value_w))))
    out.print(grid)
    if task.history:
        withdrawn = "withdrawn_at" in task.history[0]
        columns = list(HISTORY_COLUMNS)
        if any(h.get("filled_by") or h.get("phone") or h.get("approved_by")
               for h in task.history):
            columns.insert(-1, Column("contact", N_("Filled by / phone / approved by")))
        if withdrawn:
            columns.append(Column("withdrawn", N_("Withdrawn")))
        rows_out = []
        for h in task.history:
            row = dict(h)
            row["status"] = status_label(h["status"])
            row["progress"] = "" if h["progress"] is None else f"{h['progress']}%"
            row["contact"] = " ".join(filter(None, (
                h.get("filled_by"), h.get("phone"),
                _("approved by {name}").format(name=h["approved_by"])
                if h.get("approved_by") else None)))
            if withdrawn:
                row["withdrawn"] = (f"{h['withdrawn_at']} {h['withdrawn_by']}"
                                    if h["withdrawn_at"] else "")
            rows_out.append(row)
        out.print()
        print_rows(rows_out, columns, title=_("Updates"))
    actuals = getattr(task, "actual_history", [])
    if actuals:
        withdrawn = "withdrawn_at" in actuals[0]
        units = {t["no"]: t["unit"] for t in task.targets}
        columns = [("id", N_("ID")), ("date", N_("Date")), ("target", N_("Target")),
                   ("value", N_("Actual value")), ("note", N_("Explanation")),
                   ("by", N_("Reported by")), ("recorded_by", N_("Recorded by"))]
        if withdrawn:
            columns.append(("withdrawn", N_("Withdrawn")))
        rows_out = []
        for a in actuals:
            row = dict(a)
            row["target"] = f"#{a['target']}"
            row["value"] = f"{a['value']:g}{units.get(a['target'], '')}"
            if withdrawn:
                row["withdrawn"] = (f"{a['withdrawn_at']} {a['withdrawn_by']}"
                                    if a["withdrawn_at"] else "")
            rows_out.append(row)
        out.print()
        print_rows(rows_out, columns, title=_("Actual values"))
    extensions = getattr(task, "extensions", None)
    if extensions:
        withdrawn = "withdrawn_at" in extensions[0]
        columns = [("id", N_("ID")), ("due_date", N_("Extended to")),
                   ("reason", N_("Reason for the extension")), ("approved_by", N_("Approved by")),
                   ("recorded_by", N_("Recorded by")), ("recorded_at", N_("Recorded at"))]
        if withdrawn:
            columns.append(("withdrawn", N_("Withdrawn")))
        rows_out = [dict(e, withdrawn=f"{e['withdrawn_at']} {e['withdrawn_by']}"
                         if e.get("withdrawn_at") else "") for e in extensions]
        out.print()
        print_rows(rows_out, columns, title=_("Extensions"))


def target_line(t: dict[str, Any]) -> str:
    """A target with its latest actual value and status: ``≥60%  产业类外资占比60%以上  实际
    62%（2018-03-31）达序时``."""
    from taskduty.targets import describe

    text = f"{describe(t)}  {t['text']}"
    if t.get("actual") is not None:
        text += "  " + _("actual {value}{unit} ({date})").format(
            value=f"{t['actual']:g}", unit=t["unit"], date=t["actual_date"])
    return text + f"  {_(TARGET_STATUS_TEXT[t.get('status') or 'none'])}"


# a target's status in show (targets.STATUS_LABELS are the Chinese words typed for --target)
TARGET_STATUS_TEXT = {"met": N_("target met"), "on_course": N_("on course"),
                      "behind": N_("below schedule"), "none": N_("not reported")}


def schedule_rows(task: Any) -> list[tuple[str, str]]:
    """``show``'s lines for the deadline: as written (with whether it was read from the task
    text), its milestones, and the approved extension in force with who approved it and why."""
    rows: list[tuple[str, str]] = []
    if task.deadline:
        rows.append((label("deadline"), task.deadline))
    elif getattr(task, "deadline_inferred", False) and task.deadline_date:
        rows.append((label("deadline"), _("{date} (read from the task text)").format(
            date=task.deadline_date)))
    milestones = getattr(task, "milestones", None) or []
    if len(milestones) > 1 or (milestones and milestones[0].get("step")):
        rows.append((_("Milestones"), "；".join(f"{m['date']} {m['step']}".strip()
                                              for m in milestones)))
    ext = getattr(task, "extension", None)
    if ext:
        text = (_("{due} (was {was}, approved by {who}; {reason})") if ext.get("approved_by")
                else _("{due} (was {was}; {reason})"))
        rows.append((_("Extended to"), text.format(
            due=ext["due_date"], was=task.deadline_date or "—", who=ext.get("approved_by"),
            reason=ext["reason"])))
    return rows


HISTORY_COLUMNS = columns(("id", N_("ID")), ("date", N_("Date")), ("status", HEADERS["status"]),
                          ("progress", HEADERS["progress"]), ("note", HEADERS["note"]),
                          ("by", N_("Reported by")), ("recorded_by", N_("Recorded by")))


# -- generic rows -------------------------------------------------------------------------
def print_rows(rows: list[dict[str, Any]], columns: Sequence[tuple[str, str] | Column],
               title: str | None = None, bar: str | None = None,
               total: dict[str, Any] | None = None, budget: int | None = None) -> int:
    """A compact table of plain rows; text columns wrap to fit the terminal, as rich sizes
    them. ``columns``: :class:`Column` objects or ``(key, header)`` pairs. Stops before
    ``budget`` lines (None: every row); returns how many rows it showed."""

    columns = [c if isinstance(c, Column) else Column(*c) for c in columns]
    out = console()
    numeric = {c.key for c in columns
               if rows and all(isinstance(c.cell(r), int | float) or c.cell(r) is None
                               for r in rows)}
    if not (bar and out.width >= 100):
        bar = None
    every = [*rows, *([total] if total else [])]
    texts = [[_plain(c.cell(r)) for c in columns] + ([progress_bar(float(r.get(bar) or 0))]
                                                     if bar else []) for r in every]
    specs: list[dict[str, Any]] = []
    for c in columns:
        if c.key in numeric:
            specs.append({"justify": "right", "no_wrap": True, "overflow": "ellipsis"})
        elif total is not None and c.key == columns[0].key and out.width >= 100:
            # the 合计 label on one line, as in the workbook (when there is room for it)
            specs.append({"overflow": "fold", "min_width": cell_width(_plain(total.get(c.key)))})
        else:
            specs.append({"overflow": "fold"})
    headers = [_(c.header) for c in columns]
    if bar:
        specs.append({"no_wrap": True})
        headers.append("")
    widths, widest = _rich_widths(out, title, headers, specs, texts)
    grid = Grid(out, [GridColumn(h, w, s.get("justify", "left"), s.get("no_wrap", False),
                                 s.get("overflow", "ellipsis"))
                      for h, w, s in zip(headers, widths, specs, strict=True)],
                squeezed=any(s.get("no_wrap") and w < m
                             for s, w, m in zip(specs, widths, widest, strict=True)),
                specs=specs)

    def lines() -> Iterable[GridRow]:
        for i, cells in enumerate(texts):
            last = total is not None and i == len(rows)
            yield ([([t], None) for t in cells], total is not None and i == len(rows) - 1,
                   "bold" if last else None)

    shown = grid.write(title, lines(), budget)
    return min(shown, len(rows))


def _rich_widths(out: Any, title: str | None, headers: list[str], specs: list[dict[str, Any]],
                 texts: list[list[str]]) -> tuple[list[int], list[int]]:
    """The content widths rich gives these columns (and each column's widest line): rich's
    own sizing, measured on the rows that decide it (per column the one with the widest word
    and the one with the widest line) rather than on every row."""
    from rich.text import Text

    keep: set[int] = set()
    widest: list[int] = []
    for j in range(len(headers)):
        widest_word: tuple[int, int] | None = None
        widest_line: tuple[int, int] | None = None
        for i, row in enumerate(texts):
            text = row[j]
            if _CONTROL.search(text):
                text = Text(text).plain
            lines = text.splitlines()
            line = max(map(cell_width, lines)) if lines else 0
            words = text.split()
            word = min(max(map(cell_width, words)) if words else line, line)
            if widest_word is None or word > widest_word[0]:
                widest_word = (word, i)
            if widest_line is None or line > widest_line[0]:
                widest_line = (line, i)
        keep.update(found[1] for found in (widest_word, widest_line) if found is not None)
        widest.append(widest_line[0] if widest_line else 0)
    table = new_table(title)
    for h, s in zip(headers, specs, strict=True):
        table.add_column(h, **s)
    for i in sorted(keep):
        table.add_row(*[Text(t) for t in texts[i]])
    options = out.options
    widths = table._calculate_column_widths(out, options.update_width(
        options.max_width - table._extra_width))
    return [w - (1 if j < len(widths) - 1 else 0) for j, w in enumerate(widths)], widest


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def progress_bar(pct: float, width: int = 10) -> str:
    filled = round(max(0.0, min(100.0, pct)) / 100 * width)
    return "█" * filled + "░" * (width - filled)


# -- load report ------------------------------------------------------------------------------
def load_report_lines(report: Any, verbose: bool = True) -> list[str]:
    """The load report: counts, then every inheritance, repair and warning."""
    verb = {"loaded": _("Loaded"), "unchanged": _("Unchanged"),
            "dry-run": _("Dry run (nothing written)"),
            "replaced": _("Replaced")}.get(report.outcome, report.outcome)
    lines = [_("{outcome}: {year} from {source} ({format})").format(
        outcome=verb, year=report.year, source=report.source, format=report.input_format)]
    if report.outcome == "unchanged":
        lines.append("  " + _("{year} is already loaded with the same content; nothing "
                              "changed.").format(year=report.year))
    lines.append("  " + _("goals {goals}, tasks {tasks}, leaders {leaders}, units {units}, "
                          "inherited cells {inherited}, repairs {repairs}, warnings "
                          "{warnings}").format(
        goals=report.goals, tasks=report.tasks, leaders=report.leaders, units=report.units,
        inherited=report.inherited,
        repairs=sum(r.kind == "repaired" for r in report.repairs),
        warnings=sum(r.kind == "warning" for r in report.repairs)))
    lines += [f"  {line}" for line in getattr(report, "changes", None) or []]
    if not verbose:
        return lines
    titles = {"inherited": _("Inherited from the cell above (merged or blank cells)"),
              "repaired": _("Repaired"), "cleaned": _("Cleaned names"), "note": _("Notes"),
              "warning": _("Warnings")}
    for kind, heading in titles.items():
        items = [r for r in report.repairs if r.kind == kind]
        if items:
            from taskduty.limits import listed

            shown, more = listed(items)
            lines.append(_("{heading}:").format(heading=heading))
            lines += [f"  {ref_text(r.ref) + ': ' if r.ref else ''}{r.message}" for r in shown]
            if more:
                lines.append("  " + _("… and {n} more (-f json lists them all)").format(n=more))
    return lines


def load_result(report: Any, data: Any, verbose: bool = True) -> Result:
    """``load``: ``data`` in JSON; the load report (:func:`load_report_lines`) on stderr."""
    return Result(data=data, lines=load_report_lines(report, verbose), lines_to_stderr=True)


def print_load_report(report: Any, verbose: bool = True) -> None:
    """The load report, on stderr."""
    for line in load_report_lines(report, verbose):
        message(line)


# -- the listings' results (the query commands: cli/query.py only calls these) ---------------
def caption(year: int | None, count: int, kind: str = "task") -> str | None:
    """A table's caption: the year it shows and how many rows (``2018年 · 114项``, in
    English ``2018 · 114 tasks``); ``kind`` is task, leader, unit or goal."""
    if not year:
        return None
    if kind == "leader":
        text = ngettext("{year} · {n} leader", "{year} · {n} leaders", count)
    elif kind == "unit":
        text = ngettext("{year} · {n} unit", "{year} · {n} units", count)
    elif kind == "goal":
        text = ngettext("{year} · {n} goal", "{year} · {n} goals", count)
    else:
        text = ngettext("{year} · {n} task", "{year} · {n} tasks", count)
    return text.format(year=year, n=count)


def show_result(task: Any) -> Result:
    """``show``: the task with its history in JSON, as a row in CSV/TSV/JSONL, in full for
    people (:func:`print_task`)."""
    result = tasks_result([task])
    result.data = task.as_dict(with_history=True)
    result.show = lambda _rows, _cols: print_task(task)
    result.notes = ()
    return result


def names_result(kind: str, rows: list[dict[str, Any]], year: int | None) -> Result:
    """``leaders`` / ``units``: each name with its task count and counts per status."""
    name = N_("Leader") if kind == "leader" else N_("Lead unit")
    cols = [Column("name", name), Column("tasks", N_("Tasks")), *STATUS_COLUMNS]
    data = [{c.key: r[c.key] for c in cols} for r in rows]
    return Result(rows=data, columns=cols, title=caption(year, len(data), kind))


def goals_result(rows: list[dict[str, Any]], year: int | None) -> Result:
    """``goals``: number, name and task count (and 类别 when the table has sections)."""
    cols = columns(("goal_no", HEADERS["goal_no"]), ("goal", HEADERS["goal"]),
                   ("tasks", N_("Tasks")))
    if any(r["section"] for r in rows):
        cols.insert(0, Column("section", HEADERS["section"]))
    return Result(rows=rows, columns=cols, title=caption(year, len(rows), "goal"))


def years_result(rows: list[dict[str, Any]]) -> Result:
    """``years``: each loaded year with its task and goal counts and its source."""
    return Result(rows=rows, columns=columns(
        ("year", HEADERS["year"]), ("tasks", N_("Tasks")), ("goals", N_("Goals")),
        ("source", N_("Source")), ("loaded_at", N_("Loaded at"))))


def summary_result(by: str, rows: list[dict[str, Any]], total: dict[str, Any],
                   year: int | None, as_of: Any, table: bool) -> Result:
    """``summary --by leader|unit|goal``: per group the counts per status and warning light,
    share done and mean progress, with the 合计 row (``total``) below in the table. The
    target counts are columns in data formats and part of the title in the ``table``."""
    from datetime import date

    from taskduty.schedule import LIGHT_LABELS

    name = {"leader": N_("Leader"), "unit": N_("Lead unit"), "goal": HEADERS["goal"]}[by]
    cols = [Column("name", name), Column("tasks", N_("Tasks")), *STATUS_COLUMNS,
            Column("done_pct", N_("Done %")),
            *(Column(k, v) for k, v in LIGHT_LABELS.items()),
            Column("mean_progress", N_("Mean progress"))]
    if not table and total["targets"]:
        cols += [Column("targets", N_("Targets")), Column("targets_ok", N_("On course"))]
    title = f"{caption(year, total['tasks'])}  " + _("As of {date}").format(
        date=as_of or date.today())
    if total["targets"]:
        title += "  " + _("{n} quantitative targets, {ok} on course").format(
            n=total["targets"], ok=total["targets_ok"])
    return Result(rows=rows, columns=cols, title=title, bar="done_pct", total=total)


def target_summary_result(rows: list[dict[str, Any]], as_of: Any) -> Result:
    """``summary --by target``: every quantitative target with its latest actual value."""
    from datetime import date

    from taskduty.targets import count_statuses, counts_line

    cols = columns(
        ("code", HEADERS["code"]), ("units", HEADERS["units"]), ("text", N_("Target")),
        ("target", N_("Goal value")),
        Column("actual", N_("Actual value"),
               lambda v, r: "" if v is None else f"{v:g}{r['unit']}"),
        ("actual_date", N_("As of")),
        Column("status", HEADERS["status"], lambda _v, r: r.get("status_label")))
    data = [{k: v for k, v in r.items() if k != "status_label"} for r in rows]
    return Result(rows=rows, columns=cols, data=data,
                  title=_("As of {date}").format(date=as_of or date.today())
                  + f"  {counts_line(count_statuses(rows))}")


# the contact lines under a filled form (forms.CONTACT_LINES are their Chinese labels there)
CONTACT_TEXT = {"filled_by": N_("filled by {value}"), "phone": N_("phone {value}"),
                "approved_by": N_("approved by {value}")}


def contact_text(contact: dict[str, Any]) -> str:
    """``filled by 张晓; phone 0519-…; approved by 李建`` (in the interface language) for a
    collected form's contact lines, "" when it gave none."""
    return "; ".join(_(text).format(value=contact[key]) for key, text in CONTACT_TEXT.items()
                     if contact.get(key))


# a source row's place, as the readers store it (sources/*: "line 44", "row 5", "table 2 row 3")
_REF = re.compile(r"\b(?:table (?P<table>\d+) )?(?P<kind>row|line) (?P<n>\d+)\b")


def ref_text(ref: str | None) -> str:
    """A stored source reference (``line 44``, ``row 5``, ``table 2 row 3``, also inside a
    longer text such as ``plan.xlsx row 5``) in the interface language: 第44行, 第5行,
    表2第3行. The stored and JSON values stay English; only tables and messages show this."""
    if not ref:
        return ""

    def one(m: re.Match[str]) -> str:
        if m["table"]:
            return _("table {table} row {n}").format(table=m["table"], n=m["n"])
        if m["kind"] == "line":
            return _("line {n}").format(n=m["n"])
        return _("row {n}").format(n=m["n"])

    return _REF.sub(one, ref)
