"""``taskduty forms`` and ``taskduty collect``: per-unit forms written, filled, loaded back."""

from __future__ import annotations

import json

import openpyxl
import pytest

from helpers import NOTE_COL, PROGRESS_COL, STATUS_COL, fill_form, form_rows, write_forms


def _history(run, code: str) -> list[dict]:
    return json.loads(run("show", code, "-f", "json").stdout)["history"]


def test_form_structure(seeded, tmp_path):
    forms = write_forms(seeded, tmp_path / "out")
    units = json.loads(seeded("units", "-f", "json").stdout)
    assert set(forms) == {u["name"] for u in units}
    path = forms["发改局"]
    assert path.name == "2018-03_发改局.xlsx"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "填报"
    meta_ws = wb["_taskduty"]
    assert meta_ws.sheet_state in ("hidden", "veryHidden")
    meta = {r[0]: r[1] for r in meta_ws.iter_rows(values_only=True)}
    assert meta["kind"] == "taskduty-form" and meta["year"] == 2018
    assert meta["month"] == "2018-03" and meta["unit"] == "发改局" and meta["version"] == 2
    assert len(meta["signature"]) == 64
    props = {p.name: p.value for p in wb.custom_doc_props}
    assert props["taskduty_unit"] == "发改局" and props["taskduty_year"] == 2018
    ws = wb.worksheets[0]
    header = [c.value for c in ws[3]]
    assert header[:3] == ["任务编号", "目标名称", "工作标准"]
    assert header[STATUS_COL - 1] == "状态" and header[NOTE_COL - 1] == "进展情况"
    mine = json.loads(seeded("tasks", "--unit", "发改局", "-f", "json").stdout)
    codes = list(form_rows(path))
    # a task's quantitative targets have rows CODE#N under it (tests/test_targets_forms.py)
    assert codes == [t["code"] for t in mine]
    task_rows = list(form_rows(path).values())
    last = max(task_rows)
    dvs = {dv.type: dv for dv in ws.data_validations.dataValidation}
    assert dvs["list"].formula1 == '"未启动,推进中,滞后,已完成"'
    assert all(f"F{r}" in dvs["list"].sqref for r in task_rows)
    assert dvs["custom"].formula1.startswith("OR(AND(ISNUMBER(G4),G4>=0,G4<=100)")
    assert all(f"G{r}" in dvs["custom"].sqref for r in task_rows)
    assert header[12:14] == ["其他牵头单位", "上次进展情况"]
    assert ws.protection.sheet
    for col in range(1, 15):
        locked = ws.cell(4, col).protection.locked
        assert locked == (col not in (STATUS_COL, PROGRESS_COL, NOTE_COL))
    # the contact lines under the table, with their fill-in cells
    labels = {ws.cell(r, 1).value: r for r in range(last + 1, ws.max_row + 1)}
    for label in ("填报人：", "联系电话：", "单位负责人（审核）："):
        assert ws.cell(labels[label], 3).protection.locked is False
    assert ws.print_title_rows == "$1:$3"
    assert ws.page_setup.orientation == "landscape"


def test_forms_for_chosen_units_and_safe_names(seeded, tmp_path):
    forms = write_forms(seeded, tmp_path / "out", "--unit", "发改局", "--unit", "财政局")
    assert set(forms) == {"发改局", "财政局"}
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "2018-03_发改局.xlsx", "2018-03_财政局.xlsx"]
    from taskduty.forms import safe_filename

    assert safe_filename('a/b\\c:d*e?"<>|') == "a_b_c_d_e_____"
    assert "/" not in safe_filename("../x")


