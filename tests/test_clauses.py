"""The responsibility-clause grammar (labels, role words, brackets, rules) and the notice
reader built on it. Every text here is invented, in the shapes real documents use."""

from __future__ import annotations

import pytest

from taskduty.clauses import (
    bracket_clause,
    heading_responsibility,
    label_kind,
    labelled,
    parse_roles,
    space_split,
    split_tasks,
    states_rule,
    strip_title,
)
from taskduty.sources.notice import parse_notice
from taskduty.table import normalise


@pytest.mark.parametrize(("label", "kind"), [
    ("分管领导", "leaders"), ("责任领导", "leaders"), ("牵头领导", "leaders"),
    ("牵头负责领导", "leaders"), ("分管省领导", "leaders"), ("分管市领导", "leaders"),
    ("牵头市领导", "leaders"), ("分管县领导", "leaders"), ("联系领导", "leaders"),
    ("区政府分管领导", "leaders"), ("牵 头 领 导", "leaders"),
    ("牵头单位", "units"), ("牵头部门", "units"), ("牵头责任单位", "units"),
    ("主办单位", "units"), ("配合单位", "co_units"), ("配合部门", "co_units"),
    ("协办单位", "co_units"), ("参与单位", "co_units"), ("参与部门", "co_units"),
    ("协同责任单位", "co_units"), ("责任单位", "plain"), ("责任部门", "plain"),
    ("部门分工", "combined"), ("责任分工", "combined"), ("分工", "combined"),
    ("完成时限", "deadline"), ("时间节点", "deadline"),
    ("责任单位（列第一位者为牵头单位）", "plain"),
])
def test_label_spellings(label: str, kind: str) -> None:
    found = label_kind(label)
    assert found is not None and found[0] == kind


def test_level_words_of_unit_labels_and_unknown_labels() -> None:
    assert label_kind("省牵头单位") == ("units", "省")
    assert label_kind("市配合单位") == ("co_units", "市")
    assert label_kind("牵头单位") == ("units", None)
    assert label_kind("督办单位") is None
    assert label_kind("联系电话") is None


@pytest.mark.parametrize(("value", "units", "co"), [
    ("甲市发改委牵头，乙局配合", ["甲市发改委"], ["乙局"]),
    ("甲局牵头，乙局、丙局参与", ["甲局"], ["乙局", "丙局"]),
    ("甲局负责", ["甲局"], []),
    ("甲局、乙局等负责", ["甲局", "乙局"], []),
    ("甲局牵头落实", ["甲局"], []),
    ("甲局会同乙局", ["甲局"], ["乙局"]),
    ("甲局、乙局分别牵头", ["甲局", "乙局"], []),
    ("甲局牵头，各地、各部门配合。", ["甲局"], ["各地", "各部门"]),
    ("甲局牵头，乙局等相关部门按职责分工负责", ["甲局"], ["乙局"]),
    ("★甲局、乙局", ["甲局"], ["乙局"]),
    ("甲局（牵头）、乙局", ["甲局"], ["乙局"]),
    ("甲局、乙局等，各县（市、区）政府", ["甲局", "乙局", "各县（市、区）政府"], []),
])
def test_role_words_say_who_leads(value: str, units: list[str], co: list[str]) -> None:
    clause = parse_roles(value)
    assert (clause.units, clause.co_units) == (units, co)


def test_role_words_mark_the_lead_but_a_plain_list_does_not() -> None:
    assert parse_roles("甲局牵头，乙局配合").marked
    assert not parse_roles("甲局、乙局").marked
    assert not parse_roles("甲局、乙局等负责").marked


def test_labels_together() -> None:
    clause = labelled([("牵头单位", "甲局"), ("责任单位", "乙局、丙局"),
                       ("完成时限", "6月底前。")])
    assert (clause.units, clause.co_units, clause.deadline) == (["甲局"], ["乙局", "丙局"],
                                                                "6月底前")
    alone = labelled([("责任单位", "乙局、丙局")])
    assert (alone.units, alone.co_units, alone.marked) == (["乙局", "丙局"], [], False)
    combined = labelled([("分管省领导", "赵一"), ("部门分工", "甲厅牵头，乙厅配合。")])
    assert (combined.leaders, combined.units, combined.co_units) == (["赵一"], ["甲厅"],
                                                                    ["乙厅"])


