"""Deadlines, 序时进度 and warning lights as pure functions (taskduty.schedule)."""

from __future__ import annotations

from datetime import date

import pytest

from helpers import by_turns
from taskduty.schedule import (
    Thresholds,
    assess,
    expected_progress,
    infer_deadline,
    most_severe,
    parse_deadline,
    read_deadline,
    tally,
    warning_light,
    year_share,
)

D = date


def dates(text: str, year: int = 2018) -> list[str]:
    return [m.date.isoformat() for m in parse_deadline(text, year).milestones]


@pytest.mark.parametrize(("text", "due"), [
    ("2019年6月底", "2019-06-30"),
    ("6月底前", "2018-06-30"),
    ("6月15日前", "2018-06-15"),
    ("2018年12月31日", "2018-12-31"),
    ("2018.9.30", "2018-09-30"),
    ("9月中旬", "2018-09-20"),
    ("十一月底", "2018-11-30"),
    ("3月份", "2018-03-31"),
    ("年底前", "2018-12-31"),
    ("年内", "2018-12-31"),
    ("2018年底前完成", "2018-12-31"),
    ("上半年", "2018-06-30"),
    ("三季度末", "2018-09-30"),
    ("第一季度", "2018-03-31"),
    ("前三季度", "2018-09-30"),
    ("下半年", "2018-12-31"),
    ("3月至6月", "2018-06-30"),
    ("2016—2018年", "2018-12-31"),
    ("次年3月底前", "2019-03-31"),
])
def test_single_dates(text: str, due: str) -> None:
    d = parse_deadline(text, 2018)
    assert d.kind == "date"
    assert d.due == date.fromisoformat(due)
    assert len(d.milestones) == 1
    assert not d.inferred


def test_several_milestones_in_one_cell_name_their_steps() -> None:
    d = parse_deadline("6月底前开工，10月底前建成", 2018)
    assert [(m.date, m.step) for m in d.milestones] == [(D(2018, 6, 30), "开工"),
                                                      (D(2018, 10, 31), "建成")]
    assert d.due == D(2018, 10, 31)
    assert d.milestone_dicts()[0] == {"date": "2018-06-30", "step": "开工"}


def test_a_year_carries_to_the_next_milestone() -> None:
    d = parse_deadline("2019年3月底前完成招标；6月底前开工", 2018)
    assert d.dates == (D(2019, 3, 31), D(2019, 6, 30))


def test_of_several_years_the_last_wins() -> None:
    d = parse_deadline("2015年取得进展，2016年基本完成", 2015)
    assert d.due == D(2016, 12, 31)
    assert [m.step for m in d.milestones] == ["取得进展", "基本完成"]
    # written out of order: still due at the latest date
    assert parse_deadline("2019年全面建成（2018年底前完成一期）", 2018).due == D(2019, 12, 31)


@pytest.mark.parametrize("text", ["持续推进", "长期坚持", "全年持续", "全年持续推进", "常态化开展"])
def test_ongoing(text: str) -> None:
    d = parse_deadline(text, 2018)
    assert d.kind == "ongoing"
    assert d.due is None


@pytest.mark.parametrize("text", ["每季度", "每月25日前", "按季度报送", "每季度末报送进展",
                                  "每年6月底前报送"])
def test_cadence_is_a_rhythm_not_a_deadline(text: str) -> None:
    d = parse_deadline(text, 2018)
    assert d.kind == "cadence"
    assert d.due is None


@pytest.mark.parametrize("text", ["15日内", "30个工作日内", "接到交办后3个月内", "限期整改"])
def test_relative(text: str) -> None:
    d = parse_deadline(text, 2018)
    assert d.kind == "relative"
    assert d.due is None


def test_a_date_beats_a_rhythm_and_ongoing_words() -> None:
    assert dates("每季度报送进展，年底前完成") == ["2018-12-31"]
    assert dates("6月底前开工，持续推进") == ["2018-06-30"]


@pytest.mark.parametrize("text", [None, "", "  ", "按要求", "——"])
def test_no_deadline(text: str | None) -> None:
    assert parse_deadline(text, 2018).kind is None


