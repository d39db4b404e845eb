"""RowWriter writes a sheet's rows byte for byte as openpyxl's write-only sheet writes cells of
the same values and styles: texts (as text, quoted when they read as formulas), numbers,
booleans, dates, empty styled cells, other values through openpyxl itself, row heights, rows
past what it keeps in memory."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Hashable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taskduty import xlsxrows
from taskduty.excel import _stream_cells
from taskduty.xlsxrows import RowWriter, clean_text, needs_quote

Row = tuple[float | None, bool, list[tuple[str, Any] | None]]  # height, kept on the sheet, cells

STYLES: dict[str, dict[str, Any]] = {
    "plain": {},  # the default style: no s attribute, an empty cell not written
    "text": {"font": ("SimSun", 10), "wrap": True},
    "pct": {"font": ("SimSun", 10), "number_format": '0"%"'},
    "date": {"font": ("SimSun", 11), "number_format": "yyyy-mm-dd"},
}


def styler(ws: Any) -> Callable[[Hashable, bool], Any]:
    """Each style's array built at its first use, as the export's Styles builds them."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    arrays: dict[tuple[Hashable, bool], Any] = {}

    def array(key: Hashable, quoted: bool) -> Any:
        if (key, quoted) not in arrays:
            spec = STYLES[str(key)]
            cell = WriteOnlyCell(ws)
            if "font" in spec:
                cell.font = Font(name=spec["font"][0], size=spec["font"][1])
            if spec.get("wrap"):
                cell.alignment = Alignment(wrap_text=True)
            if "number_format" in spec:
                cell.number_format = spec["number_format"]
            if quoted:
                cell.quotePrefix = True
            arrays[(key, quoted)] = cell._style
        return arrays[(key, quoted)]

    return array


def openpyxl_rows(ws: Any, rows: list[Row]) -> None:
    """The rows as cells, written by openpyxl (the export's way before RowWriter)."""
    from openpyxl.cell import WriteOnlyCell

    _stream_cells(ws)
    array = styler(ws)
    for r, (height, kept, items) in enumerate(rows, 1):
        cells = []
        for item in items:
            if item is None:
                cells.append(None)
                continue
            key, value = item
            style = array(key, needs_quote(value))
            cell = WriteOnlyCell(ws)
            if isinstance(value, str):
                cell._value = clean_text(value)
                cell.data_type = "s"
            elif value is not None:
                cell.value = value
            cell._style = style
            cells.append(cell)
        if height is not None:
            ws.row_dimensions[r].height = height
        ws.append(cells)
        if height is not None and not kept:
            del ws.row_dimensions[r]


def writer_rows(ws: Any, rows: list[Row]) -> None:
    writer = RowWriter(ws, styler(ws))
    for r, (height, kept, items) in enumerate(rows, 1):
        if height is not None:
            if kept:
                ws.row_dimensions[r].height = height
            else:
                writer.height(r, height)
        ws.append(items)


def written(folder: Path, name: str, rows: list[Row],
            write: Callable[[Any, list[Row]], None]) -> tuple[bytes, bytes]:
    """The sheet's XML and the stylesheet of a write-only workbook of ``rows``."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("s")
    ws.column_dimensions["B"].width = 30  # the sheet's top, written before its first row
    write(ws, rows)
    ws.merged_cells.add("A1:C1")  # and its tail, at the end
    path = folder / f"{name}.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml"), z.read("xl/styles.xml")


TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff"),
               max_size=12) | st.sampled_from(["=1+1", "+1", "-交通局", "@SUM(A1)", " 前后 ",
                                               "a & b < c > d", "两行\r\n说明", ""])
VALUE = (st.none() | TEXT | st.integers(-10**20, 10**20) | st.booleans()
         | st.floats(allow_nan=True, allow_infinity=True) | st.dates()
         | st.datetimes(min_value=datetime(1899, 12, 1)) | st.decimals(allow_nan=False, places=3))
CELL = st.none() | st.tuples(st.sampled_from(list(STYLES)), VALUE)
ROWS = st.lists(st.tuples(st.none() | st.sampled_from([14.0, 18, 20.5, 36]), st.booleans(),
                          st.lists(CELL, max_size=6)), max_size=6)


@settings(max_examples=60, deadline=None)
@given(ROWS)
def test_rows_are_written_as_openpyxl_writes_them(tmp_path_factory: pytest.TempPathFactory,
                                                  rows: list[Row]) -> None:
    folder = tmp_path_factory.mktemp("rows")
    assert written(folder, "writer", rows, writer_rows) == \
        written(folder, "openpyxl", rows, openpyxl_rows)


def test_each_kind_of_cell_as_openpyxl_writes_it(tmp_path: Path) -> None:
    rows: list[Row] = [
        (36, False, [("text", "标题"), None, ("text", None), ("plain", None), ("plain", "x")]),
        (None, True, []),
        (20, True, [("pct", 40), ("pct", 0.5), ("pct", float("nan")), ("text", True),
                    ("date", date(2025, 3, 31)), ("text", datetime(2025, 3, 31, 12, 30)),
                    ("text", Decimal("1.25")), ("text", "=HYPERLINK(1)"), ("text", " a "),
                    ("text", "bad\x01char"), ("text", "\x01")]),
    ]
    new, _ = written(tmp_path, "writer", rows, writer_rows)
    assert (new, _) == written(tmp_path, "openpyxl", rows, openpyxl_rows)
    assert b'<row r="2"></row>' in new  # an empty row as openpyxl's streaming writer has it


def test_rows_past_memory_go_through_a_file(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    rows: list[Row] = [(14.0 + r % 3, False, [("text", f"第{r}行 " * (r % 7)), ("pct", r)])
                       for r in range(300)]
    kept = written(tmp_path, "memory", rows, writer_rows)
    monkeypatch.setattr(xlsxrows, "SPILL", 500)
    spilled = written(tmp_path, "spilled", rows, writer_rows)
    assert spilled == kept == written(tmp_path, "openpyxl", rows, openpyxl_rows)


def test_text_xml_cannot_hold_fails_as_before(tmp_path: Path) -> None:
    rows: list[Row] = [(None, False, [("text", "bad \ufffe")])]
    with pytest.raises(ValueError):
        written(tmp_path, "writer", rows, writer_rows)
    with pytest.raises(ValueError):
        written(tmp_path, "openpyxl", rows, openpyxl_rows)


def test_a_text_is_written_as_it_is_only_when_nothing_in_it_needs_more() -> None:
    """The fast path's one search finds every character that openpyxl drops, XML escapes or
    XML cannot hold (over every code point)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    for point in range(0x110000):
        char = chr(point)
        needs = bool(ILLEGAL_CHARACTERS_RE.search(char) or xlsxrows._NOT_XML.search(char)
                     or char.translate(xlsxrows._XML_TEXT) != char)
        assert bool(xlsxrows._ODD.search(char)) == needs, hex(point)
