"""``tasks`` filters: leader, unit, goal, search, year, their combinations, natural order.

The ``plan`` fixture's table (11 goals, 12 tasks in goal 1) is ``helpers.ROWS``.
"""

from __future__ import annotations

import json

from helpers import ROWS, codes, expected, load_plan


def test_natural_code_order(plan):
    found = codes(plan)
    assert len(found) == len(ROWS) == 22
    assert found[:12] == [f"1.{i}" for i in range(1, 13)]  # 1.2 before 1.10
    assert found[12:] == [f"{n}.1" for n in range(2, 12)]  # 2.1 … 9.1 before 10.1, 11.1
    table = plan("tasks").stdout
    assert table.index("1.2 ") < table.index("1.10") < table.index("1.11")
    assert table.index("9.1 ") < table.index("10.1") < table.index("11.1")


def test_leader_filter(plan):
    assert codes(plan, "--leader", "张强") == expected(lambda r, ls, us: "张强" in ls)
    # A task with an inherited leader cell counts for the inherited leader.
    assert "1.4" in codes(plan, "-l", "王五")


def test_repeated_leader_means_any(plan):
    both = codes(plan, "-l", "张强", "-l", "张小虎")
    assert both == expected(lambda r, ls, us: "张强" in ls or "张小虎" in ls)
    assert len(both) > len(codes(plan, "-l", "张强"))


def test_unit_filter_and_repeat(plan):
    assert codes(plan, "--unit", "财政局") == ["1.2", "1.3", "1.4"]
    assert codes(plan, "-u", "住建局", "-u", "商务局") == expected(
        lambda r, ls, us: "住建局" in us or "商务局" in us)


def test_different_filters_combine_with_and(plan):
    assert codes(plan, "-l", "张强", "-u", "经信局") == ["1.3", "1.4", "1.8"]
    assert codes(plan, "-l", "王五", "-l", "张小虎", "-u", "财政局") == ["1.2", "1.3", "1.4"]
    assert codes(plan, "-l", "王五", "-l", "张小虎", "-u", "财政局", "-u", "科技局") == [
        "1.2", "1.3", "1.4", "1.12"]
    assert codes(plan, "-l", "王五", "-g", "1") == ["1.3", "1.4", "1.5", "1.6", "1.10"]
    assert codes(plan, "-l", "王五", "-g", "1", "-u", "商务局") == ["1.5", "1.6"]
    assert codes(plan, "-q", "污水", "-l", "张强", "-g", "10") == ["10.1"]
    assert codes(plan, "-l", "张小虎", "-u", "住建局") == []


def test_goal_filter(plan):
    assert codes(plan, "--goal", "1") == [f"1.{i}" for i in range(1, 13)]
    assert codes(plan, "-g", "10") == ["10.1"]


def test_unknown_goal_is_an_error(plan):
    result = plan("tasks", "-g", "12")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Error: no goal 12 in 2019",
        "Hint: goals are numbered 1–11; list them with: taskduty goals"]


def test_search_in_standard_and_goal(plan):
    # 1.11 mentions 污水 in its text, 10.1 only in its goal's name.
    assert codes(plan, "--search", "污水") == ["1.11", "10.1"]
    assert codes(plan, "-q", "增长10%") == ["1.3", "1.6"]
    assert codes(plan, "-q", "第3项") == ["3.1"]
    assert codes(plan, "-q", "没有这样的话") == []


def test_search_treats_like_wildcards_literally(plan):
    assert codes(plan, "-q", "%") == expected(lambda r, ls, us: "%" in r[2])
    assert codes(plan, "-q", "_") == []


def test_year_defaults_to_latest_and_can_be_chosen(plan, tmp_path):
    older = [(1, "旧目标", "二〇一八年的任务。", "张强", "发改局")]
    load_plan(plan, tmp_path, "2018", older)
    assert codes(plan) == codes(plan, "--year", "2019")
    assert len(codes(plan)) == 22
    rows = json.loads(plan("tasks", "-y", "2018", "-f", "json").stdout)
    assert [(r["year"], r["code"], r["standard"]) for r in rows] == [
        (2018, "1.1", "二〇一八年的任务。")]
    # names resolve against the chosen year: 王五 has no task in 2018
    missing = plan("tasks", "-y", "2018", "-l", "王五")
    assert missing.exit_code == 1 and missing.stderr.startswith("Error: unknown leader '王五'")


def test_unloaded_year_is_an_error(plan):
    result = plan("tasks", "--year", "2017")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["Error: no table loaded for 2017",
                                          "Hint: loaded years: 2019"]


def test_count_goes_to_stderr(plan):
    result = plan("tasks", "-l", "张强")
    assert result.stderr.strip() == f"{len(expected(lambda r, ls, us: '张强' in ls))} tasks"
    # stdout holds the table (its caption names the year and count), never the bare count line
    assert result.stderr.strip() not in [line.strip() for line in result.stdout.splitlines()]
