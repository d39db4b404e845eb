"""Property-based fuzzing of every reader and the form reader (hypothesis).

Inputs are built from real shapes (a header row of known aliases, task rows, titles,
merged-looking blanks, notices with labels) and then mutated: random text in cells,
separators, quotes, control and invisible characters, truncated and flipped bytes. The
property: reading and normalising either gives a table or raises the project's own error
with a one-line message; never another exception (a traceback). Through the CLI, a failed
load or collect writes nothing.

Examples are bounded and deadlines off so the suite stays short; CI runs the same seeds
(``derandomize``), so a failure reproduces.
"""

from __future__ import annotations

import io
import zipfile
from contextlib import suppress
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taskduty.errors import TaskdutyError

FUZZ = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
FEW = settings(FUZZ, max_examples=15)

HEADERS = ["序号", "目标名称", "工作标准", "分管领导", "牵头单位", "配合单位", "完成时限",
           "类别", "责任单位", "目标任务", "工作任务", "责任领导", "备注", ""]
PIECES = ["1", "2.1", "一、", "（二）", "稳增长", "推进污水治理", "张三", "李四、王五", "发改局",
          "财政局；科技局", "2019年6月底", "年底前", "注：", "牵头单位：发改局", "\t", "\n",
          '"', '""', ",", "、", "=1+1", "\u200b", "\u202e", "\ufeff", "\x00", "\r", " ",
          "各县、市、区政府", "（牵头）", "配合", "100%", "〇"]
cell_text = st.lists(st.sampled_from(PIECES) | st.text(max_size=6), max_size=4).map("".join)


@st.composite
def tables(draw: Any) -> list[list[str]]:
    """A title, a header (mostly real aliases), rows of cells in that shape."""
    width = draw(st.integers(1, 8))
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=width, max_size=width))
    if draw(st.booleans()):
        header[: min(5, width)] = ["序号", "目标名称", "工作标准", "分管领导", "牵头单位"][:width]
    rows = draw(st.lists(st.lists(cell_text, min_size=0, max_size=width + 2), max_size=8))
    title = [draw(cell_text)] if draw(st.booleans()) else []
    return [title, header, *rows] if title else [header, *rows]


def check(read: Any) -> None:
    """``read()`` gives a table or one of our errors with a one-line message."""
    from taskduty.table import normalise

    try:
        table = normalise(read())
    except TaskdutyError as exc:
        assert exc.message and "\n" not in exc.message.strip(), exc.message
        return
    assert table.tasks
    for task in table.tasks:
        assert task.code and isinstance(task.standard, str)


def _csv_text(rows: list[list[str]], delimiter: str) -> str:
    return "\n".join(delimiter.join(cells) for cells in rows) + "\n"


@FUZZ
@given(rows=tables(), delimiter=st.sampled_from([",", "\t", ";"]))
def test_csv_reader(rows, delimiter):
    from taskduty.sources.csvfile import parse_csv

    check(lambda: parse_csv(_csv_text(rows, delimiter), "f.csv"))


@FUZZ
@given(rows=tables())
def test_word_text_reader(rows):
    from taskduty.sources.wordtext import parse_word_text

    text = "\n".join("\t" + "\t".join(cells) for cells in rows)
    check(lambda: parse_word_text(text, "f.txt"))


@FUZZ
@given(lines=st.lists(cell_text, max_size=12))
def test_notice_reader(lines):
    from taskduty.sources.notice import parse_notice

    check(lambda: parse_notice(["2019年重点工作任务分解", "一、稳增长", *lines]))


@FEW
@given(rows=tables())
def test_xlsx_reader(tmp_path_factory, rows):
    from taskduty.sources import read_source

    path = tmp_path_factory.mktemp("x") / "t.xlsx"
    wb = openpyxl.Workbook()
    try:
        for cells in rows:
            wb.active.append(cells)
        wb.save(path)
    except Exception:  # openpyxl refuses control characters: not a file anyone could send
        return
    check(lambda: read_source(path))


@FEW
@given(rows=tables())
def test_docx_reader(tmp_path_factory, rows):
    import docx

    from taskduty.sources import read_source

    path = tmp_path_factory.mktemp("d") / "t.docx"
    document = docx.Document()
    width = max(len(r) for r in rows)
    table = document.add_table(rows=len(rows), cols=width)
    try:
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                table.cell(r, c).text = text
        document.save(str(path))
    except ValueError:  # python-docx refuses XML-incompatible characters
        return
    check(lambda: read_source(path))


