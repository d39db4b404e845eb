"""No spreadsheet formula from any CSV taskduty writes (OWASP CSV injection guidance).

A cell starting with = + - @ TAB or CR gets a leading ' in every CSV output: stdout
(``-f csv``), ``-o x.csv``, ``export x.csv`` and ``convert``; ``--raw-csv`` turns it off.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from taskduty.csvsafe import cell, neutralise

PAYLOADS = ["=HYPERLINK(\"http://x.invalid\",\"点击\")", "+1+cmd|' /C calc'!A0", "-2+3",
            "@SUM(1,1)", "\t=1+1", "\r=1+1"]
TABLE = """序号,目标名称,工作标准,分管领导,牵头单位,配合单位,完成时限
1,{goal},{standard},{leader},{unit},{co},{deadline}
"""


def _table(tmp_path: Path) -> Path:
    path = tmp_path / "2019年分解表.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["序号", "目标名称", "工作标准", "分管领导", "牵头单位", "配合单位", "完成时限"])
        for i, p in enumerate(PAYLOADS, 1):
            w.writerow([str(i), f"{p}目标", p + "任务内容", "=张三", f"@单位{i}", "-配合局",
                        "+2019年底"])
    return path


def _cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for c in row]


def _no_formula(cells: list[str]) -> None:
    bad = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert not bad, bad


@pytest.mark.parametrize("payload", PAYLOADS)
def test_neutralise_each_trigger(payload):
    assert neutralise(payload) == "'" + payload
    assert cell(payload) == "'" + payload
    assert cell("普通文本=1") == "普通文本=1" and cell(5) == 5 and cell(None) == ""


def test_every_csv_output_is_neutralised(run, tmp_path):
    table = _table(tmp_path)
    loaded = run("load", str(table), "--year", "2019", "-q")
    assert loaded.exit_code == 0, loaded.output
    assert run("update", "1.1", "--status", "推进中", "--note", "=cmd|'/C calc'!A0").exit_code == 0
    outputs = {}
    outputs["tasks -f csv"] = run("tasks", "-f", "csv").stdout
    assert run("tasks", "-o", str(tmp_path / "t.csv")).exit_code == 0
    outputs["tasks -o"] = (tmp_path / "t.csv").read_text(encoding="utf-8-sig")
    assert run("export", str(tmp_path / "e.csv")).exit_code == 0
    outputs["export"] = (tmp_path / "e.csv").read_text(encoding="utf-8-sig")
    outputs["convert"] = run("convert", str(table)).stdout
    assert run("convert", str(table), "-o", str(tmp_path / "c.csv")).exit_code == 0
    outputs["convert -o"] = (tmp_path / "c.csv").read_text(encoding="utf-8-sig")
    outputs["units"] = run("units", "-f", "csv").stdout
    outputs["leaders"] = run("leaders", "-f", "csv").stdout
    outputs["goals"] = run("goals", "-f", "csv").stdout
    outputs["summary"] = run("summary", "--by", "goal", "-f", "csv").stdout
    outputs["show"] = run("show", "1.1", "-f", "csv").stdout
    for name, text in outputs.items():
        cells = _cells(text)
        assert name == "summary" or any(c.startswith("'") for c in cells), name
        _no_formula(cells)
    assert "'=cmd|'/C calc'!A0" in outputs["tasks -f csv"]
    assert "'=张三" in outputs["convert"] and "'@单位1" in outputs["units"]


def test_raw_csv_turns_it_off(run, tmp_path):
    table = _table(tmp_path)
    assert run("load", str(table), "--year", "2019", "-q").exit_code == 0
    raw = run("--raw-csv", "tasks", "-f", "csv").stdout
    assert "=张三" in _cells(raw) and "'=张三" not in raw
    env = run("units", "-f", "csv", env={"TASKDUTY_RAW_CSV": "1"}).stdout
    assert "@单位1" in _cells(env)
    again = run("units", "-f", "csv").stdout  # the default is back
    assert "'@单位1" in _cells(again)
