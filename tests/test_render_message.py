"""``render.message`` writes plain text itself where rich would print it unchanged, and hands
everything else to rich: both give the same stderr."""

from __future__ import annotations

import io
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taskduty import render


def through_rich(text: str, style: str | None = None) -> str:
    """What the stderr console (render.console) prints for ``text``."""
    out = io.StringIO()
    real = sys.stderr
    sys.stderr = out
    try:
        render.console(stderr=True).print(text, style=style, markup=False, highlight=False)
    finally:
        sys.stderr = real
    return out.getvalue()


def through_message(text: str, capsys: pytest.CaptureFixture[str],
                    style: str | None = None) -> str:
    capsys.readouterr()
    render.message(text, style)
    return capsys.readouterr().err


TEXTS = [
    "Withdrew batch 168: 1 update", "已撤回批次 168：1 条填报",
    "2018 1.1：推进中（in_progress） 50%",
    "Reopened 1.1: it was done (已完成) and is now 滞后", "  leading and trailing  ", "",
    "x" * 500, "中文" * 300, "[bold]not markup[/bold]", "a\nb\n", "é e\u0301 😀 ①", "50% ~ 100%",
    "Note: dated today (2026-12-02), outside the 2018 table's year; give --date 2018-12-31",
]


@pytest.mark.parametrize("text", TEXTS)
def test_plain_messages_print_as_rich_does(text: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert render.plain_message(text)
    assert through_message(text, capsys) == through_rich(text) == text + "\n"


@pytest.mark.parametrize("text", ["an :warning: emoji code", "a\ttab", "a\rb", "bell\x07",
                                  "zero\u200bwidth", "a:b:c"])
def test_other_messages_go_to_rich(text: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert not render.plain_message(text)
    assert through_message(text, capsys) == through_rich(text)


def test_a_styled_message_goes_to_rich() -> None:
    assert not render.plain_message("done", "green")
    assert render.plain_message("done")


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_any_text_prints_as_rich_does(text: str) -> None:
    if render.plain_message(text):
        assert through_rich(text) == text + "\n"


def test_quiet_silences_both(capsys: pytest.CaptureFixture[str]) -> None:
    render.settings.quiet = True
    try:
        render.message("plain")
        render.message("styled", "red")
    finally:
        render.settings.quiet = False
    assert capsys.readouterr().err == ""