def _seed_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["序号", "目标名称", "工作标准", "分管领导", "牵头单位"])
    for i in range(1, 6):
        wb.active.append([1, "稳增长", f"任务{i}", "张三", "发改局"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


SEED_XLSX = _seed_xlsx()


@FUZZ
@given(data=st.data())
def test_mutated_workbook_bytes(tmp_path_factory, data):
    """Flipped, cut and inserted bytes of a real-shaped workbook."""
    from taskduty.sources import read_source

    raw = bytearray(SEED_XLSX)
    for _ in range(data.draw(st.integers(1, 6))):
        at = data.draw(st.integers(0, len(raw) - 1))
        raw[at] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    path = tmp_path_factory.mktemp("m") / "t.xlsx"
    path.write_bytes(bytes(raw))
    check(lambda: read_source(path))


@FUZZ
@given(part=st.sampled_from(["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml",
                             "xl/workbook.xml", "[Content_Types].xml", "xl/styles.xml"]),
       junk=st.sampled_from(["", "<", "<!DOCTYPE x>", "&amp;", "<row><c r='A1'/></row>" * 3,
                             "\x00", "</worksheet>"]))
def test_mutated_workbook_parts(tmp_path_factory, part, junk):
    """A workbook whose XML parts are replaced or damaged."""
    from taskduty.sources import read_source

    path = tmp_path_factory.mktemp("p") / "t.xlsx"
    with zipfile.ZipFile(io.BytesIO(SEED_XLSX)) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == part:
                data = data[: len(data) // 2] + junk.encode()
            dst.writestr(item, data)
    check(lambda: read_source(path))


# -- the form reader and collect --------------------------------------------------------------
@pytest.fixture(scope="module")
def form_db(tmp_path_factory) -> dict[str, Any]:
    """A seeded SQLite database and one written form (shared by the examples)."""
    from typer.testing import CliRunner

    from conftest import SEED_TEXT
    from taskduty.cli import app

    folder = tmp_path_factory.mktemp("forms")
    db = str(folder / "t.db")
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, ["--db", db, *args], env={"TASKDUTY_DB": db})

    assert run("load", str(SEED_TEXT), "--year", "2018", "-q").exit_code == 0
    made = run("forms", str(folder / "out"), "--month", "2018-03", "--unit", "发改局")
    assert made.exit_code == 0, made.output
    return {"run": run, "db": db, "form": Path(made.stdout.split("\t")[0])}


FILL = st.sampled_from([None, "", "推进中", "已完成", "滞后", "未启动", "差不多", 0, 50, 100,
                        150, -1, 0.6, "60%", "=1+1", "=A1", True, "\u200b推进中", "1e9",
                        "99.9", "1.1", "x" * 300])


def _updates(db: str) -> int:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM task_update").fetchone()[0]
    finally:
        conn.close()


@settings(FUZZ, max_examples=12)
@given(edits=st.lists(st.tuples(st.integers(3, 30), st.integers(1, 10), FILL), max_size=8),
       meta_edits=st.lists(st.tuples(st.integers(1, 12), st.integers(1, 5), FILL), max_size=3))
def test_form_reader_and_collect(form_db, tmp_path_factory, edits, meta_edits):
    """A filled form with random cells (and random hidden-sheet edits): read_form gives a
    form or problems; collect records only the form's own tasks, or nothing."""
    from taskduty.db import Database
    from taskduty.forms import collect, read_form

    wb = openpyxl.load_workbook(form_db["form"])
    ws, meta = wb.worksheets[0], wb["_taskduty"]
    for sheet, changes in ((ws, edits), (meta, meta_edits)):
        for r, c, value in changes:
            with suppress(AttributeError, ValueError):  # a merged cell; a value Excel refuses
                sheet.cell(r, c).value = value
    path = tmp_path_factory.mktemp("f") / "filled.xlsx"
    wb.save(path)
    problems: list[Any] = []
    form = read_form(path, problems)
    assert form is not None or problems
    before = _updates(form_db["db"])
    db = Database(form_db["db"])
    try:
        result = collect(db, [path])
    except TaskdutyError as exc:
        assert exc.message and "\n" not in exc.message
        assert _updates(form_db["db"]) == before  # refused: nothing was written
        return
    finally:
        db.dispose()
    assert form is not None
    assert {r["code"] for r in result.recorded} <= set(form.task_ids)
    if result.recorded:
        assert form_db["run"]("undo").exit_code == 0


@settings(FUZZ, max_examples=10)
@given(rows=tables())
def test_a_failed_load_writes_nothing(form_db, tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("l") / "2019年表.csv"
    path.write_text(_csv_text(rows, ","), encoding="utf-8")
    before = form_db["run"]("years", "-f", "json").stdout
    result = form_db["run"]("load", str(path), "--year", "2017", "-q")
    assert "Traceback" not in result.output and "unexpected" not in result.stderr, result.output
    if result.exit_code != 0:
        lines = result.stderr.strip().splitlines()
        assert lines[0].startswith("Error: ") and len(lines) <= 2, lines
        assert form_db["run"]("years", "-f", "json").stdout == before
    else:
        assert form_db["run"]("unload", "2017").exit_code == 0
