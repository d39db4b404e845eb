"""Quantitative targets stored at load and shown in JSON (both backends)."""

from __future__ import annotations

import json
from pathlib import Path

TABLE = """序号,目标名称,工作标准,分管领导,牵头单位
1,经济增长,地区生产总值增长7.5%左右，一般公共预算收入增长6%以上。,甲乙,发改局
1,经济增长,实际利用外资5.2亿美元，产业类外资占比55%以上。,甲乙,商务局
2,民生实事,新建幼儿园三所、中小学2所。,丙丁,教育局
2,民生实事,城镇调查失业率控制在5%以内，与经济增长同步。,丙丁,人社局
2,民生实事,深化“135”工程，推进十四五规划编制。,丙丁,发改局
"""


def load(run, tmp_path: Path, text: str = TABLE, *args: str) -> None:
    path = tmp_path / "plan.csv"
    path.write_text(text, encoding="utf-8")
    result = run("load", str(path), "--year", "2019", "--quiet", *args)
    assert result.exit_code == 0, result.output


def tasks_json(run, *args: str) -> dict[str, dict]:
    result = run("tasks", "-f", "json", *args)
    assert result.exit_code == 0, result.output
    return {r["code"]: r for r in json.loads(result.stdout)}


def test_targets_are_stored_at_load_and_listed(run, tmp_path):
    load(run, tmp_path)
    rows = tasks_json(run)
    first = rows["1.1"]["targets"]
    assert [(t["no"], t["kind"], t["value"], t["unit"], t["bound"]) for t in first] == [
        (1, "growth", 7.5, "%", "about"), (2, "growth", 6, "%", "at_least")]
    assert first[0]["text"] == "地区生产总值增长7.5%左右"
    assert [(t["kind"], t["value"], t["unit"]) for t in rows["1.2"]["targets"]] == [
        ("level", 5.2, "亿美元"), ("share", 55, "%")]
    assert [(t["value"], t["unit"]) for t in rows["2.1"]["targets"]] == [(3, "所"), (2, "所")]
    assert [(t["kind"], t["bound"]) for t in rows["2.2"]["targets"]] == [("rate", "at_most")]
    assert rows["2.3"]["targets"] == []


def test_a_replaced_table_reads_its_edited_targets(run, tmp_path):
    load(run, tmp_path)
    load(run, tmp_path, TABLE.replace("新建幼儿园三所", "新建幼儿园五所"), "--replace")
    rows = tasks_json(run)
    assert [t["value"] for t in rows["2.1"]["targets"]] == [5, 2]
