"""What every reader returns: a title and plain rows of cells, no database, no interpretation.

A reader only splits a file into header and cells. Everything else (header aliases, name
cleanup, multi-value splitting, fill-down, fragment repair) is done once, for all readers,
by :mod:`taskduty.table`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from taskduty.dates import text_year
from taskduty.errors import SourceError
from taskduty.fields import HEADER_ALIASES, LABELS, REQUIRED, is_header_row, map_header, squeeze
from taskduty.i18n import _


@dataclass(slots=True)
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
        return not any(map(str.strip, self.values))


@dataclass(slots=True)
class SourceRow:
    """A row of cells, aligned with :attr:`SourceTable.header`; ``ref`` says where it came from."""

    cells: list[SourceCell]
    ref: str  # e.g. "line 8", "row 5", "table 1 row 3", "paragraph 12"
    # Whether the source marked who leads (a lead label, 牵头/配合, ★); None: the normaliser
    # decides from the columns. Unmarked lists take the first-listed-lead rule when it applies.
    marked: bool | None = None
    lead_first: bool = False  # the document states 列第一位者为牵头单位 above this row
    notes: list[str] = field(default_factory=list)  # e.g. another level's units (省牵头单位)


class LazyRows:
    """A source's rows read anew from its text on each pass, never all held (a long CSV):
    iterable more than once; its length is known after the first whole pass.

    ``plain``, when given, reads the same rows as (ref, texts): each text is a whole cell,
    stripped, its :class:`SourceCell` ``SourceCell([text])`` (``SourceCell()`` for ``""``),
    none merged and no marks or notes: a cheaper pass for the rules that look at the text.
    """

    def __init__(self, read: Callable[[], Iterator[SourceRow]],
                 plain: Callable[[], Iterator[tuple[str, list[str]]]] | None = None) -> None:
        self._read = read
        self._plain = plain
        self._length: int | None = None

    @property
    def has_plain(self) -> bool:
        return self._plain is not None

    def plain(self) -> Iterator[tuple[str, list[str]]]:
        """The rows as (ref, texts), see above (only when ``has_plain``)."""
        assert self._plain is not None
        count = 0
        for row in self._plain():
            count += 1
            yield row
        self._length = count

    def __iter__(self) -> Iterator[SourceRow]:
        if self._length is not None:  # counted by a pass before: the same rows again
            return self._read()
        return self._counted()

    def _counted(self) -> Iterator[SourceRow]:
        count = 0
        for row in self._read():
            count += 1
            yield row
        self._length = count

    def __len__(self) -> int:
        if self._length is None:
            for _row in self:
                pass
        assert self._length is not None
        return self._length


@dataclass
class SourceTable:
    """A file read as a table: the title (if any), the header cells and the data rows."""

    header: list[str]
    rows: list[SourceRow] | LazyRows  # a list unless read lazily (read_source(lazy=True))
    title: str | None = None
    input_format: str = ""
    # What the reader itself noticed or repaired (e.g. a truncated last row), one line each.
    notes: list[str] = field(default_factory=list)
    # What the reader could not place (notices: a label outside any task, ...), one line each.
    warnings: list[str] = field(default_factory=list)
    # Text above the header (title rows), as read: a numbered heading or a stated rule there
    # still counts.
    above: list[str] = field(default_factory=list)


def repeated_header_note(refs: list[str]) -> str:
    """``skipped N repeated header rows (row a, row b)``: tables printed across pages."""
    return _("skipped {n} repeated header rows ({refs})").format(n=len(refs),
                                                                  refs=", ".join(refs))


def missing_columns_error(where: str, searched: list[list[str]]) -> SourceError:
    """The error for a table without a recognisable header row, shared by every reader.

    ``searched`` are the rows looked at; the one naming most known columns is quoted.
    """
    best = max(searched, key=lambda row: len(map_header(row)), default=[])
    found = map_header(best)
    missing = [LABELS[f] for f in REQUIRED if f not in found]
    if found:
        seen = _("found: {cells}").format(cells=_quote(best))
    else:
        first = next((row for row in searched if any(c.strip() for c in row)), [])
        seen = (_("no header-like text found; first text: {cells}").format(cells=_quote(first))
                if first else _("no header-like text found"))
    message = _("{where}: no table header found (missing columns: {missing}; {seen})").format(
        where=where, missing="、".join(missing), seen=seen)
    accepted: dict[str, list[str]] = {f: [] for f in REQUIRED}
    for alias, name in HEADER_ALIASES.items():
        if name in accepted:
            accepted[name].append(alias)
    names = "; ".join(f"{LABELS[f]}: {'/'.join(accepted[f][:4])}…" for f in REQUIRED)
    return SourceError(message, hint=_("the header row needs 工作标准 and two more of — {names}")
                       .format(names=names))


def _quote(row: list[str]) -> str:
    text = "、".join(t.strip() for t in row if t.strip())
    return text if len(text) <= 120 else text[:119] + "…"


def find_header(searched: list[list[str]]) -> tuple[int, list[str]] | None:
    """The 1-based header row among ``searched`` rows and its texts (XLSX, CSV).

    A two-row header (责任分工 over 分管领导 | 牵头单位, with 工作标准 merged down both rows)
    is read as its lower row, each empty cell taking the text above it.
    """
    for i, row in enumerate(searched):
        if is_header_row(row):
            return i + 1, row
        if i + 1 < len(searched):
            below = searched[i + 1]
            combined = [lower or upper for upper, lower in zip(row, below, strict=True)]
            if any(below) and is_header_row(combined) and not is_header_row(below):
                return i + 2, combined
    return None


_ATTACHMENT = re.compile(r"^(?:附件|附表)[0-9０-９一二三四五六七八九十]*[:：]?$")
# A line that is only a date or a document number: （2019年2月20日）, 二〇二二年三月, 〔2019〕3号.
_DATE_LINE = re.compile(
    r"^[（(]?[\d一二三四五六七八九十〇○零Ｏ年月日号\s.．/\-]*[）)]?$"
    r"|^[（(]?\S{0,12}[〔\[［(（]\d{4}[〕\]］)）]\d+号[）)]?$")
_TITLE_WORDS = ("表", "分解", "任务", "清单", "通知", "方案", "安排")


def pick_title(lines: list[str]) -> str | None:
    """The title among the lines above a table.

    Attachment labels (附件1) and lines that are only a date or a document number are no
    title; a line with a title word (表, 分解, 任务 …) is preferred over other text. When the
    title names no year but a date line does, the date line is kept after it, so the year
    can still be read from the title.
    """
    texts = [t.strip() for t in lines if t and t.strip()]
    plain = [t for t in texts if not _ATTACHMENT.match(squeeze(t))]
    dates = [t for t in plain if _DATE_LINE.match(squeeze(t)) and text_year(t)]
    candidates = [t for t in plain if not _DATE_LINE.match(squeeze(t))]
    titled = [t for t in candidates if any(w in t for w in _TITLE_WORDS) and len(t) <= 80]
    title = (titled or candidates or plain or texts or [None])[0]
    if title is not None and text_year(title) is None and dates and dates[0] != title:
        title = f"{title} {dates[0]}"
    return title

