"""Limits on hostile files: workbooks and documents far beyond any real table are refused
before they are parsed.

An .xlsx or .docx is a zip of XML. A 1 MB file can unpack to gigabytes (a zip bomb), or
hold millions of empty styled cells, and parsing it would take minutes and gigabytes of
memory. :func:`check_package` reads the zip's parts as a stream (never more than a chunk
in memory), counts bytes, rows and cells, and refuses the file as soon as a limit is
passed. XML with a document type declaration (entity expansion, external entities) is
refused too; openpyxl parses with defusedxml, python-docx without resolving entities.

The limits are far above any real 责任分解表 (a few hundred rows): the options
``--max-cells N`` (or ``TASKDUTY_MAX_CELLS``) raise them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from taskduty.errors import SourceError
from taskduty.i18n import _

MAX_CELLS = 2_000_000
MAX_ROWS = 200_000
MAX_BYTES = 200 * 1024 * 1024  # uncompressed
MAX_PARTS = 10_000
MAX_PROBLEMS = 50  # problems listed in full; the rest are counted
ENV_VAR = "TASKDUTY_MAX_CELLS"
_CHUNK = 1 << 20


@dataclass
class Limits:
    """What a workbook or document may hold."""

    cells: int = MAX_CELLS
    rows: int = MAX_ROWS
    bytes: int = MAX_BYTES

    @classmethod
    def for_cells(cls, cells: int) -> Limits:
        """The limits raised (or lowered) to ``cells`` cells, rows and sizes with it."""
        return cls(cells=cells, rows=max(MAX_ROWS, cells // 10),
                   bytes=max(MAX_BYTES, cells * 100))


class _Settings:
    max_cells: int | None = None  # None: from the environment, else the defaults


settings = _Settings()


def current() -> Limits:
    """The limits in force: ``--max-cells``, else ``TASKDUTY_MAX_CELLS``, else the defaults."""
    cells = settings.max_cells
    if cells is None:
        text = os.environ.get(ENV_VAR, "").strip()
        cells = int(text) if text.isdigit() and int(text) > 0 else None
    return Limits.for_cells(cells) if cells else Limits()


_PATTERNS = {
    "xlsx": (b"<row", b"<c "),
    "docx": (b"<w:tr", b"<w:tc"),
}


def check_package(path: Path, kind: str, limits: Limits | None = None) -> None:
    """Refuse ``path`` (an .xlsx or .docx) when it is far beyond any real table.

    A file that is no zip at all is left to the reader (it says so in its own words).
    """
    import zipfile  # (here: a text table's load never opens a zip)
    import zlib

    limits = limits or current()
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    with zf:
        parts = zf.infolist()
        if len(parts) > MAX_PARTS:
            raise _refuse(path, _("{n} parts in the file").format(n=len(parts)), limits)
        declared = sum(p.file_size for p in parts)
        if declared > limits.bytes:
            raise _refuse(path, _("{size} uncompressed").format(size=_mb(declared)), limits)
        row_pat, cell_pat = _PATTERNS[kind]
        total = rows = cells = 0
        for part in parts:
            if not part.filename.endswith((".xml", ".rels", ".vml")):
                total += part.file_size
                continue
            counted = kind == "docx" or part.filename.startswith("xl/worksheets/")
            tail = b""
            try:
                with zf.open(part) as fh:
                    while chunk := fh.read(_CHUNK):
                        total += len(chunk)  # real sizes: the declared ones may lie
                        if total > limits.bytes:
                            raise _refuse(path, _("more than {size} uncompressed").format(
                                size=_mb(limits.bytes)), limits)
                        data = tail + chunk
                        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
                            raise SourceError(_(
                                "{name} is refused: its XML declares a document type or "
                                "entities (never in a real workbook or document; a sign of "
                                "an entity-expansion attack)").format(name=path.name))
                        if counted:
                            rows += data.count(row_pat) - tail.count(row_pat)
                            cells += data.count(cell_pat) - tail.count(cell_pat)
                            if rows > limits.rows:
                                raise _refuse(path, _("more than {n} rows").format(
                                    n=f"{limits.rows:,}"), limits)
                            if cells > limits.cells:
                                raise _refuse(path, _("more than {n} cells").format(
                                    n=f"{limits.cells:,}"), limits)
                        tail = data[-16:]
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError,
                    NotImplementedError, zlib.error) as exc:
                raise SourceError(_("{name} is a damaged zip file ({why})").format(
                    name=path.name, why=type(exc).__name__),
                    hint=_("open it in Excel, WPS or Word and save it again")) from None


def check_file_size(path: Path, limits: Limits | None = None) -> None:
    """Refuse a file larger on disk than the uncompressed size limit (text files, .xls and
    .doc are read whole)."""
    limits = limits or current()
    try:
        size = path.stat().st_size
    except OSError:
        return  # the reader says what is wrong with the path
    if size > limits.bytes:
        raise _refuse(path, _("{size} on disk").format(size=_mb(size)), limits)


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.0f} MB"


def _refuse(path: Path, what: str, limits: Limits) -> SourceError:
    return SourceError(
        _("{name} is far beyond any real table ({what}; the limits are {cells} cells, "
          "{rows} rows, {size} uncompressed); refused before reading it").format(
            name=path.name, what=what, cells=f"{limits.cells:,}", rows=f"{limits.rows:,}",
            size=_mb(limits.bytes)),
        hint=_("if the file is genuine, raise the limits: taskduty --max-cells N …"))


def listed(problems: list, limit: int = MAX_PROBLEMS) -> tuple[list, int]:
    """The first ``limit`` problems and how many more there are."""
    return problems[:limit], max(0, len(problems) - limit)
