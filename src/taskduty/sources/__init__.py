"""Readers, one per input format: a file in, a :class:`SourceTable` of plain cells out."""

from __future__ import annotations

from pathlib import Path

from taskduty.errors import SourceError, UsageError
from taskduty.sources.base import SourceCell, SourceRow, SourceTable

INPUT_FORMATS = ("text", "csv", "xlsx", "docx", "notice")

__all__ = ["INPUT_FORMATS", "SourceCell", "SourceRow", "SourceTable", "read_source"]


def read_source(
    path: Path, input_format: str | None = None, sheet: str | None = None
) -> SourceTable:
    """Read any supported file; the format comes from ``input_format`` or is detected."""
    if input_format is not None and input_format not in INPUT_FORMATS:
        raise UsageError(
            f"unknown input format {input_format!r}",
            hint=f"use one of: {', '.join(INPUT_FORMATS)}",
        )
    if not path.exists():
        raise SourceError(f"no such file: {path}", hint="check the path")
    fmt = input_format or _detect(path)
    if fmt == "csv":
        from taskduty.sources.csvfile import read_csv

        return read_csv(path)
    if fmt == "xlsx":
        from taskduty.sources.xlsx import read_xlsx

        return read_xlsx(path, sheet)
    if fmt == "docx":
        return _read_docx(path, forced=input_format == "docx")
    if fmt == "notice":
        from taskduty.sources import notice

        if path.suffix.lower() == ".docx":
            return notice.read_notice_docx(path)
        return notice.read_notice_text(path)
    return _read_text(path, forced=input_format == "text")


def _detect(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix == ".docx":
        return "docx"
    if suffix in (".txt", ".text", ""):
        return "text"
    hints = {
        ".xls": "save it as .xlsx (Excel: 另存为 → Excel 工作簿)",
        ".doc": "save it as .docx (Word: 另存为 → Word 文档)",
        ".wps": "save it as .docx",
        ".et": "save it as .xlsx",
    }
    raise SourceError(
        f"unknown file format {suffix!r} ({path.name})",
        hint=hints.get(suffix, "give a .txt, .csv, .xlsx or .docx file, or name the format "
                               "with --input-format"),
    )


def _read_text(path: Path, forced: bool) -> SourceTable:
    """Word-table text, or a notice when the text has no table but labelled tasks."""
    from taskduty.sources.textio import read_text
    from taskduty.sources.wordtext import looks_like_word_table, parse_word_text

    text = read_text(path)
    if forced or looks_like_word_table(text):
        return parse_word_text(text, path.name)
    from taskduty.sources import notice

    if notice.looks_like_notice(text.split("\n")):
        return notice.read_notice_text(path)
    return parse_word_text(text, path.name)  # raises the missing-columns error


def _read_docx(path: Path, forced: bool) -> SourceTable:
    """The first table of a .docx; a notice when it has none and its paragraphs look like one."""
    from taskduty.sources.docx_table import read_docx_table

    try:
        return read_docx_table(path)
    except SourceError as table_error:
        if forced:
            raise
        from taskduty.sources import notice

        try:
            return notice.read_notice_docx(path)
        except SourceError:
            raise table_error from None
