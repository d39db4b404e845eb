"""The normalising step shared by every reader: a :class:`SourceTable` of plain cells becomes
a year's table of tasks.

Header aliases, name cleanup, multi-value splitting, goal-number parsing, fill-down with
provenance and wrapped-fragment repair all happen here, and every repair is recorded so the
load report can show it to a person.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from json.encoder import encode_basestring as _str_json
from pathlib import Path

from taskduty.clauses import (
    GENERIC_SUFFIXES,
    Clause,
    has_roles,
    heading_responsibility,
    label_kind,
    labelled,
    other_level,
    parse_roles,
    plain_unit_names,
    space_split,
    split_names,
    states_rule,
    strip_title,
)
from taskduty.dates import text_year
from taskduty.errors import SourceError
from taskduty.fields import (
    LABELS,
    NAME_FIELDS,
    extra_columns,
    header_field,
    map_header,
    split_outside_brackets,
    squeeze,
)
from taskduty.i18n import _
from taskduty.lazyre import lazy
from taskduty.numerals import CN_DIGITS
from taskduty.sources.base import LazyRows, SourceCell, SourceRow, SourceTable

_SEPARATORS = "、，,；;/\n"
# Bracketed markers after a unit name that say its role, not its name: 区发改局（牵头）.
_LEAD_MARKS = frozenset(["牵头", "牵头单位", "牵头部门", "总牵头", "主牵头", "牵头负责", "负责",
                         "主责", "主办", "责任单位"])
_CO_MARKS = frozenset(["配合", "配合单位", "配合部门", "协助", "协办", "协同", "参与"])
_TRAILING_BRACKET = lazy(r"^(.+?)[（(]([^（()）]*)[)）]$")
_ANY_BRACKET = lazy(r"[（(][^（()）]*[)）]")
# A goal name that carries its own number: 一、稳增长, （二）促改革, 3.惠民生.
_GOAL_NUMBER = lazy(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、．.]|[（(]\s*[一二三四五六七八九十\d]+\s*[)）]\s*[、．.]?"
    r"|\d+\s*[、．](?!\d)|\d+\.(?!\d)|第[一二三四五六七八九十]+[、．.，,：:])\s*")
# 序号 written as goal.task: 1.1, 1-2, 2．3.
_CODE = lazy(r"^(\d+)\s*[.．\-－—_]\s*\d+$")
# Text under the table, merged across the row like a heading: 注：…, 说明：…, 填报单位：…
_FOOTNOTE = lazy(r"^(?:注|备注|说明|附注|填报|填表|制表|联系人|审核|签发)")
# A labelled paragraph inside a cell: 省牵头单位：…, 配合单位：…
_CELL_LABEL = lazy(r"^([\u4e00-\u9fff]{2,10}(?:[（(][^）)]{0,30}[)）])?)\s*[：:]\s*")
# A year alone, or opening a date written as digits (20190301).
_YEAR_IN_NAME = lazy(r"(?<!\d)((?:19|20)\d{2})(?:(?:0[1-9]|1[0-2])(?:[0-3]\d)?)?(?!\d)")


@dataclass(slots=True)
class TaskRow:
    """One task of a year's table, every cell filled as far as the table allows."""

    code: str
    goal_no: int
    goal: str
    seq: int
    standard: str
    leaders: list[str]
    units: list[str]
    co_units: list[str] = field(default_factory=list)
    deadline: str | None = None
    section: str | None = None
    leaders_inherited: bool = False
    units_inherited: bool = False
    ref: str = ""


@dataclass
class Repair:
    """One thing the normaliser filled in, joined, cleaned or could not place."""

    kind: str  # inherited | repaired | cleaned | note | warning
    ref: str
    message: str
    code: str | None = None


@dataclass
class CellNames:
    """What one leader or unit cell says: its names and, for unit cells, the units it marks
    as cooperating (``moved_co``), whether it marks who leads, notes on another level's
    units and whether it states the first-listed-leads rule; with the repairs, cleaned
    pieces (raw, name) and dropped remarks (raw, name) to record for each row it is on."""

    names: list[str]
    moved_co: list[str]
    marked: bool
    notes: list[str]
    rule: bool
    repairs: list[tuple[str, str]] = field(default_factory=list)  # (kind, message)
    cleaned: list[tuple[str, str]] = field(default_factory=list)
    remarks: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class PlanTable:
    """A whole year's table, ready to store."""

    tasks: list[TaskRow]
    title: str | None = None
    input_format: str = ""
    repairs: list[Repair] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # canonical fields present in the source

    @property
    def goals(self) -> dict[int, str]:
        return {t.goal_no: t.goal for t in self.tasks}

    def names(self, attr: str) -> set[str]:
        return {n for t in self.tasks for n in getattr(t, attr)}

    def count(self, kind: str) -> int:
        return sum(r.kind == kind for r in self.repairs)

    def content_hash(self) -> str:
        """A digest of the tasks' content, independent of the file format it came from."""
        digest = ContentDigest()
        tasks = self.tasks
        for start in range(0, len(tasks), _HASH_CHUNK):
            digest.add(tasks[start:start + _HASH_CHUNK])
        return digest.hexdigest()


class ContentDigest:
    """:meth:`PlanTable.content_hash` fed the tasks a chunk at a time, in order (a load that
    stores the tasks as they are read digests them on the way)."""

    _KEYS = ("code", "goal_no", "goal", "standard", "leaders", "units", "co_units",
             "deadline", "section")

    def __init__(self) -> None:
        # The digest of json.dumps(list of dicts, ensure_ascii=False), fed some hundred tasks
        # at a time: never the whole table's JSON in memory. A task of the usual types is
        # written directly, as the encoder writes it; any other goes through the encoder.
        self._digest = hashlib.sha256(b"[")
        self._first = True

    def add(self, tasks: list[TaskRow]) -> None:
        """The next tasks of the table."""
        if not tasks:
            return
        items = []
        for t in tasks:
            item = _task_json(t)
            items.append(_JSON_ENCODE({k: getattr(t, k) for k in self._KEYS})
                         if item is None else item)
        self._digest.update(((", " if not self._first else "") + ", ".join(items)).encode())
        self._first = False

    def hexdigest(self) -> str:
        digest = self._digest.copy()
        digest.update(b"]")
        return digest.hexdigest()


_HASH_CHUNK = 500
# json.dumps(…, ensure_ascii=False) builds this encoder anew on each call.
_JSON_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


