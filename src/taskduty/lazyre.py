"""Regular expressions compiled on first use.

A module's patterns compiled at import cost every command that imports it, though most never
match them: a query imports :mod:`taskduty.schedule` and :mod:`taskduty.targets` for their
thresholds and labels, and compiling their deadline and target patterns was a tenth of its
start-up. ``NAME = lazy(pattern)`` is ``NAME = re.compile(pattern)`` compiled on its first use.
"""

from __future__ import annotations

import re
from typing import Any

# What a compiled pattern offers; after the first use each is an attribute of the instance,
# so a call costs what a call on the compiled pattern does.
_ATTRIBUTES = ("match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer",
               "pattern", "flags", "groups", "groupindex", "scanner")


class _Pattern:
    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._source = (pattern, flags)

    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern (compiled now, on the first call)."""
        compiled = re.compile(*self._source)
        self.__dict__.update((name, getattr(compiled, name)) for name in _ATTRIBUTES)
        self.compiled = lambda: compiled  # type: ignore[method-assign]
        # no __getattr__ from now on, so attribute lookups take Python's fast path
        self.__class__ = _Compiled
        return compiled

    def __repr__(self) -> str:
        return f"lazy({self._source[0]!r}, {self._source[1]!r})"


class LazyPattern(_Pattern):
    """``re.compile(pattern, flags)``, compiled when one of its methods or attributes is
    first used. Only for patterns used through their methods: ``re.sub(p, …)`` and
    ``isinstance(p, re.Pattern)`` want the compiled pattern (:meth:`compiled`)."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "_source":  # copy, pickle and the like
            raise AttributeError(name)
        return getattr(self.compiled(), name)


class _Compiled(_Pattern):
    """A :class:`LazyPattern` once compiled: its attributes are the compiled pattern's."""


def lazy(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """A :class:`LazyPattern`, typed as the compiled pattern it stands for."""
    return LazyPattern(pattern, flags)  # type: ignore[return-value]
