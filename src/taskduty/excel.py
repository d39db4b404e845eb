"""The printable monthly status workbook (``taskduty export OUT.xlsx``).

Three sheets: the report (one row per task, goals merged down, status colours, A4 landscape,
title and header repeated on every page), a summary by leader and by unit with bar charts,
and the tasks that are behind or stale. The workbook is written in openpyxl's write-only
mode (rows streamed to disk, so memory stays flat on big tables); merges, print titles,
autofilter and charts all work there.

Every text that comes from the table or from notes is written as a string cell, never as a
formula: ``=1+1`` stays the text ``=1+1`` (see :func:`text_cell`).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from typing import Any

from taskduty.fields import LABELS, STATUSES
from taskduty.queries import TOTAL_LABEL
from taskduty.schedule import LIGHT_LABELS, LIGHTS
from taskduty.xlsxrows import RowWriter, clean_text, needs_quote

# Light fills for status cells, with a matching dark font; the chart uses the dark colours.
STATUS_COLOURS: dict[str, tuple[str, str]] = {
    "not_started": ("EDEDED", "595959"),
    "in_progress": ("DDEBF7", "1F4E79"),
    "behind": ("FFC7CE", "9C0006"),
    "done": ("C6EFCE", "006100"),
}
# Warning lights (预警): fill and font of the 预警 cell.
LIGHT_COLOURS: dict[str, tuple[str, str]] = {
    "red": ("FF0000", "FFFFFF"),
    "yellow": ("FFFF00", "000000"),
    "blue": ("00B0F0", "FFFFFF"),
}
CHART_COLOURS = {"not_started": "A6A6A6", "in_progress": "5B9BD5", "behind": "E15759",
                 "done": "59A14F"}
FONT = "SimSun"  # 宋体: what an office's printer expects; viewers substitute a CJK font
LINE_HEIGHT = 14.0  # points per wrapped line at 10 pt


@dataclass
class Column:
    """A report column: task field, header, width (Excel character units), alignment."""

    key: str
    header: str
    width: float
    wrap: bool = True
    centre: bool = False


# East Asian wide and full-width ranges (CJK, kana, hangul, full-width forms)
_WIDE = re.compile("[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf"
                   "\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff"
                   "\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")
_WIDE_RUNS = re.compile(_WIDE.pattern + "+")  # a run at a time: one match per word, not char
MEMO = 4096  # texts whose wrapping is remembered (then forgotten at once: memory stays flat)
_LINES: dict[tuple[str, float], int] = {}


def text_width(text: str) -> int:
    """Display width: CJK and full-width characters count 2."""
    if text.isascii():
        return len(text)
    # what is left once the runs of wide characters are taken out is the narrow ones
    return 2 * len(text) - len(_WIDE_RUNS.sub("", text))


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a wrapped cell ``width`` characters wide."""
    # Excel fits about width+3 units of 10 pt 宋体 per line; LibreOffice a little more
    usable = max(1.0, width)
    if 2 * len(text) <= usable and "\n" not in text:  # one line, however wide its characters
        return 1
    lines = _LINES.get((text, usable))
    if lines is None:
        if len(_LINES) >= MEMO:
            _LINES.clear()
        lines = _LINES[(text, usable)] = sum(
            max(1, math.ceil(text_width(part) / usable)) for part in text.split("\n"))
    return lines


NAME_SEP = "、"
NAME_COLUMNS = ("leaders", "units", "co_units")
NAME_WIDTH_CAP = 30.0  # a name longer than this still wraps inside itself


def most_lines(values: Sequence[Any], columns: Sequence[tuple[int, float, float]],
               least: int, skip_empty: bool = False) -> int:
    """The most :func:`wrapped_lines` of ``values[i]`` (as text) in its column, for each
    ``(i, width, max(1, width))`` of ``columns``, and at least ``least`` (at least 1); with
    ``skip_empty``, empty values are left out. A text that fits on one line whatever its
    characters is not measured."""
    for i, width, usable in columns:
        value = values[i]
        if skip_empty and not value:
            continue
        text = value if type(value) is str else str(value)
        if 2 * len(text) > usable or "\n" in text:
            least = max(least, wrapped_lines(text, width))
    return least


def name_width(names: Iterable[str], least: float) -> float:
    """A column as wide as its longest name needs (with its 、), at least ``least``."""
    longest = max((text_width(n) for n in names), default=0)
    return min(NAME_WIDTH_CAP, max(least, longest + 3.0))


_NAME_TEXTS: dict[tuple[tuple[str, ...], float], str] = {}


def name_text(names: Sequence[str], width: float) -> str:
    """``names`` joined with 、, with a line break wherever the next name would not fit on
    the line: a printed cell wraps between names, never inside one."""
    key = (tuple(names), width)
    text = _NAME_TEXTS.get(key)
    if text is None:
        if len(_NAME_TEXTS) >= MEMO:
            _NAME_TEXTS.clear()
        text = _NAME_TEXTS[key] = _break_names(names, width)
    return text