def _task_json(t: TaskRow) -> str | None:
    """The JSON ``content_hash`` digests for ``t``, as ``json.dumps`` writes it, or None for
    a task with a field of another type than the usual (then the encoder writes it)."""
    if (type(t.goal_no) is not int or type(t.leaders) is not list
            or type(t.units) is not list or type(t.co_units) is not list):
        return None
    try:  # encode_basestring raises TypeError for anything but a str
        return (f'{{"code": {_str_json(t.code)}, "goal_no": {int.__repr__(t.goal_no)}, '
                f'"goal": {_str_json(t.goal)}, "standard": {_str_json(t.standard)}, '
                f'"leaders": [{", ".join(map(_str_json, t.leaders))}], '
                f'"units": [{", ".join(map(_str_json, t.units))}], '
                f'"co_units": [{", ".join(map(_str_json, t.co_units))}], '
                f'"deadline": {"null" if t.deadline is None else _str_json(t.deadline)}, '
                f'"section": {"null" if t.section is None else _str_json(t.section)}}}')
    except TypeError:
        return None


def _key_is_lead(key: str) -> bool:
    """A unit header that names the lead (牵头单位, 主办单位), not a plain 责任单位."""
    return any(word in key for word in ("牵头", "主办", "主责"))


def parse_goal_no(text: str) -> int | None:
    """Goal numbers as written: 1, 1., 一, 一、, （一）, 第一, 十二 -> int; None if not a number."""
    t = squeeze(text).strip("（()）、.．。:：")
    t = t.removeprefix("第").removesuffix("项")
    if t.isdigit():
        return int(t)
    if not t or any(c not in CN_DIGITS and c not in "十百" for c in t):
        return None
    total, current = 0, 0
    for char in t:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = CN_DIGITS[char]
    return total + current


def read_goal_number(text: str) -> tuple[str | None, int | None]:
    """A 序号 cell's text read: the goal part of a goal.task code (``1.2`` -> ``1``, else
    None) and the goal number of what is left (None for none)."""
    code_part = m.group(1) if (m := _CODE.match(squeeze(text))) else None
    no = text if code_part is None else code_part
    return code_part, parse_goal_no(no) if no else None


# What _GOAL_NUMBER's number starts with (after white space), besides a digit (\d: isdecimal)
_GOAL_NUMBER_FIRST = frozenset("一二三四五六七八九十（(第")


def _goal_text(raw: str) -> tuple[str, str | None]:
    """A goal cell's text stripped, and the name without the number written before it
    when there is one (一、稳增长 -> 稳增长), else None."""
    goal = squeeze(raw) and raw.strip()
    # (a goal that starts with no number is not matched: most goals, and the pattern is
    # compiled only for a table that numbers them)
    if (goal and (goal[0] in _GOAL_NUMBER_FIRST or goal[0].isdecimal())
            and (bare := _GOAL_NUMBER.sub("", goal, count=1).strip()) != goal and bare):
        return goal, bare
    return goal, None


def _joined(values: list[str]) -> str:
    """A cell's pieces stripped and joined (a cell's text without the spaces around them)."""
    if len(values) == 1:
        return values[0].strip()
    return "".join([v.strip() for v in values])


def split_values(values: list[str]) -> list[str]:
    """Split cell pieces on 、，,；;/ and line breaks, never inside brackets."""
    pieces = [p for v in values for p, _ in split_outside_brackets(v, _SEPARATORS)]
    return [p.strip() for p in pieces if p.strip()]


def split_units(values: list[str]) -> list[str]:
    """Split unit cells like :func:`split_values`, but keep a shared-suffix enumeration
    such as 各县、市、区政府 whole (its pieces cannot stand alone) and drop a trailing 等."""
    return [piece for piece, _ in unit_pieces(values)]


def unit_pieces(values: list[str]) -> list[tuple[str, bool]]:
    """The pieces of :func:`split_units`, each with whether it starts a line (a value or a
    line of one): only such a piece can be the wrapped end of the name before it."""
    out: list[tuple[str, bool]] = []
    for value in values:
        for line in value.split("\n"):
            for k, part in enumerate(line.split("/")):
                pieces = [p.strip() for p in split_names(part) if p.strip()]
                out.extend((p, j == 0 and k == 0) for j, p in enumerate(pieces))
    return out


_NUMBERING = lazy(
    r"^\s*(?:第?[一二三四五六七八九十百零〇]+[、.．项是]|[（(][一二三四五六七八九十\d]+[)）]"
    r"|\d+[、.．](?!\d)|[①-⑳])\s*")


def strip_numbering(text: str) -> str:
    """A heading without its number: 一、经济发展 -> 经济发展; （二）改革 -> 改革."""
    return _NUMBERING.sub("", text.strip(), count=1).strip() or text.strip()


def year_from(title: str | None, filename: str | None) -> int | None:
    """A year named in the title (``2019年``, ``二〇一九年``), else in the file name
    (``2019年分解表.xlsx``, ``分解表20190301.xlsx``)."""
    if year := text_year(title):
        return year
    stem = Path(filename).stem if filename else ""
    if year := text_year(stem):
        return year
    if m := _YEAR_IN_NAME.search(stem):
        return int(m.group(1))
    return None


