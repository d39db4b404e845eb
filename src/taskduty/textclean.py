"""Invisible characters: zero-width characters, bidi controls and stray BOMs.

Copied from web pages, WeChat or PDFs, they make 发改局 and 发\u200b改局 two units, hide text
order (a right-to-left override) and break name matching. They are removed from every name
and text on load (the load report and ``taskduty check`` say where) and from every query
option.
"""

from __future__ import annotations

import re
import unicodedata

# ZWSP ZWNJ ZWJ LRM RLM, LRE RLE PDF LRO RLO, WJ and invisible operators, LRI RLI FSI PDI,
# BOM / ZWNBSP, soft hyphen, Mongolian vowel separator, combining grapheme joiner, ALM.
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
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
