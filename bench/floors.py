"""The floors ``bench/run.py`` compares taskduty with: the same work done plainly, with the
standard library's ``sqlite3`` (and a bare openpyxl workbook where a file is written), on the
same database. Each is a command, so it pays for starting Python as taskduty does:

    python bench/floors.py load EMPTY.db TABLE.csv OUT.db YEAR
    python bench/floors.py table DB YEAR [LEADER]      # padded, wrapped plain text
    python bench/floors.py status DB YEAR              # every task's status in force, JSON
    python bench/floors.py summary DB YEAR             # per lead unit, one GROUP BY, JSON
    python bench/floors.py update DB YEAR CODE         # one task's update, one transaction
    python bench/floors.py undo DB                     # withdraw the latest batch
    python bench/floors.py forms DB YEAR FOLDER        # per lead unit, a form's cells, bare
    python bench/floors.py export DB YEAR OUT.xlsx     # one write-only workbook

``EMPTY.db`` is a taskduty database with the schema and no table (``run.py`` makes it once).
"""

from __future__ import annotations

import csv
import getpass
import json
import shutil
import sqlite3
import sys
import unicodedata
from datetime import date, datetime, timedelta
from pathlib import Path

# What taskduty's task table shows of each task (its columns in its order): code, 目标名称 (on
# a goal's first task only), 工作标准, 分管领导, 牵头单位, 配合单位, 完成时限, 预警, 状态, 进度.
# Widths: what taskduty computes for the benchmark's year at 120 columns (two-cell gaps).
HEADERS = ("任务编号", "目标名称", "工作标准", "分管领导", "牵头单位", "配合单位", "完成时限",
           "预警", "状态", "进度")
WIDTHS = (8, 11, 24, 13, 13, 12, 7, 4, 6, 4)

# Each task's status in force: the latest update not withdrawn (index ix_update_task_date).
STATUS = ("(SELECT s.status FROM task_update s WHERE s.task_id = t.id AND s.withdrawn_at IS "
          "NULL ORDER BY s.date DESC, s.id DESC LIMIT 1)")
LISTING = (
    "SELECT t.code, g.name AS goal, t.standard, "
    "(SELECT group_concat(l.name, '、') FROM task_leader x JOIN leader l ON l.id = x.leader_id"
    " WHERE x.task_id = t.id) AS leaders, "
    "(SELECT group_concat(u.name, '、') FROM task_unit y JOIN unit u ON u.id = y.unit_id"
    " WHERE y.task_id = t.id AND y.role = 'lead') AS units, " + STATUS + " AS status "
    "FROM task t JOIN goal g ON g.id = t.goal_id JOIN plan p ON p.id = t.plan_id "
    "WHERE p.year = :year {extra} ORDER BY t.goal_no, t.seq")
BY_LEADER = ("AND t.id IN (SELECT tl.task_id FROM task_leader tl JOIN leader l "
             "ON l.id = tl.leader_id WHERE l.name = :leader)")
SUMMARY = (
    "SELECT u.name, COUNT(*) AS tasks, "
    "TOTAL(st = 'not_started' OR st IS NULL) AS not_started, TOTAL(st = 'in_progress') AS "
    "in_progress, TOTAL(st = 'behind') AS behind, TOTAL(st = 'done') AS done "
    "FROM (SELECT tu.unit_id, " + STATUS + " AS st FROM task t "
    "JOIN plan p ON p.id = t.plan_id JOIN task_unit tu ON tu.task_id = t.id AND tu.role = 'lead'"
    " WHERE p.year = :year) x JOIN unit u ON u.id = x.unit_id "
    "GROUP BY u.name ORDER BY tasks DESC, u.name")


def _names(table: str, link: str, key: str, where: str = "") -> str:
    """A task's names of ``table`` in their order, joined by 、."""
    return (f"(SELECT group_concat(name, '、') FROM (SELECT n.name FROM {link} x JOIN {table} n"
            f" ON n.id = x.{key} WHERE x.task_id = t.id{where} ORDER BY x.position))")


