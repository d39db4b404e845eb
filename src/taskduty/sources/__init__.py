"""Readers, one per input format: a file in, a :class:`SourceTable` of plain cells out."""

from __future__ import annotations

from pathlib import Path

from taskduty.errors import SourceError, UsageError
from taskduty.i18n import _
from taskduty.sources.base import LazyRows, SourceCell, SourceRow, SourceTable

INPUT_FORMATS = ("text", "csv", "xlsx", "xls", "docx", "doc", "notice")

__all__ = ["INPUT_FORMATS", "LazyRows", "SourceCell", "SourceRow", "SourceTable", "read_source"]


def read_source(
    path: Path, input_format: str | None = None, sheet: str | None = None, lazy: bool = False
) -> SourceTable:
    """Read any supported file; the format comes from ``input_format`` or is detected.

    ``lazy``: a CSV file's rows are :class:`LazyRows`, read from its text on each pass
    (other formats are read whole: their rows are a list).
    """
    if input_format is not None and input_format not in INPUT_FORMATS:
        raise UsageError(
            _("unknown input format {input_format!r}").format(input_format=input_format),
            hint=_("use one of: {choices}").format(choices=', '.join(INPUT_FORMATS)),
        )
    if not path.exists():
        raise SourceError(_("no such file: {path}").format(path=path), hint=_("check the path"))
    fmt = input_format or _detect(path)
    if sheet is not None and fmt not in ("xlsx", "xls"):
        raise UsageError(_("--sheet is for Excel workbooks; {name} is read as {fmt}")
            .format(name=path.name, fmt=fmt),
                         hint=_("leave out --sheet, or give the workbook (.xlsx, .xls)"))
    from taskduty.limits import check_file_size, check_package

    check_file_size(path)  # any format: text, .xls and .doc files are read whole
    if fmt == "xlsx" or (fmt in ("docx", "notice") and path.suffix.lower() == ".docx"):
        check_package(path, "xlsx" if fmt == "xlsx" else "docx")
    if fmt == "csv":
        from taskduty.sources.csvfile import read_csv

        return read_csv(path, lazy)
    if fmt == "xlsx":
        from taskduty.sources.xlsx import read_xlsx

        return read_xlsx(path, sheet)
    if fmt == "docx":
        return _read_docx(path, forced=input_format == "docx")
    if fmt == "xls":
        from taskduty.sources.oldformats import read_xls

        return read_xls(path, sheet)
    if fmt == "doc":
        from taskduty.sources.oldformats import read_doc

        return read_doc(path)
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
    if suffix in (".xls", ".et"):
        return "xls"
    if suffix in (".doc", ".wps"):
        return "doc"
    raise SourceError(
        _("unknown file format {suffix!r} ({name})").format(suffix=suffix, name=path.name),
        hint=_("give a .txt, .csv, .xlsx, .xls, .et, .docx, .doc or .wps file, or name the format "
               "with --input-format"),
    )


def _read_text(path: Path, forced: bool) -> SourceTable:
    """Text tried as a table (Word-table text, or rows with a TAB/comma/semicolon delimiter)
    and as a notice; when neither yields tasks the error says what each reader saw."""
    from taskduty.sources.csvfile import find_delimiter, parse_csv
    from taskduty.sources.textio import read_text
    from taskduty.sources.wordtext import looks_like_word_table, parse_word_text

    text = read_text(path)
    if forced or looks_like_word_table(text):
        return parse_word_text(text, path.name)
    if find_delimiter(text) is not None:
        table = parse_csv(text, path.name)
        table.input_format = "text"
        return table
    from taskduty.sources import celllines, notice

    if celllines.find_header(text) is not None:  # a web table copied one cell per line
        return celllines.parse_cell_lines(text, path.name)
    try:
        return notice.parse_notice(text.split("\n"))
    except notice.NoTasksError as exc:
        try:
            parse_word_text(text, path.name)
            as_table = "no rows"  # pragma: no cover - a header is found by looks_like_word_table
        except SourceError as table_error:
            as_table = table_error.message.removeprefix(f"{path.name}: ")
        raise SourceError(
            _("{name}: no tasks found — as a table: {table}; as a notice: {notice}").format(
                name=path.name, table=as_table, notice=exc.scan.describe()),
            hint=_("a table needs a header row naming 工作标准 (or 重点工作任务) and 牵头单位 "
                   "(or 责任单位); a notice needs numbered items with a label such as "
                   "牵头单位：… or a bracket such as （市发改委牵头）; or name the format with "
                   "--input-format"),
        ) from None


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
