"""The seed's Word-table text format, point by point, and the clean CSV made from it."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import SEED_CSV, SEED_TEXT
from taskduty.sources.wordtext import parse_word_text
from taskduty.table import clean_csv, normalise, read_table

HEADER = "\t序号\n\t目标名称\n\t工 作 标 准\n\t区政府分管领导\n\t牵头责任单位\n\n"


def table_from(text: str):
    return normalise(parse_word_text(" 2019年责任分解表\n" + HEADER + text))


def test_cells_rows_and_multi_values():
    t = table_from(
        "\t1\n\t目标甲\n\t任务一。\n\t张  三\n\n李四\n\t甲局\n乙局\n\n"
        "\t\n\t\n\t任务二。\n\t李四\n\t丙局\n\n丁局\n")
    assert [x.code for x in t.tasks] == ["1.1", "1.2"]
    assert t.tasks[0].leaders == ["张三", "李四"]
    assert t.tasks[0].units == ["甲局", "乙局"]
    assert t.tasks[1].units == ["丙局", "丁局"]
    assert t.title == "2019年责任分解表"


def test_blank_cells_inherit_within_goal_and_are_recorded():
    t = table_from(
        "\t1\n\t目标甲\n\t任务一。\n\t张三\n\t甲局\n\n"
        "\t\n\t\n\t任务二。\n\t\n\t\n\n"
        "\t2\n\t目标乙\n\t任务三。\n\t\n\t乙局\n")
    second, third = t.tasks[1], t.tasks[2]
    assert (second.leaders, second.units) == (["张三"], ["甲局"])
    assert second.leaders_inherited and second.units_inherited
    # a new goal does not inherit from the previous goal
    assert third.leaders == [] and not third.leaders_inherited
    messages = [r.message for r in t.repairs]
    assert any("1.2 分管领导" in m and "inherited 张三 from 1.1" in m for m in messages)
    assert any(r.kind == "warning" and "2.1 has no 分管领导" in r.message for r in t.repairs)


def test_page_break_repeat_continues_the_goal():
    t = table_from(
        "\t1\n\t目标甲\n\t任务一。\n\t张三\n\t甲局\n\n"
        "\t1\n\t目标甲\n\t任务二。\n\t\n\t乙局\n")
    assert [x.code for x in t.tasks] == ["1.1", "1.2"]
    assert t.tasks[1].leaders == ["张三"] and t.tasks[1].leaders_inherited
    assert any("printed again" in r.message for r in t.repairs)


def test_wrapped_unit_fragment_is_joined_and_reported():
    t = table_from(
        "\t1\n\t目标甲\n\t任务一。\n\t张三\n\t住房公积金\n中心\n\n西太湖科技\n\n产业园\n")
    assert t.tasks[0].units == ["住房公积金中心", "西太湖科技产业园"]
    repairs = [r.message for r in t.repairs if r.kind == "repaired"]
    assert len(repairs) == 2 and "'住房公积金' + '中心'" in repairs[0]


def test_truncated_last_row_counts_as_blank_cells():
    t = table_from("\t1\n\t目标甲\n\t任务一。\n\t张三\n\t甲局\n\n\t\n\t\n\t任务二。")
    last = t.tasks[-1]
    assert last.standard == "任务二。"
    assert last.leaders == ["张三"] and last.leaders_inherited
    assert last.units == ["甲局"] and last.units_inherited
    assert any("cut short" in r.message for r in t.repairs)


def test_seed_table_reads_completely():
    t = read_table(SEED_TEXT)
    assert len(t.tasks) == 114 and len(t.goals) == 23
    first = t.tasks[0]
    assert (first.code, first.goal) == ("1.1", "主要预期目标")
    assert first.standard == "地区生产总值增长8%。"
    assert (first.leaders, first.units) == (["陆秋明"], ["发改局"])
    by_code = {x.code: x for x in t.tasks}
    assert by_code["1.2"].leaders == ["戴士福", "陆秋明"]
    assert by_code["1.3"].units == ["经信局", "财政局"]
    assert by_code["2.1"].leaders == ["是峰"]  # padded "是  峰"
    assert by_code["2.4"].goal_no == 2  # the goal printed again after a page break
    assert by_code["11.3"].units[-1] == "住房公积金中心"
    assert by_code["1.6"].leaders_inherited and by_code["1.6"].units_inherited
    # every task has text, leaders and units after inheritance
    assert all(x.standard and x.leaders and x.units for x in t.tasks)
    # padded names never survive
    names = t.names("leaders") | t.names("units")
    assert not any(" " in n for n in names)
    last = t.tasks[-1]
    assert last.code == "23.5" and last.leaders_inherited and last.units_inherited


def test_seed_csv_is_the_convert_output(run, tmp_path: Path):
    out = tmp_path / "out.csv"
    result = run("convert", str(SEED_TEXT), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == SEED_CSV.read_bytes()
    assert SEED_CSV.read_bytes().startswith(b"\xef\xbb\xbf")
    header = clean_csv(read_table(SEED_TEXT)).splitlines()[0]
    assert header == "序号,目标名称,工作标准,分管领导,牵头单位"


def test_convert_to_stdout_has_no_bom_and_every_cell_filled(run):
    result = run("convert", str(SEED_TEXT))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert not lines[0].startswith("\ufeff")
    assert len(lines) == 115
    import csv

    rows = list(csv.reader(lines))
    assert all(all(cell for cell in row) for row in rows)


def test_text_and_csv_load_the_same_tasks(run, tmp_path: Path):
    def tasks(source: Path, db: str) -> list[dict]:
        env = {"TASKDUTY_DB": str(tmp_path / db)}
        assert run("load", str(source), "--year", "2018", env=env).exit_code == 0
        result = run("tasks", "--format", "json", env=env)
        return [{k: v for k, v in r.items() if not k.endswith("_inherited")}
                for r in json.loads(result.stdout)]

    assert tasks(SEED_TEXT, "a.db") == tasks(SEED_CSV, "b.db")


def test_a_notice_task_without_a_leader_inherits_nothing(tmp_path):
    notice = tmp_path / "n.txt"
    notice.write_text(
        "一、目标甲\n1. 任务一。\n牵头负责领导：张三。\n牵头单位：甲局。\n"
        "2. 任务二。\n牵头单位：乙局。\n", encoding="utf-8")
    t = read_table(notice)
    assert t.input_format == "notice"
    second = t.tasks[1]
    assert second.leaders == [] and not second.leaders_inherited
    assert second.units == ["乙局"]
    assert not any(r.kind in ("inherited", "warning") for r in t.repairs)
