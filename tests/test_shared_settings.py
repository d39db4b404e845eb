"""The settings an office stores once in the database reach the commands that use them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx

from helpers import tasks_json


def test_shared_blue_days_light_tasks_like_the_option(seeded: Any) -> None:
    # 5.3 is due 年内 (2018-12-31); on schedule, so not yellow
    assert seeded("update", "5.3", "-s", "推进中", "-p", "98",
                  "-d", "2018-12-08").exit_code == 0
    before = tasks_json(seeded, "--as-of", "2018-12-20")
    due_soon = [t for t in before if t["warning"] == "blue"]
    assert due_soon  # due 2018-12-31, within the default 15 days
    assert seeded("config", "set", "--shared", "blue_days", "5").exit_code == 0
    after = {t["code"]: t for t in tasks_json(seeded, "--as-of", "2018-12-20")}
    assert all(after[t["code"]]["warning"] != "blue" for t in due_soon)
    # the option still wins over the stored value
    again = {t["code"]: t for t in tasks_json(seeded, "--as-of", "2018-12-20",
                                              "--blue-days", "15")}
    assert all(again[t["code"]]["warning"] == "blue" for t in due_soon)


def test_shared_office_name_heads_the_bulletin(plan: Any, tmp_path: Path) -> None:
    # the query tests' 23-task table: the office name, not the annex of the seed's 114 tasks
    # (~2.5 s of python-docx), is what is looked at
    assert plan("update", "1.1", "-s", "推进中", "-d", "2019-03-10").exit_code == 0
    assert plan("config", "set", "--shared", "office_name", "东湖区政府督查室").exit_code == 0
    out = tmp_path / "b.docx"
    result = plan("bulletin", str(out), "--month", "2019-03", "--chart", "none")
    assert result.exit_code == 0, result.output
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "东湖区政府督查室" in text


def test_lead_first_setting_applies_to_a_load(run: Any, tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    table.write_text("序号,目标名称,工作标准,责任领导,责任单位\n"
                     "1,优化营商环境,推行企业开办一日办结,周明,区行政审批局、区市场监管局\n",
                     encoding="utf-8")
    assert run("load", str(table), "--year", "2021").exit_code == 0
    [plain] = tasks_json(run, "--year", "2021")
    assert plain["units"] == ["区行政审批局", "区市场监管局"] and plain["co_units"] == []
    assert run("config", "set", "--shared", "lead_first", "true").exit_code == 0
    assert run("load", str(table), "--year", "2021", "--replace").exit_code == 0
    [first] = tasks_json(run, "--year", "2021")
    assert first["units"] == ["区行政审批局"] and first["co_units"] == ["区市场监管局"]
