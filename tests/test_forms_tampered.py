"""A returned form is checked, not believed: tampered forms are refused, naming the file.

Each test edits a real form the way a careless or hostile unit could (another unit's task
code added, hidden ids repointed, hidden unit renamed, a form from another database) and
checks that ``collect`` refuses it and records nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl

from conftest import SEED_TEXT
from helpers import NOTE_COL, STATUS_COL, fill_form, form_rows, write_forms


def _units(run) -> dict[str, list[str]]:
    """Lead unit -> the codes of its tasks."""
    out: dict[str, list[str]] = {}
    for task in json.loads(run("tasks", "-f", "json").stdout):
        for unit in task["units"]:
            out.setdefault(unit, []).append(task["code"])
    return out


def _foreign_code(run, unit: str) -> str:
    """A task code that ``unit`` does not lead."""
    mine = set(_units(run)[unit])
    return next(t["code"] for t in json.loads(run("tasks", "-f", "json").stdout)
                if t["code"] not in mine)


def _edit_meta(path: Path, dest: Path, **values) -> Path:
    """Change keys of the hidden _taskduty sheet (and fill the first row, so it reports)."""
    wb = openpyxl.load_workbook(path)
    meta = wb["_taskduty"]
    for row in meta.iter_rows():
        if row[0].value in values:
            row[1].value = values[row[0].value]
    wb.worksheets[0].cell(4, STATUS_COL).value = "推进中"
    wb.save(dest)
    return dest


def _history(run, code: str) -> list[dict]:
    return json.loads(run("show", code, "-f", "json").stdout)["history"]


def test_untouched_form_is_collected(seeded, tmp_path):
    forms = write_forms(seeded, tmp_path / "out", "--unit", "发改局")
    code = next(iter(form_rows(forms["发改局"])))
    good = fill_form(forms["发改局"], tmp_path / "good.xlsx", {code: ("推进中", 30, None)})
    result = seeded("collect", str(good))
    assert result.exit_code == 0, result.output
    assert [h["progress"] for h in _history(seeded, code)] == [30]


def test_a_row_with_another_units_task_is_refused(seeded, tmp_path):
    forms = write_forms(seeded, tmp_path / "out", "--unit", "发改局")
    mine = next(iter(form_rows(forms["发改局"])))
    foreign = _foreign_code(seeded, "发改局")
    bad = fill_form(forms["发改局"], tmp_path / "bad.xlsx",
                {mine: ("推进中", 30, None), foreign: ("已完成", 100, "不是我们的")})
    result = seeded("collect", str(bad))
    assert result.exit_code == 1
    assert "bad.xlsx, row" in result.stderr
    assert f"task {foreign} is not on this form as it was written" in result.stderr
    assert _history(seeded, foreign) == [] and _history(seeded, mine) == []


def test_visible_code_changed_to_another_units_task_is_refused(seeded, tmp_path):
    forms = write_forms(seeded, tmp_path / "out", "--unit", "发改局")
    foreign = _foreign_code(seeded, "发改局")
    wb = openpyxl.load_workbook(forms["发改局"])
    ws = wb.worksheets[0]
    ws.cell(4, 1).value = foreign
    ws.cell(4, STATUS_COL).value = "已完成"
    wb.save(tmp_path / "recoded.xlsx")
    result = seeded("collect", str(tmp_path / "recoded.xlsx"))
    assert result.exit_code == 1
    assert f"recoded.xlsx, row 4: task {foreign} is not on this form" in result.stderr
    assert _history(seeded, foreign) == []


def test_hidden_ids_pointed_at_other_tasks_are_refused(seeded, tmp_path):
    forms = write_forms(seeded, tmp_path / "out", "--unit", "发改局")
    wb = openpyxl.load_workbook(forms["发改局"])
    meta = wb["_taskduty"]
    meta.cell(1, 5).value = meta.cell(1, 5).value + 1  # the first row's task id
    wb.worksheets[0].cell(4, STATUS_COL).value = "推进中"
    wb.save(tmp_path / "ids.xlsx")
    result = seeded("collect", str(tmp_path / "ids.xlsx"))
    assert result.exit_code == 1
    assert "ids.xlsx: the form's hidden _taskduty sheet was changed" in result.stderr
    assert "nothing was recorded" in result.stderr


def test_hidden_unit_renamed_is_refused_even_to_a_real_unit(seeded, tmp_path):
    forms = write_forms(seeded, tmp_path / "out", "--unit", "发改局")
    code = next(iter(form_rows(forms["发改局"])))
    for i, unit in enumerate(("不存在的单位", "财政局")):
        bad = _edit_meta(forms["发改局"], tmp_path / f"unit{i}.xlsx", unit=unit)
        result = seeded("collect", str(bad))
        assert result.exit_code == 1
        assert f"unit{i}.xlsx: the form's hidden _taskduty sheet was changed" in result.stderr
    assert _history(seeded, code) == []


def test_edited_signature_and_removed_signature_are_refused(seeded, tmp_path):
    forms = write_forms(seeded, tmp_path / "out", "--unit", "发改局")
    forged = _edit_meta(forms["发改局"], tmp_path / "forged.xlsx", signature="0" * 64)
    result = seeded("collect", str(forged))
    assert result.exit_code == 1 and "forged.xlsx: the form's hidden" in result.stderr
    unsigned = _edit_meta(forms["发改局"], tmp_path / "unsigned.xlsx", signature=None)
    result = seeded("collect", str(unsigned))
    assert result.exit_code == 1
    assert "unsigned.xlsx: the form carries no signature" in result.stderr


def test_a_form_from_another_database_is_refused(seeded, tmp_path, another_db_url):
    other = seeded("--db", another_db_url, "load", str(SEED_TEXT), "--year", "2018", "-q")
    assert other.exit_code == 0, other.output
    made = seeded("--db", another_db_url, "forms", str(tmp_path / "theirs"),
                  "--month", "2018-03", "--unit", "发改局")
    assert made.exit_code == 0, made.output
    path = Path(made.stdout.split("\t")[0])
    code = next(iter(form_rows(path)))
    theirs = fill_form(path, tmp_path / "theirs.xlsx", {code: ("推进中", 20, None)})
    result = seeded("collect", str(theirs))
    assert result.exit_code == 1
    assert "theirs.xlsx: the form's hidden _taskduty sheet was changed after it was " \
        "written, or the form comes from another taskduty database" in result.stderr
    assert _history(seeded, code) == []


def test_a_task_the_unit_no_longer_leads_is_refused(seeded, tmp_path):
    """The own-tasks rule is checked against the current table, not the form's."""
    import csv

    forms = write_forms(seeded, tmp_path / "out", "--unit", "发改局")
    code = next(iter(form_rows(forms["发改局"])))
    convert = seeded("convert", str(SEED_TEXT))
    rows = list(csv.reader(convert.stdout.splitlines()))
    header, body = rows[0], rows[1:]
    tasks = json.loads(seeded("tasks", "-f", "json").stdout)
    target = next(t for t in tasks if t["code"] == code)
    for row in body:
        if row[2] == target["standard"]:
            row[4] = "财政局"
    revised = tmp_path / "rev.csv"
    with revised.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *body])
    assert seeded("load", str(revised), "--year", "2018", "--replace").exit_code == 0
    filled = fill_form(forms["发改局"], tmp_path / "late.xlsx", {code: ("推进中", 20, None)})
    result = seeded("collect", str(filled))
    assert result.exit_code == 1
    assert f"task {code} is led by 财政局, not by 发改局" in result.stderr
    assert _history(seeded, code) == []


