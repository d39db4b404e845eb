"""What ``tasks`` and ``summary`` do once their options are parsed, without Typer, and the
parsing of their option values: cli/query.py (Typer) and cli/lean.py (the same commands
parsed plainly) both call these."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

from taskduty.cli.boundary import get_db
from taskduty.errors import UsageError
from taskduty.i18n import _


def thresholds(blue_days: int | None = None, yellow_points: float | None = None,
               reader: Any = None) -> Any:
    """The warning thresholds: the command's options, else the office's settings
    (``blue_days``, ``yellow_points``: environment, settings file, database), else the
    defaults (:data:`taskduty.schedule.BLUE_DAYS`, :data:`~taskduty.schedule.YELLOW_POINTS`)."""
    from taskduty import settings
    from taskduty.schedule import Thresholds

    return Thresholds(blue_days=settings.get("blue_days", reader, flag=blue_days),
                      yellow_points=settings.get("yellow_points", reader, flag=yellow_points))


def parse_warnings(values: list[str] | None) -> list[str]:
    """``--warning red`` / ``--warning yellow,red`` (，、 too) / 红灯: light keys."""
    from taskduty.queries import split_list
    from taskduty.schedule import LIGHT_LABELS, LIGHTS

    names = {**{k: k for k in LIGHTS}, **{v: k for k, v in LIGHT_LABELS.items()},
             **{v[0]: k for k, v in LIGHT_LABELS.items()}}
    out: list[str] = []
    for value in values or []:
        for piece in split_list(value):
            key = names.get(piece.strip().lower())
            if key is None:
                raise UsageError(_("unknown warning light {value!r}").format(value=piece),
                                 hint=_("use red, yellow or blue (红灯, 黄灯, 蓝灯), "
                                        "e.g. --warning yellow,red"))
            if key not in out:
                out.append(key)
    return out


def parse_day(text: str, option: str, future: bool = False) -> date:
    """A day typed for ``option`` in the one date grammar (:mod:`taskduty.dates`)."""
    from taskduty.dates import parse_date

    return parse_date(text, option, future=future)


def month_end(text: str, option: str = "--month") -> date:
    """The last day of a typed month (:mod:`taskduty.dates`)."""
    from taskduty.dates import month_end as end

    return end(text, option)


def as_of_date(as_of: str | None, month: str | None) -> date | None:
    """The day a view is taken on, from ``--as-of`` or ``--month``."""
    if as_of and month:
        raise UsageError(_("give --as-of or --month, not both"))
    if month:
        return month_end(month)
    return parse_day(as_of, "--as-of") if as_of else None


def parse_goals(values: list[str] | None) -> list[int]:
    """``--goal 2 --goal 3`` or ``--goal 2,3`` / ``2，3`` / ``2、3``: the goal numbers."""
    from taskduty.queries import split_list

    out = []
    for value in values or []:
        for piece in split_list(value):
            text = unicodedata.normalize("NFKC", piece).strip()
            if not text.isdigit():
                raise UsageError(_("--goal {value!r} is not a goal number").format(value=piece),
                                 hint=_("give the 序号, e.g. --goal 2 or --goal 2,3"))
            out.append(int(text))
    return out


def parse_statuses(values: list[str] | None) -> list[str]:
    from taskduty.fields import STATUSES, parse_status
    from taskduty.queries import split_list

    out = []
    for value in [p for v in values or [] for p in split_list(v)]:
        key = parse_status(value)
        if key is None:
            allowed = ", ".join(f"{k} ({v})" for k, v in STATUSES.items())
            raise UsageError(_("unknown status {value!r}").format(value=value),
                             hint=_("use one of: {choices}").format(choices=allowed))
        out.append(key)
    return out


def parse_target_statuses(values: list[str] | None) -> list[str]:
    """``--target`` values as keys: met, on_course, behind, none (English or Chinese)."""
    if not values:
        return []  # most listings: no need to import taskduty.targets
    from taskduty.targets import STATUS_LABELS

    words = {k: k for k in STATUS_LABELS} | {v: k for k, v in STATUS_LABELS.items()}
    words |= {"on-course": "on_course", "oncourse": "on_course", "滞后": "behind",
              "达标": "met", "完成": "met", "未报送": "none"}
    out = []
    for value in values or []:
        key = words.get(value.strip().lower())
        if key is None:
            allowed = ", ".join(f"{k} ({v})" for k, v in STATUS_LABELS.items())
            raise UsageError(_("unknown target status {value!r}").format(value=value),
                             hint=_("use one of: {allowed}").format(allowed=allowed))
        out.append(key)
    return out


def tasks(leader: list[str] | None = None, unit: list[str] | None = None,
          co_unit: list[str] | None = None, goal: list[str] | None = None,
          search: list[str] | None = None, status: list[str] | None = None,
          stale: int | None = None, overdue: bool = False, target: list[str] | None = None,
          warning: list[str] | None = None, blue_days: int | None = None,
          yellow_points: float | None = None, year: int | None = None,
          as_of: str | None = None, month: str | None = None, fmt: str = "table",
          output: Path | None = None, fields: str | None = None) -> None:
    """``taskduty tasks``: list tasks, filtered."""
    from taskduty import queries, render

    db = get_db()
    when = as_of_date(as_of, month)
    with db.read() as reader:
        year = queries.year_for(reader, year, when)
        flt = queries.TaskFilter(
            year=year,
            leaders=queries.resolve_names(reader, "leader", leader or [], year),
            units=queries.resolve_names(reader, "unit", unit or [], year),
            co_units=queries.resolve_names(reader, "unit", co_unit or [], year),
            goals=parse_goals(goal), searches=[q for q in search or [] if q.strip()],
            statuses=parse_statuses(status),
            as_of=when, stale_days=stale, overdue=overdue,
            targets=parse_target_statuses(target), warnings=parse_warnings(warning),
            thresholds=thresholds(blue_days, yellow_points, reader))
        streamed = render.format_for(str(fmt), output)
        if streamed in render.STREAM_FORMATS:
            # the fields asked for, written as each page of tasks is read: flat memory
            render.stream_tasks(reader, flt, streamed, output, fields)
            return
        if streamed == "table" and not fields:
            # only the columns the task table shows (every field is JSON's and --fields')
            shown = render.table_tasks(reader, flt)
            _plan, shown_year = queries.plan_id(reader, year)
            result = render.task_table_result(shown, render.caption(shown_year, len(shown)))
        else:
            found = queries.list_tasks(reader, flt)
            _plan, shown_year = queries.plan_id(reader, year)
            result = render.tasks_result(found, render.caption(shown_year, len(found)))
    render.write(result, fmt, output, fields)


GROUPS = ("leader", "unit", "goal", "target")


# Choice words as people write them: English singular or plural, or Chinese.
BY_WORDS = {
    "leader": ("leader", "leaders", "领导", "分管领导", "责任领导"),
    "unit": ("unit", "units", "单位", "牵头单位", "部门", "责任单位"),
    "goal": ("goal", "goals", "目标", "目标名称", "目标任务"),
    "target": ("target", "targets", "指标", "量化指标"),
}


def choice_word(value: str, words: dict[str, tuple[str, ...]], option: str) -> str:
    """The key of a choice typed in any of its spellings (``单位``, ``units`` -> unit)."""
    typed = unicodedata.normalize("NFKC", value).strip().lower()
    for key, spellings in words.items():
        if typed in spellings:
            return key
    raise UsageError(_("{option} {value!r} is not one of {choices}").format(
        option=option, value=value, choices=", ".join(words)),
        hint=_("e.g. {option} {key} (or {cn})").format(
            option=option, key=next(iter(words)), cn=next(iter(words.values()))[2]))


def summary(by: str = "leader", blue_days: int | None = None,
            yellow_points: float | None = None, year: int | None = None,
            as_of: str | None = None, month: str | None = None, fmt: str = "table",
            output: Path | None = None, fields: str | None = None) -> None:
    """``taskduty summary``: progress per leader, unit or goal, or each quantitative target."""
    from taskduty import queries, render

    by = choice_word(by, BY_WORDS, "--by")
    when = as_of_date(as_of, month)
    if by == "target":
        _target_summary(year, when, fmt, output, fields)
        return
    with get_db().read() as reader:
        year = queries.year_for(reader, year, when)
        rows, total = queries.summary_with_total(reader, by, year, when,
                                                 thresholds(blue_days, yellow_points, reader))
        _plan, shown_year = queries.plan_id(reader, year)
    table = render.format_for(fmt, output) == "table"
    render.write(render.summary_result(by, rows, total, shown_year, when, table), fmt, output,
                 fields)


def _target_summary(year: int | None, when: date | None, fmt: str,
                    output: Path | None, fields: str | None = None) -> None:
    """``summary --by target``: every quantitative target with its latest actual value."""
    from taskduty import queries, render

    with get_db().read() as reader:
        found = queries.list_tasks(reader, queries.TaskFilter(
            year=queries.year_for(reader, year, when), as_of=when))
    render.write(render.target_summary_result(queries.target_rows(found), when), fmt, output,
                 fields)
