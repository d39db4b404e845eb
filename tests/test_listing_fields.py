"""``tasks -f json|jsonl|csv|tsv [--fields …]`` reads and computes only what its fields and
filters need (queries.iter_task_rows) and streams it; it writes byte for byte what the path
that builds every task in full and then picks the fields writes (render.write of
render.tasks_result of queries.list_tasks): for every field alone and many sets of them
(repeated, reordered, the schedule's and the light's, targets, reports, extensions), with
every filter, on several dates and thresholds, over pages of a few tasks, on both backends.
Unknown fields are refused with the same message, before any output."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from helpers import by_turns, ok
from taskduty import queries, render
from taskduty.db import Database
from taskduty.errors import UsageError
from taskduty.schedule import Thresholds

FORMATS = ("json", "jsonl", "csv", "tsv")
SETS = [
    "code,status", "status,code", "code,code,status", "code,status,progress,note,updated",
    "warning,days_left,code", "expected_progress,behind", "code,warning", "targets",
    "code,targets,status", "reports,units", "units,reports,status", "extension,code",
    "extension,expected_progress,days_left,warning", "milestones,deadline_kind,warning",
    "leaders,co_units,goal,section", "deadline,deadline_date,deadline_inferred",
    "leaders_inherited,units_inherited,year,goal_no,standard", ",".join(render.TASK_CSV_FIELDS),
    ",".join(queries.TASK_FIELDS), ",".join(reversed(queries.TASK_FIELDS)), "code,,status", ",",
]
FILTERS: list[dict[str, Any]] = [
    {}, {"statuses": ["behind"]}, {"statuses": ["done", "not_started"]}, {"stale_days": 30},
    {"stale_days": 10_000_000}, {"overdue": True}, {"warnings": ["red"]},
    {"warnings": ["yellow", "blue"]}, {"targets": ["met"]}, {"targets": ["none", "behind"]},
    {"goals": [2, 3]}, {"searches": ["污水"]},
    {"warnings": ["yellow"], "thresholds": Thresholds(blue_days=60, yellow_points=5)},
    {"statuses": ["in_progress"], "targets": ["none"], "overdue": False},
]
DAYS = (date(2018, 3, 31), date(2018, 6, 30), date(2018, 8, 1), date(2018, 12, 31))


@pytest.fixture
def reported(seeded_reported: Callable[..., Any], db_url: str) -> Iterator[Database]:
    db = Database(db_url)
    yield db
    db.dispose()


def add_office_reports(url: str) -> None:
    """Only the office reports tasks with several lead units (one reporter, no unit: each
    lead unit has its report), in every status, by name or unnamed; some tasks with one lead
    unit too."""
    from taskduty.updates import NewUpdate, record_batch

    db = Database(url)
    with db.read() as reader:
        tasks = queries.list_tasks(reader, queries.TaskFilter(year=2018))
    multi = [t for t in tasks if len(t.units) > 1]
    kinds = [("not_started", 0), ("in_progress", None), ("done", 100), ("behind", 20),
             ("in_progress", 60), ("not_started", None)]
    for day in (date(2018, 3, 31), date(2018, 6, 30)):
        record_batch(db, 2018, [
            NewUpdate(t.code, status, day, progress, f"督查{i}", by="" if i % 5 else "督查室")
            for i, t in enumerate(multi + tasks[::3]) if i % 7 != day.month % 7
            for status, progress in [kinds[(i + day.month) % len(kinds)]]])
    db.dispose()


@pytest.fixture
def office(seeded: Callable[..., Any], db_url: str) -> Iterator[Database]:
    add_office_reports(db_url)
    db = Database(db_url)
    yield db
    db.dispose()


def captured(write: Callable[[], Any], monkeypatch: pytest.MonkeyPatch) -> Any:
    """What ``write()`` writes on stdout, or (message, hint) of its refusal, with what it
    wrote before it."""
    out = io.StringIO()
    with monkeypatch.context() as m:
        m.setattr(sys, "stdout", out)
        try:
            write()
        except UsageError as exc:
            return str(exc), exc.hint, out.getvalue()
    return out.getvalue()


def held(reader: Any, flt: queries.TaskFilter, fmt: str, fields: str | None,
         monkeypatch: pytest.MonkeyPatch, found: list[queries.TaskView] | None = None) -> Any:
    """What the listing wrote before it was driven by its fields: every task in full
    (``found``: ``list_tasks(reader, flt)`` already read, for a loop over fields and
    formats of one filter)."""
    if found is None:
        found = queries.list_tasks(reader, flt)
    return captured(lambda: render.write(render.tasks_result(found), fmt, None, fields),
                    monkeypatch)


def streamed(reader: Any, flt: queries.TaskFilter, fmt: str, fields: str | None,
             monkeypatch: pytest.MonkeyPatch) -> Any:
    return captured(lambda: render.stream_tasks(reader, flt, fmt, None, fields), monkeypatch)


def test_the_fields_are_those_of_a_task_view(reported: Database) -> None:
    with reported.read() as reader:
        task = queries.list_tasks(reader, queries.TaskFilter(year=2018))[0]
    assert tuple(task.as_dict()) == queries.TASK_FIELDS
    assert set(render.TASK_CSV_FIELDS) <= set(queries.TASK_FIELDS)


@pytest.mark.parametrize("chunk", [7, queries.ID_CHUNK], ids=["pages-of-7", "pages-of-500"])
def test_every_field_set_as_the_full_path_writes_it(reported: Database, chunk: int,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queries, "ID_CHUNK", chunk)
    sets = [None, *queries.TASK_FIELDS, *SETS]
    # The format and the day only change what Python writes and computes from the same
    # reads: PostgreSQL (its own SQL for every field set) runs one of each. The second day
    # is read in pages of 7 only (one page is the first day's), as JSON.
    one_day = not reported.is_sqlite or chunk == queries.ID_CHUNK
    pg = not reported.is_sqlite
    with reported.read() as reader:
        for day in (date(2018, 6, 30),) if one_day else (date(2018, 6, 30), date(2018, 10, 15)):
            flt = queries.TaskFilter(year=2018, as_of=day)
            found = queries.list_tasks(reader, flt)
            for fmt in FORMATS[:1] if pg or day != date(2018, 6, 30) else FORMATS:
                for fields in sets:
                    want = held(reader, flt, fmt, fields, monkeypatch, found)
                    assert streamed(reader, flt, fmt, fields, monkeypatch) == want, (
                        fmt, fields, day)


def test_every_filter_as_the_full_path_writes_it(reported: Database,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    sets = [None, "code,status", "code,warning", "status", "code", "targets,code",
            "expected_progress,days_left", "reports", "extension,updated"]
    nonempty = 0
    # Every filter with every field set (they change the SQL) on the first day; on each
    # later day every filter with a third of the sets, a different third for each filter and
    # day, so that each filter, each set and each day meet each other. On PostgreSQL two
    # days, as JSON only: the format is Python's rendering of the same rows, compared on
    # SQLite (as JSON on every day, as CSV on the first and the last). Pages of 9 tasks on
    # every day on SQLite, on the second on PostgreSQL (its first day, every set: in pages
    # of ID_CHUNK, one page here).
    pg = not reported.is_sqlite
    days, whole = ((DAYS[0], DAYS[-1]) if pg else DAYS), queries.ID_CHUNK
    with reported.read() as reader:
        multi = [t for t in queries.list_tasks(reader, queries.TaskFilter(year=2018))
                 if len(t.units) > 1]
        names = [{"units": [multi[0].units[1]]}, {"leaders": [multi[1].leaders[0]]},
                 {"co_units": [u for t in multi for u in t.co_units][:1]}]
        for d, day in enumerate(days):
            formats = ("json",) if pg or day not in (DAYS[0], DAYS[-1]) else ("json", "csv")
            monkeypatch.setattr(queries, "ID_CHUNK", 9 if not pg or d else whole)
            for f, extra in enumerate(FILTERS + names):
                flt = queries.TaskFilter(year=2018, as_of=day, **extra)
                found = queries.list_tasks(reader, flt)
                for fields in sets if d == 0 else by_turns(sets, f + d, 3):
                    for fmt in formats:
                        want = held(reader, flt, fmt, fields, monkeypatch, found)
                        got = streamed(reader, flt, fmt, fields, monkeypatch)
                        assert got == want, (extra, day, fields, fmt)
                        nonempty += want not in ("[]\n", "")
    assert nonempty > (50 if pg else 100)  # the filters left tasks to compare


def test_the_status_rules_are_exercised(reported: Database) -> None:
    """The fixture has what the status paths tell apart: one lead unit, several reporting
    alike or not, one reporter (the office or a lead unit), several reporters."""
    with reported.read() as reader:
        tasks = queries.list_tasks(reader, queries.TaskFilter(year=2018,
                                                              as_of=date(2018, 12, 31)))
        rows = list(queries.iter_task_rows(reader, queries.TaskFilter(
            year=2018, as_of=date(2018, 12, 31)), ["code", "status", "progress", "reports"]))
    assert rows == [{"code": t.code, "status": t.status, "progress": t.progress,
                     "reports": t.as_dict()["reports"]} for t in tasks]
    assert any(t.reports_differ for t in tasks)
    assert any(t.status == "done" and len(t.units) > 1 for t in tasks)
    assert {t.warning for t in tasks} >= {"red", "yellow", None}


def test_the_office_s_reports_as_the_full_path_gives_them(office: Database,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Tasks with several lead units that only the office reports: their status without
    reading their lead units (unless reports are asked for), as combining gives it."""
    monkeypatch.setattr(queries, "ID_CHUNK", 11)
    sets = [None, "code,status", "status,progress", "progress", "note,updated", "reports",
            "code,warning,expected_progress", "units,status,progress"]
    # CSV, Python's rendering of the same reads, on SQLite only (as the other comparisons)
    formats = ("json", "csv") if office.is_sqlite else ("json",)
    with office.read() as reader:
        # every filter with every set on the first day; later, with half of them (another
        # half for each filter and day)
        for d, day in enumerate((date(2018, 3, 31), date(2018, 5, 1), date(2018, 12, 31))):
            for f, extra in enumerate(({}, {"statuses": ["not_started"]}, {"stale_days": 40},
                                       {"warnings": ["yellow"]})):
                flt = queries.TaskFilter(year=2018, as_of=day, **extra)
                found = queries.list_tasks(reader, flt)
                for fields in sets if d == 0 else by_turns(sets, f + d, 2):
                    for fmt in formats:
                        want = held(reader, flt, fmt, fields, monkeypatch, found)
                        assert streamed(reader, flt, fmt, fields, monkeypatch) == want, (
                            day, extra, fields, fmt)
        tasks = queries.list_tasks(reader, queries.TaskFilter(year=2018))
    several = [t for t in tasks if len(t.units) > 1 and t.reports]
    assert {t.status for t in several} == {"not_started", "in_progress", "done", "behind"}
    assert any(t.progress is None and t.status == "in_progress" for t in several)