def test_own_task_check_is_one_function(seeded):
    from types import SimpleNamespace

    from taskduty.forms import check_own_tasks, check_unit

    row = SimpleNamespace(row=5, code="1.1")
    task = SimpleNamespace(code="1.1", units=["财政局", "发改局"])
    assert check_own_tasks("f.xlsx", "发 改 局", [(row, task)], 2018) == []
    (problem,) = check_own_tasks("f.xlsx", "科技局", [(row, task)], 2018)
    assert str(problem).startswith("f.xlsx, row 5: task 1.1 is led by 财政局、发改局")
    assert check_unit("f.xlsx", "发改局", {"发改局"}, 2018) is None
    assert "leads no task" in str(check_unit("f.xlsx", "某局", {"发改局"}, 2018))


def test_a_form_whose_fill_in_sheet_was_deleted(seeded, tmp_path):
    forms = write_forms(seeded, tmp_path / "out", "--unit", "发改局")
    wb = openpyxl.load_workbook(forms["发改局"])
    wb.security = None
    del wb["填报"]
    wb["_taskduty"].sheet_state = "visible"  # the only sheet left cannot be hidden
    wb.save(tmp_path / "nosheet.xlsx")
    result = seeded("collect", str(tmp_path / "nosheet.xlsx"))
    assert result.exit_code == 1
    assert "nosheet.xlsx: the form has no 填报 sheet" in result.stderr
    assert "unexpected" not in result.stderr
    assert NOTE_COL == 8
