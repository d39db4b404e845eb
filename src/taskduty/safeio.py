"""Output files written whole or not at all.

Every workbook, document, CSV and JSON file goes to a temporary file beside its target and
is renamed into place only once it is complete, so a full disk, a crash or any error leaves
the target as it was (absent, or the previous version) and no half-written file behind.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from taskduty.errors import TaskdutyError
from taskduty.i18n import _


class OutputError(TaskdutyError):
    """An output file that could not be written; the target is untouched."""


def check_output_path(target: Path) -> None:
    """Refuse a target that is a folder, or whose folder is a file."""
    if target.is_dir():
        raise OutputError(_("{path} is a folder, not a file").format(path=target),
                          hint=_("give a file name, e.g. {path}").format(
                              path=target / ("out" + (target.suffix or ".csv"))))
    parent = target.parent
    for folder in (parent, *parent.parents):
        if folder.exists():
            if not folder.is_dir():
                raise OutputError(_("cannot write {path}: {folder} is a file, not a folder")
                                  .format(path=target, folder=folder))
            break


def os_reason(exc: OSError) -> str:
    """A short reason for an OS error: the disk is full, permission denied, …"""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return _("the disk is full")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return _("permission denied")
    if exc.errno == errno.EIO:
        return _("disk I/O error")
    if exc.errno == errno.ENAMETOOLONG:
        return _("the file name is too long")
    return exc.strerror or type(exc).__name__


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target`` to write to; renamed onto ``target`` when the
    block ends without error, removed otherwise. OS errors become one :class:`OutputError`
    line naming the target."""
    target = Path(target)
    check_output_path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".taskduty-", suffix=".tmp" + target.suffix,
                                    dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise OutputError(_("cannot write {path}: {reason}").format(
            path=target, reason=os_reason(exc))) from None
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:  # on disk before the rename, so a crash cannot half it
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(_("cannot write {path}: {reason}; it was left unchanged").format(
            path=target, reason=os_reason(exc))) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text(target: Path, text: str, encoding: str = "utf-8") -> None:
    """``text`` into ``target``, whole or not at all."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding=encoding, newline="")
