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
from dataclasses import dataclass, field
from pathlib import Path

from taskduty.errors import SourceError
from taskduty.fields import LABELS, REQUIRED, map_header, split_outside_brackets, squeeze
from taskduty.sources.base import SourceCell, SourceTable, text_year

# A piece of a unit cell that is only one of these cannot stand alone as a unit name: it is the
# end of a longer name that Word wrapped inside its cell ("住房公积金" / "中心").
GENERIC_SUFFIXES = frozenset([
    "中心", "分中心", "服务中心", "产业园", "园区", "园", "局", "分局", "办",
    "办公室", "委", "委员会", "管委会", "公司", "有限公司", "集团", "集团公司", "总会",
    "协会", "学会", "联合会", "大队", "支队", "中队", "站", "所", "院",
    "馆", "处", "科", "部", "队", "会", "社", "厂", "指挥部",
    "领导小组", "小组", "工作组", "管理处", "管理所", "管理局", "管理站", "研究所", "街道",
    "示范区", "开发区", "新区", "片区",
])

_SEPARATORS = "、，,；;/\n"
# Bracketed markers after a unit name that say its role, not its name: 区发改局（牵头）.
_LEAD_MARKS = frozenset(["牵头", "牵头单位", "牵头部门", "总牵头", "主牵头", "牵头负责", "负责",
                         "主责", "主办", "责任单位"])
_CO_MARKS = frozenset(["配合", "配合单位", "配合部门", "协助", "协办", "协同", "参与"])
_TRAILING_BRACKET = re.compile(r"^(.+?)[（(]([^（()）]*)[)）]$")
_ANY_BRACKET = re.compile(r"[（(][^（()）]*[)）]")
# A goal name that carries its own number: 一、稳增长, （二）促改革, 3.惠民生.
_GOAL_NUMBER = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、．.]|[（(]\s*[一二三四五六七八九十\d]+\s*[)）]\s*[、．.]?"
    r"|\d+\s*[、．](?!\d)|\d+\.(?!\d)|第[一二三四五六七八九十]+[、．.，,：:])\s*")
# 序号 written as goal.task: 1.1, 1-2, 2．3.
_CODE = re.compile(r"^(\d+)\s*[.．\-－—_]\s*\d+$")
# Text under the table, merged across the row like a heading: 注：…, 说明：…, 填报单位：…
_FOOTNOTE = re.compile(r"^(?:注|备注|说明|附注|填报|填表|制表|联系人|审核|签发)")
_CN_NUM = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
# A year alone, or opening a date written as digits (20190301).
_YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:(?:0[1-9]|1[0-2])(?:[0-3]\d)?)?(?!\d)")


@dataclass
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
        keys = ("code", "goal_no", "goal", "standard", "leaders", "units", "co_units",
                "deadline", "section")
        data = [{k: getattr(t, k) for k in keys} for t in self.tasks]
        return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()


def parse_goal_no(text: str) -> int | None:
    """Goal numbers as written: 1, 1., 一, 一、, （一）, 第一, 十二 -> int; None if not a number."""
    t = squeeze(text).strip("（()）、.．。:：")
    t = t.removeprefix("第").removesuffix("项")
    if t.isdigit():
        return int(t)
    if not t or any(c not in _CN_NUM and c not in "十百" for c in t):
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
            current = _CN_NUM[char]
    return total + current


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
    from taskduty.sources.notice import split_units as split_enumeration

    out: list[tuple[str, bool]] = []
    for value in values:
        for line in value.split("\n"):
            for k, part in enumerate(line.split("/")):
                pieces = [p.strip() for p in split_enumeration(part) if p.strip()]
                out.extend((p, j == 0 and k == 0) for j, p in enumerate(pieces))
    return out


