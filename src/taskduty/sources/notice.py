"""Reader for list-form notices (通知): the breakdown published as numbered text, not a table.

A numbered paragraph that carries responsibility labels (``牵头单位：…`` on the lines after
it, or in a bracket at its end) is a task; a numbered paragraph without labels is a heading.
Heading levels are found from the numbering styles as they nest in the document: the
innermost heading above a task is its goal, the outermost (when there are two or more) its
section. Units are split here, keeping shared-suffix enumerations such as 各县、市、区政府
whole; the normaliser does the rest.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from taskduty.clauses import (
    Clause,
    bracket_clause,
    find_label_at_end,
    heading_responsibility,
    label_kind,
    labelled,
    split_tasks,
    states_rule,
)
from taskduty.errors import SourceError
from taskduty.fields import (
    CLOSE_BRACKETS,
    LABELS,
    OPEN_BRACKETS,
    is_header_row,
    squeeze,
)
from taskduty.i18n import N_, _, ngettext
from taskduty.sources.base import SourceCell, SourceRow, SourceTable
from taskduty.sources.textio import read_text

HEADER = [LABELS[k] for k in ("section", "goal_no", "goal", "standard", "leaders", "units",
                              "co_units", "deadline")]

_LABELISH_ENDS = ("领导", "单位", "部门")
_MAX_UNKNOWN = 8

_CJK = "\u4e00-\u9fff"
# A run of Chinese characters (and a bracketed remark) followed by a colon: a label candidate.
_LABEL_RUN = re.compile(rf"([{_CJK}]+)(?:[（(][^（()）]{{0,30}}[)）])?[ \t\u3000]*[：:]")

_CN = "一二三四五六七八九十百零〇"
_NUMBERING: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("part", re.compile(rf"^第[{_CN}]+(?:部分|篇|章|节)[、．.：:\s]*")),
    ("cn", re.compile(rf"^[{_CN}]+\s*[、．.]")),
    ("cn_shi", re.compile(rf"^[{_CN}]+是(?=[{_CN}]?[^{_CN}是])")),
    ("cn_paren", re.compile(rf"^[（(]\s*[{_CN}]+\s*[）)]\s*[、．.]?")),
    ("num_paren", re.compile(r"^[（(]\s*\d+\s*[）)]\s*[、．.]?")),
    ("num", re.compile(r"^\d+\s*(?:[、．]|\.(?!\d))")),
    ("circled", re.compile(r"^[\u2460-\u2473]\s*[、．.]?")),
    ("dash", re.compile(r"^(?:——|－－|--|—)\s*")),
    ("lenticular", re.compile(r"^【(?=[^】]+】[\s。]*$)")),
)
# Word's automatic numbering is not part of the paragraph text: a paragraph numbered by Word
# gets a private marker naming its list level (``numbering`` reads it as a style of its own),
# so that the outline can still be found.
_AUTO_MARK = "\u2063"
_AUTO = re.compile(rf"^{_AUTO_MARK}(\w+){_AUTO_MARK}")
_OPEN = OPEN_BRACKETS
_CLOSE = CLOSE_BRACKETS
_TITLE_HINT = re.compile(r"通知|分解|\d{4}\s*年|[〇○零一二三四五六七八九]{4}\s*年")
_STRIP = " \t\u3000"
_VALUE_STRIP = " \t\u3000。；;，,、.：:"
# Administrative levels that a shared-suffix enumeration lists bare: 各县、市、区政府.
NO_HEADING_GOAL = "全部任务"

NO_TASKS_HINT = N_(
    "a task is a numbered paragraph (1. / （一） / 一、 …) followed by lines such as "
    "牵头单位：… and 责任领导：…, or ending in a bracket such as （牵头单位：…） or "
    "（市发改委牵头）"
)


@dataclass
class _Label:
    """One label found in the text: its name (None when unknown), raw text and value."""

    name: str | None
    raw: str
    value: str


@dataclass
class _Block:
    """A numbered paragraph with the label lines and continuation text that follow it."""

    n: int
    style: str
    text: str
    labels: list[tuple[str, str]] = field(default_factory=list)  # (label, value)
    clauses: list[Clause] = field(default_factory=list)  # unlabelled brackets read as clauses
    extra: list[str] = field(default_factory=list)
    ancestors: list[int] = field(default_factory=list)  # heading blocks above, outer first
    parent: int | None = None  # the block just above in the outline, task or heading

    @property
    def is_task(self) -> bool:
        return bool(self.labels or self.clauses)

    def clause(self) -> Clause:
        clause = labelled(self.labels)
        for extra in self.clauses:
            clause.merge(extra)
        return clause


def numbering(line: str) -> tuple[str, str] | None:
    """The numbering style of a line and the text after the number, or None."""
    if m := _AUTO.match(line):
        return "auto" + m.group(1), line[m.end():].strip(_STRIP)
    for style, pattern in _NUMBERING:
        if m := pattern.match(line):
            rest = line[m.end():].strip(_STRIP)
            if style == "lenticular":
                rest = rest.rstrip("。 \t\u3000").removesuffix("】")
            return style, rest
    return None


def _label_name(run: str) -> tuple[int, str] | None:
    """A known label ending ``run`` (possibly glued to text before it): (offset, label)."""
    return find_label_at_end(run)


def _find_labels(text: str, loose: bool) -> tuple[str, list[_Label]]:
    """Split ``text`` into leading text and labels with their values.

    A known label is found even when glued to the text before it (longest label first). When
    ``loose``, any other short run of characters before a colon counts as an unknown label.
    """
    spots: list[tuple[int, int, str | None, str]] = []  # start, value start, name, raw
    depth = _depths(text)
    for m in _LABEL_RUN.finditer(text):
        if depth[m.start(1)]:
            continue  # 各街办（联系人：…） is part of a value
        run = m.group(1)
        found = _label_name(run)
        raw = text[m.start(1): m.end()].rstrip("：: \t\u3000")
        if found is not None:
            offset, _ = found
            spots.append((m.start(1) + offset, m.end(), raw[offset:], raw[offset:]))
        elif len(run) <= _MAX_UNKNOWN and (loose or run.endswith(_LABELISH_ENDS)):
            spots.append((m.start(1), m.end(), None, run))
    if not spots:
        return text, []
    labels = []
    for i, (_, value_start, name, raw) in enumerate(spots):
        end = spots[i + 1][0] if i + 1 < len(spots) else len(text)
        labels.append(_Label(name, raw, text[value_start:end].strip(_VALUE_STRIP)))
    return text[: spots[0][0]], labels


def _depths(text: str) -> list[int]:
    """Bracket depth at each character of ``text``."""
    out, depth = [], 0
    for char in text:
        if char in _CLOSE:
            depth = max(0, depth - 1)
        out.append(depth)
        if char in _OPEN:
            depth += 1
    return out


def _label_section(text: str) -> list[_Label] | None:
    """The labels of a text made only of labels (a label line or bracket), else None."""
    leading, labels = _find_labels(text, loose=True)
    if not labels or leading.strip(_VALUE_STRIP):
        return None
    first = labels[0]
    if first.name is None and not first.raw.endswith(_LABELISH_ENDS):
        return None
    return labels


def _unwrap(line: str) -> str:
    """A line without one pair of brackets around all of it."""
    t = line.strip(_STRIP).rstrip("。；;")
    if len(t) >= 2 and t[0] in _OPEN and t[-1] in _CLOSE and _matching_open(t) == 0:
        return t[1:-1]
    return t


def _matching_open(text: str) -> int | None:
    """Index of the bracket that opens the one closing ``text``, or None."""
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        if text[i] in _CLOSE:
            depth += 1
        elif text[i] in _OPEN:
            depth -= 1
            if depth == 0:
                return i
    return None


def _split_body(rest: str) -> tuple[str, list[_Label], list[Clause]]:
    """Split a numbered paragraph's text into its body, the labels at its end and the
    unlabelled clause brackets there (``（X牵头，Y配合）``)."""
    labels: list[_Label] = []
    clauses: list[Clause] = []
    body = rest
    while True:  # brackets at the end: （责任领导：…；牵头单位：…） or （X牵头）
        t = body.rstrip(_STRIP + "。；;，,.")
        if not t or t[-1] not in _CLOSE:
            break
        start = _matching_open(t)
        if start is None:
            break
        content = t[start + 1: -1]
        found = _label_section(content)
        if found is not None:
            labels = found + labels
        elif (clause := bracket_clause(content)) is not None:
            if not clause.empty:  # a rule alone (列第一位者为牵头单位) makes no task
                clauses.insert(0, clause)
        else:
            break
        body = t[:start]
    # Inline labels after the text: "…增长8%。牵头单位：市发改委。" (or an unknown 督办领导：)
    m = next((m for m in _LABEL_RUN.finditer(body) if _inline_label(body, m)), None)
    if m is not None:
        offset = (_label_name(m.group(1)) or (0, ""))[0]
        found = _label_section(body[m.start(1) + offset:])
        if found is not None:
            labels = found + labels
            body = body[: m.start(1) + offset]
    return body.strip(_STRIP), labels, clauses


def _inline_label(body: str, m: re.Match[str]) -> bool:
    """Whether a colon run inside a paragraph starts its labels."""
    run = m.group(1)
    found = _label_name(run)
    if found is not None:
        before = m.start(1) + found[0]
        return found[0] == 0 or before == 0 or body[before - 1] in "。；;.） \t\u3000" or (
            label_kind(found[1]) is not None and len(found[1]) >= 4)
    after_sentence = m.start(1) > 0 and body[m.start(1) - 1] in "。；; \t\u3000"
    return after_sentence and len(run) <= _MAX_UNKNOWN and run.endswith(_LABELISH_ENDS)


def _lines(paragraphs: list[str]) -> list[tuple[int, str]]:
    """Non-empty lines with the 1-based number of their non-empty paragraph."""
    out: list[tuple[int, str]] = []
    n = 0
    for paragraph in paragraphs:
        parts = [p.strip(_STRIP) for p in paragraph.splitlines()]
        parts = [p for p in parts if p]
        if not parts:
            continue
        n += 1
        out.extend((n, p) for p in parts)
    return out


def _guess_title(lines: list[tuple[int, str]]) -> str | None:
    if not lines:
        return None
    first = lines[0][1]
    if numbering(first) is None and _TITLE_HINT.search(first):
        return first
    return None


@dataclass
class NoticeScan:
    """What the notice reader saw, for an error when it found no task."""

    numbered: int = 0

    def describe(self) -> str:
        if not self.numbered:
            return _("no numbered items (1. / 一、 / （一） …)")
        return ngettext("{n} numbered item, without a responsibility label or bracket",
                        "{n} numbered items, none with a responsibility label or bracket",
                        self.numbered).format(n=self.numbered)


class NoTasksError(SourceError):
    """The notice reader found no task; ``scan`` says what it saw."""

    def __init__(self, scan: NoticeScan) -> None:
        super().__init__(_("no tasks found in the notice"),
                         _("{seen}; {how}").format(seen=scan.describe(), how=_(NO_TASKS_HINT)))
        self.scan = scan


def _blocks(lines: list[tuple[int, str]], warnings: list[str]) -> list[_Block]:
    """Numbered paragraphs with their labels, clause brackets and continuation lines."""
    blocks: list[_Block] = []

    def take(block: _Block | None, labels: list[_Label], n: int, where: str) -> None:
        for label in labels:
            if label.name is None and block is None:
                continue  # preamble such as 各单位： is not a label
            if label.name is None:
                warnings.append(_("paragraph {n}: unknown label {label}, ignored ({text})")
                                .format(n=n, label=label.raw,
                                        text=f"{label.raw}：{label.value}"))
            elif block is None:
                warnings.append(_("paragraph {n}: {where} outside any task, ignored ({text})")
                                .format(n=n, where=_(where),
                                        text=f"{label.name}：{label.value}"))
            else:
                block.labels.append((label.name, label.value))

    for n, line in lines:
        numbered = numbering(line)
        if numbered is not None and numbered[0] == "lenticular" and _label_section(
                _unwrap(line)) is not None:
            numbered = None  # 【牵头单位：…】 on a line of its own is a label line
        if numbered is not None:
            style, rest = numbered
            pieces = split_tasks(rest)
            for k, (piece, clause) in enumerate(pieces):
                if clause is not None:  # a task closed by its own bracket, more follow
                    block = _Block(n, style if k == 0 else style + "+", piece.strip(_STRIP))
                    block.clauses.append(clause)
                    blocks.append(block)
                    continue
                body, labels, clauses = _split_body(piece)
                if k and not body:
                    continue
                block = _Block(n, style if k == 0 else style + "+", body, clauses=clauses)
                blocks.append(block)
                take(block, labels, n, N_("label"))
            continue
        labels_here = _label_section(_unwrap(line))
        current = blocks[-1] if blocks else None
        if labels_here is not None:
            take(current, labels_here, n, N_("label line"))
            continue
        if current is not None and (current.is_task or _heading_like(current.text)):
            # an unnumbered paragraph closed by a clause bracket is a task of its own
            pieces = [(p, c) if c is not None else _split_body(p)[::2]
                      for p, c in split_tasks(line)]
            found = [(p, c) for p, c in pieces if c]
            if found and all(c for _, c in pieces[:-1]):
                for piece, clause in pieces:
                    if not clause:
                        continue
                    text = piece if isinstance(clause, Clause) else _split_body(piece)[0]
                    block = _Block(n, "para", text.strip(_STRIP))
                    block.clauses.extend([clause] if isinstance(clause, Clause) else clause)
                    blocks.append(block)
                continue
        if current is not None and not current.is_task:
            current.extra.append(line)
        elif current is not None:
            warnings.append(_("paragraph {n}: text after a task's labels, ignored ({text})")
                            .format(n=n, text=line))
    # A second task of one paragraph is a sibling of the first.
    for block in blocks:
        block.style = block.style.removesuffix("+")
    return blocks


def _heading_like(text: str) -> bool:
    """Short text without a sentence's punctuation: a heading, not a wrapped task text."""
    return len(text) <= 40 and not any(ch in text for ch in "。；;，,")


