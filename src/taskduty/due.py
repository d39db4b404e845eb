"""Tasks coming due (``remind --due-within DAYS``): per lead unit, the tasks not done whose
due date in force (an approved extension's, else the deadline's last milestone) falls within
the next days, and a ready-to-send 到期提醒 notice for each unit."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from taskduty.db import Reader


def coming_due(reader: Reader, year: int | None, as_of: date, days: int) -> list[dict[str, Any]]:
    """Per lead unit (by name), its tasks not done and due from ``as_of`` to ``days`` days
    later (both included), soonest first.

    Each: unit, leaders, tasks (code, goal, standard, deadline, due, days_left, extended,
    status, progress, expected_progress, warning).
    """
    from taskduty import queries

    last = as_of + timedelta(days=days)
    tasks = queries.list_tasks(reader, queries.TaskFilter(year=year, as_of=as_of))
    by_unit: dict[str, list[Any]] = {}
    for t in tasks:
        due = t.due_date
        if t.status == "done" or due is None or not as_of <= due <= last:
            continue
        for unit in t.units:
            by_unit.setdefault(unit, []).append(t)
    out = []
    for unit, items in sorted(by_unit.items()):
        items.sort(key=lambda t: (t.due_date, t.goal_no, t.seq))
        out.append({
            "unit": unit,
            "leaders": list(dict.fromkeys(n for t in items for n in t.leaders)),
            "tasks": [{
                "code": t.code, "goal": t.goal, "standard": t.standard,
                "deadline": t.deadline, "due": t.due_date.isoformat() if t.due_date else None,
                "days_left": t.schedule.days_left if t.schedule else None,
                "extended": t.extension is not None, "status": t.status,
                "progress": t.progress,
                "expected_progress": t.schedule.expected_progress if t.schedule else None,
                "warning": t.warning} for t in items]})
    return out


def due_notice(entry: dict[str, Any], year: int, as_of: date, days: int, office: str,
               today: date | None = None) -> str:
    """A 到期提醒 notice for one unit of :func:`coming_due`."""
    from taskduty.excel import cn_date

    today = today or date.today()
    lines = [
        f"关于{year}年《政府工作报告》目标任务即将到期的提醒",
        "",
        f"{entry['unit']}：",
        f"　　截至{cn_date(as_of)}，贵单位牵头的以下{len(entry['tasks'])}项任务将在{days}日内"
        "到期，尚未办结。请贵单位对照完成时限倒排工期、加快推进，确保按期完成，"
        f"并及时向{office}报送进展情况。",
        "",
    ]
    for t in entry["tasks"]:
        when = cn_date(date.fromisoformat(t["due"]))
        how = "（已批准延期）" if t["extended"] else ""
        lines.append(f"　　{t['code']}　{t['standard']}（完成时限：{when}{how}，"
                     f"剩余{t['days_left']}天）")
    lines += ["", "　　如已完成，请及时报送办结情况。", "", f"{office}", cn_date(today), ""]
    return "\n".join(lines)
