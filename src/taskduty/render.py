"""Turning query results into output: rich tables for people, JSON and CSV for scripts.

Data goes to stdout; messages go to stderr (see :func:`message`).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from taskduty.fields import LABELS, STATUSES

FORMATS = ("table", "json", "csv")
STATUS_STYLES = {"not_started": "dim", "in_progress": "cyan", "behind": "bold red",
                 "done": "green"}


def console(stderr: bool = False) -> Any:
    """A rich console on stdout or stderr (created per call so captured streams work)."""
    from rich.console import Console

    return Console(file=sys.stderr if stderr else sys.stdout, highlight=False, soft_wrap=stderr)


def message(text: str, style: str | None = None) -> None:
    """A message for the person at the terminal, on stderr."""
    console(stderr=True).print(text, style=style, markup=False, highlight=False)


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["、".join(v) if isinstance(v, list) else ("" if v is None else v)
                         for v in row])
    return buffer.getvalue()


def emit(text: str, output: Path | None = None, bom: bool = False) -> None:
    """Write ``text`` to a file (CSV files get a BOM so Excel reads them) or to stdout."""
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8-sig" if bom else "utf-8", newline="")
        message(f"Wrote {output}")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def status_label(key: str | None) -> str:
    return STATUSES.get(key or "not_started", key or "")


# -- tasks ------------------------------------------------------------------------------------
TASK_CSV_FIELDS = ("code", "year", "goal_no", "goal", "standard", "leaders", "units",
                   "co_units", "deadline", "status", "progress", "note", "updated")


def tasks_csv(tasks: list[Any]) -> str:
    """One row per task, Chinese headers, several values joined by 、."""
    header = [LABELS.get(f, {"year": "年度"}.get(f, f)) for f in TASK_CSV_FIELDS]
    rows = []
    for t in tasks:
        d = t.as_dict()
        d["status"] = status_label(d["status"])
        rows.append([d[f] for f in TASK_CSV_FIELDS])
    return to_csv(header, rows)


def output_tasks(tasks: list[Any], fmt: str, output: Path | None = None,
                 title: str | None = None) -> None:
    if fmt == "json":
        emit(to_json([t.as_dict() for t in tasks]), output)
    elif fmt == "csv":
        emit(tasks_csv(tasks), output, bom=output is not None)
    else:
        print_tasks_table(tasks, title)


def print_tasks_table(tasks: list[Any], title: str | None = None) -> None:
    """A rich table: the goal once per group, wrapped 工作标准, status and progress."""
    from rich.table import Table
    from rich.text import Text

    show_co = any(t.co_units for t in tasks)
    show_deadline = any(t.deadline for t in tasks)
    table = Table(title=title, show_lines=False, header_style="bold", expand=False,
                  pad_edge=False)
    table.add_column(LABELS["code"], no_wrap=True)
    table.add_column(LABELS["goal"], max_width=14)
    table.add_column(LABELS["standard"], ratio=1, min_width=16)
    table.add_column(LABELS["leaders"], max_width=10)
    table.add_column(LABELS["units"], max_width=14)
    if show_co:
        table.add_column(LABELS["co_units"], max_width=14)
    if show_deadline:
        table.add_column(LABELS["deadline"], max_width=10)
    table.add_column(LABELS["status"], no_wrap=True)
    table.add_column(LABELS["progress"], justify="right", no_wrap=True)
    previous_goal = None
    for t in tasks:
        goal = f"{t.goal_no}. {t.goal}" if t.goal_no != previous_goal else ""
        if t.goal_no != previous_goal and previous_goal is not None:
            table.add_section()
        previous_goal = t.goal_no
        cells: list[Any] = [
            t.code, goal, t.standard,
            "、".join(t.leaders) + (" (沿用)" if t.leaders_inherited else ""),
            "、".join(t.units) + (" (沿用)" if t.units_inherited else ""),
        ]
        if show_co:
            cells.append("、".join(t.co_units))
        if show_deadline:
            cells.append(t.deadline or "")
        cells.append(Text(status_label(t.status), style=STATUS_STYLES.get(t.status, "")))
        cells.append("" if t.progress is None and t.status != "done"
                     else f"{100 if t.status == 'done' else t.progress}%")
        table.add_row(*cells)
    out = console()
    out.print(table)


def print_task(task: Any) -> None:
    """One task in full, with its history."""
    from rich.table import Table

    out = console()
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    rows = [
        (LABELS["code"], f"{task.year} {task.code}"),
        (LABELS["goal"], f"{task.goal_no}. {task.goal}"),
        (LABELS["standard"], task.standard),
        (LABELS["leaders"], "、".join(task.leaders)
         + ("（沿用上一行）" if task.leaders_inherited else "")),
        (LABELS["units"], "、".join(task.units)
         + ("（沿用上一行）" if task.units_inherited else "")),
    ]
    if task.section:
        rows.insert(1, (LABELS["section"], task.section))
    if task.co_units:
        rows.append((LABELS["co_units"], "、".join(task.co_units)))
    if task.deadline:
        rows.append((LABELS["deadline"], task.deadline))
    rows.append((LABELS["status"], status_label(task.status)
                 + (f"  {task.progress}%" if task.progress is not None else "")
                 + (f"  ({task.updated})" if task.updated else "")))
    if task.note:
        rows.append((LABELS["note"], task.note))
    rows.append(("来源", task.source_ref))
    for label, value in rows:
        grid.add_row(label, value)
    out.print(grid)
    if task.history:
        history = Table(title="填报记录", header_style="bold")
        for name in ("ID", "日期", "状态", "进度", "进展情况", "填报人", "录入人"):
            history.add_column(name)
        withdrawn = "withdrawn_at" in task.history[0]
        if withdrawn:
            history.add_column("撤回")
        for h in task.history:
            row = [str(h["id"]), h["date"], status_label(h["status"]),
                   "" if h["progress"] is None else f"{h['progress']}%", h["note"] or "",
                   h["by"] or "", h["recorded_by"] or ""]
            if withdrawn:
                row.append(f"{h['withdrawn_at']} {h['withdrawn_by']}" if h["withdrawn_at"] else "")
            history.add_row(*row)
        out.print(history)


# -- generic rows -------------------------------------------------------------------------
def output_rows(rows: list[dict[str, Any]], columns: list[tuple[str, str]], fmt: str,
                output: Path | None = None, title: str | None = None,
                bar: str | None = None) -> None:
    """Rows of plain values: ``columns`` is [(key, header)]; ``bar`` names a 0–100 column
    drawn as a small bar in tables."""
    if fmt == "json":
        emit(to_json(rows), output)
        return
    if fmt == "csv":
        emit(to_csv([k for k, _ in columns], [[r.get(k) for k, _ in columns] for r in rows]),
             output, bom=output is not None)
        return
    from rich.table import Table

    table = Table(title=title, header_style="bold")
    for key, header in columns:
        numeric = rows and isinstance(rows[0].get(key), int | float)
        table.add_column(header, justify="right" if numeric else "left")
    if bar:
        table.add_column("", no_wrap=True)
    for r in rows:
        cells = ["" if r.get(k) is None else str(r.get(k)) for k, _ in columns]
        if bar:
            cells.append(progress_bar(float(r.get(bar) or 0)))
        table.add_row(*cells)
    console().print(table)


def progress_bar(pct: float, width: int = 10) -> str:
    filled = round(max(0.0, min(100.0, pct)) / 100 * width)
    return "█" * filled + "░" * (width - filled)


# -- load report ------------------------------------------------------------------------------
def print_load_report(report: Any, verbose: bool = True) -> None:
    """The load report, on stderr: counts, then every inheritance, repair and warning."""
    err = console(stderr=True)
    verb = {"loaded": "Loaded", "unchanged": "Unchanged", "dry-run": "Dry run (nothing written)",
            "replaced": "Replaced"}.get(report.outcome, report.outcome)
    err.print(f"{verb}: {report.year} from {report.source} ({report.input_format})",
              markup=False, style="bold")
    if report.outcome == "unchanged":
        err.print(f"  {report.year} is already loaded with the same content; nothing changed.",
                  markup=False)
    err.print(f"  goals {report.goals}, tasks {report.tasks}, leaders {report.leaders}, "
              f"units {report.units}, inherited cells {report.inherited}, "
              f"repairs {sum(r.kind == 'repaired' for r in report.repairs)}, "
              f"warnings {sum(r.kind == 'warning' for r in report.repairs)}", markup=False)
    extra = getattr(report, "changes", None)
    if extra:
        for line in extra:
            err.print(f"  {line}", markup=False)
    if not verbose:
        return
    titles = {"inherited": "Inherited from the cell above (merged or blank cells)",
              "repaired": "Repaired", "cleaned": "Cleaned names", "note": "Notes",
              "warning": "Warnings"}
    for kind, heading in titles.items():
        items = [r for r in report.repairs if r.kind == kind]
        if not items:
            continue
        err.print(f"{heading}:", markup=False, style="bold yellow" if kind == "warning" else "bold")
        for r in items:
            ref = f"{r.ref}: " if r.ref else ""
            err.print(f"  {ref}{r.message}", markup=False)
