"""What ``load`` reads from a table, pinned byte for byte while its CPU is cut (issue 19).

For the tables the tests already load — the 2018 seed as Word-table text and as CSV, the query
tests' 2019 table (``helpers.ROWS``), the targets table (``helpers.TARGETS_TABLE``), the .xls
fixture — and a ``bench/generate.py`` table of 2,000 tasks, each digest below covers the
whole normalised table (every field of every task, the goals, the repairs, title, format and
columns), its ``content_hash``, and for every task what the store keeps beside it:
``targets.targets_json`` of its text and ``schedule.read_deadline`` (with the column's
``parse_deadline`` and the text's ``infer_deadline`` apart). The expected values were computed
by the code before the speed-ups; a changed byte anywhere fails.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
import re
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from helpers import ROWS, TARGETS_TABLE, write_plan
from taskduty import clauses, i18n, numerals, schedule, table, targets, textclean, writer
from taskduty.errors import SourceError
from taskduty.fields import header_field, squeeze
from taskduty.schedule import Deadline, infer_deadline, parse_deadline, read_deadline
from taskduty.sources import read_source
from taskduty.sources.base import SourceCell, SourceRow, SourceTable, repeated_header_note
from taskduty.sources.csvfile import parse_csv
from taskduty.table import (
    CellNames,
    PlanTable,
    Repair,
    TaskRow,
    _joined,
    normalise,
    read_goal_number,
)
from taskduty.targets import extract_targets, targets_json

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import generate  # noqa: E402  (bench/generate.py)

TASK_FIELDS = ("code", "goal_no", "goal", "seq", "standard", "leaders", "units", "co_units",
               "deadline", "section", "leaders_inherited", "units_inherited", "ref")


def _deadline(found: Deadline) -> list[Any]:
    return [found.kind, found.inferred, [[m.date.isoformat(), m.step] for m in found.milestones]]


def table_record(table: PlanTable) -> dict[str, Any]:
    """Everything normalise gives, as plain JSON values."""
    return {
        "title": table.title, "input_format": table.input_format, "columns": table.columns,
        "goals": sorted(table.goals.items()),
        "repairs": [[r.kind, r.ref, r.message, r.code] for r in table.repairs],
        "tasks": [[getattr(t, f) for f in TASK_FIELDS] for t in table.tasks],
        "content_hash": table.content_hash(),
    }


def stored_record(table: PlanTable, year: int) -> list[Any]:
    """What the store computes per task: targets and deadlines."""
    return [[targets_json(t.standard), [x.to_dict() for x in extract_targets(t.standard)],
             _deadline(read_deadline(t.deadline, t.standard, year)),
             _deadline(parse_deadline(t.deadline, year)),
             _deadline(infer_deadline(t.standard, year))] for t in table.tasks]


def digest(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


GENERATED_TASKS = 2000


def generated_csv(folder: Path) -> Path:
    rows = generate.make_rows(GENERATED_TASKS)
    return generate.write_csv(folder / "generated.csv", rows)


def tables(folder: Path) -> dict[str, tuple[Path, int]]:
    """name -> (file, year) of every pinned table."""
    targets = folder / "targets.csv"
    targets.write_text(TARGETS_TABLE, encoding="utf-8")
    return {
        "seed_text": (ROOT / "data" / "seed_2018.txt", 2018),
        "seed_csv": (ROOT / "data" / "seed_table.csv", 2018),
        "query_rows": (write_plan(folder / "plan.csv", ROWS), 2019),
        "targets_table": (targets, 2019),
        "old_xls": (ROOT / "tests" / "data" / "old_formats" / "分解表.xls", 2019),
        "generated": (generated_csv(folder), 2025),
    }


# Computed once by the code before the speed-ups (python tests/test_load_cpu_pins.py prints
# them); (normalised table with English and Chinese messages, per-task targets
# and deadlines).
EXPECTED: dict[str, tuple[str, str]] = {
    "seed_text": ("b70f3e5657bec62eac2a014966decf6d55506d624f196ab852dc05ca58492646",
                  "d494158e5f74fa3daba7f05c1b9476f0458056ff5e1707a4f126ebafb620368e"),
    "seed_csv": ("311ae74030a8b0c1c592cc1a1253239a725309eded2f88f642532bd91419d3e5",
                 "d494158e5f74fa3daba7f05c1b9476f0458056ff5e1707a4f126ebafb620368e"),
    "query_rows": ("9acf73df4414c85ae2056dc55176039a18685e200b8500b1a9dbc0f8eb81dd52",
                   "0b18105b3902581117b4bf47734e455b01f8df382640ce086514a6eebc691a61"),
    "targets_table": ("717d07d25c206ebc686be49e6ddad1828b6e5260eb8c8f54de3a626624b3f3c8",
                      "b53adbff3d3b20116d076054e90f6c1f6b1b82cd44d220beec715a9037b3a8fa"),
    "old_xls": ("8e8d5988f48a6a3c961df11f49b25816452e789bb67493eb61355b5979913db7",
                "87ee3be62ac88d0791ab629a63e819531565c931ffcf92e15e35284de1392f00"),
    "generated": ("e6706e9b912abf115a7bf7965e0092331ec7264db0fc3a9690b17db2b4f2e0c6",
                  "9f4f8d861342998c0cf681d2adbf84fdcd8275cd3bd97c68682d49afbb328907"),
}
# The generated table's cells, so a change of bench/generate.py is told apart from a change
# of what load reads.
GENERATED_INPUT = "d6c951bbc1d75f5e7939fe87323f7955e6df4fc2c78fbd0f1ef9c3923322b273"
# content_hash of the seed CSV and the generated table, as stored in plan.content_hash.
CONTENT_HASHES = {
    "seed_text": "0f6cc353c90c7a7f81589d79a668514ef62f3c12c8e2147e3646131938010778",
    "seed_csv": "0f6cc353c90c7a7f81589d79a668514ef62f3c12c8e2147e3646131938010778",
    "query_rows": "ac26dbb73ad42854d2903182984d97570811a2f7e5be521e86dd19300ed223fa",
    "targets_table": "413c0854048a06b5bc92eb134e8b74328f60c82c915908e322b5ef1e2e6bfd42",
    "old_xls": "e55707c61883bb3ca0e1c310eeb4fd3c26ffe012113d1f3d128772f616a0b5b1",
    "generated": "1a9a25e3da4c34e1b03517eddac8bb06fe44d61219f333566a1caf2471c93018",
}


def compute(folder: Path) -> dict[str, tuple[str, str, str]]:
    """name -> (digest of the table, in English and Chinese messages; digest of the per-task
    targets and deadlines; content_hash)."""
    out = {}
    try:
        for name, (path, year) in tables(folder).items():
            records = []
            for lang in ("en", "zh"):
                i18n.use(lang)
                table = normalise(read_source(path), release_rows=True)
                records.append(table_record(table))
            out[name] = (digest(records), digest(stored_record(table, year)),
                         table.content_hash())
    finally:
        i18n.use("en")
    return out


@pytest.fixture(scope="module")
def computed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, str, str]]:
    return compute(tmp_path_factory.mktemp("pins"))


def test_generated_table_is_the_one_pinned(tmp_path: Path) -> None:
    with generated_csv(tmp_path).open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) == GENERATED_TASKS + 1
    assert digest(rows) == GENERATED_INPUT, "bench/generate.py changed: compute the pins again"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_normalised_table_unchanged(computed: dict[str, tuple[str, str, str]], name: str) -> None:
    assert computed[name][0] == EXPECTED[name][0]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_targets_and_deadlines_unchanged(computed: dict[str, tuple[str, str, str]],
                                         name: str) -> None:
    assert computed[name][1] == EXPECTED[name][1]


def test_content_hash_is_the_digest_of_the_tasks_json(tmp_path: Path) -> None:
    """The streamed digest equals sha256 of ``json.dumps`` of the whole list of tasks."""
    for path, _year in tables(tmp_path).values():
        table = normalise(read_source(path))
        assert table.content_hash() == reference_content_hash(table)


def reference_content_hash(table: PlanTable) -> str:
    keys = ("code", "goal_no", "goal", "standard", "leaders", "units", "co_units", "deadline",
            "section")
    whole = json.dumps([{k: getattr(t, k) for k in keys} for t in table.tasks],
                       ensure_ascii=False)
    return hashlib.sha256(whole.encode()).hexdigest()


def test_content_hash_of_unusual_text_and_types() -> None:
    """Quotes, backslashes, control and non-BMP characters, empty lists and None are written
    as the encoder writes them; a field of another type goes through the encoder."""
    odd = '引号"与\\反斜杠\t\n\x00\x1f\u2028𠀀é'
    tasks = [TaskRow(code="1.1", goal_no=1, goal=odd, seq=1, standard=odd, leaders=[],
                     units=[odd, ""], co_units=["甲"], deadline=None, section=odd),
             TaskRow(code="1.2", goal_no=1, goal="", seq=2, standard="", leaders=["乙"],
                     units=[], deadline=odd, section=None),
             TaskRow(code="2.1", goal_no=True, goal="g", seq=1, standard="s",  # type: ignore
                     leaders=("丙",), units=["丁"]),  # type: ignore[arg-type]
             TaskRow(code="2.2", goal_no=2, goal="g", seq=2, standard="s", leaders=["丙"],
                     units=["丁"], co_units=[3]),  # type: ignore[list-item]
             ]
    for n in range(len(tasks) + 1):
        table = PlanTable(tasks=tasks[:n])
        assert table.content_hash() == reference_content_hash(table)


@pytest.mark.parametrize("name", sorted(CONTENT_HASHES))
def test_content_hash_unchanged(computed: dict[str, tuple[str, str, str]], name: str) -> None:
    assert computed[name][2] == CONTENT_HASHES[name]


if __name__ == "__main__":  # print the pins (only ever from the code before a speed-up)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for key, (table_digest, stored_digest, content) in compute(Path(tmp)).items():
            print(f'    "{key}": ("{table_digest}",\n        "{stored_digest}"),  # {content}')
        with generated_csv(Path(tmp)).open(encoding="utf-8-sig", newline="") as fh:
            print("GENERATED_INPUT =", repr(digest(list(csv.reader(fh)))))


# -- fast paths against the readings they replaced ------------------------------------------
def _kind_before(window: str, percent: bool) -> str:
    """targets._kind as it was: a search per kind of change word and a max over the four."""
    def last(words: tuple[str, ...]) -> int:
        return max((m.end(1) for m in targets._change_by_re(words).finditer(window)),
                   default=-1)

    found = {
        "growth": last(targets._GROWTH),
        "reduction": last(targets._REDUCTION),
        "share": max((window.rfind(w) + len(w) for w in targets._SHARE if w in window),
                     default=-1),
        "rate": window.rfind("率") + 1 if "率" in window else -1,
    }
    if not percent:
        found["share"] = found["rate"] = -1
    kind, pos = max(found.items(), key=lambda kv: kv[1])
    if pos < 0:
        return "share" if percent else "level"
    return kind


_KIND_WORDS = [*targets._GROWTH, *targets._REDUCTION, *targets._SHARE, "率", "值", "极", "点",
               "到", "至", "为", "在", "增", "降", "减", "比", "占", "长", "，", "8"]


def test_change_words_are_two_characters() -> None:
    """What lets _kind read growth and reduction words in one pass."""
    words = [*targets._GROWTH, *targets._REDUCTION]
    assert all(len(w) == 2 for w in words) and len(set(words)) == len(words)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.lists(st.sampled_from(_KIND_WORDS), max_size=8), st.booleans())
def test_kind_as_before(words: list[str], percent: bool) -> None:
    window = "".join(words)
    assert targets._kind(window, percent) == _kind_before(window, percent)


def _split_before(text: str, separators: str) -> list[tuple[str, str]]:
    """textclean.split_outside_brackets as it was: a walk over every character."""
    out: list[tuple[str, str]] = []
    depth, start, sep = 0, 0, ""
    for i, char in enumerate(text):
        if char in textclean.OPEN_BRACKETS:
            depth += 1
        elif char in textclean.CLOSE_BRACKETS:
            depth = max(0, depth - 1)
        elif char in separators and depth == 0:
            out.append((text[start:i], sep))
            start, sep = i + 1, char
    out.append((text[start:], sep))
    return out


def _has_roles_before(value: str, marks: bool = True) -> bool:
    """clauses.has_roles without the look for the characters its words need."""
    for segment, _ in _split_before(value, "，,；;\n"):
        if clauses._segment_role(segment)[1] is not None or clauses._JOINT.search(segment):
            return True
        if marks and any(clauses._marked_name(n)[1]
                         for n in clauses.split_names(clauses._strip(segment))):
            return True
    return False


_CLAUSE_PIECES = ["牵头", "负责", "配合", "参与", "协助", "协同", "协办", "会同", "联合", "协调",
                  "主办", "主责", "列第一位者为牵头单位", "排在首位的单位为牵头", "（", "）", "(",
                  ")", "【", "】", "[", "]", "★", "☆", "*", "＊", "、", "，", ",", "；", ";", "/",
                  "\n", " ", "\u3000", "\u200b", "发改局", "各县", "市", "区政府", "科协", "总工会",
                  "妇联", "等", "由", "按职责分工", "下同", "张三副市长"]
clause_text = st.lists(st.sampled_from(_CLAUSE_PIECES), max_size=10).map("".join)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(clause_text, st.sampled_from(["、，,；;/\n", "，,；;\n", "、，,；;", "，,；;", "/", ""]))
def test_split_outside_brackets_as_before(text: str, separators: str) -> None:
    assert textclean.split_outside_brackets(text, separators) == _split_before(text, separators)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(clause_text, st.booleans())
def test_role_and_rule_checks_as_before(text: str, marks: bool) -> None:
    assert clauses.has_roles(text, marks) == _has_roles_before(text, marks)
    assert clauses.states_rule(text) == bool(clauses.RULE.search(textclean.squeeze(text)))


_DATE_PIECES = ["2019", "2020年", "年", "月", "日", "号", "季度", "第三", "前", "底", "末", "岁末",
                "上半年", "年中", "年内", "全年", "年度", "6", "12", "十二", "三", ".", "-", "/",
                "至", "—", "每", "每年", "按", "次年", "上旬", "中旬", "下旬", "初", "中", "份",
                "前完成", "建成", "٣", "x"]


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.lists(st.sampled_from(_DATE_PIECES), max_size=8).map("".join))
def test_date_mentions_as_with_every_pattern(segment: str) -> None:
    """schedule._mentions skips a pattern only where it could not match."""
    quick = schedule._mentions(segment)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(schedule, "_patterns_needed", lambda _s: (True,) * 5)
        assert schedule._mentions(segment) == quick


def test_what_squeeze_and_space_split_remove_is_never_printable_but_known_characters() -> None:
    """The quick returns of textclean.squeeze and clauses.space_split: a printable text
    without the space (and U+034F) has nothing they remove or split at."""
    every = [chr(c) for c in range(sys.maxunicode + 1)]
    squeezed = [c for c in every if textclean._SQUEEZED.match(c)]
    spaces = [c for c in every if clauses._SPACE.match(c)]
    assert squeezed and spaces
    assert all(c in " \u034f" or not c.isprintable() for c in squeezed)
    assert all(c == " " or not c.isprintable() for c in spaces)
    for text in ("发改局", "发 改局", "发\u3000改局", "发\u034f改", "发\u200b改", "a\tb", ""):
        assert textclean.squeeze(text) == textclean._SQUEEZED.sub("", text)


def _masked_before(text: str) -> list[bool]:
    """targets._masked as it was: a walk over every character."""
    out = [False] * len(text)
    depth_cn, depth_title, ascii_open = 0, 0, False
    for i, ch in enumerate(text):
        if ch in "“「『":
            depth_cn += 1
        elif ch in "”」』":
            depth_cn = max(0, depth_cn - 1)
            out[i] = True
            continue
        elif ch == "《":
            depth_title += 1
        elif ch == "》":
            depth_title = max(0, depth_title - 1)
            out[i] = True
            continue
        elif ch == '"':
            ascii_open = not ascii_open
        out[i] = depth_cn > 0 or depth_title > 0 or ascii_open
    return out


_QUOTE_PIECES = ["“", "”", "「", "」", "『", "』", "《", "》", '"', "135", "工程", "十四五",
                 "，", ""]


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.lists(st.sampled_from(_QUOTE_PIECES), max_size=12).map("".join))
def test_masked_as_before(text: str) -> None:
    assert [bool(b) for b in targets._masked(text)] == _masked_before(text)


_NUMBER_PIECES = ["12", "3.5", "1,000", ",", ".", "٣", "０", "三", "十", "两", "百", "千", "万",
                  "亿", "零", "〇", "○", "个", "%", "年", "第", "、", "，", "增长", "x", " "]


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.lists(st.sampled_from(_NUMBER_PIECES), max_size=10).map("".join),
       st.integers(min_value=0, max_value=12))
def test_number_start_then_match_is_the_number_search(text: str, pos: int) -> None:
    """targets._scan finds a number by _NUM_START and matches _NUM_RE there: the match
    _NUM_RE.search gives, from any position."""
    found = targets._NUM_START.search(text, pos)
    searched = targets._NUM_RE.search(text, pos)
    if found is None:
        assert searched is None
    else:
        matched = targets._NUM_RE.match(text, found.start())
        assert matched is not None and searched is not None
        assert (matched.span(), matched.groupdict()) == (searched.span(), searched.groupdict())


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.text(alphabet=st.sampled_from(
    "，；：（）％！？０９ＡＺａ｝\u3000 ,;a1三。、《》“”\uff5e\uff01\uff5f\ufee0"), max_size=12))
def test_half_width_as_before(text: str) -> None:
    """numerals.half_width with its common marks replaced first: the regex substitution's
    text, as before."""
    assert numerals.half_width(text) == numerals._FULL_WIDTH.sub(numerals._half, text)


_CLAUSE_PIECES_T = ["，", ",", "。", "；", ";", "！", "？", "!", "?", "\n", "1", "12", "123",
                    "1234", "万", "a", ",12", ",123"]


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.lists(st.sampled_from(_CLAUSE_PIECES_T), max_size=10).map("".join))
def test_clause_ends_as_before(text: str) -> None:
    """targets._CLAUSE_END with its character class first finds the marks it found before."""
    before = re.compile(r"[，。；;！？!?\n]|,(?!\d{3})")
    assert [m.span() for m in targets._CLAUSE_END.finditer(text)] == [
        m.span() for m in before.finditer(text)]


def _label_kind_before(text: str) -> tuple[str, str | None] | None:
    """clauses.label_kind as it was: every label pattern tried on every key."""
    key = clauses.label_key(text)
    for _kind, pattern in clauses._LABEL_PATTERNS:
        if m := pattern.match(key):
            level = m.groupdict().get("level")
            return _kind, (level[0] if level and level[0] in clauses.LEVEL_WORDS else None)
    return None


_LABEL_PIECES = ["省", "市", "县", "区", "镇", "政府", "人民政府", "委", "分管",
                 "责任", "牵头", "负责", "联系", "挂钩", "主要", "领导", "同志", "负责同志",
                 "主办", "主责", "第一责任", "单位", "部门", "科室", "配合", "协办", "协同",
                 "承办", "落实", "主体", "具体责任", "任务", "分工", "完成时限", "时间节点",
                 "完成时间",
                 "时限", "要求", "安排", "进度", "期限", "节点", "（", "）", "：",
                 ":", " ", "*", "、"]


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(st.lists(st.sampled_from(_LABEL_PIECES), min_size=1, max_size=5).map("".join))
def test_label_kind_as_before(text: str) -> None:
    """label_kind tries a label pattern only on a key ending as its matches end."""
    assert clauses.label_kind(text) == _label_kind_before(text)


def test_every_label_of_the_grammar_ends_as_its_kind_says() -> None:
    """The labels the tests and real documents use end in one of their kind's endings."""
    for label, kind in [("分管市领导", "leaders"), ("责任领导同志", "leaders"),
                        ("牵头负责同志", "leaders"), ("牵头单位", "units"), ("主责部门", "units"),
                        ("省牵头责任单位", "units"), ("配合科室", "co_units"),
                        ("责任主体", "plain"), ("部门分工", "combined"),
                        ("完成时限要求", "deadline"), ("进度安排", "deadline"),
                        ("时间节点", "deadline")]:
        assert clauses.label_kind(label)[0] == kind, label
        assert label.endswith(clauses._LABEL_ENDS[kind])


