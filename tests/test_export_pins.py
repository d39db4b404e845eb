"""The exported workbook and the unit forms, pinned byte for byte while their writing is sped
up (issue 19: the export's budget).

Over the 2018 seed (plain; with office and unit reports, withdrawn ones, extensions and actual
values; with notes that read as formulas), a small 2019 table with every column and value
variant (co-units, deadlines of every kind, targets with actual values, an extension, texts
and notes that read as formulas, spaces, line breaks, emoji, XML's special characters) and a
``bench/generate.py`` table of 1,000 tasks with its twelve monthly updates, each export below
(whole table, ``--leader``, ``--unit``, months that light tasks red, yellow or blue, stale
days) is digested part by part: every sheet's XML, and every other part of the package
(styles, workbook, charts, drawings, properties with their times taken out). Today's date,
which the footers show, is taken out too. The expected values were computed by the code
before the speed-ups; a changed byte anywhere fails (``pytest tests/test_export_pins.py -k
NAME`` shows the new digests).
"""

from __future__ import annotations

import csv
import hashlib
import re
import sqlite3
import sys
import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from conftest import _invoke, load_seed, load_seed_reported
from helpers import ok

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import generate  # noqa: E402  (bench/generate.py)

_TIMES = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")


def _today_bytes() -> list[bytes]:
    """Today's date as the workbook's XML holds it (制表日期 in the footers), for yesterday
    and today (a run over midnight)."""
    from taskduty.excel import cn_date

    days = (date.today() - timedelta(days=1), date.today())
    return [text.encode("ascii", "xmlcharrefreplace")
            for day in days for text in (cn_date(day), day.isoformat())]


def part_digests(path: Path) -> dict[str, str]:
    """Each sheet's XML digest, and one digest of every other part, today taken out."""
    today = _today_bytes()
    sheets: dict[str, str] = {}
    rest = hashlib.sha256()
    with zipfile.ZipFile(path) as z:
        for name in sorted(z.namelist()):
            data = z.read(name)
            for day in today:
                data = data.replace(day, b"TODAY")
            if name == "docProps/core.xml":
                data = _TIMES.sub(b"", data)
            if name.startswith("xl/worksheets/sheet"):
                sheets[name] = hashlib.sha256(data).hexdigest()[:24]
            else:
                rest.update(name.encode() + b"\0" + data + b"\0")
    return {**sheets, "other": rest.hexdigest()[:24]}


MIXED = [
    ["序号", "目标名称", "工作标准", "分管领导", "牵头单位", "配合单位", "完成时限"],
    ["1", "=目标一", '=HYPERLINK("http://x","click")', "张三", "发改局", "财政局", "2019年6月底"],
    ["1", "=目标一", "+1+2 地区生产总值增长7.5%左右，一般公共预算收入增长6%以上。", "张三、李四",
     "发改局、财政局", "", ""],
    ["1", "=目标一", "新建幼儿园三所、中小学2所。", "李四", "教育局", "", "2019年12月底"],
    ["2", "目标二", "-3+4 实际利用外资5.2亿美元", "李四", "财政局", "交通局、商务局", "三季度末"],
    ["2", "目标二", "@SUM(A1:A2) 城镇调查失业率控制在5%以内", "王五", "-交通局", "",
     "6月底前开工，10月底前建成"],
    ["2", "目标二", "报送重点项目进展。", "王五", "住建局", "", "每季度"],
    ["3", "目标三：一个很长的目标名称，在十六个字符宽的单元格里要换好几行才放得下",
     "a & b < c > d \"q\" 'p' 普通任务", "赵六", "住房公积金管理中心", "", "持续推进"],
]


