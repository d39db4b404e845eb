"""The floors ``bench/run.py`` compares taskduty with: the same work done plainly, with the
standard library's ``sqlite3`` (and a bare openpyxl workbook where a file is written), on the
same database. Each is a command, so it pays for starting Python as taskduty does:

    python bench/floors.py load EMPTY.db TABLE.csv OUT.db YEAR
    python bench/floors.py table DB YEAR [LEADER]      # padded, wrapped plain text
    python bench/floors.py status DB YEAR              # every task's status in force, JSON
    python bench/floors.py summary DB YEAR             # per lead unit, one GROUP BY, JSON
    python bench/floors.py update DB YEAR CODE         # one task's update, one transaction
    python bench/floors.py undo DB                     # withdraw the latest batch
    python bench/floors.py forms DB YEAR FOLDER        # one bare workbook per lead unit
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
from datetime import datetime
from pathlib import Path

WIDTHS = (6, 14, 44, 10, 16, 8)  # code, goal, standard, leaders, units, status: 120 columns

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
    conn = sqlite3.connect(db)
    rows = conn.execute(LISTING.format(extra=BY_LEADER if leader else ""),
                        {"year": year, "leader": leader}).fetchall()
    out = sys.stdout
    for row in rows:
        cells = [wrap(str(v or ""), w) for v, w in zip(row, WIDTHS, strict=True)]
        for i in range(max(len(c) for c in cells)):
            out.write(" ".join((c[i] if i < len(c) else "") + " " * (w - width(c[i] if i < len(c)
                                                                             else ""))
                               for c, w in zip(cells, WIDTHS, strict=True)).rstrip() + "\n")


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


def _rows_by_unit(db: str, year: int) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(db)
    out: dict[str, list[tuple]] = {}
    for unit, *row in conn.execute(
            "SELECT u.name, t.code, g.name, t.standard, " + STATUS + " FROM task t "
            "JOIN plan p ON p.id = t.plan_id JOIN goal g ON g.id = t.goal_id "
            "JOIN task_unit tu ON tu.task_id = t.id AND tu.role = 'lead' "
            "JOIN unit u ON u.id = tu.unit_id WHERE p.year = ? ORDER BY u.name, t.goal_no, t.seq",
            (year,)):
        out.setdefault(unit, []).append(tuple(row))
    return out


def forms(db: str, year: int, folder: str) -> None:
    from openpyxl import Workbook

    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    for i, (unit, rows) in enumerate(_rows_by_unit(db, year).items()):
        wb = Workbook()
        ws = wb.active
        ws.append(["序号", "目标名称", "工作标准", "完成情况", "进度", "进展"])
        for row in rows:
            ws.append([*row, None, None])
        wb.save(target / f"{i:03d}-{unit}.xlsx")


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
