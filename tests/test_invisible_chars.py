"""Invisible characters (zero-width, bidi controls, stray BOMs) are removed from every name
and text on load and from every query option; ``check`` says where they were."""

from __future__ import annotations

import json

import pytest

from taskduty.textclean import clean_text, invisible_in

ZWSP, ZWJ, RLO, PDF, LRM, BOM, WJ = "\u200b", "\u200d", "\u202e", "\u202c", "\u200e", \
    "\ufeff", "\u2060"


@pytest.mark.parametrize("char", [ZWSP, ZWJ, RLO, PDF, LRM, BOM, WJ, "\u2066", "\u00ad"])
def test_each_invisible_character_is_removed(char):
    assert clean_text(f"发{char}改局") == "发改局"
    assert invisible_in(f"发{char}改局")


def test_load_cleans_names_and_texts_and_check_says_where(run, tmp_path):
    path = tmp_path / "2019年表.csv"
    path.write_text(
        "序号,目标名称,工作标准,分管领导,牵头单位\n"
        f"1,稳{ZWSP}增长,推进{RLO}污水{PDF}治理,张{LRM}三,发{ZWSP}改局\n"
        f"1,稳增长,建设{BOM}园区,张三,发改局{WJ}\n"
        "1,稳增长,普通任务,张三,财政局\n", encoding="utf-8")
    result = run("load", str(path))
    assert result.exit_code == 0, result.output
    tasks = json.loads(run("tasks", "-f", "json").stdout)
    assert [t["standard"] for t in tasks] == ["推进污水治理", "建设园区", "普通任务"]
    assert {t["goal"] for t in tasks} == {"稳增长"}
    assert {u for t in tasks for u in t["units"]} == {"发改局", "财政局"}
    assert {n for t in tasks for n in t["leaders"]} == {"张三"}
    units = {u["name"]: u["tasks"] for u in json.loads(run("units", "-f", "json").stdout)}
    assert units == {"发改局": 2, "财政局": 1}
    report = json.loads(run("check", "-f", "json").stdout)
    cleaned = {c["ref"]: c["message"] for c in report["cleaned"]
               if "invisible" in c["message"]}
    assert set(cleaned) == {"row 2", "row 3"}
    assert "ZERO WIDTH SPACE" in cleaned["row 2"]
    assert "RIGHT-TO-LEFT OVERRIDE" in cleaned["row 2"]
    assert "ZERO WIDTH NO-BREAK SPACE" in cleaned["row 3"]


def test_query_options_are_cleaned(run, tmp_path):
    path = tmp_path / "2019年表.csv"
    path.write_text("序号,目标名称,工作标准,分管领导,牵头单位\n1,稳增长,推进污水治理,张三,发改局\n",
                    encoding="utf-8")
    assert run("load", str(path)).exit_code == 0
    for args in (("--unit", f"发{ZWSP}改局"), ("--leader", f"{RLO}张三"),
                 ("--search", f"污{ZWJ}水")):
        result = run("tasks", *args, "-f", "json")
        assert result.exit_code == 0, result.output
        assert len(json.loads(result.stdout)) == 1, args
    update = run("update", "1.1", "--status", "推进中", "--note", f"完成{ZWSP}一半{RLO}",
                 "--by", f"发{ZWSP}改局")
    assert update.exit_code == 0, update.output
    last = json.loads(run("show", "1.1", "-f", "json").stdout)["history"][-1]
    assert last["note"] == "完成一半" and last["by"] == "发改局"


def test_a_repeated_cell_is_cleaned_and_reported_on_every_row(run, tmp_path):
    """The CSV reader shares one cell object between rows with the same short text; cleaning
    one row must leave the others' cells to be cleaned and reported in turn."""
    from taskduty.sources import read_source

    path = tmp_path / "2019年表.csv"
    path.write_text(
        "序号,目标名称,工作标准,分管领导,牵头单位\n"
        f"1,稳增长,任务甲,张三,发{ZWSP}改局\n"
        f"1,稳增长,任务乙,张三,发{ZWSP}改局\n", encoding="utf-8")
    rows = read_source(path, None, None).rows
    assert rows[0].cells[4] is rows[1].cells[4]  # one object: memory flat in repeated names
    result = run("load", str(path))
    assert result.exit_code == 0, result.output
    tasks = json.loads(run("tasks", "-f", "json").stdout)
    assert [t["units"] for t in tasks] == [["发改局"], ["发改局"]]
    report = json.loads(run("check", "-f", "json").stdout)
    cleaned = {c["ref"] for c in report["cleaned"] if "invisible" in c["message"]}
    assert cleaned == {"row 2", "row 3"}