def load_mixed(run: Callable[..., Any], folder: Path) -> None:
    """A 2019 table of co-units, deadlines of every kind, quantitative targets and texts that
    read as formulas, with updates (notes as formulas, with spaces, line breaks, emoji),
    actual values and an extension."""
    path = folder / "mixed.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(MIXED)
    ok(run("load", str(path), "--year", "2019", "--quiet"))
    for code, status, note in (("1.1", "推进中", "=cmd|' /C calc'!A0"),
                               ("1.2", "滞后", " 前后有空格 "),
                               ("1.3", "已完成", "两行\n说明\r\n第三行"),
                               ("2.1", "推进中", "a & b < c > d \"q\" 'p' 😀"),
                               ("2.2", "推进中", "-负号开头")):
        progress = "100" if status == "已完成" else "40"
        ok(run("update", code, "-s", status, "-p", progress, "-d", "2019-02-01", "-n", note))
    ok(run("update", "1.2#1", "-a", "7.9", "-d", "2019-03-31"))
    ok(run("update", "1.2#2", "-a", "5%", "-d", "2019-03-31"))
    ok(run("update", "1.3#1", "-a", "三所", "-d", "2019-03-31"))
    ok(run("extend", "2.1", "--to", "2019-12-31", "--reason", "征地"))


def load_seed_noted(run: Callable[..., Any], folder: Path) -> None:
    """The 2018 seed with updates of every status on every third task, their notes read as
    formulas or not."""
    from taskduty import queries
    from taskduty.db import Database
    from taskduty.updates import NewUpdate, record_batch

    load_seed(run, folder)
    db = Database(run.url)
    with db.read() as reader:
        codes = [t.code for t in queries.list_tasks(reader, queries.TaskFilter(year=2018))]
    statuses = ("in_progress", "behind", "done", "not_started")
    notes = ("=进展", "+1 项", "按序时推进", "@全体")
    record_batch(db, 2018, [
        NewUpdate(code=c, status=statuses[i % 4], date=date(2018, 4 + i % 3, 28),
                  progress=100 if statuses[i % 4] == "done" else 10 * (i % 10),
                  note=notes[i % 4]) for i, c in enumerate(codes[::3])])
    db.dispose()


# build -> [(name, export arguments)]
SCENARIOS: dict[str, tuple[Callable[..., Any], list[tuple[str, list[str]]]]] = {
    "seed": (load_seed, [("plain", ["--as-of", "2018-03-31"])]),
    "reported": (load_seed_reported, [
        ("all", ["--as-of", "2018-06-30"]),
        ("september", ["--month", "2018-09", "--stale-days", "100", "--yellow-points", "5"]),
        ("leader", ["--as-of", "2018-06-30", "--leader", "陆秋明"]),
        ("unit", ["--as-of", "2018-06-30", "--unit", "发改局"]),
        ("blue", ["--as-of", "2018-07-10", "--blue-days", "30", "--yellow-points", "100"])]),
    "noted": (load_seed_noted, [("all", ["--as-of", "2018-06-30"])]),
    "mixed": (load_mixed, [
        ("march", ["--as-of", "2019-03-31"]),
        ("july", ["--as-of", "2019-07-01"]),
        ("blue", ["--as-of", "2019-06-10", "--blue-days", "30", "--yellow-points", "100"]),
        ("unit", ["--as-of", "2019-03-31", "--unit", "财政局"]),
        ("leader", ["--as-of", "2019-03-31", "--leader", "李四"])]),
}
CASES = [(build, name) for build, (_b, exports) in SCENARIOS.items() for name, _a in exports]

