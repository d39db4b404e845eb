"""The one date grammar: every spelling on every date and month option, futures refused."""

from __future__ import annotations

import json
from datetime import date

import pytest

from taskduty.dates import Month, find_month, parse_date, parse_month, read_day, read_month
from taskduty.errors import UsageError

DAYS = ["2018-03-05", "2018-3-5", "2018/3/5", "2018.3.5", "20180305", "2018年3月5日",
        "2018年03月05日", " ２０１８年３月５日 ", "2018年3月5号"]
MONTHS = ["2018-03", "2018-3", "2018/3", "201803", "2018年3月", "2018年03月份", "２０１８-３"]


@pytest.mark.parametrize("text", DAYS)
def test_every_day_spelling(text):
    assert parse_date(text) == date(2018, 3, 5)


@pytest.mark.parametrize("text", MONTHS)
def test_every_month_spelling(text):
    assert parse_month(text) == Month(2018, 3)
    assert parse_month(text).last == date(2018, 3, 31)


@pytest.mark.parametrize("text", ["2018-13-01", "2018-02-30", "2018-03", "18-3-5", "三月五日",
                                  "", "2018-3-5-1"])
def test_bad_days(text):
    assert read_day(text) is None
    with pytest.raises(UsageError, match="is not a date"):
        parse_date(text, "--date")


@pytest.mark.parametrize("text", ["2018-13", "2018-00", "18-03", "2018年13月", "March"])
def test_bad_months(text):
    assert read_month(text) is None
    with pytest.raises(UsageError, match="is not a month"):
        parse_month(text)


def test_a_day_given_for_a_month_hints_the_month():
    with pytest.raises(UsageError) as exc:
        parse_month("2018-03-31")
    assert "--month 2018-03" in (exc.value.hint or "")


def test_future_refused_unless_allowed(monkeypatch):
    monkeypatch.setattr("taskduty.dates.today", lambda: date(2018, 3, 10))
    assert parse_date("2018-03-10") == date(2018, 3, 10)
    with pytest.raises(UsageError, match="in the future"):
        parse_date("2018-03-11")
    assert parse_date("2018-04-05", "--deadline", future=True) == date(2018, 4, 5)
    assert parse_month("2018-03") == Month(2018, 3)  # begun: allowed
    with pytest.raises(UsageError, match="--month 2018-04 is in the future"):
        parse_month("2018-04")


def test_month_in_a_forms_title():
    assert find_month("2018年3月《政府工作报告》目标任务推进情况填报表") == Month(2018, 3)
    assert find_month("推进情况填报表") is None


# -- on the command line ------------------------------------------------------------------
@pytest.mark.parametrize("text", DAYS[:6])
@pytest.mark.pg_once()
def test_every_day_spelling_on_update_and_as_of(seeded, text):
    result = seeded("update", "1.1", "--status", "推进中", "--date", text)
    assert result.exit_code == 0, result.output
    history = json.loads(seeded("show", "1.1", "-f", "json").stdout)["history"]
    assert [h["date"] for h in history] == ["2018-03-05"]
    before = json.loads(seeded("show", "1.1", "--as-of", "2018/3/4", "-f", "json").stdout)
    on = json.loads(seeded("show", "1.1", "--as-of", text, "-f", "json").stdout)
    assert (before["status"], on["status"]) == ("not_started", "in_progress")


@pytest.mark.parametrize("text", MONTHS[:5])
@pytest.mark.pg_once()
def test_every_month_spelling_on_views_forms_and_remind(seeded, tmp_path, text):
    assert seeded("update", "1.1", "--status", "推进中", "--date", "2018-03-20").exit_code == 0
    tasks = json.loads(seeded("tasks", "--month", text, "-f", "json").stdout)
    assert next(t for t in tasks if t["code"] == "1.1")["status"] == "in_progress"
    out = seeded("forms", str(tmp_path / "f"), "--month", text, "--unit", "发改局")
    assert out.exit_code == 0, out.output
    assert "2018-03_发改局.xlsx" in out.stdout
    remind = json.loads(seeded("remind", "--month", text, "-f", "json").stdout)
    assert remind["month"] == "2018-03"
    export = seeded("export", str(tmp_path / "r.json"), "--month", text)
    assert export.exit_code == 0, export.output


def test_future_date_refused_on_the_command_line(seeded):
    result = seeded("update", "1.1", "--status", "推进中", "--date", "2999-01-05")
    assert result.exit_code == 2
    assert "--date 2999-01-05 is in the future" in result.stderr
    assert seeded("tasks", "--as-of", "29990105").exit_code == 2
    assert "in the future" in seeded("tasks", "--month", "2999年1月").stderr
    assert seeded("remind", "--month", "2018-03", "--deadline", "2999/1/5").exit_code == 0


def test_forms_for_a_month_before_the_tables_year_refused(seeded, tmp_path):
    result = seeded("forms", str(tmp_path / "f"), "--month", "2017-12")
    assert result.exit_code == 2
    assert "before the 2018 table's year" in result.stderr
    assert not (tmp_path / "f").exists() or not list((tmp_path / "f").iterdir())


def test_one_month_parser_for_this_month_and_months_ahead(monkeypatch):
    monkeypatch.setattr("taskduty.dates.today", lambda: date(2018, 12, 10))
    assert parse_month(None) == Month(2018, 12)
    assert parse_month("2019-01", ahead=1) == Month(2019, 1)  # next month's forms, ahead
    with pytest.raises(UsageError, match="this month is 2018-12"):
        parse_month("2019-02", ahead=1)
    assert Month(2018, 12).after(1) == Month(2019, 1)
    assert Month(2019, 1).after(-1) == Month(2018, 12)


def test_forms_may_be_written_for_next_month_not_later(seeded, tmp_path):
    from taskduty.dates import today

    now = Month.of(today())
    later = seeded("forms", str(tmp_path / "later"), "--month", str(now.after(2)))
    assert later.exit_code == 2 and "is in the future" in later.stderr
