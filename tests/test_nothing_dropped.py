"""Nothing dropped silently: two columns of one role, an unclosed CSV quote, --sheet on CSV."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import assert_one_line_error


def _csv(tmp_path: Path, text: str, name: str = "2019年分解表.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_two_standard_columns_are_an_error_naming_both(run, tmp_path):
    path = _csv(tmp_path, "序号,目标名称,工作标准,分管领导,牵头单位,工作标准\n"
                          "1,稳增长,任务甲,张三,发改局,任务乙\n")
    result = run("load", str(path))
    assert_one_line_error(result, "2 工作标准 columns", "(column C)", "(column F)")
    assert run("years", "-f", "json").exit_code != 0 or json.loads(
        run("years", "-f", "json").stdout) == []


def test_two_lead_unit_columns_are_both_read(run, tmp_path):
    path = _csv(tmp_path, "序号,目标名称,工作标准,分管领导,牵头单位,牵头单位\n"
                          "1,稳增长,任务甲,张三,发改局,财政局\n"
                          "1,稳增长,任务乙,张三,,科技局\n")
    result = run("load", str(path))
    assert result.exit_code == 0, result.output
    assert "names read from every column" in result.stderr
    tasks = json.loads(run("tasks", "-f", "json").stdout)
    assert tasks[0]["units"] == ["发改局", "财政局"]
    assert tasks[1]["units"] == ["科技局"]


def test_two_leader_columns_are_both_read(run, tmp_path):
    path = _csv(tmp_path, "目标名称,工作标准,分管领导,责任领导,牵头单位\n"
                          "稳增长,任务甲,张三,李四,发改局\n")
    assert run("load", str(path)).exit_code == 0
    assert json.loads(run("tasks", "-f", "json").stdout)[0]["leaders"] == ["张三", "李四"]


def test_an_unclosed_quote_is_reported_with_its_line(run, tmp_path):
    path = _csv(tmp_path, "序号,目标名称,工作标准,分管领导,牵头单位\n"
                          "1,稳增长,任务甲,张三,发改局\n"
                          '1,稳增长,"任务乙,张三,发改局\n'
                          "1,稳增长,任务丙,张三,发改局\n")
    result = run("load", str(path))
    assert_one_line_error(result, "line 3: a quote", "never closed")
    convert = run("convert", str(path))
    assert_one_line_error(convert, "line 3: a quote")


def test_quotes_inside_cells_are_fine(run, tmp_path):
    path = _csv(tmp_path, "序号,目标名称,工作标准,分管领导,牵头单位\n"
                          '1,稳增长,"任务""甲""，第一行\n第二行",张三,发改局\n')
    assert run("load", str(path)).exit_code == 0
    task = json.loads(run("tasks", "-f", "json").stdout)[0]
    assert task["standard"] == '任务"甲"，第一行\n第二行'


def test_sheet_on_a_csv_is_a_usage_error(run, tmp_path):
    path = _csv(tmp_path, "序号,目标名称,工作标准,分管领导,牵头单位\n1,稳增长,任务甲,张三,发改局\n")
    for command in ("load", "convert"):
        result = run(command, str(path), "--sheet", "Sheet1")
        assert result.exit_code == 2, result.output
        lines = result.stderr.strip().splitlines()
        assert lines[0].startswith("Error: --sheet is for Excel workbooks")
        assert lines[1].startswith("Hint: ") and len(lines) == 2
