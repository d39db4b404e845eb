"""Helpers the test modules share (import them from here, never from another test module).

- the query tests' 2019 table (``ROWS``, ``write_plan``, ``load_plan``) and ways to read
  ``tasks`` output (``ok``, ``codes``, ``expected``);
- query-plan probes for the SQLite read paths (``plan_of``, ``full_scans``, ``statements``,
  ``filters``);
- ``parsed``: a source file's syntax tree, parsed once per run for the tests that read src.
"""

from __future__ import annotations

import ast
import csv
import functools
import json
import re
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from taskduty import queries
from taskduty.db import Database

HEADER = ["序号", "目标名称", "工作标准", "分管领导", "牵头单位"]

# (goal_no, goal, standard, leaders, units); a blank leaders/units cell inherits from above.
GOAL1 = "经济发展目标"
ROWS: list[tuple[int, str, str, str, str]] = [
    (1, GOAL1, "地区生产总值增长8%。", "张强", "发改局"),
    (1, GOAL1, "一般公共预算收入增长9%左右。", "张小虎", "财政局"),
    (1, GOAL1, "规模以上工业增加值增长10%。", "张强、王五", "经信局、财政局"),
    (1, GOAL1, "固定资产投资增长8%。", "", ""),
    (1, GOAL1, "实际利用外资7.6亿美元。", "王五", "商务局"),
    (1, GOAL1, "社会消费品零售总额增长10%。", "王五", "商务局"),
    (1, GOAL1, "城乡居民人均可支配收入增长9%。", "张小虎", "农工办"),
    (1, GOAL1, "万元地区生产总值能耗下降3%。", "张强", "经信局、环保局"),
    (1, GOAL1, "城镇登记失业率控制在3%以内。", "张小虎", "人社局"),
    (1, GOAL1, "新增市场主体五千户。", "王五", "市场监管局"),
    (1, GOAL1, "城市生活污水集中处理率达到95%。", "张强", "住建局"),
    (1, GOAL1, "研发经费支出占比达到3%。", "张小虎", "科技局"),
]
ROWS += [(n, f"第{n}项目标", f"第{n}项目标的唯一任务。", "王五", "监管办") for n in range(2, 10)]
ROWS += [(10, "污水治理专项", "完成管网改造二十公里。", "张强", "住建局"),
         (11, "营商环境", "推行一网通办，压缩审批时限。", "张小虎", "行政审批局")]


def write_plan(path: Path, rows: list[tuple[Any, ...]] = ROWS) -> Path:
    """The rows as a CSV file in the layout ``load`` reads."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def load_plan(run: Any, tmp_path: Path, year: str = "2019",
              rows: list[tuple[Any, ...]] = ROWS) -> None:
    """Load ``rows`` as the table of ``year``."""
    path = write_plan(tmp_path / f"plan{year}.csv", rows)
    result = run("load", str(path), "--year", year, "--quiet")
    assert result.exit_code == 0, result.output


def by_turns(items: list[Any], turn: int, parts: int) -> list[Any]:
    """One of ``parts`` interleaved shares of ``items`` (``items[turn % parts::parts]``): a
    comparison that takes a different share on each turn meets every item without taking the
    full product of its dimensions."""
    return items[turn % parts::parts]


def ok(result: Any) -> str:
    """The stdout of a command that must succeed."""
    assert result.exit_code == 0, result.output
    return result.stdout


def codes(run: Any, *args: str) -> list[str]:
    """The codes ``tasks`` lists for ``args`` (through --format json)."""
    result = run("tasks", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return [r["code"] for r in json.loads(result.stdout)]


def expected(pred: Any) -> list[str]:
    """Codes of the fixture rows matching ``pred(row, leaders, units)``, in table order."""
    out, seq, leaders, units, last_goal = [], 0, "", "", None
    for goal_no, goal, standard, lead, unit in ROWS:
        seq = seq + 1 if goal_no == last_goal else 1
        last_goal = goal_no
        leaders, units = lead or leaders, unit or units
        if pred((goal_no, goal, standard), leaders.split("、"), units.split("、")):
            out.append(f"{goal_no}.{seq}")
    return out


@functools.cache
def _parse(path: str, stamp: tuple[int, int]) -> ast.Module:
    return ast.parse(Path(path).read_text(encoding="utf-8"))


def parsed(path: Path) -> ast.Module:
    """The syntax tree of the Python file ``path``, parsed once per run while the file stays
    as it is (several tests walk every module of src: ~0.4 s a parse of all of it). The tree
    is shared: read it, never change it."""
    stat = path.stat()
    return _parse(str(path), (stat.st_mtime_ns, stat.st_size))


# -- query plans --------------------------------------------------------------------------

class Recorder:
    """A reader that remembers each statement and its parameters."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.statements: list[tuple[str, dict[str, Any]]] = []

    def all(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        self.statements.append((sql, dict(params or {})))
        return self.reader.all(sql, params)


def plan_of(path: Path, sql: str, params: dict[str, Any]) -> list[str]:
    args = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in params.items()}
    conn = sqlite3.connect(path)
    try:
        return [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, args)]
    finally:
        conn.close()


