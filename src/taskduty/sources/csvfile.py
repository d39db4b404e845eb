"""CSV tables: UTF-8 (with or without BOM) or GB18030/GBK; title rows above the header allowed."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from itertools import chain, islice
from pathlib import Path
from typing import Any, TypeVar

from taskduty.errors import SourceError
from taskduty.fields import header_field
from taskduty.i18n import _
from taskduty.sources.base import (
    LazyRows,
    SourceCell,
    SourceRow,
    SourceTable,
    find_header,
    missing_columns_error,
    pick_title,
    repeated_header_note,
)
from taskduty.sources.textio import read_text

DELIMITERS = "\t,;|"
T = TypeVar("T")
SHARED_LENGTH = 40
SHARED_LIMIT = 8192  # distinct short cells a lazy pass shares at most (bounded memory)
_UNSEEN = object()


def read_csv(path: Path, lazy: bool = False) -> SourceTable:
    """Read a CSV/TSV file whose header row is among its first 20 rows (``lazy``: see
    :func:`parse_csv`)."""
    return parse_csv(read_text(path), path.name, lazy)


def lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their ends, as ``io.StringIO(text)`` gives them, one at a
    time: the csv reader never holds a second copy of a long file's text."""
    start, end = 0, len(text)
    while start < end:
        stop = text.find("\n", start)
        stop = end if stop < 0 else stop + 1
        yield text[start:stop]
        start = stop


def find_delimiter(text: str) -> str | None:
    """The delimiter of the header row among the first rows, or None when no row splits
    into a header: found from the header, not the first line (title rows above it have no
    delimiters, or commas in their text). TAB first: rows copied out of a web page or Word."""
    for delimiter in DELIMITERS:
        try:
            records = list(islice(csv.reader(lines(text), delimiter=delimiter), 20))
        except csv.Error:
            continue
        searched = [[c.strip() for c in r] for r in records]
        width = max((len(r) for r in searched), default=0)
        if width >= 3 and find_header([r + [""] * (width - len(r)) for r in searched]):
            return delimiter
    return None


def unclosed_quote_line(text: str) -> int | None:
    """The line where a quote opens that is never closed (an odd number of quotes from
    there to the end), or None. A doubled quote inside a quoted cell counts twice."""
    inside, opened = False, None
    line, counted = 1, 0  # the line number at position ``counted``
    at = text.find('"')
    while at >= 0:
        inside = not inside
        if inside:
            line += text.count("\n", counted, at)
            counted = at
            opened = line
        at = text.find('"', at + 1)
    return opened if inside else None


