"""Who is at the keyboard: the name recorded with a load, an update or an extension."""

from __future__ import annotations


def login_name() -> str:
    """The login name, for ``recorded_by``; ``unknown`` when the system cannot say."""
    import getpass

    try:
        return getpass.getuser()
    except Exception:
        return "unknown"
