"""Read a 目标任务责任分解表 from the first task table of a Word document (.docx).

Only structure is reported: the paragraph above the table as the title, the header cells,
and per data row the paragraphs of each cell. Cells continuing a vertical merge come back
empty with ``merged=True``; the normaliser fills them down.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from taskduty.errors import SourceError
from taskduty.fields import is_header_row, squeeze
from taskduty.i18n import _, ngettext
from taskduty.sources.base import (
    SourceCell,
    SourceRow,
    SourceTable,
    missing_columns_error,
    pick_title,
    repeated_header_note,
)

HEADER_SEARCH_ROWS = 5  # the header must be among the first rows of a table

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _q(tag: str) -> str:
    return f"{{{_W}}}{tag}"


@dataclass
class _GridCell:
    """One ``w:tc`` of a row, placed on the table grid."""

    start: int  # first grid column
    span: int  # number of grid columns
    values: list[str]
    vmerge: str | None  # None, "restart" or "continue"


def read_docx_table(path: Path) -> SourceTable:
    """Read the first table of ``path`` that has a task-table header row."""
    import docx

    try:
        doc = docx.Document(str(path))
    except FileNotFoundError:
        raise SourceError(_("no such file: {path}")
            .format(path=path), hint=_("check the path")) from None
    except Exception as exc:  # PackageNotFoundError, BadZipFile, KeyError, XML errors, ...
        raise SourceError(
            _("{name} is not a Word .docx file ({reason})")
                .format(name=path.name, reason=type(exc).__name__),
            hint=_("open it in Word or WPS and save it as .docx (另存为 → Word 文档)"),
        ) from None

    tables: list[tuple[int, list[list[_GridCell]], str | None]] = []
    paragraphs: list[str] = []  # since the previous table
    above: list[list[str]] = []  # the last paragraphs above each table
    for element in doc.element.body.iterchildren():
        if element.tag == _q("p"):
            text = _title_text(_paragraph_lines(element))
            if text:
                paragraphs.append(text)
        elif element.tag == _q("tbl"):
            grid = [_row_cells(tr) for tr in _rows(element)]
            # The title is among the last paragraphs above: 附件1 / title / date line.
            tables.append((len(tables) + 1, grid, pick_title(paragraphs[-4:])))
            above.append(paragraphs[-4:])
            paragraphs = []

    searched: list[list[str]] = []
    result: SourceTable | None = None
    header_key: list[str] = []
    first_no = 0
    for table_no, grid, paragraph in tables:
        found = _find_header(grid, searched if result is None else [])
        if found is None:
            continue
        header_i, header = found
        if result is None:
            result = _read_table(grid, header_i, header, table_no, paragraph)
            result.above = list(above[table_no - 1])
            header_key = [squeeze(h) for h in header]
            first_no = table_no
        elif [squeeze(h) for h in header] == header_key:
            more = _read_table(grid, header_i, header, table_no, paragraph)
            result.rows.extend(more.rows)
            result.notes.extend(more.notes)
            result.notes.append(
                _("read table {n} too: it has the same header as table {first}")
                .format(n=table_no, first=first_no))
        else:
            result.warnings.append(
                _("table {n} also has a task-table header, but a different one; only tables "
                  "with the header of table {first} were read").format(n=table_no,
                                                                       first=first_no))
    if result is None:
        count = (_("no table") if not tables
                 else ngettext("{n} table", "{n} tables", len(tables)).format(n=len(tables)))
        where = f"{path.name} ({count})"
        raise missing_columns_error(where, searched)
    return result


def _find_header(
    grid: list[list[_GridCell]], searched: list[list[str]]
) -> tuple[int, list[str]] | None:
    """The 0-based header row of a table and its texts, or None; rows looked at go to
    ``searched``.

    A cell continuing a vertical merge shows the text of the cell above, so a two-row
    header (工作标准 merged down, 责任分工 over 分管领导 | 牵头单位) reads as its lower row.
    """
    above: dict[int, str] = {}  # grid column -> text shown there by the previous row
    for i, cells in enumerate(grid[:HEADER_SEARCH_ROWS]):
        texts = []
        shown: dict[int, str] = {}
        for cell in cells:
            text = _title_text(cell.values)
            if cell.vmerge == "continue" and not text:
                text = above.get(cell.start, "")
            texts.append(text)
            shown[cell.start] = text
        above = shown
        if is_header_row(texts):
            return i, texts
        searched.append(texts)
    return None


def _read_table(
    grid: list[list[_GridCell]],
    header_i: int,
    header: list[str],
    table_no: int,
    paragraph: str | None,
) -> SourceTable:
    """Build the SourceTable from a table's rows; ``header_i`` is the 0-based header row."""
    header_cells = grid[header_i]
    header_key = [squeeze(h) for h in header]

    # The grid row where the vertical merge covering each grid column began.
    merge_start: dict[int, int] = {}
    for i in range(header_i + 1):
        _track_merges(grid[i], i, merge_start)

    rows: list[SourceRow] = []
    repeated: list[str] = []
    for i in range(header_i + 1, len(grid)):
        ref = f"table {table_no} row {i + 1}"
        cells = _align(grid[i], header_cells, i, header_i, merge_start)
        texts = [_title_text(c.values) for c in cells]
        if any(texts) and ([squeeze(t) for t in texts] == header_key or is_header_row(texts)):
            repeated.append(ref)
            continue
        if all(c.blank for c in cells):
            continue  # empty, or only merge continuations: nothing new in this row
        rows.append(SourceRow(cells=cells, ref=ref))

    title = paragraph
    if title is None:  # a title row inside the table, above the header
        top = header_i
        if any(c.vmerge == "continue" for c in header_cells):
            top -= 1  # the upper row of a two-row header
        above = [
            " ".join(t for t in (_title_text(c.values) for c in row) if t) for row in grid[:top]
        ]
        title = next((t for t in above if t), None)
    table = SourceTable(header=header, rows=rows, title=title, input_format="docx")
    if repeated:
        table.notes.append(repeated_header_note(repeated))
    return table