# The task table's cells: names in their order, the latest update in force (STATUS's
# lookup) and what the light needs (the milestones, the approved extension in force).
TABLE = (
    "SELECT t.goal_no, t.code, g.name, t.standard, "
    + _names("leader", "task_leader", "leader_id") + ", t.leaders_inherited, "
    + _names("unit", "task_unit", "unit_id", " AND x.role = 'lead'") + ", t.units_inherited, "
    + _names("unit", "task_unit", "unit_id", " AND x.role = 'co'") + ", t.deadline, "
    "t.milestones, (SELECT json_array(s.status, s.progress) FROM task_update s"
    " WHERE s.task_id = t.id AND s.withdrawn_at IS NULL ORDER BY s.date DESC, s.id DESC"
    " LIMIT 1), "
    "(SELECT e.due_date FROM task_extension e WHERE e.task_id = t.id AND e.withdrawn_at IS "
    "NULL ORDER BY e.id DESC LIMIT 1) "
    "FROM task t JOIN goal g ON g.id = t.goal_id JOIN plan p ON p.id = t.plan_id "
    "WHERE p.year = :year AND t.removed = 0 {extra} ORDER BY t.goal_no, t.seq")


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(text: str, limit: int) -> list[str]:
    lines, line, used = [], "", 0
    for c in text.replace("\n", " "):
        w = 2 if unicodedata.east_asian_width(c) in "WF" else 1
        if used + w > limit:
            lines.append(line)
            line, used = "", 0
        line += c
        used += w
    return [*lines, line]


def table(db: str, year: int, leader: str | None = None) -> None:
    """taskduty's task table as plain padded text: the title, the header, each task's ten
    cells wrapped in their widths (progress set right), a blank line between goals."""
    conn = sqlite3.connect(db)
    rows = conn.execute(TABLE.format(extra=BY_LEADER if leader else ""),
                        {"year": year, "leader": leader}).fetchall()
    as_of = date.today()
    lights: dict[tuple, str] = {}  # the light of each distinct schedule, status and progress
    total = sum(WIDTHS) + 2 * (len(WIDTHS) - 1)
    title = f"{year}年 · {len(rows)}项"
    pad = (total - width(title)) // 2
    out = sys.stdout
    out.write(" " * pad + title + " " * (total - pad - width(title)) + "\n")
    head = [wrap(h, w) for h, w in zip(HEADERS, WIDTHS, strict=True)]
    tall = max(map(len, head))
    for i in range(tall):  # a header sits at the bottom of its row
        parts = []
        for c, w in zip(head, WIDTHS, strict=True):
            text = c[i - tall + len(c)] if i >= tall - len(c) else ""
            parts.append(text + " " * (w - width(text)))
        out.write("  ".join(parts) + "\n")
    out.write("\u2500" * total + "\n")
    previous = None
    for (goal_no, code, goal, standard, leaders, l_inh, units, u_inh, co, deadline,
         milestones, latest, extended) in rows:
        status, pct = json.loads(latest) if latest else ("not_started", None)
        key = (milestones, extended, status, pct)
        light = lights.get(key)
        if light is None:
            dates = ([date.fromisoformat(extended)] if extended else sorted(
                date.fromisoformat(m["date"]) for m in json.loads(milestones or "[]")))
            value = 100.0 if status == "done" else float(pct or 0)
            light = lights[key] = _light(as_of, status, value, dates,
                                         _expected(as_of, year, dates)) or ""
        if previous is not None and goal_no != previous:
            out.write(" " * total + "\n")
        progress = "" if pct is None and status != "done" else \
            f"{100 if status == 'done' else pct}%"
        values = (code, f"{goal_no}.{goal}" if goal_no != previous else "", standard,
                  (leaders or "") + (" (沿用)" if l_inh else ""),
                  (units or "") + (" (沿用)" if u_inh else ""), co or "", deadline or "",
                  light, STATUS_TEXT.get(status, status), progress)
        previous = goal_no
        cells = [wrap(v, w) for v, w in zip(values, WIDTHS, strict=True)]
        for i in range(max(map(len, cells))):
            parts = []
            for c, w in zip(cells, WIDTHS, strict=True):
                text = c[i] if i < len(c) else ""
                parts.append(text + " " * (w - width(text)))
            parts[-1] = parts[-1].strip().rjust(WIDTHS[-1])
            out.write("  ".join(parts) + "\n")


