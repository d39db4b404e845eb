"""Quantitative targets counted on their own in ``summary`` and the exported workbook."""

from __future__ import annotations

import json

import openpyxl

from helpers import load_targets_table


def record(run) -> None:
    for args in (("1.1#1", "-a", "7.9"), ("1.1#2", "-a", "5%"), ("1.2#1", "-a", "1.4亿美元"),
                 ("2.1#1", "-a", "三所")):
        r = run("update", *args, "-d", "2019-03-31")
        assert r.exit_code == 0, r.output


def test_summary_counts_targets_per_group_and_lists_them(run, tmp_path):
    load_targets_table(run, tmp_path)
    record(run)
    rows = {r["name"]: r for r in json.loads(run(
        "summary", "--by", "unit", "--as-of", "2019-03-31", "-f", "json").stdout)}
    # 发改局: 1.1 (two targets: 7.9 of ≈7.5 on course, 5 of ≥6 behind) and 2.3 (none)
    assert (rows["发改局"]["targets"], rows["发改局"]["targets_ok"]) == (2, 1)
    assert (rows["教育局"]["targets"], rows["教育局"]["targets_ok"]) == (2, 1)  # 3所 met
    assert (rows["人社局"]["targets"], rows["人社局"]["targets_ok"]) == (1, 0)  # no actual
    table = run("summary", "--by", "goal", "--as-of", "2019-03-31", env={"TASKDUTY_LANG": "zh"})
    assert "量化指标7项，达到序时进度3项" in table.stdout
    listed = json.loads(run("summary", "--by", "target", "--as-of", "2019-03-31",
                            "-f", "json").stdout)
    assert [(r["code"], r["target"], r["actual"], r["status"]) for r in listed] == [
        ("1.1#1", "≈+7.5%", 7.9, "on_course"), ("1.1#2", "≥+6%", 5, "behind"),
        ("1.2#1", "5.2亿美元", 1.4, "on_course"), ("1.2#2", "≥55%", None, None),
        ("2.1#1", "3所", 3, "met"), ("2.1#2", "2所", None, None),
        ("2.2#1", "≤5%", None, None)]
    text = run("summary", "--by", "target", "--as-of", "2019-03-31")
    assert text.exit_code == 0, text.output
    assert "量化指标7项：已达标1项、达序时2项、未达序时1项、未报3项" in text.stdout
    assert "1.4亿美元" in text.stdout


def test_export_has_a_target_sheet_and_counts_on_the_summary(run, tmp_path):
    load_targets_table(run, tmp_path)
    record(run)
    out = tmp_path / "r.xlsx"
    result = run("export", str(out), "--as-of", "2019-03-31")
    assert result.exit_code == 0, result.output
    assert "quantitative targets: 7, 3 met or on course" in result.stderr
    wb = openpyxl.load_workbook(out)
    ws = wb["量化指标"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert rows[0] == ("1.1#1", "发改局", "地区生产总值增长7.5%左右", "≈+7.5%", "7.9%",
                       "2019-03-31", "达序时")
    assert rows[4][:5] == ("2.1#1", "教育局", "新建幼儿园三所", "3所", "3所")
    assert rows[4][6] == "已达标"
    assert rows[-1][0] == "合计：量化指标7项：已达标1项、达序时2项、未达序时1项、未报3项"
    assert "量化指标7项：已达标1项" in wb["汇总"]["A2"].value