def _track_merges(cells: list[_GridCell], i: int, merge_start: dict[int, int]) -> None:
    """Record, per grid column, the row where the current vertical merge began."""
    for cell in cells:
        for g in range(cell.start, cell.start + cell.span):
            if cell.vmerge != "continue" or g not in merge_start:
                merge_start[g] = i


def _align(
    cells: list[_GridCell],
    header_cells: list[_GridCell],
    i: int,
    header_i: int,
    merge_start: dict[int, int],
) -> list[SourceCell]:
    """One SourceCell per header cell, matched on grid columns.

    A data cell belongs to the header cell whose grid span contains its first grid column;
    several data cells under one header cell are joined. A continuation of a vertical merge
    that began below the header is ``merged=True``; one that began in the header is blank.
    """
    _track_merges(cells, i, merge_start)
    out = [SourceCell() for _ in header_cells]
    for cell in cells:
        j = next(
            (j for j, h in enumerate(header_cells) if h.start <= cell.start < h.start + h.span),
            None,
        )
        if j is None:
            continue  # outside the header's columns
        if cell.vmerge == "continue":
            if merge_start.get(cell.start, i) > header_i and not out[j].values:
                out[j].merged = True
            continue
        if cell.values:
            out[j].values.extend(cell.values)
            out[j].merged = False
    return out


def _rows(tbl: Any) -> list[Any]:
    """The ``w:tr`` of a table, including rows wrapped in content controls."""
    return [tr for tr in tbl.iter(_q("tr")) if _owning_table(tr) is tbl]


def _owning_table(element: Any) -> Any:
    parent = element.getparent()
    while parent is not None and parent.tag != _q("tbl"):
        parent = parent.getparent()
    return parent


def _row_cells(tr: Any) -> list[_GridCell]:
    """The cells of a row with their grid positions (gridBefore and gridSpan respected)."""
    col = _int_val(tr.find(f"{_q('trPr')}/{_q('gridBefore')}"), 0)
    cells: list[_GridCell] = []
    for tc in tr.iter(_q("tc")):
        if _owning_row(tc) is not tr:
            continue  # a cell of a nested table
        tc_pr = tc.find(_q("tcPr"))
        span = 1
        vmerge = None
        if tc_pr is not None:
            span = max(1, _int_val(tc_pr.find(_q("gridSpan")), 1))
            v = tc_pr.find(_q("vMerge"))
            if v is not None:
                vmerge = "restart" if v.get(_q("val")) == "restart" else "continue"
        cells.append(_GridCell(start=col, span=span, values=_cell_lines(tc), vmerge=vmerge))
        col += span
    return cells


def _owning_row(tc: Any) -> Any:
    parent = tc.getparent()
    while parent is not None and parent.tag != _q("tr"):
        parent = parent.getparent()
    return parent


def _int_val(element: Any, default: int) -> int:
    if element is None:
        return default
    try:
        return int(element.get(_q("val")))
    except (TypeError, ValueError):
        return default


def _cell_lines(container: Any) -> list[str]:
    """Each paragraph (and each line of a paragraph) of a cell, nested tables included."""
    lines: list[str] = []
    for child in container.iterchildren():
        if child.tag == _q("p"):
            lines.extend(_paragraph_lines(child))
        elif child.tag == _q("tbl"):
            for tr in _rows(child):
                for tc in tr.iter(_q("tc")):
                    if _owning_row(tc) is tr:
                        lines.extend(_cell_lines(tc))
        elif child.tag in (_q("sdt"), _q("sdtContent"), _q("customXml")):
            lines.extend(_cell_lines(child))
    return lines


def _paragraph_lines(p: Any) -> list[str]:
    """The non-empty lines of a paragraph (line breaks split it), stripped."""
    parts: list[str] = []
    for node in p.iter(_q("t"), _q("br"), _q("cr"), _q("tab")):
        if _inside_other_paragraph(node, p):
            continue  # text of a text box anchored in the paragraph
        if node.tag == _q("t"):
            if _is_deleted(node):
                continue
            parts.append(node.text or "")
        elif node.tag == _q("tab"):
            parts.append("\t")
        else:
            parts.append("\n")
    return [line.strip() for line in "".join(parts).splitlines() if line.strip()]


def _inside_other_paragraph(node: Any, p: Any) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not p:
        if parent.tag == _q("p"):
            return True
        parent = parent.getparent()
    return False


def _is_deleted(node: Any) -> bool:
    parent = node.getparent()
    while parent is not None and parent.tag != _q("p"):
        if parent.tag == _q("del"):
            return True
        parent = parent.getparent()
    return False


def _title_text(lines: list[str]) -> str:
    """Lines as one string (Chinese text wraps without spaces)."""
    return "".join(lines)
