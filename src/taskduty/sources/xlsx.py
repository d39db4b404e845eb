"""Read a 目标任务责任分解表 from an Excel workbook (.xlsx) into a :class:`SourceTable`.

Only structure is reported: the title above the header, the header cells, and per data row
the lines of each cell. Cells covered by a vertical merge come back empty with
``merged=True``; the normaliser fills them down.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from taskduty.errors import SourceError
from taskduty.fields import (
    is_header_row,
    squeeze,
)
from taskduty.i18n import _
from taskduty.sources.base import (
    SourceCell,
    SourceRow,
    SourceTable,
    find_header,
    missing_columns_error,
    pick_title,
    repeated_header_note,
)

HEADER_SEARCH_ROWS = 20  # the header must be among the first rows of the sheet



def read_xlsx(path: Path, sheet: str | None = None) -> SourceTable:
    """Read the first sheet (or the sheet named ``sheet``) of an .xlsx workbook."""
    import openpyxl

    try:
        with path.open("rb") as fh:  # a file object: openpyxl then ignores the suffix
            wb = openpyxl.load_workbook(fh, read_only=False, data_only=True)
    except FileNotFoundError:
        raise SourceError(_("no such file: {path}")
            .format(path=path), hint=_("check the path")) from None
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException, ...
        raise SourceError(
            _("{name} is not an Excel .xlsx file ({reason})")
                .format(name=path.name, reason=type(exc).__name__),
            hint=_("open it in Excel or WPS and save it as .xlsx (另存为 → Excel 工作簿)"),
        ) from None
    try:
        ws = _pick_sheet(wb, sheet, path)
        return _read_sheet(ws)
    finally:
        wb.close()


def _pick_sheet(wb: Any, sheet: str | None, path: Path) -> Any:
    """The worksheet to read: the named one, or the first."""
    worksheets = list(wb.worksheets)
    if not worksheets:
        raise SourceError(_("{name} has no worksheet").format(name=path.name))
    if sheet is None:
        return worksheets[0]
    for ws in worksheets:
        if ws.title == sheet:
            return ws
    for ws in worksheets:  # forgive surrounding spaces and case
        if ws.title.strip().casefold() == sheet.strip().casefold():
            return ws
    names = ", ".join(repr(ws.title) for ws in worksheets)
    raise SourceError(
        _("no sheet named {sheet!r} in {name}; its sheets are: {names}")
            .format(sheet=sheet, name=path.name, names=names),
        hint=_("give one of these names with --sheet"),
    )


def _read_sheet(ws: Any) -> SourceTable:
    """Split one worksheet into title, header and data rows."""
    stored = _stored_values(ws)
    max_row = max((r for r, _ in stored), default=0)
    max_col = max((c for _, c in stored), default=0)

    def texts(r: int) -> list[str]:
        return [_joined(_lines(stored.get((r, c)))) for c in range(1, max_col + 1)]

    searched = [texts(r) for r in range(1, min(HEADER_SEARCH_ROWS, max_row) + 1)]
    found = find_header(searched)
    if found is None:
        raise missing_columns_error(f"sheet {ws.title!r}", searched)
    header_r, header_texts = found
    title_rows = searched[: header_r - 1]
    if header_texts is not searched[header_r - 1]:  # two-row header: its top row is no title
        title_rows = searched[: header_r - 2]

    filled = [c for c in range(1, max_col + 1) if header_texts[c - 1]]
    first_c, last_c = filled[0], filled[-1]
    columns = range(first_c, last_c + 1)
    header = [header_texts[c - 1] for c in columns]
    header_key = [squeeze(h) for h in header]
    covered = _covered_cells(ws, header_r)

    rows: list[SourceRow] = []
    repeated: list[int] = []
    outside: list[str] = []
    for r in range(header_r + 1, max_row + 1):
        row_texts = [_joined(_lines(stored.get((r, c)))) for c in columns]
        if any(row_texts) and (
            [squeeze(t) for t in row_texts] == header_key or is_header_row(row_texts)
        ):
            repeated.append(r)
            continue
        cells = [
            SourceCell(values=[], merged=covered[(r, c)])
            if (r, c) in covered
            else SourceCell(values=_lines(stored.get((r, c))))
            for c in columns
        ]
        if all(cell.blank for cell in cells):
            continue  # empty, or only merge continuations: nothing new in this row
        rows.append(SourceRow(cells=cells, ref=f"row {r}"))
        extra = [c for c in range(1, max_col + 1) if c not in columns and (r, c) in stored]
        if extra:
            letters = ", ".join(_column_letter(c) for c in extra)
            outside.append(_("row {row}: text in column {letters} has no header and was ignored")
                           .format(row=r, letters=letters))

    table = SourceTable(header=header, rows=rows, title=_title(title_rows), input_format="xlsx",
                        above=[" ".join(t for t in row if t) for row in title_rows if any(row)])
    if repeated:
        table.notes.append(repeated_header_note([f"row {r}" for r in repeated]))
    table.warnings.extend(outside)
    return table


def _stored_values(ws: Any) -> dict[tuple[int, int], Any]:
    """(row, column) -> value of every non-empty stored cell.

    Read from the sheet's cell store instead of iterating the used range: a sheet formatted
    down to row 1048576 would otherwise create a million empty cells.
    """
    store = getattr(ws, "_cells", None)
    if not isinstance(store, dict):  # pragma: no cover - openpyxl internals changed
        store = {(cell.row, cell.column): cell for row in ws.iter_rows() for cell in row}
    return {
        key: cell.value
        for key, cell in store.items()
        if cell.value is not None and not (isinstance(cell.value, str) and not cell.value.strip())
    }


def _covered_cells(ws: Any, header_r: int) -> dict[tuple[int, int], bool]:
    """Cells covered by a merge range below the header -> whether they count as merged.

    Cells of a range spanning several rows are ``merged=True``; the other cells of a
    one-row (horizontal) range are plain empty cells. Ranges starting in or above the
    header row are ignored.
    """
    covered: dict[tuple[int, int], bool] = {}
    for rng in ws.merged_cells.ranges:
        if rng.min_row <= header_r:
            continue
        vertical = rng.max_row > rng.min_row
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if (r, c) != (rng.min_row, rng.min_col):
                    covered[(r, c)] = vertical
    return covered


def _text(value: Any) -> str:
    """The text of a cell value: integral floats without ``.0``, dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).replace("_x000D_", "")


def _lines(value: Any) -> list[str]:
    """The non-empty lines of a cell value, stripped."""
    return [line.strip() for line in _text(value).splitlines() if line.strip()]


def _joined(lines: list[str]) -> str:
    """A multi-line cell as one header/title string (Chinese text wraps without spaces)."""
    return "".join(lines)


def _title(rows_above: list[list[str]]) -> str | None:
    """The title among the rows above the header (see :func:`base.pick_title`)."""
    return pick_title([" ".join(t for t in row if t) for row in rows_above if any(row)])


def _column_letter(c: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(c)
