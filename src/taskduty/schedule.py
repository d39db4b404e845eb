"""Deadlines read into what they mean, 序时进度 (expected progress) and warning lights (预警).

Pure functions over dates and text: no database, no I/O. Everything that judges whether a
task is on schedule goes through here (listings, summaries, the Excel report, forms, the
bulletin), so they all agree.

Deadlines
    :func:`parse_deadline` reads a deadline as written (a 完成时限 cell or a notice label) into
    a :class:`Deadline`: a kind (:data:`KINDS`) and its milestones, each a date and the step it
    names. ``6月底前开工，10月底前建成`` has two milestones; the task is due at the last one;
    of several years the last wins (``2015年取得进展，2016年基本完成`` is due 2016-12-31).
    :func:`infer_deadline` finds a dated phrase in the task text itself (``年底前完成``) when
    the table has no deadline; the result is flagged ``inferred``. :func:`read_deadline`
    does both in that order.

序时进度
    :func:`year_share` is the share of the year elapsed as offices print it: month by month,
    so the end of March is 25%, the end of June 50%, the end of November 91.7%.
    :func:`expected_progress` is that share for a task without a date; for a dated task it is
    the share of time elapsed from the start of its year to its due date, milestone by
    milestone (each milestone of ``n`` is worth ``100 / n`` points, reached in time from the
    previous one).

Warning lights
    :func:`warning_light`: ``red`` 红灯 past the due date or a milestone and not done;
    ``yellow`` 黄灯 status behind, or progress more than ``yellow_points`` below 序时; ``blue``
    蓝灯 the due date (or the next milestone) within ``blue_days`` days and not done; else
    None. The more severe light wins. A task with no report counts as progress 0.
    :func:`assess` computes all of it for one task at once (:class:`Assessment`);
    :func:`tally` counts 逾期, 达序时, 欠序时 and each light over many.

Example::

    >>> d = parse_deadline("6月底前开工，10月底前建成", 2018)
    >>> d.kind, d.due, [m.step for m in d.milestones]
    ('date', datetime.date(2018, 10, 31), ['开工', '建成'])
    >>> year_share(date(2018, 6, 30))
    50.0
    >>> assess(date(2018, 7, 5), 2018, d.dates, status="in_progress", progress=30).warning
    'red'
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from taskduty.lazyre import lazy
from taskduty.numerals import half_width, read_chinese_number

# -- the vocabulary ---------------------------------------------------------------------------
KINDS = ("date", "ongoing", "cadence", "relative")
"""Deadline kinds: ``date`` (due on a day: its milestones), ``ongoing`` (持续推进, 长期坚持 —
never overdue), ``cadence`` (每季度, 每月25日前: a reporting rhythm, not a deadline),
``relative`` (15日内, 30个工作日内: kept as text). A deadline that says none of these has
kind None."""

LIGHTS = ("red", "yellow", "blue")
"""Warning lights, most severe first."""

LIGHT_LABELS = {"red": "红灯", "yellow": "黄灯", "blue": "蓝灯"}

BLUE_DAYS = 15
"""Default: a task is lit blue when due within this many days and not done."""
YELLOW_POINTS = 10.0
"""Default: a task is lit yellow when its progress is more than this many points below 序时."""


@dataclass(frozen=True)
class Thresholds:
    """When the lights come on: ``blue_days`` before a due date, ``yellow_points`` below 序时."""

    blue_days: int = BLUE_DAYS
    yellow_points: float = YELLOW_POINTS


@dataclass(frozen=True)
class Milestone:
    """One dated step of a deadline: ``6月底前开工`` -> (2018-06-30, 开工)."""

    date: date
    step: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "step": self.step}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Milestone:
        return cls(date.fromisoformat(data["date"]), data.get("step") or "")


@dataclass(frozen=True)
class Deadline:
    """What a deadline text means: its kind and milestones (sorted by date)."""

    kind: str | None = None
    milestones: tuple[Milestone, ...] = ()
    inferred: bool = False  # read from the task text, not from a deadline column or label

    @property
    def due(self) -> date | None:
        """The due date: the last milestone's, or None."""
        return self.milestones[-1].date if self.milestones else None

    @property
    def dates(self) -> tuple[date, ...]:
        return tuple(m.date for m in self.milestones)

    def milestone_dicts(self) -> list[dict[str, Any]]:
        return [m.as_dict() for m in self.milestones]


