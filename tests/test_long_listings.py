"""Long listings in a terminal (issue 19): a table longer than the screen shows its first
rows and says how many more there are and how to get them; ``--all``, a pipe or a file get
every row; JSON and CSV are never cut. The fast table (render.Grid) writes the same text as
rich's Table did."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from helpers import by_turns
from taskduty import render

pytestmark = pytest.mark.sqlite_only  # rendering does not depend on the backend

SEED_TEXT = Path(__file__).resolve().parent.parent / "data" / "seed_2018.txt"

CODE = re.compile(r"^(\d+\.\d+)\s", re.M)


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """stdout counts as a person's terminal (the CLI runner's is a pipe)."""
    monkeypatch.setattr(render, "interactive", lambda: True)


def all_codes(run: Any, *args: str) -> list[str]:
    result = run("tasks", *args, "-f", "json")
    assert result.exit_code == 0, result.output
    return [r["code"] for r in json.loads(result.stdout)]


def test_a_long_table_on_a_terminal_shows_a_screenful_and_says_how_many_more(
        seeded: Any, terminal: None) -> None:
    everything = all_codes(seeded)
    result = seeded("tasks", env={"LINES": "30", "COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) <= 30 - 1 - 3  # room for the notes and the prompt
    shown = CODE.findall(result.stdout)
    assert 0 < len(shown) < len(everything)
    assert shown == everything[:len(shown)]  # the first rows, in order
    hidden = len(everything) - len(shown)
    assert (f"{hidden} more rows not shown: add --all to show them all, -f csv to export "
            f"them, or narrow the listing with --leader/--unit/--goal/--status") in result.stderr
    assert f"{len(everything)} tasks" in result.stderr


def test_a_taller_screen_shows_more_rows(seeded: Any, terminal: None) -> None:
    short = CODE.findall(seeded("tasks", env={"LINES": "30"}).stdout)
    tall = CODE.findall(seeded("tasks", env={"LINES": "80"}).stdout)
    assert len(short) < len(tall)


@pytest.mark.parametrize("args", [("--all", "tasks"), ("tasks", "--all")])
def test_all_shows_every_row_on_a_terminal(seeded: Any, terminal: None,
                                           args: tuple[str, ...]) -> None:
    everything = all_codes(seeded)
    result = seeded(*args, env={"LINES": "30"})
    assert result.exit_code == 0, result.output
    assert CODE.findall(result.stdout) == everything
    assert "not shown" not in result.stderr


def test_a_pipe_gets_every_row_and_no_note(seeded: Any) -> None:
    everything = all_codes(seeded)
    result = seeded("tasks", env={"LINES": "30"})
    assert CODE.findall(result.stdout) == everything
    assert "not shown" not in result.stderr
    # the same table as --all on a terminal
    render_all = seeded("--all", "tasks", env={"LINES": "30"})
    assert render_all.stdout == result.stdout


def test_a_listing_that_fits_is_not_cut(seeded: Any, terminal: None) -> None:
    result = seeded("tasks", "--goal", "1", env={"LINES": "200"})
    assert CODE.findall(result.stdout) == all_codes(seeded, "--goal", "1")
    assert "not shown" not in result.stderr


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "tsv"])
def test_data_formats_are_never_cut(seeded: Any, terminal: None, fmt: str) -> None:
    result = seeded("tasks", "-f", fmt, env={"LINES": "20"})
    assert result.exit_code == 0, result.output
    body = [line for line in result.stdout.splitlines() if line.strip()]
    count = {"json": None, "jsonl": len(body), "csv": len(body) - 1, "tsv": len(body) - 1}[fmt]
    if fmt == "json":
        count = len(json.loads(result.stdout))
    assert count == 114
    assert "not shown" not in result.stderr


def test_every_listing_is_cut_the_same_way(seeded: Any, terminal: None) -> None:
    """Not only the task table: any listing through render.write (here the lead units)."""
    full = seeded("units", "-f", "json")
    units = json.loads(full.stdout)
    result = seeded("units", env={"LINES": "20"})
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) <= 20 - 3
    match = re.search(r"(\d+) more rows not shown: add --all to show them all or -f csv to "
                      r"export them", result.stderr)
    assert match, result.stderr
    shown = [u["name"] for u in units if u["name"] in result.stdout]
    assert int(match.group(1)) == len(units) - len(shown)
    assert len(seeded("--all", "units", env={"LINES": "20"}).stdout.splitlines()) > 20


def test_the_note_in_chinese(seeded: Any, terminal: None) -> None:
    everything = all_codes(seeded)
    result = seeded("tasks", env={"LINES": "30", "TASKDUTY_LANG": "zh"})
    hidden = len(everything) - len(CODE.findall(result.stdout))
    assert (f"还有 {hidden} 项未显示：加 --all 显示全部，或 -f csv 导出，或用 "
            f"--leader/--unit/--goal/--status 筛选") in result.stderr
    units = seeded("units", env={"LINES": "20", "TASKDUTY_LANG": "zh"})
    assert re.search(r"还有 \d+ 项未显示：加 --all 显示全部，或 -f csv 导出", units.stderr)


# -- the fast table writes what rich's Table wrote ------------------------------------------
def rich_tasks_table(tasks: list[Any], title: str | None = None,
                     budget: int | None = None) -> int:
    """The task table as it was rendered before render.Grid: one rich Table."""
    from rich.text import Text

    out = render.console()
    show_progress = any(t.progress is not None or t.status == "done" for t in tasks)
    cols = render.task_columns(tasks, out.width, show_progress)
    table = render.new_table(title)
    for col in cols:
        table.add_column(col.header, width=col.width, overflow="fold",
                         justify="right" if col.key == "progress" else "left")
    previous_goal = None
    for t in tasks:
        first = t.goal_no != previous_goal
        if first and previous_goal is not None:
            table.add_section()
        previous_goal = t.goal_no
        values = render.task_cells(t, first)
        cells: list[Any] = []
        for col in cols:
            if col.key == "status":
                cells.append(Text(values["status"], style=render.STATUS_STYLES.get(t.status, "")))
            elif col.key == "warning":
                cells.append(Text(values["warning"],
                                  style=render.WARNING_STYLES.get(t.warning, "")))
            elif col.key in render.NAME_COLUMNS:
                cells.append(Text("\n".join(render.fill(values[col.key], col.width))))
            else:
                cells.append(Text("\n".join(render.wrap_cells(values[col.key], col.width))))
        table.add_row(*cells)
    out.print(table)
    return len(tasks)


def rich_rows(rows: list[dict[str, Any]], columns: Any, title: str | None = None,
              bar: str | None = None, total: dict[str, Any] | None = None,
              budget: int | None = None) -> int:
    """A listing of rows as it was rendered before render.Grid: one rich Table."""
    from rich.cells import cell_len
    from rich.text import Text

    columns = [c if isinstance(c, render.Column) else render.Column(*c) for c in columns]
    out = render.console()
    numeric = {c.key for c in columns
               if rows and all(isinstance(c.cell(r), int | float) or c.cell(r) is None
                               for r in rows)}
    table = render.new_table(title)
    for c in columns:
        if c.key in numeric:
            table.add_column(render._(c.header), justify="right", no_wrap=True)
        elif total is not None and c.key == columns[0].key and out.width >= 100:
            table.add_column(render._(c.header), overflow="fold",
                             min_width=cell_len(render._plain(total.get(c.key))))
        else:
            table.add_column(render._(c.header), overflow="fold")
    if bar and out.width >= 100:
        table.add_column("", no_wrap=True)
    else:
        bar = None
    for i, r in enumerate([*rows, *([total] if total else [])]):
        cells = [Text(render._plain(c.cell(r))) for c in columns]
        if bar:
            cells.append(Text(render.progress_bar(float(r.get(bar) or 0))))
        last = total is not None and i == len(rows)
        table.add_row(*cells, end_section=i == len(rows) - 1 and total is not None,
                      style="bold" if last else None)
    out.print(table)
    return len(rows)


LISTINGS = [("tasks",), ("tasks", "--leader", "陆秋明"), ("tasks", "--fields",
                                                           "code,goal,leaders,standard,status"),
            ("summary",), ("summary", "--by", "leader"), ("units",), ("leaders",), ("goals",)]


def load_seed_noted(run: Any, folder: Path) -> None:
    """The 2018 seed with two updates whose notes hold a tab, brackets and a long word."""
    assert run("load", str(SEED_TEXT), "--year", "2018", "--quiet").exit_code == 0
    for args in (("1.1", "--status", "done", "--note", "已完成\t全部（验收）"),
                 ("1.2", "--status", "in_progress", "--progress", "40", "--note",
                  "推进中：AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")):
        result = run("update", *args, "--date", "2018-03-01")
        assert result.exit_code == 0, result.output


WIDTHS = [30, 50, 80, 120, 200]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_fast_table_is_rich_s_table(from_template: Any, monkeypatch: pytest.MonkeyPatch,
                                        width: int, lang: str) -> None:
    """Every listing at every width in Chinese; in English (only the headings differ) half
    of them at each width, another half at the next."""
    seeded = from_template(load_seed_noted)  # loaded and updated once, copied per test
    env = {"COLUMNS": str(width), "TASKDUTY_LANG": lang}
    listings = LISTINGS if lang == "zh" else by_turns(LISTINGS, WIDTHS.index(width), 2)
    fast = {args: seeded(*args, env=env) for args in listings}
    monkeypatch.setattr(render, "print_tasks_table", rich_tasks_table)
    monkeypatch.setattr(render, "print_rows", rich_rows)
    for args in listings:
        slow = seeded(*args, env=env)
        assert slow.exit_code == 0 and fast[args].exit_code == 0, slow.output
        assert fast[args].stdout == slow.stdout, args
