"""The one output path: every command's every offered format through render.write, --fields
and jsonl on every listing, -o FILE, formats a command cannot give refused."""

from __future__ import annotations

import csv
import functools
import io
import json
from pathlib import Path
from typing import Any

import pytest

from helpers import ROWS, load_plan, ok
from taskduty.cli.app import LISTING_FORMATS, REPORT_FORMATS

# command -> (arguments, the formats it offers). Every command with --format is here.
LISTINGS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "tasks": (("tasks",), LISTING_FORMATS),
    "show": (("show", "1.4"), LISTING_FORMATS),
    "leaders": (("leaders",), LISTING_FORMATS),
    "units": (("units",), LISTING_FORMATS),
    "goals": (("goals",), LISTING_FORMATS),
    "years": (("years",), LISTING_FORMATS),
    "summary": (("summary", "--by", "unit"), LISTING_FORMATS),
    "check": (("check",), LISTING_FORMATS),
    "alias": (("alias", "--list"), LISTING_FORMATS),
    "remind": (("remind", "--month", "2019-03"), (*LISTING_FORMATS, "text")),
    "config list": (("config", "list"), LISTING_FORMATS),
    "config get": (("config", "get", "blue_days"), LISTING_FORMATS),
    "db status": (("db", "status"), REPORT_FORMATS),
}
# Commands that write: run once per format on a fresh step (see test_writing_commands).
WRITERS = ("update", "undo", "withdraw", "extend", "forms", "collect", "load", "db upgrade")


@functools.cache
def root() -> Any:
    """The click command of ``taskduty`` (built once: Typer builds it from every command's
    signature, ~0.1 s each time)."""
    from typer.main import get_command

    from taskduty.cli import app

    return get_command(app)


def offered(command: str) -> tuple[str, ...] | None:
    """The --format choices a command's help offers (None: no --format)."""
    node = root()
    for part in command.split():
        node = node.commands[part]
    for param in node.params:
        if "--format" in getattr(param, "opts", ()):
            return tuple(param.metavar.strip("[]").split("|"))
    return None


def all_commands() -> list[str]:
    names = []
    for name, cmd in root().commands.items():
        sub = getattr(cmd, "commands", None)
        names += [f"{name} {s}" for s in sub] if sub else [name]
    return names


def test_every_format_offered_is_tested():
    for command in all_commands():
        formats = offered(command)
        if formats is None:
            continue
        known = LISTINGS.get(command, (None, None))[1]
        assert known == formats or command in WRITERS, (
            f"taskduty {command} offers {formats}: add it to LISTINGS or WRITERS here")


def parse(fmt: str, text: str) -> list:
    if fmt == "json":
        data = json.loads(text)
        return data if isinstance(data, list) else [data]
    if fmt == "jsonl":
        return [json.loads(line) for line in text.splitlines()]
    if fmt in ("csv", "tsv"):
        rows = list(csv.reader(io.StringIO(text), delimiter="," if fmt == "csv" else "\t"))
        return rows[1:]
    return [text]


def load_with_a_report_and_an_alias(run, folder):
    """The query tests' 2019 table, a report on 1.1 and an alias."""
    load_plan(run, folder)
    assert run("update", "1.1", "--status", "推进中", "--date", "2019-03-10").exit_code == 0
    assert run("alias", "发改委", "发改局").exit_code == 0


@pytest.fixture
def loaded(from_template):
    return from_template(load_with_a_report_and_an_alias)


# json, csv and tsv write the rows jsonl reads (the same reads, rendered by Python): on
# PostgreSQL the table, jsonl and text formats only.
PG_FORMATS = ("table", "jsonl", "text")


@pytest.mark.parametrize("command", sorted(LISTINGS))
def test_every_offered_format_renders(loaded, command, is_pg):
    args, formats = LISTINGS[command]
    if is_pg and command != "db status":
        formats = tuple(f for f in formats if f in PG_FORMATS)
    jsonl = None
    for fmt in formats:
        text = ok(loaded(*args, "--format", fmt))
        assert text.strip() or command == "check", (command, fmt)
        rows = parse(fmt, text)
        if fmt == "jsonl":
            assert all(isinstance(r, dict) for r in rows)
            jsonl = rows
        if fmt in ("csv", "tsv") and jsonl is not None:
            assert len(rows) == len(jsonl), (command, fmt)


@pytest.mark.parametrize("command", sorted(c for c, (_a, f) in LISTINGS.items()
                                           if "jsonl" in f))