_NUMBERING = re.compile(
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
    def __init__(self, source: SourceTable) -> None:
        self.source = source
        self.columns = map_header(source.header)
        self.repairs: list[Repair] = [Repair("note", "", n) for n in source.notes]
        self.repairs += [Repair("warning", "", w) for w in source.warnings]
        self.cleaned: dict[str, tuple[str, int]] = {}
        # Remarks dropped from names: raw name -> (name, what was dropped, times).
        self.remarks: dict[str, tuple[str, str, int]] = {}
        self.moved_co: list[str] = []  # units marked （配合） in the last lead-unit cell
        self.renamed_goals: set[str] = set()
        self.lone_headings = self.find_lone_headings()
        # Notices are split into names by their reader; their lines never wrap a name.
        self.wrapped = source.input_format != "notice"
        # A notice is a list, not a table: a task without a label has none (no merged cells).
        self.inherits = source.input_format != "notice"

    def check_columns(self) -> None:
        # Without a 目标名称 column the goals come from heading rows (一、…) or form one group.
        missing = [LABELS[f] for f in REQUIRED if f not in self.columns and f != "goal"]
        if missing:
            found = "、".join(h.strip() for h in self.source.header if h.strip()) or "none"
            raise SourceError(
                f"the table lacks required columns: {'、'.join(missing)} (found: {found})",
                hint="accepted headers include 目标名称/目标任务, 工作标准/工作任务/任务内容, "
                "分管领导/责任领导, 牵头单位/牵头责任单位",
            )

    def cell(self, cells: list[SourceCell], name: str) -> SourceCell:
        index = self.columns.get(name)
        if index is None or index >= len(cells):
            return SourceCell()
        return cells[index]

    def names(self, cell: SourceCell, ref: str, kind: str) -> list[str]:
        """The names of a leader (``kind="leaders"``) or unit cell, cleaned and repaired.

        Units marked （配合） in a lead-unit cell go to :attr:`moved_co` instead.
        """
        repair_fragments = kind != "leaders"
        pieces = (unit_pieces(cell.values) if repair_fragments
                  else [(v, False) for v in split_values(cell.values)])
        names: list[str] = []
        self.moved_co = []
        for piece, starts_line in pieces:
            name = squeeze(piece)
            if name != piece:
                seen = self.cleaned.get(piece)
                self.cleaned[piece] = (name, (seen[1] if seen else 0) + 1)
            name, role = self.remark(name, kind)
            if role == "co" and kind == "units":
                if name not in self.moved_co:
                    self.moved_co.append(name)
                continue
            if (repair_fragments and self.wrapped and starts_line and names
                    and name in GENERIC_SUFFIXES):
                joined = names[-1] + name
                self.repairs.append(Repair(
                    "repaired", ref,
                    f"joined wrapped unit name {names[-1]!r} + {name!r} -> {joined!r}"))
                names[-1] = joined
                continue
            if name not in names:
                names.append(name)
        if not names and self.moved_co:  # every unit marked: they are the cell's units
            names, self.moved_co = self.moved_co, []
        return names

    def remark(self, name: str, kind: str) -> tuple[str, str | None]:
        """A name without a role remark in brackets, and the role it named (lead/co/None).

        Leaders are people: every bracketed remark goes (张三（常务副区长） -> 张三). Units
        lose only a role marker (区发改局（牵头）); a bracket that is part of a unit's name
        (各街办（新区）) stays.
        """
        if kind == "leaders":
            bare = _ANY_BRACKET.sub("", name).strip()
            if not bare or bare == name:
                return name, None
            self.note_remark(name, bare)
            return bare, None
        m = _TRAILING_BRACKET.match(name)
        if not m or not m.group(1).strip():
            return name, None
        mark = m.group(2).strip()
        if mark in _LEAD_MARKS or mark in _CO_MARKS:
            bare = m.group(1).strip()
            self.note_remark(name, bare)
            return bare, "co" if mark in _CO_MARKS else "lead"
        return name, None

    def note_remark(self, raw: str, name: str) -> None:
        seen = self.remarks.get(raw)
        self.remarks[raw] = (name, raw[len(name):] if raw.startswith(name) else "",
                             (seen[2] if seen else 0) + 1)

    def find_lone_headings(self) -> set[int]:
        """Rows (by ``id`` of their cells) with text only in the goal column that are
        headings: the next task row names a goal of its own (一、经济发展 above 稳增长)."""
        goal = self.columns.get("goal")
        if goal is None:
            return set()
        found: set[int] = set()
        pending: list[int] = []
        for row in self.source.rows:
            filled = [i for i, c in enumerate(row.cells) if not c.blank]
            if filled == [goal]:
                pending.append(id(row.cells))
            elif not self.cell(row.cells, "standard").blank:
                if pending and not self.cell(row.cells, "goal").blank:
                    found.update(pending)
                pending = []
        return found

    def footnote(self, cells: list[SourceCell]) -> str | None:
        """The text of a note row under or inside the table (注：…), or None."""
        texts = {"".join(v.strip() for v in c.values) for c in cells if not c.blank}
        if len(texts) == 1 and _FOOTNOTE.match(squeeze(next(iter(texts)))):
            return next(iter(texts))
        return None

    def heading(self, cells: list[SourceCell]) -> str | None:
        """The text of a heading row (一、经济发展 across the whole row), or None.

        A heading row has no 工作标准 and one text only, spread by a horizontal merge or
        written in one cell; a bare number is not a heading.
        """
        filled = [i for i, c in enumerate(cells) if not c.blank]
        texts = {"".join(v.strip() for v in cells[i].values) for i in filled}
        if len(texts) != 1:
            return None
        if filled == [self.columns.get("goal")] and id(cells) not in self.lone_headings:
            return None  # a goal name alone in its own column, its tasks below
        if not self.cell(cells, "standard").blank and len(filled) < 3:
            return None  # a merge copied into every cell fills them all
        (text,) = texts
        if parse_goal_no(text) is not None or len(squeeze(text)) < 2:
            return None
        if _FOOTNOTE.match(squeeze(text)):
            return None
        return strip_numbering(text)

    def numbers_tasks(self) -> bool:
        """True when 序号 numbers the tasks (1, 2, 3 … within a goal), not the goals.

        Then the goal column (or heading rows) defines the goals and 序号 is only a
        running number. Seen when the table has more distinct 序号 values than goals.
        """
        if "goal_no" not in self.columns:
            return False
        numbers: set[str] = set()
        goals: set[str] = set()
        for row in self.source.rows:
            no = squeeze("".join(self.cell(row.cells, "goal_no").values))
            if self.cell(row.cells, "standard").blank:
                if self.heading(row.cells):
                    goals.add(no or str(len(goals)))
                continue
            if no:
                numbers.add(m.group(1) if (m := _CODE.match(no)) else no)
            goal = squeeze("".join(self.cell(row.cells, "goal").values))
            if goal:
                goals.add(goal)
        return len(numbers) > max(len(goals), 1)

    def run(self) -> PlanTable:
        self.check_columns()
        task_numbers = self.numbers_tasks()
        if task_numbers:
            self.repairs.append(Repair(
                "note", "", "序号 numbers the tasks, not the goals: goals are numbered in the "
                "order they appear"))
        goal_column = "goal" in self.columns
        tasks: list[TaskRow] = []
        goal_names: dict[int, str] = {}
        seq: dict[int, int] = {}
        last_in_goal: dict[int, TaskRow] = {}
        current_no: int | None = None
        current_section: str | None = None
        has_no_column = "goal_no" in self.columns
        # CSV files and notices have no pages: their rows name the goal on every row.
        paged = self.source.input_format not in ("csv", "notice")
        heading_goal: str | None = None
        code_note = False
        for row in self.source.rows:
            ref = row.ref
            if (note := self.footnote(row.cells)) is not None:
                self.repairs.append(Repair("note", ref, f"note row skipped: {note[:40]!r}"))
                continue
            if (title := self.heading(row.cells)) is not None:
                if goal_column:
                    current_section = title
                else:
                    heading_goal = title
                    current_no = None
                self.repairs.append(Repair(
                    "note", ref, f"heading row {title!r} read as the "
                    f"{'section (类别)' if goal_column else 'goal'} of the rows below"))
                continue
            text = {name: "".join(v.strip() for v in self.cell(row.cells, name).values)
                    for name in ("goal_no", "goal", "section", "deadline")}
            if task_numbers:
                text["goal_no"] = ""
            if not goal_column:
                text["goal"] = heading_goal or ""
                if not text["goal"] and current_no is None:
                    text["goal"] = "全部任务"
                    self.repairs.append(Repair(
                        "note", ref, "the table has no 目标名称 column and no heading rows: "
                        "its tasks form one goal, 全部任务"))
                text["goal_no"] = ""
            standard = "\n".join(v.strip() for v in self.cell(row.cells, "standard").values
                                 if v.strip())
            if text["section"]:
                current_section = text["section"]
            if m := _CODE.match(squeeze(text["goal_no"])):
                if not code_note:
                    code_note = True
                    self.repairs.append(Repair(
                        "note", ref, f"序号 {text['goal_no']!r} numbers goal.task: the goal "
                        "number is its first part"))
                text["goal_no"] = m.group(1)
            number = parse_goal_no(text["goal_no"]) if text["goal_no"] else None
            if text["goal_no"] and number is None:
                self.repairs.append(Repair(
                    "warning", ref, f"序号 {text['goal_no']!r} is not a goal number; ignored"))
            goal = squeeze(text["goal"]) and text["goal"].strip()
            if goal and (bare := _GOAL_NUMBER.sub("", goal, count=1).strip()) != goal and bare:
                if goal not in self.renamed_goals:
                    self.renamed_goals.add(goal)
                    self.repairs.append(Repair(
                        "cleaned", ref, f"goal name {goal!r} read as {bare!r} (number "
                        "before the name dropped)"))
                goal = bare
            if number is None and goal:
                known = [n for n, g in goal_names.items() if squeeze(g) == squeeze(goal)]
                if known:
                    number = known[0]
                else:
                    number = max(goal_names, default=0) + 1
                    if has_no_column:
                        self.repairs.append(Repair(
                            "note", ref, f"goal {goal!r} has no 序号; numbered {number}"))
            if number is None:
                number = current_no
            if number is None:
                if standard:
                    self.repairs.append(Repair(
                        "warning", ref, "a task before any goal was skipped"))
                continue
            if number in goal_names:
                if goal and squeeze(goal) != squeeze(goal_names[number]):
                    self.repairs.append(Repair(
                        "warning", ref,
                        f"goal {number} is named {goal!r} here but {goal_names[number]!r} "
                        "above; the first name is kept"))
                elif goal and number == current_no and paged and goal_column:
                    self.repairs.append(Repair(
                        "note", ref, f"goal {number} printed again (page break); continued"))
                elif goal and number != current_no and goal_column:
                    self.repairs.append(Repair(
                        "note", ref, f"goal {number} appears again after another goal; merged"))
            elif goal:
                goal_names[number] = goal
            else:
                self.repairs.append(Repair("warning", ref, f"goal {number} has no 目标名称"))
                goal_names[number] = ""
            current_no = number
            if not standard:
                if any(not c.blank for i, c in enumerate(row.cells)
                       if i not in (self.columns.get("goal_no"), self.columns.get("goal"))):
                    self.repairs.append(Repair(
                        "warning", ref, "a row without 工作标准 was skipped"))
                continue
            seq[number] = seq.get(number, 0) + 1
            code = f"{number}.{seq[number]}"
            previous = last_in_goal.get(number)
            task = TaskRow(code=code, goal_no=number, goal=goal_names[number], seq=seq[number],
                           standard=standard, leaders=[], units=[], section=current_section,
                           ref=ref)
            moved: list[str] = []
            for attr, label in (("leaders", "分管领导"), ("units", "牵头单位")):
                cell = self.cell(row.cells, attr)
                values = self.names(cell, ref, attr)
                if attr == "units" and self.moved_co:
                    moved = self.moved_co
                    self.repairs.append(Repair(
                        "repaired", ref, f"{code} 牵头单位: {'、'.join(moved)} marked as "
                        "cooperating (配合) -> 配合单位", code))
                if (not values and self.inherits and previous is not None
                        and getattr(previous, attr)):
                    values = list(getattr(previous, attr))
                    setattr(task, f"{attr}_inherited", True)
                    how = "merged cell" if cell.merged else "blank cell"
                    self.repairs.append(Repair(
                        "inherited", ref,
                        f"{code} {label}: {how}, inherited {'、'.join(values)} "
                        f"from {previous.code}", code))
                elif not values and (self.inherits or attr == "units"):
                    self.repairs.append(Repair("warning", ref, f"{code} has no {label}", code))
                setattr(task, attr, values)
            co_cell = self.cell(row.cells, "co_units")
            task.co_units = self.names(co_cell, ref, "co_units")
            task.deadline = text["deadline"] or None
            if previous is not None and co_cell.merged and not task.co_units:
                task.co_units = list(previous.co_units)
            task.co_units += [u for u in moved if u not in task.co_units]
            if (previous is not None and self.cell(row.cells, "deadline").merged
                    and not task.deadline):
                task.deadline = previous.deadline
            last_in_goal[number] = task
            tasks.append(task)
        for raw, (name, times) in self.cleaned.items():
            self.repairs.append(Repair(
                "cleaned", "", f"padded name {raw!r} read as {name!r} ({times} cells)"))
        for raw, (name, dropped, times) in self.remarks.items():
            self.repairs.append(Repair(
                "cleaned", "", f"name {raw!r} read as {name!r}: remark {dropped!r} dropped "
                f"({times} cells)"))
        if not tasks:
            raise SourceError("the table has a header but no tasks",
                              hint="check that the rows below the header have 工作标准 text")
        return PlanTable(tasks=tasks, title=self.source.title,
                         input_format=self.source.input_format, repairs=self.repairs,
                         columns=[f for f in LABELS if f in self.columns])


def normalise(source: SourceTable) -> PlanTable:
    """Turn a reader's plain rows into a year's table of tasks, recording every repair."""
    return _Normaliser(source).run()


def read_table(path: Path, input_format: str | None = None, sheet: str | None = None) -> PlanTable:
    """Read and normalise any supported file."""
    from taskduty.sources import read_source

    return normalise(read_source(path, input_format, sheet))


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