def load(empty: str, csv_path: str, db: str, year: int) -> None:
    """The CSV's tasks into the schema with ``executemany``, in one transaction."""
    shutil.copyfile(empty, db)
    conn = sqlite3.connect(db)
    now = datetime.now().strftime("%Y-%m-%d %H:%M:%S.%f")
    goals: dict[int, str] = {}
    leaders: dict[str, int] = {}
    units: dict[str, int] = {}
    tasks, task_leaders, task_units = [], [], []
    seq: dict[int, int] = {}
    with open(csv_path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        for task_id, (no, goal, standard, lead, unit, co, deadline) in enumerate(reader, 1):
            goal_no = int(no)
            goals.setdefault(goal_no, goal)
            seq[goal_no] = seq.get(goal_no, 0) + 1
            tasks.append((task_id, goal_no, goal_no, seq[goal_no], f"{goal_no}.{seq[goal_no]}",
                          standard, deadline or None))
            for i, name in enumerate(lead.split("、")):
                task_leaders.append((task_id, leaders.setdefault(name, len(leaders) + 1), i))
            for role, names in (("lead", unit), ("co", co)):
                for i, name in enumerate(n for n in names.split("、") if n):
                    task_units.append((task_id, units.setdefault(name, len(units) + 1), role, i))
    with conn:
        plan = conn.execute("INSERT INTO plan (year, input_format, source_name, content_hash, "
                            "loaded_at, loaded_by) VALUES (?, 'csv', ?, '', ?, '')",
                            (year, Path(csv_path).name, now)).lastrowid
        conn.executemany("INSERT INTO goal (id, plan_id, goal_no, name) VALUES (?, ?, ?, ?)",
                         [(n, plan, n, g) for n, g in goals.items()])
        conn.executemany("INSERT INTO leader (id, name) VALUES (?, ?)",
                         [(i, n) for n, i in leaders.items()])
        conn.executemany("INSERT INTO unit (id, name) VALUES (?, ?)",
                         [(i, n) for n, i in units.items()])
        # Columns added by later schema versions get their zero value.
        extra = [(name, "0" if kind.upper() in ("INTEGER", "BOOLEAN", "FLOAT") else "''")
                 for _, name, kind, notnull, default, _ in conn.execute("PRAGMA table_info(task)")
                 if notnull and default is None and name not in (
                     "id", "plan_id", "goal_id", "goal_no", "seq", "code", "standard",
                     "leaders_inherited", "units_inherited", "source_ref", "text_key",
                     "removed")]
        cols = "".join(f", {name}" for name, _ in extra)
        values = "".join(f", {value}" for _, value in extra)
        conn.executemany(
            "INSERT INTO task (id, plan_id, goal_id, goal_no, seq, code, standard, deadline, "
            f"leaders_inherited, units_inherited, source_ref, text_key, removed{cols}) "
            f"VALUES (?, {plan}, ?, ?, ?, ?, ?, ?, 0, 0, '', '', 0{values})", tasks)
        conn.executemany("INSERT INTO task_leader (task_id, leader_id, position) "
                         "VALUES (?, ?, ?)", task_leaders)
        conn.executemany("INSERT INTO task_unit (task_id, unit_id, role, position) "
                         "VALUES (?, ?, ?, ?)", task_units)
    conn.close()


def status(db: str, year: int) -> None:
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT t.code, " + STATUS + " AS status FROM task t JOIN plan p ON p.id = t.plan_id "
        "WHERE p.year = :year ORDER BY t.goal_no, t.seq", {"year": year}).fetchall()
    json.dump([{"code": c, "status": s} for c, s in rows], sys.stdout, ensure_ascii=False)


def summary(db: str, year: int) -> None:
    conn = sqlite3.connect(db)
    cursor = conn.execute(SUMMARY, {"year": year})
    names = [d[0] for d in cursor.description]
    json.dump([dict(zip(names, r, strict=True)) for r in cursor], sys.stdout, ensure_ascii=False)


def update(db: str, year: int, code: str) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    now = datetime.now().strftime("%Y-%m-%d %H:%M:%S.%f")
    conn.execute("BEGIN IMMEDIATE")
    (task_id,) = conn.execute("SELECT t.id FROM task t JOIN plan p ON p.id = t.plan_id "
                              "WHERE p.year = ? AND t.code = ?", (year, code)).fetchone()
    batch = conn.execute("INSERT INTO batch (kind, recorded_by, recorded_at) VALUES "
                         "('update', ?, ?)", (getpass.getuser(), now)).lastrowid
    conn.execute('INSERT INTO task_update (task_id, batch_id, date, status, progress, note, "by",'
                 " recorded_by, recorded_at) VALUES (?, ?, ?, 'in_progress', 50, '按序时推进', "
                 "'', 'bench', ?)", (task_id, batch, f"{year}-12-20", now))
    conn.execute("COMMIT")


def undo(db: str) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    now = datetime.now().strftime("%Y-%m-%d %H:%M:%S.%f")
    conn.execute("BEGIN IMMEDIATE")
    (batch,) = conn.execute("SELECT MAX(id) FROM batch WHERE withdrawn_at IS NULL").fetchone()
    conn.execute("UPDATE task_update SET withdrawn_at = ?, withdrawn_by = 'bench' "
                 "WHERE batch_id = ? AND withdrawn_at IS NULL", (now, batch))
    conn.execute("UPDATE batch SET withdrawn_at = ? WHERE id = ?", (now, batch))
    conn.execute("COMMIT")