def _preamble_end(blocks: list[_Block]) -> int:
    """Index of the first block of the outline: the chain of headings right above the first
    task. Numbered lines before it (附件：1.…, the notice's own 一、… paragraphs) belong to
    the preamble: neither goals nor tasks."""
    first = next((i for i, b in enumerate(blocks) if b.is_task), None)
    if first is None:
        return 0
    style = blocks[first].style
    j = first - 1
    while j >= 0 and blocks[j].style == style:  # items before it without a clause
        j -= 1
    if j < 0:  # nothing but such items above: they are the preamble's (附件：1.… 2.…)
        return first
    seen = {style}
    start = first if j == first - 1 else j + 1
    for k in range(j, -1, -1):
        if blocks[k].style in seen:
            break
        seen.add(blocks[k].style)
        start = k
    return start


def parse_notice(paragraphs: list[str], title: str | None = None) -> SourceTable:
    """Read the paragraphs of a list-form notice as a table of tasks."""
    lines = _lines(paragraphs)
    if title is None:
        title = _guess_title(lines)
    warnings: list[str] = []
    notes: list[str] = []
    all_blocks = _blocks(lines, warnings)
    rule_from = next((n for n, line in lines if states_rule(line)), None)
    blocks = all_blocks[_preamble_end(all_blocks):]
    _outline(blocks)
    _heading_tasks(blocks)
    tasks = [b for b in blocks if b.is_task]
    if not tasks:
        raise NoTasksError(NoticeScan(numbered=len(all_blocks)))
    warnings.extend(_stray_headings(blocks))

    goal_numbers: dict[int, int] = {}
    rows: list[SourceRow] = []
    selfgoals = 0
    for block in blocks:
        if not block.is_task:
            continue
        standard = "".join([block.text, *block.extra])
        if block.ancestors:
            goal_block = block.ancestors[-1]
            goal = _heading_text(blocks[goal_block])
            section = (_heading_text(blocks[block.ancestors[-2]])
                       if len(block.ancestors) > 1 else "")
        else:  # tasks under no heading form one goal
            goal_block, goal, section = -1, NO_HEADING_GOAL, ""
            selfgoals += 1
        number = goal_numbers.setdefault(goal_block, len(goal_numbers) + 1)
        clause = block.clause()
        for label, value in clause.unknown:
            if not any(label in w for w in warnings):
                warnings.append(_("paragraph {n}: unknown label {label}, ignored ({text})")
                                .format(n=block.n, label=label, text=f"{label}：{value}"))
        _from_headings(clause, [blocks[a] for a in reversed(block.ancestors)])
        cells = [[section] if section else [], [str(number)], [goal],
                 [standard] if standard else [], clause.leaders, clause.units,
                 clause.co_units, [clause.deadline] if clause.deadline else []]
        rule = clause.rule or (rule_from is not None and block.n >= rule_from)
        rows.append(SourceRow([SourceCell(values=c) for c in cells], f"paragraph {block.n}",
                              marked=clause.marked, lead_first=rule,
                              notes=list(clause.notes)))
    if selfgoals:
        notes.append(_("{n} task(s) under no heading: they form one goal, {goal}").format(
            n=selfgoals, goal=NO_HEADING_GOAL))
    header = list(HEADER)
    if not any(not row.cells[-1].blank for row in rows):  # no deadlines: no such column
        header.pop()
        for row in rows:
            row.cells.pop()
    return SourceTable(header=header, rows=rows, title=title, input_format="notice",
                       notes=notes, warnings=warnings)