# -- reading deadline text ----------------------------------------------------------------------
def cn_int(text: str) -> int | None:
    """1–99 written in digits or Chinese numerals (六, 十二, 二十五); None otherwise."""
    value = int(text) if text.isdigit() else read_chinese_number(text) if text else None
    return value if value is not None and 0 < value < 100 else None


_NUM = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
_YEAR4 = r"(?:19|20)\d{2}"
_NUMERIC = lazy(rf"(?<!\d)(?P<y>{_YEAR4})[.\-/](?P<m>\d{{1,2}})(?:[.\-/](?P<d>\d{{1,2}}))?"
                r"(?!\d)")
_MONTH = lazy(rf"(?:(?P<y>{_YEAR4})年)?(?P<m>{_NUM})月份?"
              rf"(?:(?P<d>{_NUM})[日号]|(?P<part>上旬|中旬|下旬|初|中|底|末))?")
_QUARTER = lazy(rf"(?:(?P<y>{_YEAR4})年)?(?P<pre>前)?第?(?P<q>[一二三四1-4])季度(?:末|底)?")
# 年底 etc.: strong (a point in the year); 年内/全年/年度: weak (the whole year).
_STRONG_PARTS = {"上半年": (6, 30), "年中": (6, 30), "下半年": (12, 31), "年底": (12, 31),
                 "年末": (12, 31), "年终": (12, 31), "岁末": (12, 31), "年前": (12, 31)}
_WEAK_PARTS = {"年内": (12, 31), "全年": (12, 31), "年度": (12, 31)}
_YEAR_PART = lazy(rf"(?:(?P<y>{_YEAR4})年?)?(?P<h>"
                  + "|".join(list(_STRONG_PARTS) + list(_WEAK_PARTS)) + ")")
_YEAR_RANGE = lazy(rf"(?<!\d){_YEAR4}年?[—\-~至到](?P<y>{_YEAR4})年(?:底|末)?")
_YEAR_ONLY = lazy(rf"(?<!\d)(?P<y>{_YEAR4})年(?:底|末)?")
_NEXT_YEAR = lazy(r"次年|明年|翌年")
# A date right after these is a rhythm (每年6月, 每季度末), not a deadline.
_RHYTHM_BEFORE = ("每", "每年", "每个", "按", "逐", "各", "每一")

_ONGOING = lazy(r"持续|长期|常态|久久为功|坚持不懈|全年推进|动态推进|不间断")
_CADENCE = lazy(r"每(?:个|一)?(?:月|季度?|半年|年|周|旬|双月|两个?月)|按(?:月|季度?|周|年)"
                r"|逐月|月报|季报|定期")
_RELATIVE = lazy(r"(?<![\d月])(?:\d{1,3}|[一二三四五六七八九十两]{1,3})"
                 r"(?:个)?(?:工作日|日|天|周|星期|个月|年)(?:以)?内"
                 r"|限期|立即|即时|随时")
_SEGMENTS = lazy(r"[，,；;。\n]+")
# What is left around a date that is not the step's name.
_FILLER_AFTER = lazy(r"^(?:之前|以前|前|止|为止|内|份|期间|时)+")
_FILLER_BEFORE = lazy(r"(?:次年|明年|翌年|力争|确保|争取|计划|预计|截至|截止|到|于|在|至"
                      r"|完成时限|时限)+$")
_MARKERS_AFTER = ("前", "底", "末", "内", "之前", "以前")
_VERBS = ("完成", "建成", "开工", "竣工", "投用", "投运", "投产", "启用", "开业", "开通", "到位",
          "落地", "实现", "达到", "启动", "交付", "办结", "出台", "印发", "通过", "全面")


@dataclass
class _Mention:
    start: int
    end: int
    year: int | None  # written year, or None (the context year applies)
    month: int
    day: int | None  # None: the month's last day
    weak: bool = False


_SPACES = lazy(r"[ \t\u3000\xa0]+")
_DIGIT = lazy(r"\d")
# What every date pattern above needs: 年 (_YEAR_RANGE, _YEAR_ONLY, all of _YEAR_PART but
# 岁末), 月 (_MONTH), 季 (_QUARTER's 季度), 岁 (岁末) or a digit, separator and digit
# (_NUMERIC's 2019.6, 2019-06): a text without any of them has no date, so no regex runs.
_MAY_DATE = lazy(r"[年月季岁]|\d[.\-/]\d")


