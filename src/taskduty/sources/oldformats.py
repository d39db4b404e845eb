"""Old and WPS formats as offices keep them: Excel 97–2003 ``.xls`` and WPS ``.et``
spreadsheets (read with xlrd, merged cells included), Word 97–2003 ``.doc`` and WPS ``.wps``
documents (converted to .docx by LibreOffice when it is installed).

xlrd, not python-calamine: xlrd reports the merged ranges of a BIFF workbook
(``formatting_info=True``), which the fill-down of merged cells needs, and it is pure Python;
a table of a few hundred rows needs no faster reader.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from taskduty.errors import SourceError
from taskduty.i18n import _
from taskduty.sources.base import SourceTable

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File: .xls, .et, .doc, .wps
_ZIP = b"PK\x03\x04"  # Office Open XML, also used by newer WPS files
CONVERT_TIMEOUT = 120  # seconds for one LibreOffice conversion


def _magic(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(8)


# --- spreadsheets ---------------------------------------------------------------------------


@dataclass
class _Cell:
    value: Any


@dataclass
class _Range:
    min_row: int
    max_row: int
    min_col: int
    max_col: int


class _Merged:
    def __init__(self, ranges: list[_Range]) -> None:
        self.ranges = ranges


class _Sheet:
    """An xlrd sheet in the shape the .xlsx reader walks (1-based cells, merged ranges)."""

    def __init__(self, book: Any, sheet: Any) -> None:
        import xlrd

        self.title = sheet.name
        self._cells: dict[tuple[int, int], _Cell] = {}
        for r in range(sheet.nrows):
            for c in range(sheet.ncols):
                cell = sheet.cell(r, c)
                value = cell.value
                if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK) or value == "":
                    continue
                if cell.ctype == xlrd.XL_CELL_DATE:
                    with contextlib.suppress(ValueError, OverflowError,
                                             xlrd.xldate.XLDateError):
                        value = xlrd.xldate_as_datetime(value, book.datemode)
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    value = bool(value)
                elif cell.ctype == xlrd.XL_CELL_ERROR:
                    continue
                self._cells[(r + 1, c + 1)] = _Cell(value)
        self.merged_cells = _Merged([_Range(rlo + 1, rhi, clo + 1, chi)
                                     for rlo, rhi, clo, chi in sheet.merged_cells])


def read_xls(path: Path, sheet: str | None = None) -> SourceTable:
    """Read an .xls or .et workbook (BIFF); one saved as .xlsx under an old name is read as
    .xlsx. The first sheet, or the one named ``sheet``."""
    from taskduty.sources.xlsx import _pick_sheet, _read_sheet, read_xlsx

    if not path.exists():
        raise SourceError(_("no such file: {path}").format(path=path), hint=_("check the path"))
    magic = _magic(path)
    if magic.startswith(_ZIP):
        table = read_xlsx(path, sheet)
        table.input_format = "xls"
        return table
    hint = _("open it in Excel or WPS and save it as .xlsx (另存为 → Excel 工作簿)")
    if not magic.startswith(_OLE2):
        raise SourceError(_("{name} is not an Excel 97–2003 or WPS workbook").format(
            name=path.name), hint=hint)
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except Exception as exc:  # xlrd.XLRDError, CompDocError, struct errors, ...
        if soffice() is not None:  # a WPS variant xlrd does not know: LibreOffice may
            with tempfile.TemporaryDirectory(prefix="taskduty-xls-") as tmp:
                table = read_xlsx(convert(path, "xlsx", Path(tmp)), sheet)
            table.input_format = "xls"
            return table
        raise SourceError(_("{name} cannot be read as an Excel 97–2003 workbook ({error})")
                          .format(name=path.name, error=type(exc).__name__), hint=hint) from None
    try:
        sheets = [_Sheet(book, book.sheet_by_index(i)) for i in range(book.nsheets)]

        class _Book:
            worksheets = sheets

        table = _read_sheet(_pick_sheet(_Book, sheet, path))
    finally:
        book.release_resources()
    table.input_format = "xls"
    return table


# --- documents ------------------------------------------------------------------------------


def soffice() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_doc(path: Path, forced_table: bool = False) -> SourceTable:
    """Read a .doc or .wps document: converted to .docx by LibreOffice, then read like a
    .docx (its first task table, else its paragraphs as a notice)."""
    from taskduty.sources import _read_docx

    if not path.exists():
        raise SourceError(_("no such file: {path}").format(path=path), hint=_("check the path"))
    if _magic(path).startswith(_ZIP):  # a .docx under an old name (newer WPS saves these)
        return _read_docx(path, forced_table)
    with tempfile.TemporaryDirectory(prefix="taskduty-doc-") as tmp:
        converted = convert(path, "docx", Path(tmp))
        named = converted.with_name(f"{path.stem}.docx")  # messages name the user's file
        converted.rename(named)
        table = _read_docx(named, forced_table)
    table.input_format = "doc"
    return table


def convert(path: Path, to: str, outdir: Path) -> Path:
    """``path`` converted by LibreOffice into ``outdir`` as ``to`` (docx, xlsx)."""
    program = soffice()
    if program is None:
        kind = "Word 文档" if to == "docx" else "Excel 工作簿"
        raise SourceError(
            _("{name}: reading {suffix} files needs LibreOffice (soffice), which is not "
              "installed").format(name=path.name, suffix=path.suffix.lower()),
            hint=_("open it in Word or WPS and save it as .{to} (另存为 → {kind}), or install "
                   "LibreOffice").format(to=to, kind=kind))
    # A plain name; WPS files under Word/Excel names (LibreOffice reads .wps as MS Works).
    suffix = {".wps": ".doc", ".et": ".xls"}.get(path.suffix.lower(), path.suffix.lower())
    source = outdir / f"input{suffix}"
    shutil.copyfile(path, source)
    profile = (outdir / "profile").as_uri()  # own profile: conversions may run side by side
    try:
        subprocess.run(
            [program, f"-env:UserInstallation={profile}", "--headless", "--convert-to", to,
             "--outdir", str(outdir), str(source)],
            capture_output=True, timeout=CONVERT_TIMEOUT, check=False, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SourceError(_("{name}: LibreOffice could not convert it ({error})").format(
            name=path.name, error=type(exc).__name__),
            hint=_("save it as .{to} in Word or WPS (另存为)").format(to=to)) from None
    result = outdir / f"input.{to}"
    if not result.exists():
        raise SourceError(_("{name}: LibreOffice could not convert it to .{to}").format(
            name=path.name, to=to),
            hint=_("save it as .{to} in Word or WPS (另存为)").format(to=to))
    return result
