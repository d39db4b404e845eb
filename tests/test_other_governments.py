"""Tables and notices laid out as other governments publish them, run through the CLI.
Every name and text here is invented, in the real documents' shapes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def load(run: Any, path: Path, *args: str) -> dict[str, Any]:
    result = run("load", str(path), "--year", "2023", "-f", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def tasks(run: Any) -> list[dict[str, Any]]:
    result = run("tasks", "--year", "2023", "-f", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def messages(report: dict[str, Any]) -> list[str]:
    return [f"{r['ref']}: {r['message']}" for r in report["repairs"]]


GROUPED = (
    "某市2023年重点工作责任分解\n"
    "一、上级报告涉及本市的任务\n"
    "序号\t重点工作任务（本市3项）\t责任单位\n"
    "（一）钱二副市长牵头重点工作\t\t\n"
    "1\t稳定粮食播种面积。\t\"市农业局、市资源局、市商务局（市粮食局）\n省牵头单位：省农业厅\"\n"
    "（二）孙三副市长牵头重点工作\t\t\n"
    "2\t扩大居民消费，办好购物节。\t市商务局，市发改委\n"
    "二、本市报告的任务\t\t\n"
    "序号\t重点工作任务\t责任单位\n"
    "（一）李四常务副市长牵头重点工作\t\t\n"
    "1*\t建设科创走廊。\t走廊管委会，市科技局、市经信局\n"
)


def test_three_column_tab_table_with_group_rows_naming_leaders(run: Any,
                                                              tmp_path: Path) -> None:
    path = tmp_path / "分解.tsv"
    path.write_text(GROUPED, encoding="utf-8")
    report = load(run, path)
    got = tasks(run)
    assert [(t["section"], t["goal"], t["leaders"]) for t in got] == [
        ("上级报告涉及本市的任务", "钱二副市长牵头重点工作", ["钱二"]),
        ("上级报告涉及本市的任务", "孙三副市长牵头重点工作", ["孙三"]),
        ("本市报告的任务", "李四常务副市长牵头重点工作", ["李四"])]
    assert got[0]["standard"] == "稳定粮食播种面积。"
    assert got[0]["units"] == ["市农业局", "市资源局", "市商务局（市粮食局）"]
    assert got[0]["co_units"] == []
    assert got[2]["units"] == ["走廊管委会", "市科技局", "市经信局"]
    # the province's lead department is a note on the task, not this city's unit
    assert any("1.1" in m and "省牵头单位：省农业厅" in m for m in messages(report))


def test_lead_first_option_and_the_rule_stated_in_the_title(run: Any,
                                                           tmp_path: Path) -> None:
    path = tmp_path / "分解.tsv"
    path.write_text(GROUPED, encoding="utf-8")
    load(run, path, "--lead-first")
    got = tasks(run)
    assert [(t["units"], t["co_units"]) for t in got] == [
        (["市农业局"], ["市资源局", "市商务局（市粮食局）"]),
        (["市商务局"], ["市发改委"]),
        (["走廊管委会"], ["市科技局", "市经信局"])]
    stated = tmp_path / "stated.tsv"
    stated.write_text(GROUPED.replace("某市2023年重点工作责任分解\n",
                                      "某市2023年重点工作责任分解（列第一位者为牵头单位）\n"),
                      encoding="utf-8")
    other = tmp_path / "other.db"
    result = run("--db", str(other), "load", str(stated), "--year", "2023")
    assert result.exit_code == 0, result.stderr
    result = run("--db", str(other), "tasks", "--year", "2023", "-f", "json")
    assert [t["units"] for t in json.loads(result.stdout)] == [
        ["市农业局"], ["市商务局"], ["走廊管委会"]]


def test_title_row_above_header_and_the_only_text_column_is_the_task(
        run: Any, tmp_path: Path) -> None:
    path = tmp_path / "清单.tsv"
    path.write_text(
        "某区2023年重点工作及责任清单，请各单位对照落实\n"
        "序  号\t重 点 工 作\t责任领导\t责 任 单 位\t完成时限\n"
        "1\t优化项目服务机 制，推动重点项目落地。\t周五\t招商部、服务部\t全年\n"
        "2\t盘活闲置土地200亩。\t吴六\t改革办\t9月底\n", encoding="utf-8")
    load(run, path)
    got = tasks(run)
    assert [t["standard"] for t in got] == ["优化项目服务机 制，推动重点项目落地。",
                                           "盘活闲置土地200亩。"]
    assert [t["leaders"] for t in got] == [["周五"], ["吴六"]]
    assert [t["units"] for t in got] == [["招商部", "服务部"], ["改革办"]]
    assert [t["deadline"] for t in got] == ["全年", "9月底"]


def test_cells_with_labels_role_words_and_space_separated_units(run: Any,
                                                               tmp_path: Path) -> None:
    path = tmp_path / "表.csv"
    path.write_text(
        "序号,目标任务,工作内容,分管领导,责任单位\n"
        '1,稳就业,新增就业5000人。,郑七,"牵头单位：区人社局\n配合单位：区财政局"\n'
        "2,稳就业,开发公益岗位100个。,郑七,区人社局牵头，区民政局配合\n"
        "3,稳就业,开展技能培训。,郑七,区人社局 区农业农村局\n"
        "4,稳就业,兜底安置就业困难人员。,郑七,编  办\n", encoding="utf-8")
    load(run, path)
    got = tasks(run)
    assert [(t["units"], t["co_units"]) for t in got] == [
        (["区人社局"], ["区财政局"]), (["区人社局"], ["区民政局"]),
        (["区人社局", "区农业农村局"], []), (["编办"], [])]


def test_dry_run_json_shows_the_parse(run: Any, tmp_path: Path) -> None:
    path = tmp_path / "通知.txt"
    path.write_text("一、稳增长\n1、扩大有效投资。（甲局牵头，乙局配合）\n", encoding="utf-8")
    report = load(run, path, "--dry-run")
    assert report["parse"] == [{
        "code": "1.1", "section": None, "goal": "稳增长", "standard": "扩大有效投资。",
        "leaders": [], "units": ["甲局"], "co_units": ["乙局"], "deadline": None,
        "ref": "paragraph 2"}]
    assert run("tasks", "--year", "2023", "-f", "json").exit_code != 0  # nothing written


def test_numbered_heading_rows_inside_a_table_are_goals(run: Any, tmp_path: Path) -> None:
    path = tmp_path / "表.csv"
    path.write_text(
        "序号,主要任务,责任单位\n"
        "一,稳定经济增长,\n"
        "1,工业增加值增长6%。,县工信局\n"
        "2,社零总额增长7%。,县商务局\n"
        "二,改善民生,\n"
        "3,新增就业800人。,县人社局\n", encoding="utf-8")
    report = load(run, path)
    got = tasks(run)
    assert [(t["code"], t["goal"]) for t in got] == [
        ("1.1", "稳定经济增长"), ("1.2", "稳定经济增长"), ("2.1", "改善民生")]
    assert not [m for m in messages(report) if "has no 牵头单位" in m]


def test_txt_tried_as_table_and_notice_says_what_each_saw(run: Any, tmp_path: Path) -> None:
    path = tmp_path / "通知.txt"
    path.write_text("关于做好某项工作的通知\n一、提高认识\n二、加强领导\n1.建立台账\n",
                    encoding="utf-8")
    result = run("load", str(path), "--year", "2023")
    assert result.exit_code == 1
    assert "as a table: no table header found" in result.stderr
    assert "as a notice: 3 numbered items, none with a responsibility label or bracket" in (
        result.stderr)
    assert "Hint:" in result.stderr
    tabbed = tmp_path / "表格.txt"
    tabbed.write_text("某县重点任务\n序号\t具体任务\t责任单位\n1\t修路10公里。\t县交通局\n",
                      encoding="utf-8")
    assert load(run, tabbed)["tasks"] == 1


def test_items_without_a_clause_are_in_the_load_report(run: Any, tmp_path: Path) -> None:
    path = tmp_path / "通知.txt"
    path.write_text("一、民生\n1.新建学校。（甲局负责）\n2.修缮体育馆。\n3.扩建医院。（乙局负责）\n",
                    encoding="utf-8")
    report = load(run, path, "--dry-run")
    assert report["tasks"] == 2
    assert any("paragraph 3" in m and "without a responsibility clause" in m
               for m in messages(report))


def test_web_table_copied_one_cell_per_line(run: Any, tmp_path: Path) -> None:
    path = tmp_path / "网页.txt"
    path.write_text(
        "某区2023年重点工作清单\n"
        "一、上级交办任务\n\n"
        "序号\n\n重点工作任务\n\n责任单位\n\n"
        "（一）钱二副区长牵头工作\n\n"
        "1\n\n修缮老旧小区10个。\n\n区住建局、区城管局\n\n市牵头单位：市住建局\n\n"
        "2\n\n新建公园2座。\n\n区园林局\n\n"
        "二、本区任务\n\n"
        "序号\n\n重点工作任务\n\n责任单位\n\n"
        "（一）孙三副区长牵头工作\n\n"
        "1\n\n招引项目8个。\n\n区投促局\n", encoding="utf-8")
    report = load(run, path)
    got = tasks(run)
    assert [(t["section"], t["goal"], t["leaders"], t["units"]) for t in got] == [
        ("上级交办任务", "钱二副区长牵头工作", ["钱二"], ["区住建局", "区城管局"]),
        ("上级交办任务", "钱二副区长牵头工作", ["钱二"], ["区园林局"]),
        ("本区任务", "孙三副区长牵头工作", ["孙三"], ["区投促局"])]
    assert any("市牵头单位：市住建局" in m for m in messages(report))
    bars = tmp_path / "竖线.txt"
    bars.write_text("某园区2023年重点工作\n序号 |\n重点工作 |\n责任领导 |\n责任单位 |\n"
                    "1 |\n建成标准厂房5万平方米。 |\n李四 |\n建设局 |\n"
                    "2 |\n引进企业20家。 |\n王五 |\n招商局、服务局 |\n", encoding="utf-8")
    other = tmp_path / "other.db"
    assert run("--db", str(other), "load", str(bars), "--year", "2023").exit_code == 0
    result = run("--db", str(other), "tasks", "--year", "2023", "-f", "json")
    assert [(t["leaders"], t["units"]) for t in json.loads(result.stdout)] == [
        (["李四"], ["建设局"]), (["王五"], ["招商局", "服务局"])]


def test_xlsx_heading_and_rule_above_the_header(run: Any, tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["某县2023年重点工作分解（责任单位中排在第一位的为牵头单位）"])
    ws.append(["一、稳定增长"])
    ws.append(["序号", "具体任务", "责任单位"])
    ws.append([1, "新开工项目20个。", "县发改局、县住建局"])
    path = tmp_path / "分解.xlsx"
    wb.save(path)
    load(run, path)
    (task,) = tasks(run)
    assert (task["goal"], task["units"], task["co_units"]) == ("稳定增长", ["县发改局"],
                                                              ["县住建局"])


def test_column_headers_in_the_clause_grammars_spellings(run: Any, tmp_path: Path) -> None:
    path = tmp_path / "表.csv"
    path.write_text("序号,主要任务,分管省领导,主要责任单位,协同配合单位\n"
                    "1,建成高速公路100公里。,冯甲副省长,省交通厅,省自然资源厅\n",
                    encoding="utf-8")
    load(run, path)
    (task,) = tasks(run)
    assert (task["leaders"], task["units"], task["co_units"]) == (
        ["冯甲"], ["省交通厅"], ["省自然资源厅"])


def test_merged_leader_cell_wins_over_a_heading_naming_a_leader(run: Any,
                                                                tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "具体任务", "分管领导", "责任单位"])
    ws.append(["一、钱二副区长牵头工作"])
    ws.merge_cells("A2:D2")
    ws.append([1, "甲任务。", "孙三", "甲局"])
    ws.append([2, "乙任务。", None, "乙局"])
    ws.merge_cells("C3:C4")
    ws.append([3, "丙任务。", None, "丙局"])
    path = tmp_path / "表.xlsx"
    wb.save(path)
    load(run, path)
    assert [t["leaders"] for t in tasks(run)] == [["孙三"], ["孙三"], ["孙三"]]
    ws["C3"] = None
    wb.save(path)
    other = tmp_path / "other.db"
    assert run("--db", str(other), "load", str(path), "--year", "2023").exit_code == 0
    result = run("--db", str(other), "tasks", "--year", "2023", "-f", "json")
    assert [t["leaders"] for t in json.loads(result.stdout)] == [["钱二"]] * 3
