"""Loading XLSX and DOCX tables end to end through ``load`` and ``convert``: the seed table
saved as a workbook or a document by this test code, title rows, merged cells, header
variants, Chinese numbering, repeated headers, cooperating units and deadlines."""

from __future__ import annotations

import csv
import functools
import io
import json
import shutil
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest

from conftest import SEED_TEXT
from helpers import tasks_json
from taskduty.table import PlanTable, read_table

SEED_HEADER = ["序号", "目标名称", "工作标准", "分管领导", "牵头单位"]


@functools.cache
def seed_table() -> PlanTable:
    """The seed text read once per worker (its tests only read it)."""
    return read_table(SEED_TEXT)


def goal_spans(table: PlanTable) -> list[tuple[int, int]]:
    """(first, last) task index of each goal, in order."""
    spans: list[tuple[int, int]] = []
    for i, t in enumerate(table.tasks):
        if spans and table.tasks[spans[-1][0]].goal_no == t.goal_no:
            spans[-1] = (spans[-1][0], i)
        else:
            spans.append((i, i))
    return spans


def write_seed_xlsx(path: Path, title: str = "2018年政府工作报告目标任务责任分解表") -> Path:
    """The seed as a workbook: a title row, the header, merged 序号/目标名称 cells, and the
    leaders and units filled in on every row (several per cell, one per line)."""
    table = seed_table()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([title])
    ws.merge_cells("A1:E1")
    ws.append(SEED_HEADER)
    first_row = 3
    for t in table.tasks:
        ws.append([t.goal_no, t.goal, t.standard, "\n".join(t.leaders), "\n".join(t.units)])
    for a, b in goal_spans(table):
        for col in "AB":
            if b > a:  # openpyxl empties the cells a merge covers
                ws.merge_cells(f"{col}{first_row + a}:{col}{first_row + b}")
    wb.save(path)
    return path


def write_seed_docx(path: Path, title: str = "2018年政府工作报告目标任务责任分解表") -> Path:
    """The seed as a Word table with vertically merged 序号/目标名称 cells; several leaders
    or units are separate paragraphs of their cell."""
    table = seed_table()
    doc = docx.Document()
    doc.add_paragraph(title)
    grid = doc.add_table(rows=len(table.tasks) + 1, cols=len(SEED_HEADER))
    cells = [row.cells for row in grid.rows]  # grid.cell() is slow on big tables
    for c, h in enumerate(SEED_HEADER):
        cells[0][c].text = h
    for r, t in enumerate(table.tasks, 1):
        values = [str(t.goal_no), t.goal, t.standard, t.leaders, t.units]
        for c, v in enumerate(values):
            items = v if isinstance(v, list) else [v]
            cells[r][c].paragraphs[0].text = items[0] if items else ""
            for extra in items[1:]:
                cells[r][c].add_paragraph(extra)
    for a, b in goal_spans(table):
        if b > a:
            for c in (0, 1):
                for r in range(a + 2, b + 2):
                    cells[r][c].paragraphs[0].text = ""
                cells[a + 1][c].merge(cells[b + 1][c])
    doc.save(path)
    return path


# What follows from the year a table is loaded as, not from its content.
_YEARLY = ("deadline_date", "days_left", "milestones")


def without_inherited(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if not k.endswith("_inherited") and k not in _YEARLY}
            for r in rows]


@pytest.fixture(scope="module")
def seed_files(tmp_path_factory: pytest.TempPathFactory) -> dict[Any, Path]:
    """The seed saved as a workbook and as a document, once per module (python-docx takes
    ~0.4 s for it); a test copies the one it uses."""
    folder = tmp_path_factory.mktemp("seed_files")
    return {write_seed_xlsx: write_seed_xlsx(folder / "seed.xlsx"),
            write_seed_docx: write_seed_docx(folder / "seed.docx")}


def seed_file(seed_files: dict[Any, Path], writer: Any, tmp_path: Path) -> Path:
    """``writer``'s seed file, copied into this test's folder."""
    made = seed_files[writer]
    return Path(shutil.copyfile(made, tmp_path / made.name))


@pytest.mark.parametrize("writer", [write_seed_xlsx, write_seed_docx], ids=["xlsx", "docx"])
def test_seed_saved_as_workbook_or_document_loads_like_the_text(
        run: Any, tmp_path: Path, writer: Any, seed_files: dict[Any, Path]) -> None:
    path = seed_file(seed_files, writer, tmp_path)
    result = run("load", str(path), "-q")  # the year comes from the title
    assert result.exit_code == 0, result.output
    assert "Loaded: 2018" in result.stderr and result.stdout == ""
    from_file = tasks_json(run, "--year", "2018")
    assert run("load", str(SEED_TEXT), "--year", "2017", "-q").exit_code == 0
    from_text = [{**r, "year": 2018} for r in tasks_json(run, "--year", "2017")]
    assert len(from_file) == len(from_text) == len(seed_table().tasks)
    # dates read from the text fall in the table's year (2017 here): compared without them
    dated = ("deadline_date", "milestones", "days_left", "expected_progress", "warning")
    assert ([{k: v for k, v in r.items() if k not in dated} for r in without_inherited(from_file)]
            == [{k: v for k, v in r.items() if k not in dated}
                for r in without_inherited(from_text)])
    # every leader/unit cell was filled in the file, so nothing is inherited there
    assert not any(r["leaders_inherited"] or r["units_inherited"] for r in from_file)
    assert any(r["leaders_inherited"] for r in from_text)
    # the content is the same whatever the format: loading the text as 2018 changes nothing
    again = run("load", str(SEED_TEXT), "--year", "2018", "-q")
    assert again.exit_code == 0 and "Unchanged" in again.stderr


