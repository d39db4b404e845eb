"""Monthly fill-in forms for the lead units: write them, read them back, find who is late.

A form is one workbook per lead unit and month: one sheet with a row per task the unit
leads, and three fill-in columns (状态 from a drop-down, 进度 0–100, 进展情况). The sheet is
protected (no password) with only those cells unlocked. A hidden sheet ``_taskduty`` holds
the year, month, unit, form version and each row's task code and id, so ``collect`` knows
what a returned form is, and a signature over them (HMAC-SHA256 with a secret kept in the
database), so an edited hidden sheet or another database's form is refused. The protection
is a convenience against slips; the signature and :func:`check_own_tasks` are the checks.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import zlib
from collections.abc import Callable, Sequence
from copy import copy
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from taskduty.dates import Month, read_month
from taskduty.db import Database, Reader
from taskduty.errors import DatabaseError, TaskdutyError, UsageError, ValueProblem
from taskduty.fields import LABELS, STATUSES, squeeze
from taskduty.i18n import _, ngettext
from taskduty.updates import parse_progress
from taskduty.xlsxrows import RowWriter

FORM_KIND = "taskduty-form"
FORM_VERSION = 2  # 2: signed
META_SHEET = "_taskduty"
HEADER_ROW = 3
IDS_COLUMN = 4  # in the _taskduty sheet: code in D, task id in E
# (key, header, width); the fill-in columns are status, progress and note
FORM_COLUMNS: list[tuple[str, str, float]] = [
    ("code", LABELS["code"], 7), ("goal", LABELS["goal"], 16),
    ("standard", LABELS["standard"], 40), ("leaders", LABELS["leaders"], 9),
    ("current", "当前状态", 14),
    ("status", LABELS["status"], 9), ("progress", "进度(%)", 8), ("note", LABELS["note"], 40),
    ("actual", "实际完成值", 12),
    # what the office sees at the month's end: the due date in force, 序时进度 and the light
    ("due", "完成时限", 11), ("expected_progress", "序时进度", 8), ("warning", "预警", 7),
    ("others", "其他牵头单位", 14), ("last_note", "上次进展情况", 30),
]
# The lines under the table a unit fills in with the form: (key, label)
CONTACT_LINES: list[tuple[str, str]] = [
    ("filled_by", "填报人"), ("phone", "联系电话"), ("approved_by", "单位负责人（审核）")]
FILL_IN = ("status", "progress", "note")
# A task with quantitative targets gets a row per target under its own (任务编号 CODE#N),
# where only 实际完成值 and 进展情况 are filled in; the task's row leaves 实际完成值 locked.
TARGET_FILL_IN = ("actual", "note")
_CODE = re.compile(r"\s*\d+\s*[.．]\s*\d+\s*")
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def safe_filename(name: str, limit: int = 120) -> str:
    """A file-name-safe version of a unit name (keeps Chinese, drops / \\ : * ? etc.), at
    most ``limit`` bytes in UTF-8: file systems count bytes (255), and a Chinese character
    or an emoji takes three or four."""
    from taskduty.textclean import clean_text

    cleaned = _UNSAFE.sub("_", clean_text(name)).strip(" .")
    data = cleaned.encode("utf-8")
    if len(data) > limit:
        cleaned = data[:limit].decode("utf-8", errors="ignore").rstrip(" .")
    return cleaned or "unit"


class FormsIncomplete(TaskdutyError):
    """Writing the forms failed part-way; ``written`` are the forms that are complete."""

    def __init__(self, error: TaskdutyError, written: list[tuple[str, Path, int]],
                 total: int) -> None:
        super().__init__(_("{error}; {done} of {total} forms were written before it (listed "
                           "on stdout)").format(error=error.message, done=len(written),
                                                total=total),
                         hint=_("free space or fix the folder, then run the same command "
                                "again: it writes the whole set"))
        self.written = written


def form_secret(reader: Reader) -> str:
    """The database's key for signing forms (made by schema migration 3)."""
    from taskduty.migrations import FORM_SECRET_KEY

    rows = reader.all("SELECT value FROM meta WHERE key = :k", {"k": FORM_SECRET_KEY})
    if not rows or not rows[0]["value"]:
        raise DatabaseError(_("the database has no key for signing forms"),
                            hint=_("run: taskduty db upgrade"))
    return str(rows[0]["value"])


