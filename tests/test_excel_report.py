"""``taskduty export``: the printable status workbook, and its CSV/JSON siblings."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import openpyxl.utils
import pytest

from helpers import assert_goals_merged_per_page, page_starts
from taskduty.excel import name_text, name_width, text_width

INJECTED = ["=HYPERLINK(\"http://x\",\"click\")", "+1+2", "-3+4", "@SUM(A1:A2)"]


def _sheet_table(path: Path) -> Path:
    """A small table whose texts start with formula characters, plus co-units and deadlines."""
    rows = [
        ["序号", "目标名称", "工作标准", "分管领导", "牵头单位", "配合单位", "完成时限"],
        ["1", "=目标一", INJECTED[0], "张三", "发改局", "财政局", "2019年6月底"],
        ["1", "=目标一", INJECTED[1], "张三", "发改局", "", ""],
        ["1", "=目标一", "普通任务一", "李四", "财政局", "", "2019年12月底"],
        ["2", "目标二", INJECTED[2], "李四", "财政局", "", ""],
        ["2", "目标二", INJECTED[3], "王五", "-交通局", "", ""],
    ]
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def _load_small(run, folder):
    result = run("load", str(_sheet_table(folder / "t2019.csv")), "--year", "2019", "-q")
    assert result.exit_code == 0, result.output


@pytest.fixture
def small(from_template):
    return from_template(_load_small)


def _cells(ws):
    return {(c.row, c.column): c for row in ws.iter_rows() for c in row}


def test_report_structure(seeded, tmp_path):
    assert seeded("update", "1.1", "-s", "推进中", "-p", "40", "-d", "2018-03-10",
                  "-n", "一季度完成40%").exit_code == 0
    assert seeded("update", "2.1", "-s", "滞后", "-d", "2018-03-20").exit_code == 0
    assert seeded("update", "1.2", "-s", "已完成", "-d", "2018-03-25").exit_code == 0
    out = tmp_path / "r.xlsx"
    result = seeded("export", str(out), "--month", "2018-03")
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "推进情况"
    assert wb.sheetnames == ["推进情况", "汇总", "图表", "滞后及未更新", "量化指标"]
    ws = wb.worksheets[0]
    assert ws["A1"].value == "2018年《政府工作报告》目标任务推进情况（截至2018年3月31日）"
    header = [c.value for c in ws[2]]
    assert header == ["任务编号", "目标名称", "工作标准", "分管领导", "牵头单位", "状态",
                      "进度", "序时进度", "预警", "最新进展", "更新日期"]
    tasks = json.loads(seeded("tasks", "-f", "json", "--month", "2018-03").stdout)
    codes = [ws.cell(r, 1).value for r in range(3, ws.max_row + 1)]
    assert codes == [t["code"] for t in tasks]
    merges = {str(m) for m in ws.merged_cells.ranges}
    assert "A1:K1" in merges
    assert_goals_merged_per_page(ws, tasks)
    # the sheet breaks its own pages, and some goal goes on over a break
    assert len(page_starts(ws)) >= 5
    assert any(str(ws.cell(r, 2).value).endswith("（续）") for r in page_starts(ws))
    by_code = {ws.cell(r, 1).value: r for r in range(3, ws.max_row + 1)}
    r11 = by_code["1.1"]
    assert ws.cell(r11, 6).value == "推进中"
    assert ws.cell(r11, 7).value == 40
    assert ws.cell(r11, 8).value == 25  # 序时进度 at the end of March
    assert ws.cell(r11, 9).value is None  # 40 against 25: no light
    assert ws.cell(by_code["2.1"], 9).value == "黄灯"  # behind
    assert ws.cell(by_code["2.1"], 9).fill.fgColor.rgb.endswith("FFFF00")
    assert ws.cell(r11, 10).value == "一季度完成40%"
    assert ws.cell(r11, 11).value.date().isoformat() == "2018-03-10"
    fills = {ws.cell(by_code[c], 6).fill.fgColor.rgb for c in ("1.1", "2.1", "1.2", "1.3")}
    assert len(fills) == 4  # one colour per status
    assert ws.cell(by_code["1.2"], 7).value == 100
    assert ws.cell(r11, 3).alignment.wrap_text
    assert ws.cell(r11, 3).border.left.style == "thin"
    assert ws.column_dimensions["C"].width > ws.column_dimensions["A"].width * 3
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == f"A2:K{ws.max_row}"
    assert ws.print_title_rows == "$1:$2"
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage


def test_summary_sheet_and_chart(seeded, tmp_path):
    assert seeded("update", "1.1", "1.4", "-s", "已完成", "-d", "2018-03-10").exit_code == 0
    out = tmp_path / "r.xlsx"
    assert seeded("export", str(out), "--month", "2018-03").exit_code == 0
    wb = openpyxl.load_workbook(out)
    ws = wb["汇总"]
    rows = list(ws.iter_rows(values_only=True))
    # one header row, repeated on every printed page, over both bands
    assert rows[2][:7] == ("分管领导／牵头单位", "任务数", "未启动", "推进中", "滞后", "已完成",
                           "完成率")
    assert ws.print_title_rows == "$1:$3"
    assert ws.freeze_panes == "A4"
    leaders = json.loads(seeded("leaders", "-f", "json", "--month", "2018-03").stdout)
    units = json.loads(seeded("units", "-f", "json", "--month", "2018-03").stdout)
    bands: dict[str, dict] = {}
    band = None
    for r in rows[3:]:
        if r[0] in ("按分管领导统计", "按牵头单位统计"):
            band = bands.setdefault(r[0], {})
        elif r[0] == "合计（任务不重复计）":
            assert r[1] == 114 and r[5] == 2
        elif r[0]:
            band[r[0]] = r
    assert set(bands["按分管领导统计"]) == {x["name"] for x in leaders}
    assert set(bands["按牵头单位统计"]) == {x["name"] for x in units}
    for x in leaders:
        r = bands["按分管领导统计"][x["name"]]
        assert r[1] == x["tasks"] and r[5] == x["done"]
        assert r[6] == pytest.approx(x["done"] / x["tasks"])
    # the charts: on a sheet of their own, one printed page each, every name labelled
    charts = wb["图表"]._charts
    titles = [c.title.tx.rich.p[0].r[0].t for c in charts]
    assert titles[0] == "各分管领导任务状态"
    assert all(t.startswith("各牵头单位任务状态（") for t in titles[1:])
    assert len(titles) == 1 + -(-len(units) // 50)
    assert all(c.tagname == "barChart" and len(c.series) == 4 for c in charts)
    assert all(c.x_axis.tickLblSkip == 1 for c in charts)
    assert len(wb["图表"].row_breaks.brk) == len(charts) - 1
    assert all(c.height <= 24 for c in charts)
    lead = charts[0]
    assert lead.y_axis.majorUnit == int(lead.y_axis.majorUnit) >= 1
    assert lead.y_axis.scaling.min == 0
    assert lead.y_axis.scaling.max >= max(x["tasks"] for x in leaders)
    assert lead.y_axis.number_format.formatCode == "0"


def test_terminal_summary_has_the_workbooks_total(seeded, tmp_path):
    assert seeded("update", "1.1", "1.4", "-s", "已完成", "-d", "2018-03-10").exit_code == 0
    assert seeded("update", "2.1", "-s", "滞后", "-d", "2018-03-10").exit_code == 0
    out = tmp_path / "r.xlsx"
    assert seeded("export", str(out), "--month", "2018-03").exit_code == 0
    total = next(r for r in openpyxl.load_workbook(out)["汇总"].iter_rows(values_only=True)
                 if r[0] == "合计（任务不重复计）")
    for by in ("leader", "unit"):
        text = seeded("summary", "--by", by, "--month", "2018-03",
                      env={"TASKDUTY_LANG": "zh"}).stdout
        lines = text.splitlines()
        header = next(x for x in lines if x.startswith(("分管领导", "牵头单位"))).split()
        line = next(x for x in lines if x.startswith("合计（任务不重复计）")).split()
        row = dict(zip(header[1:], line[1:], strict=False))
        assert [int(row[k]) for k in ("任务数", "未启动", "推进中", "滞后", "已完成")] == \
            list(total[1:6])
        assert float(row["完成率%"]) == round(100 * total[6], 1)


def test_names_are_never_split_across_lines(small, tmp_path):
    out = tmp_path / "r.xlsx"
    assert small("export", str(out), "--as-of", "2019-03-01").exit_code == 0
    wb = openpyxl.load_workbook(out)
    for ws in (wb["推进情况"], wb["滞后及未更新"]):
        header = [c.value for c in ws[2]]
        for label in ("分管领导", "牵头单位"):
            col = header.index(label) + 1
            letter = openpyxl.utils.get_column_letter(col)
            width = ws.column_dimensions[letter].width
            for r in range(3, ws.max_row + 1):
                for line in ws.cell(r, col).value.split("\n"):
                    # whole names only, each line fits the column
                    assert all(n in NAMES for n in line.rstrip("、").split("、")), line
                    assert text_width(line) < width


NAMES = {"张三", "李四", "王五", "发改局", "财政局", "-交通局"}


def test_name_text_breaks_between_names():
    names = ["陆秋明", "徐治国", "是峰"]
    assert name_text(names, 9) == "陆秋明、\n徐治国、\n是峰"
    assert name_text(names, 17) == "陆秋明、徐治国、\n是峰"
    assert name_text(["住房公积金管理中心"], 9) == "住房公积金管理中心"
    assert name_width(["住房公积金管理中心", "发改局"], 9) == 21


def test_late_sheet_lists_behind_and_stale(seeded, tmp_path):
    assert seeded("update", "1.1", "-s", "推进中", "-d", "2018-03-25").exit_code == 0
    assert seeded("update", "1.2", "-s", "推进中", "-d", "2018-01-05").exit_code == 0
    assert seeded("update", "1.3", "-s", "滞后", "-d", "2018-03-30").exit_code == 0
    assert seeded("update", "1.4", "-s", "已完成", "-d", "2018-01-05").exit_code == 0
    out = tmp_path / "r.xlsx"
    # yellow lights off (test_deadlines_export covers them): behind and stale alone
    assert seeded("export", str(out), "--month", "2018-03",
                  "--yellow-points", "100").exit_code == 0
    ws = openpyxl.load_workbook(out)["滞后及未更新"]
    col = [c.value for c in ws[2]].index("情况") + 1
    reasons = {ws.cell(r, 1).value: ws.cell(r, col).value for r in range(3, ws.max_row + 1)}
    assert "1.1" not in reasons and "1.4" not in reasons  # fresh, and done
    assert reasons["1.3"] == "状态滞后"
    assert reasons["1.2"] == "85天未更新"
    assert reasons["2.1"] == "尚未填报"
    assert "30天" in ws["A1"].value
    out2 = tmp_path / "r2.xlsx"
    assert seeded("export", str(out2), "--month", "2018-03", "--stale-days", "100",
                  "--yellow-points", "100").exit_code == 0
    ws2 = openpyxl.load_workbook(out2)["滞后及未更新"]
    assert "1.2" not in {ws2.cell(r, 1).value for r in range(3, ws2.max_row + 1)}


def test_injected_text_stays_text(small, tmp_path):
    assert small("update", "1.3", "-s", "推进中", "-n", "=cmd|' /C calc'!A0",
                 "-d", "2019-02-01").exit_code == 0
    out = tmp_path / "r.xlsx"
    result = small("export", str(out), "--as-of", "2019-03-01")
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    seen = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)
                    assert cell.quotePrefix
                    seen.add(cell.value)
    assert set(INJECTED) <= seen
    assert "=cmd|' /C calc'!A0" in seen
    assert "-交通局" in seen
    assert any(v.startswith("1. =目标一") for v in _values(wb.worksheets[0]))
    # no formula anywhere in the report sheet
    assert not [c for row in wb.worksheets[0].iter_rows() for c in row if c.data_type == "f"]
    header = [c.value for c in wb.worksheets[0][2]]
    assert "配合单位" in header and "完成时限" in header


def _values(ws):
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def test_filters_and_scope_in_title(seeded, tmp_path):
    out = tmp_path / "r.xlsx"
    result = seeded("export", str(out), "--month", "2018-03", "--leader", "陆秋明")
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out).worksheets[0]
    assert "分管领导：陆秋明" in ws["A1"].value
    expected = json.loads(seeded("tasks", "--leader", "陆秋明", "-f", "json").stdout)
    assert ws.max_row - 2 == len(expected)
    assert all("陆秋明" in ws.cell(r, 4).value for r in range(3, ws.max_row + 1))


def test_csv_and_json_match_tasks(seeded, tmp_path):
    assert seeded("update", "1.1", "-s", "推进中", "-p", "30", "-d", "2018-03-10").exit_code == 0
    out_csv, out_json = tmp_path / "t.csv", tmp_path / "t.json"
    assert seeded("export", str(out_csv), "--month", "2018-03").exit_code == 0
    assert seeded("export", str(out_json), "--month", "2018-03").exit_code == 0
    assert out_csv.read_bytes().startswith(b"\xef\xbb\xbf")
    want_csv = seeded("tasks", "-f", "csv", "--month", "2018-03").stdout
    assert out_csv.read_text(encoding="utf-8-sig") == want_csv
    want = json.loads(seeded("tasks", "-f", "json", "--month", "2018-03").stdout)
    assert json.loads(out_json.read_text(encoding="utf-8")) == want


def test_unknown_extension_is_a_usage_error(seeded, tmp_path):
    result = seeded("export", str(tmp_path / "r.pdf"))
    assert result.exit_code == 2
    assert "Error:" in result.stderr and ".xlsx" in result.stderr
    assert not (tmp_path / "r.pdf").exists()


def test_export_before_load_fails_cleanly(run, tmp_path):
    result = run("export", str(tmp_path / "r.xlsx"))
    assert result.exit_code == 1
    assert "Error:" in result.stderr
    assert not (tmp_path / "r.xlsx").exists()