def test_every_title_has_a_title_mark() -> None:
    """clauses._person runs _PERSON only on a text with one of _TITLE_MARKS: every title
    (all _PERSON matches have one) has one."""
    assert all(not clauses._TITLE_MARKS.isdisjoint(t) for t in clauses.TITLES)


_PERSON_PIECES = ["王", "宏", "张三", "李", "·", "同志", *clauses.TITLES[:12], "主任", "书记",
                  "主席", "秘书长", "局", "发改局", " ", "\u3000", "长", "任", "a"]


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(st.lists(st.sampled_from(_PERSON_PIECES), min_size=1, max_size=4).map("".join))
def test_person_and_title_as_before(text: str) -> None:
    m = clauses._PERSON.match(textclean.squeeze(text))
    assert clauses.is_person(text) == bool(m)
    assert clauses.strip_title(text) == ((m.group("name") or m.group("name2")) if m else text)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.text(alphabet=st.sampled_from("-–—~～至到－ \u3000\t\xa0\n5%家a，"), max_size=6))
def test_range_separator_starts_as_checked(text: str) -> None:
    """targets._scan matches _RANGE_SEP_RE only where the next character is white space or
    starts a separator: elsewhere it never matches."""
    first = text[:1]
    if not (first and (first in targets._RANGE_SEP_FIRST or first.isspace())):
        assert targets._RANGE_SEP_RE.match(text) is None