def _break_names(names: Sequence[str], width: float) -> str:
    usable = max(1.0, width - 1)
    lines: list[str] = []
    line = ""
    for i, name in enumerate(names):
        piece = name + (NAME_SEP if i < len(names) - 1 else "")
        if line and text_width(line + piece) > usable:
            lines.append(line)
            line = ""
        line += piece
    if line:
        lines.append(line)
    return "\n".join(lines)


def set_text(cell: Any, value: str) -> None:
    """Store ``value`` in ``cell`` as a string, never as a formula (formula injection)."""
    cell._value = clean_text(value)
    cell.data_type = "s"
    if needs_quote(value):
        # Excel's own "text typed with a leading '": stays text when the cell is edited
        cell.quotePrefix = True


class Styles:
    """A sheet's named cell styles, each built once, and the :class:`RowWriter` that writes
    its rows: a cell is a (style name, value) pair, its style's index looked up once."""

    def __init__(self, ws: Any) -> None:
        from openpyxl.cell import WriteOnlyCell

        self.ws = ws
        self._new = WriteOnlyCell
        self._arrays: dict[tuple[str, bool], Any] = {}
        self._specs: dict[str, dict[str, Any]] = {}
        self.rows = RowWriter(ws, self.array)

    def define(self, name: str, **spec: Any) -> None:
        self._specs[name] = spec

    def array(self, style: str, quoted: bool) -> Any:
        """The style array of ``style``; ``quoted``, with Excel's quote prefix."""
        array = self._arrays.get((style, quoted))
        if array is None:
            template = self._new(self.ws)
            for attr, spec in self._specs[style].items():
                setattr(template, attr, spec)
            if quoted:
                template.quotePrefix = True
            array = self._arrays[(style, quoted)] = copy(template._style)
        return array

    def cell(self, value: Any, style: str) -> tuple[str, Any]:
        """A cell holding ``value`` (text always as text) in style ``style``."""
        return (style, value)

    def append(self, cells: list[tuple[str, Any] | None], row: int, height: float) -> None:
        """Append row ``row`` with its height (no row dimension kept for it)."""
        self.rows.height(row, height)
        self.ws.append(cells)


def _stream_cells(ws: Any) -> None:
    """Let ``ws.append`` take ready-made cells without openpyxl's per-cell try/except.

    openpyxl's write-only ``append`` first tries each item as a plain value and only takes it
    as a cell after a ValueError; with every item a cell that costs a third of the export.
    """

    def values_to_row(cells: Sequence[Any], row_idx: int) -> Iterable[Any]:
        for col_idx, cell in enumerate(cells, 1):
            if cell is None:
                continue
            cell.column = col_idx
            cell.row = row_idx
            yield cell

    ws._values_to_row = values_to_row


def _base_styles(ws: Any) -> Styles:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    body = Font(name=FONT, size=10)
    styles = Styles(ws)
    styles.define("title", font=Font(name=FONT, size=16, bold=True),
                  alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))
    styles.define("subtitle", font=Font(name=FONT, size=10, color="404040"),
                  alignment=Alignment(horizontal="left", vertical="center", wrap_text=True))
    styles.define("heading", font=Font(name=FONT, size=12, bold=True),
                  alignment=Alignment(vertical="center"))
    styles.define("header", font=Font(name=FONT, size=10, bold=True), border=border,
                  fill=PatternFill("solid", fgColor="D9E1F2"),
                  alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))
    styles.define("text", font=body, border=border,
                  alignment=Alignment(vertical="center", wrap_text=True))
    styles.define("centre", font=body, border=border,
                  alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))
    styles.define("goal", font=Font(name=FONT, size=10, bold=True), border=border,
                  alignment=Alignment(vertical="center", wrap_text=True))
    styles.define("pct", font=body, border=border, number_format='0"%"',
                  alignment=Alignment(horizontal="center", vertical="center"))
    styles.define("share", font=body, border=border, number_format="0.0%",
                  alignment=Alignment(horizontal="center", vertical="center"))
    styles.define("share_total", font=Font(name=FONT, size=10, bold=True), border=border,
                  fill=PatternFill("solid", fgColor="F2F2F2"), number_format="0.0%",
                  alignment=Alignment(horizontal="center", vertical="center"))
    styles.define("band", font=Font(name=FONT, size=11, bold=True), border=border,
                  fill=PatternFill("solid", fgColor="EEF3FA"),
                  alignment=Alignment(horizontal="left", vertical="center"))
    styles.define("int", font=body, border=border,
                  alignment=Alignment(horizontal="center", vertical="center"))
    styles.define("date", font=body, border=border, number_format="yyyy-mm-dd",
                  alignment=Alignment(horizontal="center", vertical="center"))
    styles.define("total", font=Font(name=FONT, size=10, bold=True), border=border,
                  fill=PatternFill("solid", fgColor="F2F2F2"),
                  alignment=Alignment(horizontal="center", vertical="center"))
    for key, (fill, ink) in LIGHT_COLOURS.items():
        styles.define(f"light_{key}", font=Font(name=FONT, size=10, bold=True, color=ink),
                      border=border, fill=PatternFill("solid", fgColor=fill),
                      alignment=Alignment(horizontal="center", vertical="center"))
    for key, (fill, ink) in STATUS_COLOURS.items():
        styles.define(f"status_{key}", font=Font(name=FONT, size=10, bold=True, color=ink),
                      border=border, fill=PatternFill("solid", fgColor=fill),
                      alignment=Alignment(horizontal="center", vertical="center"))
    return styles


