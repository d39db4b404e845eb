"""Chinese numerals: one table of digits (numerals.py) that every reader uses."""

from __future__ import annotations

import ast

import pytest

from conftest import ROOT
from helpers import parsed
from taskduty.dates import text_year
from taskduty.numerals import chinese_numeral, read_chinese_number
from taskduty.schedule import cn_int

SRC = ROOT / "src" / "taskduty"


@pytest.mark.parametrize("n", [1, 2, 9, 10, 11, 19, 20, 25, 99])
def test_written_numerals_read_back(n):
    assert read_chinese_number(chinese_numeral(n)) == n
    assert cn_int(chinese_numeral(n)) == n


def test_the_small_readers_agree():
    assert chinese_numeral(3) == "三" and chinese_numeral(12) == "十二"
    assert chinese_numeral(100) == "100"
    assert [cn_int(t) for t in ("两", "十十", "一一", "0", "")] == [2, None, None, None, None]
    # a year's zero in any of the forms the table knows
    assert [text_year(t) for t in ("二〇一九年", "二○二一年", "二零二〇年", "二O二二年")] == [
        2019, 2021, 2020, 2022]


def test_only_numerals_py_holds_a_table_of_chinese_digits():
    """No other module maps the digits to their values (a regex's class of them is no
    table)."""
    holders = []
    for path in sorted(SRC.rglob("*.py")):
        rel = str(path.relative_to(SRC))
        if rel == "numerals.py":
            continue
        for node in ast.walk(parsed(path)):
            if isinstance(node, ast.Dict) and any(
                    isinstance(k, ast.Constant) and k.value in ("一", "九") for k in node.keys):
                holders.append(rel)
    assert holders == []
