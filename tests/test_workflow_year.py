"""A year of the supervision office's work: what a real user tripped over, fixed.

Two years loaded side by side, co-lead units, forms that outlive a reload, forms for the
wrong month, inconsistent status and progress.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl

from conftest import SEED_CSV

STATUS_COL, PROGRESS_COL, NOTE_COL = 6, 7, 8


def _json(run, *args: str):
    result = run(*args, "-f", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _forms(run, outdir: Path, month: str, *args: str) -> dict[str, Path]:
    result = run("forms", str(outdir), "--month", month, *args)
    assert result.exit_code == 0, result.output
    return {line.split("\t")[1]: Path(line.split("\t")[0]) for line in result.stdout.splitlines()}


def _fill(path: Path, dest: Path, values: dict[str, tuple]) -> Path:
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    rows = {ws.cell(r, 1).value: r for r in range(4, ws.max_row + 1)}
    for code, (status, progress, note) in values.items():
        ws.cell(rows[code], STATUS_COL).value = status
        ws.cell(rows[code], PROGRESS_COL).value = progress
        ws.cell(rows[code], NOTE_COL).value = note
    wb.save(dest)
    return dest


def _history(run, code: str, *args: str) -> list[dict]:
    return _json(run, "show", code, *args)["history"]


def _seed_rows() -> list[list[str]]:
    with SEED_CSV.open(encoding="utf-8-sig") as f:
        return list(csv.reader(f))


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def _co_lead_task(run) -> dict:
    return next(t for t in _json(run, "tasks") if len(t["units"]) >= 2)


# -- remind: a co-lead's report is not this unit's report ------------------------------------
def test_remind_lists_a_co_lead_unit_whose_partner_reported(seeded, tmp_path):
    task = _co_lead_task(seeded)
    first, second = task["units"][:2]
    assert seeded("update", task["code"], "-s", "推进中", "-d", "2018-03-31",
                  "--by", first).exit_code == 0
    late = {u["unit"]: u for u in _json(seeded, "remind", "--month", "2018-03")["units"]}
    assert task["code"] not in [t["code"] for t in late.get(first, {"tasks": []})["tasks"]]
    assert second in late
    assert task["code"] in [t["code"] for t in late[second]["tasks"]]


def test_remind_counts_an_office_update_for_every_lead_unit(seeded):
    task = _co_lead_task(seeded)
    assert seeded("update", task["code"], "-s", "推进中", "-d", "2018-03-15",
                  "--by", "督查室").exit_code == 0
    late = {u["unit"]: [t["code"] for t in u["tasks"]]
            for u in _json(seeded, "remind", "--month", "2018-03")["units"]}
    assert all(task["code"] not in late.get(unit, []) for unit in task["units"])


def test_collected_form_counts_only_for_its_unit(seeded, tmp_path):
    task = _co_lead_task(seeded)
    first, second = task["units"][:2]
    forms = _forms(seeded, tmp_path / "out", "2018-03", "--unit", first, "--unit", second)
    filled = _fill(forms[first], tmp_path / "f.xlsx", {task["code"]: ("推进中", 50, "进展")})
    assert seeded("collect", str(filled)).exit_code == 0
    late = {u["unit"]: [t["code"] for t in u["tasks"]]
            for u in _json(seeded, "remind", "--month", "2018-03")["units"]}
    assert task["code"] not in late.get(first, []) and task["code"] in late[second]


# -- two years loaded: --month / --date pick their own year ----------------------------------
def _second_year(run, tmp_path: Path) -> None:
    rows = _seed_rows()
    path = _write_csv(tmp_path / "y2019.csv", rows[:21])
    assert run("load", str(path), "--year", "2019").exit_code == 0


def test_month_and_date_pick_the_loaded_year_they_fall_in(seeded, tmp_path):
    _second_year(seeded, tmp_path)
    result = seeded("update", "1.1", "-s", "推进中", "-p", "30", "-d", "2018-03-31")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("2018 1.1")
    assert _history(seeded, "1.1", "--year", "2018")[0]["progress"] == 30
    assert _history(seeded, "1.1", "--year", "2019") == []
    listed = _json(seeded, "tasks", "--month", "2018-03")
    assert {t["year"] for t in listed} == {2018} and len(listed) > 20
    assert listed[0]["status"] == "in_progress"
    assert _json(seeded, "remind", "--month", "2018-03")["year"] == 2018
    assert _json(seeded, "show", "1.1", "--month", "2018-03")["year"] == 2018
    rows = _json(seeded, "summary", "--by", "goal", "--month", "2018-03")
    assert sum(r["tasks"] for r in rows) == len(listed)
    forms = _forms(seeded, tmp_path / "out", "2018-03", "--unit", listed[0]["units"][0])
    meta = openpyxl.load_workbook(next(iter(forms.values())))["_taskduty"]
    assert {r[0]: r[1] for r in meta.iter_rows(values_only=True)}["year"] == 2018
    # without a date the latest year is still the default
    assert {t["year"] for t in _json(seeded, "tasks")} == {2019}


def test_update_dated_before_the_tables_year_is_refused(seeded):
    result = seeded("update", "1.1", "1.2", "-s", "推进中", "-d", "2017-12-31", "--year", "2018")
    assert result.exit_code == 1
    assert "before the 2018 table's year" in result.stderr
    assert "Traceback" not in result.output
    assert _history(seeded, "1.1") == [] and _history(seeded, "1.2") == []


def test_update_accepts_a_loosely_typed_code(seeded):
    result = seeded("update", "01.02", "-s", "推进中", "-d", "2018-03-31")
    assert result.exit_code == 0, result.output
    assert [h["status"] for h in _history(seeded, "1.2")] == ["in_progress"]


# -- status and progress must agree ----------------------------------------------------------
def test_not_started_with_progress_is_refused(seeded, tmp_path):
    result = seeded("update", "1.1", "-s", "未启动", "-p", "15", "-d", "2018-03-31")
    assert result.exit_code == 2 and "not_started with progress 15" in result.stderr
    assert _history(seeded, "1.1") == []
    assert seeded("update", "1.1", "-s", "未启动", "-p", "0", "-d", "2018-03-31").exit_code == 0
    forms = _forms(seeded, tmp_path / "out", "2018-03", "--unit", "发改局")
    code = next(t["code"] for t in _json(seeded, "tasks", "--unit", "发改局"))
    filled = _fill(forms["发改局"], tmp_path / "f.xlsx", {code: ("未启动", "20%", None)})
    result = seeded("collect", str(filled))
    assert result.exit_code == 1
    assert f"row 4: task {code}: status not_started with progress 20" in result.stderr


def test_form_problems_name_the_allowed_statuses_and_the_done_rule(seeded, tmp_path):
    forms = _forms(seeded, tmp_path / "out", "2018-03", "--unit", "发改局")
    codes = [t["code"] for t in _json(seeded, "tasks", "--unit", "发改局")]
    filled = _fill(forms["发改局"], tmp_path / "f.xlsx",
                   {codes[0]: ("基本完成", 90, None), codes[1]: ("已完成", "80%", None)})
    result = seeded("collect", str(filled))
    assert result.exit_code == 1
    assert "unknown status '基本完成' (choose one of 未启动、推进中、滞后、已完成)" in result.stderr
    # row 5 is the row of the first task's quantitative target (CODE#1)
    assert f"row 6: task {codes[1]}: status done with progress 80: 已完成 means 100" \
        in result.stderr
    assert _history(seeded, codes[0]) == []


# -- forms: nothing written when one unit has no form ----------------------------------------
def test_forms_for_a_unit_without_lead_tasks_writes_nothing(run, tmp_path):
    rows = [["序号", "目标名称", "工作标准", "分管领导", "牵头单位", "配合单位"],
            ["1", "目标一", "任务一。", "甲", "发改局", "财政局"],
            ["1", "目标一", "任务二。", "甲", "商务局", ""]]
    assert run("load", str(_write_csv(tmp_path / "t.csv", rows)), "--year", "2018").exit_code == 0
    out = tmp_path / "forms"
    result = run("forms", str(out), "--month", "2018-03", "--unit", "发改局", "--unit", "财政局")
    assert result.exit_code == 1
    assert "财政局 leads no task in 2018; no forms written" in result.stderr
    assert not out.exists() or not list(out.iterdir())


# -- collect after a reload, and for the wrong month ------------------------------------------
def test_form_written_before_a_reload_follows_the_task_not_the_code(seeded, tmp_path):
    rows = _seed_rows()
    # 1.4 removed: 1.5 becomes 1.4; a new task appended to goal 1 takes a new code
    moved = rows[5]
    removed = rows.pop(4)
    unit, gone_unit = moved[4].split("、")[0], removed[4].split("、")[0]
    forms = _forms(seeded, tmp_path / "out", "2018-03", "--unit", unit, "--unit", gone_unit)
    assert not any(r[2] == removed[2] for r in rows)
    revised = _write_csv(tmp_path / "rev.csv", rows)
    assert seeded("load", str(revised), "--year", "2018", "--replace").exit_code == 0
    filled = _fill(forms[unit], tmp_path / "f.xlsx", {"1.5": ("推进中", 40, "外资到位")})
    result = seeded("collect", str(filled))
    assert result.exit_code == 0, result.output
    assert "task 1.5 is now 1.4" in result.stderr
    shown = _json(seeded, "show", "1.4")
    assert shown["standard"] == moved[2]
    assert [h["progress"] for h in shown["history"]] == [40]
    # a form row for the task that left the table is refused, with its row
    stale = _fill(forms[gone_unit], tmp_path / "g.xlsx", {"1.4": ("推进中", 10, None)})
    before = _history(seeded, "1.4")
    result = seeded("collect", str(stale))
    assert result.exit_code == 1
    assert "task 1.4 is no longer in the 2018 table" in result.stderr
    assert _history(seeded, "1.4") == before


def test_collect_month_refuses_a_form_for_another_month(seeded, tmp_path):
    forms = _forms(seeded, tmp_path / "jan", "2018-01", "--unit", "发改局")
    code = next(t["code"] for t in _json(seeded, "tasks", "--unit", "发改局"))
    filled = _fill(forms["发改局"], tmp_path / "f.xlsx", {code: ("推进中", 20, "二月进展")})
    result = seeded("collect", str(filled), "--month", "2018-02")
    assert result.exit_code == 1
    assert "this form is for 2018-01, not 2018-02; refused" in result.stderr
    assert _history(seeded, code) == []
    result = seeded("collect", str(filled))
    assert result.exit_code == 0
    assert [h["date"] for h in _history(seeded, code)] == ["2018-01-31"]
    assert "Recorded 1 update as batch" in result.stderr


def test_collect_notes_co_leads_reporting_differently(seeded, tmp_path):
    task = _co_lead_task(seeded)
    first, second = task["units"][:2]
    forms = _forms(seeded, tmp_path / "out", "2018-03", "--unit", first, "--unit", second)
    a = _fill(forms[first], tmp_path / "a.xlsx", {task["code"]: ("滞后", 30, None)})
    b = _fill(forms[second], tmp_path / "b.xlsx", {task["code"]: ("推进中", 45, None)})
    result = seeded("collect", str(a), str(b))
    assert result.exit_code == 0, result.output
    assert f"{task['code']} was reported differently by its lead units" in result.stderr
    assert "its status is the least advanced: 滞后 30%" in result.stderr
    shown = _json(seeded, "show", task["code"])
    assert (shown["status"], shown["progress"]) == ("behind", 30)
    reports = {r["unit"]: (r["status"], r["progress"]) for r in shown["reports"]}
    assert reports[first] == ("behind", 30) and reports[second] == ("in_progress", 45)
    again = seeded("collect", str(a), str(b))
    assert "reported differently" not in again.stderr


def test_a_later_collected_form_does_not_override_a_co_leads_report(seeded, tmp_path):
    """Collected one at a time, both reports stay; the status is the least advanced."""
    task = _co_lead_task(seeded)
    first, second = task["units"][:2]
    forms = _forms(seeded, tmp_path / "out", "2018-03", "--unit", first, "--unit", second)
    a = _fill(forms[first], tmp_path / "a.xlsx", {task["code"]: ("推进中", 70, "甲完成七成")})
    b = _fill(forms[second], tmp_path / "b.xlsx", {task["code"]: ("推进中", 40, "乙完成四成")})
    assert seeded("collect", str(a)).exit_code == 0
    result = seeded("collect", str(b))
    assert "reported differently" in result.stderr
    listed = next(t for t in _json(seeded, "tasks") if t["code"] == task["code"])
    assert (listed["status"], listed["progress"]) == ("in_progress", 40)
    notes = {r["unit"]: r["note"] for r in listed["reports"]}
    assert notes[first] == "甲完成七成" and notes[second] == "乙完成四成"
    summary = {r["name"]: r for r in _json(seeded, "summary", "--by", "unit")}
    assert summary[first]["in_progress"] >= 1
    # an office update counts for every lead unit
    office = seeded("update", task["code"], "--status", "已完成", "--date", "2018-04-02")
    assert office.exit_code == 0
    done = _json(seeded, "show", task["code"])
    assert done["status"] == "done" and {r["status"] for r in done["reports"]} == {"done"}


def test_done_needs_every_lead_unit(seeded, tmp_path):
    task = _co_lead_task(seeded)
    first = task["units"][0]
    forms = _forms(seeded, tmp_path / "out", "2018-03", "--unit", first)
    a = _fill(forms[first], tmp_path / "a.xlsx", {task["code"]: ("已完成", 100, None)})
    assert seeded("collect", str(a)).exit_code == 0
    shown = _json(seeded, "show", task["code"])
    assert shown["status"] == "in_progress"
    assert [r["status"] for r in shown["reports"]][:1] == ["done"]
    assert {r["status"] for r in shown["reports"][1:]} == {None}


def test_progress_typed_as_a_percentage_cell(seeded, tmp_path):
    """A clerk who formats 进度 as a percentage and types 60% stores 0.6."""
    forms = _forms(seeded, tmp_path / "out", "2018-03", "--unit", "发改局")
    code = next(t["code"] for t in _json(seeded, "tasks", "--unit", "发改局"))
    wb = openpyxl.load_workbook(forms["发改局"])
    ws = wb.worksheets[0]
    ws.cell(4, STATUS_COL).value = "推进中"
    ws.cell(4, PROGRESS_COL).value = 0.07  # 0.07 * 100 is 7.000000000000001
    ws.cell(4, PROGRESS_COL).number_format = "0%"
    wb.save(tmp_path / "f.xlsx")
    result = seeded("collect", str(tmp_path / "f.xlsx"))
    assert result.exit_code == 0, result.output
    assert [h["progress"] for h in _history(seeded, code)] == [7]
    ws.cell(4, PROGRESS_COL).number_format = "General"  # a bare 0.07 is still refused
    wb.save(tmp_path / "g.xlsx")
    result = seeded("collect", str(tmp_path / "g.xlsx"))
    assert result.exit_code == 1 and "is not a whole number" in result.stderr


def _fill_cells(form: Path, dest: Path, cells: list[tuple[int, str, object, str]]) -> Path:
    """Type into rows as Excel saves them: (row, status, stored value, number format)."""
    wb = openpyxl.load_workbook(form)
    ws = wb.worksheets[0]
    for row, status, value, number_format in cells:
        ws.cell(row, STATUS_COL).value = status
        ws.cell(row, PROGRESS_COL).value = value
        ws.cell(row, PROGRESS_COL).number_format = number_format
    wb.save(dest)
    return dest


def test_100_percent_typed_in_excel_is_progress_100(seeded, tmp_path):
    """Typing 100% into 进度 makes Excel store the integer 1 with a 0% format: it is 100,
    and 已完成 with it is accepted; 0% is 0; text with a full-width ％ is read too."""
    forms = _forms(seeded, tmp_path / "out", "2018-03", "--unit", "发改局")
    codes = [t["code"] for t in _json(seeded, "tasks", "--unit", "发改局")][:5]
    ws = openpyxl.load_workbook(forms["发改局"]).worksheets[0]
    rows = [r for r in range(4, ws.max_row + 1)  # the tasks' rows (not their targets' CODE#N)
            if "#" not in str(ws.cell(r, 1).value or "#")][:5]
    filled = _fill_cells(forms["发改局"], tmp_path / "f.xlsx", [
        (rows[0], "推进中", 1, "0%"), (rows[1], "已完成", 1, "0%"),
        (rows[2], "推进中", 0.6, "0.00%"), (rows[3], "推进中", "80％", "@"),
        (rows[4], "推进中", " 30 ", "General")])
    result = seeded("collect", str(filled))
    assert result.exit_code == 0, result.output
    got = {c: _history(seeded, c)[0] for c in codes}
    assert [got[c]["progress"] for c in codes] == [100, 100, 60, 80, 30]
    assert got[codes[1]]["status"] == "done"


def test_note_line_breaks_from_excel_are_plain_newlines(seeded, tmp_path):
    forms = _forms(seeded, tmp_path / "out", "2018-03", "--unit", "发改局")
    code = next(t["code"] for t in _json(seeded, "tasks", "--unit", "发改局"))
    filled = _fill(forms["发改局"], tmp_path / "f.xlsx",
                   {code: ("推进中", 40, "一、完成立项  \r\n二、开展招标\r三、签约\n")})
    assert seeded("collect", str(filled)).exit_code == 0
    assert _history(seeded, code)[0]["note"] == "一、完成立项\n二、开展招标\n三、签约"
    assert seeded("collect", str(filled)).stderr.count("Nothing new to record") == 1