def _print_setup(ws: Any, title_rows: str, footer: str) -> None:
    """A4 landscape, one page wide, title rows repeated, page numbers in the footer."""
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.print_title_rows = title_rows
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.right.text = footer
    ws.evenFooter.center.text = "第 &P 页，共 &N 页"


def _set_widths(ws: Any, columns: Sequence[Column]) -> None:
    from openpyxl.utils import get_column_letter

    for i, col in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(i)].width = col.width


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def report_title(year: int, as_of: date) -> str:
    return f"{year}年《政府工作报告》目标任务推进情况（截至{cn_date(as_of)}）"


def report_columns(co_units: bool, deadlines: bool,
                   names: dict[str, Sequence[str]] | None = None) -> list[Column]:
    """The report's columns, with 配合单位 and 完成时限 when asked for; the leader and unit
    columns as wide as the longest of ``names`` (``leaders``, ``units``, ``co_units``)."""
    names = names or {}
    cols = [Column("code", LABELS["code"], 9, wrap=False, centre=True),
            Column("goal", LABELS["goal"], 16),
            Column("standard", LABELS["standard"], 44),
            Column("leaders", LABELS["leaders"], name_width(names.get("leaders", ()), 9),
                   centre=True),
            Column("units", LABELS["units"], name_width(names.get("units", ()), 14))]
    if co_units:
        cols.append(Column("co_units", LABELS["co_units"],
                           name_width(names.get("co_units", ()), 14)))
    if deadlines:
        cols.append(Column("deadline", LABELS["deadline"], 11, centre=True))
    cols += [Column("status", LABELS["status"], 8, wrap=False, centre=True),
             Column("progress", LABELS["progress"], 6, wrap=False, centre=True),
             Column("expected_progress", LABELS["expected_progress"], 6, wrap=False,
                    centre=True),
             Column("warning", LABELS["warning"], 6, wrap=False, centre=True),
             Column("note", "最新进展", 32),
             Column("updated", LABELS["updated"], 11, wrap=False, centre=True)]
    return cols


def task_names(tasks: Iterable[Any]) -> dict[str, list[str]]:
    """The distinct leader and unit names of ``tasks`` (what
    :func:`taskduty.queries.task_names` gives for a filter)."""
    out: dict[str, dict[str, None]] = {k: {} for k in NAME_COLUMNS}
    for t in tasks:
        for key in NAME_COLUMNS:
            out[key].update(dict.fromkeys(getattr(t, key)))
    return {k: sorted(v) for k, v in out.items()}


def task_value(task: Any, key: str, width: float | None = None) -> Any:
    """A task field as a report cell holds it; names broken into lines for a column
    ``width`` wide."""
    return value_getter(key, width)(task)


@lru_cache(maxsize=256)
def value_getter(key: str, width: float | None = None) -> Callable[[Any], Any]:
    """:func:`task_value` of field ``key`` (for a column ``width`` wide) as a function of the
    task, the field's case chosen once."""
    if key == "goal":
        return lambda task: f"{task.goal_no}. {task.goal}"
    if key in NAME_COLUMNS:
        if width:
            return lambda task: name_text(getattr(task, key), width)
        return lambda task: NAME_SEP.join(getattr(task, key))
    if key == "status":
        return lambda task: STATUSES.get(task.status, task.status)
    if key == "progress":
        return lambda task: 100 if task.status == "done" else task.progress
    if key == "warning":
        def warning(task: Any) -> Any:
            sched = getattr(task, "schedule", None)
            return None if sched is None else LIGHT_LABELS.get(sched.warning or "", None)
        return warning
    if key == "expected_progress":
        def expected(task: Any) -> Any:
            sched = getattr(task, "schedule", None)
            return None if sched is None else sched.expected_progress
        return expected
    if key == "note":
        def note(task: Any) -> Any:
            if getattr(task, "reports_differ", False):
                from taskduty.reports import report_line  # each lead unit's own latest report

                return "\n".join(report_line(r) for r in task.reports)
            return task.note
        return note
    return attrgetter(key)


STATUS_STYLES = {key: f"status_{key}" for key in STATUS_COLOURS}
LIGHT_STYLES = {key: f"light_{key}" for key in LIGHT_COLOURS}
FIXED_STYLES = {"progress": "pct", "expected_progress": "pct", "updated": "date",
                "goal": "goal"}