def form_signature(secret: str, year: int, month: str, unit: str,
                   tasks: Sequence[tuple[str, Any]]) -> str:
    """HMAC-SHA256 over a form's year, month, unit and (task code, task id) rows."""
    payload = json.dumps({"kind": FORM_KIND, "year": year, "month": month, "unit": unit,
                          "tasks": [[code, tid] for code, tid in tasks]},
                         ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()


def _own_report(task: Any, unit: str) -> dict[str, Any] | None:
    """The unit's own latest report on a task with several lead units (None: it has none
    or the task has one lead unit)."""
    return next((r for r in getattr(task, "reports", []) if r["unit"] == unit), None)


def _current(task: Any, unit: str = "") -> str:
    """当前状态 as this unit last reported it: never another lead unit's figure."""
    own = _own_report(task, unit)
    if getattr(task, "reports", None) and own is not None:
        if own["status"] is None:
            return "本单位未报送"
        status, pct = own["status"], own["progress"]
        day = date.fromisoformat(own["date"])
    else:
        status, pct, day = task.status, task.progress, task.updated
    text = STATUSES.get(status, status)
    pct = 100 if status == "done" else pct
    if pct is not None:
        text += f" {pct}%"
    if day:
        text += f"\n（{day.isoformat()}）"
    return text


def _due(task: Any) -> str | None:
    """The deadline a unit is judged by: the approved extension's date, else the deadline
    as written (or the date read from the task text)."""
    ext = getattr(task, "extension", None)
    if ext:
        return f"{ext['due_date']}（延期）"
    if task.deadline:
        return task.deadline
    return task.deadline_date.isoformat() if task.deadline_date else None


def _form_value(task: Any, key: str, unit: str) -> Any:
    """A read-only cell of a unit's form."""
    from taskduty.excel import task_value

    if key == "current":
        return _current(task, unit)
    if key == "others":
        return "、".join(u for u in task.units if u != unit) or None
    if key == "last_note":
        own = _own_report(task, unit)
        return own["note"] if getattr(task, "reports", None) and own else task.note
    if key == "due":
        return _due(task)
    if key in (*FILL_IN, "actual"):
        return None
    value = task_value(task, key)
    if key == "expected_progress" and value is not None:
        return f"{value:g}%"
    return value


@dataclass
class FormsWritten:
    """What :func:`write_forms` wrote: (unit, path, number of tasks) per form."""

    year: int
    month: Month
    forms: list[tuple[str, Path, int]] = field(default_factory=list)


def write_forms(reader: Reader, outdir: Path, year: int | None, month: Month,
                units: Sequence[str] = (),
                on_form: Callable[[int, int, str], None] | None = None,
                thresholds: Any = None) -> FormsWritten:
    """One form per lead unit (``units``, already resolved, or all) into ``outdir``.

    ``on_form(done, total, unit)`` is called after each form (for a progress bar);
    ``thresholds`` (:class:`taskduty.schedule.Thresholds`) light the tasks' 预警.
    """
    from taskduty import queries
    from taskduty.schedule import Thresholds

    # A unit's tasks are read when its form is written (queries.lead_unit_tasks): one unit's
    # tasks are held at a time, not the year's.
    flt = queries.TaskFilter(year=year, as_of=month.last, thresholds=thresholds or Thresholds())
    _pid, plan_year = queries.plan_id(reader, year)
    leading = queries.lead_units(reader, flt)
    if not leading and next(queries.iter_tasks(reader, flt, batch=1), None) is None:
        raise TaskdutyError(_("the table has no tasks; no forms written"))
    wanted = list(units) or leading
    secret = form_secret(reader)
    if month.year < plan_year:
        raise UsageError(_("--month {month} is before the {year} table's year; its forms "
                           "could never be collected").format(month=str(month), year=plan_year),
                         hint=_("give a month of {year}, e.g. --month {year}-03, or the "
                                "table's year with --year").format(year=plan_year))
    if outdir.exists() and not outdir.is_dir():
        raise TaskdutyError(_("{outdir} is a file, not a folder").format(outdir=outdir),
                            hint=_("give a folder for the forms, e.g. forms/2018-03"))
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TaskdutyError(_("cannot create the folder {outdir}: {reason}")
                            .format(outdir=outdir, reason=exc.strerror)) from None
    led = set(leading)
    idle = [unit for unit in wanted if unit not in led]
    if idle:  # checked before any form is written
        raise TaskdutyError(
            ngettext("{units} leads no task in {year}; no forms written",
                     "{units} lead no task in {year}; no forms written", len(idle))
            .format(units="、".join(idle), year=plan_year),
            hint=_("list the lead units with: taskduty units"))
    result = FormsWritten(year=plan_year, month=month)
    styles = _FormStyles()
    taken: set[str] = set()
    for i, unit in enumerate(wanted, 1):
        unit_tasks = queries.lead_unit_tasks(reader, flt, unit)
        stem = f"{month}_{safe_filename(unit)}"
        name, n = stem, 2
        while name.lower() in taken:  # two names that sanitise alike
            name, n = f"{stem}_{n}", n + 1
        taken.add(name.lower())
        path = outdir / f"{name}.xlsx"
        try:
            write_form(path, unit, plan_year, month, unit_tasks, secret, styles)
        except TaskdutyError as exc:
            raise FormsIncomplete(exc, result.forms, len(wanted)) from None
        result.forms.append((unit, path, len(unit_tasks)))
        if on_form:
            on_form(i, len(wanted), unit)
    return result


class _FormStyles:
    """Every kind of cell a form has, styled once for all the forms of a run.

    Styling a cell looks its font, fill, border and alignment up by hash in the workbook's
    style lists, which made most of a form's cost. Here each kind is styled once in a
    prototype workbook; every form's workbook starts with copies of the prototype's style
    lists, so the prototype's style arrays (indexes into those lists) are valid in it and a
    cell only takes one (shared, never changed) array.
    """

    _LISTS = ("_fonts", "_fills", "_borders", "_alignments", "_protections",
              "_number_formats")
    LINES_KEPT = 20_000  # texts per generation of the wrapped line counts kept (two kept)
    # the task row's cells shown centred; the rest wrap at the left
    _CENTRED = ("code", "leaders", "current", "status", "progress", "actual", "due",
                "expected_progress", "warning", "others")

    def __init__(self) -> None:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

        from taskduty.excel import FONT, LIGHT_COLOURS

        self._proto = Workbook(write_only=True)
        ws = self._proto.create_sheet()
        thin = Side(style="thin", color="808080")
        border = Border(left=thin, right=thin, top=thin, bottom=thin)
        body = Font(name=FONT, size=10)
        bold = Font(name=FONT, size=10, bold=True)
        wrap = Alignment(vertical="center", wrap_text=True)
        centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
        fill_in = PatternFill("solid", fgColor="FFF2CC")
        grey = PatternFill("solid", fgColor="EDEDED")
        unlocked = Protection(locked=False)
        self.arrays: dict[tuple[Any, ...], Any] = {}
        self._lines: dict[tuple[str, float], int] = {}
        self._older: dict[tuple[str, float], int] = {}  # the texts before the last LINES_KEPT
        self._stylesheets: dict[tuple[Any, ...], Any] = {}

        def define(key: tuple[Any, ...], **spec: Any) -> None:
            cell = WriteOnlyCell(ws)
            for attr, value in spec.items():
                setattr(cell, attr, value)
            self.arrays[key] = cell._style

        define(("title",), font=Font(name=FONT, size=15, bold=True), alignment=centre)
        define(("intro",), font=Font(name=FONT, size=10), alignment=wrap)
        for key, _header, _width in FORM_COLUMNS:
            define(("header", key), font=bold, alignment=centre, border=border,
                   fill=PatternFill("solid", fgColor="FFE699" if key in (
                       *FILL_IN, *TARGET_FILL_IN) else "D9E1F2"))
            spec: dict[str, Any] = {"font": body, "border": border,
                                    "alignment": centre if key in self._CENTRED else wrap}
            if key in FILL_IN:
                spec |= {"fill": fill_in, "protection": unlocked}
            elif key == "actual":
                spec["fill"] = grey
            define(("task", key, None), **spec)
            spec = {"font": body, "border": border,
                    "alignment": wrap if key in ("standard", "note") else centre}
            if key in TARGET_FILL_IN:
                spec |= {"fill": fill_in, "protection": unlocked}
                if key == "actual":
                    spec["number_format"] = "@"  # typed as text: 62% stays 62%, not 0.62
            elif key in FILL_IN:
                spec["fill"] = grey
            define(("target", key), **spec)
        for light, (paint, ink) in LIGHT_COLOURS.items():
            define(("task", "warning", light), border=border, alignment=centre,
                   fill=PatternFill("solid", fgColor=paint),
                   font=Font(name=FONT, size=10, bold=True, color=ink))
        define(("label",), font=bold, alignment=Alignment(horizontal="right",
                                                          vertical="center"))
        define(("entry",), fill=fill_in, border=border, font=body, protection=unlocked)
        for name in self._LISTS:  # each list's lookup dict current before it is copied
            styles = getattr(self._proto, name)
            if not styles.clean:
                styles._rebuild_dict()

    def workbook(self) -> Any:
        """A new write-only workbook whose style lists are the prototype's."""
        from openpyxl import Workbook
        from openpyxl.utils.indexed_list import IndexedList

        wb = Workbook(write_only=True)
        for name in self._LISTS:
            proto = getattr(self._proto, name)
            styles = IndexedList()
            list.extend(styles, proto)
            styles._dict = dict(proto._dict)
            setattr(wb, name, styles)
        return wb

    def stylesheet(self, wb: Any, write: Callable[[Any], Any]) -> Any:
        """``write(wb)`` (openpyxl's ``write_stylesheet``), once per distinct set of styles
        in a run: a form's styles are the prototype's lists plus its own cell styles, so most
        forms share one stylesheet (serialising it was two fifths of saving a small form)."""
        key = (tuple(tuple(getattr(wb, name)[len(getattr(self._proto, name)):])
                     for name in (*self._LISTS, "_colors")),
               tuple(tuple(array) for array in wb._cell_styles),
               tuple(wb._named_styles), tuple(wb._differential_styles.styles))
        tree = self._stylesheets.get(key)
        if tree is None:
            tree = self._stylesheets[key] = write(wb)
        return tree

    def lines(self, text: str, width: float) -> int:
        """:func:`taskduty.excel.wrapped_lines`, once per text and width in a run (goals,
        leaders and statuses recur from form to form). The texts of the last
        :attr:`LINES_KEPT` new or recurring texts are kept, and those of as many before
        (the older ones are dropped, and a text found among them is kept again): most
        texts, a task's own, come once per form, so keeping all would grow with the year."""
        key = (text, width)
        n = self._lines.get(key)
        if n is None:
            n = self._older.get(key)
            if n is None:
                from taskduty.excel import wrapped_lines

                n = wrapped_lines(text, width)
            if len(self._lines) >= self.LINES_KEPT:
                self._older, self._lines = self._lines, {}
            self._lines[key] = n
        return n

    def cell(self, ws: Any, key: tuple[Any, ...], text: str | None = None) -> Any:
        """A cell in style ``key`` holding ``text``, for a sheet a
        :class:`taskduty.xlsxrows.RowWriter` writes."""
        return (key, text)

    def array(self, key: tuple[Any, ...], quoted: bool) -> Any:
        """The style array of ``key``; ``quoted``, a copy with Excel's quote prefix (the
        shared one is not changed)."""
        array = self.arrays[key]
        if quoted:
            array = copy(array)
            array.quotePrefix = 1
        return array


def write_form(path: Path, unit: str, year: int, month: Month, tasks: Sequence[Any],
               secret: str, styles: _FormStyles | None = None) -> None:
    """Write one unit's form for ``month`` with a row per task in ``tasks``, signed with
    ``secret`` (see :func:`form_signature`); ``styles`` are shared by the forms of a run.

    The workbook is written row by row (openpyxl's write-only mode), so a form costs the
    same per task however long it is.
    """
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter
    from openpyxl.workbook.protection import WorkbookProtection
    from openpyxl.worksheet.datavalidation import DataValidation

    from taskduty.excel import LIGHT_COLOURS, LINE_HEIGHT, _stream_cells, set_text
    from taskduty.targets import describe
    from taskduty.xlsxrows import discarded_on_error

    styles = styles or _FormStyles()
    wb = styles.workbook()
    with discarded_on_error(wb):  # a form given up on is closed, not left open
        ws = wb.create_sheet("填报")
        n_cols = len(FORM_COLUMNS)
        last_col = get_column_letter(n_cols)
        # the used range, known before the rows are written (a write-only sheet leaves it out)
        rows = HEADER_ROW + sum(1 + len(getattr(t, "targets", [])) for t in tasks)
        ws.calculate_dimension = lambda: f"A1:{last_col}{rows + 1 + len(CONTACT_LINES)}"
        for i, (_key, _header, width) in enumerate(FORM_COLUMNS, 1):
            ws.column_dimensions[get_column_letter(i)].width = width

        # the sheet's properties, views and columns are written before its first row
        ws.freeze_panes = f"A{HEADER_ROW + 1}"
        ws.print_title_rows = f"1:{HEADER_ROW}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = 9  # A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"
        # Protected without a password: it guards against slips, not against intent.
        ws.protection.sheet = True
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
        ws.protection.selectLockedCells = False
        ws.protection.selectUnlockedCells = False

        writer = RowWriter(ws, styles.array, short_empty=True)
        writer.height(1, 32)
        ws.append([styles.cell(ws, ("title",),
                               f"{month.cn}《政府工作报告》目标任务推进情况填报表")])
        ws.merged_cells.add(f"A1:{last_col}1")
        writer.height(2, 30)
        ws.append([styles.cell(ws, ("intro",), (
            f"填报单位：{unit}　　年度：{year}　　"
            "填报说明：在黄色单元格中选择状态、填写进度（0–100 的整数）和进展情况；"
            "量化指标（任务编号如 1.5#2）在其行填写实际完成值（可带单位，如 62% 或 "
            "7.9亿美元）；不填的行不报送。"))])
        ws.merged_cells.add(f"A2:{last_col}2")
        writer.height(HEADER_ROW, 22)
        ws.append([styles.cell(ws, ("header", key), header) for key, header, _w in FORM_COLUMNS])

        first = HEADER_ROW + 1
        task_rows: list[int] = []
        r = first
        for task in tasks:
            task_rows.append(r)
            light = getattr(task, "warning", None)
            light = light if light in LIGHT_COLOURS else None
            lines = 1
            cells = []
            for key, _header, width in FORM_COLUMNS:
                value = _form_value(task, key, unit)
                text = value if isinstance(value, str) else None
                if text is not None:
                    lines = max(lines, styles.lines(text, width))
                cells.append(styles.cell(ws, ("task", key, light if key == "warning" else None),
                                         text))
            writer.height(r, max(lines * LINE_HEIGHT + 4, 30))
            ws.append(cells)
            r += 1
            # a row per quantitative target: CODE#N, the target, its latest actual value, and
            # the 实际完成值 and 进展情况 cells to fill in
            for target in getattr(task, "targets", []):
                last = ""
                if target.get("actual") is not None:
                    last = (f"\n上次 {target['actual']:g}{target['unit']}"
                            f"（{target['actual_date']}）")
                values = {"code": f"{task.code}#{target['no']}",
                          "standard": f"量化指标{target['no']}：{target['text']}",
                          "current": f"目标 {describe(target)}{last}"}
                lines = max(styles.lines(values[key], width)
                            for key, _header, width in FORM_COLUMNS if key in values)
                writer.height(r, max(lines * LINE_HEIGHT + 4, 30))
                ws.append([styles.cell(ws, ("target", key), values.get(key))
                           for key, _header, _width in FORM_COLUMNS])
                r += 1

        col = {key: get_column_letter(i) for i, (key, _h, _w) in enumerate(FORM_COLUMNS, 1)}
        labels = ",".join(STATUSES.values())
        spans = _spans(task_rows)  # status and progress only on the tasks' own rows
        status_dv = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True,
                                   showDropDown=False, showErrorMessage=True,
                                   errorTitle="状态", error=f"请从下拉列表中选择：{labels}",
                                   promptTitle="状态", prompt="请选择：" + labels,
                                   showInputMessage=True)
        # one range list built at once: adding ranges one by one compares each with all before
        status_dv.sqref = _ranges(col["status"], spans)
        # What collect accepts: a number 0–100 (or 0–1 in a cell formatted as a percentage,
        # which is how Excel stores 60% typed), or text such as 80% / 80％ / " 30 ".
        top = f"{col['progress']}{spans[0][0] if spans else first}"
        progress_dv = DataValidation(
            type="custom", formula1=progress_rule(top),
            allow_blank=True, showErrorMessage=True, errorTitle="进度",
            error="进度请填写 0 到 100 的整数，如 60 或 60%",
            promptTitle="进度", prompt="0–100 的整数，如 60 或 60%（已完成为 100）",
            showInputMessage=True)
        progress_dv.sqref = _ranges(col["progress"], spans)
        ws.data_validations.append(status_dv)
        ws.data_validations.append(progress_dv)

        # 填报人 / 联系电话 / 单位负责人（审核）under the table, after a gap: collected with
        # the batch
        ws.append([])
        below = r + 1
        for i, (_key, label) in enumerate(CONTACT_LINES):
            r = below + i
            writer.height(r, 22)
            ws.append([styles.cell(ws, ("label",), f"{label}："), None,
                       styles.cell(ws, ("entry",))])
            ws.merged_cells.add(f"A{r}:B{r}")

        meta = wb.create_sheet(META_SHEET)
        _stream_cells(meta)
        values = {"kind": FORM_KIND, "version": FORM_VERSION, "year": year, "month": str(month),
                  "unit": unit, "header_row": HEADER_ROW, "tasks": len(tasks),
                  "created": date.today().isoformat(),
                  "signature": form_signature(secret, year, str(month), unit,
                                              [(t.code, t.id) for t in tasks])}
        items = list(values.items())
        # the size, not the tasks: the workbook is freed by the collector (its sheets and it
        # refer to each other), and would keep the tasks until then
        used = f"A1:{get_column_letter(IDS_COLUMN + 1)}{max(len(values), len(tasks))}"
        meta.calculate_dimension = lambda: used

        def plain(value: Any) -> Any:
            cell = WriteOnlyCell(meta)
            if isinstance(value, str):
                set_text(cell, value)
            else:
                cell.value = value
            return cell

        # A:B the form's metadata; D:E each row's task code and task id. A task keeps its id
        # when the table is reloaded with --replace, even if its code moves, so collect finds
        # the right task.
        for r in range(max(len(items), len(tasks))):
            row: list[Any] = [None] * (IDS_COLUMN + 1)
            if r < len(items):
                key, value = items[r]
                row[0] = plain(key)
                row[1] = plain(value)
            if r < len(tasks):
                row[IDS_COLUMN - 1] = plain(tasks[r].code)
                row[IDS_COLUMN] = plain(tasks[r].id)
            meta.append(row)
        meta.sheet_state = "hidden"
        meta.protection.sheet = True
        wb.security = WorkbookProtection(lockStructure=True)  # the hidden sheet stays put
        _custom_properties(wb, values)
        wb.properties.title = f"{month.cn}目标任务推进情况填报表（{unit}）"
        wb.properties.creator = "taskduty"
        wb.active = 0
        from taskduty.safeio import atomic_path

        writer.finish()
        with atomic_path(path) as tmp:
            _save(wb, tmp, styles)


