"""load, convert and the json listing: years, reports, idempotence, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SEED_CSV, SEED_TEXT

CSV_HEADER = "序号,目标名称,工作标准,分管领导,牵头单位\n"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_load_reports_counts_and_repairs(run):
    result = run("load", str(SEED_TEXT), "--year", "2018")
    assert result.exit_code == 0, result.output
    err = result.stderr
    assert "Loaded: 2018" in err
    assert "goals 23, tasks 114, leaders 8" in err
    assert "inherited cells 62, repairs 2" in err
    assert "joined wrapped unit name '住房公积金' + '中心'" in err
    assert "padded name '是  峰' read as '是峰'" in err
    assert "cut short" in err


def test_load_twice_is_unchanged_and_exits_zero(run):
    assert run("load", str(SEED_CSV), "--year", "2018").exit_code == 0
    again = run("load", str(SEED_TEXT), "--year", "2018")
    assert again.exit_code == 0
    assert "Unchanged" in again.stderr and "nothing changed" in again.stderr
    assert len(json.loads(run("tasks", "-f", "json").stdout)) == 114


def test_different_content_for_a_loaded_year_is_refused(run, tmp_path):
    assert run("load", str(SEED_CSV), "--year", "2018").exit_code == 0
    other = write(tmp_path / "other.csv", CSV_HEADER + "1,目标,任务。,张三,甲局\n")
    result = run("load", str(other), "--year", "2018")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: 2018 is already loaded with different content")
    assert "--replace" in result.stderr
    assert len(json.loads(run("tasks", "-f", "json").stdout)) == 114


def test_dry_run_writes_nothing(run, db_url):
    result = run("load", str(SEED_TEXT), "--year", "2018", "--dry-run")
    assert result.exit_code == 0
    assert "Dry run" in result.stderr and "tasks 114" in result.stderr
    listing = run("tasks")
    assert listing.exit_code == 1 and "no table loaded yet" in listing.stderr


def test_year_from_title_then_file_name_else_usage_error(run, tmp_path):
    title = "2020年目标任务责任分解表\n"
    titled = write(tmp_path / "t.csv", title + CSV_HEADER + "1,目标,任务。,张三,甲局\n")
    assert run("load", str(titled)).exit_code == 0
    named = write(tmp_path / "plan2021.csv", CSV_HEADER + "1,目标,任务二。,张三,甲局\n")
    assert run("load", str(named)).exit_code == 0
    years = [r["year"] for r in json.loads(run("years", "-f", "json").stdout)]
    assert years == [2021, 2020]
    bare = write(tmp_path / "plan.csv", CSV_HEADER + "1,目标,任务。,张三,甲局\n")
    result = run("load", str(bare))
    assert result.exit_code == 2
    assert "cannot tell the year" in result.stderr and "--year" in result.stderr


def test_task_codes_and_json_fields(run):
    run("load", str(SEED_TEXT), "--year", "2018")
    rows = json.loads(run("tasks", "--format", "json").stdout)
    assert rows[0]["code"] == "1.1"
    required = {"code", "year", "goal_no", "goal", "standard", "leaders", "units",
                "leaders_inherited", "units_inherited"}
    assert required <= set(rows[0])
    assert isinstance(rows[0]["leaders"], list) and rows[0]["year"] == 2018
    goal2 = [r["code"] for r in rows if r["goal_no"] == 2]
    assert goal2 == ["2.1", "2.2", "2.3", "2.4"]
    inherited = next(r for r in rows if r["code"] == "1.6")
    assert inherited["leaders_inherited"] and inherited["units_inherited"]


@pytest.mark.parametrize("encoding,bom", [("utf-8", False), ("utf-8", True), ("gb18030", False)])
@pytest.mark.pg_once()
def test_csv_encodings_aliases_and_separators(run, tmp_path, encoding, bom):
    text = (" 编 号 ,目标任务,任务内容,责任领导,牵头责任单位\n"
            "1,目标甲,任务一。,张三、李四,甲局；乙局\n"
            "1,目标甲,任务二。,,\n"
            "2,目标乙,任务三。,王五/赵六,丙局,丁局\n")
    data = ("\ufeff" if bom else "") + text
    path = write(tmp_path / "x.csv", data, encoding)
    assert run("load", str(path), "--year", "2019").exit_code == 0
    rows = {r["code"]: r for r in json.loads(run("tasks", "-f", "json").stdout)}
    assert rows["1.1"]["leaders"] == ["张三", "李四"] and rows["1.1"]["units"] == ["甲局", "乙局"]
    assert rows["1.2"]["leaders"] == ["张三", "李四"] and rows["1.2"]["leaders_inherited"]
    assert rows["2.1"]["leaders"] == ["王五", "赵六"]


def test_csv_multiline_cells_split(run, tmp_path):
    path = write(tmp_path / "x.csv", CSV_HEADER + '1,目标,任务。,"张三\n李四","甲局,乙局"\n')
    assert run("load", str(path), "--year", "2019").exit_code == 0
    row = json.loads(run("tasks", "-f", "json").stdout)[0]
    assert row["leaders"] == ["张三", "李四"] and row["units"] == ["甲局", "乙局"]


def _assert_error(result, code: int, *fragments: str) -> None:
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.stderr


def test_bad_input_files(run, tmp_path, db_url):
    _assert_error(run("load", str(tmp_path / "nope.csv"), "--year", "2018"), 1, "no such file")
    _assert_error(run("load", str(write(tmp_path / "e.csv", "")), "--year", "2018"), 1, "empty")
    _assert_error(run("load", str(write(tmp_path / "x.pdf", "%PDF")), "--year", "2018"), 1,
                  "unknown file format '.pdf'")
    cols = write(tmp_path / "c.csv", "序号,目标名称,工作标准,备注\n1,目标,任务。,x\n")
    _assert_error(run("load", str(cols), "--year", "2018"), 1,
                  "missing columns: 分管领导、牵头单位", "found: 序号、目标名称、工作标准、备注")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(CSV_HEADER.encode() + b"\x81\xff\xfe\x00\x00garbage\n")
    _assert_error(run("load", str(bad), "--year", "2018"), 1, "not readable text")
    _assert_error(run("load", str(SEED_CSV), "--year", "18"), 2, "not a plausible year")
    if "://" not in db_url:
        assert not Path(db_url).exists(), "a failed load must not create the database"


def test_db_that_is_not_sqlite(run, tmp_path):
    junk = write(tmp_path / "junk.db", "this is not a database, just text\n" * 10)
    result = run("load", str(SEED_CSV), "--year", "2018", env={"TASKDUTY_DB": str(junk)})
    _assert_error(result, 1, "is not a SQLite database")
    result = run("--db", str(junk), "tasks")
    _assert_error(result, 1, "is not a SQLite database")
    assert junk.read_text().startswith("this is not a database")


def test_a_failed_load_leaves_nothing(run, monkeypatch):
    from taskduty import store

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store, "insert_tasks", boom)
    result = run("load", str(SEED_CSV), "--year", "2018")
    assert result.exit_code == 1 and "disk on fire" in result.stderr
    monkeypatch.undo()
    listing = run("years", "-f", "json")
    assert listing.exit_code == 1 or json.loads(listing.stdout) == []


def test_db_option_and_env_and_schema_version(run, tmp_path):
    path = tmp_path / "sub" / "x.db"
    assert run("--db", str(path), "load", str(SEED_CSV), "--year", "2018").exit_code == 0
    assert path.exists()
    import sqlite3

    version = sqlite3.connect(path).execute(
        "SELECT value FROM meta WHERE key='schema_version'").fetchone()[0]
    from taskduty.migrations import SCHEMA_VERSION

    assert int(version) == SCHEMA_VERSION
    result = run("tasks", "-f", "json", env={"TASKDUTY_DB": str(path)})
    assert len(json.loads(result.stdout)) == 114


def test_default_database_lives_in_the_app_dir(monkeypatch, tmp_path):
    from taskduty.db import Database

    monkeypatch.delenv("TASKDUTY_DB", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    db = Database(None)
    assert db.path is not None and db.path.name == "taskduty.db"
    assert "taskduty" in db.path.parent.name


def test_module_and_console_script_run():
    result = subprocess.run([sys.executable, "-m", "taskduty", "--version"],
                            capture_output=True, text=True, check=True)
    assert result.stdout.startswith("taskduty ")


def test_output_into_a_closed_pipe_ends_quietly(tmp_path):
    big = tmp_path / "big.csv"
    rows = "".join(f"{g},目标{g},第{g}项任务：推进某某工程建设并完成年度投资计划。,张三,甲局\n"
                   for g in range(1, 3001))
    write(big, CSV_HEADER + rows)
    proc = subprocess.Popen([sys.executable, "-m", "taskduty", "convert", str(big)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`, long before the ~300 KB are written
    _, err = proc.communicate()
    assert b"Traceback" not in err and b"Error" not in err
    assert proc.returncode in (0, 141)


def test_help_lists_commands_in_workflow_order(run):
    result = run("--help")
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.stdout.split("Commands:")[1].splitlines()
              if line.startswith("  ") and line.split()]
    assert listed[:4] == ["load", "convert", "tasks", "show"]
    assert listed.index("update") < listed.index("export") < listed.index("unload")


def test_forms_into_a_file_path_is_a_clear_error(seeded, tmp_path):
    target = write(tmp_path / "taken.xlsx", "x")
    result = seeded("forms", str(target), "--month", "2018-03")
    _assert_error(result, 1, "is a file, not a folder")
    assert target.read_text() == "x"