def _from_headings(clause: Clause, headings: list[_Block]) -> None:
    """Leaders and lead units a heading names, for a task that names none (innermost first)."""
    for heading in headings:
        found = heading_responsibility(_heading_text(heading))
        if found is None:
            continue
        if not clause.leaders and found.leaders:
            clause.leaders = list(found.leaders)
        if not clause.units and found.units:
            clause.units = list(found.units)
            clause.marked = True


def _heading_tasks(blocks: list[_Block]) -> None:
    """Items under a heading that names their leader or unit are tasks without a clause of
    their own (一、县发改局牵头工作 / 1.… / 2.…)."""
    parents = {b.parent for b in blocks}
    for i, block in enumerate(blocks):
        if block.is_task or i in parents or not block.ancestors:
            continue
        if any(heading_responsibility(_heading_text(blocks[a])) for a in block.ancestors):
            block.clauses.append(Clause())
    _outline(blocks)


def _heading_text(block: _Block) -> str:
    return block.text.rstrip(_STRIP + "。；;：:，,")


def _outline(blocks: list[_Block]) -> None:
    """Nest blocks by numbering style: a style seen before closes everything below it."""
    stack: list[int] = []
    for i, block in enumerate(blocks):
        styles = [blocks[j].style for j in stack]
        if block.style in styles:
            del stack[styles.index(block.style):]
        block.parent = stack[-1] if stack else None
        block.ancestors = [j for j in stack if not blocks[j].is_task]
        stack.append(i)