@pytest.mark.pg_once()
def test_fields_choose_and_order_the_columns(loaded, command):
    args = LISTINGS[command][0]
    rows = [json.loads(line) for line in ok(loaded(*args, "-f", "jsonl")).splitlines()]
    if not rows:
        pytest.skip(f"{command} gives no rows here")
    keys = list(rows[0])[:2][::-1]
    picked = [json.loads(line) for line in
              ok(loaded(*args, "-f", "jsonl", "--fields", ",".join(keys))).splitlines()]
    assert [list(r) for r in picked] == [keys] * len(rows)
    assert picked == [{k: r[k] for k in keys} for r in rows]
    as_json = json.loads(ok(loaded(*args, "-f", "json", "--fields", ",".join(keys))))
    assert as_json == picked
    table = parse("tsv", ok(loaded(*args, "-f", "tsv", "--fields", ",".join(keys))))
    assert len(table) == len(rows) and all(len(r) == 2 for r in table)
    assert ok(loaded(*args, "--fields", keys[0]))  # a table of that column


def test_fields_orders_the_csv_header_and_refuses_unknown_names(loaded):
    text = ok(loaded("tasks", "-f", "csv", "--fields", "status,code"))
    header, first = list(csv.reader(io.StringIO(text)))[:2]
    assert header == ["状态", "任务编号"] and first == ["推进中", "1.1"]
    bad = loaded("tasks", "--fields", "code,colour")
    assert bad.exit_code == 2 and "unknown field 'colour'" in bad.stderr
    assert "code" in bad.stderr.splitlines()[-1]  # the hint lists the fields


def test_output_file_by_suffix(loaded, tmp_path):
    out = tmp_path / "out" / "leaders.tsv"
    result = loaded("leaders", "-o", str(out))
    assert result.exit_code == 0 and result.stdout == "" and f"Wrote {out}" in result.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM for Excel
    assert raw.decode("utf-8-sig").splitlines()[0].split("\t")[:2] == ["分管领导", "任务数"]
    lines = tmp_path / "t.jsonl"
    assert loaded("tasks", "-o", str(lines)).exit_code == 0
    assert len(lines.read_text(encoding="utf-8").splitlines()) == len(ROWS)


@pytest.mark.parametrize("args", [("load", "x.csv", "-f", "csv"), ("db", "status", "-f", "tsv"),
                                  ("tasks", "-f", "text"), ("remind", "-f", "xml")])
def test_a_format_a_command_cannot_give_is_not_offered(run, args):
    result = run(*args)
    assert result.exit_code == 2 and "is not one of" in result.stderr


def test_chinese_words_for_choices(loaded):
    assert ok(loaded("summary", "--by", "单位", "-f", "json")) == ok(
        loaded("summary", "--by", "unit", "-f", "json"))
    assert ok(loaded("leaders", "-f", "表格")) == ok(loaded("leaders"))
    assert ok(loaded("remind", "--month", "2019-03", "-f", "文本")) == ok(
        loaded("remind", "--month", "2019-03", "-f", "text"))


def test_writing_commands_in_every_format(plan, tmp_path):
    for fmt in LISTING_FORMATS:
        result = plan("update", "1.2", "--status", "done", "--date", "2019-04-01",
                      "--note", fmt, "-f", fmt)
        text = ok(result)
        if fmt != "table":
            rows = parse(fmt, text)
            assert rows, fmt
        undone = ok(plan("undo", "-f", fmt))
        if fmt in ("jsonl", "csv", "tsv"):
            assert len(parse(fmt, undone)) == 1, fmt
    recorded = json.loads(ok(plan("update", "1.3", "--status", "behind", "--date",
                                  "2019-04-02", "-f", "json")))
    ident = recorded["recorded"][0]["id"]
    withdrawn = parse("csv", ok(plan("withdraw", str(ident), "-f", "csv")))
    assert len(withdrawn) == 1
    forms = parse("jsonl", ok(plan("forms", str(tmp_path / "f"), "--month", "2019-03",
                                   "-f", "jsonl")))
    assert forms and all(Path(r["file"]).exists() for r in forms)
    assert {"file", "unit", "tasks"} <= set(forms[0])
    extended = parse("tsv", ok(plan("extend", "1.5", "--to", "2019-12-31", "--reason", "延期",
                                    "-f", "tsv")))
    assert len(extended) == 1
    report = json.loads(ok(plan("db", "upgrade", "-f", "json")))
    assert report["from_version"] == report["to_version"]


def test_load_json_report_and_table_report(run, tmp_path):
    load_plan(run, tmp_path)
    again = run("load", str(tmp_path / "plan2019.csv"), "--year", "2019", "-f", "json")
    assert again.exit_code == 0 and json.loads(again.stdout)["outcome"] == "unchanged"
    assert again.stderr == ""  # -f json: the report is the JSON
    table = run("load", str(tmp_path / "plan2019.csv"), "--year", "2019")
    assert table.stdout == "" and "Unchanged: 2019" in table.stderr
