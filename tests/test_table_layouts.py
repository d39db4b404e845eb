"""Table layouts seen in other governments' tables: heading rows, task-numbered 序号,
no 目标名称 column."""

from __future__ import annotations

from taskduty.sources.base import SourceCell, SourceRow, SourceTable
from taskduty.table import normalise, strip_numbering


def table(header: list[str], rows: list[list[str]], fmt: str = "xlsx") -> SourceTable:
    return SourceTable(
        header=header,
        rows=[SourceRow([SourceCell([v] if v else []) for v in r], f"row {i}")
              for i, r in enumerate(rows, start=3)],
        input_format=fmt)


def test_heading_rows_give_the_goals_when_there_is_no_goal_column():
    t = normalise(table(
        ["序号", "工作任务", "责任领导", "牵头单位"],
        [["一、稳增长", "", "", ""],
         ["1", "地区生产总值增长7%。", "张三", "发改局"],
         ["2", "固定资产投资增长8%。", "", "发改局"],
         ["二、促改革", "", "", ""],
         ["3", "深化放管服改革。", "李四", "政务办"]]))
    assert [(x.code, x.goal) for x in t.tasks] == [
        ("1.1", "稳增长"), ("1.2", "稳增长"), ("2.1", "促改革")]
    assert t.tasks[1].leaders == ["张三"] and t.tasks[1].leaders_inherited
    assert not any(r.kind == "warning" for r in t.repairs)


def test_heading_rows_are_sections_when_a_goal_column_exists():
    t = normalise(table(
        ["序号", "目标任务", "工作标准", "分管领导", "牵头单位"],
        [["一、经济发展", "一、经济发展", "一、经济发展", "一、经济发展", "一、经济发展"],
         ["1", "稳增长", "任务甲。", "张三", "甲局"],
         ["2", "促投资", "任务乙。", "李四", "乙局"]]))
    assert [(x.code, x.goal, x.section) for x in t.tasks] == [
        ("1.1", "稳增长", "经济发展"), ("2.1", "促投资", "经济发展")]


def test_sequence_numbers_per_task_do_not_split_a_merged_goal():
    merged = SourceCell([], merged=True)
    src = table(["序号", "目标名称", "工作标准", "分管领导", "牵头单位"],
                [["1", "稳增长", "任务甲。", "张三", "甲局"],
                 ["2", "", "任务乙。", "张三", "乙局"],
                 ["3", "", "任务丙。", "李四", "丙局"],
                 ["4", "促改革", "任务丁。", "王五", "丁局"]])
    src.rows[1].cells[1] = merged
    src.rows[2].cells[1] = merged
    t = normalise(src)
    assert [(x.code, x.goal) for x in t.tasks] == [
        ("1.1", "稳增长"), ("1.2", "稳增长"), ("1.3", "稳增长"), ("2.1", "促改革")]
    assert any("序号 numbers the tasks" in r.message for r in t.repairs)
    assert not any(r.kind == "warning" for r in t.repairs)


def test_goal_numbers_per_goal_are_kept():
    t = normalise(table(["序号", "目标名称", "工作标准", "分管领导", "牵头单位"],
                        [["1", "稳增长", "任务甲。", "张三", "甲局"],
                         ["", "", "任务乙。", "", "乙局"],
                         ["3", "促改革", "任务丙。", "李四", "丙局"]]))
    assert [x.code for x in t.tasks] == ["1.1", "1.2", "3.1"]
    assert not any("序号 numbers the tasks" in r.message for r in t.repairs)


def test_goal_numbers_stay_goal_numbers_when_goal_names_repeat():
    # Ten goals under four names (sections of a real table reuse names like 其他工作): more
    # distinct 序号 than names, but 序号 never changes inside a goal, so it numbers goals.
    names = ["稳增长", "促改革", "惠民生", "其他工作"]
    rows = []
    for no in range(1, 11):
        rows += [[str(no), names[no % 4], f"目标{no}的任务{k}。", "张三", "甲局"]
                 for k in (1, 2)]
    t = normalise(table(["序号", "目标名称", "工作标准", "分管领导", "牵头单位"], rows))
    assert [x.code for x in t.tasks] == [f"{no}.{k}" for no in range(1, 11) for k in (1, 2)]
    assert [x.goal for x in t.tasks[::2]] == [names[no % 4] for no in range(1, 11)]
    assert not any("序号 numbers the tasks" in r.message for r in t.repairs)


