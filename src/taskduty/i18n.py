"""Translations of user-facing text (gettext).

Every message, hint, report line, help text and table header a person reads goes through
``_()`` with its English text as the message id; the Chinese catalog translates it.
"""

from __future__ import annotations


def _(message: str) -> str:
    """The message in the interface language (for now: as written)."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form of a message for ``n``."""
    return singular if n == 1 else plural
