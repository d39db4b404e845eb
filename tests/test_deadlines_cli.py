"""Deadlines, 序时进度 and warning lights through the commands: load, tasks, show, summary,
extend and undo, on both backends."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from helpers import ok

HEADER = ["序号", "目标名称", "工作标准", "分管领导", "牵头单位", "完成时限"]
GOAL = "城市建设"
ROWS = [
    (1, GOAL, "建成城东污水处理厂。", "张强", "住建局", "6月底前"),
    (1, GOAL, "实施人民路改造。", "张强", "交通局", "6月底前开工，10月底前建成"),
    (1, GOAL, "推进河道综合整治。", "王五", "水利局", "2018年取得进展，2019年基本完成"),
    (1, GOAL, "开展城市管理常态化巡查。", "王五", "城管局", "持续推进"),
    (1, GOAL, "报送重点项目进展。", "王五", "发改局", "每季度"),
    (1, GOAL, "办理群众来信。", "张小虎", "信访局", "15日内"),
    (1, GOAL, "年底前完成城区污水管网改造二十公里。", "张强", "住建局", ""),
    (1, GOAL, "新增市场主体五千户。", "张小虎", "市场监管局", ""),
    (1, GOAL, "完成老旧小区改造。", "张小虎", "住建局", "三季度末"),
]


def load_dated(run: Any, folder: Path) -> None:
    """The 2018 table above, with its 完成时限 column."""
    path = folder / "plan2018.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(ROWS)
    ok(run("load", str(path), "--year", "2018", "--quiet"))


@pytest.fixture
def dated(from_template: Any) -> Any:
    return from_template(load_dated)


def listing(run: Any, *args: str) -> dict[str, dict[str, Any]]:
    return {t["code"]: t for t in json.loads(ok(run("tasks", "-f", "json", *args)))}


def test_load_reads_kinds_and_milestones(dated: Any) -> None:
    tasks = listing(dated, "--as-of", "2018-03-31")
    kinds = {c: t["deadline_kind"] for c, t in tasks.items()}
    assert kinds == {"1.1": "date", "1.2": "date", "1.3": "date", "1.4": "ongoing",
                     "1.5": "cadence", "1.6": "relative", "1.7": "date", "1.8": None,
                     "1.9": "date"}
    assert tasks["1.2"]["milestones"] == [{"date": "2018-06-30", "step": "开工"},
                                          {"date": "2018-10-31", "step": "建成"}]
    assert tasks["1.2"]["deadline_date"] == "2018-10-31"
    assert tasks["1.3"]["deadline_date"] == "2019-12-31"  # of several years the last wins
    assert tasks["1.9"]["deadline_date"] == "2018-09-30"
    assert (tasks["1.7"]["deadline_date"], tasks["1.7"]["deadline_inferred"]) == (
        "2018-12-31", True)
    assert tasks["1.7"]["deadline"] is None
    assert not tasks["1.1"]["deadline_inferred"]
    for code in ("1.4", "1.5", "1.6", "1.8"):
        assert tasks[code]["deadline_date"] is None and tasks[code]["milestones"] == []


@pytest.mark.parametrize(("month", "undated", "june"), [
    ("2018-03", 25.0, 50.0), ("2018-06", 50.0, 100.0), ("2018-11", 91.7, 100.0)])
def test_expected_progress_at_month_ends(dated: Any, month: str, undated: float,
                                         june: float) -> None:
    tasks = listing(dated, "--month", month)
    assert tasks["1.8"]["expected_progress"] == undated  # no date: the share of the year
    assert tasks["1.4"]["expected_progress"] == undated  # ongoing
    assert tasks["1.1"]["expected_progress"] == june  # due at the end of June


def test_behind_flag_counts_no_report_as_zero(dated: Any) -> None:
    ok(dated("update", "1.8", "-s", "推进中", "-p", "30", "-d", "2018-03-20"))
    tasks = listing(dated, "--month", "2018-03")
    assert tasks["1.8"]["behind"] is False  # 30 against 25
    assert tasks["1.4"]["behind"] is True  # no report: 0 against 25
    assert tasks["1.4"]["progress"] is None


def test_lights_and_days_left_at_chosen_dates(dated: Any) -> None:
    ok(dated("update", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.9",
             "-s", "推进中", "-p", "45", "-d", "2018-06-01"))
    ok(dated("update", "1.1", "-s", "推进中", "-p", "90", "-d", "2018-06-01"))
    ok(dated("update", "1.9", "-s", "done", "-d", "2018-06-10"))
    june = listing(dated, "--as-of", "2018-06-20")
    assert june["1.1"]["warning"] == "blue" and june["1.1"]["days_left"] == 10
    assert june["1.2"]["warning"] == "blue"  # its first milestone (开工) in 10 days
    assert june["1.9"]["warning"] is None  # done
    assert june["1.8"]["warning"] is None  # 45 against 46.7
    july = listing(dated, "--as-of", "2018-07-01")
    assert july["1.1"]["warning"] == "red" and july["1.1"]["days_left"] == -1
    assert july["1.2"]["warning"] == "red"  # 开工 (50%) passed at 45%
    assert july["1.3"]["warning"] is None
    assert july["1.4"]["warning"] is None  # ongoing: never overdue; 45 against 50
    ok(dated("update", "1.4", "-s", "滞后", "-p", "45", "-d", "2018-06-25"))
    assert listing(dated, "--as-of", "2018-07-01")["1.4"]["warning"] == "yellow"
    oct_ = listing(dated, "--as-of", "2018-10-31")
    assert oct_["1.8"]["warning"] == "yellow"  # 45 against 83.3
    assert oct_["1.3"]["days_left"] == 426


def test_warning_filter_and_thresholds(dated: Any) -> None:
    ok(dated("update", "1.1", "1.7", "1.8", "-s", "推进中", "-p", "35", "-d", "2018-06-01"))
    ok(dated("update", "1.3", "1.4", "1.5", "1.6", "1.9", "-s", "推进中", "-p", "70",
             "-d", "2018-06-01"))
    at = ("--as-of", "2018-07-01")
    assert list(listing(dated, "--warning", "red", *at)) == ["1.1", "1.2"]
    both = listing(dated, "--warning", "yellow,red", *at)
    assert set(both) == {"1.1", "1.2", "1.7", "1.8"}
    assert {t["warning"] for t in both.values()} == {"red", "yellow"}
    assert listing(dated, "-w", "黄灯", "-w", "红灯", *at).keys() == both.keys()
    assert listing(dated, "-w", "黄灯、红灯", *at).keys() == both.keys()
    # 35 against 50 is 15 points below: yellow at 10, not at 20
    assert list(listing(dated, "--warning", "yellow", *at)) == ["1.7", "1.8"]
    assert list(listing(dated, "--warning", "yellow", "--yellow-points", "20", *at)) == []
    ok(dated("update", "1.1", "-s", "推进中", "-p", "95", "-d", "2018-06-15"))
    assert list(listing(dated, "--warning", "blue", "--as-of", "2018-06-20")) == ["1.1"]
    assert list(listing(dated, "--warning", "blue", "--as-of", "2018-06-20",
                        "--blue-days", "5")) == []
    bad = dated("tasks", "--warning", "green")
    assert bad.exit_code == 2 and "green" in bad.output


def test_table_shows_the_light(dated: Any) -> None:
    text = ok(dated("tasks", "--as-of", "2018-07-01", env={"TASKDUTY_LANG": "zh"}))
    assert "预警" in "".join(text.splitlines()[:3])
    row = next(line for line in text.splitlines() if line.startswith("1.1 "))
    assert "红灯" in row


def test_summary_counts_per_light(dated: Any) -> None:
    rows = json.loads(ok(dated("summary", "--by", "leader", "--as-of", "2018-07-01",
                               "-f", "json")))
    zhang = next(r for r in rows if r["name"] == "张强")  # 1.1, 1.2 red; 1.7 yellow
    assert (zhang["red"], zhang["yellow"], zhang["blue"]) == (2, 1, 0)
    text = ok(dated("summary", "--as-of", "2018-07-01"))
    assert "红灯" in text and "黄灯" in text and "蓝灯" in text


def test_overdue_uses_the_due_date(dated: Any) -> None:
    assert list(listing(dated, "--overdue", "--as-of", "2018-07-01")) == ["1.1"]
    assert list(listing(dated, "--overdue", "--as-of", "2018-11-01")) == ["1.1", "1.2", "1.9"]


def test_an_extension_turns_a_red_task_back_and_undo_takes_it_back(dated: Any) -> None:
    at = ("--as-of", "2018-07-31")
    ok(dated("update", "1.1", "-s", "推进中", "-p", "80", "-d", "2018-07-20"))
    assert listing(dated, *at)["1.1"]["warning"] == "red"
    done = dated("extend", "1.1", "--to", "2018-09-30", "--reason", "征地手续调整",
                 "--approved-by", "张强")
    assert done.exit_code == 0, done.output
    assert "2018-09-30" in done.stdout and "6月底前" in done.stdout
    task = listing(dated, *at)["1.1"]
    assert task["warning"] is None and task["days_left"] == 61
    assert task["deadline_date"] == "2018-06-30"  # the original deadline stays
    assert task["extension"]["due_date"] == "2018-09-30"
    assert task["extension"]["approved_by"] == "张强"
    assert task["expected_progress"] == 77.8  # 7 of 9 months to the approved date
    assert list(listing(dated, "--overdue", *at)) == []
    shown = json.loads(ok(dated("show", "1.1", "-f", "json", *at)))
    assert shown["deadline"] == "6月底前" and shown["extension"]["reason"] == "征地手续调整"
    assert [e["due_date"] for e in shown["extensions"]] == ["2018-09-30"]
    text = ok(dated("show", "1.1", *at))
    assert "6月底前" in text and "Extended to" in text and "approved by 张强" in text
    assert "征地手续调整" in text
    undone = dated("undo")
    assert undone.exit_code == 0, undone.output
    assert "withdrew extension" in undone.stdout
    assert listing(dated, *at)["1.1"]["warning"] == "red"
    again = json.loads(ok(dated("show", "1.1", "-f", "json", "--withdrawn", *at)))
    assert again["extension"] is None and again["extensions"][0]["withdrawn_at"]


def test_extend_checks_everything_first(dated: Any) -> None:
    before = dated("extend", "1.1", "9.9", "--to", "2018-09-30", "--reason", "x")
    assert before.exit_code == 1 and "9.9" in before.output
    early = dated("extend", "1.1", "--to", "2018-05-31", "--reason", "x")
    assert early.exit_code == 2 and "1.1" in early.output
    blank = dated("extend", "1.1", "--to", "2018-09-30", "--reason", " ")
    assert blank.exit_code == 2
    assert listing(dated)["1.1"]["extension"] is None
    several = json.loads(ok(dated("extend", "1.1", "1.2", "--to", "2018-12-31",
                                  "--reason", "资金未到位", "-f", "json")))
    assert [r["code"] for r in several["recorded"]] == ["1.1", "1.2"]
    tasks = listing(dated, "--as-of", "2018-11-01")
    assert tasks["1.2"]["warning"] != "red"  # milestones replaced by the approved date


def test_unload_refuses_a_year_with_extensions(dated: Any) -> None:
    ok(dated("extend", "1.1", "--to", "2018-09-30", "--reason", "征地"))
    refused = dated("unload", "2018")
    assert refused.exit_code == 1 and "extension" in refused.output
    ok(dated("unload", "2018", "--force"))


# -- the export ------------------------------------------------------------------------------
def test_export_shows_lights_and_lists_red_and_yellow_tasks(dated: Any, tmp_path: Path) -> None:
    import openpyxl

    ok(dated("update", "1.1", "-s", "推进中", "-p", "90", "-d", "2018-06-28"))
    ok(dated("update", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.9", "-s", "推进中",
             "-p", "70", "-d", "2018-06-28"))
    ok(dated("update", "1.8", "-s", "推进中", "-p", "30", "-d", "2018-06-29"))
    out = tmp_path / "r.xlsx"
    result = dated("export", str(out), "--as-of", "2018-07-01")
    assert result.exit_code == 0, result.output
    assert "2 red, 1 yellow, 0 blue" in result.stderr
    wb = openpyxl.load_workbook(out)
    ws = wb["推进情况"]
    header = [c.value for c in ws[2]]
    light, expected = header.index("预警") + 1, header.index("序时进度") + 1
    rows = {ws.cell(r, 1).value: r for r in range(3, ws.max_row + 1)}
    assert ws.cell(rows["1.1"], light).value == "红灯"
    assert ws.cell(rows["1.1"], light).fill.fgColor.rgb.endswith("FF0000")
    assert ws.cell(rows["1.8"], light).value == "黄灯"
    assert ws.cell(rows["1.8"], light).fill.fgColor.rgb.endswith("FFFF00")
    assert ws.cell(rows["1.7"], light).value is None
    assert ws.cell(rows["1.1"], expected).value == 100
    # the overdue task (updated three days ago, status 推进中) is in the late sheet
    late = wb["滞后及未更新"]
    col = [c.value for c in late[2]].index("情况") + 1
    reasons = {late.cell(r, 1).value: late.cell(r, col).value
               for r in range(3, late.max_row + 1)}
    assert reasons["1.1"] == "红灯：逾期1天"
    assert reasons["1.2"].startswith("红灯：未按时间节点完成")
    assert reasons["1.8"].startswith("黄灯：序时进度50")
    assert "1.7" not in reasons and "1.9" not in reasons
    summary = wb["汇总"]
    assert "红灯2项、黄灯1项、蓝灯0项" in summary["A2"].value
    head = [c.value for c in summary[3]]
    assert head[-3:] == ["红灯", "黄灯", "蓝灯"]
    zhang = next(r for r in summary.iter_rows(values_only=True) if r[0] == "张强")
    assert zhang[-3:] == (2, 0, 0)  # 1.1 and 1.2
    total = next(r for r in summary.iter_rows(values_only=True)
                 if str(r[0]).startswith("合计"))
    assert total[-3:] == (2, 1, 0)


# -- forms -----------------------------------------------------------------------------------
def _form_rows(path: Path) -> dict[str, dict[str, Any]]:
    import openpyxl

    ws = openpyxl.load_workbook(path)["填报"]
    header = [c.value for c in ws[3]]
    return {row[0].value: {h: c for h, c in zip(header, row, strict=False)}
            for row in ws.iter_rows(min_row=4) if row[0].value}


def test_forms_show_each_tasks_schedule_and_light(dated: Any, tmp_path: Path) -> None:
    ok(dated("update", "1.1", "-s", "推进中", "-p", "90", "-d", "2018-06-01"))
    ok(dated("update", "1.7", "-s", "推进中", "-p", "60", "-d", "2018-06-01"))
    out = tmp_path / "forms"
    ok(dated("forms", str(out), "--month", "2018-07", "--unit", "住建局"))
    (path,) = out.glob("*.xlsx")
    rows = _form_rows(path)
    assert rows["1.1"]["完成时限"].value == "6月底前"
    assert rows["1.1"]["序时进度"].value == "100%"
    assert rows["1.1"]["预警"].value == "红灯"
    assert rows["1.1"]["预警"].fill.fgColor.rgb.endswith("FF0000")
    assert rows["1.7"]["完成时限"].value == "2018-12-31"  # read from the task text
    assert rows["1.7"]["序时进度"].value == "58.3%"
    assert rows["1.7"]["预警"].value is None
    assert rows["1.9"]["预警"].value == "黄灯"  # no report: 0 against 77.8
    # after an extension the form shows the approved date, and the light goes out
    ok(dated("extend", "1.1", "--to", "2018-09-30", "--reason", "征地"))
    again = tmp_path / "again"
    ok(dated("forms", str(again), "--month", "2018-07", "--unit", "住建局"))
    (path,) = again.glob("*.xlsx")
    rows = _form_rows(path)
    assert rows["1.1"]["完成时限"].value == "2018-09-30（延期）"
    assert rows["1.1"]["预警"].value is None


# -- remind --due-within ---------------------------------------------------------------------
def test_remind_names_units_with_tasks_coming_due(dated: Any) -> None:
    ok(dated("update", "1.9", "-s", "done", "-d", "2018-06-10"))
    result = json.loads(ok(dated("remind", "--due-within", "15", "--as-of", "2018-06-20",
                                 "-f", "json")))
    assert result["within"] == 15 and result["as_of"] == "2018-06-20"
    assert {e["unit"]: [t["code"] for t in e["tasks"]] for e in result["units"]} == {
        "住建局": ["1.1"]}  # 1.2's due date is October; 1.9 is done
    task = result["units"][0]["tasks"][0]
    assert (task["due"], task["days_left"], task["extended"]) == ("2018-06-30", 10, False)
    assert json.loads(ok(dated("remind", "--due-within", "5", "--as-of", "2018-06-20",
                               "-f", "json")))["units"] == []
    later = json.loads(ok(dated("remind", "--due-within", "30", "--as-of", "2018-10-05",
                                "-f", "json")))
    assert [e["unit"] for e in later["units"]] == ["交通局"]
    ok(dated("extend", "1.1", "--to", "2018-07-10", "--reason", "设备到货延迟"))
    text = dated("remind", "--due-within", "15", "--as-of", "2018-06-30", "-f", "text")
    assert text.exit_code == 0, text.output
    assert "住建局：" in text.stdout and "2018年7月10日（已批准延期）" in text.stdout
    assert "剩余10天" in text.stdout
    table = ok(dated("remind", "--due-within", "15", "--as-of", "2018-06-30",
                     env={"TASKDUTY_LANG": "zh"}))
    assert "1.1" in table and "剩余天数" in table
    bad = dated("remind", "--as-of", "2018-06-30")
    assert bad.exit_code == 2
