"""``taskduty forms`` holds one lead unit's tasks at a time, not the year's: each unit's tasks
are read when its form is written (:func:`queries.lead_unit_tasks`), and the forms are the
workbooks the whole year's listing grouped by unit gave, byte for byte. On both backends,
over the seed with office and lead-unit reports, aliases, extensions and actual values."""

from __future__ import annotations

import re
import weakref
import zipfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from taskduty import forms, queries
from taskduty.dates import Month, read_month
from taskduty.db import Database
from taskduty.schedule import Thresholds

MONTH = read_month("2018-07")  # after the seed's reports, extensions and actual values
_STAMPS = re.compile(rb"<dcterms:(created|modified)\b[^>]*>[^<]*</dcterms:\1>")


@pytest.fixture
def reader(seeded_reported: Callable[..., Any], db_url: str) -> Iterator[Any]:
    db = Database(db_url)
    with db.read() as r:
        yield r
    db.dispose()


def _year(reader: Any) -> list[queries.TaskView]:
    return queries.list_tasks(reader, queries.TaskFilter(
        year=2018, as_of=MONTH.last, thresholds=Thresholds()))


def _by_unit(tasks: list[queries.TaskView]) -> dict[str, list[queries.TaskView]]:
    out: dict[str, list[queries.TaskView]] = {}
    for task in tasks:
        for unit in task.units:
            out.setdefault(unit, []).append(task)
    return out


def _old_way(reader: Any, outdir: Path, month: Month, units: list[str]) -> dict[str, Path]:
    """The forms as write_forms wrote them before: the whole year listed, grouped by unit."""
    grouped = _by_unit(_year(reader))
    secret, styles = forms.form_secret(reader), forms._FormStyles()
    outdir.mkdir()
    out = {}
    for unit in units or sorted(grouped):
        path = outdir / f"{month}_{forms.safe_filename(unit)}.xlsx"
        forms.write_form(path, unit, 2018, month, grouped[unit], secret, styles)
        out[unit] = path
    return out


def _members(path: Path) -> list[tuple[str, bytes]]:
    """A workbook's parts, its creation and save times taken out of the core properties."""
    with zipfile.ZipFile(path) as z:
        return [(name, _STAMPS.sub(b"", z.read(name)) if name == "docProps/core.xml"
                 else z.read(name)) for name in z.namelist()]


@pytest.mark.parametrize("pick", ["all", "some"])
def test_the_forms_are_the_whole_years_tasks_grouped_by_unit(reader: Any, tmp_path: Path,
                                                             pick: str) -> None:
    grouped = _by_unit(_year(reader))
    several = sorted({u for t in _year(reader) if len(t.units) > 1 for u in t.units})
    assert len(grouped) >= 10 and len(several) >= 4
    units = [] if pick == "all" else [several[-1], sorted(grouped)[0], several[0]]
    written = forms.write_forms(reader, tmp_path / "new", 2018, MONTH, units,
                                thresholds=Thresholds())
    old = _old_way(reader, tmp_path / "old", MONTH, units)
    assert [(u, p.name, n) for u, p, n in written.forms] == [
        (u, p.name, len(grouped[u])) for u, p in old.items()]
    for unit, path, _n in written.forms:
        assert _members(path) == _members(old[unit]), unit
    # the fixture reaches what a form shows: a unit's own report missing, an extension, a
    # light, an actual value, another lead unit
    cells = {str(value) for _unit, path, _n in written.forms
             for row in openpyxl.load_workbook(path, read_only=True).worksheets[0].iter_rows(
                 min_row=4, values_only=True) for value in row if value is not None}
    for shown in ("本单位未报送", "（延期）", "上次 ", "红灯", "、") if pick == "all" else ():
        assert any(shown in text for text in cells), shown


def test_forms_never_hold_more_than_one_units_tasks(reader: Any, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """No call reads the whole year's tasks; when a form is written, the task views alive
    are that form's tasks only."""
    year = _year(reader)
    biggest = max(len(ts) for ts in _by_unit(year).values())
    assert biggest < len(year)
    del year
    alive = [0]  # task views made and not yet freed
    made: list[int] = []
    held: list[tuple[str, int, int]] = []
    assemble, write_form = queries._assemble, forms.write_form

    def counting_assemble(*args: Any, **kwargs: Any) -> list[queries.TaskView]:
        tasks = assemble(*args, **kwargs)
        made.append(len(tasks))
        alive[0] += len(tasks)
        for task in tasks:
            weakref.finalize(task, freed)
        return tasks

    def freed() -> None:
        alive[0] -= 1

    def watching_write_form(path: Path, unit: str, year: int, month: Month,
                            tasks: list[Any], *args: Any) -> None:
        held.append((unit, len(tasks), alive[0]))
        write_form(path, unit, year, month, tasks, *args)

    def whole_year(*_args: Any) -> None:
        raise AssertionError("write_forms listed the whole year")

    monkeypatch.setattr(queries, "_assemble", counting_assemble)
    monkeypatch.setattr(forms, "write_form", watching_write_form)
    monkeypatch.setattr(queries, "list_tasks", whole_year)
    written = forms.write_forms(reader, tmp_path / "out", 2018, MONTH, thresholds=Thresholds())
    assert len(held) == len(written.forms) >= 10
    assert max(made) == biggest and sum(made) == sum(n for _u, _p, n in written.forms)
    assert all(n == live for _unit, n, live in held), held


def test_each_units_tasks_are_the_listings_tasks_it_leads(reader: Any) -> None:
    """lead_units and lead_unit_tasks against list_tasks, with filters SQL applies and
    filters judged per task (status, schedule, targets)."""
    day = date(2018, 7, 31)
    some_unit = queries.lead_units(reader, queries.TaskFilter(year=2018))[0]
    for flt in (queries.TaskFilter(year=2018, as_of=day), queries.TaskFilter(),
                queries.TaskFilter(year=2018, goal=2, as_of=day),
                queries.TaskFilter(units=[some_unit], as_of=day),
                queries.TaskFilter(as_of=day, statuses=["done", "behind"]),
                queries.TaskFilter(as_of=day, warnings=["red"]),
                queries.TaskFilter(as_of=day, overdue=True),
                queries.TaskFilter(as_of=day, stale_days=60),
                queries.TaskFilter(as_of=day, targets=["met", "none"])):
        listed = queries.list_tasks(reader, flt)
        grouped = _by_unit(listed)
        assert queries.lead_units(reader, flt) == sorted(grouped), flt
        for unit in sorted(grouped):
            assert queries.lead_unit_tasks(reader, flt, unit) == grouped[unit], (flt, unit)
        assert queries.lead_unit_tasks(reader, flt, "不存在的单位") == []


def test_the_line_cache_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    """The wrapped line counts a run keeps stay under twice its cap, and are still right."""
    from taskduty.excel import wrapped_lines

    monkeypatch.setattr(forms._FormStyles, "LINES_KEPT", 5)
    styles = forms._FormStyles()
    texts = [f"第{i}项工作标准，" * (i % 7 + 1) for i in range(60)] + ["一季度"] * 30
    for text in texts * 2:
        assert styles.lines(text, 16) == wrapped_lines(text, 16)
        assert len(styles._lines) + len(styles._older) <= 10