def _save(wb: Any, path: Path, styles: _FormStyles | None = None) -> None:
    """``wb.save(path)`` with zlib's fastest level: the same workbook, a few per cent larger,
    in a fraction of the compression time (level 6 was a large part of a small form's cost);
    with ``styles``, the stylesheet serialised once for the forms that share it."""
    import datetime as dt
    from zipfile import ZIP_DEFLATED, ZipFile

    from openpyxl.writer import excel

    archive = ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True, compresslevel=1)
    wb.properties.modified = dt.datetime.now(tz=dt.UTC).replace(tzinfo=None)
    write = excel.write_stylesheet
    if styles is not None:  # ExcelWriter.write_data calls the module's write_stylesheet
        excel.write_stylesheet = lambda book: styles.stylesheet(book, write)
    try:
        excel.ExcelWriter(wb, archive).save()
    finally:
        excel.write_stylesheet = write


def _ranges(column: str, spans: list[tuple[int, int]]) -> Any:
    """A data validation's cells: runs of rows in one column, as openpyxl's
    ``MultiCellRange`` writes them (sorted; one cell as ``F4``, a run as ``F8:F14``) but
    without parsing every range into a ``CellRange`` (a tenth of a big run's forms)."""
    from openpyxl.worksheet.cell_range import MultiCellRange

    class Ranges(MultiCellRange):  # type: ignore[misc]
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

        def __bool__(self) -> bool:  # openpyxl writes only a validation with cells
            return bool(self.text)

        def __str__(self) -> str:
            return self.text

    return Ranges(" ".join(f"{column}{a}" if a == b else f"{column}{a}:{column}{b}"
                           for a, b in sorted(set(spans))))


