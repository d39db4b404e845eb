"""Tests for the .xlsx and .docx table readers: structure only, no normalisation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import openpyxl
import pytest

from taskduty.errors import SourceError
from taskduty.sources.base import SourceCell, SourceTable
from taskduty.sources.docx_table import read_docx_table
from taskduty.sources.xlsx import read_xlsx

HEADER = ["序号", "目标名称", "工作标准", "分管领导", "牵头单位", "完成时限"]
TITLE = "2019年《政府工作报告》目标任务责任分解表"


def col(table: SourceTable, name: str) -> int:
    return table.header.index(name)


def values(table: SourceTable, name: str) -> list[list[str]]:
    """The values of one column, row by row."""
    i = col(table, name)
    return [row.cells[i].values for row in table.rows]


def merged(table: SourceTable, name: str) -> list[bool]:
    i = col(table, name)
    return [row.cells[i].merged for row in table.rows]


# --------------------------------------------------------------------------- xlsx


def make_xlsx(
    path: Path, rows: list[list[object]], merges: tuple[str, ...] = (), title: str | None = "Sheet1"
) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.title = title
    for row in rows:
        ws.append(row)
    for rng in merges:
        ws.merge_cells(rng)
    wb.save(path)
    return path


@pytest.fixture
def report_xlsx(tmp_path: Path) -> Path:
    """Title rows, header on row 4, merged goal cells, a page-break header repeat."""
    rows: list[list[object]] = [
        ["附件1"],
        [TITLE],
        [],
        HEADER,
        [1.0, "经济发展", "地区生产总值增长6.5%", "张三", "发改委", "2019年12月底"],
        [None, None, "固定资产投资增长8%", "张三\n李四", "发改委\n统计局", "2019年12月底"],
        [None, None, "社会消费品零售总额增长9%", "李四", "商务局", dt.datetime(2019, 12, 31)],
        [],
        HEADER,
        [2, "民生保障", "新增城镇就业1.2万人", "王五", "人社局", "全年"],
        [None, None, "城乡居民收入同步增长", None, None, "全年"],
    ]
    merges = ("A2:F2", "A5:A7", "B5:B7", "A10:A11", "B10:B11", "D10:D11", "E10:E11")
    return make_xlsx(tmp_path / "report.xlsx", rows, merges)


def test_xlsx_title_and_header_below_it(report_xlsx: Path) -> None:
    table = read_xlsx(report_xlsx)
    assert table.input_format == "xlsx"
    assert table.title == TITLE  # the bare 附件1 label is not the title
    assert table.header == HEADER
    assert [r.ref for r in table.rows] == ["row 5", "row 6", "row 7", "row 10", "row 11"]
    assert all(len(r.cells) == len(HEADER) for r in table.rows)


def test_xlsx_merged_goal_cells_over_several_rows(report_xlsx: Path) -> None:
    table = read_xlsx(report_xlsx)
    assert values(table, "序号") == [["1"], [], [], ["2"], []]
    assert merged(table, "序号") == [False, True, True, False, True]
    assert values(table, "目标名称")[0] == ["经济发展"]
    assert merged(table, "目标名称") == [False, True, True, False, True]
    assert table.rows[1].cells[col(table, "目标名称")] == SourceCell(values=[], merged=True)


def test_xlsx_merged_leader_and_unit_cells(report_xlsx: Path) -> None:
    table = read_xlsx(report_xlsx)
    assert values(table, "分管领导")[3:] == [["王五"], []]
    assert merged(table, "分管领导") == [False, False, False, False, True]
    assert merged(table, "牵头单位") == [False, False, False, False, True]
    # a plain empty cell would not be flagged: the last row's 工作标准 is its own
    assert values(table, "工作标准")[4] == ["城乡居民收入同步增长"]


def test_xlsx_multiline_cells_and_value_types(report_xlsx: Path) -> None:
    table = read_xlsx(report_xlsx)
    assert values(table, "分管领导")[1] == ["张三", "李四"]
    assert values(table, "牵头单位")[1] == ["发改委", "统计局"]
    assert values(table, "完成时限")[2] == ["2019-12-31"]  # a date cell -> ISO date
    assert values(table, "序号")[3] == ["2"]


def test_xlsx_repeated_header_skipped_with_note(report_xlsx: Path) -> None:
    table = read_xlsx(report_xlsx)
    assert "row 9" not in [r.ref for r in table.rows]
    assert table.notes == ["skipped 1 repeated header rows (row 9)"]
    assert all(row.cells[col(table, "工作标准")].values != ["工作标准"] for row in table.rows)


def test_xlsx_horizontal_merge_only_top_left_has_values(tmp_path: Path) -> None:
    rows = [HEADER, [1, "目标", "任务甲", "张三", "发改委", "年底"]]
    path = make_xlsx(tmp_path / "h.xlsx", rows, ("E2:F2",))
    table = read_xlsx(path)
    assert values(table, "牵头单位") == [["发改委"]]
    assert table.rows[0].cells[col(table, "完成时限")] == SourceCell(values=[], merged=False)


def test_xlsx_sheet_by_name(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    first = wb.active
    first.title = "说明"
    first.append(["本表由办公室汇总"])
    second = wb.create_sheet("2019年")
    second.append(HEADER)
    second.append([1, "目标", "任务甲", "张三", "发改委", "年底"])
    path = tmp_path / "two.xlsx"
    wb.save(path)

    table = read_xlsx(path, sheet="2019年")
    assert values(table, "工作标准") == [["任务甲"]]
    with pytest.raises(SourceError) as err:
        read_xlsx(path)  # the first sheet has no table
    assert "说明" in err.value.message


def test_xlsx_unknown_sheet_lists_sheet_names(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "总表"
    wb.create_sheet("附表")
    path = tmp_path / "s.xlsx"
    wb.save(path)
    with pytest.raises(SourceError) as err:
        read_xlsx(path, sheet="2020年")
    assert "2020年" in err.value.message
    assert "'总表'" in err.value.message and "'附表'" in err.value.message
    assert err.value.hint and "--sheet" in err.value.hint


def test_xlsx_no_header_names_missing_columns(tmp_path: Path) -> None:
    rows = [[TITLE], ["序号", "目标名称", "工作标准", "备注"], [1, "目标", "任务", ""]]
    path = make_xlsx(tmp_path / "bad.xlsx", rows)
    with pytest.raises(SourceError) as err:
        read_xlsx(path)
    message = err.value.message
    assert "分管领导" in message and "牵头单位" in message
    assert "missing columns: 分管领导、牵头单位" in message
    assert "目标名称、工作标准" in message  # the header-like text that was found
    assert err.value.hint and "责任领导" in err.value.hint and "牵头责任单位" in err.value.hint


def test_xlsx_no_header_like_text_at_all(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "notes.xlsx", [["随便写点"], ["什么都不是"]])
    with pytest.raises(SourceError) as err:
        read_xlsx(path)
    assert "目标名称、工作标准、分管领导、牵头单位" in err.value.message
    assert "no header-like text" in err.value.message


def test_xlsx_not_an_xlsx_file(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("序号,目标名称\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        read_xlsx(path)
    assert "not an Excel .xlsx file" in err.value.message
    assert "fake.xlsx" in err.value.message


def test_xlsx_header_variants_and_co_units(tmp_path: Path) -> None:
    header = ["序 号", "目标任务", "工作任务", "责任领导", "牵头责任单位", "配合单位", "完成时限"]
    rows = [
        [TITLE],
        header,
        ["一", "生态环境", "PM2.5浓度下降5%", "赵六", "生态环境局", "住建局\n交通局", "2019年底"],
    ]
    table = read_xlsx(make_xlsx(tmp_path / "v.xlsx", rows))
    assert table.header == header
    assert values(table, "配合单位") == [["住建局", "交通局"]]
    assert values(table, "责任领导") == [["赵六"]]


def test_xlsx_header_starting_in_column_b_and_text_outside(tmp_path: Path) -> None:
    rows = [
        [None, *HEADER],
        [None, 1, "目标", "任务甲", "张三", "发改委", "年底", "手写批注"],
        [None, None, None, None, None, None, None],
    ]
    table = read_xlsx(make_xlsx(tmp_path / "b.xlsx", rows))
    assert table.header == HEADER
    assert len(table.rows) == 1  # the empty row is skipped silently
    assert table.notes == []
    assert table.rows[0].cells[0].values == ["1"]
    assert table.warnings == ["row 2: text in column H has no header and was ignored"]


def test_xlsx_two_row_header(tmp_path: Path) -> None:
    rows = [
        ["序号", "目标名称", "工作标准", "责任分工", None, "完成时限"],
        [None, None, None, "分管领导", "牵头单位", None],
        [1, "目标", "任务甲", "张三", "发改委", "年底"],
    ]
    merges = ("A1:A2", "B1:B2", "C1:C2", "D1:E1", "F1:F2")
    table = read_xlsx(make_xlsx(tmp_path / "two.xlsx", rows, merges))
    assert table.header == HEADER
    assert table.title is None
    assert [r.ref for r in table.rows] == ["row 3"]
    assert not any(c.merged for c in table.rows[0].cells)


def test_xlsx_module_does_not_import_openpyxl_at_import_time() -> None:
    import subprocess
    import sys

    code = (
        "import sys, taskduty.sources.xlsx, taskduty.sources.docx_table;"
        "print('openpyxl' in sys.modules, 'docx' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# --------------------------------------------------------------------------- docx


def fill(table: docx.table.Table, rows: list[list[str]]) -> None:
    """Write rows of cell texts; "\\n\\n" separates paragraphs, "\\n" is a line break."""
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            paragraphs = text.split("\n\n")
            cell.paragraphs[0].text = paragraphs[0]
            for extra in paragraphs[1:]:
                cell.add_paragraph(extra)


@pytest.fixture
def report_docx(tmp_path: Path) -> Path:
    doc = docx.Document()
    doc.add_paragraph("附件")
    doc.add_paragraph(TITLE)
    doc.add_paragraph("")
    rows = [
        HEADER,
        ["1", "经济发展", "地区生产总值增长6.5%", "张三", "发改委", "2019年12月底"],
        ["", "", "固定资产投资增长8%", "张三\n\n李四", "发改委\n统计局", "2019年12月底"],
        HEADER,
        ["2", "民生保障", "新增城镇就业1.2万人", "王五", "人社局", "全年"],
        ["", "", "城乡居民收入同步增长", "", "", "全年"],
        ["", "", "", "", "", ""],
    ]
    table = doc.add_table(rows=len(rows), cols=len(HEADER))
    fill(table, rows)
    table.cell(1, 0).merge(table.cell(2, 0))
    table.cell(1, 1).merge(table.cell(2, 1))
    table.cell(4, 0).merge(table.cell(5, 0))
    table.cell(4, 1).merge(table.cell(5, 1))
    table.cell(4, 3).merge(table.cell(5, 3))
    table.cell(4, 4).merge(table.cell(5, 4))
    doc.add_paragraph("注：完成时限以文件为准")
    path = tmp_path / "report.docx"
    doc.save(path)
    return path


def test_docx_title_header_and_refs(report_docx: Path) -> None:
    table = read_docx_table(report_docx)
    assert table.input_format == "docx"
    assert table.title == TITLE  # the last non-empty paragraph before the table
    assert table.header == HEADER
    assert [r.ref for r in table.rows] == [
        "table 1 row 2",
        "table 1 row 3",
        "table 1 row 5",
        "table 1 row 6",
    ]


def test_docx_vertical_merges_are_flagged(report_docx: Path) -> None:
    table = read_docx_table(report_docx)
    assert values(table, "序号") == [["1"], [], ["2"], []]
    assert merged(table, "序号") == [False, True, False, True]
    assert merged(table, "目标名称") == [False, True, False, True]
    assert values(table, "目标名称")[0] == ["经济发展"]
    assert merged(table, "分管领导") == [False, False, False, True]
    assert merged(table, "牵头单位") == [False, False, False, True]
    assert values(table, "完成时限")[3] == ["全年"]


def test_docx_paragraphs_and_line_breaks_are_values(tmp_path: Path) -> None:
    doc = docx.Document()
    table = doc.add_table(rows=2, cols=len(HEADER))
    fill(table, [HEADER, ["1", "目标", "任务甲", "张三\n\n李四", "发改委", "年底"]])
    units = table.cell(1, 4).paragraphs[0]
    units.add_run().add_break()
    units.add_run("  统计局 ")
    table.cell(1, 4).add_paragraph("   ")
    path = tmp_path / "p.docx"
    doc.save(path)

    result = read_docx_table(path)
    assert values(result, "分管领导") == [["张三", "李四"]]
    assert values(result, "牵头单位") == [["发改委", "统计局"]]
    assert result.title is None


def test_docx_repeated_header_skipped_with_note(report_docx: Path) -> None:
    table = read_docx_table(report_docx)
    assert "table 1 row 4" not in [r.ref for r in table.rows]
    assert table.notes == ["skipped 1 repeated header rows (table 1 row 4)"]


def test_docx_header_below_title_row_in_table_and_variants(tmp_path: Path) -> None:
    header = ["序号", "目标任务", "工作任务", "责任领导", "牵头责任单位", "配合单位", "完成时限"]
    doc = docx.Document()
    doc.add_table(rows=1, cols=2).cell(0, 0).text = "无关的表格"
    table = doc.add_table(rows=3, cols=len(header))
    fill(
        table,
        [
            [TITLE, "", "", "", "", "", ""],
            header,
            [
                "1",
                "生态环境",
                "PM2.5浓度下降5%",
                "赵六",
                "生态环境局",
                "住建局\n\n交通局",
                "2019年底",
            ],
        ],
    )
    table.cell(0, 0).merge(table.cell(0, len(header) - 1))
    path = tmp_path / "v.docx"
    doc.save(path)

    result = read_docx_table(path)
    assert result.header == header
    assert result.title == TITLE  # no paragraph before: the title row inside the table
    assert [r.ref for r in result.rows] == ["table 2 row 3"]
    assert values(result, "配合单位") == [["住建局", "交通局"]]


def test_docx_horizontal_merge_aligns_to_header_grid(tmp_path: Path) -> None:
    doc = docx.Document()
    table = doc.add_table(rows=3, cols=len(HEADER))
    fill(
        table,
        [
            HEADER,
            ["一、经济发展", "", "", "", "", ""],
            ["1", "目标", "任务甲", "张三", "发改委", "年底"],
        ],
    )
    table.cell(1, 0).merge(table.cell(1, 2))  # a section row spanning three columns
    path = tmp_path / "h.docx"
    doc.save(path)

    result = read_docx_table(path)
    assert [len(r.cells) for r in result.rows] == [6, 6]
    assert values(result, "序号") == [["一、经济发展"], ["1"]]
    assert values(result, "目标名称") == [[], ["目标"]]
    assert values(result, "分管领导") == [[], ["张三"]]
    assert not any(c.merged for r in result.rows for c in r.cells)


def test_docx_two_row_header(tmp_path: Path) -> None:
    doc = docx.Document()
    doc.add_paragraph(TITLE)
    table = doc.add_table(rows=3, cols=len(HEADER))
    fill(
        table,
        [
            ["序号", "目标名称", "工作标准", "责任分工", "", "完成时限"],
            ["", "", "", "分管领导", "牵头单位", ""],
            ["1", "目标", "任务甲", "张三", "发改委", "年底"],
        ],
    )
    for c in (0, 1, 2, 5):
        table.cell(0, c).merge(table.cell(1, c))
    table.cell(0, 3).merge(table.cell(0, 4))
    path = tmp_path / "two.docx"
    doc.save(path)

    result = read_docx_table(path)
    assert result.header == HEADER
    assert result.title == TITLE
    assert [r.ref for r in result.rows] == ["table 1 row 3"]
    assert not any(c.merged for c in result.rows[0].cells)


def test_docx_following_table_with_same_header_is_read(tmp_path: Path) -> None:
    doc = docx.Document()
    doc.add_paragraph(TITLE)
    for no in (1, 2):
        table = doc.add_table(rows=2, cols=len(HEADER))
        fill(table, [HEADER, [str(no), "目标", f"任务{no}", "张三", "发改委", "年底"]])
        doc.add_paragraph(f"（第{no}部分完）")
    path = tmp_path / "split.docx"
    doc.save(path)

    result = read_docx_table(path)
    assert values(result, "工作标准") == [["任务1"], ["任务2"]]
    assert [r.ref for r in result.rows] == ["table 1 row 2", "table 2 row 2"]
    assert result.title == TITLE
    assert any("table 2" in note for note in result.notes)


def test_docx_no_task_table_names_missing_columns(tmp_path: Path) -> None:
    doc = docx.Document()
    doc.add_paragraph(TITLE)
    table = doc.add_table(rows=2, cols=3)
    fill(table, [["序号", "工作标准", "备注"], ["1", "任务", "发改委"]])
    path = tmp_path / "bad.docx"
    doc.save(path)
    with pytest.raises(SourceError) as err:
        read_docx_table(path)
    assert "missing columns: 目标名称、分管领导、牵头单位" in err.value.message
    assert "序号、工作标准" in err.value.message
    assert err.value.hint and "工作任务" in err.value.hint


def test_docx_without_any_table(tmp_path: Path) -> None:
    doc = docx.Document()
    doc.add_paragraph("一、经济发展")
    path = tmp_path / "text.docx"
    doc.save(path)
    with pytest.raises(SourceError) as err:
        read_docx_table(path)
    assert "no table" in err.value.message
    assert "工作标准" in err.value.message


def test_docx_not_a_docx_file(tmp_path: Path) -> None:
    path = tmp_path / "old.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)  # an OLE .doc
    with pytest.raises(SourceError) as err:
        read_docx_table(path)
    assert "is not a Word .docx file" in err.value.message
    assert "old.docx" in err.value.message

    xlsx = make_xlsx(tmp_path / "book.docx", [HEADER])  # a zip, but not a Word document
    with pytest.raises(SourceError, match=r"not a Word \.docx file"):
        read_docx_table(xlsx)
