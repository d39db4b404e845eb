"""实际完成值 in the monthly forms: a row per quantitative target (CODE#N) under its task,
read back by collect with the care of 进度 (units, %, full-width digits)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl

from helpers import load_targets_table, tasks_by_code

ACTUAL_COL = 9  # 实际完成值, the last column
NOTE_COL = 8
STATUS_COL = 6


def forms(run, outdir: Path, month: str = "2019-03") -> dict[str, Path]:
    result = run("forms", str(outdir), "--month", month)
    assert result.exit_code == 0, result.output
    return {line.split("\t")[1]: Path(line.split("\t")[0]) for line in result.stdout.splitlines()}


def rows(ws) -> dict[str, int]:
    """Code (or CODE#N) -> row; the contact lines under the table (填报人：…) left out."""
    return {ws.cell(r, 1).value: r for r in range(4, ws.max_row + 1)
            if str(ws.cell(r, 1).value or "")[:1].isdigit()}


def fill(path: Path, dest: Path, cells: dict[tuple[str, int], tuple[object, str | None]]
         ) -> Path:
    """``{(code, column): (value, number format or None)}`` typed into a form."""
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    where = rows(ws)
    for (code, col), (value, fmt) in cells.items():
        cell = ws.cell(where[code], col)
        cell.value = value
        if fmt:
            cell.number_format = fmt
    wb.save(dest)
    return dest


def test_form_has_a_row_per_target_with_its_fill_in_cell(run, tmp_path):
    load_targets_table(run, tmp_path)
    run("update", "1.2#2", "-a", "50%", "-d", "2019-02-28")
    ws = openpyxl.load_workbook(forms(run, tmp_path / "out")["商务局"]).worksheets[0]
    assert ws.cell(3, ACTUAL_COL).value == "实际完成值"
    where = rows(ws)
    assert list(where) == ["1.2", "1.2#1", "1.2#2"]
    r1, r2 = where["1.2#1"], where["1.2#2"]
    assert ws.cell(r1, 3).value == "量化指标1：实际利用外资5.2亿美元"
    assert ws.cell(r1, 5).value == "目标 5.2亿美元"
    assert ws.cell(r2, 5).value == "目标 ≥55%\n上次 50%（2019-02-28）"
    assert not ws.cell(r1, ACTUAL_COL).protection.locked
    assert not ws.cell(r1, NOTE_COL).protection.locked
    assert ws.cell(r1, STATUS_COL).protection.locked            # 状态 only on the task's row
    assert ws.cell(where["1.2"], ACTUAL_COL).protection.locked  # and 实际完成值 only here


def test_collect_records_actual_values_as_typed(run, tmp_path):
    load_targets_table(run, tmp_path)
    out = forms(run, tmp_path / "out")
    trade = fill(out["商务局"], tmp_path / "trade.xlsx", {
        ("1.2", STATUS_COL): ("推进中", None),
        ("1.2#1", ACTUAL_COL): ("１.８亿美元", None),        # full-width digit, with the unit
        ("1.2#1", NOTE_COL): ("一季度到位", None),
        ("1.2#2", ACTUAL_COL): (0.57, "0%"),                  # 57% typed into Excel
    })
    school = fill(out["教育局"], tmp_path / "school.xlsx", {
        ("2.1#1", ACTUAL_COL): ("一所", None),                # a Chinese numeral
        ("2.1#2", ACTUAL_COL): (1, None),                     # a plain number, in 所
    })
    result = run("collect", str(trade), str(school), "-f", "json")
    assert result.exit_code == 0, result.output
    got = json.loads(result.stdout)
    assert sorted((a["code"], a["target"], a["value"]) for a in got["actuals"]) == [
        ("1.2", 1, 1.8), ("1.2", 2, 57), ("2.1", 1, 1), ("2.1", 2, 1)]
    march = tasks_by_code(run, "--as-of", "2019-03-31")
    assert [(t["actual"], t["actual_date"], t["status"]) for t in march["1.2"]["targets"]] == [
        (1.8, "2019-03-31", "on_course"), (57, "2019-03-31", "on_course")]
    assert march["1.2"]["status"] == "in_progress"
    shown = json.loads(run("show", "1.2", "-f", "json").stdout)["actuals"]
    assert shown[0]["by"] == "商务局" and shown[0]["note"] == "一季度到位"
    # the same forms again record nothing; undo takes the whole batch back
    again = run("collect", str(trade), str(school), "-f", "json")
    assert again.exit_code == 0 and json.loads(again.stdout)["actuals"] == []
    assert run("undo").exit_code == 0
    assert all(t["actual"] is None for t in tasks_by_code(run)["1.2"]["targets"])


def test_unreadable_actual_values_are_listed_and_nothing_recorded(run, tmp_path):
    load_targets_table(run, tmp_path)
    out = forms(run, tmp_path / "out")
    bad = fill(out["商务局"], tmp_path / "bad.xlsx", {
        ("1.2", STATUS_COL): ("推进中", None),
        ("1.2#1", ACTUAL_COL): ("大约两亿", None),
        ("1.2#2", STATUS_COL): ("推进中", None),
    })
    result = run("collect", str(bad))
    assert result.exit_code == 1
    ws = openpyxl.load_workbook(bad).worksheets[0]
    where = rows(ws)
    assert f"row {where['1.2#1']}: target 1.2#1: 实际完成值 '大约两亿' cannot be read in 亿美元" \
        in result.stderr
    assert f"row {where['1.2#2']}: 1.2#2 is a target's row" in result.stderr
    assert tasks_by_code(run)["1.2"]["status"] == "not_started"
    note_only = fill(out["商务局"], tmp_path / "note.xlsx", {("1.2#1", NOTE_COL): ("在谈", None)})
    result = run("collect", str(note_only))
    assert result.exit_code == 1 and "实际完成值 is empty" in result.stderr
