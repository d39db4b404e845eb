"""What every reader returns: a title and plain rows of cells, no database, no interpretation.

A reader only splits a file into header and cells. Everything else (header aliases, name
cleanup, multi-value splitting, fill-down, fragment repair) is done once, for all readers,
by :mod:`taskduty.table`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from taskduty.errors import SourceError
from taskduty.fields import HEADER_ALIASES, LABELS, REQUIRED, map_header


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


def repeated_header_note(refs: list[str]) -> str:
    """``skipped N repeated header rows (row a, row b)``: tables printed across pages."""
    return f"skipped {len(refs)} repeated header rows ({', '.join(refs)})"


def missing_columns_error(where: str, searched: list[list[str]]) -> SourceError:
    """The error for a table without a recognisable header row, shared by every reader.

    ``searched`` are the rows looked at; the one naming most known columns is quoted.
    """
    best = max(searched, key=lambda row: len(map_header(row)), default=[])
    found = map_header(best)
    missing = [LABELS[f] for f in REQUIRED if f not in found]
    message = f"{where}: no table header found (missing columns: {'、'.join(missing)}; "
    if found:
        message += f"found: {_quote(best)})"
    else:
        first = next((row for row in searched if any(c.strip() for c in row)), [])
        message += "no header-like text found"
        message += f"; first text: {_quote(first)})" if first else ")"
    accepted: dict[str, list[str]] = {f: [] for f in REQUIRED}
    for alias, name in HEADER_ALIASES.items():
        if name in accepted:
            accepted[name].append(alias)
    names = "; ".join(f"{LABELS[f]}: {'/'.join(accepted[f][:4])}…" for f in REQUIRED)
    return SourceError(message, hint=f"the header row needs 工作标准 and two more of — {names}")


def _quote(row: list[str]) -> str:
    text = "、".join(t.strip() for t in row if t.strip())
    return text if len(text) <= 120 else text[:119] + "…"