def _spans(rows: list[int]) -> list[tuple[int, int]]:
    """Runs of consecutive row numbers as (first, last)."""
    out: list[tuple[int, int]] = []
    for r in rows:
        if out and out[-1][1] == r - 1:
            out[-1] = (out[-1][0], r)
        else:
            out.append((r, r))
    return out or [(HEADER_ROW + 1, HEADER_ROW + 1)]


def progress_rule(cell: str) -> str:
    """The 进度 cells' validation formula (relative to their first ``cell``): a number
    0–100, or text that is one once spaces and a % or ％ are taken off."""
    bare = f'TRIM(SUBSTITUTE(SUBSTITUTE({cell},"%",""),"％",""))'
    return (f"OR(AND(ISNUMBER({cell}),{cell}>=0,{cell}<=100),"
            f"AND(ISTEXT({cell}),ISNUMBER(VALUE({bare})),VALUE({bare})>=0,VALUE({bare})<=100))")


def _custom_properties(wb: Any, values: dict[str, Any]) -> None:
    from openpyxl.packaging.custom import IntProperty, StringProperty

    for key, value in values.items():
        name = f"taskduty_{key}"
        prop = (IntProperty(name=name, value=value) if isinstance(value, int)
                else StringProperty(name=name, value=str(value)))
        wb.custom_doc_props.append(prop)


# -- reading forms back ------------------------------------------------------------------------
@dataclass
class Problem:
    """One reason a form cannot be collected."""

    file: str
    row: int | None
    reason: str
    hint: str | None = None

    def __str__(self) -> str:
        where = (_("{file}, row {row}").format(file=self.file, row=self.row) if self.row
                 else self.file)
        return f"{where}: {self.reason}"