class _TaskRow:
    """A sheet's task columns worked out once: each one's value, its cell's style, and the
    columns whose text wraps into the row's height (all but ``skip``)."""

    def __init__(self, columns: Sequence[Column], skip: str | None = None) -> None:
        self.getters = [value_getter(c.key, c.width) for c in columns]
        self.styles = [FIXED_STYLES.get(c.key, "centre" if c.centre else "text")
                       for c in columns]
        self.status_at = [i for i, c in enumerate(columns) if c.key == "status"]
        self.light_at = [i for i, c in enumerate(columns) if c.key == "warning"]
        self.wraps = [(i, c.width, max(1.0, c.width)) for i, c in enumerate(columns)
                      if c.wrap and c.key != skip]

    def values(self, task: Any) -> list[Any]:
        """Each column's value, computed once for the row's cells and its height."""
        return [get(task) for get in self.getters]

    def cells(self, task: Any, values: Sequence[Any]) -> list[Any]:
        cells: list[Any] = list(zip(self.styles, values, strict=True))
        for i in self.status_at:  # a status's colours, or plain for one unknown
            cells[i] = (STATUS_STYLES.get(task.status, "centre"), values[i])
        for i in self.light_at:
            cells[i] = (LIGHT_STYLES.get(getattr(task, "warning", None), "centre"), values[i])
        return cells

    def height(self, values: Sequence[Any]) -> float:
        """As many lines as the longest wrapped value takes."""
        return most_lines(values, self.wraps, 1, skip_empty=True) * LINE_HEIGHT + 4


@dataclass
class ReportInfo:
    """What :func:`write_report` wrote."""

    path: Path
    tasks: int
    behind_or_stale: int
    counts: dict[str, int]
    lights: dict[str, int] | None = None  # red, yellow, blue
    # quantitative targets: targets, met, on_course, behind, none, ok (met or on course)
    targets: dict[str, int] | None = None


def is_stale(task: Any, as_of: date, stale_days: int) -> bool:
    """No update in the ``stale_days`` days before ``as_of`` (and not done)."""
    limit = as_of - timedelta(days=stale_days)
    return task.status != "done" and (task.updated is None or task.updated < limit)


class StatusTally:
    """Running counts per status: over all tasks, per leader and per lead unit."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.lights: Counter[str] = Counter()  # red, yellow, blue
        self.total = 0
        self.by: dict[str, dict[str, Counter[str]]] = {"leader": {}, "unit": {}}
        self.targets: dict[str, int] | None = None  # set once every task is in

    def add(self, task: Any) -> None:
        self.total += 1
        self.counts[task.status] += 1
        light = getattr(task, "warning", None)
        if light:
            self.lights[light] += 1
        for by, names in (("leader", task.leaders), ("unit", task.units)):
            groups = self.by[by]
            for name in names:
                group = groups.setdefault(name, Counter())
                group[task.status] += 1
                if light:
                    group["light_" + light] += 1

    def rows(self, by: str) -> list[dict[str, Any]]:
        """Per leader or lead unit: tasks, count per status, share done (0–1), count per
        warning light."""
        rows = []
        for name, counts in self.by[by].items():
            n = sum(counts.get(s, 0) for s in STATUSES)
            rows.append({"name": name, "tasks": n, **{s: counts.get(s, 0) for s in STATUSES},
                         "done_pct": counts.get("done", 0) / n,
                         **{light: counts.get("light_" + light, 0) for light in LIGHTS}})
        rows.sort(key=lambda r: (-r["tasks"], r["name"]))
        return rows


def report_scope(leaders: Sequence[str] = (), units: Sequence[str] = ()) -> str:
    """The selection a report covers, for its (Chinese) title: ``分管领导：陆秋明；牵头单位：…``,
    "" for the whole table."""
    return "；".join(part for part in (
        f"分管领导：{'、'.join(leaders)}" if leaders else "",
        f"牵头单位：{'、'.join(units)}" if units else "") if part)


def write_report(path: Path, tasks: Iterable[Any], year: int, as_of: date,
                 stale_days: int = 30, scope: str = "", *, co_units: bool | None = None,
                 deadlines: bool | None = None,
                 names: dict[str, Sequence[str]] | None = None) -> ReportInfo:
    """Write the status workbook for ``tasks`` (TaskViews, in goal order) to ``path``.

    ``scope`` (e.g. "分管领导：陆秋明") is added to the title when the tasks are a selection.
    ``tasks`` is read once, row by row, so an iterator (:func:`taskduty.queries.iter_tasks`)
    keeps memory flat; the columns depend on whether any task has cooperating units or a
    deadline, so give ``co_units`` and ``deadlines`` with an iterator (else the tasks are
    listed first to find out), and ``names`` (:func:`taskduty.queries.task_names`) to size the
    leader and unit columns by their longest name (else a list of tasks gives them, and an
    iterator the default widths).
    """
    from openpyxl import Workbook

    from taskduty.safeio import check_output_path

    check_output_path(path)  # before any work: a folder or a file as folder is one line
    if co_units is None or deadlines is None:
        tasks = list(tasks)
        co_units = any(t.co_units for t in tasks) if co_units is None else co_units
        deadlines = any(t.deadline for t in tasks) if deadlines is None else deadlines
    if names is None and isinstance(tasks, list):
        names = task_names(tasks)
    wb = Workbook(write_only=True)
    from taskduty.xlsxrows import discarded_on_error

    with discarded_on_error(wb):  # a workbook given up on is closed, not left open
        title = report_title(year, as_of) + (f"（{scope}）" if scope else "")
        made = f"制表日期：{cn_date(date.today())}"
        # Sheets in their order; the report and late rows are written as the tasks come, the
        # summary and charts (which need every count) at the end.
        report = _ReportSheet(wb, report_columns(co_units, deadlines, names), title, made)
        summary_ws = wb.create_sheet("汇总")
        charts_ws = wb.create_sheet("图表")
        late = _LateSheet(wb, year, as_of, stale_days, made, names)
        targets = _TargetSheet(wb, year, as_of, made)
        tally = StatusTally()
        for task in tasks:
            report.add(task)
            tally.add(task)
            late.add(task)
            targets.add(task)
        report.finish()
        late.finish()
        targets.finish()
        tally.targets = targets.counts()
        tables = _summary_sheet(summary_ws, tally, year, as_of, made)
        _chart_sheet(charts_ws, summary_ws, tables, made)
        wb.properties.title = title
        wb.properties.creator = "taskduty"
        from taskduty.safeio import atomic_path

        with atomic_path(path) as tmp:
            wb.save(tmp)
    return ReportInfo(path=path, tasks=tally.total, behind_or_stale=late.count,
                      counts=dict(tally.counts), lights=dict(tally.lights),
                      targets=tally.targets)


def _title_rows(ws: Any, styles: Styles, title: str, width: int, height: float = 36) -> None:
    from openpyxl.utils import get_column_letter

    ws.row_dimensions[1].height = height
    ws.append([styles.cell(title, "title")])
    ws.merged_cells.add(f"A1:{get_column_letter(width)}1")


# A4 landscape as _print_setup sets it up, in points: the printable area inside the margins.
PAGE_WIDTH = 841.89 - 2 * 0.4 * 72
PAGE_HEIGHT = 595.28 - 2 * 0.6 * 72
PAGE_SAFETY = 0.96  # spreadsheet programs round the fit-to-width scale and widths


def body_height(columns: Sequence[Column], title_height: float) -> float:
    """The row height (points, unscaled) that fits on one printed page below the repeated
    title rows, when the columns are fitted to the page's width."""
    # a column of width w is w*7+5 pixels of the default font, 0.75 points a pixel
    width = sum(c.width * 7 + 5 for c in columns) * 0.75
    scale = min(1.0, PAGE_WIDTH / width)
    return PAGE_HEIGHT * PAGE_SAFETY / scale - title_height


