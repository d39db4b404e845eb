"""What every reader returns: a title and plain rows of cells, no database, no interpretation.

A reader only splits a file into header and cells. Everything else (header aliases, name
cleanup, multi-value splitting, fill-down, fragment repair) is done once, for all readers,
by :mod:`taskduty.table`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SourceCell:
    """One cell as read.

    ``values`` are the pieces the format itself separates (lines of a Word-table cell,
    paragraphs of a DOCX cell, lines of an XLSX cell); a CSV cell is one piece that the
    normaliser splits on separators. ``merged`` is true for a cell covered by a vertical
    merge whose value lives in the cell above (the reader leaves ``values`` empty then).
    """

    values: list[str] = field(default_factory=list)
    merged: bool = False

    @property
    def blank(self) -> bool:
        return not any(v.strip() for v in self.values)


@dataclass
class SourceRow:
    """A row of cells, aligned with :attr:`SourceTable.header`; ``ref`` says where it came from."""

    cells: list[SourceCell]
    ref: str  # e.g. "line 8", "row 5", "table 1 row 3", "paragraph 12"


@dataclass
class SourceTable:
    """A file read as a table: the title (if any), the header cells and the data rows."""

    header: list[str]
    rows: list[SourceRow]
    title: str | None = None
    input_format: str = ""
    # What the reader itself noticed or repaired (e.g. a truncated last row), one line each.
    notes: list[str] = field(default_factory=list)
    # What the reader could not place (notices: a label outside any task, ...), one line each.
    warnings: list[str] = field(default_factory=list)
