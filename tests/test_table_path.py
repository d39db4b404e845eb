"""The task table's own path (issue 19): ``tasks`` as a table reads only the columns the table
shows (render.table_tasks) and writes byte for byte what the listing of every field
(queries.list_tasks + render.tasks_result) wrote, for every width, language, filter and
screen, on a table with names (inherited and not), units, cooperating units, deadlines,
long texts, ASCII and CJK, empty cells, progress and warning lights."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

import pytest

from taskduty import queries, render

pytestmark = pytest.mark.sqlite_only  # the layout does not depend on the backend

HEADER = ["序号", "目标名称", "工作标准", "分管领导", "牵头单位", "配合单位", "完成时限"]
LONG = ("推进城乡供水一体化改造工程，完成主管网（DN800）敷设12.5公里、"
        "新建加压泵站3座，年度投资完成率达到100%；" * 4)
ROWS = [
    (1, "提升重大项目建设", "改造焦溪高标准农田256家，按序时进度推进。", "叶春", "发改局", "", ""),
    (1, "提升重大项目建设", LONG, "叶春、徐志、陆秋明", "戚墅堰园区文体广旅局、横山桥住建局",
     "南夏墅水利局、财政局", "2025年6月底前"),
    (1, "提升重大项目建设", "Build a 20 km pipeline (phase II) "
     "supercalifragilisticexpialidocious-network-upgrade and 污水 plants.", "", "", "", ""),
    (2, "营商环境A-Very-Long-Goal-Name-Without-Spaces-And-中文混排的目标名称",
     "推行一网通办，压缩审批时限。（每季度）", "张小虎", "行政审批局", "", "每季度"),
    (2, "营商环境A-Very-Long-Goal-Name-Without-Spaces-And-中文混排的目标名称",
     "「全年」完成，逐月推进。", "", "", "经信局", "2025年3月、6月、9月、12月"),
    (3, "ＡＢＣ全角目标", "全角ＡＳＣＩＩ：１２３４５６，空格　和 tab\t之后。", "王五", "监管办",
     "", "2025年12月底"),
    (4, "表情😀目标", "👨‍👩‍👧 家庭 emoji and ❤️ 心。", "王五", "监管办", "", ""),
]


def load_table(run: Any, folder: Path) -> None:
    """ROWS as the 2025 table, with a task done, one in progress and one behind."""
    path = folder / "plan.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(ROWS)
    result = run("load", str(path), "--year", "2025", "--quiet")
    assert result.exit_code == 0, result.output
    for args in (("1.1", "--status", "done", "--date", "2025-03-01"),
                 ("1.2", "--status", "in_progress", "--progress", "40", "--date", "2025-02-01"),
                 ("2.1", "--status", "behind", "--note", "滞后\t原因", "--date", "2025-05-01")):
        result = run("update", *args)
        assert result.exit_code == 0, result.output


@pytest.fixture
def table_db(from_template: Any) -> Any:
    """The CLI runner over :func:`load_table`'s database (loaded once, copied per test)."""
    return from_template(load_table)


def old_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """``tasks`` as a table the way it was: every field of every task."""
    monkeypatch.setattr(render, "table_tasks", queries.list_tasks)
    monkeypatch.setattr(render, "task_table_result", render.tasks_result)


CASES = [("tasks", "--year", "2025"), ("tasks", "--leader", "叶春"),
         ("tasks", "--status", "done"), ("tasks", "--unit", "监管办"),
         ("tasks", "--goal", "9", "--search", "nothing"),  # an unknown goal: the same error
         ("tasks", "--search", "没有这样的任务"),  # no task
         ("tasks", "--as-of", "2025-12-31"), ("tasks", "--as-of", "2025-01-15"),
         ("tasks", "--warning", "red,yellow,blue", "--as-of", "2025-12-31")]


@pytest.mark.parametrize("width", [20, 40, 60, 80, 100, 120, 200])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_table_path_writes_what_the_full_listing_wrote(
        table_db: Any, monkeypatch: pytest.MonkeyPatch, width: int, lang: str) -> None:
    env = {"COLUMNS": str(width), "TASKDUTY_LANG": lang}
    new = [table_db(*args, env=env) for args in CASES]
    old_path(monkeypatch)
    for args, fast in zip(CASES, new, strict=True):
        slow = table_db(*args, env=env)
        assert (fast.exit_code, fast.stdout, fast.stderr) == (
            slow.exit_code, slow.stdout, slow.stderr), args
    if width >= 100:  # the table holds the tasks (a narrow one only rich's squeezed columns)
        assert "叶春" in new[0].stdout and "2025" in new[0].stdout


@pytest.mark.parametrize("lines", [8, 12, 30])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_screenful_is_the_same(table_db: Any, monkeypatch: pytest.MonkeyPatch,
                                 lines: int, lang: str) -> None:
    monkeypatch.setattr(render, "interactive", lambda: True)
    env = {"COLUMNS": "60", "LINES": str(lines), "TASKDUTY_LANG": lang}
    cases = [("tasks",), ("tasks", "--all"), ("--all", "tasks", "--leader", "王五")]
    new = [table_db(*args, env=env) for args in cases]
    old_path(monkeypatch)
    for args, fast in zip(cases, new, strict=True):
        slow = table_db(*args, env=env)
        assert (fast.exit_code, fast.stdout, fast.stderr) == (
            slow.exit_code, slow.stdout, slow.stderr), args