def test_inferred_from_the_task_text() -> None:
    d = infer_deadline("6月底前开工建设，年底前主体完工", 2018)
    assert d.kind == "date" and d.inferred
    assert [(m.date, m.step) for m in d.milestones] == [(D(2018, 6, 30), "开工建设"),
                                                      (D(2018, 12, 31), "主体完工")]
    assert infer_deadline("年内完成50户改造", 2018).due == D(2018, 12, 31)


@pytest.mark.parametrize("text", ["较2017年增长8%", "全年实现地区生产总值增长8%",
                                  "持续推进大气污染防治", "到2020年实现全覆盖", ""])
def test_nothing_inferred_from_text_that_names_no_deadline(text: str) -> None:
    assert infer_deadline(text, 2018).kind is None


def test_read_deadline_prefers_the_column() -> None:
    d = read_deadline("9月底前", "年底前完成改造", 2018)
    assert d.due == D(2018, 9, 30) and not d.inferred
    d = read_deadline(None, "年底前完成改造", 2018)
    assert d.due == D(2018, 12, 31) and d.inferred
    assert read_deadline("持续推进", "年底前完成改造", 2018).kind == "ongoing"


# -- 序时进度 --------------------------------------------------------------------------------
@pytest.mark.parametrize(("day", "share"), [
    (D(2018, 3, 31), 25.0), (D(2018, 6, 30), 50.0), (D(2018, 11, 30), 91.7),
    (D(2018, 12, 31), 100.0), (D(2017, 12, 31), 0.0), (D(2019, 1, 5), 100.0),
])
def test_year_share_as_offices_print_it(day: date, share: float) -> None:
    assert year_share(day, 2018) == share


def test_year_share_defaults_to_its_own_year() -> None:
    assert year_share(D(2020, 6, 30)) == 50.0


def test_expected_progress_without_a_date_is_the_year_share() -> None:
    for day, share in ((D(2018, 3, 31), 25.0), (D(2018, 6, 30), 50.0),
                       (D(2018, 11, 30), 91.7)):
        assert expected_progress(day, 2018) == share


def test_expected_progress_of_a_dated_task() -> None:
    june = [D(2018, 6, 30)]
    assert expected_progress(D(2018, 3, 31), 2018, june) == 50.0
    assert expected_progress(D(2018, 6, 30), 2018, june) == 100.0
    assert expected_progress(D(2018, 11, 30), 2018, june) == 100.0


def test_expected_progress_milestone_by_milestone() -> None:
    two = [D(2018, 6, 30), D(2018, 10, 31)]
    assert expected_progress(D(2018, 3, 31), 2018, two) == 25.0  # half-way to the first
    assert expected_progress(D(2018, 6, 30), 2018, two) == 50.0  # first reached
    assert expected_progress(D(2018, 8, 31), 2018, two) == 75.0  # from the previous one
    assert expected_progress(D(2018, 11, 30), 2018, two) == 100.0


def test_expected_progress_over_several_years() -> None:
    d = parse_deadline("2015年取得进展，2016年基本完成", 2015)
    assert expected_progress(D(2015, 6, 30), 2015, d.dates) == 25.0
    assert expected_progress(D(2016, 6, 30), 2015, d.dates) == 75.0


# -- warning lights --------------------------------------------------------------------------
def light(day: date, text: str | None, status: str = "in_progress",
          progress: int | None = None, **kw: object) -> str | None:
    d = parse_deadline(text, 2018)
    return assess(day, 2018, d.dates, status=status, progress=progress, **kw).warning  # type: ignore[arg-type]


def test_red_past_its_due_date_and_not_done() -> None:
    assert light(D(2018, 7, 1), "6月底前", progress=90) == "red"
    assert light(D(2018, 6, 30), "6月底前", progress=90) == "blue"  # the due day itself
    assert light(D(2018, 7, 1), "6月底前", status="done") is None


def test_red_past_a_milestone_not_met() -> None:
    cell = "6月底前开工，10月底前建成"
    assert light(D(2018, 7, 10), cell, progress=30) == "red"  # 开工 (50%) not reached
    assert light(D(2018, 7, 10), cell, progress=60) is None


