"""The list-form notice reader: numbered paragraphs with responsibility labels."""

from __future__ import annotations

from pathlib import Path

import pytest

from taskduty.clauses import split_leaders, split_names
from taskduty.errors import SourceError
from taskduty.sources.notice import (
    HEADER,
    looks_like_notice,
    parse_notice,
    read_notice_docx,
    read_notice_text,
)

SHAPE_LINES = """\
关于印发2021年目标任务责任分解的通知
各区县人民政府，市政府各部门：
一、确保完成全年主要预期目标
1. 地区生产总值增长8%以上。
牵头负责领导：张立新。
牵头责任单位：市发展改革委。
协同责任单位：市经信局、市商务局、市交通局等，各县、市、区政府。
2. 一般公共预算收入增长6%。
牵头负责领导：王  伟、赵明华
牵头责任单位：市财政局；协同责任单位：市税务局
二、着力推进改革开放
1. 深化国企改革。
牵头责任领导：孙海
牵头单位：市国资委
"""

SHAPE_BRACKET = """\
一、经济社会发展主要预期目标
（一）地区生产总值增长11%。（责任领导：李文博；牵头单位：市发改局）
(二)城镇新增就业1.2万人(责任领导:李文博;牵头单位:市人社局)
二、重点项目
（一）完成固定资产投资。【牵头领导：周南 吴北；牵头部门：市投促局；配合部门：市自然资源局】
"""

SHAPE_TWO_LEVELS = """\
一、全力抓好重点工作
（一）坚持常态化防控
1、切实抓好疫情防控工作。[牵头单位：区卫健局、区创文办；责任单位：区指挥部成员单位、各街办（新区）]
2、做好疫苗接种。[责任单位：区卫健局]
（二）推动经济平稳增长
1、抓好招商引资。牵头单位：区商务局。
"""


def cells(table, i: int) -> dict[str, list[str]]:
    """Row ``i`` of a table as header label -> values."""
    return {h: c.values for h, c in zip(table.header, table.rows[i].cells, strict=True)}


def lines(text: str) -> list[str]:
    return text.splitlines()


def test_header_and_format() -> None:
    table = parse_notice(lines(SHAPE_LINES))
    assert table.header == ["类别", "序号", "目标名称", "工作标准", "分管领导", "牵头单位",
                            "配合单位"]
    assert table.header == HEADER[:-1]  # 完成时限 only when a task has a deadline
    assert table.input_format == "notice"


def test_labels_on_lines_after_the_task() -> None:
    table = parse_notice(lines(SHAPE_LINES))
    assert table.title == "关于印发2021年目标任务责任分解的通知"
    assert len(table.rows) == 3
    first = cells(table, 0)
    assert first["类别"] == []
    assert first["序号"] == ["1"]
    assert first["目标名称"] == ["确保完成全年主要预期目标"]
    assert first["工作标准"] == ["地区生产总值增长8%以上。"]
    assert first["分管领导"] == ["张立新"]
    assert first["牵头单位"] == ["市发展改革委"]
    assert first["配合单位"] == ["市经信局", "市商务局", "市交通局", "各县、市、区政府"]
    assert table.rows[0].ref == "paragraph 4"


def test_several_labels_on_one_line_and_padded_names() -> None:
    table = parse_notice(lines(SHAPE_LINES))
    second = cells(table, 1)
    assert second["序号"] == ["1"]
    assert second["分管领导"] == ["王伟", "赵明华"]
    assert second["牵头单位"] == ["市财政局"]
    assert second["配合单位"] == ["市税务局"]
    third = cells(table, 2)
    assert third["序号"] == ["2"]
    assert third["目标名称"] == ["着力推进改革开放"]
    assert third["分管领导"] == ["孙海"]
    assert third["牵头单位"] == ["市国资委"]
    assert table.rows[2].ref == "paragraph 12"


def test_preamble_salutation_is_not_a_warning() -> None:
    assert parse_notice(lines(SHAPE_LINES)).warnings == []


def test_bracket_labels_with_tasks_numbered_one_level_down() -> None:
    table = parse_notice(lines(SHAPE_BRACKET))
    assert table.title is None
    assert [cells(table, i)["序号"] for i in range(3)] == [["1"], ["1"], ["2"]]
    first = cells(table, 0)
    assert first["类别"] == []
    assert first["目标名称"] == ["经济社会发展主要预期目标"]
    assert first["工作标准"] == ["地区生产总值增长11%。"]
    assert first["分管领导"] == ["李文博"]
    assert first["牵头单位"] == ["市发改局"]


def test_ascii_brackets_colons_and_semicolons() -> None:
    second = cells(parse_notice(lines(SHAPE_BRACKET)), 1)
    assert second["工作标准"] == ["城镇新增就业1.2万人"]
    assert second["分管领导"] == ["李文博"]
    assert second["牵头单位"] == ["市人社局"]


