"""Quantitative targets stored at load and shown in JSON (both backends)."""

from __future__ import annotations

import json

import pytest

from helpers import TARGETS_TABLE, load_targets_table, tasks_by_code


def load_targets(run, folder):
    """``helpers.TARGETS_TABLE`` as 2019 (a template: loaded once, copied per test)."""
    load_targets_table(run, folder)


@pytest.fixture
def targets(from_template):
    """The CLI runner over a database with ``helpers.TARGETS_TABLE`` loaded."""
    return from_template(load_targets)


def test_targets_are_stored_at_load_and_listed(run, tmp_path):
    load_targets_table(run, tmp_path)
    rows = tasks_by_code(run)
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
    load_targets_table(run, tmp_path)
    load_targets_table(run, tmp_path, TARGETS_TABLE.replace("新建幼儿园三所", "新建幼儿园五所"),
                       "--replace")
    rows = tasks_by_code(run)
    assert [t["value"] for t in rows["2.1"]["targets"]] == [5, 2]


def test_actuals_recorded_like_statuses_and_judged_at_dates(targets):
    run = targets
    r = run("update", "1.2#1", "--actual", "1.5亿美元", "-d", "2019-03-31", "--by", "商务局",
            "--note", "一季度")
    assert r.exit_code == 0, r.output
    assert "1.2#1: 实际完成值 1.5亿美元" in r.stdout and "[id A" in r.stdout
    assert run("update", "1.2", "--target", "2", "--actual", "５２％", "-d",
               "2019-03-31").exit_code == 0
    assert run("update", "2.1#1", "-a", "一所", "-d", "2019-03-31").exit_code == 0
    assert run("update", "2.2", "-a", "4.8", "-d", "2019-03-31").exit_code == 0  # only target
    march = tasks_by_code(run, "--as-of", "2019-03-31")
    t1, t2 = march["1.2"]["targets"]
    assert (t1["actual"], t1["actual_date"], t1["status"]) == (1.5, "2019-03-31", "on_course")
    assert (t2["actual"], t2["status"]) == (52, "behind")      # 占比55%以上 not held
    assert march["2.1"]["targets"][0]["status"] == "on_course"  # 1 of 3 by March: 3 × 0.25
    assert march["2.1"]["targets"][1]["status"] is None          # nothing reported
    assert march["2.2"]["targets"][0]["status"] == "on_course"  # 4.8% ≤ 5%
    # the same March value is behind by the end of June (5.2 × 0.5 = 2.6 > 1.5)
    june = tasks_by_code(run, "--as-of", "2019-06-30")
    assert june["1.2"]["targets"][0]["status"] == "behind"
    # February: before anything was recorded
    assert tasks_by_code(run, "--as-of", "2019-02-28")["1.2"]["targets"][0]["actual"] is None
    assert set(tasks_by_code(run, "--as-of", "2019-06-30", "--target", "behind")) == {"1.2", "2.1"}
    assert set(tasks_by_code(run, "--as-of", "2019-03-31", "--target", "none")) == {"1.1", "2.1"}
    assert set(tasks_by_code(run, "--as-of", "2019-03-31", "-t", "达序时")) == {"1.2", "2.1", "2.2"}
    # a year-end figure that holds is met
    run("update", "2.2", "-a", "4.9%", "-d", "2019-12-31")
    assert tasks_by_code(run, "--as-of", "2019-12-31")["2.2"]["targets"][0]["status"] == "met"
    shown = json.loads(run("show", "1.2", "-f", "json").stdout)
    assert [(a["target"], a["value"], a["note"]) for a in shown["actuals"]] == [
        (1, 1.5, "一季度"), (2, 52, None)]
    assert shown["actuals"][0]["by"] == "商务局"
    assert shown["actuals"][0]["id"].startswith("A")


def test_actuals_are_withdrawn_by_undo_and_withdraw(targets):
    run = targets
    env = {"LOGNAME": "alice", "USER": "alice", "USERNAME": "alice"}
    run("update", "1.1#1", "-a", "7.8", "-d", "2019-03-31", env=env)
    r = run("update", "1.1#2", "-a", "6.5", "-s", "推进中", "-p", "30", "-d", "2019-03-31",
            env=env)
    assert r.exit_code == 0, r.output
    undo = run("undo", env=env)
    assert undo.exit_code == 0, undo.output
    assert "1.1#2: withdrew actual value A" in undo.stdout
    t = tasks_by_code(run, "--as-of", "2019-03-31")["1.1"]
    assert t["status"] == "not_started"
    assert [g["actual"] for g in t["targets"]] == [7.8, None]
    shown = json.loads(run("show", "1.1", "-f", "json").stdout)
    aid = shown["actuals"][0]["id"]
    w = run("withdraw", aid)
    assert w.exit_code == 0, w.output
    assert tasks_by_code(run, "--as-of", "2019-03-31")["1.1"]["targets"][0]["actual"] is None
    kept = json.loads(run("show", "1.1", "-f", "json", "--withdrawn").stdout)["actuals"]
    assert len(kept) == 2 and all(a["withdrawn_at"] for a in kept)
    again = run("withdraw", aid)
    assert again.exit_code == 1 and "already withdrawn" in again.output


@pytest.mark.parametrize(("args", "code", "message"), [
    (("1.1", "-a", "8"), 2, "has 2 targets"),
    (("1.1#3", "-a", "8"), 1, "no target #3"),
    (("2.3", "-a", "8"), 1, "has no quantitative target"),
    (("1.2#1", "-a", "8%"), 2, "cannot be read in 亿美元"),
    (("1.2#1", "-a", "很多"), 2, "cannot be read"),
    (("1.1#x", "-a", "8"), 2, "does not name a target"),
    (("1.1#1",), 2, "--actual"),
    (("1.1",), 2, "give --status"),
])
def test_bad_actuals_write_nothing(targets, args, code, message):
    run = targets
    r = run("update", *args, "-d", "2019-03-31")
    assert r.exit_code == code, r.output
    assert message in r.output
    assert all(g["actual"] is None for t in tasks_by_code(run).values() for g in t["targets"])


def test_show_lists_targets_and_actual_values(targets):
    run = targets
    run("update", "1.2#2", "-a", "57", "-d", "2019-03-31", "--note", "季度数")
    r = run("show", "1.2", "--as-of", "2019-03-31")
    assert r.exit_code == 0, r.output
    assert "≥55%  产业类外资占比55%以上  actual 57% (2019-03-31)  on course" in r.stdout
    assert "5.2亿美元  实际利用外资5.2亿美元  not reported" in r.stdout
    assert "Actual values" in r.stdout and "季度数" in r.stdout