def _split_names_before(value: str) -> list[str]:
    """clauses.split_names as it was: pieces stripped of blanks then of marks, and every
    piece walked for an enumeration."""
    tokens = []
    for piece, sep in [(p.strip(clauses._BLANKS), s)
                       for p, s in _split_before(value, clauses._UNIT_SEPARATORS)]:
        piece = piece.strip(clauses._NAME_STRIP)
        if len(piece) > 2 and "等" in piece:
            piece = clauses._ETC.sub("", piece).strip(clauses._NAME_STRIP)
        if piece:
            tokens.append((piece, sep))
    out: list[str] = []
    i = 0
    while i < len(tokens):
        piece = tokens[i][0]
        if len(piece) <= 3 and piece.endswith(clauses._ADMIN):
            k = i + 1
            while k < len(tokens) and tokens[k][1] == "、" and clauses._bare(tokens[k][0]):
                k += 1
            has_bare = clauses._bare(piece) or k > i + 1
            if (has_bare and k < len(tokens) and tokens[k][1] == "、"
                    and clauses._admin_start(tokens[k][0])):
                out.append("、".join(p for p, _ in tokens[i: k + 1]))
                i = k + 1
                continue
        out.append(piece)
        i += 1
    return out


_NAME_PIECES = ["各", "县", "市", "区", "镇", "街道", "园区", "政府", "发改局", "区财政局",
                "等", "等单位", "有关部门", "新区", "乡", "省", "、", "，", ",", "；", ";",
                " ", "\u3000", "。", "：", ".", "（", "）", "(", ")"]


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(st.lists(st.sampled_from(_NAME_PIECES), max_size=10).map("".join))
def test_split_names_as_before(value: str) -> None:
    assert clauses.split_names(value) == _split_names_before(value)


