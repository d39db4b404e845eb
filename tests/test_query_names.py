"""Name resolution for --leader/--unit: exact (spaces ignored), alias, unique prefix, unique
substring; ambiguous and unknown names are one-line errors with a hint."""

from __future__ import annotations

from typing import Any

import pytest

from helpers import codes
from taskduty.errors import NameResolutionError
from taskduty.queries import resolve_name

UNITS = ["经信局", "发改局", "财政局", "市场监管局", "监管办", "行政审批局"]


def errors(result: Any) -> list[str]:
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    return result.stderr.splitlines()


# -- the function --------------------------------------------------------------------------
@pytest.mark.parametrize(("typed", "name"), [
    ("经信局", "经信局"),          # exact
    (" 经 信\u3000局 ", "经信局"),   # exact, spaces (also full-width) ignored
    ("经信", "经信局"),            # unique prefix
    ("监管", "监管办"),            # a unique prefix wins over a substring (市场监管局)
    ("审批", "行政审批局"),        # unique substring
    ("市场 监管", "市场监管局"),    # prefix with a space typed inside
])
def test_resolve_name_without_aliases(typed, name):
    assert resolve_name(typed, UNITS, {}, "unit") == name


def test_resolve_name_alias_order():
    aliases = {"经济和信息化局": "经信局", "局": "财政局", "发改局": "监管办"}
    assert resolve_name("经济和信息化局", UNITS, aliases, "unit") == "经信局"
    assert resolve_name("经济和 信息化局", UNITS, aliases, "unit") == "经信局"
    # an alias comes before prefix and substring matching (局 alone is ambiguous) …
    assert resolve_name("局", UNITS, aliases, "unit") == "财政局"
    # … but after an exact name
    assert resolve_name("发改局", UNITS, aliases, "unit") == "发改局"


def test_resolve_name_ambiguous_and_unknown():
    with pytest.raises(NameResolutionError) as exc:
        resolve_name("管", UNITS, {}, "unit")
    assert exc.value.message == "unit '管' is ambiguous: 市场监管局、监管办"
    assert exc.value.hint == "give more of the name, e.g. --unit 市场监管局"
    with pytest.raises(NameResolutionError) as exc:
        resolve_name("经济局", UNITS, {}, "unit")
    assert exc.value.message == "unknown unit '经济局'"
    assert exc.value.hint is not None and exc.value.hint.startswith("closest known: 经信局")
    with pytest.raises(NameResolutionError) as exc:
        resolve_name("  ", UNITS, {}, "unit")
    assert exc.value.message == "empty unit name"


# -- through the command line --------------------------------------------------------------
def test_exact_name_with_spaces(plan):
    assert codes(plan, "-l", "张  强") == codes(plan, "-l", "张强")
    assert codes(plan, "-l", "张强", "-l", "张 强") == codes(plan, "-l", "张强")


def test_prefix_and_substring_on_the_command_line(plan):
    assert codes(plan, "-u", "经信") == codes(plan, "-u", "经信局") == ["1.3", "1.4", "1.8"]
    assert codes(plan, "-l", "小虎") == codes(plan, "-l", "张小虎")
    assert codes(plan, "-u", "审批") == ["11.1"]
    assert codes(plan, "-u", "监管") == codes(plan, "-u", "监管办")


def test_ambiguous_leader(plan):
    assert errors(plan("tasks", "-l", "张")) == [
        "Error: leader '张' is ambiguous: 张小虎、张强",
        "Hint: give more of the name, e.g. --leader 张小虎"]


def test_ambiguous_unit_substring(plan):
    assert errors(plan("tasks", "--unit", "管")) == [
        "Error: unit '管' is ambiguous: 市场监管局、监管办",
        "Hint: give more of the name, e.g. --unit 市场监管局"]


def test_unknown_leader_names_the_closest(plan):
    assert errors(plan("tasks", "-l", "王六")) == [
        "Error: unknown leader '王六'", "Hint: closest known: 王五"]


def test_unknown_name_with_nothing_close(plan):
    assert errors(plan("tasks", "-l", "李四")) == [
        "Error: unknown leader '李四'", "Hint: list them with: taskduty leaders"]


def test_one_bad_name_among_good_ones_fails(plan):
    assert errors(plan("tasks", "-u", "发改局", "-u", "没有局"))[0] == (
        "Error: unknown unit '没有局'")


def test_alias_rows_in_the_database(plan, db_url):
    from taskduty.db import Database
    from taskduty.models import Alias

    db = Database(db_url)
    with db.write() as session:
        session.add(Alias(kind="unit", alias="经济和信息化局", name="经信局"))
        session.add(Alias(kind="leader", alias="张", name="张强"))
    db.dispose()
    assert codes(plan, "-u", "经济和信息化局") == codes(plan, "-u", "经信局")
    # the alias 张 wins over the ambiguous prefix 张 (张强, 张小虎)
    assert codes(plan, "-l", "张") == codes(plan, "-l", "张强")
    # a leader alias is not a unit alias
    assert errors(plan("tasks", "-u", "张"))[0] == "Error: unknown unit '张'"
