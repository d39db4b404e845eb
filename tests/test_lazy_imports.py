"""What a command does not use it does not pay for at import: patterns compiled on first use
(taskduty.lazyre) behave as the compiled patterns and the modules that use them compile
nothing at import; the message catalog loaded by the first message."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys

import pytest

from taskduty.lazyre import lazy


def test_a_lazy_pattern_is_the_compiled_pattern() -> None:
    source, flags = r"(?P<y>\d{4})年(?P<m>\d{1,2})月", re.I
    compiled, pattern = re.compile(source, flags), lazy(source, flags)
    text = "2018年6月底前，2019年12月"
    assert pattern.search(text).groupdict() == compiled.search(text).groupdict()
    assert pattern.match(text, 0).span() == compiled.match(text, 0).span()
    assert pattern.fullmatch("2018年6月").group("m") == "6"
    assert [m.span() for m in pattern.finditer(text)] == [m.span()
                                                          for m in compiled.finditer(text)]
    assert pattern.findall(text) == compiled.findall(text)
    assert pattern.sub("X", text) == compiled.sub("X", text)
    assert pattern.subn("X", text, 1) == compiled.subn("X", text, 1)
    assert pattern.split(text) == compiled.split(text)
    assert (pattern.pattern, pattern.flags, pattern.groups, pattern.groupindex) == (
        compiled.pattern, compiled.flags, compiled.groups, compiled.groupindex)
    assert pattern.compiled() is pattern.compiled()
    assert "__getattr__" not in type(pattern).__dict__  # compiled: plain attribute lookups


def test_a_lazy_pattern_fails_where_re_compile_would_on_first_use() -> None:
    broken = lazy("(unclosed")
    assert repr(broken) == "lazy('(unclosed', 0)"
    assert copy.copy(broken) is not broken
    try:
        broken.search("x")
    except re.error:
        pass
    else:
        raise AssertionError("a broken pattern compiled")


PROBE = """
import json, re, sys
compiled, real = [], re.compile
def compile(pattern, flags=0):
    compiled.append(sys._getframe(1).f_code.co_filename.replace("\\\\", "/"))
    return real(pattern, flags)
re.compile = compile
import taskduty.schedule, taskduty.targets, taskduty.clauses, taskduty.dates
print(json.dumps([f for f in compiled if f.endswith(
    ("/schedule.py", "/targets.py", "/clauses.py", "/dates.py"))]))
"""


def test_importing_the_grammars_compiles_no_pattern() -> None:
    """schedule, targets, clauses and dates compile their patterns on first use."""
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          encoding="utf-8", timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_catalog_loads_with_the_first_message(lang: str) -> None:
    """The interface language is read at import and by use(); the catalog is loaded by the
    first message, in that language (a JSON listing translates nothing and loads nothing)."""
    probe = ("import os, sys\n"
             f"os.environ['TASKDUTY_LANG'] = {lang!r}\n"
             "from taskduty import i18n\n"
             "assert i18n._current is None and 'gettext' not in sys.modules\n"
             "os.environ['TASKDUTY_LANG'] = 'zh' if i18n._lang == 'en' else 'en'\n"
             "print(i18n._('Error: {message}'), i18n.current(), "
             "i18n.ngettext('{n} task', '{n} tasks', 2))\n")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          encoding="utf-8", timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == (["错误：{message}", "zh", "{n}", "项任务"] if lang == "zh"
                                   else ["Error:", "{message}", "en", "{n}", "tasks"])


LOAD_PROBE = """
import atexit, json, runpy, sys
atexit.register(lambda: print(json.dumps(sorted(sys.modules))))
sys.argv = ["taskduty", "--db", sys.argv[1], "load", sys.argv[2], "--year", "2025", "--quiet"]
runpy.run_module("taskduty", run_name="__main__")
"""


def test_a_csv_load_imports_no_notice_reader_nor_calendar(tmp_path) -> None:
    """A plain table's load does not import the notice and Word readers (their zip and
    numbering grammar) nor the calendar module (only a month's last day needs it)."""
    table = tmp_path / "table.csv"
    table.write_text("序号,目标名称,工作标准,分管领导,牵头单位,完成时限\n"
                     "1,稳增长,新建幼儿园三所。,张三,发改局,6月底\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", LOAD_PROBE, str(tmp_path / "t.db"), str(table)],
                          capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert proc.returncode == 0, proc.stderr
    modules = set(json.loads(proc.stdout.strip().splitlines()[-1]))
    assert {"taskduty.table", "taskduty.clauses", "taskduty.dates"} <= modules
    assert not modules & {"taskduty.sources.notice", "taskduty.sources.docx_table", "calendar"}