def full_scans(plan: list[str]) -> list[str]:
    """Steps that read a whole table: ``SCAN name`` without an index, where ``name`` is not a
    co-routine or subquery of the same statement (nor a ``VALUES`` list's constant rows)."""
    derived = {m.group(1) for step in plan
               if (m := re.match(r"(?:CO-ROUTINE|MATERIALIZE) (\S+)", step))}
    out = []
    for step in plan:
        m = re.match(r"SCAN (\S+)", step)
        if m and "INDEX" not in step and m.group(1) not in derived \
                and not m.group(1).startswith("(subquery") and step != "SCAN CONSTANT ROW":
            out.append(step)
    return out


def statements(path: Path, call: Callable[[Any], Any]) -> list[tuple[str, dict[str, Any]]]:
    with Database(str(path), fast_reads=True).read() as reader:
        recorder = Recorder(reader)
        call(recorder)
    assert recorder.statements
    return recorder.statements


def names(path: Path, kind: str) -> list[str]:
    with Database(str(path)).read() as reader:
        pid, _ = queries.plan_id(reader, 2018)
        return queries.known_names(reader, kind, pid)


def filters(path: Path) -> dict[str, queries.TaskFilter]:
    leaders, units = names(path, "leader"), names(path, "unit")
    return {
        "plan/year": queries.TaskFilter(year=2018),
        "latest year": queries.TaskFilter(),
        "leader": queries.TaskFilter(leaders=leaders[:1]),
        "leaders": queries.TaskFilter(leaders=leaders[:3]),
        "unit": queries.TaskFilter(units=units[:1]),
        "co-unit": queries.TaskFilter(co_units=units[:1]),
        "goal": queries.TaskFilter(goal=2),
        "search": queries.TaskFilter(search="建设"),
        "status as of": queries.TaskFilter(statuses=["in_progress"], as_of=date(2018, 6, 30)),
        "all at once": queries.TaskFilter(leaders=leaders[:1], units=units[:2], goal=1,
                                          search="建设"),
    }


# -- one-line errors ------------------------------------------------------------------------
def assert_one_line_error(result: Any, *needles: str, secret: str | None = None) -> None:
    """An ``Error:`` line (and at most a ``Hint:``), exit 1, no traceback, holding every
    needle (and not ``secret``)."""
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("Error: ") and "Traceback" not in result.output, result.stderr
    assert len(lines) <= 2 and (len(lines) == 1 or lines[1].startswith("Hint: ")), lines
    assert secret is None or secret not in result.output
    for needle in needles:
        assert needle in result.stderr, result.stderr


def invoke(*args: str, env: dict[str, str] | None = None) -> Any:
    """``taskduty ARGS`` with no ``TASKDUTY_DB`` (only what ``args`` and ``env`` give)."""
    from typer.testing import CliRunner

    from taskduty.cli import app

    return CliRunner().invoke(app, list(args), env={"TASKDUTY_DB": None, **(env or {})})


