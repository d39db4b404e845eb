"""A write-only sheet's rows written straight as XML, byte for byte as openpyxl writes them.

openpyxl's write-only sheet makes a cell object per value, looks its style up by hash in the
workbook for every cell and writes each through lxml: most of the cost of a big workbook (the
export's 250k cells, the forms). :class:`RowWriter` takes each row as (style key, value)
pairs instead, looks each style's index up once, and writes the row as the bytes lxml would
write for it (:func:`row_bytes`). Used by the export (:mod:`taskduty.excel`) and the unit
forms (:mod:`taskduty.forms`).
"""

from __future__ import annotations

import math
import re
import shutil
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

FORMULA_START = ("=", "+", "-", "@")
MAX_CELL = 32767
SPILL = 1 << 20  # bytes of rows kept in memory before they go to a temporary file

# a cell text as XML character data (a carriage return kept as one, not read as a newline)
_XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
# characters XML cannot hold at all: such a row goes through lxml, which refuses it
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")
# what makes a text need more than writing as it is: characters to escape (_XML_TEXT), to
# drop (openpyxl's ILLEGAL_CHARACTERS_RE: control characters) or that XML cannot hold
_ODD = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# a <row>'s height attributes, per height in points (what openpyxl's RowDimension writes)
_HEIGHTS: dict[float, str] = {}


def clean_text(value: str) -> str:
    """Drop characters a workbook cannot hold (control characters) and cap the length."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL]


def needs_quote(value: Any) -> bool:
    """Whether ``value`` is a text a spreadsheet would read as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def row_bytes(xml: str) -> bytes:
    """A ``<row>`` element's XML text as openpyxl's sheet writer (lxml, ASCII output) writes
    it once parsed: every non-ASCII character as a decimal character reference."""
    if _NOT_XML.search(xml):
        from lxml.etree import tostring
        from openpyxl.xml.functions import fromstring

        return tostring(fromstring(xml), encoding="ascii")
    return xml.encode("ascii", "xmlcharrefreplace")


def height_attrs(points: float) -> str:
    """A ``<row>``'s attributes for a height of ``points``, as its row dimension writes them."""
    attrs = _HEIGHTS.get(points)
    if attrs is None:
        from openpyxl.worksheet.dimensions import RowDimension

        attrs = _HEIGHTS[points] = "".join(
            f' {k}="{v}"' for k, v in RowDimension(None, index=1, ht=points))
    return attrs


