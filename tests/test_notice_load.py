"""Loading list-form notices (通知) end to end: detection from .txt and .docx,
``--input-format notice``, ``section`` in JSON, ``convert`` to the clean CSV layout, the
reader's warnings in the load report, shared-suffix unit names kept whole."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import docx

from helpers import tasks_json

# Shape 1: labels on the lines after each task; one heading level.
LINES_NOTICE = """关于印发2021年市政府工作报告重点任务责任分解的通知

各县、市、区人民政府，市各委办局：
现将责任分解印发给你们，请认真贯彻落实。
一、确保完成全年主要预期目标
1. 地区生产总值增长8%以上。
牵头负责领导：张三。
牵头责任单位：市发展改革委。
协同责任单位：市经信局、市商务局、市交通局等，各县、市、区政府。
2. 城乡居民人均可支配收入增长8%。
牵头负责领导：李四。
牵头责任单位：市人社局。
督办要求：每季度报送一次。
二、深化重点领域改革
1. 深化“放管服”改革，优化营商环境。
牵头负责领导：王五
牵头责任单位：市行政审批局；
督办领导：赵六
"""

# Shape 2: labels in a bracket at the end of the task.
BRACKET_NOTICE = """2022年区政府工作报告目标任务分解
一、经济社会发展主要预期目标
（一）地区生产总值增长11%。（责任领导：李四；牵头单位：区发改局）
（二）一般公共预算收入增长9%。(责任领导:钱七;牵头单位:区财政局)
二、民生实事
（一）新建改建农村公路50公里。【责任领导：孙八；牵头单位：区交通局；配合单位：各镇、街道】
"""

# Shape 3: two heading levels (section and goal), tasks numbered 1、 with [] labels.
TWO_LEVEL_NOTICE = """2023年重点工作任务分解方案
一、全力抓好重点工作
（一）坚持常态化防控
1、切实抓好疫情防控工作。[牵头单位：区卫健局、区创文办；责任单位：区指挥部成员单位、各街办（新区）]
2、做好疫苗接种工作。[牵头单位：区卫健局]
（二）扩大有效投资
1、推进重大项目建设。[牵头区领导：周九；牵头单位：区发改局]
二、切实保障改善民生
（一）办好民生实事
1、新建学校三所。[牵头区领导：吴十；牵头单位：区教育局；协办单位：区住建局]
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_notice_with_label_lines_is_detected_and_loaded(run: Any, tmp_path: Path) -> None:
    path = write(tmp_path / "notice.txt", LINES_NOTICE)
    result = run("load", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["year"] == 2021 and report["input_format"] == "notice"
    assert report["tasks"] == 3 and report["goals"] == 2
    tasks = {t["code"]: t for t in tasks_json(run)}
    assert list(tasks) == ["1.1", "1.2", "2.1"]
    first = tasks["1.1"]
    assert first["section"] is None and "section" in first
    assert first["goal"] == "确保完成全年主要预期目标"
    assert first["standard"] == "地区生产总值增长8%以上。"
    assert first["leaders"] == ["张三"] and first["units"] == ["市发展改革委"]
    # a trailing 等 dropped; the shared-suffix enumeration stays one unit
    assert first["co_units"] == ["市经信局", "市商务局", "市交通局", "各县、市、区政府"]
    assert tasks["2.1"]["units"] == ["市行政审批局"]
    units = {u["name"] for u in json.loads(run("units", "-f", "json").stdout)}
    assert "县" not in units and "市" not in units


def test_what_the_reader_could_not_place_is_in_the_load_report(
        run: Any, tmp_path: Path) -> None:
    path = write(tmp_path / "notice2021.txt", LINES_NOTICE)
    result = run("load", str(path), "--dry-run", "--format", "json")
    assert result.exit_code == 0, result.output
    warnings = [r for r in json.loads(result.stdout)["repairs"] if r["kind"] == "warning"]
    messages = "\n".join(w["message"] for w in warnings)
    assert "督办要求" in messages  # text after a task's labels
    assert "督办领导" in messages  # an unknown label
    assert not any("printed again" in r["message"] for r in json.loads(result.stdout)["repairs"])
    shown = run("load", str(path))
    assert shown.exit_code == 0
    assert "Warnings:" in shown.stderr and "督办领导" in shown.stderr
    checked = json.loads(run("check", "--format", "json").stdout)
    assert any("督办领导" in w["message"] for w in checked["warnings"])


def test_bracket_labels(run: Any, tmp_path: Path) -> None:
    path = write(tmp_path / "brackets.txt", BRACKET_NOTICE)
    assert run("load", str(path), "-q").exit_code == 0
    tasks = {t["code"]: t for t in tasks_json(run, "--year", "2022")}
    assert tasks["1.1"]["standard"] == "地区生产总值增长11%。"
    assert tasks["1.1"]["leaders"] == ["李四"] and tasks["1.1"]["units"] == ["区发改局"]
    assert tasks["1.2"]["leaders"] == ["钱七"] and tasks["1.2"]["units"] == ["区财政局"]
    assert tasks["2.1"]["goal"] == "民生实事"
    # the reader's split is kept: 街道 after a 、 is not a wrapped line to glue to 各镇
    assert tasks["2.1"]["co_units"] == ["各镇", "街道"]


def test_two_heading_levels_give_section_and_goal(run: Any, tmp_path: Path) -> None:
    path = write(tmp_path / "plan.txt", TWO_LEVEL_NOTICE)
    assert run("load", str(path), "--year", "2023", "-q").exit_code == 0
    tasks = tasks_json(run)
    assert [(t["code"], t["section"], t["goal"]) for t in tasks] == [
        ("1.1", "全力抓好重点工作", "坚持常态化防控"),
        ("1.2", "全力抓好重点工作", "坚持常态化防控"),
        ("2.1", "全力抓好重点工作", "扩大有效投资"),
        ("3.1", "切实保障改善民生", "办好民生实事"),
    ]
    first = tasks[0]
    assert first["units"] == ["区卫健局", "区创文办"]
    assert first["co_units"] == ["区指挥部成员单位", "各街办（新区）"]  # 责任单位 next to 牵头
    assert first["leaders"] == []  # tasks without a leader are allowed
    assert not first["leaders_inherited"]
    assert tasks[2]["leaders"] == ["周九"] and tasks[3]["co_units"] == ["区住建局"]
    goals = json.loads(run("goals", "-f", "json").stdout)
    assert [g["section"] for g in goals] == ["全力抓好重点工作"] * 2 + ["切实保障改善民生"]
    assert "类别" in run("goals", env={"TASKDUTY_LANG": "zh"}).stdout


def test_convert_notice_to_the_clean_csv_layout(run: Any, tmp_path: Path) -> None:
    path = write(tmp_path / "plan.txt", TWO_LEVEL_NOTICE)
    result = run("convert", str(path))
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["序号", "目标名称", "工作标准", "分管领导", "牵头单位", "配合单位", "类别"]
    assert rows[1] == ["1", "坚持常态化防控", "切实抓好疫情防控工作。", "", "区卫健局、区创文办",
                       "区指挥部成员单位、各街办（新区）", "全力抓好重点工作"]
    one_level = list(csv.reader(io.StringIO(
        run("convert", str(write(tmp_path / "n.txt", LINES_NOTICE))).stdout)))
    assert one_level[0] == ["序号", "目标名称", "工作标准", "分管领导", "牵头单位", "配合单位"]
    assert one_level[1][5] == "市经信局、市商务局、市交通局、各县、市、区政府"


def test_converted_notice_loads_like_the_notice(run: Any, tmp_path: Path) -> None:
    for name, text in (("a.txt", LINES_NOTICE), ("b.txt", TWO_LEVEL_NOTICE)):
        notice = write(tmp_path / name, text)
        out = tmp_path / f"{name}.csv"
        assert run("convert", str(notice), "-o", str(out)).exit_code == 0
        assert run("load", str(notice), "--year", "2030", "-q").exit_code == 0
        from_notice = tasks_json(run, "--year", "2030")
        again = run("load", str(out), "--year", "2030")
        assert again.exit_code == 0 and "Unchanged" in again.stderr  # the same content
        assert run("load", str(out), "--year", "2031", "-q").exit_code == 0
        from_csv = tasks_json(run, "--year", "2031")
        assert [{**t, "year": 2030} for t in from_csv] == from_notice
        assert run("unload", "2030").exit_code == 0 and run("unload", "2031").exit_code == 0


def test_notice_in_a_docx_without_a_table(run: Any, tmp_path: Path) -> None:
    doc = docx.Document()
    for line in TWO_LEVEL_NOTICE.splitlines():
        doc.add_paragraph(line)
    path = tmp_path / "方案.docx"
    doc.save(path)
    result = run("load", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["input_format"] == "notice"
    tasks = tasks_json(run, "--year", "2023")
    assert len(tasks) == 4 and tasks[0]["section"] == "全力抓好重点工作"
    assert tasks[0]["units"] == ["区卫健局", "区创文办"]


def test_input_format_notice_forces_the_reader(run: Any, tmp_path: Path) -> None:
    path = write(tmp_path / "plan.text", BRACKET_NOTICE)
    forced = run("load", str(path), "--input-format", "notice", "-q")
    assert forced.exit_code == 0, forced.output
    assert len(tasks_json(run, "--year", "2022")) == 3
    as_table = run("convert", str(path), "--input-format", "text")
    assert as_table.exit_code == 1 and "Error:" in as_table.stderr
    unknown = run("convert", str(path), "--input-format", "pdf")
    assert unknown.exit_code == 2 and "notice" in unknown.stderr


def test_text_that_is_neither_table_nor_notice(run: Any, tmp_path: Path) -> None:
    path = write(tmp_path / "memo.txt", "关于开会的通知\n请各单位准时参加。\n")
    result = run("load", str(path), "--year", "2024")
    assert result.exit_code == 1 and "Error:" in result.stderr
    assert "Traceback" not in result.output