class FormProblems(TaskdutyError):
    """Forms with errors: nothing was recorded. ``problems`` lists every one."""

    def __init__(self, problems: list[Problem], files: int) -> None:
        n = len(problems)
        hints = list(dict.fromkeys(p.hint for p in problems if p.hint))
        if any(p.row and not p.hint for p in problems):
            hints.append(_("fix the listed rows and run collect again with all the files"))
        in_files = ngettext("{n} file", "{n} files", files).format(n=files)
        super().__init__(ngettext("{n} problem in the forms ({files}); nothing was recorded",
                                  "{n} problems in the forms ({files}); nothing was recorded",
                                  n).format(n=n, files=in_files),
                         hint="; ".join(hints[:3]) or None)
        self.problems = problems


@dataclass
class FormRow:
    """A filled row of a form."""

    row: int
    code: str
    status: str
    progress: int | None
    note: str | None


@dataclass
class FormActual:
    """A filled 实际完成值 of a form (its row CODE#N): ``value`` as the cell held it."""

    row: int
    code: str
    target_no: int
    value: str | float
    note: str | None


@dataclass
class Form:
    """A form read back: its metadata and its filled rows."""

    path: Path
    year: int
    month: Month
    unit: str
    version: int
    rows: list[FormRow] = field(default_factory=list)
    actuals: list[FormActual] = field(default_factory=list)
    digest: str = ""
    task_ids: dict[str, int] = field(default_factory=dict)  # code -> task id when written
    # the hidden sheet's (code, id) rows as stored, and the signature over them
    signed_tasks: list[tuple[str, Any]] = field(default_factory=list)
    signature: str | None = None
    copied: bool = False  # copied into a new workbook: no hidden sheet, matched by code
    contact: dict[str, str] = field(default_factory=dict)  # filled_by, phone, approved_by

    def signature_ok(self, secret: str) -> bool:
        """Whether the hidden sheet is as this database wrote it."""
        if not self.signature or not all(isinstance(t, int) for _c, t in self.signed_tasks):
            return False
        expected = form_signature(secret, self.year, str(self.month), self.unit,
                                  self.signed_tasks)
        return hmac.compare_digest(expected, str(self.signature))


def _meta(wb: Any) -> dict[str, Any] | None:
    if META_SHEET in wb.sheetnames:
        ws = wb[META_SHEET]
        return {str(r[0]): r[1] for r in ws.iter_rows(min_col=1, max_col=2, values_only=True)
                if r[0] is not None}
    props = {p.name.removeprefix("taskduty_"): p.value for p in wb.custom_doc_props
             if p.name.startswith("taskduty_")}
    return props or None


def _task_rows(wb: Any) -> list[tuple[str, Any]]:
    """The hidden sheet's (code, task id) rows as stored (empty for forms without them)."""
    if META_SHEET not in wb.sheetnames:
        return []
    return [(_text(code), tid) for code, tid in wb[META_SHEET].iter_rows(
        min_col=IDS_COLUMN, max_col=IDS_COLUMN + 1, values_only=True)
        if code is not None or tid is not None]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _header_key(text: str) -> str:
    """A header cell for matching: no spaces, no bracketed remark (进度(%) is 进度)."""
    return re.sub(r"[（(][^）)]*[）)]", "", squeeze(text))


def _label_pattern(label: str) -> re.Pattern[str]:
    """``单位负责人（审核）`` matched with spaces anywhere and its remark optional."""
    stem = re.sub(r"[（(][^）)]*[）)]", "", label)
    chars = r"\s*".join(map(re.escape, stem))
    return re.compile(rf"\s*{chars}\s*(?:[（(][^）)]*[）)])?\s*[：:]?\s*(.*)", re.S)


_CONTACT_PATTERNS = [(key, _label_pattern(label)) for key, label in CONTACT_LINES]


def _contact_line(values: Sequence[Any], into: dict[str, str]) -> bool:
    """Read a 填报人 / 联系电话 / 单位负责人（审核） row into ``into``; whether it was one.

    The value follows the label in its own cell (``填报人：张三``) or in the next cell."""
    cells = [_text(v) for v in values]
    hit = False
    for i, text in enumerate(cells):
        for key, pattern in _CONTACT_PATTERNS:
            m = pattern.fullmatch(text)
            if not m:
                continue
            hit = True
            rest = m.group(1).strip()
            if not rest:
                rest = next((c for c in cells[i + 1:] if c), "")
                if any(p.fullmatch(rest) for _k, p in _CONTACT_PATTERNS):
                    rest = ""
            if rest:
                into[key] = rest
            break
    return hit


def _copied_form(path: Path, wb: Any, digest: str) -> tuple[Form, Any, int] | None:
    """A form copied into a new workbook (its hidden sheet lost): read from its title
    (the month), its 填报单位 line (the unit; 年度 too when given) and its header row."""
    from taskduty.dates import find_month

    wanted = {_header_key(label) for key, label, _w in FORM_COLUMNS
              if key in ("code", *FILL_IN)}
    for ws in sorted(wb.worksheets, key=lambda s: s.title != "填报"):
        above: list[str] = []
        for r, values in enumerate(ws.iter_rows(max_row=15, values_only=True), 1):
            cells = [_text(v) for v in values]
            if wanted <= {_header_key(c) for c in cells}:
                text = "\n".join(above)
                month = find_month(text)
                unit = re.search(r"填报单位[：:]\s*([^\s　]+)", text)
                year = re.search(r"年度[：:]\s*(\d{4})", text)
                if month is None or unit is None:
                    return None
                form = Form(path=path, year=int(year.group(1)) if year else month.year,
                            month=month, unit=unit.group(1), version=0, digest=digest,
                            copied=True)
                return form, ws, r
            above += [c for c in cells if c]
    return None