class _ReportSheet:
    """The report sheet, written one task at a time.

    Pages are broken by the sheet itself (a row break before a row that would not fit), so
    a goal that goes on over a page break is merged per page and its name is written again
    at the top of the next page, instead of a blank remainder of a merged cell.
    """

    TITLE_HEIGHT = 36 + 24

    def __init__(self, wb: Any, columns: list[Column], title: str, made: str) -> None:
        from openpyxl.utils import get_column_letter

        self.ws = ws = wb.create_sheet("推进情况")
        self.styles = styles = _base_styles(ws)
        self.columns = columns
        _set_widths(ws, columns)
        ws.freeze_panes = "A3"
        _print_setup(ws, "1:2", made)
        _title_rows(ws, styles, title, len(columns))
        ws.row_dimensions[2].height = 24
        ws.append([styles.cell(c.header, "header") for c in columns])
        self.plan = _TaskRow(columns, skip="goal")
        self.goal_col = next(i for i, c in enumerate(columns, 1) if c.key == "goal")
        self.goal_letter = get_column_letter(self.goal_col)
        self.row = 3
        self.pending: Any = None
        self.group_start = 0  # first row of the goal (on this page) being written, 0 before
        self.group_height = 0.0  # height of its rows written so far
        self.merges: list[str] = []
        self.page_room = body_height(columns, self.TITLE_HEIGHT)
        self.page_used = 0.0
        self.breaks: list[int] = []  # rows after which a new page starts

    def add(self, task: Any) -> None:
        # Rows of one goal are contiguous (tasks come in goal order): a row is written when
        # the next task shows whether it ends its goal, whose cell is merged down.
        if self.pending is not None:
            self._write(self.pending, last=task.goal_no != self.pending.goal_no)
        self.pending = task

    def _close_group(self, end: int) -> None:
        if self.group_start and end > self.group_start:
            self.merges.append(f"{self.goal_letter}{self.group_start}:{self.goal_letter}{end}")
        self.group_start = 0

    def _write(self, task: Any, last: bool) -> None:
        columns = self.columns
        values = self.plan.values(task)
        height = self.plan.height(values)
        continued = False
        if self.page_used and self.page_used + height > self.page_room:
            continued = bool(self.group_start)
            self._close_group(self.row - 1)
            self.breaks.append(self.row - 1)
            self.page_used = 0.0
        if not self.group_start:
            self.group_start, self.group_height = self.row, 0.0
        if last:
            goal = task_value(task, "goal") + ("（续）" if continued else "")
            goal_lines = wrapped_lines(goal, columns[self.goal_col - 1].width)
            need = goal_lines * LINE_HEIGHT + 4
            if need > self.group_height + height:  # the goal's text needs more room
                height = need - self.group_height
        self.group_height += height
        self.page_used += height
        cells = self.plan.cells(task, values)
        if self.row > self.group_start:
            cells[self.goal_col - 1] = self.styles.cell(None, "goal")
        elif continued:  # the goal's name again at the top of the new page
            cells[self.goal_col - 1] = self.styles.cell(task_value(task, "goal") + "（续）",
                                                        "goal")
        self.styles.append(cells, self.row, height)
        if last:
            self._close_group(self.row)
        self.row += 1

    def finish(self) -> None:
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
        from openpyxl.worksheet.pagebreak import Break

        if self.pending is not None:
            self._write(self.pending, last=True)
            self.pending = None
        ws = self.ws
        last_col = get_column_letter(len(self.columns))
        # set at once: MultiCellRange.add checks every earlier range (quadratic on big tables)
        ws.merged_cells = MultiCellRange([*ws.merged_cells.ranges,
                                          *(CellRange(m) for m in self.merges)])
        # set at once: RowBreak.append checks every earlier break again (quadratic too)
        ws.row_breaks.brk = [*ws.row_breaks.brk, *(Break(id=row) for row in self.breaks)]
        ws.auto_filter.ref = f"A2:{last_col}{max(self.row - 1, 2)}"
        ws.print_area = f"A1:{last_col}{max(self.row - 1, 2)}"