# -- the normaliser's per-row methods against their versions before (goal_of, task, names) --
_ = i18n._  # the message lookup of the methods below, as table.py has it


class _NormaliserBefore(table._Normaliser):
    """_Normaliser with goal_of, task (and responsibility), names and cells_of as they were
    before the per-row CPU was cut: a dict of texts per row, a (values, kind) tuple per cell
    read, a loop over leaders and units."""

    def cells_of(self, cells: list[SourceCell], names: tuple[str, ...]) -> list[SourceCell]:
        """:meth:`cell` of each of ``names``, in one call."""
        columns, extra, count = self.columns, self.extra, len(cells)
        out = []
        for name in names:
            index = columns.get(name)
            if index is None or index >= count or name in extra:
                out.append(self.cell(cells, name))
            else:
                out.append(cells[index])
        return out

    def names(self, cell: SourceCell, ref: str, kind: str) -> CellNames:
        """The names of a leader (``kind="leaders"``) or unit cell, cleaned and repaired,
        with what the cell said besides (see :class:`CellNames`); its repairs are recorded.

        A cell's reading depends on its text alone, so each distinct cell text is read once
        (leaders and units repeat on most rows of a table) and only its repairs are recorded
        again for each row.
        """
        key = (tuple(cell.values), kind)
        found = self.read_cache.get(key)
        if found is None:
            # A long table's cells in bounded memory: the readings of the last two rounds of
            # table._READ_CACHE distinct cells are kept (those still in use come along).
            found = self.older_reads.get(key) or self.read_names(cell.values, kind)
            if len(self.read_cache) >= table._READ_CACHE:
                self.older_reads, self.read_cache = self.read_cache, {}
            self.read_cache[key] = found
        for repair_kind, message in found.repairs:
            self.repairs.append(Repair(repair_kind, ref, message))
        for raw, name in found.cleaned:
            seen = self.cleaned.get(raw)
            self.cleaned[raw] = (name, (seen[1] if seen else 0) + 1)
        for raw, name in found.remarks:
            seen_remark = self.remarks.get(raw)
            self.remarks[raw] = (name, raw[len(name):] if raw.startswith(name) else "",
                                 (seen_remark[2] if seen_remark else 0) + 1)
        return found

    def goal_of(self, row: SourceRow) -> tuple[int, str] | None:
        """The goal number of a task row and its 工作标准, or None for a row that fits no goal.

        A goal is found by 序号, by name, or is the goal of the rows above; new goal names
        are numbered in order.
        """
        ref = row.ref
        no_cell, goal_cell, section_cell, standard_cell = self.cells_of(
            row.cells, ("goal_no", "goal", "section", "standard"))
        text = {"goal_no": _joined(no_cell.values), "goal": _joined(goal_cell.values),
                "section": _joined(section_cell.values)}
        if self.task_numbers:
            text["goal_no"] = ""
        if "goal" not in self.columns:
            text["goal"] = self.heading_goal or ""
            if not text["goal"] and self.current_no is None:
                text["goal"] = "全部任务"
                self.repairs.append(Repair(
                    "note", ref, _("the table has no 目标名称 column and no heading rows: its "
                                   "tasks form one goal, 全部任务")))
            text["goal_no"] = ""
        values = standard_cell.values
        standard = (values[0].strip() if len(values) == 1
                    else "\n".join([v.strip() for v in values if v.strip()]))
        if text["section"]:
            self.current_section = text["section"]
        found = self.goal_numbers.get(text["goal_no"])
        if found is None:
            found = self.goal_numbers[text["goal_no"]] = read_goal_number(text["goal_no"])
        code_part, number = found
        if code_part is not None:
            if not self.code_note:
                self.code_note = True
                self.repairs.append(Repair(
                    "note", ref, _("序号 {text!r} numbers goal.task: the goal number is its first "
                                   "part")
                        .format(text=text['goal_no'])))
            text["goal_no"] = code_part
        if text["goal_no"] and number is None:
            self.repairs.append(Repair(
                "warning", ref, _("序号 {text!r} is not a goal number; ignored")
                    .format(text=text['goal_no'])))
        goal = self.goal_name(text["goal"], ref)
        if number is None and goal:
            number = self.goal_keys.get(squeeze(goal))
            if number is None:
                number = self.top_goal + 1
                if "goal_no" in self.columns:
                    self.repairs.append(Repair(
                        "note", ref, _("goal {goal!r} has no 序号; numbered {number}")
                            .format(goal=goal, number=number)))
        if number is None:
            number = self.current_no
        if number is None:
            if standard:
                self.repairs.append(Repair("warning", ref, _("a task before any goal was skipped")))
            return None
        self.name_goal(number, goal, ref)
        self.current_no = number
        return number, standard

    def task(self, row: SourceRow, number: int, standard: str) -> TaskRow:
        """One task of goal ``number``: its cells read, blanks inherited within the goal."""
        ref = row.ref
        self.seq[number] = self.seq.get(number, 0) + 1
        code = f"{number}.{self.seq[number]}"
        previous = self.last_in_goal.get(number)
        task = TaskRow(code=code, goal_no=number, goal=self.goal_names[number],
                       seq=self.seq[number], standard=standard, leaders=[], units=[],
                       section=self.current_section, ref=ref)
        moved, marked, notes, rule = self.responsibility(row, task, previous)
        co_cell = self.cell(row.cells, "co_units")
        co = self.names(co_cell, ref, "co_units")
        task.co_units = list(co.names)
        notes += co.notes
        rule = rule or co.rule
        deadline_cell = self.cell(row.cells, "deadline")
        task.deadline = _joined(deadline_cell.values) or None
        if previous is not None and co_cell.merged and not task.co_units:
            task.co_units = list(previous.co_units)
        if moved:
            task.co_units += [u for u in moved if u not in task.co_units]
        if previous is not None and deadline_cell.merged and not task.deadline:
            task.deadline = previous.deadline
        for note in [*row.notes, *notes]:
            self.repairs.append(Repair(
                "note", ref, _("{code}: {note} kept as a note (another level of government's "
                               "units, not this one's)").format(code=code, note=note), code))
        if row.marked is not None:
            marked = row.marked
        elif "co_units" in self.columns or self.lead_column:
            marked = True
        if not marked and len(task.units) >= 2 and (
                self.lead_first or self.document_rule or row.lead_first or rule):
            # The first-listed unit leads and the others cooperate, where a list marks no
            # lead and the rule applies: ``--lead-first``, or the document states it
            # (列第一位者为牵头单位). The rows below inherit the cells as read.
            self.last_in_goal[number] = replace(task)
            task.co_units = task.units[1:] + [u for u in task.co_units if u not in task.units]
            task.units = task.units[:1]
            self.changed += 1
            return task
        self.last_in_goal[number] = task
        return task

    def responsibility(self, row: SourceRow, task: TaskRow,
                       previous: TaskRow | None) -> tuple[list[str], bool, list[str], bool]:
        """Fill ``task``'s leaders and lead units from its cells, the heading above, or the
        task above (a blank or merged cell). Returns the units moved to co-units, whether
        the lead was marked, notes on other levels' units and whether the unit cell states
        the first-listed-leads rule."""
        ref, code = row.ref, task.code
        moved: list[str] = []
        marked = rule = False
        notes: list[str] = []
        for attr, label in (("leaders", "分管领导"), ("units", "牵头单位")):
            cell = self.cell(row.cells, attr)
            read = self.names(cell, ref, attr)
            values = list(read.names)
            if attr == "units":
                marked, rule = read.marked, read.rule
                notes = list(read.notes)
                if read.moved_co:
                    moved = list(read.moved_co)
                    self.repairs.append(Repair(
                        "repaired", ref, _("{code} 牵头单位: {moved} marked as cooperating "
                                           "(配合) -> 配合单位")
                            .format(code=code, moved="、".join(moved)), code))
            from_heading = getattr(self.heading_clause, attr) if self.heading_clause else None
            can_inherit = (self.inherits and previous is not None and bool(getattr(previous, attr))
                           and attr in self.columns)
            if not values and from_heading and not can_inherit:
                # a blank or merged cell continues the task above; the heading names the
                # rest (and fills a column the table does not have)
                values = list(from_heading)
                marked = marked or attr == "units"
            elif not values and can_inherit:
                values = list(getattr(previous, attr))
                setattr(task, f"{attr}_inherited", True)
                how = _("merged cell") if cell.merged else _("blank cell")
                self.repairs.append(Repair(
                    "inherited", ref,
                    _("{code} {label}: {how}, inherited {values} from {previous}")
                        .format(code=code, label=label, how=how, values='、'.join(values),
                                previous=previous.code), code))
            elif not values and (attr == "units" or (self.inherits and attr in self.columns)):
                self.repairs.append(Repair("warning", ref, _("{code} has no {label}")
                    .format(code=code, label=label), code))
            setattr(task, attr, values)
        return moved, marked, notes, rule