def _normal(text: str) -> str:
    # NFKC makes full-width ASCII half-width; doing that first (cheaply) leaves most texts
    # already normal, which NFKC's quick check then returns as they are: 6 us, not 24.
    return _SPACES.sub("", unicodedata.normalize("NFKC", half_width(text)))


def _last_day(year: int, month: int) -> int:
    """The number of days of ``month`` (``calendar.monthrange``'s, without importing
    calendar and locale at start-up)."""
    if not 1 <= month <= 12:
        raise ValueError(f"bad month number {month}; must be 1-12")
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _patterns_needed(segment: str) -> tuple[bool, bool, bool, bool, bool]:
    """Which date patterns can match ``segment``, by the characters each needs: a digit and
    年 (_YEAR_RANGE, _YEAR_ONLY), a digit (_NUMERIC), 月 (_MONTH), 季 (_QUARTER's 季度), 年
    or 岁 (_YEAR_PART's 岁末); the others need not run."""
    digit = _DIGIT.search(segment) is not None
    year = "年" in segment
    return digit and year, digit, "月" in segment, "季" in segment, year or "岁" in segment


def _mentions(segment: str) -> list[_Mention]:
    """The dates written in one segment, in order of position."""
    found: list[_Mention] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    def rhythm(start: int) -> bool:
        return any(segment[:start].endswith(w) for w in _RHYTHM_BEFORE)

    dated_year, numeric, month, quarter, part = _patterns_needed(segment)
    for m in _YEAR_RANGE.finditer(segment) if dated_year else ():
        found.append(_Mention(m.start(), m.end(), int(m["y"]), 12, 31))
        taken.append(m.span())
    for m in _NUMERIC.finditer(segment) if numeric else ():
        if not free(*m.span()):
            continue
        month = int(m["m"])
        if 1 <= month <= 12:
            found.append(_Mention(m.start(), m.end(), int(m["y"]), month,
                                  int(m["d"]) if m["d"] else None))
            taken.append(m.span())
    for m in _MONTH.finditer(segment) if month else ():
        month = cn_int(m["m"])
        if not month or not 1 <= month <= 12 or not free(*m.span()) or rhythm(m.start()):
            continue
        day: int | None = None
        if m["d"]:
            day = cn_int(m["d"])
        elif m["part"] in ("上旬", "初"):
            day = 10
        elif m["part"] == "中":
            day = 15
        elif m["part"] == "中旬":
            day = 20
        found.append(_Mention(m.start(), m.end(), int(m["y"]) if m["y"] else None, month, day))
        taken.append(m.span())
    for m in _QUARTER.finditer(segment) if quarter else ():
        q = cn_int(m["q"])
        if not q or not free(*m.span()) or rhythm(m.start()):
            continue
        found.append(_Mention(m.start(), m.end(), int(m["y"]) if m["y"] else None, q * 3, None))
        taken.append(m.span())
    for m in _YEAR_PART.finditer(segment) if part else ():
        if not free(*m.span()) or (not m["y"] and rhythm(m.start())):
            continue
        month, day = _STRONG_PARTS.get(m["h"]) or _WEAK_PARTS[m["h"]]
        found.append(_Mention(m.start(), m.end(), int(m["y"]) if m["y"] else None, month, day,
                              weak=m["h"] in _WEAK_PARTS))
        taken.append(m.span())
    for m in _YEAR_ONLY.finditer(segment) if dated_year else ():
        if not free(*m.span()):
            continue
        found.append(_Mention(m.start(), m.end(), int(m["y"]), 12, 31))
        taken.append(m.span())
    return sorted(found, key=lambda x: x.start)


def _step(segment: str, spans: list[tuple[int, int]]) -> str:
    """The segment without its dates and the words around them (前, 力争, 确保…)."""
    pieces, last = [], 0
    for start, end in spans:
        pieces.append(segment[last:start])
        last = end
    pieces.append(segment[last:])
    out = []
    for i, piece in enumerate(pieces):
        if i > 0:
            piece = _FILLER_AFTER.sub("", piece)
        if i < len(pieces) - 1:
            piece = _FILLER_BEFORE.sub("", piece)
        out.append(piece)
    return "".join(out).strip("：:、（）()—-~～ ")