@pytest.mark.parametrize("content", [
    "甲局牵头", "甲局牵头，乙局配合", "甲局、乙局等负责", "甲局牵头落实", "甲局、乙局",
    "钱二副市长牵头，甲局负责",
])
def test_end_brackets_that_are_clauses(content: str) -> None:
    clause = bracket_clause(content)
    assert clause is not None and (clause.units or clause.leaders)


@pytest.mark.parametrize("content", [
    "2025年", "含市直部门", "力争完成", "8项", "全市", "以上均为约数", "不含新区",
])
def test_end_brackets_of_ordinary_words(content: str) -> None:
    assert bracket_clause(content) is None


def test_stated_rules() -> None:
    assert states_rule("（列第一位者为牵头单位，下同）")
    assert states_rule("排在第一位的为牵头单位")
    assert states_rule("责任分解中，列第一位的责任单位为牵头单位或汇总单位。")
    assert not states_rule("各牵头单位要加强协调")
    rule = bracket_clause("列第一位者为牵头单位，下同")
    assert rule is not None and rule.rule and not rule.units


def test_headings_naming_people_and_units() -> None:
    assert heading_responsibility("孙七副市长牵头重点工作").leaders == ["孙七"]
    assert heading_responsibility("周八同志分管工作").leaders == ["周八"]
    assert heading_responsibility("吴九副县长联系").leaders == ["吴九"]
    assert heading_responsibility("郑十常务副区长牵头").leaders == ["郑十"]
    assert heading_responsibility("县农业局牵头工作（5项）").units == ["县农业局"]
    assert heading_responsibility("稳定经济增长") is None
    assert strip_title("钱二副市长") == "钱二"


def test_several_tasks_in_one_paragraph() -> None:
    pieces = split_tasks("加快甲项目建设。（甲局牵头）推进乙工程。（乙局、丙局等负责）")
    assert [p for p, _ in pieces] == ["加快甲项目建设。", "推进乙工程。（乙局、丙局等负责）"]
    assert pieces[0][1] is not None and pieces[0][1].units == ["甲局"]
    assert split_tasks("完成（含续建）项目10个。") == [("完成（含续建）项目10个。", None)]


def test_spaces_between_unit_names_and_padded_names() -> None:
    assert space_split("区人社局 区农业农村局") == ["区人社局", "区农业农村局"]
    assert space_split("编  办") == ["编  办"]
    assert space_split("区 发改局") == ["区 发改局"]
    assert space_split("住房公积金 中心") == ["住房公积金 中心"]


# --- the notice reader on the grammar ----------------------------------------------------


def row(table, i: int) -> dict[str, list[str]]:
    return {h: c.values for h, c in zip(table.header, table.rows[i].cells, strict=True)}


def test_unlabelled_end_brackets_and_an_ordinary_bracket() -> None:
    table = parse_notice([
        "某省政府工作分工",
        "1、推进甲产业链延链补链（含配套项目）。（甲厅、乙厅等负责）",
        "2、实施丙工程。（丙厅牵头）",
        "3、完成丁任务（2025年）。（丁厅牵头，戊厅配合）",
    ])
    assert [row(table, i)["牵头单位"] for i in range(3)] == [["甲厅", "乙厅"], ["丙厅"],
                                                            ["丁厅"]]
    assert row(table, 0)["工作标准"] == ["推进甲产业链延链补链（含配套项目）。"]
    assert row(table, 2)["工作标准"] == ["完成丁任务（2025年）。"]
    assert row(table, 2)["配合单位"] == ["戊厅"]


def test_several_tasks_in_one_notice_paragraph() -> None:
    table = parse_notice(["一、稳增长",
                          "1、扩大有效投资。（甲局牵头）促进消费回升。（乙局负责）"])
    assert [row(table, i)["工作标准"] for i in range(2)] == [["扩大有效投资。"],
                                                            ["促进消费回升。"]]
    assert [row(table, i)["牵头单位"] for i in range(2)] == [["甲局"], ["乙局"]]