def test_lenticular_brackets_and_space_separated_leaders() -> None:
    third = cells(parse_notice(lines(SHAPE_BRACKET)), 2)
    assert third["目标名称"] == ["重点项目"]
    assert third["工作标准"] == ["完成固定资产投资。"]
    assert third["分管领导"] == ["周南", "吴北"]
    assert third["牵头单位"] == ["市投促局"]
    assert third["配合单位"] == ["市自然资源局"]


def test_two_heading_levels_give_section_and_goal() -> None:
    table = parse_notice(lines(SHAPE_TWO_LEVELS))
    assert len(table.rows) == 3
    first = cells(table, 0)
    assert first["类别"] == ["全力抓好重点工作"]
    assert first["序号"] == ["1"]
    assert first["目标名称"] == ["坚持常态化防控"]
    assert first["工作标准"] == ["切实抓好疫情防控工作。"]
    assert first["分管领导"] == []
    assert first["牵头单位"] == ["区卫健局", "区创文办"]
    assert first["配合单位"] == ["区指挥部成员单位", "各街办（新区）"]
    last = cells(table, 2)
    assert last["类别"] == ["全力抓好重点工作"]
    assert last["序号"] == ["2"]
    assert last["目标名称"] == ["推动经济平稳增长"]
    assert last["工作标准"] == ["抓好招商引资。"]
    assert last["牵头单位"] == ["区商务局"]


def test_plain_responsible_units_alone_are_lead_units() -> None:
    second = cells(parse_notice(lines(SHAPE_TWO_LEVELS)), 1)
    assert second["牵头单位"] == ["区卫健局"]
    assert second["配合单位"] == []


def test_numbered_preamble_paragraphs_are_not_goals() -> None:
    text = """\
2022年重点工作任务分解
一、总体要求
（一）指导思想
1. 坚持稳中求进工作总基调。
（二）基本原则
二、主要任务
（一）稳增长
1. 规上工业增加值增长9%。
分管市领导：钱江
牵头部门：市工信局
三、保障措施
（一）加强组织领导
"""
    table = parse_notice(lines(text))
    assert len(table.rows) == 1
    row = cells(table, 0)
    assert row["类别"] == ["主要任务"]
    assert row["序号"] == ["1"]
    assert row["目标名称"] == ["稳增长"]
    assert row["分管领导"] == ["钱江"]
    assert table.warnings == []


def test_tasks_without_a_heading_form_one_goal() -> None:
    table = parse_notice(["1. 粮食产量稳定在50万吨（牵头单位：市农业农村局）",
                          "2. 森林覆盖率达到40%（牵头单位：市林业局）"])
    assert [cells(table, i)["目标名称"] for i in range(2)] == [["全部任务"], ["全部任务"]]
    assert [cells(table, i)["序号"] for i in range(2)] == [["1"], ["1"]]
    assert table.notes


@pytest.mark.parametrize("number", ["1.", "1、", "1．", "（1）", "(1)", "①"])
def test_task_numbering_styles(number: str) -> None:
    table = parse_notice(["一、优化营商环境", f"{number}压减审批时限。", "牵头单位：市审批局"])
    row = cells(table, 0)
    assert row["目标名称"] == ["优化营商环境"]
    assert row["工作标准"] == ["压减审批时限。"]
    assert row["牵头单位"] == ["市审批局"]


def test_lead_label_with_plain_responsible_units_gives_co_units() -> None:
    table = parse_notice(["一、生态环境", "1. 空气优良天数比例达85%。",
                          "责任单位：市生态环境局；牵头单位：市大气办"])
    row = cells(table, 0)
    assert row["牵头单位"] == ["市大气办"]
    assert row["配合单位"] == ["市生态环境局"]


def test_unknown_label_is_warned_and_ignored() -> None:
    table = parse_notice(["一、民生实事", "1. 新建学校3所。", "牵头单位：市教育局",
                          "督办领导：冯远"])
    row = cells(table, 0)
    assert row["牵头单位"] == ["市教育局"]
    assert row["分管领导"] == []
    assert len(table.warnings) == 1
    assert "paragraph 4" in table.warnings[0]
    assert "督办领导" in table.warnings[0]


def test_unknown_label_in_a_bracket_is_warned() -> None:
    table = parse_notice(["一、民生实事",
                          "1. 新建学校3所（牵头单位：市教育局；督办单位：市督查室）"])
    assert cells(table, 0)["牵头单位"] == ["市教育局"]
    assert any("督办单位" in w and "paragraph 2" in w for w in table.warnings)


def test_label_line_outside_any_task_is_warned() -> None:
    table = parse_notice(["牵头单位：市政府办", "一、民生实事",
                          "1. 新建学校3所（牵头单位：市教育局）"])
    assert len(table.rows) == 1
    assert any("paragraph 1" in w and "市政府办" in w for w in table.warnings)


