"""CSV cells a spreadsheet would not evaluate (OWASP's CSV injection guidance).

A cell starting with ``=``, ``+``, ``-``, ``@``, TAB or CR is run as a formula by Excel, WPS
and LibreOffice when the file is opened (``=HYPERLINK(...)``, ``@SUM(...)``, DDE). Every CSV
taskduty writes goes through :func:`cell`, which prefixes such a cell with ``'`` so the
spreadsheet shows it as text. ``--raw-csv`` (or ``TASKDUTY_RAW_CSV=1``) turns that off for
scripts that need the text exactly as stored.
"""

from __future__ import annotations

import os
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ENV_VAR = "TASKDUTY_RAW_CSV"


class _Settings:
    raw: bool | None = None  # None: from the environment


settings = _Settings()


def raw() -> bool:
    """Whether cells are written unchanged (``--raw-csv`` / ``TASKDUTY_RAW_CSV``)."""
    if settings.raw is not None:
        return settings.raw
    return os.environ.get(ENV_VAR, "").strip().lower() in ("1", "true", "yes", "on")


def neutralise(text: str) -> str:
    """``text`` with a leading ``'`` when a spreadsheet would evaluate it."""
    return "'" + text if text.startswith(TRIGGERS) else text


def cell(value: Any) -> Any:
    """A value ready for ``csv.writer``: lists joined by 、, None blank, text neutralised."""
    if isinstance(value, list):
        value = "、".join(str(v) for v in value)
    if value is None:
        return ""
    if isinstance(value, str) and not raw():
        return neutralise(value)
    return value
