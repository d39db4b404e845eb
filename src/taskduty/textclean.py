"""Invisible characters: zero-width characters, bidi controls and stray BOMs.

Copied from web pages, WeChat or PDFs, they make 发改局 and 发\u200b改局 two units, hide text
order (a right-to-left override) and break name matching. They are removed from every name
and text on load (the load report and ``taskduty check`` say where) and from every query
option.

Also the lowest text helpers the field and clause grammars share: :func:`squeeze` and
:func:`split_outside_brackets`.
"""

from __future__ import annotations

import re
import unicodedata

from taskduty.lazyre import lazy

# ZWSP ZWNJ ZWJ LRM RLM, LRE RLE PDF LRO RLO, WJ and invisible operators, LRI RLI FSI PDI,
# BOM / ZWNBSP, soft hyphen, Mongolian vowel separator, combining grapheme joiner, ALM.
INVISIBLE = lazy("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
                 "\u00ad\u180e\u034f\u061c]")


def clean_text(text: str) -> str:
    """``text`` without invisible characters."""
    return INVISIBLE.sub("", text) if text else text


def invisible_in(text: str) -> list[str]:
    """The names of the invisible characters in ``text``, once each, in order."""
    seen: dict[str, None] = {}
    for ch in INVISIBLE.findall(text or ""):
        seen.setdefault(unicodedata.name(ch, f"U+{ord(ch):04X}"), None)
    return list(seen)


# White space (\s covers the full-width space and NBSP) and the invisible characters above,
# removed in one pass.
_SQUEEZED = lazy(r"[\s\u3000\xa0\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069"
                       r"\ufeff\u00ad\u180e\u034f\u061c]+")

def squeeze(text: str) -> str:
    """Remove every kind of white space (ASCII, full-width, NBSP, line breaks) and every
    invisible character (zero-width, bidi controls, BOMs: see :data:`INVISIBLE`)."""
    # Every character removed is the space, U+034F or not printable: most texts have none.
    if not text or (" " not in text and "\u034f" not in text and text.isprintable()):
        return text
    return _SQUEEZED.sub("", text)


OPEN_BRACKETS = "（([【"
CLOSE_BRACKETS = "）)]】"


def split_outside_brackets(text: str, separators: str) -> list[tuple[str, str]]:
    """Split on separators outside brackets: (piece, separator before it) pairs.

    ``各街办（新区、园区）`` stays one piece when splitting on 、.
    """
    if _BRACKET.search(text) is None:  # most texts: every separator splits (C speed)
        parts = _splitter(separators).split(text)
        return [(parts[0], ""), *zip(parts[2::2], parts[1::2], strict=True)]
    out: list[tuple[str, str]] = []
    depth, start, sep = 0, 0, ""
    for i, char in enumerate(text):
        if char in OPEN_BRACKETS:
            depth += 1
        elif char in CLOSE_BRACKETS:
            depth = max(0, depth - 1)
        elif char in separators and depth == 0:
            out.append((text[start:i], sep))
            start, sep = i + 1, char
    out.append((text[start:], sep))
    return out


_BRACKET = lazy("[" + re.escape(OPEN_BRACKETS + CLOSE_BRACKETS) + "]")
_SPLITTERS: dict[str, re.Pattern[str]] = {}


def _splitter(separators: str) -> re.Pattern[str]:
    """A pattern splitting at any of ``separators``, keeping each (compiled once per set)."""
    found = _SPLITTERS.get(separators)
    if found is None:
        found = _SPLITTERS[separators] = re.compile(
            "([" + "".join(re.escape(c) for c in separators) + "])" if separators else "(?!)")
    return found
