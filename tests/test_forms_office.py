"""Forms after real office handling: copied into a new workbook, contact lines, each lead
unit's own figures, hints that fit the problem."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl

from helpers import NOTE_COL, PROGRESS_COL, STATUS_COL, fill_form, form_rows, write_forms


def _json(run, *args: str):
    result = run(*args, "-f", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _copy_to_new_workbook(form: Path, dest: Path, edit=None) -> Path:
    """What a clerk does: select all, paste into a new workbook (the hidden sheet and the
    document properties stay behind), fill it in, save."""
    src = openpyxl.load_workbook(form).worksheets[0]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for row in src.iter_rows():
        for cell in row:
            if type(cell).__name__ == "MergedCell":
                continue
            new = ws.cell(cell.row, cell.column, cell.value)
            new.number_format = cell.number_format
    if edit:
        edit(ws)
    wb.save(dest)
    assert "_taskduty" not in openpyxl.load_workbook(dest).sheetnames
    return dest


def _contact(ws, label: str, value: str) -> None:
    r = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == f"{label}：")
    ws.cell(r, 3).value = value


def test_a_copied_form_still_collects_from_its_title_unit_line_and_codes(seeded, tmp_path):
    forms = write_forms(seeded, tmp_path / "out", "--unit", "发改局")
    rows = form_rows(forms["发改局"])
    codes = list(rows)

    def fill(ws):
        ws.cell(rows[codes[0]], STATUS_COL).value = "推进中"
        ws.cell(rows[codes[0]], PROGRESS_COL).value = 0.45
        ws.cell(rows[codes[0]], PROGRESS_COL).number_format = "0%"
        ws.cell(rows[codes[1]], STATUS_COL).value = "已完成"
        ws.cell(rows[codes[1]], PROGRESS_COL).value = "100％"
        ws.cell(rows[codes[1]], NOTE_COL).value = "已竣工验收"
        _contact(ws, "填报人", "张晓")
        _contact(ws, "联系电话", "0519-86660000")
        _contact(ws, "单位负责人（审核）", "李建")

    copied = _copy_to_new_workbook(forms["发改局"], tmp_path / "copy.xlsx", fill)
    result = seeded("collect", str(copied))
    assert result.exit_code == 0, result.output
    assert "a copied form, matched by 任务编号" in result.stderr
    assert "filled by 张晓" in result.stderr
    first = _json(seeded, "show", codes[0])["history"]
    second = _json(seeded, "show", codes[1])["history"]
    assert [(h["status"], h["progress"], h["by"], h["date"]) for h in first] == [
        ("in_progress", 45, "发改局", "2018-03-31")]
    assert (second[0]["status"], second[0]["progress"], second[0]["note"]) == (
        "done", 100, "已竣工验收")
    # the contact lines are kept with the batch and shown by show
    assert (first[0]["filled_by"], first[0]["phone"], first[0]["approved_by"]) == (
        "张晓", "0519-86660000", "李建")
    shown = seeded("show", codes[0])
    assert "张晓 0519-86660000 approved by 李建" in shown.stdout
    again = seeded("collect", str(copied))
    assert "Nothing new to record" in again.stderr


def test_a_copied_form_may_only_report_its_own_units_tasks(seeded, tmp_path):
    forms = write_forms(seeded, tmp_path / "out", "--unit", "发改局")
    mine = set(form_rows(forms["发改局"]))
    foreign = next(t["code"] for t in _json(seeded, "tasks") if t["code"] not in mine)

    def add_foreign(ws):
        r = max(form_rows(forms["发改局"]).values())
        ws.cell(r, 1).value = foreign
        ws.cell(r, STATUS_COL).value = "已完成"

    copied = _copy_to_new_workbook(forms["发改局"], tmp_path / "copy.xlsx", add_foreign)
    result = seeded("collect", str(copied))
    assert result.exit_code == 1
    assert f"task {foreign} is led by" in result.stderr and "not by 发改局" in result.stderr
    assert _json(seeded, "show", foreign)["history"] == []

    def other_unit(ws):
        ws.cell(2, 1).value = str(ws.cell(2, 1).value).replace("发改局", "不存在局")
        ws.cell(4, STATUS_COL).value = "推进中"

    renamed = _copy_to_new_workbook(forms["发改局"], tmp_path / "other.xlsx", other_unit)
    result = seeded("collect", str(renamed))
    assert result.exit_code == 1 and "leads no task in the 2018 table" in result.stderr
    assert "Hint: check the form's 填报单位" in result.stderr


def test_a_plain_workbook_without_title_or_unit_line_is_not_a_form(seeded, tmp_path):
    forms = write_forms(seeded, tmp_path / "out", "--unit", "发改局")

    def no_title(ws):
        ws.cell(1, 1).value = "推进情况"
        ws.cell(4, STATUS_COL).value = "推进中"

    bare = _copy_to_new_workbook(forms["发改局"], tmp_path / "bare.xlsx", no_title)
    result = seeded("collect", str(bare))
    assert result.exit_code == 1
    assert "no title with the month" in result.stderr


def test_each_collect_error_gets_a_fitting_hint(seeded, tmp_path):
    forms = write_forms(seeded, tmp_path / "out", "--unit", "发改局")
    code = next(iter(form_rows(forms["发改局"])))
    good = fill_form(forms["发改局"], tmp_path / "good.xlsx", {code: ("推进中", 10, None)})
    month = seeded("collect", str(good), "--month", "2018-04")
    assert month.exit_code == 1
    assert "Hint: collect the 2018-03 forms on their own" in month.stderr
    assert "fix the listed rows" not in month.stderr
    year = seeded("collect", str(good), "--year", "2019")
    assert "Hint: collect it with --year 2018" in year.stderr
    bad = fill_form(forms["发改局"], tmp_path / "bad.xlsx", {code: ("推进中", "abc", None)})
    rows = seeded("collect", str(bad))
    assert "Hint: fix the listed rows" in rows.stderr


def test_a_units_form_shows_its_own_report_other_units_and_last_note(seeded, tmp_path):
    task = next(t for t in _json(seeded, "tasks") if len(t["units"]) >= 2)
    first, second = task["units"][:2]
    assert seeded("update", task["code"], "-s", "推进中", "-p", "70", "-n", "甲：完成七成",
                  "-d", "2018-02-28", "--by", first).exit_code == 0
    assert seeded("update", task["code"], "-s", "滞后", "-p", "20", "-n", "乙：征地未完",
                  "-d", "2018-02-27", "--by", second).exit_code == 0
    forms = write_forms(seeded, tmp_path / "out", "--unit", first, "--unit", second)
    header = [c.value for c in openpyxl.load_workbook(forms[first]).worksheets[0][3]]
    current, others, last_note = (header.index(h) + 1 for h in
                                  ("当前状态", "其他牵头单位", "上次进展情况"))
    for unit, pct, note in ((first, "推进中 70%", "甲：完成七成"),
                            (second, "滞后 20%", "乙：征地未完")):
        ws = openpyxl.load_workbook(forms[unit]).worksheets[0]
        r = form_rows(forms[unit])[task["code"]]
        assert ws.cell(r, current).value.startswith(pct)
        assert ws.cell(r, last_note).value == note
        assert unit not in ws.cell(r, others).value
        assert (second if unit == first else first) in ws.cell(r, others).value
    # show and the export give both reports
    shown = seeded("show", task["code"])
    assert f"{first}：推进中 70%" in shown.stdout and f"{second}：滞后 20%" in shown.stdout
    out = tmp_path / "r.xlsx"
    assert seeded("export", str(out), "--month", "2018-03").exit_code == 0
    ws = openpyxl.load_workbook(out).worksheets[0]
    row = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value == task["code"])
    cells = [str(ws.cell(row, c).value) for c in range(1, ws.max_column + 1)]
    assert "滞后" in cells
    assert any(f"{first}：推进中 70%" in c and f"{second}：滞后 20%" in c for c in cells)