def _dated(text: str, year: int, inferred: bool) -> list[Milestone]:
    """Milestones for the dates written in ``text`` (a year's context carries forward)."""
    if _MAY_DATE.search(text) is None:
        return []
    context = year
    out: list[Milestone] = []
    strong_seen = False
    for segment in _SEGMENTS.split(text):
        if not segment:
            continue
        if _NEXT_YEAR.search(segment):
            context = year + 1
        if _MAY_DATE.search(segment) is None:
            continue  # no date in it: _mentions would find none
        mentions = _mentions(segment)
        if inferred:
            mentions = [m for m in mentions if _deadline_like(segment, m, year)]
        kept: list[tuple[_Mention, date]] = []
        for m in mentions:
            y = m.year if m.year is not None else context
            if m.year is not None:
                context = m.year
            day = m.day if m.day is not None else _last_day(y, m.month)
            try:
                kept.append((m, date(y, m.month, min(day, _last_day(y, m.month)))))
            except ValueError:
                continue
        if not kept:
            continue
        strong_seen |= any(not m.weak for m, _ in kept)
        # several dates in one segment (a range, 3月至6月): the segment's last date counts
        when = max(d for _, d in kept)
        step = _step(segment, [(m.start, m.end) for m, _ in kept])
        out.append(Milestone(when, step))
    if out and _ONGOING.search(text) and not strong_seen:
        return []  # 全年持续推进: ongoing, not due at the year's end
    return sorted(out, key=lambda m: m.date)


def _deadline_like(segment: str, m: _Mention, year: int) -> bool:
    """In a task's own text, only a date that reads as a deadline counts: followed by 前, 底,
    末 or a verb (建成, 开工…), in the plan's year or later, and not 全年 (the scope of a
    yearly target)."""
    if m.year is not None and m.year < year:
        return False
    written = segment[m.start:m.end]
    after = segment[m.end:m.end + 3]
    if m.weak:
        return written.endswith("年内") and after.startswith(_VERBS)
    return (written.endswith(("底", "末")) or after.startswith(_MARKERS_AFTER)
            or (m.year is None and after.startswith(_VERBS)))


@lru_cache(maxsize=4096)  # a table's deadline column repeats a few texts (年底前, 6月底)
def parse_deadline(text: str | None, year: int) -> Deadline:
    """A deadline as written (a column or a notice label) for the table of ``year``.

    ``2019年6月底`` -> date, 2019-06-30; ``6月15日前`` -> that day of ``year``; ``年底前``,
    ``年内`` -> 12-31; ``上半年`` -> 06-30; ``三季度末`` -> 09-30; ``2015年取得进展，2016年基本
    完成`` -> two milestones, due 2016-12-31; ``持续推进`` -> ongoing; ``每季度`` -> cadence;
    ``15日内`` -> relative; anything else -> kind None.
    """
    if not text or not text.strip():
        return Deadline()
    t = _normal(text)
    milestones = _dated(t, year, inferred=False)
    if milestones:
        return Deadline("date", tuple(milestones))
    if _RELATIVE.search(t):
        return Deadline("relative")
    if _CADENCE.search(t):
        return Deadline("cadence")
    if _ONGOING.search(t):
        return Deadline("ongoing")
    return Deadline()


def infer_deadline(standard: str | None, year: int) -> Deadline:
    """A dated deadline found in a task's text (``年底前完成``, ``6月底前开工``), flagged
    ``inferred``; kind None when the text names none. Only dates count here: a task text's
    持续推进 or 每季度 describes the work, not its deadline."""
    if not standard:
        return Deadline()
    milestones = _dated(_normal(standard), year, inferred=True)
    if not milestones:
        return Deadline()
    return Deadline("date", tuple(milestones), inferred=True)


def read_deadline(deadline: str | None, standard: str | None, year: int) -> Deadline:
    """The deadline column (or label) when it says something, else one inferred from the
    task text."""
    found = parse_deadline(deadline, year)
    if found.kind is not None:
        return found
    return infer_deadline(standard, year)


def due_date(text: str | None, year: int) -> date | None:
    """The due date a deadline text names (its last milestone), or None."""
    return parse_deadline(text, year).due


# -- 序时进度 -----------------------------------------------------------------------------------
def _position(day: date) -> float:
    """Months since year 0 at the end of ``day``, month by month (each month counts alike)."""
    return day.year * 12 + day.month - 1 + day.day / _last_day(day.year, day.month)