_LAYOUTS = [
    ["序号", "目标名称", "工作标准", "分管领导", "牵头单位", "配合单位", "完成时限"],
    ["序号", "工作标准", "责任单位"],
    ["类别", "序号", "目标名称", "工作标准", "分管领导", "牵头单位", "责任单位", "完成时限"],
    ["目标名称", "工作标准", "牵头单位", "牵头部门"],
    ["序号", "工作标准", "分管领导", "责任单位", "配合单位"],
]
_TEXTS = ["", "", "", "1", "2", "1.2", "二", "（三）", "x", "一、稳增长", "稳增长", "促改革",
          "一、经济发展", "注：列第一位者为牵头单位", "说明：另行通知", "改造校舍10所",
          "建成道路5公里", "张三", "张三副市长", "王五（常务副区长）", "李四、王五", "区发改局",
          "区发改局、区财政局", "区发改局（牵头）、区财政局（配合）", "区财政局（配合）",
          "各县、市、区政府", "区发 改局 区财政局", "区住建", "局",
          "牵头单位：区发改局\n配合单位：区财政局", "省牵头单位：省厅\n区交通局",
          "区发改局牵头，区财政局配合", "年底前", "6月底前完成", "一季度", "全年", "区发改局等",
          "省牵头单位：省厅\n区交通局牵头", " 年底前 ", " 区发改局"]
