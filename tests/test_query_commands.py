"""show, leaders, units, goals, years; every query before anything is loaded; help with an
example and -h on every command."""

from __future__ import annotations

import json

import pytest
import typer
from rich.cells import cell_len

from helpers import ROWS, expected, load_plan, ok

QUERY_COMMANDS = [("tasks",), ("show", "1.1"), ("leaders",), ("units",), ("goals",),
                  ("years",), ("summary",)]
NOT_LOADED_HINT = "Hint: load one first: taskduty load FILE --year YYYY"




# -- show -----------------------------------------------------------------------------------
def test_show_json_is_one_object(plan):
    task = json.loads(ok(plan("show", "1.4", "--format", "json")))
    assert isinstance(task, dict)
    assert (task["code"], task["year"], task["goal_no"], task["goal"]) == (
        "1.4", 2019, 1, "经济发展目标")
    assert task["standard"] == "固定资产投资增长8%。"
    assert task["leaders"] == ["张强", "王五"] and task["leaders_inherited"] is True
    assert task["units"] == ["经信局", "财政局"] and task["units_inherited"] is True
    assert task["history"] == [] and task["status"] == "not_started"

ZH = {"TASKDUTY_LANG": "zh"}  # the default, Chinese interface (table text)


def test_show_table_names_the_inherited_cells(plan):
    text = ok(plan("show", "1.4", env=ZH))
    lines = {line.split()[0]: line.split(None, 1)[1].strip() for line in text.splitlines()
             if line.strip()}
    assert lines["任务编号"] == "2019 1.4"
    assert lines["目标名称"] == "1. 经济发展目标"
    assert lines["工作标准"] == "固定资产投资增长8%。"
    assert lines["分管领导"] == "张强、王五（沿用上一行）"
    assert lines["牵头单位"] == "经信局、财政局（沿用上一行）"
    assert lines["状态"] == "未启动"
    plain = ok(plan("show", "1.3", env=ZH))
    assert "沿用" not in plain and "张强、王五" in plain


def test_show_wraps_long_text_at_80_columns(plan, tmp_path):
    long = "推进" + "重点项目建设，" * 20 + "确保按期完成。"
    load_plan(plan, tmp_path, "2020", [(1, "长目标", long, "张强", "发改局")])
    text = ok(plan("show", "1.1", env={**ZH, "COLUMNS": "80"}))
    assert max(cell_len(line) for line in text.splitlines()) <= 80
    body = [line[len("工作标准"):].strip() if line.startswith("工作标准") else line.strip()
            for line in text.splitlines()]
    start = next(i for i, line in enumerate(text.splitlines()) if line.startswith("工作标准"))
    end = next(i for i, line in enumerate(text.splitlines()) if line.startswith("分管领导"))
    assert end - start > 2  # wrapped onto several lines
    assert "".join(body[start:end]) == long
    assert not any(line.startswith("，") for line in body[start:end])


def test_show_history_after_updates(plan, db_url):
    from datetime import UTC, date, datetime

    from sqlmodel import select

    from taskduty.db import Database
    from taskduty.models import Batch, Task, Update

    db = Database(db_url)
    with db.write() as session:
        task = session.exec(select(Task).where(Task.code == "1.2")).one()
        now = datetime.now(UTC)
        batch = Batch(recorded_by="tester", recorded_at=now)
        session.add(batch)
        session.flush()
        for day, status, progress, note in [(date(2019, 3, 31), "in_progress", 30, "一季度"),
                                            (date(2019, 6, 30), "behind", 40, "半年滞后")]:
            session.add(Update(task_id=task.id, batch_id=batch.id, date=day, status=status,
                               progress=progress, note=note, by="财政局",
                               recorded_by="tester", recorded_at=now))
    db.dispose()
    shown = json.loads(ok(plan("show", "1.2", "-f", "json")))
    assert [(h["date"], h["status"], h["progress"], h["note"]) for h in shown["history"]] == [
        ("2019-03-31", "in_progress", 30, "一季度"), ("2019-06-30", "behind", 40, "半年滞后")]
    assert (shown["status"], shown["progress"]) == ("behind", 40)
    at_march = json.loads(ok(plan("show", "1.2", "-f", "json", "--as-of", "2019-04-01")))
    assert (at_march["status"], at_march["progress"]) == ("in_progress", 30)
    text = ok(plan("show", "1.2", env=ZH))
    assert "填报记录" in text and "半年滞后" in text and "一季度" in text
    history = text[text.index("填报记录"):]
    assert history.index("2019-03-31") < history.index("2019-06-30")
    assert "滞后  40%  (2019-06-30)" in text
    listed = json.loads(ok(plan("tasks", "-f", "json", "-q", "一般公共预算")))
    assert (listed[0]["status"], listed[0]["progress"], listed[0]["updated"]) == (
        "behind", 40, "2019-06-30")
    for width in (80, 120):
        table = ok(plan("tasks", "-g", "1", env={**ZH, "COLUMNS": str(width)})).splitlines()
        assert max(cell_len(line) for line in table) <= width
        assert table.pop(0).strip().startswith("2019年 · ")  # the caption: year and count
        assert "进度" in table[0] + table[1]
        row = next(line for line in table if line.startswith("1.2 "))
        assert row.split()[-2:] == ["滞后", "40%"]
    leaders = {r["name"]: r for r in json.loads(ok(plan("leaders", "-f", "json")))}
    assert leaders["张小虎"]["behind"] == 1
    assert leaders["张小虎"]["not_started"] == leaders["张小虎"]["tasks"] - 1