def _stray_headings(blocks: list[_Block]) -> list[str]:
    """Label-less numbered paragraphs standing among tasks of the same level."""
    under = {a for b in blocks if b.is_task for a in b.ancestors}
    task_levels = {(b.style, b.parent) for b in blocks if b.is_task}
    return [
        _("paragraph {n}: item without a responsibility clause, not loaded ({text})").format(
            n=b.n, text=b.text[:30])
        for i, b in enumerate(blocks)
        if not b.is_task and i not in under and (b.style, b.parent) in task_levels
    ]


def looks_like_notice(paragraphs: list[str]) -> bool:
    """True for text with a known label and a colon plus numbered paragraphs.

    The Word-table text format (TAB-separated cells with a header row) is never a notice.
    """
    lines = [line for p in paragraphs for line in p.splitlines()]
    for line in lines:
        if "\t" in line.strip(_STRIP):
            cells = line.split("\t")
            if is_header_row(cells) or (line.startswith("\t") and "工作标准" in squeeze(line)):
                return False
    has_numbered = any(numbering(line.strip(_STRIP)) is not None for line in lines)
    return has_numbered and any(_has_clause(line) for line in lines)


def _has_clause(line: str) -> bool:
    """A known label with its colon, or a clause bracket at the end of the line."""
    if any(_label_name(m.group(1)) for m in _LABEL_RUN.finditer(line)):
        return True
    _, labels, clauses = _split_body(line.strip(_STRIP))
    return bool(clauses) or any(label.name for label in labels)