def test_the_seed_table_is_the_same(seeded: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    seeded("update", "1.2", "--status", "in_progress", "--progress", "40", "--date",
           "2018-03-01")
    cases = [("tasks",), ("tasks", "--leader", "陆秋明"), ("tasks", "--overdue",
                                                        "--as-of", "2018-12-31")]
    # each listing at every width, in one language or the other by turns
    runs = [(args, {"COLUMNS": c, "TASKDUTY_LANG": lang})
            for i, args in enumerate(cases) for w, c in enumerate(("50", "120", "160"))
            for k, lang in enumerate(("zh", "en")) if (i + w + k) % 2 == 0]
    new = [seeded(*args, env=env) for args, env in runs]
    old_path(monkeypatch)
    old = [seeded(*args, env=env) for args, env in runs]
    for fast, slow in zip(new, old, strict=True):
        assert (fast.exit_code, fast.stdout, fast.stderr) == (
            slow.exit_code, slow.stdout, slow.stderr)


def test_the_table_reads_pages_of_by_ids_limit_tasks(table_db: Any,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The table path reads its tasks in pages of BY_IDS_LIMIT (not ID_CHUNK: a filter's IN
    list is evaluated anew by each page's statement), and several pages of either size give
    the same bytes as the listing of every field."""
    pages: list[int] = []
    page = queries._RowMaker.page

    def counted(self: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        pages.append(len(rows))
        return page(self, rows)

    monkeypatch.setattr(queries._RowMaker, "page", counted)
    monkeypatch.setattr(queries, "ID_CHUNK", 2)  # links read by id two tasks at a time
    env = {"COLUMNS": "120"}
    monkeypatch.setattr(queries, "BY_IDS_LIMIT", 3)
    small = [table_db(*args, env=env) for args in CASES]
    assert pages[:3] == [3, 3, 1]  # the whole year: 7 tasks
    pages.clear()
    monkeypatch.setattr(queries, "BY_IDS_LIMIT", 10 ** 6)
    one = table_db("tasks", env=env)
    assert pages == [7]
    old_path(monkeypatch)
    for args, fast in zip(CASES, small, strict=True):
        slow = table_db(*args, env=env)
        assert (fast.exit_code, fast.stdout, fast.stderr) == (
            slow.exit_code, slow.stdout, slow.stderr), args
    assert one.stdout == small[0].stdout


# -- the head and the width made without rich are rich's ------------------------------------
HEADERS = ["任务编号", "目标名称", "工作标准", "分管领导", "牵头单位", "配合单位", "完成时限",
           "预警", "状态", "进度", "Code", "Goal", "Standard", "Leaders", "Lead units",
           "Co-units", "Deadline", "Warning", "Status", "Progress", "", "a  b", " lead",
           "trail ", "全角ＡＢＣ", "x" * 30, "混排Mixed文字 and words", "·中·", "A-B-C-D-E"]
TITLES = [None, "2025年 · 262项", "2025 · 1 task", "2018 · 114 tasks", "一" * 70,
          "a very long title that is wider than a narrow table " * 2, "  spaced  "]


def rich_head(grid: render.Grid, title: str | None, width: int) -> str:
    import io

    from rich.console import Console

    grid.out = Console(file=io.StringIO(), width=width, highlight=False)
    table = render.new_table(title)
    for c in grid.columns:
        table.add_column(c.header, width=c.width, justify=c.justify, overflow=c.overflow)
    with grid.out.capture() as captured:
        grid.out.print(table)
    return captured.get()


@pytest.mark.parametrize("seed", range(40))
def test_the_plain_head_is_rich_s(seed: int) -> None:
    import random

    rng = random.Random(seed)
    for _ in range(25):
        n = rng.randint(1, 8)
        cols = [render.GridColumn(rng.choice(HEADERS), rng.randint(2, 24),
                                  rng.choice(["left", "left", "right"])) for _ in range(n)]
        grid = render.Grid(render.PlainOut(None, 400), cols)
        title = rng.choice(TITLES)
        plain = grid.plain_head(title)
        assert plain is not None
        assert plain == rich_head(grid, title, max(grid.width, 1)), (title, cols)


def test_a_head_rich_reads_otherwise_is_left_to_rich() -> None:
    cols = [render.GridColumn("Code", 6)]
    grid = render.Grid(render.PlainOut(None, 100), cols)
    for title in ("[bold]x[/bold]", "a :smile: b", "e\u0301", "tab\there", "\U0001f600"):
        assert grid.plain_head(title) is None
    assert render.rich_text_lines("Code", 1) is None


@pytest.mark.parametrize("columns", [None, "0", "37", "120", "x", "-5"])
def test_the_plain_width_is_rich_s(monkeypatch: pytest.MonkeyPatch, columns: str | None) -> None:
    from rich.console import Console

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    monkeypatch.delenv("LINES", raising=False)
    monkeypatch.setattr(render, "interactive", lambda: False)
    plain = render.plain_console()
    assert plain is not None
    assert plain.width == Console(file=sys.stdout).width
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert render.plain_console() is None