def test_goal_numbers_on_first_rows_only_with_repeated_names_are_kept():
    # 序号 and 目标名称 written once per goal (the cells below left blank), names repeating.
    rows = []
    for no, name in enumerate(["稳增长", "其他工作", "促改革", "其他工作", "惠民生"], start=1):
        rows += [[str(no), name, f"目标{no}的任务甲。", "张三", "甲局"],
                 ["", "", f"目标{no}的任务乙。", "", "乙局"]]
    t = normalise(table(["序号", "目标名称", "工作标准", "分管领导", "牵头单位"], rows))
    assert [x.code for x in t.tasks] == [f"{no}.{k}" for no in range(1, 6) for k in (1, 2)]
    assert [x.goal for x in t.tasks if x.goal_no == 4] == ["其他工作", "其他工作"]
    assert not any("序号 numbers the tasks" in r.message for r in t.repairs)


def test_no_goal_column_and_no_headings_is_one_goal():
    t = normalise(table(["序号", "工作任务", "责任领导", "牵头单位"],
                        [["1", "任务甲。", "张三", "甲局"], ["2", "任务乙。", "李四", "乙局"]]))
    assert [(x.code, x.goal) for x in t.tasks] == [("1.1", "全部任务"), ("1.2", "全部任务")]
    assert any("one goal" in r.message for r in t.repairs)


def test_a_goal_name_alone_in_its_row_is_not_a_heading():
    t = normalise(table(["序号", "目标名称", "工作标准", "分管领导", "牵头单位"],
                        [["", "稳增长", "", "", ""],
                         ["", "", "任务甲。", "张三", "甲局"]]))
    assert [(x.code, x.goal, x.section) for x in t.tasks] == [("1.1", "稳增长", None)]


def test_strip_numbering():
    assert strip_numbering("一、经济发展") == "经济发展"
    assert strip_numbering("（二）深化改革") == "深化改革"
    assert strip_numbering("3. 民生") == "民生"
    assert strip_numbering("第一项 稳增长") == "稳增长"
    assert strip_numbering("2019年目标") == "2019年目标"


def test_header_variants_of_other_governments():
    from taskduty.fields import map_header

    assert map_header(["序号", "重点工作", "具体措施", "牵头市领导", "牵头单位（部门）",
                       "配合单位", "完成时限"]) == {
        "goal_no": 0, "goal": 1, "standard": 2, "leaders": 3, "units": 4, "co_units": 5,
        "deadline": 6}
    # two task-text columns and no goal column: the first holds the goals
    found = map_header(["序号", "重点任务", "具体措施", "联系领导", "责任单位"])
    assert (found["goal"], found["standard"], found["units"]) == (1, 2, 4)
    # 责任单位 beside a lead-unit column is the cooperating units
    found = map_header(["编号", "工作任务", "区委分管领导", "牵头部门", "责任单位"])
    assert (found["leaders"], found["units"], found["co_units"]) == (2, 3, 4)


def test_tasks_by_cooperating_unit(run, tmp_path):
    import json

    path = tmp_path / "co.csv"
    path.write_text("序号,目标名称,工作标准,分管领导,牵头单位,配合单位\n"
                    "1,目标甲,任务一。,张三,发改局,财政局、统计局\n"
                    "1,目标甲,任务二。,张三,财政局,发改局\n"
                    "2,目标乙,任务三。,李四,统计局,\n", encoding="utf-8")
    assert run("load", str(path), "--year", "2019").exit_code == 0
    result = run("tasks", "--co-unit", "财政", "-f", "json")
    assert result.exit_code == 0, result.output
    assert [r["code"] for r in json.loads(result.stdout)] == ["1.1"]
    lead = json.loads(run("tasks", "--unit", "财政局", "-f", "json").stdout)
    assert [r["code"] for r in lead] == ["1.2"]
    both = json.loads(run("tasks", "-u", "统计局", "-c", "统计局", "-f", "json").stdout)
    assert both == []  # different flags combine with AND


def test_released_rows_give_the_same_table_and_are_dropped_from_the_source():
    """``release_rows``: the load's normalising drops each row once read, and reads the
    table exactly as a normalising that keeps them (headings, fill-down, lead-first)."""
    rows = [["一、稳增长", "", "", ""],
            ["1", "地区生产总值增长7%。", "张三", "发改局、财政局"],
            ["2", "固定资产投资增长8%。", "", ""],
            ["注：列第一位者为牵头单位。", "", "", ""],
            ["二、促改革", "", "", ""],
            ["3", "深化放管服改革。", "李四", "政务办"]]
    header = ["序号", "工作任务", "责任领导", "责任单位"]
    kept_source = table(header, rows)
    kept = normalise(kept_source)
    released_source = table(header, rows)
    released = normalise(released_source, release_rows=True)
    assert released.tasks == kept.tasks and released.repairs == kept.repairs
    assert released.content_hash() == kept.content_hash()
    assert [r.ref for r in kept_source.rows] == [f"row {i}" for i in range(3, 9)]
    assert all(not r.cells for r in released_source.rows)
    assert any(t.co_units for t in kept.tasks)  # the rule below the rows applied to both