class RowWriter:
    """Writes a write-only sheet's rows straight as XML, as openpyxl would write them.

    Empty cells and rows are written as openpyxl's streaming writer writes them, as a start
    and an end tag, or with ``short_empty`` as lxml writes a parsed element, one empty tag.

    Each row given to ``ws.append`` is a list of (style key, value) pairs or None (no cell):
    ``array(key, quoted)`` gives the style array of a key (with Excel's quote prefix when
    ``quoted``), looked up and indexed in the workbook once per key, not once per cell, and no
    cell object is made. A text is stored as text, never as a formula; one that would read as
    a formula gets its quoted style. Numbers, booleans and dates are written as openpyxl
    writes them (dates as serial numbers); any other value goes through openpyxl itself.

    The sheet's top (properties, views, columns) is written by openpyxl at its first row, as
    before; its rows are kept as the bytes lxml would write for them (to a temporary file past
    :data:`SPILL` bytes: memory stays flat) and put where openpyxl wrote the empty
    ``<sheetData>`` when the sheet is closed (by the workbook's save, or :meth:`finish`).
    """

    def __init__(self, ws: Any, array: Callable[[Hashable, bool], Any],
                 short_empty: bool = False) -> None:
        self.ws, self.wb, self.array = ws, ws.parent, array
        # an empty cell or row as openpyxl's streaming writer writes it (<c ...></c>), or as
        # lxml writes a parsed element (<c .../>: the forms)
        self.cell_end, self.row_end = ("/>", "/>") if short_empty else ("></c>", "></row>")
        self.short_empty = short_empty
        self.dims: dict[int, str] = {}  # row -> its <row> height attributes
        self.ids: dict[tuple[Hashable, bool], str] = {}  # (key, quoted) -> ' s="N"' or ""
        self.letters: list[str] = []
        self.rows: list[bytes] = []
        self.size = 0
        self.spill: IO[bytes] | None = None
        self.dates: dict[Any, str] = {}  # a date's serial number as written
        self.date_types: set[type] = set()
        ws._values_to_row = lambda row, _idx: row
        get_writer, close = ws._get_writer, ws.close

        def hooked_writer() -> None:  # the top is written when the first row comes
            if ws._writer is None:
                get_writer()
                ws._writer.write_row = self.write_row

        def closing() -> None:
            close()
            self._splice()

        ws._get_writer, ws.close = hooked_writer, closing

    def finish(self) -> None:
        """Close the sheet with its rows in its XML (else the workbook's save does)."""
        self.ws.close()

    def _splice(self) -> None:
        if not self.rows and self.spill is None:
            return
        path = Path(self.ws._writer.out)
        data = path.read_bytes()
        for empty in (b"<sheetData/>", b"<sheetData></sheetData>"):
            head, found, tail = data.partition(empty)
            if found:
                break
        else:
            raise RuntimeError("openpyxl wrote no empty <sheetData> to fill")
        with path.open("wb") as out:
            out.write(head + b"<sheetData>")
            if self.spill is not None:
                self.spill.seek(0)
                shutil.copyfileobj(self.spill, out, 1 << 20)
                self.spill.close()
            out.writelines(self.rows)
            out.write(b"</sheetData>" + tail)
        self.rows, self.spill = [], None

    def height(self, row: int, points: float) -> None:
        """Row ``row``'s height, written as openpyxl's row dimension would write it."""
        self.dims[row] = height_attrs(points)

    def style(self, key: Hashable, quoted: bool) -> str:
        """The ``s`` attribute of a cell in style ``key`` ("" for the default style)."""
        sid = self.ids.get((key, quoted))
        if sid is None:
            array = self.array(key, quoted)
            sid = self.ids[(key, quoted)] = (f' s="{self.wb._cell_styles.add(array)}"'
                                             if array is not None and any(array) else "")
        return sid

    def _keep(self, data: bytes) -> None:
        self.rows.append(data)
        self.size += len(data)
        if self.size > SPILL:
            if self.spill is None:
                import tempfile

                self.spill = tempfile.TemporaryFile()  # noqa: SIM115 (closed by _splice)
            self.spill.writelines(self.rows)
            self.rows, self.size = [], 0

    def write_row(self, _xf: Any, row: Sequence[tuple[Hashable, Any] | None],
                  row_idx: int) -> None:
        """openpyxl's ``WorksheetWriter.write_row`` for a row of (style key, value) pairs."""
        attrs = self.dims.pop(row_idx, None)
        if attrs is None:  # a height set on the sheet's own row dimensions
            dim = self.ws.row_dimensions.get(row_idx)
            attrs = "".join(f' {k}="{v}"' for k, v in dim) if dim is not None else ""
        letters = self.letters
        if len(row) > len(letters):
            from openpyxl.utils import get_column_letter

            letters += [get_column_letter(i) for i in range(len(letters) + 1, len(row) + 1)]
        ids, cell_end = self.ids, self.cell_end
        r = str(row_idx)
        parts = [f'<row r="{r}"{attrs}>']
        unwritable = False  # a text XML cannot hold
        for col, item in enumerate(row):
            if item is None:
                continue
            key, value = item
            kind = type(value)
            if kind is str:
                quoted = value.startswith(FORMULA_START)
                sid = ids.get((key, quoted))
                if sid is None:
                    sid = self.style(key, quoted)
                text = escaped = value
                if _ODD.search(value) is not None or len(value) > MAX_CELL:
                    text = clean_text(value)
                    escaped = text.translate(_XML_TEXT)
                    unwritable = unwritable or _NOT_XML.search(text) is not None
                if not text:
                    parts.append(f'<c r="{letters[col]}{r}"{sid} t="inlineStr"{cell_end}')
                    continue
                space = ' xml:space="preserve"' if text != text.strip() else ""
                parts.append(f'<c r="{letters[col]}{r}"{sid} t="inlineStr"><is><t{space}>'
                             f'{escaped}</t></is></c>')
                continue
            sid = ids.get((key, False))
            if sid is None:
                sid = self.style(key, False)
            if value is None:
                if sid:  # an unstyled empty cell is not written
                    parts.append(f'<c r="{letters[col]}{r}"{sid} t="n"{cell_end}')
            elif kind is int or (kind is float and math.isfinite(value)):
                parts.append(f'<c r="{letters[col]}{r}"{sid} t="n"><v>{value:.16g}</v></c>')
            elif kind is bool:
                parts.append(f'<c r="{letters[col]}{r}"{sid} t="b"><v>{value:d}</v></c>')
            elif (kind is date or (kind is datetime and value.tzinfo is None)) \
                    and not self.wb.iso_dates:
                parts.append(f'<c r="{letters[col]}{r}"{sid} t="n"><v>{self._serial(value)}'
                             "</v></c>")
            else:
                parts.append(self._through_openpyxl(key, value, row_idx, col + 1))
        if len(parts) == 1:
            self._keep(f'<row r="{r}"{attrs}{self.row_end}'.encode("ascii"))
            return
        parts.append("</row>")
        xml = "".join(parts)
        if unwritable:
            if not self.short_empty:
                self._refuse(row, row_idx)
            self._keep(row_bytes(xml))
            return
        self._keep(xml.encode("ascii", "xmlcharrefreplace"))

    def _refuse(self, row: Sequence[tuple[Hashable, Any] | None], row_idx: int) -> None:
        """Raise what openpyxl raises for a text XML cannot hold."""
        for col, item in enumerate(row, 1):
            if item is not None and isinstance(item[1], str) and _NOT_XML.search(item[1]):
                self._through_openpyxl(item[0], item[1], row_idx, col)

    def _serial(self, value: date) -> str:
        """A date's serial number as openpyxl writes it (the first of each type also sets a
        cell's number format as openpyxl does, which may add it to the workbook's list)."""
        key = (type(value), value)
        text = self.dates.get(key)
        if text is None:
            from openpyxl.cell import WriteOnlyCell
            from openpyxl.compat import safe_string
            from openpyxl.utils.datetime import to_excel

            if type(value) not in self.date_types:
                WriteOnlyCell(self.ws).value = value
                self.date_types.add(type(value))
            text = self.dates[key] = safe_string(to_excel(value, self.wb.epoch))
        return text

    def _through_openpyxl(self, key: Hashable, value: Any, row: int, column: int) -> str:
        """A cell openpyxl writes itself (a value of a rarer type), as XML text."""
        import io

        from lxml.etree import xmlfile
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell._writer import write_cell

        style = self.array(key, needs_quote(value))  # built before the value is set
        cell = WriteOnlyCell(self.ws)
        if isinstance(value, str):  # as text, never as a formula
            cell._value, cell.data_type = clean_text(value), "s"
        else:
            cell.value = value
        cell._style = style
        cell.row, cell.column = row, column
        out = io.BytesIO()
        with xmlfile(out) as xf, xf.element("x"):
            write_cell(xf, self.ws, cell, cell.has_style)
        return out.getvalue()[len(b"<x>"):-len(b"</x>")].decode("ascii")


@contextmanager
def discarded_on_error(wb: Any) -> Iterator[None]:
    """A write-only workbook closed if the block fails before it is saved: each sheet's XML
    stream ended in order and its temporary file removed. Left to the garbage collector, a
    sheet's two nested generators are closed in no set order, and lxml complains of each
    ("not in an element") as an exception it cannot raise."""
    try:
        yield
    except BaseException:
        for ws in getattr(wb, "_sheets", []):
            rows, writer = getattr(ws, "_rows", None), getattr(ws, "_writer", None)
            try:
                if rows is not None:
                    rows.close()  # the inner generator first, while the stream is open
                if writer is not None:
                    writer.close()
                    writer.cleanup()
            except Exception:  # already failing: the first error is the one told
                pass
        raise