# Computed by the export before its rows were written as XML (8ca9732); the same on both
# backends.
EXPECTED: dict[str, dict[str, str]] = {
    "generated-all": {
        "xl/worksheets/sheet1.xml": "6c4afef0746a7421442e7e7e",
        "xl/worksheets/sheet2.xml": "b422511e51469a68e7e1b0ed",
        "xl/worksheets/sheet3.xml": "d2d8614c9d638e3e9734201c",
        "xl/worksheets/sheet4.xml": "40972e381dcb33f149ce062e",
        "xl/worksheets/sheet5.xml": "64432fbe7a84d14005e5cfc9",
        "other": "e658df33ed6414c1a78de469",
    },
    "generated-leader": {
        "xl/worksheets/sheet1.xml": "63b6cf4f838ada487a219f69",
        "xl/worksheets/sheet2.xml": "11eb3baa9d9886060d8545b3",
        "xl/worksheets/sheet3.xml": "2ccc040582770ee0ad93d68f",
        "xl/worksheets/sheet4.xml": "e14277fffac261fb8a0bc9a4",
        "xl/worksheets/sheet5.xml": "ba5f1eaeca62657e42563849",
        "other": "17e67fd3598845214d0c0fde",
    },
    "generated-october": {
        "xl/worksheets/sheet1.xml": "a7db83dea0bec2fb14b0cb0e",
        "xl/worksheets/sheet2.xml": "45ba5ebe93f15176132c92a2",
        "xl/worksheets/sheet3.xml": "d2d8614c9d638e3e9734201c",
        "xl/worksheets/sheet4.xml": "d93fef2cc9b5b0e590b5301a",
        "xl/worksheets/sheet5.xml": "ea8a17eeaaad352e3fd9817b",
        "other": "59a226255380c035659c32f9",
    },
    "generated-unit": {
        "xl/worksheets/sheet1.xml": "aaaab9c6cd7616dc76f4a3ef",
        "xl/worksheets/sheet2.xml": "206d5456584c3616d8ad0a37",
        "xl/worksheets/sheet3.xml": "a1a7f3187e8d18028a0827b3",
        "xl/worksheets/sheet4.xml": "0d93c413859e5be4b880b3b3",
        "xl/worksheets/sheet5.xml": "49221aea53a27067d8c94e6b",
        "other": "7257381e3f9364f9829f7de7",
    },
    "mixed-blue": {
        "xl/worksheets/sheet1.xml": "b6ceeb5e0232dc293d42fced",
        "xl/worksheets/sheet2.xml": "221e901e3a0cbaff334dbc40",
        "xl/worksheets/sheet3.xml": "a1a7f3187e8d18028a0827b3",
        "xl/worksheets/sheet4.xml": "9e7b645dfad9b54e311fd672",
        "xl/worksheets/sheet5.xml": "bdcd0c957b6e8982efe22a46",
        "other": "a213958b683045423dac3951",
    },
    "mixed-july": {
        "xl/worksheets/sheet1.xml": "db56c46c989c96585865566d",
        "xl/worksheets/sheet2.xml": "44e1d4757bff264d46840842",
        "xl/worksheets/sheet3.xml": "a1a7f3187e8d18028a0827b3",
        "xl/worksheets/sheet4.xml": "7f5f9ed9bdc28c9d5c7261ac",
        "xl/worksheets/sheet5.xml": "3dd777db3f0846c8c71d6994",
        "other": "92ffcee35fa1c4d1f25ff85d",
    },
    "mixed-leader": {
        "xl/worksheets/sheet1.xml": "af24dcc6fecec75244227654",
        "xl/worksheets/sheet2.xml": "f0c793267458efc58ce32dab",
        "xl/worksheets/sheet3.xml": "a1a7f3187e8d18028a0827b3",
        "xl/worksheets/sheet4.xml": "219020a9d1de153344d21dd3",
        "xl/worksheets/sheet5.xml": "144d3462b8966c70091ba98c",
        "other": "58c456203abe3109001bcb5d",
    },
    "mixed-march": {
        "xl/worksheets/sheet1.xml": "1ab2db87a7b6f1ad54d100d2",
        "xl/worksheets/sheet2.xml": "7ec17f025db03e5b887f5cfb",
        "xl/worksheets/sheet3.xml": "a1a7f3187e8d18028a0827b3",
        "xl/worksheets/sheet4.xml": "4d69f8cc9839f1558c4536b2",
        "xl/worksheets/sheet5.xml": "fd1cde4b71431d351098484b",
        "other": "5102622e72ebe7c9eec622c4",
    },
    "mixed-unit": {
        "xl/worksheets/sheet1.xml": "a996362e012e870bc75355d6",
        "xl/worksheets/sheet2.xml": "c669781c518e13b897070af3",
        "xl/worksheets/sheet3.xml": "a1a7f3187e8d18028a0827b3",
        "xl/worksheets/sheet4.xml": "65ecfefe9d472e96e76ece6f",
        "xl/worksheets/sheet5.xml": "d2c4557e435bafb54cad1121",
        "other": "b3acb9b2d9a90db6eb79e719",
    },
    "noted-all": {
        "xl/worksheets/sheet1.xml": "a5b562e833d380902f22c91b",
        "xl/worksheets/sheet2.xml": "69985ce724f6b5a921bf755f",
        "xl/worksheets/sheet3.xml": "2ccc040582770ee0ad93d68f",
        "xl/worksheets/sheet4.xml": "f99a87936bcd49d4b4c6811e",
        "xl/worksheets/sheet5.xml": "764851a7d2a7aed23a34351e",
        "other": "09474b63a37313006be2e7fb",
    },
    "reported-all": {
        "xl/worksheets/sheet1.xml": "7f676c322d446cc5f6684beb",
        "xl/worksheets/sheet2.xml": "7f2a1bcf36c7c1ea9320e7e6",
        "xl/worksheets/sheet3.xml": "2ccc040582770ee0ad93d68f",
        "xl/worksheets/sheet4.xml": "7ddc82f3026cb3e60a17252e",
        "xl/worksheets/sheet5.xml": "1d6ec0d27f5ea3ac70c8c283",
        "other": "1ab4a0341647a6ed966a4f32",
    },
    "reported-blue": {
        "xl/worksheets/sheet1.xml": "b17ba8d472215ac1272ac6e7",
        "xl/worksheets/sheet2.xml": "ef831b199446999becd73203",
        "xl/worksheets/sheet3.xml": "2ccc040582770ee0ad93d68f",
        "xl/worksheets/sheet4.xml": "545b11087d8e725dc813e4d5",
        "xl/worksheets/sheet5.xml": "6ee91452b011ccd93e26d5e6",
        "other": "6315f97ec11f16d5494ef3a8",
    },
    "reported-leader": {
        "xl/worksheets/sheet1.xml": "d0e692338177a108376db8d1",
        "xl/worksheets/sheet2.xml": "99494a981a66d1a19715799c",
        "xl/worksheets/sheet3.xml": "a1a7f3187e8d18028a0827b3",
        "xl/worksheets/sheet4.xml": "8d99d2c7673428219a980a8b",
        "xl/worksheets/sheet5.xml": "43f447b4715b9ef67764d642",
        "other": "acf3787f43ea811f23f3b2ff",
    },
    "reported-september": {
        "xl/worksheets/sheet1.xml": "d7d08a7a332e44168e3c05e0",
        "xl/worksheets/sheet2.xml": "7556cedf1360eaf2777a8832",
        "xl/worksheets/sheet3.xml": "2ccc040582770ee0ad93d68f",
        "xl/worksheets/sheet4.xml": "b9a3aea3f272f3a5a9a2c784",
        "xl/worksheets/sheet5.xml": "617e67127c880cd9e7ca2958",
        "other": "88398fa23b6100f631e396c0",
    },
    "reported-unit": {
        "xl/worksheets/sheet1.xml": "26b70c0e1a782c9865a54efa",
        "xl/worksheets/sheet2.xml": "8ecde40ad530d7737c61abaf",
        "xl/worksheets/sheet3.xml": "a1a7f3187e8d18028a0827b3",
        "xl/worksheets/sheet4.xml": "c77f075f6b3fc4090e868548",
        "xl/worksheets/sheet5.xml": "b561a4465352af6466fcd2f2",
        "other": "5b6e1d86b112556ba4f3095a",
    },
    "seed-plain": {
        "xl/worksheets/sheet1.xml": "2653c45daecfc09e8676f673",
        "xl/worksheets/sheet2.xml": "4cc45169d4bd226e3610f8e5",
        "xl/worksheets/sheet3.xml": "2ccc040582770ee0ad93d68f",
        "xl/worksheets/sheet4.xml": "2436fee695d0ea6375381a88",
        "xl/worksheets/sheet5.xml": "f669d11d443bfa95628065c7",
        "other": "9ae656120c5dbb78ed9c31ea",
    },
}


