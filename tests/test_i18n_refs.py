"""A source row's place ("line 44", "row 5", "table 2 row 3") is stored and given in JSON
as the readers wrote it; tables and messages show it in the interface language."""

from __future__ import annotations

import json

import pytest

from taskduty import i18n, render

CASES = [("line 44", "第44行"), ("row 5", "第5行"), ("table 2 row 3", "表2第3行"),
         ("plan.xlsx row 12", "plan.xlsx 第12行"), ("sheet 1", "sheet 1"), ("", "")]


@pytest.mark.parametrize(("ref", "chinese"), CASES)
def test_a_ref_in_the_interface_language(ref, chinese):
    try:
        i18n.use("zh")
        assert render.ref_text(ref) == chinese
    finally:
        i18n.use("en")
    assert render.ref_text(ref) == ref


def test_load_report_shows_chinese_refs_and_json_keeps_them(run, tmp_path):
    plan = tmp_path / "plan.csv"
    plan.write_text("序号,目标名称,工作标准,分管领导,牵头单位\n"
                    "1,经济增长,地区生产总值增长7.5%左右。,甲乙,发改局\n"
                    "1,经济增长,实际利用外资5.2亿美元。,,商务局\n", encoding="utf-8")
    shown = run("load", str(plan), "--year", "2018", "--dry-run", env={"TASKDUTY_LANG": "zh"})
    assert shown.exit_code == 0, shown.output
    assert "  第3行: " in shown.stderr
    assert "row 3" not in shown.stderr
    data = json.loads(run("load", str(plan), "--year", "2018", "--dry-run", "-f", "json",
                          env={"TASKDUTY_LANG": "zh"}).stdout)
    assert "row 3" in {r["ref"] for r in data["repairs"]}
