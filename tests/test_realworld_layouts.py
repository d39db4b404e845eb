"""Tables as other governments publish them (XLSX, DOCX, CSV, Word-table text, notices),
built here with invented names and run through load / convert / tasks."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from taskduty.sources.base import SourceCell, SourceRow, SourceTable, pick_title
from taskduty.table import normalise, year_from

HEADER5 = ["序号", "目标名称", "工作标准", "分管领导", "牵头单位"]


def load_json(run: Any, path: Path, *args: str) -> dict[str, Any]:
    result = run("load", str(path), "-f", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def tasks_json(run: Any, year: int) -> list[dict[str, Any]]:
    result = run("tasks", "-f", "json", "--year", str(year))
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def messages(report: dict[str, Any], kind: str | None = None) -> list[str]:
    return [r["message"] for r in report["repairs"] if kind is None or r["kind"] == kind]


def convert_rows(run: Any, path: Path) -> list[list[str]]:
    result = run("convert", str(path))
    assert result.exit_code == 0, result.stderr
    return list(csv.reader(io.StringIO(result.stdout.lstrip("\ufeff"))))


# --- XLSX -------------------------------------------------------------------------------------


def test_xlsx_attachment_title_two_row_header_task_numbers_and_role_remarks(
        run: Any, tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "附件1"
    ws["A2"] = "《政府工作报告》目标任务责任分解表"
    ws.merge_cells("A2:G2")
    ws["A3"] = "（2019年2月20日）"
    ws.merge_cells("A3:G3")
    for col, text in zip("ABCDFG", ["序号", "目标名称", "工作标准", "责任分工", "完成时限", "备注"],
                         strict=True):
        ws[f"{col}4"] = text
    ws.merge_cells("D4:E4")
    for col in "ABCFG":
        ws.merge_cells(f"{col}4:{col}5")
    ws["D5"], ws["E5"] = "分管领导", "牵头单位"
    ws["A6"] = "一、经济发展"
    ws.merge_cells("A6:G6")
    ws.append([1, "（一）稳定经济增长", "地区生产总值增长7%左右。", "张三（常务副区长）",
               "区发改局（牵头）、区统计局", "2019年12月"])
    ws.append([2, None, "一般公共预算收入增长5%。", "张三、李四（协助）", "区财政局\n区税务局",
               "年底"])
    ws.append([3, None, "固定资产投资增长8%。", "李四", "区发改局；区住建局"])
    ws.merge_cells("B7:B9")
    ws["A10"] = "二、社会民生"
    ws.merge_cells("A10:G10")
    ws.append([4, "（二）办好民生实事", "新建幼儿园3所。", "王\u3000五",
               "区教育局，各街办（新区）"])
    ws.append([5, None, "城镇新增就业1万人。", None, "区人社局"])
    ws.merge_cells("B11:B12")
    ws.merge_cells("D11:D12")
    ws.append(["序号", "目标名称", "工作标准", "分管领导", "牵头单位", "完成时限", "备注"])
    ws.append([6, "（三）改善生态环境", "PM2.5浓度下降5%。", "赵六", "市生态环境局区分局"])
    ws["C20"] = "  "
    path = tmp_path / "分解表.xlsx"
    wb.save(path)

    report = load_json(run, path)
    assert report["year"] == 2019  # from the date row under the title
    assert report["title"].startswith("《政府工作报告》目标任务责任分解表")
    tasks = tasks_json(run, 2019)
    assert [(t["code"], t["goal"], t["section"]) for t in tasks] == [
        ("1.1", "稳定经济增长", "经济发展"), ("1.2", "稳定经济增长", "经济发展"),
        ("1.3", "稳定经济增长", "经济发展"), ("2.1", "办好民生实事", "社会民生"),
        ("2.2", "办好民生实事", "社会民生"), ("3.1", "改善生态环境", "社会民生")]
    assert [t["leaders"] for t in tasks] == [
        ["张三"], ["张三", "李四"], ["李四"], ["王五"], ["王五"], ["赵六"]]
    assert tasks[0]["units"] == ["区发改局", "区统计局"]
    assert tasks[1]["units"] == ["区财政局", "区税务局"]
    assert tasks[2]["units"] == ["区发改局", "区住建局"]
    assert tasks[3]["units"] == ["区教育局", "各街办（新区）"]
    assert tasks[0]["deadline"] == "2019年12月"
    notes = messages(report)
    assert any("'张三（常务副区长）' read as '张三'" in m for m in notes)
    assert any("'李四（协助）' read as '李四'" in m for m in notes)
    assert any("'区发改局（牵头）' read as '区发改局'" in m for m in notes)
    assert any("'（一）稳定经济增长' read as '稳定经济增长'" in m for m in notes)
    assert any("repeated header" in m for m in notes)
    assert not messages(report, "warning")


def test_xlsx_in_column_b_with_chinese_goal_numbers_and_co_units(
        run: Any, tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["B2"] = "某县二〇二〇年重点工作任务分解表"
    rows = [["序号", "目标任务", "具体任务", "责任领导", "责任单位", "配合单位"],
            ["一", "产业转型", "推进工业技改项目20个。", "刘一", "县工信局", "县发改局、县财政局"],
            [None, None, "新增规上企业15家。", None, "县工信局", None],
            ["二", "乡村振兴", "建设美丽乡村示范村10个。", "陈二（副县长）", "县农业农村局（牵头）",
             "各乡镇"],
            [None, None, "完成农村公路改造100公里。", None, "县交通运输局", None]]
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row, start=2):
            if value is not None:
                ws.cell(r, c, value)
    for rng in ("B4:B5", "C4:C5", "E4:E5", "B6:B7", "C6:C7", "E6:E7"):
        ws.merge_cells(rng)
    path = tmp_path / "县任务.xlsx"
    wb.save(path)

    report = load_json(run, path)
    assert report["year"] == 2020  # 二〇二〇年 in the title
    tasks = tasks_json(run, 2020)
    assert [(t["code"], t["goal"], t["leaders"], t["units"], t["co_units"]) for t in tasks] == [
        ("1.1", "产业转型", ["刘一"], ["县工信局"], ["县发改局", "县财政局"]),
        ("1.2", "产业转型", ["刘一"], ["县工信局"], []),
        ("2.1", "乡村振兴", ["陈二"], ["县农业农村局"], ["各乡镇"]),
        ("2.2", "乡村振兴", ["陈二"], ["县交通运输局"], [])]
    assert tasks[3]["leaders_inherited"]


def test_xlsx_heading_rows_without_goal_column_and_chinese_year(
        run: Any, tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["二〇二一年市政府工作报告重点任务分解"])
    ws.append(["序号", "工作任务", "牵头市领导", "牵头单位", "完成时限"])
    ws.append(["一、深化改革开放"])
    ws.merge_cells("A3:E3")
    ws.append([1, "深化国资国企改革。", "孙七", "市国资委", "2021年6月底"])
    ws.append([2, "优化营商环境。", "孙七；周八", "市发改委、市政务服务办", "全年"])
    ws.append(["二、推进城市建设"])
    ws.merge_cells("A6:E6")
    ws.append([3, "建成地铁1号线。", "吴九", "市住建局（牵头），市交通局", "12月"])
    path = tmp_path / "city.xlsx"
    wb.save(path)

    report = load_json(run, path)
    assert report["year"] == 2021
    tasks = tasks_json(run, 2021)
    assert [(t["code"], t["goal"], t["leaders"], t["units"]) for t in tasks] == [
        ("1.1", "深化改革开放", ["孙七"], ["市国资委"]),
        ("1.2", "深化改革开放", ["孙七", "周八"], ["市发改委", "市政务服务办"]),
        ("2.1", "推进城市建设", ["吴九"], ["市住建局", "市交通局"])]
    assert tasks[0]["deadline_date"] == "2021-06-30"


def test_xlsx_year_in_date_row_goal_task_numbers_and_note_row(
        run: Any, tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["附件2"])
    ws.append(["区政府工作报告目标任务责任分解表"])
    ws.append(["（二〇二二年三月）"])
    ws.append(HEADER5)
    ws.append([1.1, "稳增长", "任务一。", "张三", "甲局"])
    ws.append([1.2, "稳增长", "任务二。", "张三", "乙局"])
    ws.append([2.1, "促改革", "任务三。", "李四", "丙局"])
    ws.append(["注：完成时限未注明的均为年底前完成。"])
    ws.merge_cells("A8:E8")
    path = tmp_path / "sub.xlsx"
    wb.save(path)

    report = load_json(run, path)
    assert report["year"] == 2022
    assert report["title"] == "区政府工作报告目标任务责任分解表 （二〇二二年三月）"
    assert [(t["code"], t["goal"]) for t in tasks_json(run, 2022)] == [
        ("1.1", "稳增长"), ("1.2", "稳增长"), ("2.1", "促改革")]
    assert not messages(report, "warning")
    assert any("note row skipped" in m for m in messages(report))
    assert any("numbers goal.task" in m for m in messages(report))


def test_xlsx_headings_in_goal_column_and_units_marked_cooperating(
        run: Any, tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2019年重点工作责任分解表"])
    ws.append([*HEADER5, "配合单位"])
    ws.append([None, "一、经济发展"])
    ws.append([1, "稳增长", "任务一。", "张三", "区住房公积金\n中心", "区财政局（配合）"])
    ws.append([2, "促投资", "任务二。", "李四", "区发改局、区统计局（配合）"])
    ws.append([None, "二、社会民生"])
    ws.append([3, "惠民生", "任务三。", "王五", "区民政局"])
    ws.append([])
    path = tmp_path / "t.xlsx"
    wb.save(path)

    rows = convert_rows(run, path)
    assert rows[0] == [*HEADER5, "配合单位", "类别"]
    assert rows[1:] == [
        ["1", "稳增长", "任务一。", "张三", "区住房公积金中心", "区财政局", "经济发展"],
        ["2", "促投资", "任务二。", "李四", "区发改局", "区统计局", "经济发展"],
        ["3", "惠民生", "任务三。", "王五", "区民政局", "", "社会民生"]]
    report = load_json(run, path, "--dry-run")
    assert not messages(report, "warning")
    assert any("区统计局 marked as cooperating" in m for m in messages(report, "repaired"))


# --- DOCX -------------------------------------------------------------------------------------


def _docx_table(doc: Any, rows: list[list[Any]], header: list[str] = HEADER5) -> Any:
    table = doc.add_table(rows=len(rows) + 1, cols=len(header))
    for i, text in enumerate(header):
        table.cell(0, i).text = text
    for r, row in enumerate(rows, start=1):
        for i, value in enumerate(row):
            values = value if isinstance(value, list) else [value]
            if values and values[0]:
                table.cell(r, i).text = values[0]
                for extra in values[1:]:
                    table.cell(r, i).add_paragraph(extra)
    return table


def test_docx_chinese_year_title_landscape_merges_and_page_split(
        run: Any, tmp_path: Path) -> None:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_BREAK

    doc = docx.Document()
    doc.add_paragraph("二〇一九年区政府工作报告目标任务责任分解表")
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    first = _docx_table(doc, [
        ["1", "稳增长", "任务一。", "张  三", ["区住房公积金", "中心"]],
        ["", "", "任务二。", "", ["区发改局", "区统计局"]],
        ["2", "促改革", "任务三。", "李四（协助）、王五", "区政务办"]])
    first.cell(1, 0).merge(first.cell(2, 0)).text = "1"
    first.cell(1, 1).merge(first.cell(2, 1)).text = "稳增长"
    first.cell(1, 3).merge(first.cell(2, 3)).text = "张  三"
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _docx_table(doc, [["2", "促改革", "任务四。", "", "区市场监管局"],
                      ["3", "惠民生", "任务五。", "赵六", "区卫健委"]])
    path = tmp_path / "district.docx"
    doc.save(path)

    report = load_json(run, path)
    assert report["year"] == 2019
    tasks = tasks_json(run, 2019)
    assert [(t["code"], t["leaders"], t["units"]) for t in tasks] == [
        ("1.1", ["张三"], ["区住房公积金中心"]),
        ("1.2", ["张三"], ["区发改局", "区统计局"]),
        ("2.1", ["李四", "王五"], ["区政务办"]),
        ("2.2", ["李四", "王五"], ["区市场监管局"]),
        ("3.1", ["赵六"], ["区卫健委"])]
    notes = messages(report)
    assert any("read table 2 too" in m for m in notes)
    assert any("joined wrapped unit name" in m for m in notes)
    assert any("remark '（协助）' dropped" in m for m in notes)


def test_docx_title_chosen_over_attachment_label_and_date_line(
        run: Any, tmp_path: Path) -> None:
    import docx

    doc = docx.Document()
    for text in ("附件1", "区政府工作报告目标任务责任分解表", "（2023年2月）"):
        doc.add_paragraph(text)
    _docx_table(doc, [["一", "稳增长", "任务一。", "张三", "甲局"],
                      ["二", "促改革", "任务二。", "李四", "乙局"]])
    path = tmp_path / "dated.docx"
    doc.save(path)

    report = load_json(run, path, "--dry-run")
    assert report["title"] == "区政府工作报告目标任务责任分解表 （2023年2月）"
    assert report["year"] == 2023


# --- CSV --------------------------------------------------------------------------------------

CSV_ROWS = [["2019年政府工作报告任务分解表"], HEADER5,
            ["1", "稳增长", "地区生产总值增长7%。", "张三", "区发改局\n区统计局"],
            ["", "", "固定资产投资增长8%。", "", "区住建局"],
            ["2", "促改革", "深化\"放管服\"改革。", "李四（副区长）", "区政务办（牵头）、区司法局"]]
CSV_EXPECTED = [
    ["1", "稳增长", "地区生产总值增长7%。", "张三", "区发改局、区统计局"],
    ["1", "稳增长", "固定资产投资增长8%。", "张三", "区住建局"],
    ["2", "促改革", "深化\"放管服\"改革。", "李四", "区政务办、区司法局"]]


@pytest.mark.parametrize(("name", "delimiter", "encoding"), [
    ("分解表.csv", ",", "gbk"), ("semicolon.csv", ";", "utf-8"), ("tabs.tsv", "\t", "utf-8-sig")])
def test_csv_gbk_semicolon_and_tsv_with_title_and_multiline_cells(
        run: Any, tmp_path: Path, name: str, delimiter: str, encoding: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(CSV_ROWS)
    path = tmp_path / name
    path.write_bytes(buffer.getvalue().encode(encoding))

    assert convert_rows(run, path) == [HEADER5, *CSV_EXPECTED]
    report = load_json(run, path, "--dry-run")
    assert report["year"] == 2019
    assert any("'李四（副区长）' read as '李四'" in m for m in messages(report, "cleaned"))


# --- Word-table text and notices --------------------------------------------------------------


def test_word_text_six_columns_with_deadline_and_task_numbers(run: Any, tmp_path: Path) -> None:
    header = [*HEADER5, "完成时限"]
    rows = [["1", "稳增长", "任务一。", "张  三", "发改局", "6月底"],
            ["2", "", "任务二。", "", "财政局\n\n税务局", "年底"],
            ["3", "促改革", "任务三。", "李四", "政务办", "9月"]]
    text = "2020年目标任务责任分解表\n" + "".join(f"\t{h}\n" for h in header) + "\n"
    for row in rows:
        text += "".join(f"\t{c}\n" for c in row) + "\n"
    path = tmp_path / "table.txt"
    path.write_text(text, encoding="utf-8")

    report = load_json(run, path)
    assert report["year"] == 2020
    assert [(t["code"], t["goal"], t["leaders"], t["units"], t["deadline"])
            for t in tasks_json(run, 2020)] == [
        ("1.1", "稳增长", ["张三"], ["发改局"], "6月底"),
        ("1.2", "稳增长", ["张三"], ["财政局", "税务局"], "年底"),
        ("2.1", "促改革", ["李四"], ["政务办"], "9月")]
    assert any("序号 numbers the tasks" in m for m in messages(report))


def test_notice_with_chinese_year_inline_and_bracket_labels(run: Any, tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_text(
        "二〇二〇年县政府工作报告重点任务责任分工\n"
        "一、稳定经济增长\n"
        "1.全年地区生产总值增长6.5%。责任领导：张三  牵头单位：县发改局\n"
        "2.规上工业增加值增长7%。\n"
        "（牵头领导：李四（副县长）；牵头单位：县工信局；配合单位：各乡镇人民政府、县统计局等）\n"
        "二、改善民生\n"
        "（一）办好十件民生实事。\n"
        "牵头领导：王五\n"
        "责任单位：县民政局、县财政局\n", encoding="utf-8")

    report = load_json(run, path)
    assert report["year"] == 2020
    assert [(t["code"], t["goal"], t["leaders"], t["units"], t["co_units"])
            for t in tasks_json(run, 2020)] == [
        ("1.1", "稳定经济增长", ["张三"], ["县发改局"], []),
        ("1.2", "稳定经济增长", ["李四"], ["县工信局"], ["各乡镇人民政府", "县统计局"]),
        ("2.1", "改善民生", ["王五"], ["县民政局", "县财政局"], [])]


# --- The pieces -------------------------------------------------------------------------------


def test_year_from_chinese_numerals_and_file_names() -> None:
    assert year_from("二〇一九年区政府工作报告目标任务责任分解表", None) == 2019
    assert year_from("关于印发二○二一年重点工作的通知", "x.docx") == 2021
    assert year_from("二零二〇年 任务", None) == 2020
    assert year_from("责任分解表", "2019年政府工作报告分解表.xlsx") == 2019
    assert year_from(None, "分解表20190301.xlsx") == 2019
    assert year_from(None, "附件1：二〇二二年任务.xlsx") == 2022
    assert year_from("责任分解表", "v12019x.csv") is None


def test_pick_title_skips_labels_and_date_lines() -> None:
    assert pick_title(["附件1", "2019年政府工作报告分解表", "（2019年2月20日）"]) \
        == "2019年政府工作报告分解表"
    assert pick_title(["附件", "责任分解表", "二〇二二年三月"]) == "责任分解表 二〇二二年三月"
    assert pick_title(["区政发〔2019〕3号", "关于印发2019年任务分解的通知"]) \
        == "关于印发2019年任务分解的通知"
    assert pick_title([]) is None


def test_role_markers_dropped_but_name_brackets_kept() -> None:
    source = SourceTable(header=HEADER5, input_format="csv", rows=[SourceRow([
        SourceCell(["1"]), SourceCell(["稳增长"]), SourceCell(["任务。"]),
        SourceCell(["张三（常务副区长）、李四(协助)"]),
        SourceCell(["区发改局（牵头）、各街办（新区）、市公安局（交警支队）、区财政局（配合）"])],
        "row 2")])
    task = normalise(source).tasks[0]
    assert task.leaders == ["张三", "李四"]
    assert task.units == ["区发改局", "各街办（新区）", "市公安局（交警支队）"]
    assert task.co_units == ["区财政局"]


def test_csv_two_row_header_exported_from_excel(run: Any, tmp_path: Path) -> None:
    path = tmp_path / "two.csv"
    path.write_bytes(("2019年任务分解表,,,,,\r\n"
                      "序号,目标名称,工作标准,责任分工,,完成时限\r\n"
                      ",,,分管领导,牵头单位,\r\n"
                      "1,稳增长,任务一。,张三,甲局,6月\r\n"
                      ",,任务二。,,乙局,\r\n").encode("gbk"))
    assert convert_rows(run, path) == [
        [*HEADER5, "完成时限"],
        ["1", "稳增长", "任务一。", "张三", "甲局", "6月"],
        ["1", "稳增长", "任务二。", "张三", "乙局", ""]]
    report = load_json(run, path, "--dry-run")
    assert (report["year"], report["title"]) == (2019, "2019年任务分解表")


def test_notice_numbered_goals_with_parenthesised_tasks(run: Any, tmp_path: Path) -> None:
    path = tmp_path / "通知.txt"
    path.write_text(
        "2021年区政府工作报告重点任务分解\n"
        "1.稳增长\n"
        "（1）地区生产总值增长6%。\n牵头区领导：张三\n牵头单位：区发改局\n"
        "（2）固定资产投资增长8%。\n牵头区领导：张三、李四（协助）\n"
        "牵头单位：区住建局（牵头）、区发改局\n"
        "2.促改革\n"
        "（1）深化放管服改革。\n分管领导：王五\n牵头部门：区政务办\n", encoding="utf-8")
    assert convert_rows(run, path)[1:] == [
        ["1", "稳增长", "地区生产总值增长6%。", "张三", "区发改局", ""],
        ["1", "稳增长", "固定资产投资增长8%。", "张三、李四", "区住建局、区发改局", ""],
        ["2", "促改革", "深化放管服改革。", "王五", "区政务办", ""]]