@pytest.mark.parametrize("typed", ["1.10", "01.10", "1．10", " 1.10 "])
@pytest.mark.pg_once()
def test_show_accepts_code_spellings(plan, typed):
    assert json.loads(ok(plan("show", typed, "-f", "json")))["code"] == "1.10"


def test_show_unknown_code(plan):
    result = plan("show", "12.1")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["Error: no task 12.1 in 2019",
                                          "Hint: list the codes with: taskduty tasks"]


# -- leaders, units, goals, years -----------------------------------------------------------
def test_leaders_most_tasks_first(plan):
    rows = json.loads(ok(plan("leaders", "-f", "json")))
    assert all({"name", "tasks"} <= set(r) for r in rows)
    counts = {n: len(expected(lambda r, ls, us, n=n: n in ls)) for n in ("张强", "张小虎", "王五")}
    assert [(r["name"], r["tasks"]) for r in rows] == sorted(counts.items(),
                                                             key=lambda kv: -kv[1])
    assert counts["王五"] > counts["张强"] > counts["张小虎"]
    text = ok(plan("leaders", env=ZH))
    lines = text.splitlines()[1:]  # below the caption (2019年 · 3人)
    assert lines[0].split() == ["分管领导", "任务数", "未启动", "推进中", "滞后", "已完成"]
    assert lines[2].split()[:2] == ["王五", str(rows[0]["tasks"])]


def test_units_counts(plan):
    rows = json.loads(ok(plan("units", "-f", "json")))
    counts = {r["name"]: r["tasks"] for r in rows}
    assert counts["监管办"] == 8 and counts["财政局"] == 3 and counts["住建局"] == 2
    assert rows[0]["name"] == "监管办"
    assert [r["tasks"] for r in rows] == sorted(counts.values(), reverse=True)
    assert ok(plan("units", env=ZH)).splitlines()[1].split()[:2] == ["牵头单位", "任务数"]


def test_goals_table(plan):
    caption, *lines = ok(plan("goals", env=ZH)).splitlines()
    assert caption.strip() == "2019年 · 11个目标"
    assert lines[0].split() == ["序号", "目标名称", "任务数"]
    assert lines[2].split() == ["1", "经济发展目标", "12"]
    assert [line.split()[0] for line in lines[2:]] == [str(n) for n in range(1, 12)]


def test_years_lists_each_loaded_year(plan, tmp_path):
    load_plan(plan, tmp_path, "2018", [(1, "旧目标", "旧任务。", "张强", "发改局")])
    rows = json.loads(ok(plan("years", "-f", "json")))
    assert [(r["year"], r["tasks"], r["goals"]) for r in rows] == [(2019, len(ROWS), 11),
                                                                   (2018, 1, 1)]
    lines = ok(plan("years", env=ZH)).splitlines()
    assert lines[0].split()[:3] == ["年度", "任务数", "目标数"]
    assert [line.split()[0] for line in lines[2:]] == ["2019", "2018"]


# -- before anything is loaded ----------------------------------------------------------------
@pytest.mark.parametrize("args", QUERY_COMMANDS)
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_queries_before_any_load(run, args, fmt):
    result = run(*args, "--format", fmt)
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("Error: no table loaded yet")
    assert lines[1] == NOT_LOADED_HINT


@pytest.mark.parametrize("args", QUERY_COMMANDS)
def test_queries_on_a_database_with_no_table(run, db_url, args):
    from taskduty.migrations import open_database

    db = open_database(db_url)
    with db.write():
        pass  # the schema exists, no table is loaded
    db.dispose()
    result = run(*args)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.splitlines() == ["Error: no table loaded yet", NOT_LOADED_HINT]


# -- help -----------------------------------------------------------------------------------
def registered() -> list[str]:
    from taskduty.cli import app

    return sorted(typer.main.get_command(app).commands)


def test_the_query_commands_are_registered():
    assert {"tasks", "show", "leaders", "units", "goals", "years", "summary"} <= set(
        registered())


@pytest.mark.parametrize("name", registered())
@pytest.mark.parametrize("flag", ["-h", "--help"])
@pytest.mark.pg_once()
def test_every_command_has_help_with_an_example(run, name, flag):
    result = run(name, flag)
    assert result.exit_code == 0, result.output
    assert f"Usage: taskduty {name}" in result.stdout
    assert f"Example: taskduty {name}" in result.stdout


def test_root_help(run):
    short, long = run("-h"), run("--help")
    assert short.exit_code == long.exit_code == 0
    assert short.stdout == long.stdout
    assert "Example: taskduty" in short.stdout
    for name in registered():
        assert name in short.stdout