@pytest.mark.parametrize("writer", [write_seed_xlsx, write_seed_docx], ids=["xlsx", "docx"])
@pytest.mark.sqlite_only  # convert reads the file and writes CSV: it opens no database
def test_seed_file_converts_to_the_clean_csv(run: Any, tmp_path: Path, writer: Any,
                                             seed_files: dict[Any, Path]) -> None:
    path = seed_file(seed_files, writer, tmp_path)
    from_file = run("convert", str(path))
    from_text = run("convert", str(SEED_TEXT))
    assert from_file.exit_code == 0, from_file.output
    assert from_file.stdout == from_text.stdout
    rows = list(csv.reader(io.StringIO(from_file.stdout)))
    assert rows[0] == SEED_HEADER
    assert len(rows) == len(seed_table().tasks) + 1


# ----------------------------------------------------------------------- a 2019 workbook

HEADER_2019 = ["编号", "目标任务", "具体任务", "责任领导", "牵头责任单位", "协同责任单位",
               "时间节点"]


def workbook_2019(path: Path) -> Path:
    """Title rows, a two-level header variant, Chinese goal numbers, merged goal and leader
    cells, blank cells, a repeated header after a page break, co-units and deadlines."""
    wb = openpyxl.Workbook()
    ws = wb.active
    rows: list[list[Any]] = [
        ["附件"],
        ["2019年度政府工作报告目标任务责任分解表"],
        [],
        HEADER_2019,
        ["一、", "稳增长", "地区生产总值增长7%", "甲领导", "发改委", "统计局、财政局",
         "2019年6月底"],
        [None, None, "一般公共预算收入增长5%", None, "财政局", None, None],
        [None, None, "固定资产投资增长9%", None, None, "住建局", "年底"],
        HEADER_2019,
        ["（二）", "惠民生", "新增城镇就业1万人", "乙领导", "人社局", None, "全年"],
        [None, None, "建成养老服务中心3家", None, "民政局", "卫健委", "2019年9月30日"],
        ["3", "优环境", "PM2.5浓度下降5%", "丙领导\n丁领导", "生态环境局", "各县、市、区政府",
         "2019年12月"],
    ]
    for row in rows:
        ws.append(row)
    for rng in ("A5:A7", "B5:B7", "D5:D7", "F6:F7", "A9:A10", "B9:B10", "G9:G10"):
        ws.merge_cells(rng)
    wb.save(path)
    return path