def read_form(path: Path, problems: list[Problem]) -> Form | None:
    """Read one filled form; problems go to ``problems`` (the form is None when unusable)."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    from taskduty.updates import check_status

    name = str(path)
    if not path.is_file():
        problems.append(Problem(name, None, _("no such file"),
                                hint=_("check the file name; forms are .xlsx files")))
        return None
    from taskduty import limits

    try:
        # A form is one unit's tasks: a tenth of a whole table's limits is still far more
        # than any real form; refused before openpyxl reads it row by row.
        whole = limits.current()
        limits.check_package(path, "xlsx", limits.Limits(
            cells=whole.cells // 10, rows=whole.rows // 10, bytes=whole.bytes // 4))
    except TaskdutyError as exc:
        problems.append(Problem(name, None, exc.message))
        return None
    try:
        data = path.read_bytes()
        wb = load_workbook(path)
    except (BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError,
            AttributeError, IndexError, EOFError, zlib.error, SyntaxError):
        # SyntaxError: defusedxml's ParseError for broken XML
        problems.append(Problem(name, None, _("not an Excel workbook (.xlsx); not a taskduty form"),
                                hint=_("open it in Excel and save it as an Excel workbook "
                                       "(.xlsx)")))
        return None
    if META_SHEET in wb.sheetnames:
        meta = _meta(wb)
        if not meta or meta.get("kind") != FORM_KIND:
            problems.append(Problem(name, None, _("not a taskduty form (no _taskduty sheet); "
                                                  "forms come from: taskduty forms OUTDIR")))
            return None
        try:
            signed = _task_rows(wb)
            month = read_month(str(meta["month"]))
            if month is None:
                raise ValueError("month")
            form = Form(path=path, year=int(meta["year"]), month=month,
                        unit=str(meta["unit"]), version=int(meta.get("version") or 0),
                        digest=hashlib.sha256(data).hexdigest(),
                        task_ids={c: t for c, t in signed if isinstance(t, int)},
                        signed_tasks=signed,
                        signature=str(meta["signature"]) if meta.get("signature") else None)
            header_row = int(meta.get("header_row") or HEADER_ROW)
        except (KeyError, TypeError, ValueError, UsageError):
            problems.append(Problem(name, None, _("the form's _taskduty sheet is damaged (year, "
                                                  "month or unit missing)")))
            return None
        if form.version > FORM_VERSION:
            problems.append(Problem(name, None, _("form version {version} is newer than this "
                                                  "taskduty understands ({known}); upgrade "
                                                  "taskduty")
                .format(version=form.version, known=FORM_VERSION)))
            return None
        sheets = [wb[s] for s in wb.sheetnames if s != META_SHEET]
        if not sheets:
            problems.append(Problem(name, None, _("the form has no 填报 sheet (it was deleted); "
                                                  "send the unit a new form")))
            return None
        ws = next((s for s in sheets if s.title == "填报"), sheets[0])
    else:
        found = _copied_form(path, wb, hashlib.sha256(data).hexdigest())
        if found is None:
            problems.append(Problem(name, None, _(
                "not a taskduty form (no _taskduty sheet, and no title with the month, "
                "填报单位 line and 任务编号 column)"), hint=_(
                "forms come from: taskduty forms OUTDIR; a copied form needs its title "
                "(2018年3月…填报表), its 填报单位：… line and its header row")))
            return None
        form, ws, header_row = found
    header = [_header_key(_text(c)) for c in next(ws.iter_rows(
        min_row=header_row, max_row=header_row, values_only=True), ())]
    where = {}
    for key, label, _w in FORM_COLUMNS:
        if _header_key(label) in header:
            where[key] = header.index(_header_key(label))
    missing = [label for key, label, _w in FORM_COLUMNS
               if key in ("code", *FILL_IN) and key not in where]
    if missing:
        problems.append(Problem(name, header_row, _("header lacks {missing}")
            .format(missing='、'.join(missing)),
                                hint=_("keep the form's header row as it was written")))
        return None
    seen: dict[str, int] = {}
    cached: list[Any] = []  # the workbook with formulas' last computed values, when needed
    for r, values in enumerate(ws.iter_rows(min_row=header_row + 1, values_only=True),
                               header_row + 1):
        def get(key: str, values: tuple[Any, ...] = values, r: int = r) -> Any:
            i = where[key]
            value = values[i] if i < len(values) else None
            if key != "note" and isinstance(value, str) and value.startswith("="):
                # a formula in 状态/进度: take what Excel showed; a note keeps its typed text
                if not cached:
                    cached.append(load_workbook(path, data_only=True)[ws.title])
                shown = cached[0].cell(r, i + 1).value
                value = shown if shown is not None else value
            return value

        if not _CODE.fullmatch(_text(get("code"))) and _contact_line(values, form.contact):
            continue  # 填报人 / 联系电话 / 单位负责人（审核）
        code = _text(get("code"))
        if "#" in code.replace("＃", "#"):
            _read_actual(form, ws, r, code, get, where, seen, problems)
            continue
        status = _text(get("status"))
        raw_progress = get("progress")
        # Excel stores 60% typed into a cell as 0.6 (100% as 1) and formats the cell as a
        # percentage: the cell's format decides what the number means.
        percent = "%" in str(ws.cell(r, where["progress"] + 1).number_format)
        note = _text(get("note"))
        if not status and _text(raw_progress) == "" and not note:
            continue  # a row left blank is not reported
        if not code:
            problems.append(Problem(name, r, _("filled row without a 任务编号")))
            continue
        if code in seen:
            problems.append(Problem(name, r, _("task {code} appears twice (also row {seen})")
                .format(code=code, seen=seen[code])))
            continue
        seen[code] = r
        try:
            progress = parse_progress(raw_progress, percent=percent)
        except ValueProblem as exc:
            problems.append(Problem(name, r, _("task {code}: {message}")
                .format(code=code, message=exc.message)))
            continue
        if not status:
            problems.append(Problem(name, r, _("task {code}: 状态 is empty (choose one of "
                                               "{choices})")
                .format(code=code, choices="、".join(STATUSES.values()))))
            continue
        try:
            key, progress = check_status(status, progress)
        except UsageError as exc:
            problems.append(Problem(name, r, _("task {code}: {message}")
                .format(code=code, message=exc.message)))
            continue
        form.rows.append(FormRow(row=r, code=code, status=key, progress=progress,
                                 note=note or None))
    return form


def _read_actual(form: Form, ws: Any, r: int, code: str, get: Callable[[str], Any],
                 where: dict[str, int], seen: dict[str, int], problems: list[Problem]) -> None:
    """A target's row (CODE#N): its 实际完成值 and note, read with the care of 进度 (a number
    in a %-formatted cell is a percentage; text may carry units, %, full-width digits; the
    value itself is read in the target's unit when it is recorded)."""
    from taskduty.updates import split_target

    name = str(form.path)
    raw = get("actual") if "actual" in where else None
    note = _text(get("note"))
    if _text(get("status")) or _text(get("progress")):
        problems.append(Problem(name, r, _("{code} is a target's row: 状态 and 进度 go on the "
                                           "task's own row").format(code=code)))
        return
    if _text(raw) == "" and not note:
        return  # not reported
    if code in seen:
        problems.append(Problem(name, r, _("task {code} appears twice (also row {seen})")
            .format(code=code, seen=seen[code])))
        return
    seen[code] = r
    try:
        base, no = split_target(code)
    except UsageError as exc:
        problems.append(Problem(name, r, exc.message))
        return
    if _text(raw) == "":
        problems.append(Problem(name, r, _("target {code}: 实际完成值 is empty (a note alone "
                                           "is not a value)").format(code=code)))
        return
    value: str | float
    if isinstance(raw, bool):
        problems.append(Problem(name, r, _("target {code}: 实际完成值 {value!r} is not a "
                                           "number").format(code=code, value=raw)))
        return
    if isinstance(raw, int | float):
        percent = "%" in str(ws.cell(r, where["actual"] + 1).number_format)
        value = f"{round(raw * 100, 6):g}%" if percent else float(raw)
    else:
        value = _text(raw)
    form.actuals.append(FormActual(row=r, code=base, target_no=no or 1, value=value,
                                   note=note or None))