# A heading row's text, merged across the row (its cells all hold it)
_HEADINGS = ["二、县发改局、县财政局牵头工作（8项）", "一、张三副市长牵头工作", "三、生态环境"]
_CELL = st.one_of(
    st.sampled_from(_TEXTS).map(lambda t: SourceCell([t] if t else [])),
    st.lists(st.sampled_from(_TEXTS), min_size=2, max_size=3).map(SourceCell),
    st.just(SourceCell(merged=True)))


@st.composite
def _source(draw: Any) -> tuple[SourceTable, bool]:
    header = draw(st.sampled_from(_LAYOUTS))
    row_cells = st.one_of(
        st.lists(_CELL, min_size=len(header) - 1, max_size=len(header)),
        st.sampled_from(_HEADINGS).map(lambda h: [SourceCell([h]) for _c in header]))
    rows = [SourceRow(draw(row_cells), f"row {i}", draw(st.sampled_from([None, None, True, False])),
                      draw(st.booleans()), draw(st.sampled_from([[], [], ["省牵头单位：省厅"]])))
            for i in range(draw(st.integers(1, 12)))]
    fmt = draw(st.sampled_from(["csv", "xlsx", "notice", "docx"]))
    return SourceTable(header, rows, title="2019年目标任务", input_format=fmt), draw(st.booleans())


