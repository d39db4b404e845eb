"""--format table|json|csv and -o/--output on every listing command; the task table fits
the terminal, wraps 工作标准 and names instead of cutting them, shows each goal once."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rich.cells import cell_len

from helpers import ROWS, ok

LISTINGS = [("tasks",), ("leaders",), ("units",), ("goals",), ("years",), ("summary",),
            ("summary", "--by", "unit"), ("summary", "--by", "goal")]
TASK_FIELDS = {"code", "year", "goal_no", "goal", "standard", "leaders", "units",
               "leaders_inherited", "units_inherited", "status", "progress", "note", "updated"}


ZH = {"TASKDUTY_LANG": "zh"}  # the default, Chinese interface (table text)


def parse_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# -- json -----------------------------------------------------------------------------------
def test_tasks_json_has_the_foundation_and_status_fields(plan):
    rows = json.loads(ok(plan("tasks", "-f", "json")))
    assert isinstance(rows, list) and len(rows) == len(ROWS)
    assert all(set(r) >= TASK_FIELDS for r in rows)
    by_code = {r["code"]: r for r in rows}
    first = by_code["1.3"]
    assert (first["year"], first["goal_no"], first["goal"]) == (2019, 1, "经济发展目标")
    assert first["standard"] == "规模以上工业增加值增长10%。"
    assert first["leaders"] == ["张强", "王五"] and first["units"] == ["经信局", "财政局"]
    assert first["leaders_inherited"] is False and first["units_inherited"] is False
    inherited = by_code["1.4"]
    assert inherited["leaders"] == ["张强", "王五"] and inherited["leaders_inherited"] is True
    assert inherited["units"] == ["经信局", "财政局"] and inherited["units_inherited"] is True
    assert (inherited["status"], inherited["progress"], inherited["note"],
            inherited["updated"]) == ("not_started", None, None, None)


def test_format_is_case_insensitive(plan):
    assert json.loads(ok(plan("tasks", "-f", "JSON"))) == json.loads(ok(plan("tasks", "-f",
                                                                            "json")))


def test_unknown_format_is_a_usage_error(plan):
    result = plan("tasks", "-f", "xml")
    assert result.exit_code == 2 and "xml" in result.stderr


@pytest.mark.parametrize("args", LISTINGS)
def test_every_listing_gives_json_and_csv(plan, args):
    rows = json.loads(ok(plan(*args, "--format", "json")))
    assert isinstance(rows, list) and rows and all(isinstance(r, dict) for r in rows)
    table = parse_csv(ok(plan(*args, "--format", "csv")))
    assert len(table) == len(rows)


def test_names_json_and_csv(plan):
    leaders = json.loads(ok(plan("leaders", "-f", "json")))
    counts = {r["name"]: r["tasks"] for r in leaders}
    tasks = json.loads(ok(plan("tasks", "-f", "json")))
    assert counts == {name: sum(name in t["leaders"] for t in tasks)
                      for name in {n for t in tasks for n in t["leaders"]}}
    assert [r["tasks"] for r in leaders] == sorted(counts.values(), reverse=True)
    assert all(r["not_started"] == r["tasks"] for r in leaders)
    units = parse_csv(ok(plan("units", "-f", "csv")))
    assert list(units[0]) == ["牵头单位", "任务数", "未启动", "推进中", "滞后", "已完成"]
    assert {r["牵头单位"]: int(r["任务数"]) for r in units}["监管办"] == 8


def test_goals_and_years(plan):
    goals = json.loads(ok(plan("goals", "-f", "json")))
    assert [(g["goal_no"], g["tasks"]) for g in goals] == [(1, 12)] + [(n, 1) for n in
                                                                        range(2, 12)]
    assert goals[9]["goal"] == "污水治理专项"
    table = parse_csv(ok(plan("goals", "-f", "csv")))
    assert list(table[0]) == ["序号", "目标名称", "任务数"]
    assert table[0] == {"序号": "1", "目标名称": "经济发展目标", "任务数": "12"}
    years = json.loads(ok(plan("years", "-f", "json")))
    assert [(y["year"], y["tasks"], y["goals"]) for y in years] == [(2019, 22, 11)]
    assert years[0]["source"] == "plan2019.csv"


# -- csv ------------------------------------------------------------------------------------
def test_tasks_csv_on_stdout(plan):
    text = ok(plan("tasks", "-f", "csv"))
    assert not text.startswith("\ufeff")
    rows = parse_csv(text)
    assert len(rows) == len(ROWS)
    assert list(rows[0])[:7] == ["任务编号", "年度", "序号", "目标名称", "工作标准",
                                 "分管领导", "牵头单位"]
    row = next(r for r in rows if r["任务编号"] == "1.4")
    assert (row["分管领导"], row["牵头单位"], row["年度"]) == ("张强、王五", "经信局、财政局",
                                                              "2019")
    assert row["工作标准"] == "固定资产投资增长8%。" and row["状态"] == "未启动"


def test_csv_file_has_a_bom_and_the_same_rows(plan, tmp_path):
    out = tmp_path / "out" / "tasks.csv"
    result = plan("tasks", "-l", "张强", "-f", "csv", "-o", str(out))
    assert ok(result) == ""
    assert result.stderr.strip() == f"Wrote {out}"
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert parse_csv(data.decode("utf-8-sig")) == parse_csv(ok(plan("tasks", "-l", "张强",
                                                                     "-f", "csv")))


@pytest.mark.parametrize("args", LISTINGS)
@pytest.mark.pg_once()
def test_output_file_infers_the_format_from_its_name(plan, tmp_path, args):
    out = tmp_path / "x.csv"
    ok(plan(*args, "-o", str(out)))
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert len(parse_csv(out.read_text("utf-8-sig"))) == len(
        json.loads(ok(plan(*args, "-f", "json"))))
    js = tmp_path / "x.json"
    ok(plan(*args, "-o", str(js)))
    assert json.loads(js.read_text("utf-8")) == json.loads(ok(plan(*args, "-f", "json")))


def test_table_to_a_file_is_refused(plan, tmp_path):
    result = plan("tasks", "-o", str(tmp_path / "x.txt"))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Error: cannot write a table to {tmp_path / 'x.txt'}",
        "Hint: use --format json/jsonl/csv/tsv with -o, or name the file "
        "*.json *.jsonl *.csv *.tsv"]
    assert not (tmp_path / "x.txt").exists()


# -- tables ---------------------------------------------------------------------------------
def cut(line: str, start: int, end: int) -> str:
    """The characters of ``line`` between cell offsets ``start`` and ``end``."""
    out, pos = [], 0
    for ch in line:
        if start <= pos < end:
            out.append(ch)
        pos += cell_len(ch)
    return "".join(out)


def column(text: str, header: str, next_header: str | None) -> list[str]:
    """The text of one column of a rendered task table, one string per line."""
    lines = text.splitlines()
    head = next(i for i, line in enumerate(lines) if header in line)
    start = cell_len(lines[head][:lines[head].index(header)])
    end = (cell_len(lines[head][:lines[head].index(next_header)]) - 2 if next_header
           else 10_000)
    body = lines[head + 2:]
    return [cut(line, start, end).strip() for line in body]


@pytest.mark.parametrize("width", [120, 100, 80])
@pytest.mark.pg_once("width")
def test_task_table_fits_and_wraps_without_losing_text(plan, width):
    result = plan("tasks", env={**ZH, "COLUMNS": str(width)})
    text = ok(result)
    lines = text.splitlines()
    assert max(cell_len(line) for line in lines) <= width
    assert "…" not in text
    assert lines.pop(0).strip().startswith("2019年 · ")  # the caption: year and count
    for header in ("目标名称", "工作标准", "分管领导", "牵头单位", "状态"):
        assert header in lines[0] + lines[1]
    standards = column(text, "工作标准", "分管领导")
    assert "".join(standards) == "".join(r[2] for r in ROWS).replace(" ", "")
    assert not any(s.startswith(("，", "。", "、", "%")) for s in standards)
    goals = "".join(column(text, "目标名称", "工作标准"))
    assert goals == "".join(f"{n}.{g}" for n, g in dict((r[0], r[1]) for r in ROWS).items())
    leaders = "".join(column(text, "分管领导", "牵头单位")).replace(" ", "")
    tasks = json.loads(ok(plan("tasks", "-f", "json")))
    assert leaders == "".join("、".join(t["leaders"]) + ("(沿用)" if t["leaders_inherited"]
                                                        else "") for t in tasks)


def test_task_table_at_120_keeps_short_rows_on_one_line(plan):
    text = ok(plan("tasks", "-g", "1", env=ZH))
    row = next(line for line in text.splitlines() if line.startswith("1.3 "))
    assert "规模以上工业增加值增长10%。" in row and "张强、王五" in row
    assert "经信局、财政局" in row and "未启动" in row
    assert text.count("经济发展目标") == 1  # the goal once per group


@pytest.mark.parametrize("width", [120, 80])
@pytest.mark.parametrize("args", [*LISTINGS, ("show", "2.3"), ("tasks", "-l", "陆秋明")])
@pytest.mark.pg_once("width")
def test_seed_tables_fit_the_terminal(seeded, width, args):
    text = ok(seeded(*args, env={**ZH, "COLUMNS": str(width)}))
    assert text.strip()
    assert max(cell_len(line) for line in text.splitlines()) <= width
    assert "…" not in text


def test_seed_task_table_at_80_wraps_the_longest_standard(seeded):
    tasks = json.loads(ok(seeded("tasks", "-f", "json")))
    longest = max(tasks, key=lambda t: len(t["standard"]))
    text = ok(seeded("tasks", "-g", str(longest["goal_no"]),
                      env={**ZH, "COLUMNS": "80"}))
    standards = "".join(column(text, "工作标准", "分管领导"))
    assert longest["standard"].replace(" ", "") in standards


# -- streamed listings ------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "tsv"])
@pytest.mark.pg_once()
def test_a_streamed_listing_writes_what_the_held_one_writes(seeded, fmt, tmp_path, monkeypatch):
    """``tasks -f json|jsonl|csv|tsv`` writes each page of tasks as it is read (flat memory);
    ``--fields`` naming every field takes the path that holds every row first. Both give the
    same bytes, on stdout and in a file, over pages of 7 tasks (several pages)."""
    from taskduty import queries, render

    monkeypatch.setattr(queries, "ID_CHUNK", 7)
    seeded("update", "1.1", "1.3", "2.1", "--status", "behind", "--progress", "20",
           "--date", "2018-03-31")
    every = json.loads(ok(seeded("tasks", "-f", "json")))[0].keys()
    keys = ",".join(every if fmt.startswith("json") else render.TASK_CSV_FIELDS)
    nothing = ("--status", "done", "--as-of", "2018-01-02")
    empty = ok(seeded("tasks", *nothing, "-f", fmt))
    if fmt.startswith("json"):
        assert empty == {"json": "[]\n", "jsonl": ""}[fmt]
    else:
        assert empty == ok(seeded("tasks", *nothing, "-f", fmt, "--fields", keys)) == (
            render.to_csv([render.chinese(c.header) for c in render.TASK_COLUMNS], [],
                          delimiter="," if fmt == "csv" else "\t"))
    for args in (("--year", "2018"), ("--status", "behind"), ("--leader", "陆秋明")):
        streamed = ok(seeded("tasks", *args, "-f", fmt))
        held = ok(seeded("tasks", *args, "-f", fmt, "--fields", keys))
        assert streamed == held and streamed.strip()
        for name, extra in (("streamed", ()), ("held", ("--fields", keys))):
            ok(seeded("tasks", *args, "-f", fmt, "-o", str(tmp_path / f"{name}.{fmt}"), *extra))
        assert (tmp_path / f"streamed.{fmt}").read_bytes() == (
            tmp_path / f"held.{fmt}").read_bytes()
