"""Typer's usage errors in the interface language.

Typer's vendored click writes its usage errors as English f-strings (no gettext), so the
Chinese interface said ``错误：No such option: --bogus``. :func:`localise` reads the English
text back by its known shapes and says it again through the catalog; the message ids are
click's own wording, so the English interface prints exactly what click printed. A shape
not listed here is left as click wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from taskduty.i18n import _

# Why a value was refused (after "Invalid value for X: "), as Typer and pydantic word it.
_REASONS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"Input should be a valid integer, unable to parse string as an integer"),
     lambda m: _("Input should be a valid integer, unable to parse string as an integer")),
    (re.compile(r"Input should be a valid integer"),
     lambda m: _("Input should be a valid integer")),
    (re.compile(r"Input should be greater than or equal to (\S+)"),
     lambda m: _("Input should be greater than or equal to {n}").format(n=m[1])),
    (re.compile(r"Input should be less than or equal to (\S+)"),
     lambda m: _("Input should be less than or equal to {n}").format(n=m[1])),
    (re.compile(r"Value (.+) is not a valid int\."),
     lambda m: _("Value {value} is not a valid int.").format(value=m[1])),
]


def _reason(text: str) -> str:
    for pattern, say in _REASONS:
        if (m := pattern.fullmatch(text)) is not None:
            return say(m)
    return text


def _suggested(text: str, say: Callable[[str], str]) -> str:
    """``say(name)`` followed by click's suggestions, each said in the interface language."""
    if (m := re.fullmatch(r"(.*?) \(Possible options: (.*)\)", text)) is not None:
        return say(m[1]) + " " + _("(Possible options: {options})").format(options=m[2])
    if (m := re.fullmatch(r"(.*?)\. Did you mean (.*)\?", text)) is not None:
        return say(m[1]) + " " + _("Did you mean {suggestions}?").format(suggestions=m[2])
    return say(text)


_SHAPES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"No such option: (.+)"),
     lambda m: _suggested(m[1], lambda n: _("No such option: {name}").format(name=n))),
    (re.compile(r"No such command (.+)"),
     lambda m: _suggested(m[1], lambda n: _("No such command {name}.")
                          .format(name=n.removesuffix(".")))),
    (re.compile(r"Missing argument (.+)\."),
     lambda m: _("Missing argument {name}.").format(name=m[1])),
    (re.compile(r"Missing option (.+)\."),
     lambda m: _("Missing option {name}.").format(name=m[1])),
    (re.compile(r"Missing command\."), lambda m: _("Missing command.")),
    (re.compile(r"Option (.+) requires an argument\."),
     lambda m: _("Option {name} requires an argument.").format(name=m[1])),
    (re.compile(r"Option (.+) does not take a value\."),
     lambda m: _("Option {name} does not take a value.").format(name=m[1])),
    (re.compile(r"Got unexpected extra argument\(s\) \((.*)\)"),
     lambda m: _("Got unexpected extra argument(s) ({args})").format(args=m[1])),
    (re.compile(r"Invalid value for (.+?): (.*)"),
     lambda m: _("Invalid value for {name}: {reason}").format(name=m[1],
                                                               reason=_reason(m[2]))),
]


def localise(message: str) -> str:
    """A usage error's one-line text (as click formats it) in the interface language."""
    for pattern, say in _SHAPES:
        if (m := pattern.fullmatch(message)) is not None:
            return say(m)
    return message


def hint(command_path: str) -> str:
    """Where a usage error sends the user: the command's help."""
    return _("see the options and an example with: {path} -h").format(path=command_path)