@pytest.mark.parametrize(("build", "name"), CASES, ids=[f"{b}-{n}" for b, n in CASES])
def test_export_is_byte_identical(from_template: Callable[..., Any], tmp_path: Path,
                                  build: str, name: str) -> None:
    builder, exports = SCENARIOS[build]
    run = from_template(builder)
    args = dict(exports)[name]
    out = tmp_path / "r.xlsx"
    ok(run("export", str(out), *args))
    assert part_digests(out) == EXPECTED.get(f"{build}-{name}")


GENERATED_TASKS = 1000
GENERATED_YEAR = 2025


@pytest.fixture(scope="session")
def generated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with a ``bench/generate.py`` table of 1,000 tasks and its twelve monthly
    updates per task (read only)."""
    folder = tmp_path_factory.mktemp("generated")
    table = generate.write_csv(folder / "table.csv", generate.make_rows(GENERATED_TASKS))
    path = folder / "taskduty.db"
    ok(_invoke(str(path))("load", str(table), "--year", str(GENERATED_YEAR), "--quiet"))
    generate.add_updates(path, GENERATED_YEAR)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


GENERATED_EXPORTS = {
    "all": ["--as-of", "2025-12-31"],
    "october": ["--month", "2025-10", "--stale-days", "20"],
    "leader": ["--as-of", "2025-12-31", "--leader", "LEADER"],
    "unit": ["--as-of", "2025-12-31", "--unit", "UNIT"],
}


def _first_name(db: Path, table: str) -> str:
    with sqlite3.connect(db) as conn:
        # (by name: the ids follow the order the names are first seen in, the pins were made
        # when they followed the names' order)
        return conn.execute(f"SELECT name FROM {table} ORDER BY name LIMIT 1").fetchone()[0]


@pytest.mark.parametrize("name", list(GENERATED_EXPORTS))
def test_generated_export_is_byte_identical(generated_db: Path, tmp_path: Path,
                                            name: str) -> None:
    args = [_first_name(generated_db, "leader") if a == "LEADER" else
            _first_name(generated_db, "unit") if a == "UNIT" else a
            for a in GENERATED_EXPORTS[name]]
    db = tmp_path / "copy.db"
    db.write_bytes(generated_db.read_bytes())
    out = tmp_path / "r.xlsx"
    ok(_invoke(str(db))("export", str(out), *args))
    assert part_digests(out) == EXPECTED.get(f"generated-{name}")


def test_generated_forms_are_byte_identical(generated_db: Path, tmp_path: Path) -> None:
    """The forms' 填报 sheets (their hidden sheet holds the database's own signature)."""
    db = tmp_path / "copy.db"
    db.write_bytes(generated_db.read_bytes())
    ok(_invoke(str(db))("forms", str(tmp_path / "forms"), "--month", "2025-10"))
    digest = hashlib.sha256()
    paths = sorted((tmp_path / "forms").glob("*.xlsx"))
    for path in paths:
        with zipfile.ZipFile(path) as z:
            digest.update(path.name.encode() + b"\0" + z.read("xl/worksheets/sheet1.xml"))
    assert (len(paths), digest.hexdigest()[:24]) == EXPECTED_FORMS


EXPECTED_FORMS: tuple[int, str] = (105, "d961bd0de226b17a8423ab1c")