def tasks_json(run: Any, *args: str) -> list[dict[str, Any]]:
    """``taskduty tasks -f json ARGS``, read."""
    result = run("tasks", "-f", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def tasks_by_code(run: Any, *args: str) -> dict[str, dict[str, Any]]:
    return {r["code"]: r for r in tasks_json(run, *args)}


# -- monthly forms --------------------------------------------------------------------------
STATUS_COL, PROGRESS_COL, NOTE_COL = 6, 7, 8


def write_forms(run: Any, outdir: Path, *args: str) -> dict[str, Path]:
    """``taskduty forms OUTDIR --month 2018-03 ARGS``: unit -> the form's path."""
    result = run("forms", str(outdir), "--month", "2018-03", *args)
    assert result.exit_code == 0, result.output
    out = {}
    for line in result.stdout.splitlines():
        path, unit, _n = line.split("\t")
        out[unit] = Path(path)
    return out


def form_rows(path: Path) -> dict[str, int]:
    """Task code -> row (a target's row, CODE#N, and the contact lines under the table are
    left out)."""
    import openpyxl

    ws = openpyxl.load_workbook(path).worksheets[0]
    return {ws.cell(r, 1).value: r for r in range(4, ws.max_row + 1)
            if re.fullmatch(r"\d+\.\d+", str(ws.cell(r, 1).value or ""))}


def fill_form(path: Path, dest: Path, values: dict[str, tuple[Any, ...]]) -> Path:
    """Fill a form as a unit would: status, progress, note by task code."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    rows = {ws.cell(r, 1).value: r for r in range(4, ws.max_row + 1)}
    for code, (status, progress, note) in values.items():
        r = rows.get(code) or ws.max_row + 1
        if code not in rows:
            ws.cell(r, 1).value = code
        ws.cell(r, STATUS_COL).value = status
        ws.cell(r, PROGRESS_COL).value = progress
        ws.cell(r, NOTE_COL).value = note
    wb.save(dest)
    return dest


# -- the printed report ---------------------------------------------------------------------
def page_starts(ws: Any) -> set[int]:
    """The first row of every printed page after the first (the sheet's own row breaks)."""
    return {b.id + 1 for b in ws.row_breaks.brk}


def assert_goals_merged_per_page(ws: Any, tasks: list[dict[str, Any]],
                                 first_row: int = 3) -> None:
    """Each goal's cell is merged down over its rows on each printed page, and a goal that
    goes on over a page break shows its name again (（续）) at the top of the next page."""
    merges = {str(m) for m in ws.merged_cells.ranges}
    starts = page_starts(ws)
    row = first_row
    goals: dict[int, list[dict[str, Any]]] = {}
    for t in tasks:
        goals.setdefault(t["goal_no"], []).append(t)
    for goal_no, items in goals.items():
        end = row + len(items) - 1
        cuts = [r for r in sorted(starts) if row < r <= end]
        pieces = list(zip([row, *cuts], [c - 1 for c in cuts] + [end], strict=True))
        for i, (a, b) in enumerate(pieces):
            name = ws.cell(a, 2).value
            assert name.startswith(f"{goal_no}. "), (a, name)
            assert name.endswith("（续）") == (i > 0), (a, name)
            if b > a:
                assert f"B{a}:B{b}" in merges
            for r in range(a + 1, b + 1):
                assert ws.cell(r, 2).value is None
        row = end + 1


# -- quantitative targets -------------------------------------------------------------------
TARGETS_TABLE = """序号,目标名称,工作标准,分管领导,牵头单位
1,经济增长,地区生产总值增长7.5%左右，一般公共预算收入增长6%以上。,甲乙,发改局
1,经济增长,实际利用外资5.2亿美元，产业类外资占比55%以上。,甲乙,商务局
2,民生实事,新建幼儿园三所、中小学2所。,丙丁,教育局
2,民生实事,城镇调查失业率控制在5%以内，与经济增长同步。,丙丁,人社局
2,民生实事,深化“135”工程，推进十四五规划编制。,丙丁,发改局
"""


def load_targets_table(run: Any, tmp_path: Path, text: str = TARGETS_TABLE,
                       *args: str) -> None:
    """Load ``text`` (a CSV table) for 2019."""
    path = tmp_path / "plan.csv"
    path.write_text(text, encoding="utf-8")
    result = run("load", str(path), "--year", "2019", "--quiet", *args)
    assert result.exit_code == 0, result.output


# -- the status in force and summaries as computed before they moved to SQL (issue 19) ----------
# Every update's latest per (task, reporter) by a window over the plan's updates, combined in
# Python for every task (taskduty.reports.combine); summaries counted over the tasks' views.
REFERENCE_STATUS_SQL = (
    'SELECT id, task_id, "by", status, progress, note, date FROM ('
    ' SELECT u.id, u.task_id, u."by", u.status, u.progress, u.note, u.date, ROW_NUMBER() OVER ('
    '  PARTITION BY u.task_id, u."by" ORDER BY u.date DESC, u.id DESC) AS rn'
    " FROM task_update u JOIN task t ON t.id = u.task_id WHERE t.plan_id = :p"
    " AND u.withdrawn_at IS NULL AND u.date <= :d) x WHERE rn = 1")


def reference_statuses(reader: Any, tasks: list[queries.TaskView], as_of: date
                       ) -> dict[str, tuple[Any, ...]]:
    """Code -> (status, progress, note, updated, reports) of ``tasks`` on ``as_of``, the
    way ``queries`` computed them before the per-task SQL lookup."""
    from collections import defaultdict

    from taskduty.db import as_date
    from taskduty.fields import squeeze
    from taskduty.reports import Report, combine, report_dict

    pid, _ = queries.plan_id(reader, tasks[0].year)
    by_task: dict[int, list[Report]] = defaultdict(list)
    for r in reader.all(REFERENCE_STATUS_SQL, {"p": pid, "d": as_of}):
        by_task[r["task_id"]].append(Report(id=r["id"], by=r["by"] or "",
                                            date=as_date(r["date"]), status=r["status"],
                                            progress=r["progress"], note=r["note"]))
    alias_map = {squeeze(a): n for a, n in queries.aliases(reader, "unit").items()}
    out = {}
    for t in tasks:
        reports = by_task.get(t.id)
        if not reports:
            out[t.code] = ("not_started", None, None, None, [])
            continue
        c = combine(t.units, reports, alias_map)
        out[t.code] = (c.status, c.progress, c.note, c.updated,
                       [report_dict(u, rep) for u, rep in c.per_unit])
    return out


def reference_summary(tasks: list[queries.TaskView], by: str | None) -> Any:
    """The summary rows of ``tasks`` grouped ``by`` leader, unit or goal (None: the 合计
    row), counted in Python over the tasks' views as ``summary`` did before grouped SQL."""
    from collections import Counter, defaultdict

    from taskduty.fields import STATUSES
    from taskduty.schedule import LIGHTS
    from taskduty.targets import count_statuses

    def row(name: str, items: list[queries.TaskView]) -> dict[str, Any]:
        n = len(items)
        counts = Counter(t.status for t in items)
        out: dict[str, Any] = {"name": name, "tasks": n}
        out |= {s: counts.get(s, 0) for s in STATUSES}
        out["done_pct"] = round(100 * counts.get("done", 0) / n, 1) if n else 0.0
        out["mean_progress"] = (round(sum(queries.progress_of(t) for t in items) / n, 1)
                                if n else 0.0)
        lights = Counter(t.warning for t in items)
        out |= {light: lights.get(light, 0) for light in LIGHTS}
        found = count_statuses([g for t in items for g in t.targets])
        return out | {"targets": found["targets"], "targets_ok": found["ok"]}

    if by is None:
        return row(queries.TOTAL_LABEL, tasks)
    groups: dict[str, list[queries.TaskView]] = defaultdict(list)
    for t in tasks:
        for key in (t.leaders if by == "leader" else t.units if by == "unit"
                    else [f"{t.goal_no}. {t.goal}"]):
            groups[key].append(t)
    rows = [row(name, items) for name, items in groups.items()]
    if by == "goal":
        return sorted(rows, key=lambda r: int(r["name"].split(".")[0]))
    return sorted(rows, key=lambda r: (-r["tasks"], r["name"]))


# A report-rich 2018 seed (test_status_sql.py, test_listing_fields.py): several lead units
# reporting differently, a unit alias, names typed with spaces, a report by a unit that does
# not lead the task, office updates on the day of a unit's, withdrawn updates, extensions
# (two now due) and actual values.
ALIAS = "简称单位"


def add_reports(url: str) -> None:
    """Office and lead-unit reports over the 2018 seed, some withdrawn."""
    from taskduty.extensions import extend
    from taskduty.store import add_alias
    from taskduty.updates import NewActual, NewUpdate, record_batch, withdraw

    db = Database(url)
    with db.read() as reader:
        tasks = queries.list_tasks(reader, queries.TaskFilter(year=2018))
    multi = [t for t in tasks if len(t.units) > 1]
    single = [t for t in tasks if len(t.units) == 1]
    assert len(multi) >= 12 and len(single) >= 12
    add_alias(db, ALIAS, multi[0].units[1], "unit")
    office = record_batch(db, 2018, [
        NewUpdate(t.code, "in_progress", date(2018, 3, 31), 30, "一季度", by="督查室")
        for t in tasks[::2]])
    own: list[NewUpdate] = []
    for i, t in enumerate(multi):
        first, second = t.units[0], t.units[1]
        if i == 0:
            own += [NewUpdate(t.code, "done", date(2018, 6, 30), 100, "简称报完成", by=ALIAS),
                    NewUpdate(t.code, "in_progress", date(2018, 6, 30), 80, by=first)]
        elif i % 4 == 0:
            own.append(NewUpdate(t.code, "behind", date(2018, 6, 30), 20, "滞后", by=first))
        elif i % 4 == 1:
            own += [NewUpdate(t.code, "done", date(2018, 6, 30), 100, f"{u}完成", by=u)
                    for u in t.units]
        elif i % 4 == 2:
            own.append(NewUpdate(t.code, "done", date(2018, 6, 30), 100, "先完成", by=first))
        else:
            spaced = f" {first[:1]} {first[1:]}"  # typed with spaces: still the unit
            own += [NewUpdate(t.code, "in_progress", date(2018, 6, 30), 60, "六成", by=spaced),
                    NewUpdate(t.code, "in_progress", date(2018, 5, 31), 40, "四成", by=second)]
    own += [NewUpdate(t.code, "in_progress", date(2018, 6, 30), 50 + i, f"单位{i}", by=t.units[0])
            for i, t in enumerate(single[:20])]
    units_batch = record_batch(db, 2018, own)
    later = record_batch(db, 2018, [  # the office on the same day, recorded later
        NewUpdate(t.code, "in_progress", date(2018, 6, 30), 55, "督查室同日", by="督查室")
        for t in multi[1::3] + single[::5]])
    outsider = next(u for u in (t.units[0] for t in single) if u not in multi[2].units)
    record_batch(db, 2018, [
        NewUpdate(multi[2].code, "behind", date(2018, 9, 30), 35, "非牵头单位报", by=outsider),
        NewUpdate(multi[5].code, "not_started", date(2018, 9, 30), None, "未启动", by="督查室"),
        *[NewUpdate(t.code, "done", date(2018, 9, 30), 100, "三季度完成", by="督查室")
          for t in single[1::7]]])
    withdrawn = ([u["id"] for u in units_batch.recorded[1::6]]
                 + [u["id"] for u in later.recorded[::4]] + [office.recorded[0]["id"]])
    withdraw(db, withdrawn)
    undated = [t.code for t in tasks if t.due_date is None]
    extend(db, 2018, undated[:6:2], date(2018, 7, 15), "资金未到位")  # now due: lit red, blue
    dated = [t.code for t in tasks if t.due_date is not None]
    assert dated
    extend(db, 2018, dated[:1], date(2019, 1, 31), "跨年实施")
    with_targets = [t for t in tasks if t.targets]
    record_batch(db, 2018, [], actuals=[
        NewActual(t.code, 1, str(t.targets[0]["value"]), date(2018, 6, 30))
        for t in with_targets[:6] if t.targets[0].get("value") is not None])
    db.dispose()


def dump_core(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the plan's load time, with its values' Python types."""
    from sqlalchemy import MetaData, create_engine, select

    engine = create_engine(url if "://" in url else f"sqlite:///{url}")
    meta = MetaData()
    meta.reflect(engine)
    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for name, table in sorted(meta.tables.items()):
            if name in ("meta", "schema_version"):
                continue
            cols = [c for c in table.columns if c.name != "loaded_at"]
            rows = conn.execute(select(*cols).order_by(*table.primary_key.columns)).all()
            out[name] = [tuple((v, type(v).__name__) for v in r) for r in rows]
    engine.dispose()
    return out
