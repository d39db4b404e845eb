"""``check`` (data quality) and ``alias`` (other spellings of names), through the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from taskduty.checks import edit_distance, variant_reason

TABLE = """序号,目标名称,工作标准,分管领导,牵头单位
1,开放合作,新引进外资项目十个,甲领导,经开区
1,开放合作,建设跨境电商产业园,甲领导,常州经开区
1,开放合作,举办投资推介会三场,,商务局
2,城市管理,整治背街小巷五十条,乙领导,城管局
2,城市管理,新增停车泊位两千个,乙领导,
3,生态环境,空气优良天数比例达到80%,,生态环境局
3,生态环境,完成河道清淤二十公里,丙领导,水利局
3,生态环境,完成农田水利建设,丙领导,水务局
"""


def load_table(run: Any, folder: Path) -> None:
    path = folder / "plan.csv"
    path.write_text(TABLE, encoding="utf-8")
    result = run("load", str(path), "--year", "2020", "-q")
    assert result.exit_code == 0, result.output


@pytest.fixture
def loaded(from_template: Any) -> Any:
    return from_template(load_table)


def check_json(run: Any, *args: str) -> dict[str, Any]:
    result = run("check", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_check_reports_inherited_missing_and_variants(loaded: Any) -> None:
    report = check_json(loaded)
    assert report["year"] == 2020 and report["tasks"] == 8
    inherited = {i["code"]: i for i in report["inherited"]}
    assert set(inherited) == {"1.3", "2.2"}
    assert inherited["1.3"]["fields"] == ["leaders"]
    assert inherited["2.2"]["fields"] == ["units"]
    assert "inherited 甲领导 from 1.2" in inherited["1.3"]["messages"][0]
    assert report["no_leader"] == ["3.1"]  # nothing above it in its goal to inherit
    assert report["no_unit"] == []
    pairs = {tuple(v["names"]): v for v in report["variants"]}
    assert ("常州经开区", "经开区") in pairs
    assert pairs[("常州经开区", "经开区")]["kind"] == "unit"
    assert pairs[("常州经开区", "经开区")]["tasks"] == [1, 1]
    assert ("水利局", "水务局") not in pairs  # different units, one character apart
    assert any("3.1 has no 分管领导" in w["message"] for w in report["warnings"])


def test_check_table_output(loaded: Any) -> None:
    result = loaded("check")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Check 2020" in out
    assert "Names that look like variants" in out and "经开区" in out
    assert "Tasks without a leader (1):" in out and "3.1" in out


def test_check_without_a_table(run: Any) -> None:
    result = run("check")
    assert result.exit_code == 1 and "no table loaded" in result.stderr


def test_check_reports_repaired_fragments(run: Any, tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text("目标名称,工作标准,分管领导,牵头单位\n"
                    "民生,建成社区服务中心,甲领导,\"民政局、社区服务\n中心\"\n", encoding="utf-8")
    assert run("load", str(path), "--year", "2021", "-q").exit_code == 0
    report = check_json(run)
    assert any("社区服务中心" in r["message"] for r in report["repaired"])


@pytest.mark.parametrize(("a", "b", "kind", "flagged"), [
    ("经开区", "常州经开区", "unit", True),
    ("发改委", "发改局", "unit", True),
    ("市场监管局", "市场监督局", "unit", True),
    ("教育局", "体育局", "unit", False),
    ("水利局", "水务局", "unit", False),
    ("张三", "张三丰", "leader", True),
    ("王建国", "王建军", "leader", False),
])
def test_variant_rule(a: str, b: str, kind: str, flagged: bool) -> None:
    assert (variant_reason(a, b, kind) is not None) is flagged


def test_edit_distance() -> None:
    assert edit_distance("常州经开区", "经开区") == 2
    assert edit_distance("abc", "abc") == 0
    assert edit_distance("", "ab") == 2


def test_alias_merges_names_and_is_used_by_queries(loaded: Any) -> None:
    result = loaded("alias", "经开区", "常州经开区")
    assert result.exit_code == 0, result.output
    assert "unit alias 经开区 -> 常州经开区" in result.stderr
    assert "1 task links moved" in result.stderr
    units = {u["name"]: u["tasks"] for u in json.loads(loaded("units", "-f", "json").stdout)}
    assert units["常州经开区"] == 2 and "经开区" not in units
    found = json.loads(loaded("tasks", "--unit", "经开区", "-f", "json").stdout)
    assert [t["code"] for t in found] == ["1.1", "1.2"]
    assert not any("经开区" in v["names"] for v in check_json(loaded)["variants"])
    listed = json.loads(loaded("alias", "--list", "-f", "json").stdout)
    assert listed == [{"kind": "unit", "alias": "经开区", "name": "常州经开区"}]


def test_alias_applied_on_load(loaded: Any, tmp_path: Path) -> None:
    assert loaded("alias", "甲", "甲领导", "--kind", "leader").exit_code == 0
    path = tmp_path / "plan2021.csv"
    path.write_text("目标名称,工作标准,分管领导,牵头单位\n民生,任务一,甲,经开区\n",
                    encoding="utf-8")
    assert loaded("alias", "经开区", "常州经开区").exit_code == 0
    assert loaded("load", str(path), "-q").exit_code == 0
    task = json.loads(loaded("show", "1.1", "--year", "2021", "-f", "json").stdout)
    assert task["leaders"] == ["甲领导"] and task["units"] == ["常州经开区"]


def test_alias_kind_inference_and_errors(loaded: Any) -> None:
    unknown = loaded("alias", "某某", "不存在的单位")
    assert unknown.exit_code == 2 and "--kind" in unknown.stderr
    same = loaded("alias", "商务局", "商务局")
    assert same.exit_code == 2
    bad_kind = loaded("alias", "甲", "甲领导", "--kind", "person")
    assert bad_kind.exit_code == 2
    missing = loaded("alias", "甲")
    assert missing.exit_code == 2 and "Hint:" in missing.stderr
    leader = loaded("alias", "甲", "甲领导")
    assert leader.exit_code == 0 and "leader alias 甲 -> 甲领导" in leader.stderr


def test_alias_remove_and_list(loaded: Any) -> None:
    assert loaded("alias", "商务", "商务局").exit_code == 0
    assert "商务" in loaded("alias", "--list").stdout
    removed = loaded("alias", "--remove", "商务")
    assert removed.exit_code == 0 and "Removed unit alias 商务 -> 商务局" in removed.stderr
    assert json.loads(loaded("alias", "--list", "-f", "json").stdout) == []
    again = loaded("alias", "--remove", "商务")
    assert again.exit_code == 1 and "no alias" in again.stderr


def test_alias_list_on_an_empty_database(run: Any) -> None:
    result = run("alias", "--list", "-f", "json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []
