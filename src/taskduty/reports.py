"""Several lead units on one task: each unit's own latest report and the task's one status.

An update belongs to the lead unit named in its ``by`` (a collected form, ``update --by``);
an update by anybody else (the office recording it) is a report for every lead unit of the
task. Each lead unit's latest report is the newest update that is its own or the office's.

The task's status is the least advanced of its lead units' latest reports: behind if any
is behind, else not started if any is, else in progress if any is, else done; its progress
is the lowest progress among them. A lead unit that has not reported yet does not count,
except that a task is done only when every lead unit's latest report is done. With one lead
unit this is simply the latest update.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from taskduty.fields import squeeze

# least advanced first
RANK = {"behind": 0, "not_started": 1, "in_progress": 2, "done": 3}


@dataclass
class Report:
    """One update as a report: who, when, what."""

    id: int
    by: str
    date: date
    status: str
    progress: int | None
    note: str | None

    @property
    def order(self) -> tuple[date, int]:
        return (self.date, self.id)


@dataclass
class Combined:
    """A task's status from its lead units' reports."""

    status: str = "not_started"
    progress: int | None = None
    note: str | None = None
    updated: date | None = None
    # for tasks with several lead units: each unit's latest report (None: not reported)
    per_unit: list[tuple[str, Report | None]] = field(default_factory=list)

    @property
    def differ(self) -> bool:
        """Whether the lead units' latest reports say different things."""
        seen = {(r.status, r.progress) if r else None for _u, r in self.per_unit}
        return len(seen) > 1


def unit_key(name: str, aliases: Mapping[str, str]) -> str:
    """A reporter's name as compared with unit names: spaces removed, aliases applied."""
    key = squeeze(name or "")
    return squeeze(aliases.get(key, key))


def unit_keys(aliases: Mapping[str, str]) -> Callable[[str], str]:
    """:func:`unit_key` with ``aliases``, remembering each name's key: a listing of a whole
    year compares the same few names thousands of times."""
    seen: dict[str, str] = {}

    def key(name: str) -> str:
        found = seen.get(name)
        if found is None:
            found = seen[name] = unit_key(name, aliases)
        return found

    return key


def latest_per_unit(units: Sequence[str], reports: Iterable[Report],
                    aliases: Mapping[str, str],
                    key: Callable[[str], str] | None = None) -> list[tuple[str, Report | None]]:
    """Each lead unit's latest report: its own newest, or the office's if newer. ``key``:
    :func:`unit_keys` of ``aliases``, when the caller keeps one for many tasks."""
    key = key or unit_keys(aliases)
    keys = {key(u): u for u in units}
    own: dict[str, Report] = {}
    office: Report | None = None
    for r in reports:
        who = keys.get(key(r.by))
        if who is None:
            if office is None or r.order > office.order:
                office = r
        elif who not in own or r.order > own[who].order:
            own[who] = r
    out: list[tuple[str, Report | None]] = []
    for unit in units:
        mine = own.get(unit)
        if office is not None and (mine is None or office.order > mine.order):
            mine = office
        out.append((unit, mine))
    return out


def combine(units: Sequence[str], reports: Iterable[Report],
            aliases: Mapping[str, str], key: Callable[[str], str] | None = None) -> Combined:
    """The task's status by the rule in the module docstring (``key``: as for
    :func:`latest_per_unit`)."""
    reports = list(reports)
    if not reports:
        return Combined()
    if len(units) <= 1:
        last = max(reports, key=lambda r: r.order)
        return Combined(last.status, last.progress, last.note, last.date)
    per_unit = latest_per_unit(units, reports, aliases, key)
    given = [r for _u, r in per_unit if r is not None]
    if not given:  # only reports by units no longer among the task's lead units
        last = max(reports, key=lambda r: r.order)
        return Combined(last.status, last.progress, last.note, last.date, per_unit)
    least = min(given, key=lambda r: (RANK.get(r.status, 1), _pct(r)))
    status = least.status
    if status == "done" and len(given) < len(per_unit):
        status = "in_progress"  # done by some lead units, not yet reported by the others
    numbers = [_pct(r) for r in given if r.status == "done" or r.progress is not None]
    progress = None if status == "not_started" or not numbers else min(numbers)
    if status == "in_progress" and progress == 100 and len(given) < len(per_unit):
        progress = None
    return Combined(status, progress, least.note, max(r.date for r in given), per_unit)


def _pct(report: Report) -> int:
    return 100 if report.status == "done" else report.progress or 0


def report_dict(unit: str, report: Report | None) -> dict[str, Any]:
    """A unit's latest report as JSON shows it."""
    if report is None:
        return {"unit": unit, "status": None, "progress": None, "note": None, "date": None}
    return {"unit": unit, "status": report.status,
            "progress": 100 if report.status == "done" else report.progress,
            "note": report.note, "date": report.date.isoformat()}


def report_line(r: Mapping[str, Any], with_note: bool = True) -> str:
    """``发改局：推进中 40%（2018-03-31）招标完成`` for one unit's latest report (a
    :func:`report_dict`); ``发改局：未报送`` when it has none."""
    from taskduty.fields import STATUSES

    if r.get("status") is None:
        return f"{r['unit']}：未报送"
    text = f"{r['unit']}：{STATUSES.get(r['status'], r['status'])}"
    if r.get("progress") is not None:
        text += f" {r['progress']}%"
    if r.get("date"):
        text += f"（{r['date']}）"
    if with_note and r.get("note"):
        text += r["note"]
    return text
