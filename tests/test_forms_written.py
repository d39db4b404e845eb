"""How a form is written: streamed row by row with styles shared by every form of a run,
and still what a person sees and what collect reads back (cells, styles, validations,
the used range)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import openpyxl

from taskduty.dates import read_month
from taskduty.forms import CONTACT_LINES, FORM_COLUMNS, _FormStyles, read_form, write_form

COL = {key: i for i, (key, _h, _w) in enumerate(FORM_COLUMNS, 1)}


def _task(n: int, standard: str, *, light: str | None = None,
          targets: int = 0) -> SimpleNamespace:
    return SimpleNamespace(
        id=100 + n, code=f"1.{n}", goal_no=1, goal="经济发展目标", standard=standard,
        leaders=["张强"], units=["发改局"], status="in_progress", progress=40,
        updated=date(2018, 2, 28), note="按序时推进", reports=[], extension=None,
        deadline="年底前", deadline_date=None, schedule=None, warning=light,
        targets=[{"no": k, "text": f"指标{k}", "unit": "%", "actual": None,
                  "actual_date": None, "value": 8.0, "bound": "at_least",
                  "kind": "level"}
                 for k in range(1, targets + 1)])


def _write(path: Path, tasks: list[Any], styles: _FormStyles) -> openpyxl.Workbook:
    write_form(path, "发改局", 2018, read_month("2018-03"), tasks, "s3cret", styles)
    return openpyxl.load_workbook(path)


def test_a_formula_like_text_quotes_its_own_cell_and_no_other(tmp_path):
    styles = _FormStyles()  # one set for both forms, as write_forms shares it
    tasks = [_task(1, "=1+1 看似公式的工作标准"), _task(2, "普通工作标准"),
             _task(3, "+86 电话开头的标准")]
    first = _write(tmp_path / "a.xlsx", tasks, styles).worksheets[0]
    second = _write(tmp_path / "b.xlsx", [_task(4, "又一项工作标准")], styles).worksheets[0]
    col = COL["standard"]
    assert [first.cell(r, col).quotePrefix for r in (4, 5, 6)] == [True, False, True]
    assert first.cell(4, col).value == "=1+1 看似公式的工作标准"
    assert first.cell(4, col).data_type == "s"
    # the shared style the quoted cell started from is left as it was
    assert not second.cell(4, col).quotePrefix
    assert not first.cell(4, COL["goal"]).quotePrefix
    quoted, plain = first.cell(4, col), first.cell(5, col)
    assert (quoted.font.name, quoted.font.sz, quoted.border.left.style) == (
        plain.font.name, plain.font.sz, plain.border.left.style) == ("SimSun", 10, "thin")
    assert quoted.alignment.wrap_text and plain.alignment.wrap_text


def test_styles_shared_between_forms_give_each_its_own_lights_and_fill_in_cells(tmp_path):
    styles = _FormStyles()
    one = _write(tmp_path / "a.xlsx", [_task(1, "甲", light="red"),
                                       _task(2, "乙", light="blue")], styles).worksheets[0]
    two = _write(tmp_path / "b.xlsx", [_task(3, "丙", light="yellow"), _task(4, "丁")],
                 styles).worksheets[0]
    warning = COL["warning"]
    assert [one.cell(r, warning).fill.fgColor.rgb for r in (4, 5)] == ["00FF0000",
                                                                        "0000B0F0"]
    assert two.cell(4, warning).fill.fgColor.rgb == "00FFFF00"
    assert two.cell(4, warning).font.color.rgb == "00000000"
    assert one.cell(4, warning).font.b and one.cell(4, warning).font.color.rgb == "00FFFFFF"
    assert two.cell(5, warning).fill.fill_type is None
    for ws in (one, two):
        for key in ("status", "progress", "note"):
            cell = ws.cell(4, COL[key])
            assert cell.protection.locked is False and cell.fill.fgColor.rgb == "00FFF2CC"
        assert ws.cell(4, COL["standard"]).protection.locked is True
        assert ws.cell(3, COL["status"]).fill.fgColor.rgb == "00FFE699"
        assert ws.cell(3, COL["code"]).fill.fgColor.rgb == "00D9E1F2"


def test_validations_cover_exactly_the_tasks_rows_and_the_used_range_is_recorded(tmp_path):
    tasks = [_task(1, "甲", targets=2), _task(2, "乙"), _task(3, "丙"), _task(4, "丁", targets=1)]
    path = tmp_path / "form.xlsx"
    ws = _write(path, tasks, _FormStyles()).worksheets[0]
    # rows: 4 task, 5-6 its targets, 7 and 8 tasks, 9 task, 10 its target
    assert [ws.cell(r, 1).value for r in range(4, 11)] == [
        "1.1", "1.1#1", "1.1#2", "1.2", "1.3", "1.4", "1.4#1"]
    dvs = {dv.type: dv for dv in ws.data_validations.dataValidation}
    assert sorted(str(r) for r in dvs["list"].sqref.ranges) == ["F4", "F7:F9"]
    assert sorted(str(r) for r in dvs["custom"].sqref.ranges) == ["G4", "G7:G9"]
    assert ws.cell(5, COL["actual"]).number_format == "@"
    assert ws.cell(5, COL["actual"]).protection.locked is False
    assert ws.cell(5, COL["status"]).protection.locked is True
    last = 10 + 1 + len(CONTACT_LINES)  # a gap row, then the contact lines
    assert ws.cell(last, 1).value == f"{CONTACT_LINES[-1][1]}："
    assert f"A{last}:B{last}" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.freeze_panes == "A4" and ws.sheet_properties.pageSetUpPr.fitToPage
    # a reader that trusts the sheet's recorded size (read-only mode) sees every row
    streamed = openpyxl.load_workbook(path, read_only=True)
    assert streamed.worksheets[0].calculate_dimension() == f"A1:N{last}"
    assert streamed["_taskduty"].calculate_dimension() == "A1:E9"
    problems: list[Any] = []
    form = read_form(path, problems)
    assert not problems and form is not None
    assert form.signed_tasks == [(t.code, t.id) for t in tasks] and form.signature_ok("s3cret")
    assert form.rows == [] and form.actuals == []
