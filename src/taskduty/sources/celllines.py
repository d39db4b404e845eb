"""A table copied out of a web page as one cell per line (or per paragraph): the header cells
on lines of their own (序号 / 重点工作 / 责任单位 …), then each row's cells in order. A cell may
end with `` |`` (a page that draws its grid with bars).

Rows are counted by the header's width, with three exceptions that keep the count right:
a numbered heading at the start of a row (一、… / （一）王五副市长牵头工作) is a heading row of
its own; a labelled paragraph (省牵头单位：…) continues the cell before it; the header printed
again is skipped.
"""

from __future__ import annotations

import re

from taskduty.clauses import label_kind
from taskduty.fields import header_field, is_header_row, squeeze
from taskduty.i18n import _
from taskduty.sources.base import SourceCell, SourceRow, SourceTable, pick_title

_BAR = re.compile(r"\s*[|｜]\s*$")
_TASK_NO = re.compile(r"^\d+(?:[.．\-]\d+)?\s*[*＊★]?$")
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+\s*[、．.]"
                      r"|[（(]\s*[一二三四五六七八九十]+\s*[)）])")
_LABEL = re.compile(r"^([\u4e00-\u9fff]{2,10})\s*[：:]")
MAX_HEADER = 10


def _cells(text: str) -> list[tuple[int, str]]:
    """Non-empty lines without a closing bar, with their line numbers."""
    out = []
    for number, line in enumerate(text.split("\n"), start=1):
        t = _BAR.sub("", line).strip()
        if t:
            out.append((number, t))
    return out


def _header_at(cells: list[tuple[int, str]], i: int) -> int:
    """The width of a header starting at cell ``i`` (0 when none starts there)."""
    width = 0
    while i + width < len(cells) and width < MAX_HEADER and header_field(
            cells[i + width][1]) is not None and "\t" not in cells[i + width][1]:
        width += 1
    while width >= 3 and not is_header_row([c for _, c in cells[i: i + width]]):
        width -= 1
    return width if width >= 3 else 0


def find_header(text: str) -> tuple[int, int] | None:
    """(first cell index, width) of a header written one cell per line, or None."""
    cells = _cells(text)
    for i in range(min(len(cells), 60)):
        if width := _header_at(cells, i):
            return i, width
    return None


def parse_cell_lines(text: str, name: str) -> SourceTable:
    """Read a one-cell-per-line table (see the module docstring)."""
    cells = _cells(text)
    found = find_header(text)
    assert found is not None, "call find_header first"
    start, width = found
    header = [c for _, c in cells[start: start + width]]
    keys = [header_field(h) for h in header]
    first_is_no = keys[0] == "goal_no"
    rows: list[SourceRow] = []
    current: list[SourceCell] = []
    line_of_row = 0
    skipped = 0
    i = start + width
    while i < len(cells):
        number, value = cells[i]
        if not current:
            if _header_at(cells, i) == width and [header_field(c) for _, c in
                                                  cells[i: i + width]] == keys:
                skipped += 1
                i += width
                continue
            label = _LABEL.match(value)
            if label and label_kind(label.group(1)) and rows:
                rows[-1].cells[-1].values.append(value)  # a paragraph of the cell before
                i += 1
                continue
            if first_is_no and _HEADING.match(value) and not _TASK_NO.match(squeeze(value)):
                rows.append(SourceRow([SourceCell([value])] + [SourceCell() for _ in
                                                               range(width - 1)],
                                      f"line {number}"))
                i += 1
                continue
            line_of_row = number
        current.append(SourceCell([value]))
        if len(current) == width:
            rows.append(SourceRow(current, f"line {line_of_row}"))
            current = []
        i += 1
    notes = []
    if current:
        missing = "、".join(header[len(current):])
        notes.append(_("line {n}: the last row is cut short; its missing cells ({cells}) "
                       "count as blank cells").format(n=line_of_row, cells=missing))
        current += [SourceCell() for _ in range(width - len(current))]
        rows.append(SourceRow(current, f"line {line_of_row}"))
    if skipped:
        notes.append(_("skipped {n} repeated header rows").format(n=skipped))
    above = [c for _, c in cells[:start]]
    return SourceTable(header, rows, title=pick_title(above), input_format="text", notes=notes,
                       above=above)
