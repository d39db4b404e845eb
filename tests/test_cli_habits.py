"""Options as people write them, and output a script can trust."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import SEED_TEXT


def test_db_after_the_command_name(seeded, db_url, tmp_path):
    result = seeded("tasks", "--leader", "陆秋明", "-f", "json", "--db", db_url,
                    env={"TASKDUTY_DB": str(tmp_path / "elsewhere.db")})
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)
    eq = seeded("show", "1.1", f"--db={db_url}", "-f", "json",
                env={"TASKDUTY_DB": str(tmp_path / "elsewhere.db")})
    assert eq.exit_code == 0 and json.loads(eq.stdout)["code"] == "1.1"


def test_quiet_on_every_command(seeded, tmp_path):
    loud = seeded("update", "1.1", "--status", "推进中", "--date", "2018-03-01")
    assert loud.exit_code == 0
    again = seeded("update", "1.1", "--status", "推进中", "--date", "2018-03-01", "--quiet")
    assert again.exit_code == 0 and again.stderr == ""
    for args in (("tasks", "--leader", "陆秋明"), ("remind", "--month", "2018-03"),
                 ("check",), ("forms", str(tmp_path / "f"), "--month", "2018-03", "-u",
                              "发改局"), ("summary",)):
        result = seeded(*args, "--quiet")
        assert result.exit_code == 0, result.output
        assert result.stderr == "", args
        assert result.stdout
    assert seeded("-q", "load", str(SEED_TEXT), "--year", "2018").stderr == ""
    # errors still show
    bad = seeded("show", "99.9", "-q")
    assert bad.exit_code == 1 and bad.stderr.startswith("Error:")
    # tasks keeps -q as --search
    found = seeded("tasks", "-q", "污水", "-f", "json")
    assert all("污水" in t["standard"] or "污水" in t["goal"] for t in json.loads(found.stdout))


def test_load_json_prints_json_and_nothing_on_stderr(run):
    result = run("load", str(SEED_TEXT), "--year", "2018", "-f", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["year"] == 2018
    assert result.stderr == ""


@pytest.mark.sqlite_only
@pytest.mark.parametrize("args", [["check"], ["show", "1.1"], ["tasks"], ["summary"]])
def test_head_one_ends_quietly_with_exit_0(seeded, db_url, args):
    seeded("update", "1.1", "-s", "推进中", "-n", "长" * 4000, "-d", "2018-03-01")
    env = {**os.environ, "TASKDUTY_DB": db_url, "COLUMNS": "80"}
    proc = subprocess.Popen([sys.executable, "-m", "taskduty", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()  # what `| head -1` does
    err = proc.stderr.read()
    assert proc.wait() == 0
    assert b"Error" not in err and b"Traceback" not in err


def _codes(run, *args: str) -> list[str]:
    result = run("tasks", *args, "-f", "json")
    assert result.exit_code == 0, result.output
    return [t["code"] for t in json.loads(result.stdout)]


def test_a_repeated_filter_means_any_of_its_values(seeded):
    two, three = _codes(seeded, "--goal", "2"), _codes(seeded, "--goal", "3")
    assert two and three
    both = _codes(seeded, "--goal", "2", "--goal", "3")
    assert both == two + three
    assert _codes(seeded, "--goal", "2,3") == both == _codes(seeded, "-g", "2，3")
    assert _codes(seeded, "-g", "2、3") == both
    water, school = _codes(seeded, "-q", "污水"), _codes(seeded, "-q", "学校")
    either = _codes(seeded, "-q", "污水", "-q", "学校")
    assert set(either) == set(water) | set(school) and len(either) > len(water)
    bad = seeded("tasks", "--goal", "二")
    assert bad.exit_code == 2 and "is not a goal number" in bad.stderr


@pytest.mark.parametrize("sep", [",", "，", "、"])
@pytest.mark.pg_once()
def test_one_value_may_list_several_names(seeded, sep):
    a, b = _codes(seeded, "--leader", "陆秋明"), _codes(seeded, "--leader", "是峰")
    assert set(_codes(seeded, "--leader", f"陆秋明{sep}是峰")) == set(a) | set(b)
    units = set(_codes(seeded, "--unit", "发改局")) | set(_codes(seeded, "--unit", "财政局"))
    assert set(_codes(seeded, "--unit", f"发改局{sep}财政局")) == units
    seeded("update", "1.1", "-s", "推进中", "-d", "2018-03-01")
    seeded("update", "1.2", "-s", "滞后", "-d", "2018-03-01")
    assert set(_codes(seeded, "--status", f"推进中{sep}滞后")) == {"1.1", "1.2"}


@pytest.mark.parametrize(("word", "key"), [("单位", "unit"), ("units", "unit"),
                                           ("领导", "leader"), ("leaders", "leader"),
                                           ("目标", "goal"), ("Goals", "goal")])
@pytest.mark.pg_once()
def test_choice_words_in_chinese_and_plural(seeded, word, key):
    got = seeded("summary", "--by", word, "-f", "json")
    want = seeded("summary", "--by", key, "-f", "json")
    assert got.exit_code == 0, got.output
    assert json.loads(got.stdout) == json.loads(want.stdout)


def test_tables_are_captioned_with_year_and_count(seeded):
    assert "2018 · 114 tasks" in seeded("tasks").stdout
    count = len(_codes(seeded, "--leader", "陆秋明"))
    assert f"2018 · {count} tasks" in seeded("tasks", "--leader", "陆秋明").stdout
    assert "2018 · 114 tasks" in seeded("summary", "--by", "unit").stdout
    units = json.loads(seeded("units", "-f", "json").stdout)
    assert f"2018 · {len(units)} units" in seeded("units").stdout
    assert "2018 · " in seeded("goals").stdout