def test_yellow_status_behind_or_below_schedule() -> None:
    assert light(D(2018, 3, 31), "年底前", status="behind", progress=30) == "yellow"
    assert light(D(2018, 6, 30), "年底前", progress=39) == "yellow"  # 11 points below 50
    assert light(D(2018, 6, 30), "年底前", progress=40) is None  # exactly 10 below
    assert light(D(2018, 6, 30), "持续推进", progress=20) == "yellow"


def test_no_report_counts_as_progress_zero() -> None:
    assert light(D(2018, 3, 31), None, status="not_started") == "yellow"  # 0 against 25
    assert light(D(2018, 1, 20), None, status="not_started") is None  # 0 against 5.4


def test_blue_due_within_the_days_and_not_done() -> None:
    assert light(D(2018, 12, 16), "年底前", progress=95) == "blue"  # 15 days left
    assert light(D(2018, 12, 15), "年底前", progress=95) is None  # 16 days left
    assert light(D(2018, 12, 15), "年底前", progress=95,
                 thresholds=Thresholds(blue_days=20)) == "blue"
    assert light(D(2018, 6, 20), "6月底前开工，10月底前建成", progress=45) == "blue"


def test_the_more_severe_light_wins() -> None:
    # past due and far below schedule: red, not yellow
    assert light(D(2018, 7, 1), "6月底前", status="behind", progress=0) == "red"
    # due in a week and far behind: yellow, not blue
    assert light(D(2018, 6, 23), "6月底前", progress=10) == "yellow"
    assert most_severe(["blue", None, "yellow"]) == "yellow"
    assert most_severe([None]) is None


def test_yellow_threshold_can_be_set() -> None:
    assert light(D(2018, 6, 30), "年底前", progress=35,
                 thresholds=Thresholds(yellow_points=20)) is None
    assert warning_light(D(2018, 6, 30), status="in_progress", progress=35, year=2018,
                         thresholds=Thresholds(yellow_points=5)) == "yellow"


def test_ongoing_and_cadence_are_never_overdue() -> None:
    for cell in ("持续推进", "每季度"):
        a = assess(D(2019, 3, 1), 2018, parse_deadline(cell, 2018).dates, status="in_progress",
                   progress=100)
        assert a.warning is None and not a.overdue and a.days_left is None


def test_assessment_days_left_behind_and_overdue() -> None:
    a = assess(D(2018, 7, 3), 2018, [D(2018, 6, 30)], status="in_progress", progress=80)
    assert (a.days_left, a.overdue, a.behind, a.expected_progress) == (-3, True, True, 100.0)
    assert a.as_dict() == {"expected_progress": 100.0, "behind": True, "warning": "red",
                           "days_left": -3}


def test_an_extension_turns_a_red_task_back() -> None:
    before = assess(D(2018, 7, 3), 2018, [D(2018, 6, 30)], status="in_progress", progress=80)
    after = assess(D(2018, 7, 3), 2018, [D(2018, 6, 30)], status="in_progress", progress=80,
                   extended_to=D(2018, 9, 30))
    assert before.warning == "red"
    assert after.warning is None and not after.overdue and after.extended
    assert after.due == D(2018, 9, 30) and after.days_left == 89


def test_tally_counts_what_a_bulletin_prints() -> None:
    day = D(2018, 7, 3)
    found = [assess(day, 2018, [D(2018, 6, 30)], status="in_progress", progress=80),
             assess(day, 2018, [], status="in_progress", progress=60),
             assess(day, 2018, [], status="done", progress=100),
             assess(day, 2018, [], status="in_progress", progress=20), None]
    assert tally(found) == {"tasks": 4, "overdue": 1, "on_schedule": 2, "behind": 2,
                            "red": 1, "yellow": 1, "blue": 0}