def test_round_trip_forms_collect_remind_export(seeded, tmp_path):
    forms = write_forms(seeded, tmp_path / "out", "--unit", "发改局")
    rows = form_rows(forms["发改局"])
    codes = list(rows)
    assert len(codes) >= 3
    before = json.loads(seeded("remind", "--month", "2018-03", "-f", "json").stdout)
    assert "发改局" in {u["unit"] for u in before["units"]}
    filled = fill_form(forms["发改局"], tmp_path / "filled.xlsx", {
        codes[0]: ("已完成", None, "已全面完成"),
        codes[1]: ("推进中", 60, "=完成六成"),
        codes[2]: ("滞后", "20%", None),
    })
    result = seeded("collect", str(filled))
    assert result.exit_code == 0, result.output
    assert "batch" in result.stderr
    h0, h1, h2 = (_history(seeded, c)[-1] for c in codes[:3])
    assert (h0["status"], h0["progress"], h0["by"], h0["date"]) == \
        ("done", 100, "发改局", "2018-03-31")
    assert (h1["status"], h1["progress"], h1["note"]) == ("in_progress", 60, "=完成六成")
    assert (h2["status"], h2["progress"]) == ("behind", 20)
    for code in codes[3:]:  # rows left blank are not reported
        assert all(h["by"] != "发改局" for h in _history(seeded, code))
    # the unit has now reported its filled rows; the blank ones are still asked for
    after = json.loads(seeded("remind", "--month", "2018-03", "-f", "json").stdout)
    entry = next(u for u in after["units"] if u["unit"] == "发改局")
    assert [t["code"] for t in entry["tasks"]] == codes[3:]
    # the report shows the statuses
    out = tmp_path / "r.xlsx"
    assert seeded("export", str(out), "--month", "2018-03").exit_code == 0
    ws = openpyxl.load_workbook(out).worksheets[0]
    by_code = {ws.cell(r, 1).value: r for r in range(3, ws.max_row + 1)}
    assert ws.cell(by_code[codes[0]], 6).value == "已完成"
    assert ws.cell(by_code[codes[1]], 6).value == "推进中"
    assert ws.cell(by_code[codes[1]], 10).value == "=完成六成"
    assert ws.cell(by_code[codes[1]], 10).data_type == "s"
    assert ws.cell(by_code[codes[2]], 7).value == 20


def test_collect_twice_records_once_and_undo_takes_the_batch(seeded, tmp_path):
    forms = write_forms(seeded, tmp_path / "out", "--unit", "发改局", "--unit", "财政局")
    a = fill_form(forms["发改局"], tmp_path / "a.xlsx",
              {next(iter(form_rows(forms["发改局"]))): ("推进中", 50, "过半")})
    b = fill_form(forms["财政局"], tmp_path / "b.xlsx",
              {next(iter(form_rows(forms["财政局"]))): ("推进中", 10, None)})
    first = seeded("collect", str(a), str(b), "-f", "json")
    assert first.exit_code == 0, first.output
    data = json.loads(first.stdout)
    assert len(data["recorded"]) == 2 and data["batch"] is not None
    again = seeded("collect", str(a), str(b), "-f", "json")
    assert again.exit_code == 0, again.output
    data2 = json.loads(again.stdout)
    assert data2["recorded"] == [] and len(data2["skipped"]) == 2
    text = seeded("collect", str(a))
    assert "already recorded" in text.stderr
    undo = seeded("undo", "-f", "json")
    assert undo.exit_code == 0
    assert len(json.loads(undo.stdout)) == 2  # the whole collect, both files


def _assert_nothing_recorded(run, codes):
    for code in codes:
        assert _history(run, code) == []


def test_every_error_listed_and_nothing_recorded(seeded, tmp_path):
    forms = write_forms(seeded, tmp_path / "out", "--unit", "发改局", "--unit", "财政局")
    codes_a = list(form_rows(forms["发改局"]))
    codes_b = list(form_rows(forms["财政局"]))
    a = fill_form(forms["发改局"], tmp_path / "a.xlsx", {
        codes_a[0]: ("推进中", 40, "fine"),
        codes_a[1]: ("差不多", None, None),
        codes_a[2]: ("推进中", 150, None),
        "99.9": ("推进中", 10, None),
    })
    b = fill_form(forms["财政局"], tmp_path / "b.xlsx", {
        codes_b[0]: ("已完成", 50, None),
        codes_b[1]: (None, 30, "no status"),
    })
    bad_a, bad_b = form_rows(a), form_rows(b)
    result = seeded("collect", str(a), str(b))
    assert result.exit_code == 1
    err = result.stderr
    assert f"a.xlsx, row {bad_a[codes_a[1]]}" in err and "差不多" in err
    assert f"a.xlsx, row {bad_a[codes_a[2]]}" in err and "150" in err
    assert f"a.xlsx, row {bad_a['99.9']}" in err
    assert "task 99.9 is not on this form as it was written" in err
    assert f"b.xlsx, row {bad_b[codes_b[0]]}" in err
    assert f"b.xlsx, row {bad_b[codes_b[1]]}" in err and "状态 is empty" in err
    assert "5 problems" in err and "nothing was recorded" in err
    _assert_nothing_recorded(seeded, codes_a[:3] + codes_b[:2])


