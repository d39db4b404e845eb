"""The table's text measuring and wrapping shortcuts (render.cell_width, render.wrap_padded)
give what rich and the general path give, on the texts a task table holds and on odd ones."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from rich.cells import cell_len
from rich.console import Console

from taskduty import render

pytestmark = pytest.mark.sqlite_only

TEXTS = ["", " ", "  a  ", "abc def", "1.1", "地区生产总值增长8%。", "一般公共预算收入增长9%左右。",
         "ＡＢＣ　全角　空格", "（开头）结尾。", "“引号”和…省略", "A" * 40, "a\tb", "x\ny",
         "中\u2028文", "e\u0301e\u0301", "👍🏽ok", "👨\u200d👩", "❤\ufe0f", "\x07铃", "100%。；：",
         "《书名》（括号）【方】", "中 文 空 格", "¥100，€200", "Ω≈ç√∫", "한국어 텍스트", "ｶﾀｶﾅ",
         "改造新北中小学校舍121家，建立长效管理机制。", "\u3000缩进", "（沿用）", "2018年12月底前",
         "提升前黄社区卫生服务中心201条，年度投资完成率达到100%。", "推进中：" + "A" * 70,
         "\x85下一行", "零宽\u200b空格"]


@pytest.mark.parametrize("text", TEXTS)
def test_cell_width_is_rich_s(text: str) -> None:
    assert render.cell_width(text) == cell_len(text)
    assert render.cell_width(text * 3) == cell_len(text * 3)


def test_cell_width_of_every_character_is_rich_s() -> None:
    wrong = [hex(o) for o in range(0x20, 0x30000) if not 0xD800 <= o < 0xE000
             and render.cell_width(chr(o) + "中a") != cell_len(chr(o) + "中a")]
    assert wrong == []


@pytest.mark.parametrize("width", [1, 2, 3, 5, 8, 13, 24, 60])
def test_wrap_padded_is_the_grid_s_cell(width: int) -> None:
    grid = render.Grid(Console(width=200), [render.GridColumn("h", width)])
    taken = 0
    for text in TEXTS + [a + b for a in TEXTS[:12] for b in TEXTS[5:20]]:
        padded = render.wrap_padded(text, width)
        if padded is None:  # the general path
            continue
        taken += 1
        assert padded == grid.block(render.wrap_cells(text, width), grid.columns[0]), text
    assert taken > 100 or width < 2


def test_a_token_s_cached_width_is_its_width() -> None:
    """fill measures tokens through render._TOKEN_CELLS: each is the token's cell_width."""
    tokens = {tok for text in TEXTS for tok in render._TOKEN.findall(text)}
    tokens |= {"罗溪园区生态环境局、", " (沿用)", " (inherited)", "A" * 17, "中" * 20}
    assert {t: render._TOKEN_CELLS[t] for t in tokens} == {t: cell_len(t) for t in tokens}
    assert {t: render._TOKEN_CELLS[t] for t in tokens} == {t: cell_len(t) for t in tokens}


def old_task_cells(task: Any, first_in_goal: bool) -> dict[str, Any]:
    """render.task_cells as it was written before its labels were looked up once."""
    marker = " " + render._("(inherited)")
    return {
        "code": task.code,
        "goal": f"{task.goal_no}.{task.goal}" if first_in_goal else "",
        "standard": task.standard,
        "leaders": render.name_tokens(task.leaders, marker if task.leaders_inherited else ""),
        "units": render.name_tokens(task.units, marker if task.units_inherited else ""),
        "co_units": render.name_tokens(task.co_units, ""),
        "deadline": task.deadline or "",
        "status": render.status_label(task.status),
        "warning": render.warning_label(getattr(task, "warning", None)),
        "progress": "" if task.progress is None and task.status != "done"
        else f"{100 if task.status == 'done' else task.progress}%",
    }


def table_tasks() -> list[Any]:
    """TableTasks of every status, progress and light, with and without names."""
    tasks = []
    for i, (status, progress, warning) in enumerate(itertools.product(
            [None, "not_started", "in_progress", "behind", "done"], [None, 0, 40, 100],
            [None, "red", "yellow", "blue"])):
        names = [[], ["叶春"], ["叶春", "徐志", "陆秋明"]][i % 3]
        tasks.append(render.TableTask(
            code=f"{i}.1", goal_no=i, goal="目标" * (i % 4), standard="标准" * i,
            leaders=names, units=names[::-1], co_units=names[1:],
            deadline=[None, "", "6月底"][i % 3],
            leaders_inherited=bool(i % 2), units_inherited=bool(i % 5 == 0), status=status,
            progress=progress, warning=warning))
    return tasks


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_task_cells_are_what_they_were(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TASKDUTY_LANG", lang)
    tasks = table_tasks()
    cells = render._cells_of()
    for first in (True, False):
        assert [cells(t, first) for t in tasks] == [old_task_cells(t, first) for t in tasks]
        assert [render.task_cells(t, first) for t in tasks] == [old_task_cells(t, first)
                                                               for t in tasks]
    marker = " " + render._("(inherited)")
    assert any(c["leaders"][-1:] == [marker] for c in map(cells, tasks, [True] * len(tasks)))


PIECES = ["中", "文", "，", "。", "（", "）", "ab", "100%", "Ｘ", "👍", "e\u0301", " ", "、", "《",
          "》", "DN800"]


@pytest.mark.parametrize("width", [2, 3, 4, 7, 12, 24])
def test_wrap_padded_at_exact_widths(width: int) -> None:
    """Texts as wide as the column, a cell narrower and a cell wider, of mixed pieces (wide,
    ASCII words, 禁则 punctuation, emoji, combining marks, spaces): wrap_padded (when it
    takes them) pads and wraps them as the general path does."""
    grid = render.Grid(Console(width=200), [render.GridColumn("h", width)])
    taken = 0
    for i, a in enumerate(PIECES):
        for b in PIECES[i % 5:] + PIECES[:i % 5]:
            text = ""
            while cell_len(text) < width - 1:
                text += a if len(text) % 2 else b
            for candidate in (text, text + "中", text + "a", text[:-1]):
                padded = render.wrap_padded(candidate, width)
                if padded is None:
                    continue
                taken += 1
                assert padded == grid.block(render.wrap_cells(candidate, width),
                                            grid.columns[0]), (candidate, width)
                assert {cell_len(line) for line in padded} == {width}
    assert taken > 300


@pytest.mark.parametrize("width", [40, 80, 120, 200])
def test_natural_widths_are_the_widest_values(width: int) -> None:
    """task_columns measures each column's distinct values once: its natural width is still
    the widest value (names joined), at least half the header and 1."""
    tasks = table_tasks()
    every = [old_task_cells(t, True) for t in tasks]
    for col in render.task_columns(tasks, width, True, every):
        values = ["".join(c[col.key]) if isinstance(c[col.key], list) else c[col.key]
                  for c in every]
        if col.key in ("goal", "standard", "leaders", "units", "co_units", "deadline"):
            assert col.natural == max([cell_len(render.label(col.key)) // 2,
                                       *map(cell_len, values), 1]), col.key
    assert [(c.key, c.width) for c in render.task_columns(tasks, width, True, every)] == [
        (c.key, c.width) for c in render.task_columns(tasks, width, True)]