def test_workbook_with_variants_loads(run: Any, tmp_path: Path) -> None:
    path = workbook_2019(tmp_path / "plan.xlsx")
    result = run("load", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["year"] == 2019 and report["tasks"] == 6 and report["goals"] == 3
    assert any("repeated header" in r["message"] for r in report["repairs"])
    tasks = {t["code"]: t for t in tasks_json(run)}
    assert list(tasks) == ["1.1", "1.2", "1.3", "2.1", "2.2", "3.1"]
    assert tasks["1.1"]["goal"] == "稳增长" and tasks["2.2"]["goal"] == "惠民生"
    # merged leader cell: inherited; blank unit cell: inherited (leaders and units only)
    assert tasks["1.3"]["leaders"] == ["甲领导"] and tasks["1.3"]["leaders_inherited"]
    assert tasks["1.3"]["units"] == ["财政局"] and tasks["1.3"]["units_inherited"]
    assert tasks["2.2"]["leaders"] == ["乙领导"] and tasks["2.2"]["leaders_inherited"]
    assert not tasks["1.2"]["units_inherited"]
    # co_units: blank stays blank, a merged cell carries its value down
    assert tasks["1.1"]["co_units"] == ["统计局", "财政局"]
    assert tasks["1.2"]["co_units"] == []  # merged F6:F7 starts empty
    assert tasks["1.3"]["co_units"] == []
    assert tasks["2.1"]["co_units"] == []
    assert tasks["3.1"]["co_units"] == ["各县、市、区政府"]  # shared suffix: one unit
    # deadlines: blank stays blank, merged carries down; dates parsed
    assert tasks["1.1"]["deadline"] == "2019年6月底"
    assert tasks["1.1"]["deadline_date"] == "2019-06-30"
    assert tasks["1.2"]["deadline"] is None and tasks["1.2"]["deadline_date"] is None
    assert tasks["1.3"]["deadline_date"] == "2019-12-31"
    assert tasks["2.1"]["deadline_date"] == "2019-12-31"
    assert tasks["2.2"]["deadline"] == "全年"  # merged G9:G10
    assert tasks["3.1"]["leaders"] == ["丙领导", "丁领导"]
    assert tasks["3.1"]["deadline_date"] == "2019-12-31"


def test_optional_columns_shown_in_table_csv_and_convert(run: Any, tmp_path: Path) -> None:
    path = workbook_2019(tmp_path / "plan.xlsx")
    assert run("load", str(path), "-q").exit_code == 0
    table = run("tasks", env={"TASKDUTY_LANG": "zh"})  # the default interface
    assert "配合单位" in table.stdout and "完成时限" in table.stdout
    exported = list(csv.reader(io.StringIO(run("tasks", "-f", "csv").stdout)))
    header = exported[0]
    assert "配合单位" in header and "完成时限" in header
    first = dict(zip(header, exported[1], strict=True))
    assert first["配合单位"] == "统计局、财政局" and first["完成时限"] == "2019年6月底"
    converted = list(csv.reader(io.StringIO(run("convert", str(path)).stdout)))
    assert converted[0] == ["序号", "目标名称", "工作标准", "分管领导", "牵头单位", "配合单位",
                            "完成时限"]
    assert converted[3][5] == "" and converted[3][6] == "年底"


def test_no_optional_columns_no_extra_table_columns(seeded: Any) -> None:
    out = seeded("tasks", "--goal", "1").stdout
    assert "配合单位" not in out and "完成时限" not in out
    assert all(t["co_units"] == [] and t["deadline"] is None
               for t in tasks_json(seeded, "--goal", "1"))


def test_overdue_lists_tasks_past_their_deadline_and_not_done(run: Any, tmp_path: Path) -> None:
    path = workbook_2019(tmp_path / "plan.xlsx")
    assert run("load", str(path), "-q").exit_code == 0
    codes = [t["code"] for t in tasks_json(run, "--overdue", "--as-of", "2019-07-15")]
    assert codes == ["1.1"]
    done = run("update", "1.1", "--status", "done", "--date", "2019-08-01")
    assert done.exit_code == 0, done.output
    assert tasks_json(run, "--overdue", "--as-of", "2019-10-01") == []
    # as of a day before it was done, it was still overdue
    codes = [t["code"] for t in tasks_json(run, "--overdue", "--as-of", "2019-07-15")]
    assert codes == ["1.1"]
    codes = [t["code"] for t in tasks_json(run, "--overdue", "--as-of", "2020-01-02")]
    assert codes == ["1.3", "2.1", "2.2", "3.1"]


def test_docx_with_header_variants_and_chinese_numbering(run: Any, tmp_path: Path) -> None:
    doc = docx.Document()
    doc.add_paragraph("附件2")
    doc.add_paragraph("2020年区政府工作报告目标任务分解表")
    header = ["序号", "目标名称", "工作任务", "牵头领导", "牵头单位", "责任单位", "完成时限"]
    rows = [
        header,
        ["一", "项目建设", "开工重大项目20个", "赵领导", "发改局", "住建局\n自然资源局", "6月底"],
        ["", "", "竣工项目10个", "", "", "", ""],
        header,
        ["二", "城乡建设", "改造老旧小区5个", "钱领导", "住建局", "", "三季度"],
    ]
    grid = doc.add_table(rows=len(rows), cols=len(header))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            lines = text.split("\n")
            grid.cell(r, c).paragraphs[0].text = lines[0]
            for extra in lines[1:]:
                grid.cell(r, c).add_paragraph(extra)
    for c in (0, 1, 3):
        grid.cell(1, c).merge(grid.cell(2, c))
    path = tmp_path / "plan2020.docx"
    doc.save(path)
    result = run("load", str(path))
    assert result.exit_code == 0, result.output
    assert "2020" in result.stderr
    tasks = {t["code"]: t for t in tasks_json(run, "--year", "2020")}
    assert list(tasks) == ["1.1", "1.2", "2.1"]
    assert tasks["1.1"]["co_units"] == ["住建局", "自然资源局"]  # 责任单位 next to 牵头单位
    assert tasks["1.2"]["leaders"] == ["赵领导"] and tasks["1.2"]["leaders_inherited"]
    assert tasks["1.2"]["units"] == ["发改局"] and tasks["1.2"]["units_inherited"]
    assert tasks["1.2"]["co_units"] == [] and tasks["1.2"]["deadline"] is None
    assert tasks["1.1"]["deadline_date"] == "2020-06-30"
    assert tasks["2.1"]["deadline_date"] == "2020-09-30"


def test_sheet_option_and_unknown_sheet(run: Any, tmp_path: Path) -> None:
    path = workbook_2019(tmp_path / "plan.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.active.title = "2019"
    cover = wb.create_sheet("说明", 0)
    cover["A1"] = "填表说明"
    wb.save(path)
    bad = run("load", str(path))
    assert bad.exit_code == 1 and "Error:" in bad.stderr
    assert run("load", str(path), "--sheet", "2019", "-q").exit_code == 0
    assert len(tasks_json(run)) == 6
    missing = run("convert", str(path), "--sheet", "2018")
    assert missing.exit_code == 1 and "'2019'" in missing.stderr