def _clamp(value: float) -> float:
    return round(min(100.0, max(0.0, value)), 1)


def year_share(as_of: date, year: int | None = None) -> float:
    """The share of ``year`` (default: ``as_of``'s year) elapsed at the end of ``as_of``, in
    percent, one decimal: the end of March 25.0, of June 50.0, of November 91.7; 0 before the
    year, 100 after it. Counted by months, as offices print it, so every month-end is a
    round twelfth."""
    y = as_of.year if year is None else year
    return _clamp(100 * (_position(as_of) - y * 12) / 12)


def expected_progress(as_of: date, year: int, dates: Sequence[date] = ()) -> float:
    """序时进度 of a task of the table of ``year`` at the end of ``as_of``, in percent.

    Without dates: :func:`year_share`. With milestone dates (sorted): each of ``n``
    milestones is worth ``100 / n``; between the start of the year (or the previous
    milestone) and the next milestone the share grows with the time elapsed; from the due
    date on it is 100. One date due at the end of June: 50 at the end of March.
    """
    if not dates:
        return year_share(as_of, year)
    now = _position(as_of)
    start = year * 12.0
    ordered = sorted(dates)
    n = len(ordered)
    reached = 0.0
    for d in ordered:
        end = _position(d)
        if now >= end:
            reached += 1
            start = max(start, end)
            continue
        if end > start and now > start:
            reached += (now - start) / (end - start)
        break
    return _clamp(100 * reached / n)


def progress_value(status: str | None, progress: int | float | None) -> float:
    """The progress a task counts with: 100 when done, its recorded value, else 0 (a task
    with no report counts as 0)."""
    if status == "done":
        return 100.0
    return float(progress or 0)


def is_behind(status: str | None, progress: int | float | None, expected: float) -> bool:
    """欠序时: not done and progress below 序时进度."""
    return status != "done" and progress_value(status, progress) < expected


# -- warning lights ---------------------------------------------------------------------------
def warning_light(as_of: date, *, status: str | None, progress: int | float | None,
                  dates: Sequence[date] = (), expected: float | None = None,
                  year: int | None = None, thresholds: Thresholds | None = None) -> str | None:
    """The light of a task at the end of ``as_of``: ``red``, ``yellow``, ``blue`` or None.

    ``dates`` are its milestones (the last is the due date; none for ongoing, cadence,
    relative or undated tasks). ``expected`` is its 序时进度 (computed from ``year`` when
    omitted). A milestone ``i`` of ``n`` counts as met when progress reached ``100 * i / n``.

    - red 红灯: not done and past its due date, or past a milestone not met;
    - yellow 黄灯: status behind, or progress more than ``yellow_points`` below 序时;
    - blue 蓝灯: not done and the due date, or the next milestone not met, within
      ``blue_days`` days (today included);
    - None otherwise, and always for a done task.
    """
    if status == "done":
        return None
    th = thresholds or Thresholds()
    value = progress_value(status, progress)
    ordered = sorted(dates)
    n = len(ordered)
    pending = [d for i, d in enumerate(ordered, 1) if value < 100 * i / n - 1e-9]
    if any(d < as_of for d in pending):
        return "red"
    if expected is None:
        expected = expected_progress(as_of, year if year is not None else as_of.year, ordered)
    if status == "behind" or expected - value > th.yellow_points + 1e-9:
        return "yellow"
    if pending and (pending[0] - as_of).days <= th.blue_days:
        return "blue"
    return None


def most_severe(lights: Iterable[str | None]) -> str | None:
    """The most severe of several lights (red > yellow > blue), or None."""
    present = set(lights)
    return next((light for light in LIGHTS if light in present), None)


@dataclass(frozen=True)
class Assessment:
    """A task's schedule at a date: what listings print and the bulletin counts."""

    expected_progress: float  # 序时进度, 0–100
    behind: bool  # 欠序时 (not done, progress below expected_progress)
    warning: str | None  # red | yellow | blue | None
    due: date | None  # in force: the approved extension's date, else the deadline's
    days_left: int | None  # days from as_of to due (negative: overdue); None without a due
    overdue: bool  # 逾期: past due and not done
    extended: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"expected_progress": self.expected_progress, "behind": self.behind,
                "warning": self.warning, "days_left": self.days_left}