SUMMARY_COLUMNS = [Column("name", "", 16), Column("tasks", "任务数", 8),
                   *(Column(k, v, 8) for k, v in STATUSES.items()),
                   Column("done_pct", "完成率", 9),
                   *(Column(k, v, 7) for k, v in LIGHT_LABELS.items())]
SUMMARY_GROUPS = (("leader", LABELS["leaders"]), ("unit", LABELS["units"]))
SUMMARY_NAME_HEADER = f"{LABELS['leaders']}／{LABELS['units']}"


def _summary_sheet(ws: Any, tally: StatusTally, year: int, as_of: date,
                   made: str) -> dict[str, tuple[int, list[int]]]:
    """One table under one header row (repeated on every printed page): a band of leaders
    and a band of lead units, each ending in the 合计 row. Returns, per band, its first data
    row and the task count of each of its rows (for the charts)."""
    from openpyxl.utils import get_column_letter

    styles = _base_styles(ws)
    bands = {by: tally.rows(by) for by, _ in SUMMARY_GROUPS}
    names = [r["name"] for rows in bands.values() for r in rows]
    columns = [Column("name", SUMMARY_NAME_HEADER,
                      name_width(names, text_width(SUMMARY_NAME_HEADER) + 2)),
               *SUMMARY_COLUMNS[1:]]
    _set_widths(ws, columns)
    _print_setup(ws, "1:3", made)
    ws.page_setup.orientation = "portrait"
    ws.freeze_panes = "A4"
    last = get_column_letter(len(columns))
    # two lines: the portrait page is narrower than the title
    _title_rows(ws, styles, f"{year}年目标任务推进情况汇总\n（截至{cn_date(as_of)}）",
                len(columns), height=48)
    counts = tally.counts
    line = "、".join(f"{label}{counts.get(k, 0)}项" for k, label in STATUSES.items())
    lights = "、".join(f"{label}{tally.lights.get(k, 0)}项" for k, label in LIGHT_LABELS.items())
    quantified = ""
    if tally.targets and tally.targets["targets"]:
        from taskduty.targets import counts_line

        quantified = f"{counts_line(tally.targets)}（见“量化指标”表）。"
    subtitle = f"共{tally.total}项任务：{line}；预警：{lights}。{quantified}"
    # a merged cell does not grow by itself: as many lines as the text takes over the table
    ws.row_dimensions[2].height = wrapped_lines(subtitle, sum(c.width for c in columns) - 2) \
        * LINE_HEIGHT + 4
    ws.append([styles.cell(subtitle, "subtitle")])
    ws.merged_cells.add(f"A2:{last}2")
    ws.row_dimensions[3].height = 20
    ws.append([styles.cell(c.header, "header") for c in columns])
    row = 4
    out: dict[str, tuple[int, list[int]]] = {}
    total = tally.total
    for by, label in SUMMARY_GROUPS:
        rows = bands[by]
        ws.row_dimensions[row].height = 22
        ws.append([styles.cell(f"按{label}统计", "band"),
                   *(styles.cell(None, "band") for _ in columns[1:])])
        ws.merged_cells.add(f"A{row}:{last}{row}")
        out[by] = (row + 1, [r["tasks"] for r in rows])
        for r in rows:
            ws.append([styles.cell(r["name"], "text"), styles.cell(r["tasks"], "int"),
                       *(styles.cell(r[s], "int") for s in STATUSES),
                       styles.cell(r["done_pct"], "share"),
                       *(styles.cell(r[k], "int") for k in LIGHTS)])
        ws.append([styles.cell(TOTAL_LABEL, "total"), styles.cell(total, "total"),
                   *(styles.cell(counts.get(s, 0), "total") for s in STATUSES),
                   styles.cell(counts.get("done", 0) / total if total else 0, "share_total"),
                   *(styles.cell(tally.lights.get(k, 0), "total") for k in LIGHTS)])
        row += len(rows) + 2
    ws.print_area = f"A1:{last}{row - 1}"
    return out


