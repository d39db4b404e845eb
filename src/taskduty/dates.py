"""The one date grammar of every date and month option (``--date``, ``--as-of``, ``--month``,
``--deadline``), of forms' titles and of the command line's defaults.

Days: ``2018-03-05``, ``2018-3-5``, ``2018/3/5``, ``2018.3.5``, ``20180305``,
``2018年3月5日`` (号 for 日 too). Months: ``2018-03``, ``2018-3``, ``2018/3``, ``2018.3``,
``201803``, ``2018年3月`` (``2018年03月份`` too). Full-width digits and spaces are read as
ASCII. A day or month in the future is refused unless the option allows it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from taskduty.errors import ValueProblem
from taskduty.i18n import _
from taskduty.lazyre import lazy
from taskduty.numerals import CN_DIGITS

DAY_FORMS = "2018-03-05, 2018-3-5, 2018/3/5, 20180305 or 2018年3月5日"
MONTH_FORMS = "2018-03, 2018-3, 201803 or 2018年3月"

_DAY = (lazy(r"(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})"),
        lazy(r"(\d{4})(\d{2})(\d{2})"),
        lazy(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?"))
_MONTH = (lazy(r"(\d{4})\s*[-/.]\s*(\d{1,2})"),
          lazy(r"(\d{4})(\d{2})"),
          lazy(r"(\d{4})\s*年\s*(\d{1,2})\s*月份?"))


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def today() -> date:
    """Today (one place, so tests and every option agree)."""
    return date.today()


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month, ``YYYY-MM``."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str, option: str = "--month", future: bool = False) -> Month:
        """A month in any of the accepted spellings (see the module docstring)."""
        return parse_month(text, option, future=future)

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    def after(self, months: int) -> Month:
        """The month ``months`` later (earlier when negative)."""
        n = self.year * 12 + self.month - 1 + months
        return Month(n // 12, n % 12 + 1)

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        from calendar import monthrange  # imported on first use: few commands ask for it

        return date(self.year, self.month, monthrange(self.year, self.month)[1])

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def cn(self) -> str:
        return f"{self.year}年{self.month}月"


def read_day(text: str) -> date | None:
    """The day ``text`` spells in the grammar, or None (no error, no future check)."""
    plain = _plain(text)
    for pattern in _DAY:
        m = pattern.fullmatch(plain)
        if m:
            try:
                return date(*(int(g) for g in m.groups()))
            except ValueError:
                return None
    return None


def read_month(text: str) -> Month | None:
    """The month ``text`` spells in the grammar, or None."""
    plain = _plain(text)
    for pattern in _MONTH:
        m = pattern.fullmatch(plain)
        if m:
            year, month = int(m.group(1)), int(m.group(2))
            return Month(year, month) if 1 <= month <= 12 and year >= 1 else None
    return None


def find_month(text: str) -> Month | None:
    """The first ``2018年3月``-style month inside a longer text (a form's title), or None."""
    m = re.search(r"(\d{4})\s*年\s*(\d{1,2})\s*月", _plain(text))
    if m and 1 <= int(m.group(2)) <= 12 and int(m.group(1)) >= 1:
        return Month(int(m.group(1)), int(m.group(2)))
    return None


def parse_date(text: str, option: str = "--date", future: bool = False) -> date:
    """A day typed for ``option``; a day after today is refused unless ``future``."""
    day = read_day(text)
    if day is None:
        hint = _("write it as {forms}, e.g. {option} 2018-03-31").format(
            forms=DAY_FORMS, option=option)
        if read_month(text) is not None:
            hint = _("{option} takes a day; for a month give the last day, e.g. "
                     "{option} 2018-03-31").format(option=option)
        raise ValueProblem(_("{option} {text!r} is not a date").format(option=option, text=text),
                           hint=hint)
    now = today()
    if not future and day > now:
        raise ValueProblem(
            _("{option} {day} is in the future (today is {today})").format(
                option=option, day=day.isoformat(), today=now.isoformat()),
            hint=_("give a day that has passed; check the year"))
    return day


def parse_month(text: str | None, option: str = "--month", future: bool = False,
                ahead: int = 0) -> Month:
    """A month typed for ``option`` (None: this month); a month more than ``ahead`` months
    after this one is refused unless ``future``."""
    if text is None:
        return Month.of(today())
    month = read_month(text)
    if month is None:
        hint = _("write it as {forms}, e.g. {option} 2018-03").format(
            forms=MONTH_FORMS, option=option)
        if read_day(text) is not None:
            hint = _("{option} takes a month, e.g. {option} {month}").format(
                option=option, month=str(Month.of(read_day(text) or today())))
        raise ValueProblem(_("{option} {text!r} is not a month").format(option=option,
                                                                         text=text), hint=hint)
    now = Month.of(today())
    if not future and month > now.after(ahead):
        raise ValueProblem(
            _("{option} {month} is in the future (this month is {now})").format(
                option=option, month=str(month), now=str(now)),
            hint=_("give a month that has begun; check the year"))
    return month


def month_end(text: str, option: str = "--month") -> date:
    """The last day of a typed month (the day a ``--month`` view is taken on)."""
    return parse_month(text, option).last


_DIGIT_YEAR = lazy(r"(?<!\d)((?:19|20)\d{2})\s*年")
# 二〇一九年 / 二○二一年 / 二零二〇年: four Chinese digits before 年.
_CN_YEAR = lazy(rf"([{''.join(CN_DIGITS)}]{{4}})\s*年")


def text_year(text: str | None) -> int | None:
    """A year named in text: ``2019年`` or ``二〇一九年``; None when there is none."""
    if not text:
        return None
    found: list[tuple[int, int]] = []
    if m := _DIGIT_YEAR.search(text):
        found.append((m.start(), int(m.group(1))))
    if m := _CN_YEAR.search(text):
        year = int("".join(str(CN_DIGITS[c]) for c in m.group(1)))
        if 1900 <= year <= 2099:
            found.append((m.start(), year))
    return min(found)[1] if found else None
