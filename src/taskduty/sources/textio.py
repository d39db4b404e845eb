"""Decoding text files: UTF-8 with or without BOM, else GB18030 (Excel on Chinese Windows)."""

from __future__ import annotations

from pathlib import Path

from taskduty.errors import SourceError
from taskduty.i18n import _


def read_text(path: Path) -> str:
    """The file's text, or a SourceError for a missing, empty or undecodable file."""
    data = read_bytes(path)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text.replace("\r\n", "\n").replace("\r", "\n")
    raise SourceError(
        _("{name} is not readable text (neither UTF-8 nor GB18030)").format(name=path.name),
        hint=_("save the file as UTF-8 or GBK text, or give the original .xlsx/.docx"),
    )


def read_bytes(path: Path) -> bytes:
    """The file's bytes; a SourceError when it is missing, a folder or empty."""
    if not path.exists():
        raise SourceError(_("no such file: {path}").format(path=path), hint=_("check the path"))
    if path.is_dir():
        raise SourceError(_("{path} is a folder, not a file").format(path=path))
    data = path.read_bytes()
    if not data.strip():
        raise SourceError(_("{name} is empty")
            .format(name=path.name), hint=_("give a table with a header row and tasks"))
    return data
