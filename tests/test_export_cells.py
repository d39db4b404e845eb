"""The export's text measures, sped up, give what they gave: a text's display width over
every code point, its wrapped lines (remembered or not) and names broken into lines."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taskduty import excel
from taskduty.excel import name_text, text_width, wrapped_lines


def old_width(text: str) -> int:
    """text_width as it was: one match per wide character."""
    return len(text) + len(excel._WIDE.findall(text))


def old_lines(text: str, width: float) -> int:
    usable = max(1.0, width)
    return sum(max(1, math.ceil(old_width(part) / usable)) for part in text.split("\n"))


def test_every_code_point_has_its_width() -> None:
    points = "".join(chr(p) for p in range(0x110000) if not 0xD800 <= p <= 0xDFFF)
    assert all(text_width(c) == old_width(c) for c in points)
    assert text_width(points) == old_width(points)


TEXTS = st.text(st.sampled_from("ab 1%\n、，。（）推进中发改局住房公积金ｱ①😀\u3000\u2014ᄀ"),
                max_size=60) | st.text(max_size=30)
WIDTHS = st.sampled_from([0.5, 1, 6, 9, 11, 14, 16, 21.5, 30, 44, 96]) | st.floats(0, 200)


@settings(max_examples=400, deadline=None)
@given(TEXTS, WIDTHS)
def test_widths_and_lines_as_before(text: str, width: float) -> None:
    assert text_width(text) == old_width(text)
    assert wrapped_lines(text, width) == old_lines(text, width)
    assert wrapped_lines(text, width) == old_lines(text, width)  # remembered


def test_lines_forgotten_past_the_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(excel, "MEMO", 3)
    texts = [f"第{i}项任务的工作标准，写得很长很长很长" for i in range(10)]
    for _ in range(2):
        assert [wrapped_lines(t, 9) for t in texts] == [old_lines(t, 9) for t in texts]
    assert len(excel._LINES) <= 3


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["陆秋明", "徐治国", "是峰", "住房公积金管理中心", "发改局", "a",
                                 "-交通局"]), max_size=6),
       st.sampled_from([9, 13, 14, 17, 21, 30]))
def test_names_broken_as_before(names: list[str], width: float) -> None:
    broken = excel._break_names(names, width)
    assert name_text(names, width) == broken
    assert name_text(tuple(names), width) == broken  # remembered