def test_combined_label_and_level_leader_label() -> None:
    table = parse_notice(["一、主要预期目标", "1.地区生产总值增长5%。", "分管省领导：钱二",
                          "部门分工：甲厅牵头，各地、各部门配合。"])
    r = row(table, 0)
    assert (r["分管领导"], r["牵头单位"], r["配合单位"]) == (["钱二"], ["甲厅"],
                                                         ["各地", "各部门"])


def test_heading_levels_dash_lenticular_and_parts() -> None:
    table = parse_notice([
        "第一部分 深化改革",
        "【优化营商环境】",
        "1、压缩审批时间。（甲局牵头）",
        "第二部分 扩大开放",
        "——在引进外资上用力",
        "2、引进外资项目。（乙局牵头）",
    ])
    assert row(table, 0)["目标名称"] == ["优化营商环境"]
    assert row(table, 0)["类别"] == ["深化改革"]
    assert row(table, 1)["目标名称"] == ["在引进外资上用力"]
    assert row(table, 1)["类别"] == ["扩大开放"]


def test_innermost_heading_is_goal_and_the_one_above_is_section() -> None:
    table = parse_notice(["一、发展经济", "（一）稳工业", "1.抓技改",
                          "（1）技改投资增长10%。（甲局牵头）"])
    r = row(table, 0)
    assert (r["类别"], r["目标名称"]) == (["稳工业"], ["抓技改"])


def test_preamble_numbered_lines_and_notice_paragraphs_are_not_goals() -> None:
    table = parse_notice([
        "关于印发某县2024年重点工作分解的通知",
        "附件：1.重点工作分解表",
        "2.民生实事分解表",
        "一、提高认识",
        "二、强化督查",
        "一、经济发展",
        "1.工业增加值增长7%。",
        "责任单位：县工信局",
        "2.新增市场主体1000户。",
        "责任单位：县市场监管局",
    ])
    assert len(table.rows) == 2
    assert [row(table, i)["目标名称"] for i in range(2)] == [["经济发展"], ["经济发展"]]


def test_heading_names_leader_and_unit_for_tasks_without_their_own() -> None:
    table = parse_notice([
        "一、孙七副县长牵头工作",
        "1.新建农贸市场2个。（县商务局负责）",
        "2.改造背街小巷10条。（县住建局负责）",
        "二、县教育局牵头工作（2项）",
        "1.新建幼儿园1所。",
        "2.招聘教师50名。",
    ])
    assert [row(table, i)["分管领导"] for i in range(4)] == [["孙七"], ["孙七"], [], []]
    assert [row(table, i)["牵头单位"] for i in range(4)] == [
        ["县商务局"], ["县住建局"], ["县教育局"], ["县教育局"]]


def test_deadline_label_line_and_bracket_part() -> None:
    table = parse_notice([
        "一、重点项目",
        "1.建成甲大桥。",
        "牵头单位：区交通局",
        "完成时限：2025年10月底",
        "2.开工乙隧道。（牵头单位：区交通局；时间节点：6月底前）",
    ])
    assert row(table, 0)["完成时限"] == ["2025年10月底"]
    assert row(table, 1)["完成时限"] == ["6月底前"]
    assert not table.warnings


def test_items_without_a_clause_are_listed_with_their_paragraph() -> None:
    table = parse_notice(["一、民生", "1.新建学校。（甲局负责）", "2.修缮体育馆。",
                          "3.扩建医院。（乙局负责）"])
    assert len(table.rows) == 2
    assert any("paragraph 3" in w and "without a responsibility clause" in w
               for w in table.warnings)


def test_stated_rule_applies_to_the_items_after_it() -> None:
    table = parse_notice([
        "一、稳增长",
        "1.甲任务。责任单位：甲局、乙局",
        "二、促改革（责任单位中列第一位者为牵头单位，下同）",
        "1.乙任务。",
        "责任单位：丙局、丁局、戊局",
    ])
    plan = normalise(table)
    assert [(t.units, t.co_units) for t in plan.tasks] == [
        (["甲局", "乙局"], []), (["丙局"], ["丁局", "戊局"])]