@pytest.mark.parametrize("fields", ["nope", "code,nope", "targets,nope", "nope,targets",
                                    "targets", "reports,code", "source_ref", "history"])
@pytest.mark.parametrize("empty", [False, True], ids=["tasks", "no-task"])
@pytest.mark.pg_once("fields")  # which fields are refused: render.pick_fields, in Python
def test_unknown_fields_are_refused_as_before(reported: Database, fields: str, empty: bool,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A field beyond the CSV columns is known only when the listing has a task (as
    render.pick_fields decides from the rows): the same refusal, or none, either way, and
    nothing written before it."""
    flt = queries.TaskFilter(year=2018, statuses=["done"] if empty else [],
                             as_of=date(2018, 1, 2) if empty else None)
    refused = 0
    with reported.read() as reader:
        for fmt in FORMATS:
            want = held(reader, flt, fmt, fields, monkeypatch)
            assert streamed(reader, flt, fmt, fields, monkeypatch) == want
            refused += isinstance(want, tuple)
    assert refused == (0 if fields in ("targets", "reports,code") and not empty else 4)


def test_an_unknown_goal_is_refused_before_any_output(reported: Database) -> None:
    with reported.read() as reader, pytest.raises(queries.TaskdutyError, match="no goal 99"):
        queries.iter_task_rows(reader, queries.TaskFilter(year=2018, goals=[99]))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.pg_once("fmt")  # the format: Python's rendering of the same reads
def test_the_command_writes_files_as_the_full_path(reported: Database, seeded_reported: Any,
                                                   fmt: str, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    args = ["tasks", "--year", "2018", "--as-of", "2018-08-01"]
    flt = queries.TaskFilter(year=2018, as_of=date(2018, 8, 1))
    for fields in (None, "code,status", "code,warning,targets"):
        extra = ["--fields", fields] if fields else []
        path = tmp_path / f"out.{fmt}"
        ok(seeded_reported(*args, "-f", fmt, "-o", str(path), *extra))
        with reported.read() as reader:
            found = queries.list_tasks(reader, flt)
        want = tmp_path / f"want.{fmt}"
        render.write(render.tasks_result(found), fmt, want, fields)
        assert path.read_bytes() == want.read_bytes()
        shown = ok(seeded_reported(*args, "-f", fmt, *extra))
        with reported.read() as reader:
            assert shown == held(reader, flt, fmt, fields, monkeypatch)