FORM_HEADER = ("任务编号", "目标名称", "工作标准", "分管领导", "当前状态", "状态", "进度(%)",
               "进展情况", "实际完成值", "完成时限", "序时进度", "预警", "其他牵头单位",
               "上次进展情况")
STATUS_TEXT = {"not_started": "未启动", "in_progress": "推进中", "behind": "滞后",
               "done": "已完成"}
LIGHTS = {"red": "红灯", "yellow": "黄灯", "blue": "蓝灯"}
# What a form shows of each task of the year, in the table's order: its latest update (the
# same LIMIT 1 lookup as STATUS), the approved extension in force, its lead units in order,
# and each target's latest actual value.
FORM_TASKS = (
    "SELECT t.id, t.code, t.goal_no, g.name, t.standard, t.deadline, t.deadline_date, "
    "t.milestones, t.targets, "
    "(SELECT group_concat(name, '、') FROM (SELECT l.name FROM task_leader x JOIN leader l"
    " ON l.id = x.leader_id WHERE x.task_id = t.id ORDER BY x.position)), "
    "(SELECT json_array(s.status, s.progress, s.date, s.note) FROM task_update s"
    " WHERE s.task_id = t.id AND s.withdrawn_at IS NULL ORDER BY s.date DESC, s.id DESC"
    " LIMIT 1), "
    "(SELECT e.due_date FROM task_extension e WHERE e.task_id = t.id AND e.withdrawn_at IS "
    "NULL ORDER BY e.id DESC LIMIT 1) "
    "FROM task t JOIN goal g ON g.id = t.goal_id JOIN plan p ON p.id = t.plan_id "
    "WHERE p.year = ? ORDER BY t.goal_no, t.seq")
FORM_UNITS = ("SELECT y.task_id, u.name FROM task_unit y JOIN unit u ON u.id = y.unit_id "
              "JOIN task t ON t.id = y.task_id JOIN plan p ON p.id = t.plan_id "
              "WHERE p.year = ? AND y.role = 'lead' ORDER BY y.task_id, y.position")
FORM_ACTUALS = ("SELECT a.task_id, a.target_no, a.value, a.date FROM target_actual a "
                "JOIN task t ON t.id = a.task_id JOIN plan p ON p.id = t.plan_id "
                "WHERE p.year = ? AND a.withdrawn_at IS NULL ORDER BY a.date, a.id")
# the unit's own latest update, for a task with several lead units (ix_update_task_by_date)
OWN_UPDATE = ("SELECT status, progress, date, note FROM task_update WHERE task_id = ? AND "
              "\"by\" = ? AND withdrawn_at IS NULL ORDER BY date DESC, id DESC LIMIT 1")