def test_lead_first_option_only_where_no_lead_is_marked() -> None:
    table = parse_notice([
        "一、稳增长",
        "1.甲任务。责任单位：甲局、乙局",
        "2.乙任务。（丙局牵头，丁局、戊局配合）",
        "3.丙任务。（己局、庚局等负责）",
    ])
    plain = normalise(table)
    assert [t.units for t in plain.tasks] == [["甲局", "乙局"], ["丙局"], ["己局", "庚局"]]
    first = normalise(table, lead_first=True)
    assert [(t.units, t.co_units) for t in first.tasks] == [
        (["甲局"], ["乙局"]), (["丙局"], ["丁局", "戊局"]), (["己局"], ["庚局"])]


def test_task_numbering_runs_on_across_headings() -> None:
    table = parse_notice(["一、经济", "（一）工业", "1.甲任务。（甲局负责）",
                          "2.乙任务。（乙局负责）", "（二）农业", "3.丙任务。（丙局负责）",
                          "二、社会", "4.丁任务。（丁局负责）"])
    assert [(row(table, i)["类别"], row(table, i)["目标名称"]) for i in range(4)] == [
        (["经济"], ["工业"]), (["经济"], ["工业"]), (["经济"], ["农业"]), ([], ["社会"])]


def test_group_words_and_deadlines_inside_a_clause() -> None:
    clause = bracket_clause("甲部委牵头，各有关部门按职责分工负责")
    assert clause is not None and (clause.units, clause.co_units) == (["甲部委"], ["各有关部门"])
    timed = bracket_clause("甲局牵头，乙局、丙局配合，9月底前完成")
    assert timed is not None
    assert (timed.units, timed.co_units, timed.deadline) == (["甲局"], ["乙局", "丙局"],
                                                             "9月底前完成")
    assert bracket_clause("年底前完成") is None  # a deadline alone stays in the text
    dated = bracket_clause("甲部、乙委等按职责分工负责，2026年底前完成")
    assert dated is not None and (dated.units, dated.deadline) == (["甲部", "乙委"],
                                                                  "2026年底前完成")
    assert strip_title("副县长吴九") == "吴九"


def test_unnumbered_paragraphs_closed_by_a_clause_are_tasks() -> None:
    table = parse_notice(["一、稳增长", "扩大有效投资。（甲局牵头）",
                          "促进消费回升。（乙局负责）推动外贸稳定。（丙局负责）",
                          "二、由周八副县长牵头", "1.盘活闲置厂房。（丁局负责）"])
    assert [row(table, i)["工作标准"] for i in range(4)] == [
        ["扩大有效投资。"], ["促进消费回升。"], ["推动外贸稳定。"], ["盘活闲置厂房。"]]
    assert [row(table, i)["牵头单位"] for i in range(4)] == [["甲局"], ["乙局"], ["丙局"],
                                                            ["丁局"]]
    assert row(table, 3)["分管领导"] == ["周八"]


def test_yishi_headings() -> None:
    table = parse_notice(["二、扩大内需", "一是推动消费恢复。（甲部牵头）",
                          "二是扩大有效投资。（乙委牵头，各地区配合）"])
    assert [(row(table, i)["目标名称"], row(table, i)["工作标准"]) for i in range(2)] == [
        (["扩大内需"], ["推动消费恢复。"]), (["扩大内需"], ["扩大有效投资。"])]
    assert row(table, 1)["配合单位"] == ["各地区"]


def test_an_item_without_a_clause_before_the_first_task_keeps_the_heading() -> None:
    table = parse_notice(["附件：1.甲表", "2.乙表", "一、民生", "1.修缮体育馆。",
                          "2.新建学校。（甲局负责）"])
    assert [row(table, 0)["目标名称"], row(table, 0)["工作标准"]] == [["民生"], ["新建学校。"]]
    assert any("paragraph 4" in w and "without a responsibility clause" in w
               for w in table.warnings)