class _Normaliser:
    def __init__(self, source: SourceTable, lead_first: bool = False,
                 release_rows: bool = False) -> None:
        self.source = source
        self.release_rows = release_rows
        self.lead_first = lead_first
        self.columns = map_header(source.header)
        self.extra = {k: v for k, v in extra_columns(source.header).items()
                      if k in NAME_FIELDS}
        # The column of each field read from one column alone (not from two, see cell).
        self.plain_columns = {k: v for k, v in self.columns.items() if k not in self.extra}
        header_keys = {header_field(h): squeeze(h) for h in source.header}
        # A lead-unit column (牵头单位) marks who leads; 责任单位 alone lists without marking.
        self.lead_column = _key_is_lead(header_keys.get("units", ""))
        # Rows read anew on each pass (a long CSV): cleaned of invisible characters as read,
        # never dropped from the source (they are not held).
        self.streamed = not isinstance(source.rows, list)
        self.invisible: list[Repair] = []  # the streamed rows' invisible characters removed
        self.dirty: set[int] = set()  # positions of the streamed rows that had any
        # Positions (1) of rows the first pass found to be rows of 3+ texts, 工作标准 filled,
        # no invisible character: no note or heading row (see :meth:`skip_row`).
        self.task_rows = bytearray()
        self.at = -1  # the position of the row being read (lone headings are told by it)
        self.count = 0  # tasks so far
        self.changed = 0  # tasks whose first-listed unit was made the lead
        self.document_rule = False
        self.goal_names: dict[int, str] = {}
        self.goal_keys: dict[str, int] = {}  # squeezed goal name -> number
        self.top_goal = 0  # max(goal_names), kept so a new goal's number costs nothing
        self.seq: dict[int, int] = {}
        self.last_in_goal: dict[int, TaskRow] = {}
        self.current_no: int | None = None
        self.current_section: str | None = None
        self.heading_goal: str | None = None
        self.headings: list[tuple[str, str]] = []  # (numbering style, text), outer first
        self.heading_clause: Clause | None = None
        self.code_note = False
        self.task_numbers = False
        self.table_rule = False
        # CSV files and notices have no pages: their rows name the goal on every row.
        self.paged = source.input_format not in ("csv", "notice")
        self.repairs: list[Repair] = []
        self.cleaned: dict[str, tuple[str, int]] = {}
        # Remarks dropped from names: raw name -> (name, what was dropped, times).
        self.remarks: dict[str, tuple[str, str, int]] = {}
        # Each distinct cell text read once: kind -> the text of a one-piece cell (else the
        # tuple of its pieces) -> its reading; ``reads``: readings in this round (see names).
        self.read_cache: dict[str, dict[str | tuple[str, ...], CellNames]] = {}
        self.older_reads: dict[str, dict[str | tuple[str, ...], CellNames]] = {}
        self.reads = 0
        self.last_filled: tuple[list[SourceCell] | None, list[tuple[int, str]]] = (None, [])
        self.renamed_goals: set[str] = set()
        # 序号 and goal texts repeat on every row of a goal: each read once.
        self.goal_numbers: dict[str, tuple[str | None, int | None]] = {}
        self.goal_texts: dict[str, tuple[str, str | None]] = {}
        self.lone_headings: set[int] = set()  # positions of rows (see :meth:`scan`)
        # Notices are split into names by their reader; their lines never wrap a name.
        self.wrapped = source.input_format != "notice"
        # A notice is a list, not a table: a task without a label has none (no merged cells).
        self.inherits = source.input_format != "notice"

    def check_duplicates(self) -> None:
        """Two columns of the same role: names are read from both; any other is an error
        naming both columns (reading the first alone would drop the other silently)."""
        header = self.source.header
        for name, extra in extra_columns(header).items():
            if name in NAME_FIELDS:
                cols = "、".join(repr(header[i].strip()) for i in [self.columns[name], *extra])
                self.repairs.append(Repair("note", "", (
                    _("{header}: names read from every column of that role ({cols})")
                        .format(header=LABELS[name], cols=cols))))
                continue
            first = self.columns[name]
            cols = [first, *extra]
            named = " and ".join(f"{header[i].strip()!r} (column {_letters(i)})" for i in cols)
            raise SourceError(
                _("the table has {n} {header} columns: {named}; taskduty cannot tell which one to "
                  "read")
                    .format(n=len(cols), header=LABELS[name], named=named),
                hint=_("rename or delete the extra column, then load the file again"))

    def check_columns(self) -> None:
        # Without a 目标名称 column the goals come from heading rows (一、…) or form one group;
        # without a 分管领导 column the leaders come from group rows that name them.
        missing = [LABELS[f] for f in ("standard", "units") if f not in self.columns]
        if missing:
            found = "、".join(h.strip() for h in self.source.header if h.strip()) or _("none")
            raise SourceError(
                _("the table lacks required columns: {missing} (found: {found})")
                    .format(missing='、'.join(missing), found=found),
                hint=_("accepted headers include 目标名称/目标任务, 工作标准/工作任务/任务内容, "
                       "分管领导/责任领导, 牵头单位/牵头责任单位"),
            )

    def cell(self, cells: list[SourceCell], name: str) -> SourceCell:
        index = self.columns.get(name)
        if index is None or index >= len(cells):
            return _BLANK
        if name not in self.extra:
            return cells[index]
        more = [cells[i] for i in self.extra[name] if i < len(cells)]
        if not more:
            return cells[index]
        # two columns of names (牵头单位 and 责任单位 …): both are read, never the first alone
        parts = [cells[index], *more]
        return SourceCell(values=[v for c in parts for v in c.values],
                          merged=all(c.merged or c.blank for c in parts)
                          and any(c.merged for c in parts))

    def names(self, cell: SourceCell, ref: str, kind: str) -> CellNames:
        """The names of a leader (``kind="leaders"``) or unit cell, cleaned and repaired,
        with what the cell said besides (see :class:`CellNames`); its repairs are recorded.

        A cell's reading depends on its text alone, so each distinct cell text is read once
        (leaders and units repeat on most rows of a table) and only its repairs are recorded
        again for each row.
        """
        values = cell.values
        key: str | tuple[str, ...] = values[0] if len(values) == 1 else tuple(values)
        cache = self.read_cache.get(kind)
        found = cache.get(key) if cache is not None else None
        if found is None:
            # A long table's cells in bounded memory: the readings of the last two rounds of
            # _READ_CACHE distinct cells are kept (those still in use come along).
            older = self.older_reads.get(kind)
            found = (older.get(key) if older is not None else None) or self.read_names(
                values, kind)
            if self.reads >= _READ_CACHE:
                self.older_reads, self.read_cache, self.reads = self.read_cache, {}, 0
                cache = None
            if cache is None:
                cache = self.read_cache[kind] = {}
            cache[key] = found
            self.reads += 1
        if found.repairs:
            for repair_kind, message in found.repairs:
                self.repairs.append(Repair(repair_kind, ref, message))
        if found.cleaned:
            for raw, name in found.cleaned:
                seen = self.cleaned.get(raw)
                self.cleaned[raw] = (name, (seen[1] if seen else 0) + 1)
        if found.remarks:
            for raw, name in found.remarks:
                seen_remark = self.remarks.get(raw)
                self.remarks[raw] = (name, raw[len(name):] if raw.startswith(name) else "",
                                     (seen_remark[2] if seen_remark else 0) + 1)
        return found

    def read_names(self, values: list[str], kind: str) -> CellNames:
        """The reading of one cell's text (no state changed: :meth:`names` records it).

        Units marked （配合） in a lead-unit cell go to ``moved_co`` instead. A unit cell
        with labels or role words (``牵头单位：X``, ``X牵头，Y配合``) is read by the clause
        grammar: its co-units go to ``moved_co``, another level's units to ``notes``.
        """
        if kind != "leaders" and len(values) == 1 and (
                plain := plain_unit_names(values[0])) is not None:
            return CellNames(plain, [], False, [], False)  # most unit cells: names only
        if kind != "leaders" and (clause := self.cell_clause(values, kind)) is not None:
            units = list(clause.units)
            co = [u for u in clause.co_units if u not in clause.units]
            if kind == "co_units":
                return CellNames(units + co, [], clause.marked, list(clause.notes), clause.rule)
            return CellNames(units, co, clause.marked, list(clause.notes), clause.rule)
        out = CellNames([], [], False, [], False)
        repair_fragments = kind != "leaders"
        pieces = (unit_pieces(values) if repair_fragments
                  else [(v, False) for v in split_values(values)])
        if repair_fragments:
            pieces = [(p, starts and k == 0) for piece, starts in pieces
                      for k, p in enumerate(self.spaced(piece, out))]
        names = out.names
        for piece, starts_line in pieces:
            name = squeeze(piece)
            if name != piece:
                out.cleaned.append((piece, name))
            name, role = self.remark(name, kind, out)
            if role == "co" and kind == "units":
                if name not in out.moved_co:
                    out.moved_co.append(name)
                continue
            if role == "lead" and kind == "units":
                out.marked = True
            if (repair_fragments and self.wrapped and starts_line and names
                    and name in GENERIC_SUFFIXES):
                joined = names[-1] + name
                out.repairs.append((
                    "repaired",
                    _("joined wrapped unit name {first!r} + {rest!r} -> {joined!r}").format(
                        first=names[-1], rest=name, joined=joined)))
                names[-1] = joined
                continue
            if name not in names:
                names.append(name)
        if not names and out.moved_co:  # every unit marked: they are the cell's units
            out.names, out.moved_co = out.moved_co, []
        if out.moved_co:
            out.marked = True
        return out

    @staticmethod
    def spaced(piece: str, out: CellNames) -> list[str]:
        """A piece split at spaces when they separate unit names (see clauses.space_split)."""
        parts = space_split(piece)
        if len(parts) > 1:
            out.repairs.append((
                "cleaned", _("units separated by spaces {piece!r} read as {units}").format(
                    piece=piece, units="、".join(parts))))
        return parts

    def cell_clause(self, values: list[str], kind: str) -> Clause | None:
        """A unit cell read by the clause grammar, or None for a plain list of names.

        Each line is a labelled paragraph (``牵头单位：X``) or a list with role words; a unit
        label of another level of government (``省牵头单位：…`` in a city's table) is kept as a
        note, not as this government's units.
        """
        lines = [line.strip() for v in values for line in v.split("\n") if line.strip()]
        if not lines:
            return None
        parsed: list[tuple[tuple[str, str | None] | None, str, str]] = []
        special = False
        for line in lines:
            m = _CELL_LABEL.match(line)
            kind_level = label_kind(m.group(1)) if m else None
            if m and kind_level is not None:
                parsed.append((kind_level, m.group(1), line[m.end():]))
                special = True
            else:
                parsed.append((None, "", line))
                # In a 牵头单位 column every unit leads: a （牵头） mark demotes no one.
                marks = not (kind == "units" and self.lead_column)
                special = special or has_roles(line, marks) or states_rule(line)
        if not special:
            return None
        default = "co_units" if kind == "co_units" else "units"
        bare_units = [u for kl, _, text in parsed if kl is None
                      for u in parse_roles(text, default).units]
        clause = Clause()
        pairs: list[tuple[str, str]] = []
        for kind_level, label, text in parsed:
            if kind_level is None:
                part = parse_roles(text, default)
                clause.merge(part)
                continue
            label_type, level = kind_level
            if label_type in ("units", "co_units", "plain") and other_level(level, bare_units):
                clause.notes.append(f"{squeeze(label)}：{text.strip()}")
                continue
            pairs.append((label, text))
        if pairs:
            clause.merge(labelled(pairs))
        return clause

    @staticmethod
    def remark(name: str, kind: str, out: CellNames) -> tuple[str, str | None]:
        """A name without a role remark in brackets, and the role it named (lead/co/None);
        a dropped remark is added to ``out.remarks``.

        Leaders are people: every bracketed remark goes (张三（常务副区长） -> 张三). Units
        lose only a role marker (区发改局（牵头）); a bracket that is part of a unit's name
        (各街办（新区）) stays.
        """
        if kind == "leaders":
            bare = strip_title(_ANY_BRACKET.sub("", name).strip())  # 王五副市长 -> 王五
            if not bare or bare == name:
                return name, None
            out.remarks.append((name, bare))
            return bare, None
        m = _TRAILING_BRACKET.match(name)
        if not m or not m.group(1).strip():
            return name, None
        mark = m.group(2).strip()
        if mark in _LEAD_MARKS or mark in _CO_MARKS:
            bare = m.group(1).strip()
            out.remarks.append((name, bare))
            return bare, "co" if mark in _CO_MARKS else "lead"
        return name, None

    def scan(self) -> None:
        """The first pass over the rows, for the rules that need the whole table: which rows
        with text only in the goal column are headings (the next task row names a goal of
        its own: 一、经济发展 above 稳增长), whether 序号 numbers the tasks
        (:class:`_TaskNumbers`), and whether a note row states the first-listed-leads rule."""
        goal = self.columns.get("goal")
        numbers = _TaskNumbers() if "goal_no" in self.columns else None
        pending: list[int] = []
        waiting: list[tuple[int, list[SourceCell]]] = []  # rows told once pending is
        # (a 工作标准 that is not blank is another filled cell than the goal's: no need to
        # look at the others)
        other = self.columns.get("standard") != goal
        search = _invisible_search()
        rows = self.source.rows
        plain = isinstance(rows, LazyRows) and rows.has_plain
        std_i, no_i = self.columns.get("standard"), self.columns.get("goal_no")
        for at, item in enumerate(rows.plain() if plain else rows):  # type: ignore[union-attr]
            if plain:
                ref, texts = item
                text = texts[std_i] if std_i is not None and std_i < len(texts) else ""
                distinct = len(set(texts)) - ("" in texts)
                fast = bool(text) and other and distinct >= 2 and search("".join(texts)) is None
                # with 3+ texts it is no heading row either (skip_row need not read it)
                self.task_rows.append(fast and distinct >= 3)
                if fast:
                    # Most rows: a task row (工作标准 filled: no lone heading) with 2+ texts
                    # (no note row), told from the texts alone.
                    if goal is not None:
                        if pending and goal < len(texts) and texts[goal]:
                            self.lone_headings.update(pending)
                        pending = []
                    if numbers is not None:
                        for self.at, waited in waiting:
                            numbers.row(self, waited)
                        waiting.clear()
                        numbers.task(numbers.squeezed_of(
                            texts[no_i] if no_i is not None and no_i < len(texts) else ""),
                            numbers.squeezed_of(
                                texts[goal] if goal is not None and goal < len(texts) else ""))
                    continue
                row = SourceRow([SourceCell([t]) if t else SourceCell() for t in texts], ref)
            else:
                row = item
            if self.streamed and _clean_row(row, self.invisible, search):
                self.dirty.add(at)
            cells = row.cells
            found = self.filled(cells)
            if (not self.table_rule and found and (note := self.footnote(cells)) is not None
                    and states_rule(note)):
                self.table_rule = True
            if goal is not None:
                task_row = not self.cell(cells, "standard").blank
                if not (task_row and other) and [i for i, _t in found] == [goal]:
                    pending.append(at)
                elif task_row:
                    if pending and not self.cell(cells, "goal").blank:
                        self.lone_headings.update(pending)
                    pending = []
            if numbers is None:
                continue
            if pending:  # whether a row above is a heading is told by a row below
                waiting.append((at, cells))
                continue
            for self.at, waited in waiting:
                numbers.row(self, waited)
            waiting.clear()
            self.at = at
            numbers.row(self, cells)
        if numbers is not None:
            for self.at, waited in waiting:
                numbers.row(self, waited)
            self.task_numbers = numbers.result()
        self.at = -1

    def filled(self, cells: list[SourceCell]) -> list[tuple[int, str]]:
        """The row's cells that are not blank: (column, text without the spaces around its
        pieces); the last row's kept, as a row is asked about both as a note and a heading."""
        if self.last_filled[0] is cells:
            return self.last_filled[1]
        out: list[tuple[int, str]] = []
        for i, c in enumerate(cells):
            values = c.values
            if values:
                text = values[0].strip() if len(values) == 1 else "".join(
                    [v.strip() for v in values])
                if text:
                    out.append((i, text))
        self.last_filled = (cells, out)
        return out

    def footnote(self, cells: list[SourceCell]) -> str | None:
        """The text of a note row under or inside the table (注：…), or None."""
        texts = {text for _i, text in self.filled(cells)}
        if len(texts) == 1 and _FOOTNOTE.match(squeeze(next(iter(texts)))):
            return next(iter(texts))
        return None

    def heading(self, cells: list[SourceCell]) -> str | None:
        """The text of a heading row (一、经济发展 across the whole row), or None.

        A heading row has no 工作标准 and one text only, spread by a horizontal merge or
        written in one cell; a bare number is not a heading.
        """
        found = self.filled(cells)
        filled = [i for i, _text in found]
        texts = {text for _i, text in found}
        if len(texts) == 2 and (numbered := self.numbered_heading(cells, filled)):
            return numbered
        if len(texts) != 1:
            return None
        if filled == [self.columns.get("goal")] and self.at not in self.lone_headings:
            return None  # a goal name alone in its own column, its tasks below
        if not self.cell(cells, "standard").blank and len(filled) < 3:
            return None  # a merge copied into every cell fills them all
        (text,) = texts
        if parse_goal_no(text) is not None or len(squeeze(text)) < 2:
            return None
        if _FOOTNOTE.match(squeeze(text)):
            return None
        return strip_numbering(text)

    def numbered_heading(self, cells: list[SourceCell], filled: list[int]) -> str | None:
        """A heading row inside a table without a goal column: a Chinese-numbered 序号
        (一, （二）) with text in the task column and nothing else, not even a merged unit
        cell — a goal or section, not a task without units."""
        no_i, std_i = self.columns.get("goal_no"), self.columns.get("standard")
        if (no_i is None or std_i is None or "goal" in self.columns
                or sorted(filled) != sorted([no_i, std_i])):
            return None
        if any(self.cell(cells, f).merged for f in ("units", "leaders")):
            return None
        no = squeeze("".join(self.cell(cells, "goal_no").values))
        if not re.fullmatch(r"[（(]?[一二三四五六七八九十]+[)）]?[、.．]?", no):
            return None
        return strip_numbering("".join(self.cell(cells, "standard").values))

    def heading_style(self, cells: list[SourceCell]) -> tuple[str, str] | None:
        """The numbering style of a heading row (一、 / （一） / 1.), for its level."""
        from taskduty.sources.notice import numbering

        raw = next(("".join(v.strip() for v in c.values) for c in cells if not c.blank), "")
        if (found := numbering(raw)) is not None:
            return found
        return numbering(raw + "、") if re.fullmatch(r"[一二三四五六七八九十]+", raw) else None

    def prepare(self) -> None:
        """Before the first task: the first pass (:meth:`scan`), then :meth:`checks`."""
        self.scan()
        self.checks()

    def checks(self) -> None:
        """The header's checks and the notes on the whole table (after :meth:`scan`)."""
        source = self.source
        self.repairs = [*self.invisible, *(Repair("note", "", n) for n in source.notes),
                        *(Repair("warning", "", w) for w in source.warnings)]
        self.check_columns()
        self.check_duplicates()
        if self.task_numbers:
            self.repairs.append(Repair(
                "note", "", _("序号 numbers the tasks, not the goals: goals are numbered in the "
                              "order they appear")))
        if "leaders" not in self.columns:
            self.repairs.append(Repair(
                "note", "", _("the table has no 分管领导 column: leaders come from group rows "
                              "that name them (一、张三副市长牵头工作), if any")))
        self.document_rule = self.table_rule or any(
            states_rule(t) for t in [*source.above, source.title or "", *source.header])
        self.heading_above_header()

    def run(self) -> PlanTable:
        """Every row in turn: note rows, heading rows, then tasks; then the summary."""
        self.prepare()
        return self.plan(list(self.emit()))

    def plan(self, tasks: list[TaskRow]) -> PlanTable:
        """The year's table of ``tasks`` (all of :meth:`emit`)."""
        return PlanTable(tasks=tasks, title=self.source.title,
                         input_format=self.source.input_format, repairs=self.repairs,
                         columns=[f for f in LABELS if f in self.columns])

    def emit(self) -> Iterator[TaskRow]:
        """The tasks, one at a time as their rows are read (after :meth:`prepare`); the
        repairs are complete once the last is given."""
        rows = self.source.rows
        release = self.release_rows and isinstance(rows, list)
        unused: list[Repair] = []  # a streamed row's cleaning was recorded by the first pass
        search = _invisible_search()
        task_rows = self.task_rows
        for i, row in enumerate(rows):
            self.at = i
            if release:  # a row read is not needed again: its cells go as tasks come
                rows[i] = _READ  # type: ignore[index]
            if self.streamed and i in self.dirty:
                _clean_row(row, unused, search)
                unused.clear()
            if not (i < len(task_rows) and task_rows[i]) and self.skip_row(row):
                continue
            found = self.goal_of(row)
            if found is None:
                continue
            number, standard = found
            if not standard:
                if any(not c.blank for i, c in enumerate(row.cells)
                       if i not in (self.columns.get("goal_no"), self.columns.get("goal"))):
                    self.repairs.append(Repair(
                        "warning", row.ref, _("a row without 工作标准 was skipped")))
                continue
            self.count += 1
            yield self.task(row, number, standard)
        self.at = -1
        self.lead_first_note()
        self.summarise()
        if not self.count:
            raise SourceError(_("the table has a header but no tasks"),
                              hint=_("check that the rows below the header have 工作标准 text"))

    def heading_above_header(self) -> None:
        """A numbered heading right above the header (一、… then 序号 | 任务 | 责任单位) is
        the first heading row of the table."""
        above = [t.strip() for t in self.source.above if t.strip()]
        if not above or "goal" in self.columns:
            return
        from taskduty.sources.notice import numbering  # (not imported by a plain table's load)

        if numbering(above[-1]) is not None:
            self.push_heading(strip_numbering(above[-1]), numbering(above[-1]),
                              _("above the header"))

    def push_heading(self, title: str, numbered: tuple[str, str] | None, ref: str) -> None:
        """A heading row: with a goal column it is the section; without, the innermost
        heading is the goal and the one above it the section (by numbering style)."""
        if "goal" in self.columns:
            self.current_section = title
            kind = _("section (类别)")
        else:
            style = numbered[0] if numbered else "plain"
            styles = [s for s, _ in self.headings]
            if style in styles:
                del self.headings[styles.index(style):]
            self.headings.append((style, title))
            self.heading_goal = title
            self.current_section = self.headings[-2][1] if len(self.headings) > 1 else None
            self.current_no = None
            kind = _("goal")
        self.heading_clause = heading_responsibility(title) or self.heading_clause_above(title)
        self.repairs.append(Repair(
            "note", ref, _("heading row {title!r} read as the {kind} of the rows below").format(
                title=title, kind=kind)))

    def heading_clause_above(self, title: str) -> Clause | None:
        """The responsibility an outer heading names, for a heading that names none."""
        for _style, text in reversed(self.headings[:-1]):
            if (found := heading_responsibility(text)) is not None:
                return found
        return None

    def skip_row(self, row: SourceRow) -> bool:
        """True for a note row (注：…) or a heading row, which are recorded, not tasks."""
        found = self.filled(row.cells)
        if len(found) >= 3 and len({text for _i, text in found}) >= 3:
            return False  # a note row or a heading row has one text (a numbered heading two)
        if (note := self.footnote(row.cells)) is not None:
            self.repairs.append(Repair("note", row.ref, _("note row skipped: {note!r}")
                .format(note=note[:40])))
            if states_rule(note):
                self.table_rule = True
            return True
        if (title := self.heading(row.cells)) is not None:
            self.push_heading(title, self.heading_style(row.cells), row.ref)
            return True
        return False

    def goal_of(self, row: SourceRow) -> tuple[int, str] | None:
        """The goal number of a task row and its 工作标准, or None for a row that fits no goal.

        A goal is found by 序号, by name, or is the goal of the rows above; new goal names
        are numbered in order.
        """
        ref, cells = row.ref, row.cells
        plain, count = self.plain_columns, len(cells)
        at = plain.get("goal_no")
        values = (cells[at] if at is not None and at < count
                  else self.cell(cells, "goal_no")).values
        no_text = values[0].strip() if len(values) == 1 else "".join([v.strip() for v in values])
        at = plain.get("goal")
        values = (cells[at] if at is not None and at < count
                  else self.cell(cells, "goal")).values
        goal_text = (values[0].strip() if len(values) == 1
                     else "".join([v.strip() for v in values]))
        at = plain.get("section")
        values = (cells[at] if at is not None and at < count
                  else self.cell(cells, "section")).values
        section_text = (values[0].strip() if len(values) == 1
                        else "".join([v.strip() for v in values]))
        at = plain.get("standard")
        values = (cells[at] if at is not None and at < count
                  else self.cell(cells, "standard")).values
        standard = (values[0].strip() if len(values) == 1
                    else "\n".join([v.strip() for v in values if v.strip()]))
        if self.task_numbers:
            no_text = ""
        if "goal" not in self.columns:
            goal_text = self.heading_goal or ""
            if not goal_text and self.current_no is None:
                goal_text = "全部任务"
                self.repairs.append(Repair(
                    "note", ref, _("the table has no 目标名称 column and no heading rows: its "
                                   "tasks form one goal, 全部任务")))
            no_text = ""
        if section_text:
            self.current_section = section_text
        found = self.goal_numbers.get(no_text)
        if found is None:
            found = self.goal_numbers[no_text] = read_goal_number(no_text)
        code_part, number = found
        if code_part is not None:
            if not self.code_note:
                self.code_note = True
                self.repairs.append(Repair(
                    "note", ref, _("序号 {text!r} numbers goal.task: the goal number is its first "
                                   "part")
                        .format(text=no_text)))
            no_text = code_part
        if no_text and number is None:
            self.repairs.append(Repair(
                "warning", ref, _("序号 {text!r} is not a goal number; ignored")
                    .format(text=no_text)))
        goal = self.goal_name(goal_text, ref)
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

    def goal_name(self, raw: str, ref: str) -> str:
        """A goal name without the number written before it (一、稳增长 -> 稳增长)."""
        found = self.goal_texts.get(raw)  # a goal's name is on each of its rows
        if found is None:
            found = self.goal_texts[raw] = _goal_text(raw)
        goal, bare = found
        if bare is not None:
            if goal not in self.renamed_goals:
                self.renamed_goals.add(goal)
                self.repairs.append(Repair(
                    "cleaned", ref, _("goal name {goal!r} read as {bare!r} (number before the "
                                      "name dropped)")
                        .format(goal=goal, bare=bare)))
            goal = bare
        return goal

    def name_goal(self, number: int, goal: str, ref: str) -> None:
        """Record goal ``number``'s name, noting a page break or a name that disagrees."""
        goal_column = "goal" in self.columns
        if number in self.goal_names:
            named = self.goal_names[number]
            if goal and goal != named and squeeze(goal) != squeeze(named):
                self.repairs.append(Repair(
                    "warning", ref,
                    _("goal {number} is named {goal!r} here but {goal_names!r} above; the first "
                      "name is kept")
                        .format(number=number, goal=goal, goal_names=self.goal_names[number])))
            elif goal and number == self.current_no and self.paged and goal_column:
                self.repairs.append(Repair(
                    "note", ref, _("goal {number} printed again (page break); continued")
                        .format(number=number)))
            elif goal and number != self.current_no and goal_column:
                self.repairs.append(Repair(
                    "note", ref, _("goal {number} appears again after another goal; merged")
                        .format(number=number)))
        elif goal:
            self.goal_names[number] = goal
            self.goal_keys.setdefault(squeeze(goal), number)
        else:
            self.repairs.append(Repair("warning", ref, _("goal {number} has no 目标名称")
                .format(number=number)))
            self.goal_names[number] = ""
        self.top_goal = max(self.top_goal, number)

    def task(self, row: SourceRow, number: int, standard: str) -> TaskRow:
        """One task of goal ``number``: its cells read, blanks inherited within the goal."""
        ref, cells = row.ref, row.cells
        seq = self.seq[number] = self.seq.get(number, 0) + 1
        code = f"{number}.{seq}"
        previous = self.last_in_goal.get(number)
        plain, count, names = self.plain_columns, len(cells), self.names
        # the leaders, then the lead units: each cell read, a blank one filled (:meth:`blank`)
        at = plain.get("leaders")
        cell = cells[at] if at is not None and at < count else self.cell(cells, "leaders")
        leaders = list(names(cell, ref, "leaders").names)
        leaders_inherited = False
        if not leaders:
            leaders, leaders_inherited, _heading = self.blank(
                "leaders", "分管领导", cell, code, ref, previous)
        at = plain.get("units")
        cell = cells[at] if at is not None and at < count else self.cell(cells, "units")
        read = names(cell, ref, "units")
        units = list(read.names)
        marked, rule, notes = read.marked, read.rule, list(read.notes)
        moved: list[str] = []
        if read.moved_co:
            moved = list(read.moved_co)
            self.repairs.append(Repair(
                "repaired", ref, _("{code} 牵头单位: {moved} marked as cooperating (配合) -> "
                                   "配合单位").format(code=code, moved="、".join(moved)), code))
        units_inherited = False
        if not units:
            units, units_inherited, heading = self.blank(
                "units", "牵头单位", cell, code, ref, previous)
            marked = marked or heading
        at = plain.get("co_units")
        co_cell = cells[at] if at is not None and at < count else self.cell(cells, "co_units")
        co = names(co_cell, ref, "co_units")
        co_units = list(co.names)
        if co.notes:
            notes += co.notes
        rule = rule or co.rule
        at = plain.get("deadline")
        deadline_cell = (cells[at] if at is not None and at < count
                         else self.cell(cells, "deadline"))
        values = deadline_cell.values
        deadline = (values[0].strip() if len(values) == 1
                    else "".join([v.strip() for v in values])) or None
        if previous is not None and co_cell.merged and not co_units:
            co_units = list(previous.co_units)
        if moved:
            co_units += [u for u in moved if u not in co_units]
        if previous is not None and deadline_cell.merged and not deadline:
            deadline = previous.deadline
        task = TaskRow(code, number, self.goal_names[number], seq, standard, leaders, units,
                       co_units, deadline, self.current_section, leaders_inherited,
                       units_inherited, ref)
        if row.notes or notes:
            for note in [*row.notes, *notes]:
                self.repairs.append(Repair(
                    "note", ref, _("{code}: {note} kept as a note (another level of "
                                   "government's units, not this one's)")
                        .format(code=code, note=note), code))
        if row.marked is not None:
            marked = row.marked
        elif "co_units" in self.columns or self.lead_column:
            marked = True
        if not marked and len(units) >= 2 and (
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

    def blank(self, attr: str, label: str, cell: SourceCell, code: str, ref: str,
              previous: TaskRow | None) -> tuple[list[str], bool, bool]:
        """The leaders or lead units (``attr``) of a task whose cell names none: the heading
        above's, or the task above's (a blank or merged cell), else none (a warning).
        Returns them, whether they were inherited and whether the heading named them."""
        from_heading = getattr(self.heading_clause, attr) if self.heading_clause else None
        can_inherit = (self.inherits and previous is not None and bool(getattr(previous, attr))
                       and attr in self.columns)
        if from_heading and not can_inherit:
            # a blank or merged cell continues the task above; the heading names the
            # rest (and fills a column the table does not have)
            return list(from_heading), False, True
        if can_inherit:
            assert previous is not None
            values = list(getattr(previous, attr))
            how = _("merged cell") if cell.merged else _("blank cell")
            self.repairs.append(Repair(
                "inherited", ref,
                _("{code} {label}: {how}, inherited {values} from {previous}")
                    .format(code=code, label=label, how=how, values='、'.join(values),
                            previous=previous.code), code))
            return values, True, False
        if attr == "units" or (self.inherits and attr in self.columns):
            self.repairs.append(Repair("warning", ref, _("{code} has no {label}")
                .format(code=code, label=label), code))
        return [], False, False

    def lead_first_note(self) -> None:
        """The note on the tasks whose first-listed unit was read as the lead (:meth:`task`)."""
        if self.changed:
            why = ("--lead-first" if self.lead_first and not self.document_rule
                   else _("the document's rule (列第一位者为牵头单位)"))
            self.repairs.append(Repair(
                "note", "", _("first-listed unit leads ({why}): {n} tasks' other units read as "
                              "配合单位").format(why=why, n=self.changed)))

    def summarise(self) -> None:
        """One line per cleaned name and dropped remark, after all rows."""
        for raw, (name, times) in self.cleaned.items():
            self.repairs.append(Repair(
                "cleaned", "", _("padded name {raw!r} read as {name!r} ({times} cells)")
                    .format(raw=raw, name=name, times=times)))
        for raw, (name, dropped, times) in self.remarks.items():
            self.repairs.append(Repair(
                "cleaned", "", _("name {raw!r} read as {name!r}: remark {dropped!r} dropped "
                                 "({times} cells)")
                    .format(raw=raw, name=name, dropped=dropped, times=times)))


_READ = SourceRow([], "")  # what stands in the source's place of a row already read
_READ_CACHE = 8192  # distinct cell readings a round keeps (see _Normaliser.names)


class _TaskNumbers:
    """Whether 序号 numbers the tasks (1, 2, 3 … within a goal), not the goals, told from
    the rows in order (:meth:`_Normaliser.scan`).

    Then the goal column (or heading rows) defines the goals and 序号 is only a running
    number. Seen when the table has more distinct 序号 values than goals *and* 序号 changes
    from task to task inside a goal more often than it stays: goal names may repeat in a
    real table (two goals both named 其他工作), which alone must not turn its goal numbers
    into task numbers.
    """

    def __init__(self) -> None:
        self.numbers: set[str] = set()
        self.goals: set[str] = set()
        self.changes = self.stays = 0  # consecutive tasks of one goal: 序号 differs / same
        self.last_goal, self.last_no = "", ""
        self.squeezed: dict[str, str] = {}  # 序号 and goal texts repeat on every row of a goal

    def squeezed_of(self, text: str) -> str:
        found = self.squeezed.get(text)
        if found is None:
            found = self.squeezed[text] = squeeze(text)
        return found

    def text_of(self, norm: _Normaliser, cells: list[SourceCell], name: str) -> str:
        return self.squeezed_of("".join(norm.cell(cells, name).values))

    def row(self, norm: _Normaliser, cells: list[SourceCell]) -> None:
        """The next row (``norm.at`` is its position)."""
        no = self.text_of(norm, cells, "goal_no")
        if norm.cell(cells, "standard").blank:
            if norm.heading(cells):
                self.goals.add(no or str(len(self.goals)))
                self.last_goal, self.last_no = "", ""
            return
        self.task(no, self.text_of(norm, cells, "goal"))

    def task(self, no: str, goal: str) -> None:
        """The next row, a task row: its 序号 and goal texts squeezed."""
        if no:
            no = m.group(1) if (m := _CODE.match(no)) else no
            self.numbers.add(no)
        if goal:
            self.goals.add(goal)
        if no and self.last_no and (not goal or goal == self.last_goal):
            self.changes += no != self.last_no
            self.stays += no == self.last_no
        self.last_goal, self.last_no = goal or self.last_goal, no or self.last_no

    def result(self) -> bool:
        return len(self.numbers) > max(len(self.goals), 1) and self.changes > self.stays


def _letters(index: int) -> str:
    """A 0-based column index as a spreadsheet column letter: 0 -> A, 27 -> AB."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def normalise(source: SourceTable, lead_first: bool = False,
              release_rows: bool = False) -> PlanTable:
    """Turn a reader's plain rows into a year's table of tasks, recording every repair.

    ``lead_first``: where a unit list marks no lead, the first-listed unit leads and the
    others cooperate (the convention of some provinces; ``load --lead-first``).
    ``release_rows``: the caller is done with ``source``: each row is dropped from it once
    read, so a long table's cells and its tasks are not all in memory at once.
    """
    invisible = clean_invisible(source)
    table = _Normaliser(source, lead_first, release_rows).run()
    table.repairs[:0] = invisible
    return table


def clean_invisible(source: SourceTable) -> list[Repair]:
    """Remove invisible characters (zero-width, bidi controls, stray BOMs) from every cell,
    header and title of ``source``, in place; one repair per row that had any."""
    from taskduty.textclean import INVISIBLE

    out = _clean_head(source)
    for row in source.rows:
        _clean_row(row, out, INVISIBLE.search)
    return out


def _clean_head(source: SourceTable) -> list[Repair]:
    """:func:`clean_invisible` of the header and title."""
    out: list[Repair] = []
    source.header = _clean_values(source.header, "header", out)
    if source.title:
        source.title = _clean_values([source.title], "title", out)[0]
    return out


def _clean_values(values: list[str], ref: str, out: list[Repair]) -> list[str]:
    from taskduty.textclean import clean_text, invisible_in

    found = [name for v in values for name in invisible_in(v)]
    if found:
        out.append(Repair("cleaned", ref, _("invisible characters removed: {merged}")
                          .format(merged=", ".join(dict.fromkeys(found)))))
    return [clean_text(v) for v in values]


def _clean_row(row: SourceRow, out: list[Repair],
               search: Callable[[str], object]) -> bool:
    """:func:`clean_invisible` of one row, its repair added to ``out`` (``search``: the
    pattern of invisible characters' search); whether it had any."""
    if search("".join([v for cell in row.cells for v in cell.values])) is None:
        return False  # most rows: nothing to clean
    found_before = len(out)
    for i, cell in enumerate(row.cells):  # new cells: a reader may share one across rows
        row.cells[i] = SourceCell(_clean_values(cell.values, row.ref, out), cell.merged)
    if len(out) > found_before + 1:  # one line per row
        merged = ", ".join(dict.fromkeys(
            n for r in out[found_before:] for n in r.message.split(": ", 1)[1].split(", ")))
        out[found_before:] = [Repair("cleaned", row.ref,
                                     _("invisible characters removed: {merged}")
                                         .format(merged=merged))]
    return True


def _invisible_search() -> Callable[[str], object]:
    from taskduty.textclean import INVISIBLE

    return INVISIBLE.search


_BLANK = SourceCell()  # the cell of a column the table lacks (read, never changed)


class TableStream:
    """A table normalised as its rows are read (:func:`stream_table`): its tasks are given
    one at a time, for a load that stores them as they come; the whole-table rules were
    decided by a first pass over the rows."""

    def __init__(self, source: SourceTable) -> None:
        invisible = _clean_head(source)
        self._norm = _Normaliser(source)
        self._norm.invisible = invisible
        self._norm.scan()
        self.title = source.title
        self.input_format = source.input_format
        self.rows = len(source.rows)
        self._started = False

    def start(self, lead_first: bool = False) -> None:
        """The header's checks (their errors are raised here) and the table's notes, before
        :meth:`tasks` or :meth:`table` (``lead_first``: as for :func:`normalise`)."""
        self._norm.lead_first = lead_first
        self._norm.checks()
        self._started = True

    @property
    def repairs(self) -> list[Repair]:
        """Every repair, once :meth:`tasks` has given its last task."""
        return self._norm.repairs

    def tasks(self) -> Iterator[TaskRow]:
        """The tasks in order (once: the rows are read again)."""
        assert self._started, "TableStream.start first"
        return self._norm.emit()

    def table(self) -> PlanTable:
        """The whole table (instead of :meth:`tasks`): what :func:`normalise` returns."""
        return self._norm.plan(list(self.tasks()))


def stream_table(source: SourceTable) -> TableStream:
    """:func:`normalise` for a source whose rows are read anew on each pass (a long CSV read
    lazily): the first pass over the rows decides the whole-table rules (a reader's errors
    are raised by it); :meth:`TableStream.start`, then :meth:`TableStream.tasks` gives the
    tasks as the rows are read again."""
    return TableStream(source)


def read_table(path: Path, input_format: str | None = None, sheet: str | None = None) -> PlanTable:
    """Read and normalise any supported file."""
    from taskduty.sources import read_source

    return normalise(read_source(path, input_format, sheet), release_rows=True)


def clean_csv(table: PlanTable) -> str:
    """The clean CSV layout: 序号,目标名称,工作标准,分管领导,牵头单位 and any optional
    columns the source had; one row per task, several values joined by 、."""
    import csv
    import io

    from taskduty import csvsafe

    fields = ["goal_no", "goal", "standard", "leaders", "units"]
    fields += [f for f in ("co_units", "deadline")
               if f in table.columns or any(getattr(t, f) for t in table.tasks)]
    if any(t.section for t in table.tasks):
        fields.append("section")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([LABELS[f] for f in fields])
    for task in table.tasks:
        writer.writerow([csvsafe.cell(getattr(task, f) or None) for f in fields])
    return buffer.getvalue()