def _months(day: date) -> float:
    last = (date(day.year + day.month // 12, day.month % 12 + 1, 1) - timedelta(1)).day
    return day.year * 12 + day.month - 1 + day.day / last


def _expected(as_of: date, year: int, dates: list[date]) -> float:
    """序时进度: the share of the year, or of the milestones reached (schedule.py's rule)."""
    now, start = _months(as_of), year * 12.0
    if not dates:
        return round(min(100.0, max(0.0, 100 * (now - start) / 12)), 1)
    reached = 0.0
    for d in dates:
        end = _months(d)
        if now >= end:
            reached, start = reached + 1, max(start, end)
            continue
        if end > start and now > start:
            reached += (now - start) / (end - start)
        break
    return round(min(100.0, max(0.0, 100 * reached / len(dates))), 1)


def _light(as_of: date, status: str | None, progress: float, dates: list[date],
           expected: float) -> str | None:
    if status == "done":
        return None
    pending = [d for i, d in enumerate(dates, 1) if progress < 100 * i / len(dates) - 1e-9]
    if any(d < as_of for d in pending):
        return "红灯"
    if status == "behind" or expected - progress > 10.0 + 1e-9:
        return "黄灯"
    if pending and (pending[0] - as_of).days <= 15:
        return "蓝灯"
    return None


def _num(value: float) -> str:
    return f"{value:g}"


def forms(db: str, year: int, folder: str) -> None:
    """Per lead unit, a write-only workbook with the cells of its form's fill-in sheet: the
    title, the intro, the 14 headers, a row per task (every column of the form, the fill-in
    ones empty) and a row per quantitative target (CODE#N, the target, its latest actual),
    and the contact lines; no styles, row heights, validations, protection or metadata."""
    from openpyxl import Workbook

    today = date.today()
    as_of = date(today.year + today.month // 12, today.month % 12 + 1, 1) - timedelta(1)
    month = f"{today.year}年{today.month}月"
    conn = sqlite3.connect(db)
    units: dict[int, list[str]] = {}
    for task_id, name in conn.execute(FORM_UNITS, (year,)):
        units.setdefault(task_id, []).append(name)
    actuals: dict[tuple[int, int], tuple[float, str]] = {}
    for task_id, no, value, day in conn.execute(FORM_ACTUALS, (year,)):
        actuals[(task_id, no)] = (value, day)
    by_unit: dict[str, list[list]] = {}
    for (task_id, code, goal_no, goal, standard, deadline, deadline_date, milestones,
         targets, leaders, latest, extended) in conn.execute(FORM_TASKS, (year,)):
        status, pct, day, note = json.loads(latest) if latest else (None, None, None, None)
        leads = units.get(task_id, [])
        dates = ([date.fromisoformat(extended)] if extended else
                 sorted(date.fromisoformat(m["date"]) for m in json.loads(milestones or "[]")))
        value = 100.0 if status == "done" else float(pct or 0)
        expected = _expected(as_of, year, dates)
        light = _light(as_of, status, value, dates, expected)
        due = f"{extended}（延期）" if extended else deadline or deadline_date
        rows = []
        for no, t in enumerate(json.loads(targets or "[]"), 1):
            num = _num(t["value"]) + ("" if t["upper"] is None else "–" + _num(t["upper"]))
            wanted = {"about": "≈", "at_least": "≥", "at_most": "≤"}.get(t["bound"], "") + {
                "growth": "+", "reduction": "−"}.get(t["kind"], "") + num + t["unit"]
            last = actuals.get((task_id, no))
            last_text = f"\n上次 {last[0]:g}{t['unit']}（{last[1]}）" if last else ""
            rows.append([f"{code}#{no}", None, f"量化指标{no}：{t['text']}", None,
                         f"目标 {wanted}{last_text}", *[None] * 9])
        for unit in leads:
            own = (status, pct, day, note)
            if len(leads) > 1:
                own = conn.execute(OWN_UPDATE, (task_id, unit)).fetchone() or own
            text = STATUS_TEXT.get(own[0], own[0])
            shown = 100 if own[0] == "done" else own[1]
            current = (f"{text} {shown}%" if shown is not None else text) + (
                f"\n（{own[2]}）" if own[2] else "")
            others = "、".join(u for u in leads if u != unit) or None
            by_unit.setdefault(unit, []).append(
                [code, f"{goal_no}. {goal}", standard, leaders, current, None, None, None,
                 None, due, f"{expected:g}%", light, others, own[3]])
            by_unit[unit].extend(rows)

    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    for unit in sorted(by_unit):
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("填报")
        ws.append([f"{month}《政府工作报告》目标任务推进情况填报表"])
        ws.append([f"填报单位：{unit}　　年度：{year}　　填报说明：在黄色单元格中选择状态、填写"
                   "进度（0–100 的整数）和进展情况；量化指标（任务编号如 1.5#2）在其行填写实际完成"
                   "值（可带单位，如 62% 或 7.9亿美元）；不填的行不报送。"])
        ws.append(FORM_HEADER)
        for row in by_unit[unit]:
            ws.append(row)
        ws.append([])
        for label in ("填报人", "联系电话", "单位负责人（审核）"):
            ws.append([f"{label}："])
        wb.save(target / f"{today:%Y-%m}_{unit}.xlsx")


def export(db: str, year: int, out: str) -> None:
    from openpyxl import Workbook

    conn = sqlite3.connect(db)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("任务")
    ws.append(["序号", "目标名称", "工作标准", "分管领导", "牵头单位", "完成情况"])
    for row in conn.execute(LISTING.format(extra=""), {"year": year}):
        ws.append(list(row))
    wb.save(out)


def main(argv: list[str]) -> None:
    command, *args = argv
    if command == "load":
        load(args[0], args[1], args[2], int(args[3]))
    elif command == "table":
        table(args[0], int(args[1]), args[2] if len(args) > 2 else None)
    elif command in ("status", "summary"):
        {"status": status, "summary": summary}[command](args[0], int(args[1]))
    elif command == "update":
        update(args[0], int(args[1]), args[2])
    elif command == "undo":
        undo(args[0])
    elif command == "forms":
        forms(args[0], int(args[1]), args[2])
    elif command == "export":
        export(args[0], int(args[1]), args[2])
    else:
        raise SystemExit(f"unknown floor {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