@dataclass
class Collected:
    """What :func:`collect` did."""

    year: int
    batch_id: int | None
    forms: list[Form]
    recorded: list[dict[str, Any]]
    skipped: list[str]
    # actual values of quantitative targets recorded: code, target, value, unit, date, id
    actuals: list[dict[str, Any]] = field(default_factory=list)
    # (file, code on the form, code now) for tasks whose code moved in a reload since
    moved: list[tuple[str, str, str]] = field(default_factory=list)
    # tasks whose lead units' latest reports differ: code, reports, combined status/progress
    conflicts: list[dict[str, Any]] = field(default_factory=list)


def collect(db: Database, paths: Sequence[Path], year: int | None = None,
            month: Month | None = None) -> Collected:
    """Read every form, validate every row, then record all of them as one batch.

    On any problem nothing is recorded and :class:`FormProblems` lists every one. An update
    identical to one already recorded (the same form collected again) is skipped. With
    ``month``, a form for another month is a problem. A row is matched to its task by the
    task id the form was written with, so a reload that moved codes does not misfile it.
    """
    from taskduty import queries
    from taskduty.updates import NewActual, NewUpdate, record_batch

    problems: list[Problem] = []
    forms = [f for f in (read_form(Path(p), problems) for p in paths) if f is not None]
    years = sorted({f.year for f in forms})
    if year is None and len(years) > 1:
        problems.append(Problem("", None, _("the forms are for different years ({years}); collect "
                                            "one year at a time")
            .format(years=", ".join(map(str, years))),
                                hint=_("collect each year's forms separately, or give --year")))
    target = year if year is not None else (years[0] if years else None)
    known: dict[str, Any] = {}
    by_id: dict[int, Any] = {}
    secret = ""
    if target is not None:
        with db.read() as reader:
            try:
                tasks = queries.list_tasks(reader, queries.TaskFilter(year=target))
                secret = form_secret(reader)
            except TaskdutyError as exc:
                problems.append(Problem("", None, exc.message))
                tasks = []
        known = {t.code: t for t in tasks}
        by_id = {t.id: t for t in tasks}
    lead_units = {squeeze(u) for t in known.values() for u in t.units}
    moved: list[tuple[str, str, str]] = []
    for form in forms:
        if form.year != target:
            if year is not None:
                problems.append(Problem(str(form.path), None, _("this form is for {year}, not "
                                                                "{wanted}; refused")
                    .format(year=form.year, wanted=year), hint=_(
                                            "collect it with --year {year}, or leave --year "
                                            "out").format(year=form.year)))
            continue
        if month is not None and str(form.month) != str(month):
            problems.append(Problem(str(form.path), None, _("this form is for {month}, not "
                                                            "{wanted}; refused")
                .format(month=form.month, wanted=month), hint=_(
                                        "collect the {month} forms on their own (--month "
                                        "{month}), or leave --month out").format(
                                            month=str(form.month))))
            continue
        if not known:
            continue
        file = str(form.path)
        if form.copied:
            problems.extend(_check_copied(file, form, known, lead_units))
            continue
        if not form.signature:
            problems.append(Problem(file, None, _(
                "the form carries no signature (written by an older taskduty, or its hidden "
                "sheet was edited); refused: send the unit a new form (taskduty forms)"),
                hint=_("send {unit} a new form: taskduty forms OUTDIR --unit {unit} --month "
                       "{month}").format(unit=form.unit, month=str(form.month))))
            continue
        if not form.signature_ok(secret):
            problems.append(Problem(file, None, _(
                "the form's hidden _taskduty sheet was changed after it was written, or the "
                "form comes from another taskduty database (its signature does not match); "
                "refused"), hint=_("send {unit} a new form: taskduty forms OUTDIR --unit {unit} "
                                   "--month {month}").format(unit=form.unit,
                                                             month=str(form.month))))
            continue
        unit_problem = check_unit(file, form.unit, lead_units, form.year)
        if unit_problem:
            problems.append(unit_problem)
            continue
        matched: list[tuple[Any, Any]] = []
        for row in [*form.rows, *form.actuals]:
            tid = form.task_ids.get(row.code)
            if tid is None:
                problems.append(Problem(file, row.row, _(
                    "task {code} is not on this form as it was written (a row was added or "
                    "its 任务编号 changed); refused").format(code=row.code)))
                continue
            task = by_id.get(tid)
            if task is None:
                problems.append(Problem(file, row.row, (
                    _("task {code} is no longer in the {year} table (it was reloaded after this "
                      "form was written); send a new form")
                        .format(code=row.code, year=form.year))))
                continue
            if task.code != row.code:
                moved.append((file, row.code, task.code))
                row.code = task.code
            matched.append((row, task))
        problems.extend(check_own_tasks(file, form.unit, matched, form.year))
    if known:
        _check_actuals([f for f in forms if f.year == target], known, problems)
    if problems:
        problems.sort(key=lambda p: (p.file, p.row or 0))
        raise FormProblems(problems, len(paths))
    updates = [NewUpdate(code=row.code, status=row.status, date=form.month.last,
                         progress=row.progress, note=row.note, by=form.unit)
               for form in forms for row in form.rows]
    actuals = [NewActual(code=a.code, target_no=a.target_no, value=a.value,
                         date=form.month.last, note=a.note, by=form.unit)
               for form in forms for a in form.actuals]
    if not updates and not actuals:
        return Collected(year=target or 0, batch_id=None, forms=forms, recorded=[], skipped=[],
                         moved=moved)
    digest = hashlib.sha256("".join(sorted(f.digest for f in forms)).encode()).hexdigest()
    result = record_batch(db, target, updates, kind="collect", source_key=digest,
                          skip_identical=True, actuals=actuals,
                          forms=[{"unit": f.unit, "file": f.path.name, **f.contact}
                                 for f in forms])
    return Collected(year=result.year, batch_id=result.batch_id, forms=forms,
                     recorded=result.recorded, skipped=result.skipped, moved=moved,
                     actuals=result.actuals,
                     conflicts=differing_reports(db, result.year, result.recorded))


def _check_actuals(forms: Sequence[Form], known: dict[str, Any],
                   problems: list[Problem]) -> None:
    """Each filled 实际完成值 names a target its task has and reads in the target's unit;
    else a problem naming file and row (so nothing is recorded)."""
    from taskduty.targets import describe, parse_actual

    for form in forms:
        for a in form.actuals:
            task = known.get(a.code)
            targets = task.targets if task is not None else []
            if not 1 <= a.target_no <= len(targets):
                problems.append(Problem(str(form.path), a.row, _(
                    "task {code} has no target #{no} in the current table; send a new form"
                    ).format(code=a.code, no=a.target_no)))
                continue
            t = targets[a.target_no - 1]
            try:
                parse_actual(a.value, t["unit"])
            except ValueError:
                problems.append(Problem(str(form.path), a.row, _(
                    "target {code}#{no}: 实际完成值 {value!r} cannot be read in {unit} "
                    "(target {target})").format(code=a.code, no=a.target_no, value=a.value,
                                                unit=t["unit"] or _("a plain number"),
                                                target=describe(t))))