# Each kind of date the quick "may it hold a date" check must let through (岁末 has no 年,
# 2025.6 no 年 or 月, ㋅ is 6月 only once NFKC-normalised), and segments without a date
# that still carry the next year (次年) or sit beside a dated one.
@pytest.mark.parametrize(("text", "want"), [
    ("岁末前完成验收", [(D(2025, 12, 31), "完成验收")]),
    ("2025.6前完成", [(D(2025, 6, 30), "完成")]),
    ("2025-6-30前", [(D(2025, 6, 30), "")]),
    ("三季度末前完成", [(D(2025, 9, 30), "完成")]),
    ("㋅底前建成", [(D(2025, 6, 30), "建成")]),
    ("次年6月底前竣工", [(D(2026, 6, 30), "竣工")]),
    ("年底前完成，每月报送", [(D(2025, 12, 31), "完成")]),
    ("全年持续推进", []),
    ("完成率100%", []),
])
def test_inferred_dates_pinned(text: str, want: list) -> None:
    assert [(m.date, m.step) for m in infer_deadline(text, 2025).milestones] == want


def _light_from_bounds(bounds: tuple[int, int, int], status: str, v: int) -> str | None:
    red, yellow, blue = bounds
    if status == "done":
        return None
    if v < red:
        return "red"
    if status == "behind" or v < yellow:
        return "yellow"
    return "blue" if v < blue else None


LIGHT_THRESHOLDS = [Thresholds(), Thresholds(blue_days=60, yellow_points=5),
                    Thresholds(blue_days=0, yellow_points=0),
                    Thresholds(blue_days=400, yellow_points=33.3),
                    Thresholds(blue_days=-5, yellow_points=-20), Thresholds(yellow_points=500)]


@pytest.mark.parametrize(("turn", "th"), list(enumerate(LIGHT_THRESHOLDS)),
                         ids=[f"th{i}" for i in range(len(LIGHT_THRESHOLDS))])
def test_light_bounds_give_every_light_assess_gives(turn: int, th: Thresholds) -> None:
    """The three bounds a grouped summary counts lights with say, for every progress and
    status, what :func:`assess` says, with milestones, an extension, or neither (every
    schedule with the default thresholds, half of them by turns with the others)."""
    from taskduty.schedule import light_bounds

    schedules: list[tuple[list[date], date | None]] = [
        ([], None), ([D(2018, 6, 30)], None), ([D(2018, 12, 31)], None),
        ([D(2018, 3, 31), D(2018, 6, 30), D(2018, 10, 31)], None),
        ([D(2018, 10, 31), D(2018, 3, 31)], None),  # unsorted as stored
        ([D(2018, 5, 15), D(2018, 5, 15), D(2018, 9, 1)], None),
        ([D(2018, 6, 30)], D(2018, 7, 15)), ([], D(2019, 1, 31)), ([], D(2018, 2, 1)),
        ([D(2017, 12, 31)], None), ([D(2019, 3, 31), D(2019, 6, 30)], None),
        ([D(2018, m, 28) for m in range(1, 13)], None),
    ]
    days = [D(2017, 12, 31), D(2018, 1, 1), D(2018, 3, 31), D(2018, 5, 15), D(2018, 6, 15),
            D(2018, 6, 30), D(2018, 7, 1), D(2018, 7, 15), D(2018, 9, 30), D(2018, 12, 31),
            D(2019, 2, 1)]
    statuses = ("not_started", "in_progress", "behind", "done")
    for dates_, ext in schedules if turn == 0 else by_turns(schedules, turn, 2):
        for day in days:
            bounds = light_bounds(day, 2018, dates_, extended_to=ext, thresholds=th)
            for v in range(-3, 106):
                for status in statuses:
                    want = assess(day, 2018, dates_, status=status, progress=v,
                                  extended_to=ext, thresholds=th).warning
                    assert _light_from_bounds(bounds, status, v) == want, (
                        dates_, ext, day, v, status)


def test_month_lengths_are_the_calendars() -> None:
    import calendar

    from taskduty.schedule import _last_day

    for y in (*range(1, 30), *range(1896, 2105), 2400, 9999):
        for m in range(1, 13):
            assert _last_day(y, m) == calendar.monthrange(y, m)[1], (y, m)
    with pytest.raises(ValueError):
        _last_day(2018, 13)
