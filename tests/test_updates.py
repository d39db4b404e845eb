"""Recording progress: updates, undo, withdraw, as-of views, status filters and summaries."""

from __future__ import annotations

import csv
import io
import json

import pytest


def as_user(name: str) -> dict[str, str]:
    return {"LOGNAME": name, "USER": name, "USERNAME": name}


def tasks_json(run, *args: str) -> dict[str, dict]:
    result = run("tasks", "-f", "json", *args)
    assert result.exit_code == 0, result.output
    return {r["code"]: r for r in json.loads(result.stdout)}


def history(run, code: str, *args: str) -> list[dict]:
    result = run("show", code, "-f", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["history"]


def test_multi_task_update_prints_a_line_per_task(seeded):
    result = seeded("update", "1.1", "1.2", "--status", "in_progress", "--progress", "40",
                    "--note", "一季度完成40%", "--date", "2018-03-31", "--by", "发改局")
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("2018 1.1: 推进中 (in_progress) 40%")
    assert lines[1].startswith("2018 1.2: 推进中 (in_progress) 40%")
    rows = tasks_json(seeded)
    for code in ("1.1", "1.2"):
        assert rows[code]["status"] == "in_progress"
        assert rows[code]["progress"] == 40
        assert rows[code]["note"] == "一季度完成40%"
        assert rows[code]["updated"] == "2018-03-31"
    assert rows["1.3"]["status"] == "not_started" and rows["1.3"]["updated"] is None


def test_history_fields_and_recorded_by(seeded):
    env = as_user("alice")
    seeded("update", "2.1", "-s", "推进中", "-d", "2018-02-28", "--by", "试点办", env=env)
    seeded("update", "2.1", "-s", "滞后", "-p", "20", "-d", "2018-03-31", env=env)
    entries = history(seeded, "2.1")
    assert [e["status"] for e in entries] == ["in_progress", "behind"]
    first = entries[0]
    assert set(first) >= {"id", "date", "status", "progress", "note", "by", "recorded_by",
                          "recorded_at"}
    assert first["by"] == "试点办" and first["recorded_by"] == "alice"
    assert entries[1]["by"] == "alice"  # --by defaults to the login name


def test_unknown_code_writes_nothing(seeded):
    result = seeded("update", "1.1", "99.1", "--status", "done")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: unknown task code in 2018: 99.1; nothing was recorded")
    assert history(seeded, "1.1") == []


@pytest.mark.parametrize("args,fragment", [
    (["--status", "finished"], "unknown status 'finished'"),
    (["--status", "in_progress", "--progress", "101"], "--progress 101 is out of range"),
    (["--status", "in_progress", "--progress", "abc"], "--progress 'abc' is not a number"),
    (["--status", "in_progress", "--progress", "40.5%"], "--progress 40.5% is not a whole"),
    (["--status", "done", "--progress", "50"], "status done with progress 50"),
    (["--status", "done", "--date", "2018-13-01"], "--date '2018-13-01' is not a date"),
])
@pytest.mark.pg_once()
def test_usage_errors_exit_2_and_list_what_is_allowed(seeded, args, fragment):
    result = seeded("update", "1.1", *args)
    assert result.exit_code == 2, result.output
    assert fragment in result.stderr
    if "status" in fragment and "unknown" in fragment:
        assert "not_started (未启动)" in result.stderr
    assert history(seeded, "1.1") == []


@pytest.mark.parametrize("word,key", [
    ("欠进度", "behind"), ("达进度", "in_progress"), ("正常推进", "in_progress"),
    ("完成", "done"), ("办结", "done"), ("已完成", "done"), ("未启动", "not_started"),
    ("滞后", "behind"),
])
@pytest.mark.pg_once()
def test_status_synonyms(seeded, word, key):
    assert seeded("update", "3.1", "--status", word).exit_code == 0
    assert tasks_json(seeded)["3.1"]["status"] == key


@pytest.mark.parametrize("typed", ["40%", "40％", " 40 ", "４０"])
@pytest.mark.pg_once()
def test_progress_as_typed_on_the_command_line(seeded, typed):
    result = seeded("update", "1.1", "--status", "推进中", "--progress", typed)
    assert result.exit_code == 0, result.output
    assert tasks_json(seeded)["1.1"]["progress"] == 40


def test_done_sets_progress_100(seeded):
    seeded("update", "1.1", "--status", "done")
    assert tasks_json(seeded)["1.1"]["progress"] == 100


def test_undo_withdraws_only_my_latest_batch(seeded):
    alice, bob = as_user("alice"), as_user("bob")
    seeded("update", "1.1", "-s", "in_progress", "-d", "2018-01-31", env=alice)
    seeded("update", "1.2", "1.3", "1.4", "-s", "behind", "-d", "2018-02-28", env=alice)
    seeded("update", "1.5", "-s", "done", "-d", "2018-02-28", env=bob)
    result = seeded("undo", env=alice)
    assert result.exit_code == 0, result.output
    assert "Withdrew batch" in result.stderr and "3 updates" in result.stderr
    assert {line.split(":")[0] for line in result.stdout.strip().splitlines()} == {
        "2018 1.2", "2018 1.3", "2018 1.4"}
    rows = tasks_json(seeded)
    assert rows["1.2"]["status"] == "not_started"
    assert rows["1.1"]["status"] == "in_progress"  # alice's earlier batch stays
    assert rows["1.5"]["status"] == "done"  # bob's batch is untouched
    # withdrawn updates stay in the database, marked
    withdrawn = history(seeded, "1.2", "--withdrawn")
    assert len(withdrawn) == 1 and withdrawn[0]["withdrawn_by"] == "alice"
    assert withdrawn[0]["withdrawn_at"]
    # the next undo takes alice's earlier batch, never bob's
    assert seeded("undo", env=alice).exit_code == 0
    assert tasks_json(seeded)["1.5"]["status"] == "done"
    nothing = seeded("undo", env=alice)
    assert nothing.exit_code == 1 and "nothing to undo" in nothing.stderr


def test_withdraw_single_update_by_id(seeded):
    seeded("update", "4.1", "-s", "in_progress", "-p", "30", "-d", "2018-03-31")
    seeded("update", "4.1", "-s", "behind", "-p", "35", "-d", "2018-04-30")
    entries = history(seeded, "4.1")
    result = seeded("withdraw", str(entries[1]["id"]))
    assert result.exit_code == 0, result.output
    assert tasks_json(seeded)["4.1"]["status"] == "in_progress"
    assert [e["id"] for e in history(seeded, "4.1")] == [entries[0]["id"]]
    again = seeded("withdraw", str(entries[1]["id"]))
    assert again.exit_code == 1 and "already withdrawn" in again.stderr
    missing = seeded("withdraw", "424242")
    assert missing.exit_code == 1 and "no update with id 424242" in missing.stderr


def test_as_of_views_between_two_updates(seeded):
    seeded("update", "5.1", "-s", "in_progress", "-p", "30", "-d", "2018-03-31")
    seeded("update", "5.1", "-s", "done", "-d", "2018-06-15")
    assert tasks_json(seeded, "--as-of", "2018-03-30")["5.1"]["status"] == "not_started"
    assert tasks_json(seeded, "--as-of", "2018-03-31")["5.1"]["status"] == "in_progress"
    assert tasks_json(seeded, "--month", "2018-05")["5.1"]["progress"] == 30
    assert tasks_json(seeded, "--month", "2018-06")["5.1"]["status"] == "done"
    shown = json.loads(seeded("show", "5.1", "-f", "json", "--month", "2018-04").stdout)
    assert shown["status"] == "in_progress" and shown["updated"] == "2018-03-31"
    units = json.loads(seeded("units", "-f", "json", "--month", "2018-04").stdout)
    fagai = next(u for u in units if u["name"] == "发改局")
    assert fagai["in_progress"] == 1 and fagai["done"] == 0
    summary = json.loads(seeded("summary", "--by", "unit", "-f", "json",
                                "--as-of", "2018-12-31").stdout)
    fagai = next(u for u in summary if u["name"] == "发改局")
    assert fagai["done"] == 1


def test_status_and_stale_filters(seeded):
    seeded("update", "1.1", "-s", "behind", "-d", "2018-03-01")
    seeded("update", "1.2", "-s", "in_progress", "-d", "2018-03-25")
    seeded("update", "1.3", "-s", "done", "-d", "2018-01-01")
    behind = tasks_json(seeded, "--status", "滞后")
    assert list(behind) == ["1.1"]
    either = tasks_json(seeded, "-s", "behind", "-s", "in_progress")
    assert list(either) == ["1.1", "1.2"]
    stale = tasks_json(seeded, "--stale", "10", "--as-of", "2018-03-31", "--goal", "1")
    # 1.1 updated 30 days before; 1.2 recent; 1.3 done; the rest never updated
    assert "1.1" in stale and "1.2" not in stale and "1.3" not in stale and "1.4" in stale
    bad = seeded("tasks", "--status", "whatever")
    assert bad.exit_code == 2 and "unknown status 'whatever'" in bad.stderr


def test_leaders_and_summary_counts(seeded):
    seeded("update", "1.1", "1.4", "-s", "done", "-d", "2018-03-31")
    seeded("update", "1.7", "-s", "behind", "-p", "10", "-d", "2018-03-31")
    leaders = json.loads(seeded("leaders", "-f", "json").stdout)
    lu = next(r for r in leaders if r["name"] == "陆秋明")
    assert lu["done"] == 2 and lu["behind"] == 1
    assert lu["tasks"] == lu["not_started"] + lu["in_progress"] + lu["behind"] + lu["done"]
    summary = json.loads(seeded("summary", "-f", "json").stdout)
    row = next(r for r in summary if r["name"] == "陆秋明")
    assert set(row) == {"name", "tasks", "not_started", "in_progress", "behind", "done",
                        "done_pct", "mean_progress", "red", "yellow", "blue",
                        "targets", "targets_ok"}
    assert row["done_pct"] == round(100 * 2 / row["tasks"], 1)
    assert row["mean_progress"] == round((100 + 100 + 10) / row["tasks"], 1)
    rows = list(csv.DictReader(io.StringIO(seeded("summary", "--by", "goal", "-f", "csv").stdout)))
    goal1 = next(r for r in rows if r["目标名称"].startswith("1. "))
    assert (goal1["已完成"], goal1["滞后"]) == ("2", "1")
    table = seeded("summary", "--by", "leader")
    assert table.exit_code == 0 and "陆秋明" in table.stdout and "░" in table.stdout
    assert str(row["done_pct"]) in table.stdout


# -- repeating a command is safe ---------------------------------------------------------------
def test_the_same_update_twice_records_once_and_says_so(seeded):
    args = ("update", "1.1", "1.2", "--status", "推进中", "--progress", "40", "--note", "招标",
            "--date", "2018-03-31")
    assert seeded(*args).exit_code == 0
    again = seeded(*args)
    assert again.exit_code == 0, again.output
    assert "Skipped 1.1, 1.2: the same update is already recorded" in again.stderr
    assert len(history(seeded, "1.1")) == 1 and len(history(seeded, "1.2")) == 1
    other = seeded("update", "1.1", "--status", "推进中", "--progress", "50", "--date",
                   "2018-03-31")
    assert "Skipped" not in other.stderr and len(history(seeded, "1.1")) == 2


def test_updating_a_done_task_says_it_reopens_it(seeded):
    assert seeded("update", "1.1", "--status", "done", "--date", "2018-03-31").exit_code == 0
    result = seeded("update", "1.1", "1.2", "--status", "推进中", "--progress", "90",
                    "--date", "2018-04-10")
    assert result.exit_code == 0, result.output
    assert "Reopened 1.1: it was done (已完成) and is now 推进中" in result.stderr
    assert "1.2" not in result.stderr
    again = seeded("update", "1.1", "--status", "推进中", "--progress", "95", "--date",
                   "2018-04-20")
    assert "Reopened" not in again.stderr
    earlier = seeded("update", "1.3", "--status", "done", "--date", "2018-05-01")
    assert earlier.exit_code == 0
    before = seeded("update", "1.3", "--status", "推进中", "--date", "2018-04-01")
    assert "Reopened" not in before.stderr  # not done on the day this update describes


def test_update_without_date_outside_the_tables_year_says_so(seeded):
    result = seeded("update", "1.1", "--status", "推进中")
    assert result.exit_code == 0, result.output
    assert "outside the 2018 table's year" in result.stderr and "--date" in result.stderr
    dated = seeded("update", "1.2", "--status", "推进中", "--date", "2018-06-30")
    assert "outside" not in dated.stderr
