"""The Word-table text format: a table copied out of a Word document as text.

Every cell starts on a new line with a TAB; a further value of the same cell is a line
without a TAB (after a blank line or directly after the previous value); blank lines
separate rows and values alike, so rows are counted by cells (the header's width).
"""

from __future__ import annotations

from taskduty.fields import header_field, is_header_row
from taskduty.i18n import _
from taskduty.sources.base import SourceCell, SourceRow, SourceTable, missing_columns_error


def looks_like_word_table(text: str) -> bool:
    """True when the text has TAB-started cells and a header row among them."""
    cells = [line[1:] for line in text.split("\n") if line.startswith("\t")]
    return len(cells) >= 3 and is_header_row(cells[:12])


def parse_word_text(text: str, name: str = "text") -> SourceTable:
    """Split Word-table text into title, header and rows of cells."""
    title_lines: list[str] = []
    cells: list[tuple[int, SourceCell]] = []  # (line number, cell)
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith("\t"):
            cell = SourceCell([line[1:].strip()] if line[1:].strip() else [])
            cells.append((number, cell))
        elif line.strip():
            if cells:
                cells[-1][1].values.append(line.strip())
            else:
                title_lines.append(line.strip())
    width = 0
    for _number, cell in cells:
        if cell.blank or header_field(cell.values[0]) is None:
            break
        width += 1
    header = [" ".join(c.values) for _number, c in cells[:width]]
    if not is_header_row(header):
        raise missing_columns_error(name, [header or [c.values[0] for _, c in cells[:8]
                                                     if c.values]])
    notes: list[str] = []
    rows: list[SourceRow] = []
    body = cells[width:]
    for start in range(0, len(body), width):
        chunk = body[start : start + width]
        line = chunk[0][0]
        row_cells = [c for _, c in chunk]
        if len(row_cells) < width:
            missing = [header[i] for i in range(len(row_cells), width)]
            notes.append(
                _("line {line}: the last row is cut short; its missing cells ({cells}) count as "
                  "blank cells").format(line=line, cells="、".join(missing)))
            row_cells += [SourceCell() for _ in range(width - len(row_cells))]
        if all(c.blank for c in row_cells):
            continue
        rows.append(SourceRow(row_cells, f"line {line}"))
    return SourceTable(
        header=header,
        rows=rows,
        title=" ".join(title_lines) or None,
        input_format="text",
        notes=notes,
        above=title_lines,
    )