def parse_csv(text: str, name: str, lazy: bool = False) -> SourceTable:
    """Split delimited text into title rows, header and rows.

    ``lazy``: the rows are :class:`LazyRows`, read from ``text`` again on each pass (a CSV
    error below the first rows is raised by the first pass, and the note on repeated header
    rows is made by it).
    """
    delimiter = find_delimiter(text)
    dialect: type[csv.Dialect] | csv.Dialect
    if delimiter is None:
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
    else:
        dialect = csv.excel_tab if delimiter == "\t" else csv.excel
    # Records are read as the rows are built, not all first (a long table's cells once).
    reader = csv_reader(delimiter, dialect, text)
    first = invalid_csv(name, lambda: list(islice(reader, 20)))
    if (line := unclosed_quote_line(text)) is not None:
        raise SourceError(
            _("{name}, line {line}: a quote (\") opens a cell and is never closed, so every line "
              "below it would be read into that one cell").format(name=name, line=line),
            hint=_('close the quote or remove it (a quote inside a cell is written twice: "")'))
    searched = [[c.strip() for c in r] for r in first]
    width = max((len(r) for r in searched), default=0)
    searched = [r + [""] * (width - len(r)) for r in searched]
    found = find_header(searched)
    if found is None:
        raise missing_columns_error(name, searched)
    start, header = found
    # A two-row header's upper row is no title.
    top = start - 1 if header is searched[start - 1] else start - 2
    above = [" ".join(c for c in cells if c) for cells in searched[:top] if any(cells)]
    while header and not header[-1]:
        header = header[:-1]
    fields = [header_field(h) for h in header]
    table = SourceTable(header, [], title=pick_title(above), input_format="csv", above=above)

    def read_rows(records: Iterator[list[str]], shared: int | None,
                  plain: bool = False) -> Iterator[Any]:
        """The data rows of ``records`` (those below the header); ``shared``: how many
        distinct cells rows may share at most (None: any number); ``plain``: each row as
        (ref, texts) (:class:`LazyRows`), not a SourceRow."""
        skipped: list[int] = []
        # One SourceCell per distinct short text (names, goals, deadlines repeat on most
        # rows), and so one string: the cells are read, never changed (the normaliser's
        # cleaning puts new cells in a row), so rows may share them.
        shared_cells: dict[str, SourceCell] = {}
        # The field each distinct short first cell names (序号 values repeat: 1, 2, 3 …).
        first_fields: dict[str, str | None] = {}

        def cell_of(text: str) -> SourceCell:
            if len(text) > SHARED_LENGTH:
                return SourceCell([text])
            found = shared_cells.get(text)
            if found is None:
                if shared is not None and len(shared_cells) >= shared:
                    shared_cells.clear()
                found = shared_cells[text] = SourceCell([text] if text else [])
            return found

        def first_field(text: str) -> str | None:
            if len(text) > SHARED_LENGTH:
                return header_field(text)
            if text not in first_fields:
                if shared is not None and len(first_fields) >= shared:
                    first_fields.clear()
                first_fields[text] = header_field(text)
            return first_fields[text]

        get, seen_first = shared_cells.get, first_fields.get
        width, first = len(header), fields[0] if fields else None
        # 工作标准: a task's own text, seldom on two rows, so never shared (it would push the
        # cells that repeat out of the bounded share)
        std = fields.index("standard") if "standard" in fields else None
        for number, record in enumerate(records, start=start + 1):
            cells = [c.strip() for c in record]
            if not any(cells):
                continue
            # The first cell decides for almost every row, so a long table is not read twice.
            if fields:
                found = seen_first(cells[0], _UNSEEN)
                if found is _UNSEEN:
                    found = first_field(cells[0])
                if found == first and [header_field(c) for c in cells[:width]] == fields:
                    skipped.append(number)
                    continue
            if len(cells) < width:
                cells += [""] * (width - len(cells))
            if plain:
                yield f"row {number}", cells
                continue
            # (a text seen before: its cell, without a call; a long text is never shared)
            if std is None or not (text := cells[std]):
                yield SourceRow([get(c) or cell_of(c) for c in cells], f"row {number}")
                continue
            cells[std] = ""
            out = [get(c) or cell_of(c) for c in cells]
            out[std] = SourceCell([text])
            yield SourceRow(out, f"row {number}")
        table.notes = [repeated_header_note([f"row {n}" for n in skipped])] if skipped else []

    if lazy:
        def again(plain: bool = False) -> Iterator[Any]:
            records = csv_reader(delimiter, dialect, text)
            return invalid_csv_rows(name, read_rows(islice(records, start, None), SHARED_LIMIT,
                                                    plain))

        table.rows = LazyRows(again, lambda: again(plain=True))
    else:
        table.rows = invalid_csv(name, lambda: list(read_rows(chain(first[start:], reader),
                                                              None)))
    return table


def csv_reader(delimiter: str | None, dialect: type[csv.Dialect] | csv.Dialect,
               text: str) -> Iterator[list[str]]:
    """The csv module's reader of ``text`` with ``delimiter``, else ``dialect``."""
    return (csv.reader(lines(text), delimiter=delimiter)
            if delimiter not in (None, "\t", ",") else csv.reader(lines(text), dialect))


def invalid_csv_rows(name: str, rows: Iterator[T]) -> Iterator[T]:
    """``rows``, with a CSV parse error as a SourceError naming the file."""
    try:
        yield from rows
    except csv.Error as exc:
        raise SourceError(
            _("{name}: not a valid CSV file ({exc})").format(name=name, exc=exc)) from None


def invalid_csv(name: str, read: Callable[[], T]) -> T:
    """``read()``, with a CSV parse error as a SourceError naming the file."""
    try:
        return read()
    except csv.Error as exc:
        raise SourceError(
            _("{name}: not a valid CSV file ({exc})").format(name=name, exc=exc)) from None
