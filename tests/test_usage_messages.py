"""Typer's usage errors speak the interface language: Chinese by default, click's own English
wording with TASKDUTY_LANG=en (cli/usage.py)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from taskduty.cli import app

CASES = [
    # (arguments, Chinese error line, English error line, the help the hint names)
    (["tasks", "--bogus"], "错误：没有这个选项：--bogus", "Error: No such option: --bogus",
     "taskduty tasks -h"),
    (["tasks", "--leaderx", "1"], "错误：没有这个选项：--leaderx （可能是：--leader, --year）",
     "Error: No such option: --leaderx (Possible options: --leader, --year)",
     "taskduty tasks -h"),
    (["load"], "错误：缺少参数 'FILE'。", "Error: Missing argument 'FILE'.", "taskduty load -h"),
    (["nosuchcommand"], "错误：没有这个命令：'nosuchcommand'。",
     "Error: No such command 'nosuchcommand'.", "taskduty -h"),
    (["summary", "--by"], "错误：选项 '--by' 需要一个值。",
     "Error: Option '--by' requires an argument.", "taskduty summary -h"),
    (["tasks", "--overdue=3"], "错误：选项 '--overdue' 不带值。",
     "Error: Option '--overdue' does not take a value.", "taskduty tasks -h"),
    (["load", "--year"], "错误：选项 '--year' 需要一个值。",
     "Error: Option '--year' requires an argument.", "taskduty load -h"),
    (["tasks", "extra"], "错误：多余的参数（extra）",
     "Error: Got unexpected extra argument(s) (extra)", "taskduty tasks -h"),
    (["tasks", "--year", "abc"], "错误：'--year' / '-y' 的值无效：应为整数",
     "Error: Invalid value for '--year' / '-y': Input should be a valid integer, unable to "
     "parse string as an integer", "taskduty tasks -h"),
    (["tasks", "--stale", "-3"], "错误：'--stale' 的值无效：不能小于 0",
     "Error: Invalid value for '--stale': Input should be greater than or equal to 0",
     "taskduty tasks -h"),
]


@pytest.mark.parametrize(("args", "zh", "en", "help_of"), CASES,
                         ids=[" ".join(c[0]) for c in CASES])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_usage_error_in_the_interface_language(tmp_path, args, zh, en, help_of, lang):
    from taskduty.i18n import use

    use(lang)  # as a process started with TASKDUTY_LANG does (an unknown command fails first)
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "t.db"), *args],
                                env={"TASKDUTY_LANG": lang})
    assert result.exit_code == 2, result.output
    hint = (f"提示：选项说明和示例见：{help_of}" if lang == "zh"
            else f"Hint: see the options and an example with: {help_of}")
    assert result.stderr.splitlines() == [zh if lang == "zh" else en, hint]
    assert not (tmp_path / "t.db").exists()


def test_an_unknown_shape_is_left_as_click_wrote_it():
    from taskduty.cli import usage
    from taskduty.i18n import use

    use("zh")
    try:
        assert usage.localise("Something click says (x)") == "Something click says (x)"
        assert usage.localise("Invalid value for '-n': a reason of its own") == \
            "'-n' 的值无效：a reason of its own"
    finally:
        use("en")
