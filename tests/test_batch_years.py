"""Several years in one database: loading one leaves the others and their history alone;
``--year`` on every command; ``years`` with task counts; ``unload``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import SEED_TEXT

TABLE_2019 = """序号,目标名称,工作标准,分管领导,牵头单位,完成时限
1,产业升级,引进亿元以上项目三十个,甲领导,商务局,2019年6月底
1,产业升级,新增规上工业企业五十家,,工信局,年底
2,社会事业,新建幼儿园四所,乙领导,教育局,9月底
"""


def load_two_years(run: Any, folder: Path) -> None:
    assert run("load", str(SEED_TEXT), "--year", "2018", "-q").exit_code == 0
    path = folder / "plan2019.csv"
    path.write_text(TABLE_2019, encoding="utf-8")
    assert run("update", "1.1", "--status", "in_progress", "--progress", "50",
               "--date", "2018-06-30", "--year", "2018").exit_code == 0
    result = run("load", str(path), "-q")  # year from the file name
    assert result.exit_code == 0, result.output
    assert "2019" in result.stderr


@pytest.fixture
def two_years(from_template: Any) -> Any:
    return from_template(load_two_years)


def as_json(run: Any, *args: str) -> Any:
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_years_lists_task_counts(two_years: Any) -> None:
    years = as_json(two_years, "years")
    assert [(y["year"], y["tasks"], y["goals"]) for y in years] == [(2019, 3, 2), (2018, 114, 23)]
    table = two_years("years").stdout
    assert "2019" in table and "114" in table


def test_loading_2019_leaves_2018_and_its_history(two_years: Any) -> None:
    task = as_json(two_years, "show", "1.1", "--year", "2018")
    assert [h["progress"] for h in task["history"]] == [50]
    assert len(as_json(two_years, "tasks", "--year", "2018")) == 114


def test_latest_year_is_the_default_and_year_selects(two_years: Any) -> None:
    latest = as_json(two_years, "tasks")
    assert {t["year"] for t in latest} == {2019} and len(latest) == 3
    assert latest[1]["leaders"] == ["甲领导"] and latest[1]["leaders_inherited"]
    for command in (("tasks",), ("goals",), ("leaders",), ("units",), ("summary",),
                    ("check",)):
        y2018 = two_years(*command, "--year", "2018", "--format", "json")
        y2019 = two_years(*command, "--year", "2019", "--format", "json")
        assert y2018.exit_code == 0 and y2019.exit_code == 0, command
        assert y2018.stdout != y2019.stdout, command
    shown = as_json(two_years, "show", "1.1", "--year", "2019")
    assert shown["standard"] == "引进亿元以上项目三十个"
    missing = two_years("tasks", "--year", "2017")
    assert missing.exit_code == 1 and "2018, 2019" in missing.stderr


def test_update_takes_the_year(two_years: Any) -> None:
    result = two_years("update", "1.1", "--status", "done", "--year", "2019",
                       "--date", "2019-05-01")
    assert result.exit_code == 0, result.output
    assert as_json(two_years, "show", "1.1", "--year", "2019")["status"] == "done"
    assert as_json(two_years, "show", "1.1", "--year", "2018")["status"] == "in_progress"


def test_unload_a_year_without_history(two_years: Any) -> None:
    result = two_years("unload", "2019")
    assert result.exit_code == 0, result.output
    assert "Unloaded 2019: 3 tasks in 2 goals" in result.stderr
    assert [y["year"] for y in as_json(two_years, "years")] == [2018]
    assert len(as_json(two_years, "tasks")) == 114  # the latest year is 2018 again
    again = two_years("unload", "2019")
    assert again.exit_code == 1 and "no table loaded for 2019" in again.stderr


def test_unload_refused_with_history_unless_forced(two_years: Any) -> None:
    refused = two_years("unload", "2018")
    assert refused.exit_code == 1
    assert "status history" in refused.stderr and "--force" in refused.stderr
    assert len(as_json(two_years, "tasks", "--year", "2018")) == 114
    # withdrawn history still counts as history
    forced = two_years("unload", "2018", "--force")
    assert forced.exit_code == 0, forced.output
    assert "1 updates deleted" in forced.stderr
    assert [y["year"] for y in as_json(two_years, "years")] == [2019]
    # the year can be loaded again, from scratch
    assert two_years("load", str(SEED_TEXT), "--year", "2018", "-q").exit_code == 0
    assert as_json(two_years, "show", "1.1", "--year", "2018")["history"] == []


def test_unload_refused_with_only_withdrawn_history(two_years: Any) -> None:
    assert two_years("update", "1.2", "--status", "behind", "--year", "2019").exit_code == 0
    undo = two_years("undo")
    assert undo.exit_code == 0, undo.output
    refused = two_years("unload", "2019")
    assert refused.exit_code == 1 and "1 withdrawn" in refused.stderr
    assert two_years("unload", "2019", "--force").exit_code == 0