CHART_NAMES = 50  # names on one chart: more go on further charts, one printed page each
CHART_ROWS = 48  # sheet rows a chart takes (24 cm at 15 pt a row, and a margin)


def axis_step(most: int) -> int:
    """A whole-number step giving at most about ten ticks from 0 to ``most``."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if most <= step * 10:
            return step
    return 10 ** (len(str(most)) - 1)


def _status_chart(data_ws: Any, title: str, first: int, n: int, most: int) -> Any:
    """A stacked bar chart of names in rows ``first``… of ``data_ws`` (the 汇总 sheet)."""
    from openpyxl.chart import BarChart, Reference, Series
    from openpyxl.chart.text import RichText
    from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties

    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.gapWidth = 50
    chart.title = title
    chart.y_axis.title = "任务数"
    chart.x_axis.scaling.orientation = "maxMin"  # first name at the top, as in the table
    chart.x_axis.tickLblSkip = 1  # every name, not every other one
    chart.x_axis.tickMarkSkip = 1
    chart.y_axis.crosses = "max"  # counts along the bottom despite the reversed names
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    step = axis_step(most)
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = max(step, math.ceil(most / step) * step)
    chart.y_axis.majorUnit = step
    chart.y_axis.number_format = "0"
    chart.legend.position = "b"
    # names small enough that every one of them gets its own label on one page
    size = 900 if n <= 30 else 800 if n <= 40 else 700
    chart.x_axis.txPr = RichText(p=[Paragraph(
        pPr=ParagraphProperties(defRPr=CharacterProperties(sz=size)),
        endParaRPr=CharacterProperties(sz=size))])
    cats = Reference(data_ws, min_col=1, min_row=first, max_row=first + n - 1)
    for i, (key, label) in enumerate(STATUSES.items()):
        values = Reference(data_ws, min_col=3 + i, min_row=first, max_row=first + n - 1)
        series = Series(values, title=label)
        series.graphicalProperties.solidFill = CHART_COLOURS[key]
        series.graphicalProperties.line.solidFill = CHART_COLOURS[key]
        chart.series.append(series)
    chart.set_categories(cats)
    chart.width = 17
    chart.height = 24 if n > 12 else max(8.0, 1.2 * n + 5)
    return chart


def _chart_sheet(ws: Any, data_ws: Any, tables: dict[str, tuple[int, list[int]]],
                 made: str) -> None:
    """Each chart on a page of its own (A4 portrait): one per band of the summary, in parts
    of at most :data:`CHART_NAMES` names, each name labelled, whole-number axes."""
    from openpyxl.worksheet.pagebreak import Break
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.column_dimensions["A"].width = 96  # about the width of a 17 cm chart
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.paperSize = 9
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.right.text = made
    ws.append([None])
    page = 0
    for by, label in SUMMARY_GROUPS:
        first, totals = tables[by]
        n = len(totals)
        parts = max(1, math.ceil(n / CHART_NAMES))
        size = math.ceil(n / parts) if n else 0
        for part in range(parts if n else 0):
            start = first + part * size
            count = min(size, n - part * size)
            most = max(totals[part * size:part * size + count], default=1)
            title = f"各{label}任务状态" + (f"（{part + 1}/{parts}）" if parts > 1 else "")
            if page:
                ws.row_breaks.append(Break(id=page * CHART_ROWS))
            ws.add_chart(_status_chart(data_ws, title, start, count, most),
                         f"A{page * CHART_ROWS + 1}")
            page += 1
    ws.print_area = f"A1:A{max(1, page) * CHART_ROWS}"


class _TargetSheet:
    """Every quantitative target with its latest actual value and status, written as the
    tasks come; the counts go in a 合计 row at the end and on the 汇总 sheet."""

    def __init__(self, wb: Any, year: int, as_of: date, made: str) -> None:
        self.ws = ws = wb.create_sheet("量化指标")
        self.styles = styles = _base_styles(ws)
        self.columns = [
            Column("code", LABELS["code"], 9, wrap=False, centre=True),
            Column("units", LABELS["units"], 16), Column("text", "量化指标", 44),
            Column("target", "目标", 12, wrap=False, centre=True),
            Column("actual", "实际完成值", 14, wrap=False, centre=True),
            Column("actual_date", "截至", 11, wrap=False, centre=True),
            Column("status", "状态", 10, wrap=False, centre=True)]
        self.cell_styles = ["centre" if c.centre else "text" for c in self.columns]
        self.widths = [(i, c.width, max(1.0, c.width)) for i, c in enumerate(self.columns)]
        _set_widths(ws, self.columns)
        ws.freeze_panes = "A3"
        _print_setup(ws, "1:2", made)
        _title_rows(ws, styles, f"{year}年量化指标完成情况（截至{cn_date(as_of)}）",
                    len(self.columns))
        ws.row_dimensions[2].height = 24
        ws.append([styles.cell(c.header, "header") for c in self.columns])
        self.rows: list[dict[str, Any]] = []  # status only, for the counts

    def add(self, task: Any) -> None:
        from taskduty.targets import STATUS_LABELS, describe

        targets = getattr(task, "targets", [])
        if not targets:
            return
        units = NAME_SEP.join(task.units)
        for g in targets:
            status = g.get("status") or "none"
            actual = g.get("actual")
            values = [f"{task.code}#{g['no']}", units, g["text"],
                      describe(g), "" if actual is None else f"{actual:g}{g['unit']}",
                      g.get("actual_date") or "", STATUS_LABELS[status]]
            lines = most_lines(values, self.widths, 1)
            self.styles.append(list(zip(self.cell_styles, values, strict=True)),
                               len(self.rows) + 3, max(lines * LINE_HEIGHT + 6, 20))
            self.rows.append({"status": g.get("status")})

    def counts(self) -> dict[str, int]:
        from taskduty.targets import count_statuses

        return count_statuses(self.rows)

    def finish(self) -> None:
        from openpyxl.utils import get_column_letter

        from taskduty.targets import counts_line

        row = len(self.rows) + 3
        last = get_column_letter(len(self.columns))
        self.ws.append([self.styles.cell(f"合计：{counts_line(self.counts())}",
                                         "subtitle")])
        self.ws.merged_cells.add(f"A{row}:{last}{row}")
        self.ws.auto_filter.ref = f"A2:{last}{max(row - 1, 2)}"


class _LateSheet:
    """The tasks that are behind or stale, written as they come."""

    def __init__(self, wb: Any, year: int, as_of: date, stale_days: int, made: str,
                 names: dict[str, Sequence[str]] | None = None) -> None:
        self.ws = ws = wb.create_sheet("滞后及未更新")
        self.styles = styles = _base_styles(ws)
        self.as_of, self.stale_days = as_of, stale_days
        self.columns = [
            Column("code", LABELS["code"], 9, wrap=False, centre=True),
            Column("goal", LABELS["goal"], 16), Column("standard", LABELS["standard"], 44),
            Column("leaders", LABELS["leaders"],
                   name_width((names or {}).get("leaders", ()), 9), centre=True),
            Column("units", LABELS["units"], name_width((names or {}).get("units", ()), 14)),
            Column("status", LABELS["status"], 8, wrap=False, centre=True),
            Column("progress", LABELS["progress"], 6, wrap=False, centre=True),
            Column("expected_progress", LABELS["expected_progress"], 6, wrap=False,
                   centre=True),
            Column("warning", LABELS["warning"], 6, wrap=False, centre=True),
            Column("updated", LABELS["updated"], 11, wrap=False, centre=True),
            Column("reason", "情况", 16)]
        self.plan = _TaskRow(self.columns[:-1])
        _set_widths(ws, self.columns)
        ws.freeze_panes = "A3"
        _print_setup(ws, "1:2", made)
        _title_rows(ws, styles, f"{year}年红黄灯预警、滞后及{stale_days}天未更新的目标任务"
                    f"（截至{cn_date(as_of)}）", len(self.columns))
        ws.row_dimensions[2].height = 24
        ws.append([styles.cell(c.header, "header") for c in self.columns])
        self.count = 0

    def add(self, task: Any) -> None:
        """Write ``task`` when it is lit red or yellow, behind or stale."""
        stale = is_stale(task, self.as_of, self.stale_days)
        light = getattr(task, "warning", None)
        if task.status != "behind" and not stale and light not in ("red", "yellow"):
            return
        reasons = []
        sched = getattr(task, "schedule", None)
        if light == "red" and sched is not None:
            reasons.append(f"红灯：逾期{-sched.days_left}天" if sched.overdue
                           else "红灯：未按时间节点完成")
        elif light == "yellow" and sched is not None and task.status != "behind":
            reasons.append(f"黄灯：序时进度{sched.expected_progress:g}%")
        if task.status == "behind":
            reasons.append("状态滞后")
        if stale:
            reasons.append("尚未填报" if task.updated is None
                           else f"{(self.as_of - task.updated).days}天未更新")
        values = self.plan.values(task)
        cells = self.plan.cells(task, values)
        self.styles.append([*cells, self.styles.cell("；".join(reasons), "text")],
                           self.count + 3, self.plan.height(values))
        self.count += 1

    def finish(self) -> None:
        from openpyxl.utils import get_column_letter

        last = get_column_letter(len(self.columns))
        self.ws.auto_filter.ref = f"A2:{last}{max(self.count + 2, 2)}"