def test_not_a_form_and_wrong_year_are_refused(seeded, tmp_path):
    forms = write_forms(seeded, tmp_path / "out", "--unit", "发改局")
    code = next(iter(form_rows(forms["发改局"])))
    good = fill_form(forms["发改局"], tmp_path / "good.xlsx", {code: ("推进中", 10, None)})
    plain = tmp_path / "plain.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["任务编号", "状态"])
    wb.active.append([code, "推进中"])
    wb.save(plain)
    text = tmp_path / "notes.xlsx"
    text.write_text("not a workbook", encoding="utf-8")
    result = seeded("collect", str(good), str(plain), str(text), str(tmp_path / "missing.xlsx"))
    assert result.exit_code == 1
    assert "plain.xlsx: not a taskduty form" in result.stderr
    assert "notes.xlsx: not an Excel workbook" in result.stderr
    assert "missing.xlsx: no such file" in result.stderr
    _assert_nothing_recorded(seeded, [code])

    wrong = seeded("collect", str(good), "--year", "2019")
    assert wrong.exit_code == 1
    assert "good.xlsx: this form is for 2018, not 2019; refused" in wrong.stderr
    _assert_nothing_recorded(seeded, [code])


def test_form_of_another_loaded_year_is_refused(seeded, tmp_path):
    from taskduty.forms import FORM_COLUMNS

    forms = write_forms(seeded, tmp_path / "out", "--unit", "发改局")
    code = next(iter(form_rows(forms["发改局"])))
    wb = openpyxl.load_workbook(forms["发改局"])
    meta = wb["_taskduty"]
    for row in meta.iter_rows():
        if row[0].value == "year":
            row[1].value = 2017
    wb.worksheets[0].cell(4, STATUS_COL).value = "推进中"
    wb.save(tmp_path / "y2017.xlsx")
    assert len(FORM_COLUMNS) == 14  # 实际完成值 last of the fill-in columns
    result = seeded("collect", str(tmp_path / "y2017.xlsx"), "--year", "2018")
    assert result.exit_code == 1
    assert "for 2017, not 2018" in result.stderr
    result = seeded("collect", str(tmp_path / "y2017.xlsx"))
    assert result.exit_code == 1
    assert "no table loaded for 2017" in result.stderr
    _assert_nothing_recorded(seeded, [code])


@pytest.mark.parametrize(("value", "expected"), [
    (None, None), ("", None), (0, 0), (100, 100), (55.0, 55), ("70", 70), ("70%", 70),
    ("80％", 80), (" 30 ", 30), ("\u3000８０％ ", 80), ("45 %", 45)])
def test_parse_progress_accepts(value, expected):
    from taskduty.forms import parse_progress

    assert parse_progress(value) == expected


@pytest.mark.parametrize(("value", "percent", "expected"), [
    (1, True, 100), (0.6, True, 60), (0, True, 0), (0.07, True, 7), (1.0, True, 100),
    (60, False, 60), ("60%", True, 60)])
def test_parse_progress_in_a_percentage_cell(value, percent, expected):
    from taskduty.updates import parse_progress

    assert parse_progress(value, percent=percent) == expected


@pytest.mark.parametrize("value", [150, -1, 33.5, "abc", "12.5%", True])
def test_parse_progress_rejects(value):
    from taskduty.forms import parse_progress

    with pytest.raises(ValueError):
        parse_progress(value)


def test_unknown_unit_for_forms_is_an_error(seeded, tmp_path):
    result = seeded("forms", str(tmp_path / "out"), "--unit", "不存在的单位", "--month", "2018-03")
    assert result.exit_code == 1
    assert "unknown unit" in result.stderr
    bad_month = seeded("forms", str(tmp_path / "out"), "--month", "2018-13")
    assert bad_month.exit_code == 2


def test_formula_in_progress_is_an_error_but_a_note_keeps_its_text(seeded, tmp_path):
    forms = write_forms(seeded, tmp_path / "out", "--unit", "发改局")
    codes = list(form_rows(forms["发改局"]))
    bad = fill_form(forms["发改局"], tmp_path / "bad.xlsx", {
        codes[0]: ("推进中", "=50+10", None),
        codes[1]: ("推进中", 10, "=HYPERLINK(\"http://x\")"),
    })
    result = seeded("collect", str(bad))
    assert result.exit_code == 1
    assert "'=50+10' is not a number" in result.stderr
    assert "1 problem " in result.stderr
    _assert_nothing_recorded(seeded, codes[:2])