def _normalised(kind: type, source: SourceTable, lead_first: bool) -> Any:
    source = copy.deepcopy(source)
    try:
        invisible = table.clean_invisible(source)
        found = kind(source, lead_first).run()
    except SourceError as exc:
        return ["error", str(exc), exc.hint]
    found.repairs[:0] = invisible
    return table_record(found)


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(_source())
def test_normaliser_rows_as_before(drawn: tuple[SourceTable, bool]) -> None:
    source, lead_first = drawn
    assert (_normalised(table._Normaliser, source, lead_first)
            == _normalised(_NormaliserBefore, source, lead_first))


def test_normaliser_rows_as_before_past_the_read_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cell readings kept for two rounds of _READ_CACHE, the rounds counted over every kind:
    a table of more distinct cells than a round holds reads as before."""
    monkeypatch.setattr(table, "_READ_CACHE", 3)
    texts = ["区发改局", "区财政局（配合）", "区发 改局 区财政局", "区住建、局", "张三副市长",
             "李四"]
    rows = [SourceRow([SourceCell([str(1 + i % 3)]), SourceCell(["稳增长"]),
                       SourceCell([f"任务{i}"]), SourceCell([texts[i % 5]]),
                       SourceCell([texts[(i * 7) % 6]]), SourceCell([texts[(i * 3) % 6]]),
                       SourceCell([])], f"row {i}") for i in range(60)]
    source = SourceTable(_LAYOUTS[0], rows, input_format="xlsx")
    assert (_normalised(table._Normaliser, source, False)
            == _normalised(_NormaliserBefore, source, False))


def _csv_rows_before(text: str) -> tuple[list[Any], list[str]]:
    """What parse_csv read from the rows below the header before their cells were built
    with the 工作标准 column apart: every record's cells stripped, blank rows and repeated
    header rows skipped, short rows padded, a cell per text (none for a blank)."""
    records = list(csv.reader(io.StringIO(text)))
    header = [c.strip() for c in records[0]]
    fields = [header_field(h) for h in header]
    rows, skipped = [], []
    for number, record in enumerate(records[1:], start=2):
        cells = [c.strip() for c in record]
        if not any(cells):
            continue
        if [header_field(c) for c in cells[:len(header)]] == fields:
            skipped.append(f"row {number}")
            continue
        cells += [""] * (len(header) - len(cells))
        rows.append([f"row {number}", [[t] if t else [] for t in cells]])
    return rows, skipped


_CSV_TEXTS = ["", " ", "1", "序号", "目标名称", "工作标准", "分管领导", "牵头单位", "稳增长",
              "改造校舍10所", " 张三 ", "区发改局", "a,b", "年底前", "x" * 45]


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.lists(st.lists(st.sampled_from(_CSV_TEXTS), min_size=1, max_size=6), max_size=10),
       st.sampled_from([["序号", "目标名称", "工作标准", "分管领导", "牵头单位"],
                        ["目标名称", "牵头单位", "工作标准"],
                        ["工作标准", "牵头单位", "分管领导"]]))
def test_csv_rows_as_before(records: list[list[str]], header: list[str]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *records])
    text = buffer.getvalue()
    rows, skipped = _csv_rows_before(text)
    for lazy in (False, True):
        found = parse_csv(text, "t.csv", lazy=lazy)
        assert [[r.ref, [c.values for c in r.cells]] for r in found.rows] == rows
        assert found.notes == ([repeated_header_note(skipped)] if skipped else [])
        if lazy:
            assert [list(r) for r in found.rows.plain()] == [  # type: ignore[union-attr]
                [ref, [v[0] if v else "" for v in values]] for ref, values in rows]
            assert all(not c.merged for r in found.rows for c in r.cells)


_VALUES = st.one_of(st.none(), st.integers(-3, 3), st.text(max_size=3),
                    st.dates(), st.datetimes(), st.booleans())


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.lists(st.lists(_VALUES, min_size=3, max_size=3).map(tuple), max_size=6),
       st.sampled_from([(0,), (1,), (2,), (0, 2), (1, 2)]))
def test_sqlite_rows_as_each_row_before(rows: list[tuple[Any, ...]],
                                        dates: tuple[int, ...]) -> None:
    """writer._sqlite_rows (a task's one date read alone) as _sqlite_row of each row."""
    assert writer._sqlite_rows(rows, dates) == [writer._sqlite_row(r, dates) for r in rows]


def _goal_text_before(raw: str) -> tuple[str, str | None]:
    """table._goal_text as it was: the goal-number pattern tried on every goal."""
    goal = squeeze(raw) and raw.strip()
    pattern = re.compile(table._GOAL_NUMBER.pattern)
    if goal and (bare := pattern.sub("", goal, count=1).strip()) != goal and bare:
        return goal, bare
    return goal, None


_GOAL_PIECES = ["一", "十", "二十", "（", "(", "）", ")", "第", "3", "12", "３", "٣", "、", ".",
                "．", "，", ":", "：", " ", "\u3000", "\xa0", "\t", "\n", "稳增长", "项", "a", "."]


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(st.lists(st.sampled_from(_GOAL_PIECES), max_size=6).map("".join))
def test_goal_text_as_before(raw: str) -> None:
    """A goal that starts with none of _GOAL_NUMBER_FIRST and no digit is never matched."""
    assert table._goal_text(raw) == _goal_text_before(raw)


_UNIT_CELL_PIECES = [*_CLAUSE_PIECES, "区发改局", "区财政局", "住房公积金", "中心", "管委会",
                     "各街办", "新区", "区委办", "县", "区", "街道", "。", ".", "：", ":",
                     "牵头单位：", "省牵头单位：", "\u034f", "\xa0", "\t", "5G办", "区商务局"]
_NAMES = ["区发改局", "区财政局", "住房公积金", "中心", "各县", "市", "县", "区", "区政府", "街道",
          "区委办", "5G办", "科协"]
# mostly names and separators (the cells the shortcut takes), or any pieces
unit_cell_text = st.one_of(
    st.lists(st.sampled_from([*_NAMES, "、", "，", ",", "；", ";", "。", ".", " "]), max_size=8),
    st.lists(st.sampled_from(_UNIT_CELL_PIECES), max_size=8)).map("".join)


def _normaliser(units_header: str, input_format: str = "csv") -> Any:
    header = ["序号", "目标名称", "工作标准", "分管领导", units_header, "配合单位"]
    return table._Normaliser(SourceTable(header, [], input_format=input_format))


@settings(max_examples=600, deadline=None, derandomize=True, database=None)
@example("各县、市、区政府", "units", "牵头单位", "csv")
@example("区 发改局", "units", "牵头单位", "csv")
@example("住房公积金\n中心", "units", "牵头单位", "csv")
@example("区\u034f发改局", "co_units", "责任单位", "csv")
@given(unit_cell_text, st.sampled_from(["units", "co_units"]),
       st.sampled_from(["牵头单位", "责任单位"]), st.sampled_from(["csv", "notice"]))
def test_a_plain_unit_cell_is_read_as_the_full_reading_reads_it(
        text: str, kind: str, units_header: str, input_format: str) -> None:
    """A unit cell of names and separators only is read without the clause grammar
    (clauses.plain_unit_names): the same names, marks, notes and repairs as in full."""
    fast = _normaliser(units_header, input_format).read_names([text], kind)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(table, "plain_unit_names", lambda _text: None)
        full = _normaliser(units_header, input_format).read_names([text], kind)
    assert fast == full


def test_most_unit_cells_take_the_plain_reading() -> None:
    """The shortcut is taken where it should be (a test of the test above), not only
    refused: plain lists are read by it, anything else by the full reading."""
    assert clauses.plain_unit_names("区发改局、区财政局，区委办。") == [
        "区发改局", "区财政局", "区委办"]
    assert clauses.plain_unit_names("区发改局、区发改局") == ["区发改局"]
    for text in ("各县、市、区政府", "区发改局（牵头）", "区 发改局", "区发改局/区财政局",
                 "牵头单位：区发改局", "区商务局等", "区发改局★", "区总工会", "", "区\u200b发改局",
                 "区发改局\n区财政局", "区主管部门"):
        assert clauses.plain_unit_names(text) is None, text