def read_notice_text(path: Path) -> SourceTable:
    """Read a notice saved as plain text (UTF-8 with or without BOM, else GB18030), decoded
    as every text reader decodes (:func:`taskduty.sources.textio.read_text`)."""
    return parse_notice(read_text(Path(path)).splitlines())


def read_notice_docx(path: Path) -> SourceTable:
    """Read a notice from the body paragraphs of a Word .docx file (tables are ignored)."""
    import docx  # python-docx, imported only when needed
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise SourceError(_("cannot open {path} as a Word document: {exc}")
            .format(path=path, exc=exc),
                          _("the file must be a .docx (Word 2007 or later)")) from exc
    return parse_notice(_docx_paragraphs(document.paragraphs))


def _docx_paragraphs(paragraphs: list) -> list[str]:  # type: ignore[type-arg]
    """Paragraph texts, marked when Word numbers them automatically."""
    out: list[str] = []
    for paragraph in paragraphs:
        text: str = paragraph.text
        key = _auto_number_key(paragraph)
        if key is not None and numbering(text.strip(_STRIP)) is None:
            text = f"{_AUTO_MARK}{key}{_AUTO_MARK}{text}"
        out.append(text)
    return out


def _auto_number_key(paragraph: object) -> str | None:
    """A name for the list level of an automatically numbered paragraph, or None."""
    ppr = paragraph._p.pPr  # type: ignore[attr-defined]
    numpr = ppr.numPr if ppr is not None else None
    if numpr is not None and numpr.numId is not None:
        if numpr.numId.val == 0:  # numbering switched off
            return None
        return f"L{numpr.ilvl.val if numpr.ilvl is not None else 0}"
    style = paragraph.style  # type: ignore[attr-defined]
    while style is not None:
        spr = style.element.pPr
        if spr is not None and spr.numPr is not None:
            return "S" + re.sub(r"\W", "", style.style_id or "x")
        style = style.base_style
    return None