def test_unlabelled_paragraph_among_tasks_is_warned() -> None:
    table = parse_notice(["一、民生实事", "1. 新建学校3所（牵头单位：市教育局）",
                          "2. 改造老旧小区20个", "3. 新增停车位（牵头单位：市住建局）"])
    assert [r.ref for r in table.rows] == ["paragraph 2", "paragraph 4"]
    assert any("paragraph 3" in w for w in table.warnings)


def test_no_tasks_is_an_error() -> None:
    with pytest.raises(SourceError) as info:
        parse_notice(["关于做好有关工作的通知", "一、提高认识", "二、加强领导"])
    assert info.value.message == "no tasks found in the notice"
    assert "牵头单位" in (info.value.hint or "")


def test_explicit_title_wins() -> None:
    table = parse_notice(lines(SHAPE_BRACKET), title="某市2023年目标任务")
    assert table.title == "某市2023年目标任务"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("市经信局、市商务局、市交通局等，各县、市、区政府。", ["市经信局", "市商务局", "市交通局",
                                                        "各县、市、区政府"]),
        ("县、区政府", ["县、区政府"]),
        ("各镇、街道办事处", ["各镇", "街道办事处"]),
        ("市财政局；市审计局;市统计局,市税务局", ["市财政局", "市审计局", "市统计局", "市税务局"]),
        ("各街办（新区、园区）、区住建局等单位", ["各街办（新区、园区）", "区住建局"]),
        ("市卫健委。", ["市卫健委"]),
    ],
)
def test_split_units(value: str, expected: list[str]) -> None:
    assert split_names(value) == expected


def test_split_leaders() -> None:
    assert split_leaders("张三、李四 王五；赵  六") == ["张三", "李四", "王五", "赵六"]


def test_gb18030_text_file(tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_bytes(SHAPE_LINES.encode("gb18030"))
    table = read_notice_text(path)
    assert table.title == "关于印发2021年目标任务责任分解的通知"
    assert cells(table, 0)["牵头单位"] == ["市发展改革委"]
    assert len(table.rows) == 3


def test_utf8_bom_text_file(tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_bytes(SHAPE_BRACKET.encode("utf-8-sig"))
    table = read_notice_text(path)
    assert cells(table, 0)["目标名称"] == ["经济社会发展主要预期目标"]


def test_undecodable_text_file(tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_bytes(b"\xff\xfe\xff\x80\x80\xff")
    with pytest.raises(SourceError):
        read_notice_text(path)


@pytest.mark.parametrize(("data", "said"), [
    (b"", "is empty"), (b" \n\r\n", "is empty"),
    ("一、经济\x00发展".encode(), "not readable text")])
def test_an_empty_or_binary_notice_is_refused_as_every_text_file_is(tmp_path, data, said):
    path = tmp_path / "notice.txt"
    path.write_bytes(data)
    with pytest.raises(SourceError, match=said):
        read_notice_text(path)


def test_docx_body_paragraphs(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("2021年目标任务责任分解")
    document.add_paragraph("一、确保完成全年主要预期目标")
    document.add_paragraph("1. 地区生产总值增长8%以上。")
    document.add_paragraph("牵头负责领导：张立新")
    document.add_paragraph("")
    document.add_paragraph("牵头责任单位：市发展改革委")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "2. 表格里的文字"
    table.cell(0, 1).text = "牵头单位：不该读到"
    path = tmp_path / "notice.docx"
    document.save(str(path))

    result = read_notice_docx(path)
    assert result.title == "2021年目标任务责任分解"
    assert len(result.rows) == 1
    row = cells(result, 0)
    assert row["分管领导"] == ["张立新"]
    assert row["牵头单位"] == ["市发展改革委"]
    assert result.rows[0].ref == "paragraph 3"


def test_docx_automatic_numbering(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("经济发展", style="List Number")
    document.add_paragraph("外贸进出口增长5%（牵头单位：市商务局）", style="List Number 2")
    path = tmp_path / "auto.docx"
    document.save(str(path))
    row = cells(read_notice_docx(path), 0)
    assert row["目标名称"] == ["经济发展"]
    assert row["工作标准"] == ["外贸进出口增长5%"]
    assert row["牵头单位"] == ["市商务局"]


def test_docx_not_a_document(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_text("not a zip", encoding="utf-8")
    with pytest.raises(SourceError):
        read_notice_docx(path)


def test_looks_like_notice() -> None:
    assert looks_like_notice(lines(SHAPE_LINES))
    assert looks_like_notice(lines(SHAPE_BRACKET))
    assert looks_like_notice(["一、目标", "1. 增长（牵头单位:市发改委）"])
    # labels without numbered text, numbered text without labels
    assert not looks_like_notice(["牵头单位：市发改委"])
    assert not looks_like_notice(["一、提高认识", "二、加强领导"])
    word_table = ["2021年目标任务分解表",
                  "\t类别\t序号\t目标名称\t工作标准\t分管领导\t牵头单位",
                  "\t\t1\t增长\t1. 增长8%\t张三\t牵头单位：市发改委"]
    assert not looks_like_notice(word_table)
