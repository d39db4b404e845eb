"""``load FILE --year Y --replace``: tasks are matched by text, else by code where the text
was edited; matched tasks keep their history even when their code moves; vanished tasks
with history are kept, marked removed; the report says what was added, changed, moved and
removed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import SEED_TEXT

HEADER = "序号,目标名称,工作标准,分管领导,牵头单位\n"
A = "实施城市更新行动改造老旧小区十二个"
B = "新建改建城市公园绿地八处提升绿化覆盖率"
C = "完成主城区雨污分流管网改造三十公里"
D = "开展农村人居环境整治建成美丽乡村示范点五个"
X = "新增公共停车泊位两千个缓解停车难问题"


def csv_file(path: Path, rows: list[tuple[int, str, str, str, str]]) -> Path:
    path.write_text(HEADER + "".join(",".join(map(str, r)) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def base_rows() -> list[tuple[int, str, str, str, str]]:
    return [(1, "城市建设", A, "甲领导", "住建局"),
            (1, "城市建设", B, "甲领导", "园林局"),
            (1, "城市建设", C, "乙领导", "水务局"),
            (2, "乡村振兴", D, "丙领导", "农业农村局")]


def load_years(run: Any, folder: Path) -> None:
    """2019 loaded from the four base rows, with history on 1.2 (B) and 1.3 (C); 2018 is the
    seed with one update."""
    assert run("load", str(csv_file(folder / "v1.csv", base_rows())), "--year", "2019",
               "-q").exit_code == 0
    assert run("load", str(SEED_TEXT), "--year", "2018", "-q").exit_code == 0
    for code, status, pct in (("1.2", "in_progress", "30"), ("1.3", "behind", "10")):
        result = run("update", code, "--status", status, "--progress", pct,
                     "--date", "2019-03-31", "--year", "2019")
        assert result.exit_code == 0, result.output
    assert run("update", "1.1", "--status", "done", "--date", "2018-12-01",
               "--year", "2018").exit_code == 0


@pytest.fixture
def loaded(from_template: Any) -> Any:
    return from_template(load_years)


def show(run: Any, code: str, year: str = "2019") -> dict[str, Any]:
    result = run("show", code, "--year", year, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def tasks(run: Any, year: str = "2019") -> dict[str, dict[str, Any]]:
    result = run("tasks", "--year", year, "--format", "json")
    assert result.exit_code == 0, result.output
    return {t["code"]: t for t in json.loads(result.stdout)}


def replace(run: Any, path: Path, *extra: str) -> tuple[dict[str, Any], str]:
    result = run("load", str(path), "--year", "2019", "--replace", "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), result.stderr


def test_identical_content_is_unchanged(loaded: Any, tmp_path: Path) -> None:
    report, err = replace(loaded, csv_file(tmp_path / "same.csv", base_rows()))
    assert report["outcome"] == "unchanged"
    assert err == ""  # -f json: the report is the JSON, nothing else
    assert show(loaded, "1.2")["history"][0]["progress"] == 30


def test_task_inserted_mid_goal_does_not_shift_history(loaded: Any, tmp_path: Path) -> None:
    rows = base_rows()
    rows.insert(1, (1, "城市建设", X, "甲领导", "交通局"))
    report, _err = replace(loaded, csv_file(tmp_path / "v2.csv", rows))
    assert report["outcome"] == "replaced"
    assert report["change_counts"] == {"added": 1, "changed": 0, "moved": 2, "restored": 0,
                                       "removed": 0, "unchanged": 2}
    assert any(line.startswith("added 1.2") for line in report["changes"])
    assert "moved 1.2 -> 1.3" in "\n".join(report["changes"])
    assert "moved 1.3 -> 1.4" in "\n".join(report["changes"])
    listed = tasks(loaded)
    assert [listed[c]["standard"] for c in ("1.1", "1.2", "1.3", "1.4")] == [A, X, B, C]
    assert show(loaded, "1.2")["history"] == []  # the new task has none
    assert [h["progress"] for h in show(loaded, "1.3")["history"]] == [30]  # B's
    assert [h["status"] for h in show(loaded, "1.4")["history"]] == ["behind"]  # C's
    assert listed["1.3"]["status"] == "in_progress" and listed["1.4"]["status"] == "behind"


def test_edited_text_keeps_history_by_code(loaded: Any, tmp_path: Path) -> None:
    rows = base_rows()
    rows[1] = (1, "城市建设", B.replace("八处", "十处"), "甲领导", "园林局、城管局")
    report, _ = replace(loaded, csv_file(tmp_path / "v2.csv", rows))
    assert report["change_counts"]["changed"] == 1
    assert "changed 1.2: text, units" in report["changes"]
    task = show(loaded, "1.2")
    assert "十处" in task["standard"] and task["units"] == ["园林局", "城管局"]
    assert [h["progress"] for h in task["history"]] == [30]


def test_edited_and_moved_task_keeps_history(loaded: Any, tmp_path: Path) -> None:
    rows = base_rows()
    rows[2] = (1, "城市建设", C.replace("三十公里", "三十五公里"), "乙领导", "水务局")
    rows.insert(0, (1, "城市建设", X, "甲领导", "交通局"))
    report, _ = replace(loaded, csv_file(tmp_path / "v2.csv", rows))
    assert report["change_counts"]["added"] == 1 and report["change_counts"]["removed"] == 0
    task = show(loaded, "1.4")
    assert "三十五公里" in task["standard"]
    assert [h["status"] for h in task["history"]] == ["behind"]
    assert show(loaded, "1.1")["history"] == []


def test_vanished_task_with_history_is_kept_and_reported(loaded: Any, tmp_path: Path) -> None:
    rows = [r for r in base_rows() if r[2] not in (C, D)]  # C has history, D has none
    report, _err = replace(loaded, csv_file(tmp_path / "v2.csv", rows))
    assert report["change_counts"]["removed"] == 2
    assert "kept, marked removed" in "\n".join(report["changes"])
    assert sorted(tasks(loaded)) == ["1.1", "1.2"]
    missing = loaded("show", "1.3", "--year", "2019")
    assert missing.exit_code == 1  # removed tasks are not listed or shown
    checked = json.loads(loaded("check", "--year", "2019", "--format", "json").stdout)
    assert [r["code"] for r in checked["removed"]] == ["1.3"]
    years = json.loads(loaded("years", "--format", "json").stdout)
    assert {y["year"]: y["tasks"] for y in years}[2019] == 2
    # the removed task comes back in a later version, with its history
    report, _ = replace(loaded, csv_file(tmp_path / "v3.csv", base_rows()))
    assert report["change_counts"]["restored"] == 1 and report["change_counts"]["added"] == 1
    assert [h["status"] for h in show(loaded, "1.3")["history"]] == ["behind"]
    assert show(loaded, "2.1")["history"] == []


def test_task_moved_to_another_goal_keeps_history(loaded: Any, tmp_path: Path) -> None:
    rows = base_rows()
    rows[1] = (2, "乡村振兴", B, "甲领导", "园林局")
    rows = [rows[0], rows[2], rows[3], rows[1]]
    report, _ = replace(loaded, csv_file(tmp_path / "v2.csv", rows))
    lines = "\n".join(report["changes"])
    assert "moved 1.2 -> 2.2" in lines and "moved 1.3 -> 1.2" in lines
    assert "changed 2.2: goal" in lines
    b = show(loaded, "2.2")
    assert b["standard"] == B and b["goal"] == "乡村振兴"
    assert [h["progress"] for h in b["history"]] == [30]
    assert [h["status"] for h in show(loaded, "1.2")["history"]] == ["behind"]


def test_unrelated_new_text_at_a_code_does_not_take_its_history(
        loaded: Any, tmp_path: Path) -> None:
    rows = base_rows()
    rows[2] = (1, "城市建设", "推进智慧城管平台建设", "乙领导", "城管局")
    report, _ = replace(loaded, csv_file(tmp_path / "v2.csv", rows))
    assert report["change_counts"]["added"] == 1 and report["change_counts"]["removed"] == 1
    assert show(loaded, "1.3")["history"] == []


def test_goal_renamed_and_goals_dropped(loaded: Any, tmp_path: Path) -> None:
    rows = [(1, "城乡建设", A, "甲领导", "住建局"), (1, "城乡建设", B, "甲领导", "园林局"),
            (1, "城乡建设", C, "乙领导", "水务局")]
    report, _ = replace(loaded, csv_file(tmp_path / "v2.csv", rows))
    assert "changed 1.1: goal" in report["changes"]
    goals = json.loads(loaded("goals", "--year", "2019", "-f", "json").stdout)
    assert [(g["goal_no"], g["goal"], g["tasks"]) for g in goals] == [(1, "城乡建设", 3)]


def test_dry_run_reports_and_writes_nothing(loaded: Any, tmp_path: Path) -> None:
    rows = base_rows()[:2]
    report, err = replace(loaded, csv_file(tmp_path / "v2.csv", rows), "--dry-run")
    assert report["outcome"] == "dry-run" and report["change_counts"]["removed"] == 2
    assert err == ""
    assert sorted(tasks(loaded)) == ["1.1", "1.2", "1.3", "2.1"]


def test_replace_leaves_other_years_untouched(loaded: Any, tmp_path: Path) -> None:
    before = tasks(loaded, "2018")
    history = show(loaded, "1.1", "2018")["history"]
    rows = base_rows()[1:]
    replace(loaded, csv_file(tmp_path / "v2.csv", rows))
    assert tasks(loaded, "2018") == before
    assert show(loaded, "1.1", "2018")["history"] == history


def test_replace_of_a_year_not_loaded_is_a_load(run: Any, tmp_path: Path) -> None:
    path = csv_file(tmp_path / "v1.csv", base_rows())
    result = run("load", str(path), "--year", "2021", "--replace")
    assert result.exit_code == 0, result.output
    assert "Loaded: 2021" in result.stderr
    assert len(tasks(run, "2021")) == 4


def test_load_without_replace_refuses_other_content(loaded: Any, tmp_path: Path) -> None:
    path = csv_file(tmp_path / "v2.csv", base_rows()[:2])
    result = loaded("load", str(path), "--year", "2019")
    assert result.exit_code == 1
    assert "--replace" in result.stderr
    assert len(tasks(loaded)) == 4
