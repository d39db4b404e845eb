"""Chinese numerals: the one table of their digits, and reading and writing them."""

from __future__ import annotations

import re

from taskduty.lazyre import lazy

# The digits, with the zeros and the 两 people write (〇 ○ 零, and Ｏ/O typed for 〇 in years).
CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "两": 2, "三": 3,
             "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_SMALL = {"十": 10, "百": 100, "千": 1000}
CN_BIG = {"万": 10_000, "亿": 100_000_000}
_WRITTEN = "零一二三四五六七八九"


def read_chinese_number(text: str) -> int | None:
    """The value of a Chinese numeral (三 → 3, 二十五 → 25, 一万二千 → 12000), or None when
    it is not a well-formed number (十四五, 一一)."""
    total, section, digit = 0, 0, None
    prev_small = None
    for ch in text:
        if ch in CN_DIGITS:
            if digit is not None and digit != 0 and CN_DIGITS[ch] != 0:
                return None  # two digits in a row: a name such as 十四五 or 一一
            digit = CN_DIGITS[ch]
        elif ch in CN_SMALL:
            mult = CN_SMALL[ch]
            if prev_small is not None and mult >= prev_small and digit is None:
                return None
            section += (1 if digit is None else digit) * mult
            digit, prev_small = None, mult
        elif ch in CN_BIG:
            section += digit or 0
            if section == 0:
                return None
            total = (total + section) * CN_BIG[ch] if ch == "亿" else total + section * CN_BIG[ch]
            section, digit, prev_small = 0, None, None
        else:
            return None
    return total + section + (digit or 0)


def chinese_numeral(n: int) -> str:
    """1–99 in Chinese numerals (3 → 三, 12 → 十二, 25 → 二十五); other numbers in digits."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if not tens:
        return _WRITTEN[ones]
    return (_WRITTEN[tens] if tens > 1 else "") + "十" + (_WRITTEN[ones] if ones else "")


# Full-width ASCII (１２％，－) and the ideographic space, one character for one (offsets stay
# valid): what NFKC makes of them. A regex substitution of the few such characters in a text
# (mostly its ，) costs a third of ``str.translate`` with a table, which looks up every character.
_FULL_WIDTH = lazy("[\uff01-\uff5e\u3000]")
_HALF = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {"\u3000": " "}


def _half(m: re.Match[str]) -> str:
    return _HALF[m.group()]


# The full-width marks of most Chinese texts, replaced by str.replace (no call per mark).
_COMMON_FULL = tuple((c, _HALF[c]) for c in "，；：（）")


def half_width(text: str) -> str:
    """``text`` with full-width ASCII as half-width (``８％，`` → ``8%,``), the ideographic
    space as a space; every other character kept."""
    for full, half in _COMMON_FULL:
        if full in text:
            text = text.replace(full, half)
    if _FULL_WIDTH.search(text) is None:  # most texts: only those marks
        return text
    return _FULL_WIDTH.sub(_half, text)