def effective_dates(dates: Sequence[date], extended_to: date | None) -> tuple[date, ...]:
    """The milestone dates in force: an approved extension replaces the schedule with its
    one new due date (the original deadline is kept, but no longer judged)."""
    if extended_to is not None:
        return (extended_to,)
    return tuple(sorted(dates))


def assess(as_of: date, year: int, dates: Sequence[date] = (), *, status: str | None,
           progress: int | float | None, extended_to: date | None = None,
           thresholds: Thresholds | None = None) -> Assessment:
    """序时进度, 欠序时, the light and days left of a task of the table of ``year`` at the end
    of ``as_of``, given its milestone dates, status and progress (None: no report, 0), and
    an approved extension's date if any (which replaces the milestones)."""
    in_force = effective_dates(dates, extended_to)
    expected = expected_progress(as_of, year, in_force)
    due = in_force[-1] if in_force else None
    light = warning_light(as_of, status=status, progress=progress, dates=in_force,
                          expected=expected, thresholds=thresholds)
    return Assessment(
        expected_progress=expected, behind=is_behind(status, progress, expected),
        warning=light, due=due, days_left=(due - as_of).days if due else None,
        overdue=due is not None and due < as_of and status != "done",
        extended=extended_to is not None)


def tally(assessments: Iterable[Assessment | None]) -> dict[str, int]:
    """Counts a bulletin prints: ``overdue`` (逾期), ``on_schedule`` (达序时: at or above
    序时进度, done included), ``behind`` (欠序时), and one per light (``red``, ``yellow``,
    ``blue``). A task without an assessment is not counted."""
    out = dict.fromkeys(("tasks", "overdue", "on_schedule", "behind", *LIGHTS), 0)
    for a in assessments:
        if a is None:
            continue
        out["tasks"] += 1
        out["overdue"] += a.overdue
        out["behind" if a.behind else "on_schedule"] += 1
        if a.warning:
            out[a.warning] += 1
    return out


# Progress values :func:`light_bounds` searches: far beyond anything recorded (0–100).
_BOUND = 2 ** 40


def _first_false(holds: Any) -> int:
    """The least integer ``v`` for which ``holds(v)`` is false, of a predicate true below
    some bound and false from it on (searched within ±:data:`_BOUND`; first among the
    progress values a task can have, where the bound nearly always is)."""
    lo, hi = -2, 102
    if not holds(lo):
        lo, hi = -_BOUND, lo
        if not holds(lo):
            return lo
    elif holds(hi):
        lo, hi = hi, _BOUND
        if holds(hi):
            return hi + 1
    while hi - lo > 1:  # holds(lo), not holds(hi)
        mid = (lo + hi) // 2
        if holds(mid):
            lo = mid
        else:
            hi = mid
    return hi


def light_bounds(as_of: date, year: int, dates: Sequence[date] = (), *,
                 extended_to: date | None = None,
                 thresholds: Thresholds | None = None) -> tuple[int, int, int]:
    """The light of every task with one schedule at once, as three progress bounds
    ``(red, yellow, blue)``: a task that is not done, whose integer progress value ``v``
    (:func:`progress_value`) is below ``red`` is lit red; else below ``yellow`` (or behind)
    yellow; else below ``blue`` blue; else not lit — exactly :func:`assess`'s ``warning``
    for these milestone ``dates`` (or the approved ``extended_to``) at ``as_of``.

    Each part of :func:`warning_light` is monotone in the progress (less progress leaves
    more milestones pending and further below 序时), so each is one bound, found by
    evaluating the same comparisons; a summary can then count lights in SQL."""
    th = thresholds or Thresholds()
    ordered = effective_dates(dates, extended_to)
    n = len(ordered)
    expected = expected_progress(as_of, year, ordered)

    def pending(value: float) -> list[date]:
        return [d for i, d in enumerate(ordered, 1) if value < 100 * i / n - 1e-9]

    def red(v: int) -> bool:
        return any(d < as_of for d in pending(float(v)))

    def yellow(v: int) -> bool:
        return expected - float(v) > th.yellow_points + 1e-9

    def blue(v: int) -> bool:
        left = pending(float(v))
        return bool(left) and (left[0] - as_of).days <= th.blue_days

    return _first_false(red), _first_false(yellow), _first_false(blue)