def _check_copied(file: str, form: Form, known: dict[str, Any],
                  lead_units: set[str]) -> list[Problem]:
    """A copied form (no hidden sheet): its unit must lead tasks, each row's 任务编号 must be
    a task of the table, and a task the unit leads."""
    from taskduty.fields import normalise_code

    unit_problem = check_unit(file, form.unit, lead_units, form.year)
    if unit_problem:
        return [unit_problem]
    out: list[Problem] = []
    matched: list[tuple[FormRow, Any]] = []
    for row in form.rows:
        task = known.get(normalise_code(row.code))
        if task is None:
            out.append(Problem(file, row.row, _("unknown task code {code} in {year}").format(
                code=row.code, year=form.year), hint=_(
                    "check the 任务编号 column against: taskduty tasks --unit {unit}").format(
                        unit=form.unit)))
            continue
        row.code = task.code
        matched.append((row, task))
    return out + check_own_tasks(file, form.unit, matched, form.year)


def check_unit(file: str, unit: str, lead_units: set[str], year: int) -> Problem | None:
    """A form's unit must be a lead unit of the current table (names compared without
    spaces); else the problem naming the file."""
    if squeeze(unit) in lead_units:
        return None
    return Problem(file, None, _("the form's unit {unit} leads no task in the {year} table; "
                                 "refused").format(unit=unit, year=year),
                   hint=_("check the form's 填报单位; the lead units are listed by: "
                          "taskduty units"))


def check_own_tasks(file: str, unit: str, matched: Sequence[tuple[Any, Any]],
                    year: int) -> list[Problem]:
    """The one "only its own tasks" rule of collect, for every kind of returned form.

    ``matched`` pairs each filled row (with ``row`` and ``code``) with its task in the
    current table; a task whose lead units (牵头单位) do not include ``unit`` is a problem.
    """
    me = squeeze(unit)
    out = []
    for row, task in matched:
        if me not in {squeeze(u) for u in task.units}:
            out.append(Problem(file, row.row, _(
                "task {code} is led by {units}, not by {unit}; a form may only report its "
                "own unit's tasks").format(code=task.code, units="、".join(task.units),
                                            unit=unit),
                hint=_("clear that row: a task is reported on its own lead units' forms")))
    return out


def differing_reports(db: Database, year: int, recorded: Sequence[dict[str, Any]]
                      ) -> list[dict[str, Any]]:
    """Recorded tasks whose lead units' latest reports now differ (several lead units):
    code, each unit's report and the task's combined status."""
    from taskduty import queries

    days: dict[str, date] = {}
    for r in recorded:
        days[r["code"]] = max(days.get(r["code"], date.min), date.fromisoformat(r["date"]))
    out = []
    with db.read() as reader:
        for code, day in days.items():
            task = queries.get_task(reader, code, year, as_of=day)
            if len(task.units) > 1 and task.reports_differ:
                out.append({"code": code, "reports": task.reports, "status": task.status,
                            "progress": task.progress})
    return out


# -- reminders ------------------------------------------------------------------------------
def unreported(reader: Reader, year: int | None, month: Month) -> list[dict[str, Any]]:
    """Per lead unit, its tasks with no report from it for ``month`` (未报送), done tasks left
    out; a unit with nothing left to report is not listed.

    Each: unit, leaders, tasks (code, goal, standard, status, updated), and how many of its
    tasks it leads (``total``) and has reported for the month (``reported``). An update is
    the report of the unit named in its ``by`` (a collected form, ``update --by``); one by
    another of the task's lead units is not this unit's report; one by anybody else (the
    office recording it) counts for every lead unit of the task. A task is done for a unit
    when its own latest report (or the office's) says so by the month's end.
    """
    from taskduty import queries
    from taskduty.reports import unit_key

    pid, _ = queries.plan_id(reader, year)
    tasks = queries.list_tasks(reader, queries.TaskFilter(year=year, as_of=month.last))
    rows = reader.all(
        'SELECT DISTINCT u.task_id, u."by" AS reporter FROM task_update u '
        "JOIN task t ON t.id = u.task_id WHERE t.plan_id = :p AND u.withdrawn_at IS NULL "
        "AND u.date >= :a AND u.date <= :b",
        {"p": pid, "a": month.first, "b": month.last})
    alias_map = {squeeze(a): n for a, n in queries.aliases(reader, "unit").items()}
    reporters: dict[int, set[str]] = {}
    for r in rows:
        reporters.setdefault(r["task_id"], set()).add(unit_key(r["reporter"] or "", alias_map))

    def reported(unit: str, task: Any) -> bool:
        leads = {squeeze(u) for u in task.units}
        return any(who == squeeze(unit) or who not in leads
                   for who in reporters.get(task.id, ()))

    def done(unit: str, task: Any) -> bool:
        own = next((r for r in task.reports if r["unit"] == unit), None)
        return (own["status"] if own else task.status) == "done"

    by_unit: dict[str, list[Any]] = {}
    for task in tasks:
        for unit in task.units:
            by_unit.setdefault(unit, []).append(task)
    out = []
    for unit, items in sorted(by_unit.items()):
        sent = [t for t in items if reported(unit, t)]
        late = [t for t in items if t not in sent and not done(unit, t)]
        if not late:
            continue
        leaders = list(dict.fromkeys(name for t in late for name in t.leaders))
        out.append({"unit": unit, "leaders": leaders, "total": len(items),
                    "reported": len(sent), "tasks": [
                        {"code": t.code, "goal": t.goal, "standard": t.standard,
                         "status": t.status,
                         "updated": t.updated.isoformat() if t.updated else None}
                        for t in late]})
    return out


def reminder_text(entry: dict[str, Any], year: int, month: Month, deadline: date,
                  office: str, today: date | None = None) -> str:
    """A ready-to-send 催办 notice for one unit."""
    from taskduty.excel import cn_date

    today = today or date.today()
    lines = [
        f"关于报送{month.cn}《政府工作报告》目标任务推进情况的催办通知",
        "",
        f"{entry['unit']}：",
        f"　　根据{year}年《政府工作报告》目标任务督查工作安排，各牵头单位应按月报送所牵头任务"
        f"的推进情况。截至目前，{office}" + (
            f"尚未收到贵单位{month.cn}的推进情况。" if not entry.get("reported") else
            f"已收到贵单位{month.cn}{entry['reported']}项任务的推进情况，尚缺以下任务。")
        + f"请贵单位高度重视，于{cn_date(deadline)}前将以下{len(entry['tasks'])}项任务的"
        "推进情况（状态、进度、进展情况）报送" + office + "。",
        "",
    ]
    for task in entry["tasks"]:
        lines.append(f"　　{task['code']}　{task['standard']}")
    lines += ["", "　　如已报送，请忽略本通知。感谢支持配合！", "",
              f"{office}", cn_date(today), ""]
    return "\n".join(lines)
