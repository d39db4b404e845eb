"""Responsibility clauses (责任分工): one grammar for every place a document says who is
responsible — a label line under a notice's item, a bracket at its end, or a table cell.

A clause is made of *labels* (``牵头单位：…``, ``分管市领导：…``, ``部门分工：…``) and of
*role words* inside a value (``X牵头，Y配合``, ``X、Y等负责``, ``X会同Y``). The words say who
leads and who cooperates; they are never part of a unit's name. A bracketed remark that states a
rule (``列第一位者为牵头单位``) is no unit: it says the first-listed unit leads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from taskduty.lazyre import lazy
from taskduty.textclean import CLOSE_BRACKETS, OPEN_BRACKETS, split_outside_brackets, squeeze

LEVEL_WORDS = "省市县区州盟旗镇乡街"
_LEVEL = r"(?:[省市县区州镇乡](?:政府|委|人民政府)?|政府)"
_LEVEL_IN = r"(?:[省市县区州镇乡])"

# Label grammar, applied to a label's text with white space and bracketed remarks removed.
_LABEL_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("leaders", lazy(
        rf"^(?P<level>{_LEVEL})?(?:分管|责任|牵头|牵头负责|牵头责任|负责|联系|挂钩|包挂|包保|"
        rf"主要|领衔|责任牵头)?(?P<level2>{_LEVEL_IN})?(?:政府)?(?:领导(?:同志)?|负责同志)$")),
    ("units", lazy(
        rf"^(?P<level>{_LEVEL})?(?:牵头|主办|主责|牵头责任|责任牵头|总牵头|牵头负责|主要责任|第一责任)"
        r"(?:单位|部门|责任单位|责任部门|科室)$")),
    ("co_units", lazy(
        rf"^(?P<level>{_LEVEL})?(?:配合|协办|协同|参与|协助|协作|配合责任|协同责任|协同配合)"
        r"(?:单位|部门|责任单位|责任部门|科室)$")),
    ("plain", lazy(
        rf"^(?P<level>{_LEVEL})?(?:责任|承办|实施|落实|具体责任)(?:单位|部门|主体|科室)$")),
    ("combined", lazy(r"^(?:部门|责任|任务|职责|单位|工作)?分工$")),
    ("deadline", lazy(
        r"^(?:完成时限|时间节点|完成时间|时限|完成期限|时间要求|时限要求|时间安排|进度安排|"
        r"完成时限要求)$")),
)

_SPACE = lazy(r"[\s\u3000]+")
_REMARK = lazy(r"[（(【\[][^）)】\]]*[）)】\]]")

# A remark stating the document's own rule: the first-listed unit leads.
RULE = lazy(
    r"(?:列|排|排列|排名|排序)(?:在)?(?:第一位|第一|首位|最前|首|前)(?:的|者)?(?:责任)?(?:单位|部门)?"
    r"(?:为|是)(?:工作)?(?:牵头|主办|主责)"
    r"|(?:第一个|第一家|首个|首家)(?:责任)?(?:单位|部门)(?:为|是)(?:工作)?牵头")
_SAME_BELOW = lazy(r"^[，,；;]?下同[。.]?$")

# Role words at the end of a segment of a value, longest first.
_ROLE_END = lazy(
    r"(?:按职责分工|按照职责分工|按职责|根据职责|按各自职责|分别|共同|具体)?"
    r"(?P<role>牵头负责|牵头落实|牵头抓总|牵头推进|牵头实施|牵头|负责落实|负责实施|负责推进|负责|"
    r"配合落实|配合实施|配合|参与落实|参与|协助|协同|协办)$")
_CO_ROLES = ("配合", "参与", "协助", "协同", "协办")
_JOINT = lazy(r"会同|联合|协调")
_LEAD_STAR = "★☆*＊"
_LEAD_MARKS = frozenset(["牵头", "牵头单位", "牵头部门", "总牵头", "主牵头", "牵头负责", "主责",
                         "主办"])
_CO_MARKS = frozenset(["配合", "配合单位", "配合部门", "协助", "协办", "协同", "参与"])
_TRAILING_BRACKET = lazy(r"^(.+?)[（(]([^（()）]*)[)）]$")

# What a unit's name ends with (or a group of units: 各地, 各有关单位).
UNIT_ENDS = (
    "局", "委", "办", "厅", "府", "部", "会", "中心", "院", "所", "室", "处", "队", "司", "行",
    "社", "团", "站", "馆", "校", "组", "区", "县", "市", "镇", "乡", "街道", "街办", "办事处",
    "政府", "管委会", "公司", "集团", "地", "部门", "单位", "厂", "台", "园", "场", "科", "署",
    "办公室", "委员会", "联合会", "协会", "分局", "支队", "大队", "监狱", "法院", "检察院",
)
# Words that open an ordinary remark, not a list of units: （含市直部门）, （包括各县区）.
_NOT_UNIT_START = ("含", "包括", "不含", "其中", "如", "即", "以上", "以下", "约", "共", "每",
                   "全", "到", "至", "力争", "确保", "完成", "实现", "新增", "累计", "同比")
_CJK = lazy(r"[\u4e00-\u9fff]")

TITLES = ("常务副省长", "常务副市长", "常务副县长", "常务副区长", "副省长", "副市长", "副县长",
          "副区长", "副州长", "副镇长", "副乡长", "省长", "市长", "县长", "区长", "州长", "镇长",
          "乡长", "副主任", "主任", "副书记", "书记", "秘书长", "副部长", "部长", "副主席", "主席",
          "副局长", "局长", "同志", "旗长", "副旗长", "盟长")
_PERSON = lazy(
    rf"^(?P<name>[\u4e00-\u9fff·]{{2,4}}?)(?:同志)?(?:{'|'.join(TITLES)})(?:同志)?$"
    rf"|^(?:{'|'.join(TITLES)})(?P<name2>[\u4e00-\u9fff·]{{2,3}})(?:同志)?$")
# A deadline said inside a clause: （甲局牵头，6月底前完成）.
_DEADLINE_PHRASE = lazy(
    r"^(?:\d{4}年)?(?:\d{1,2}月(?:\d{1,2}日)?|[一二三四1-4]季度|年?底|年?内|上半年|下半年|年?末|全年|"
    r"长期|持续)(?:底|末|中旬|上旬|下旬)?(?:前|以前|内)?(?:完成|到位|出台|建成|启动|见效|推进)?$")
# A heading naming a person: 张三副市长牵头重点工作, 李四同志分管工作, 王五副县长联系.
_HEADING_VERB = (r"(?:牵头|分管|联系|负责|领衔|挂帅|包保|挂钩)?(?:的)?(?:重点|主要|具体)?"
                 r"(?:工作|任务|事项|项目)?")
_HEADING_COUNT = r"(?:[（(][^）)]{0,12}[）)])?[：:。]?$"
_HEADING_PERSON = lazy(
    rf"^由?(?P<person>[\u4e00-\u9fff·]{{2,4}}?(?:同志)?(?:{'|'.join(TITLES)})(?:同志)?)"
    rf"{_HEADING_VERB}{_HEADING_COUNT}")
_HEADING_UNIT = lazy(
    rf"^由?(?P<units>[^，,。；;：:]{{2,60}}?)(?:牵头|负责|主办)(?:的)?(?:重点|主要|具体)?"
    rf"(?:工作|任务|事项|项目){_HEADING_COUNT}")


@dataclass
class Clause:
    """Who is responsible, as one clause (or several merged) says it."""

    leaders: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    co_units: list[str] = field(default_factory=list)
    deadline: str | None = None
    # Labels of another level of government (省牵头单位：… in a city's table): kept as notes.
    notes: list[str] = field(default_factory=list)
    # The words marked who leads (a lead or co label, 牵头/配合, ★): the first-listed rule
    # (--lead-first) does not apply then.
    marked: bool = False
    rule: bool = False  # the clause states the rule 列第一位者为牵头单位
    unknown: list[tuple[str, str]] = field(default_factory=list)  # (label, value)

    @property
    def empty(self) -> bool:
        return not (self.leaders or self.units or self.co_units or self.deadline)

    def merge(self, other: Clause) -> None:
        for attr in ("leaders", "units", "co_units", "notes"):
            mine = getattr(self, attr)
            mine.extend(v for v in getattr(other, attr) if v not in mine)
        self.deadline = self.deadline or other.deadline
        self.marked = self.marked or other.marked
        self.rule = self.rule or other.rule
        self.unknown += other.unknown


def label_key(text: str) -> str:
    """A label reduced for lookup: no white space, bracketed remarks or colon."""
    return _REMARK.sub("", squeeze(text)).strip("*＊:：、.．")


# What each label pattern's text ends with (its last words): a pattern is tried only on a
# key ending so, and is compiled only when one does.
_LABEL_ENDS = {"leaders": ("领导", "同志"), "units": ("单位", "部门", "科室"),
               "co_units": ("单位", "部门", "科室"), "plain": ("单位", "部门", "主体", "科室"),
               "combined": ("分工",),
               "deadline": ("时限", "节点", "时间", "期限", "要求", "安排")}


def label_kind(text: str) -> tuple[str, str | None] | None:
    """(kind, level) of a label, or None. ``kind`` is leaders, units, co_units, plain (责任单位:
    lead units unless a lead label is present), combined (部门分工: roles in the value) or
    deadline; ``level`` is the level word of a unit label (省 of 省牵头单位), else None."""
    key = label_key(text)
    for kind, pattern in _LABEL_PATTERNS:
        if key.endswith(_LABEL_ENDS[kind]) and (m := pattern.match(key)):
            level = m.groupdict().get("level")
            return kind, (level[0] if level and level[0] in LEVEL_WORDS else None)
    return None


def find_label_at_end(run: str) -> tuple[int, str] | None:
    """The longest label ending ``run`` (text glued before a colon): (start, label)."""
    for start in range(len(run)):
        if label_kind(run[start:]) is not None:
            return start, run[start:]
    return None


def states_rule(text: str) -> bool:
    """True when ``text`` states that the first-listed unit leads."""
    if "牵" not in text and "主" not in text:  # RULE ends in 牵头, 主办 or 主责
        return False
    return bool(RULE.search(squeeze(text)))


# A character of every title (长 of 副市长, 任 of 主任, 记, 席, 志 of 同志): a text with none
# of them names no person by title, and _PERSON is not run (nor compiled) for it.
_TITLE_MARKS = frozenset("长任记席志")


def _person(text: str) -> re.Match[str] | None:
    t = squeeze(text)
    return None if _TITLE_MARKS.isdisjoint(t) else _PERSON.match(t)


def strip_title(name: str) -> str:
    """A person without their title: 王宏副市长 -> 王宏, 李四同志 -> 李四."""
    m = _person(name)
    return (m.group("name") or m.group("name2")) if m else name


def is_person(text: str) -> bool:
    return _person(text) is not None


def looks_like_unit(name: str) -> bool:
    """A plausible unit name (or group of units) by its shape: short, ends like a unit."""
    t = squeeze(_REMARK.sub("", name)).strip("。；;，,、")
    if not 2 <= len(t) <= 30 or not _CJK.search(t):
        return False
    if t.startswith(_NOT_UNIT_START) or any(ch.isdigit() for ch in t):
        return False
    if any(ch in t for ch in "。，,；;：:“”\"《》"):
        return False
    return t.endswith(UNIT_ENDS) or t.startswith("各")


def heading_responsibility(text: str) -> Clause | None:
    """The leader or lead unit a heading or group row names, or None.

    ``张三副市长牵头重点工作`` -> leader 张三; ``县发改局牵头工作（8项）`` -> lead unit 县发改局.
    """
    t = squeeze(text)
    if m := _HEADING_PERSON.match(t):
        return Clause(leaders=[strip_title(m.group("person"))])
    if m := _HEADING_UNIT.match(t):
        names = split_names(m.group("units"))
        if names and all(looks_like_unit(n) for n in names):
            return Clause(units=names, marked=True)
    return None


def _strip(value: str) -> str:
    return value.strip(" \t\u3000。；;，,、.：:")


def _segment_role(segment: str) -> tuple[str, str | None]:
    """A segment without its trailing role word, and the role (lead, resp, co or None)."""
    s = _strip(segment)
    if s.startswith("由"):
        s = s[1:]
    m = _ROLE_END.search(s)
    if m is None or m.start() == 0:
        return s, None
    role = m.group("role")
    rest = s[: m.start()]
    if role.startswith("牵头"):
        kind = "lead"
    elif role.startswith(_CO_ROLES):
        kind = "co"
    else:
        kind = "resp"
    return rest, kind


def _marked_name(name: str) -> tuple[str, str | None]:
    """A unit without a mark beside it (★X, X（牵头）) and the role the mark gives."""
    t = name.strip()
    if t and t[0] in _LEAD_STAR and len(t) > 1:
        return t[1:].strip(), "lead"
    if t and t[-1] in _LEAD_STAR and len(t) > 1:
        return t[:-1].strip(), "lead"
    m = _TRAILING_BRACKET.match(t)
    if m and m.group(1).strip():
        mark = squeeze(m.group(2))
        if mark in _LEAD_MARKS:
            return m.group(1).strip(), "lead"
        if mark in _CO_MARKS:
            return m.group(1).strip(), "co"
    return t, None


def parse_roles(value: str, default: str = "units", demote: bool = True) -> Clause:
    """The units of a value, placed by the role words and marks inside it.

    ``default`` is where names without a role go: ``units`` (a lead or plain label, a cell),
    ``co_units`` (a co label). ``X牵头，Y配合`` -> lead X, co Y; ``X、Y等负责`` -> both lead;
    ``X会同Y`` -> lead X, co Y; with a 牵头 elsewhere, ``Y按职责分工负责`` cooperates.
    A mark beside a name (``★X``, ``X（牵头）``) makes the unmarked names cooperate, unless
    ``demote`` is false (a 牵头单位 label or column: every unit listed there leads).
    """
    clause = Clause()
    parts: list[tuple[list[str], str | None]] = []
    for segment, _ in split_outside_brackets(value, "，,；;\n"):
        segment = _strip(segment)
        if not segment or _SAME_BELOW.match(segment):
            continue
        if states_rule(segment):
            clause.rule = True
            continue
        if _DEADLINE_PHRASE.match(squeeze(segment)):
            clause.deadline = clause.deadline or segment
            continue
        rest, role = _segment_role(segment)
        pieces = _JOINT.split(rest, maxsplit=1)
        if len(pieces) == 2 and all(split_names(p) and all(looks_like_unit(n) for n in
                                                            split_names(p)) for p in pieces):
            parts.append((split_names(pieces[0]), "lead"))
            parts.append((split_names(pieces[1]), "co"))
            continue
        names = []
        for name in split_names(rest):
            bare, mark = _marked_name(name)
            if mark is not None:
                parts.append(([bare], mark if demote or mark == "co" else "marked"))
                continue
            names.append(bare)
        if names:
            parts.append((names, role))
    has_lead = any(role == "lead" for _, role in parts)
    for names, role in parts:
        if role in ("lead", "marked"):
            target = "units"
        elif role == "co" or has_lead:
            target = "co_units"
        else:
            target = default
        bucket = getattr(clause, target)
        bucket.extend(n for n in names if n and n not in bucket)
    clause.marked = any(role in ("lead", "co") for _, role in parts)
    return clause


# A character every role word (_ROLE_END), joint word (_JOINT) has; with the marks beside a
# name (★X, X（牵头）: a star or an opening bracket): a value without any has no roles.
_ROLE_CHARS = lazy("[牵负配参协会联]")
_ROLE_OR_MARK_CHARS = lazy("[牵负配参协会联" + re.escape(_LEAD_STAR) + "（(]")


def has_roles(value: str, marks: bool = True) -> bool:
    """True when a value carries role words (or, with ``marks``, a mark beside a name)."""
    if (_ROLE_OR_MARK_CHARS if marks else _ROLE_CHARS).search(value) is None:
        return False
    for segment, _ in split_outside_brackets(value, "，,；;\n"):
        if _segment_role(segment)[1] is not None or _JOINT.search(segment):
            return True
        if marks and any(_marked_name(n)[1] for n in split_names(_strip(segment))):
            return True
    return False


def labelled(pairs: list[tuple[str, str]]) -> Clause:
    """A clause from (label, value) pairs (the labels of one item or one cell).

    责任单位 is the lead units unless a lead label is present, then the co-units.
    """
    kinds = [(label_kind(label), label, value) for label, value in pairs]
    has_lead = any(k is not None and k[0] == "units" for k, _, _ in kinds)
    clause = Clause()
    for kind_level, label, value in kinds:
        if kind_level is None:
            clause.unknown.append((label, value))
            continue
        kind, _level = kind_level
        if states_rule(label):
            clause.rule = True
        if kind == "leaders":
            part = Clause(leaders=[strip_title(n) for n in split_leaders(value)])
        elif kind == "deadline":
            part = Clause(deadline=_strip(value) or None)
        elif kind == "units":
            part = parse_roles(value, "units", demote=False)
            part.marked = True
        elif kind == "co_units":
            part = parse_roles(value, "co_units")
            part.marked = True
        elif kind == "plain":
            part = parse_roles(value, "co_units" if has_lead else "units")
            part.marked = part.marked or has_lead
        else:  # combined: 部门分工：X牵头，Y配合
            part = parse_roles(value, "units")
        clause.merge(part)
    return clause


def other_level(clause_level: str | None, names: list[str]) -> bool:
    """True when a unit label's level (省 of 省牵头单位) is not the level of ``names``, the
    units the same cell lists without a level: then it names another government's units."""
    if clause_level is None or not names:
        return False
    levels = {n[0] for n in names if n and n[0] in LEVEL_WORDS}
    return bool(levels) and clause_level not in levels


def bracket_clause(content: str) -> Clause | None:
    """An unlabelled bracket at the end of an item read as a clause, or None when it is
    ordinary words (which stay in the task's text).

    ``（X牵头）``, ``（X牵头，Y配合）``, ``（X、Y等负责）``, ``（张三副市长牵头，X负责）``: the
    content is unit names, leader titles and role words only. A bracket of unit names without
    any role word is a clause too when every name ends like a unit (``（市发改委、市财政局）``).
    """
    text = content.strip()
    if not text:
        return None
    if states_rule(text) and not parse_roles(text).units:
        return Clause(rule=True)
    leaders: list[str] = []
    rest_segments: list[str] = []
    deadline: str | None = None
    any_role = False
    for segment, _ in split_outside_brackets(text, "，,；;"):
        seg = _strip(segment)
        if not seg or _SAME_BELOW.match(seg) or states_rule(seg):
            continue
        if _DEADLINE_PHRASE.match(squeeze(seg)):
            deadline = deadline or seg
            continue
        rest, role = _segment_role(seg)
        any_role = any_role or role is not None or bool(_JOINT.search(seg))
        people = [n for n in split_names(rest) if is_person(n)]
        if people and len(people) == len(split_names(rest)):
            leaders.extend(strip_title(p) for p in people)
            continue
        names = [_marked_name(n)[0] for n in split_names(rest)]
        for piece in (p for n in names for p in _JOINT.split(n)):
            if not looks_like_unit(piece):
                return None
        rest_segments.append(seg)
    if not rest_segments and not leaders:
        return None
    if not any_role and not leaders:
        names = [n for s in rest_segments for n in split_names(s)]
        strong = [_marked_name(n)[0].endswith(_STRONG_ENDS) for n in names]
        if not names or not all(strong):
            return None
    clause = parse_roles("，".join(rest_segments)) if rest_segments else Clause()
    clause.leaders = leaders
    clause.deadline = deadline
    clause.rule = clause.rule or states_rule(text)
    return clause


_STRONG_ENDS = ("局", "委", "厅", "办", "政府", "中心", "管委会", "办公室", "委员会", "公司",
                "集团", "部门", "单位", "各地", "法院", "检察院", "支队", "大队", "分局")


def find_end_bracket(text: str) -> tuple[int, str] | None:
    """The bracket closing ``text`` (after trailing 。；): (its start, its content), or None."""
    t = text.rstrip(" \t\u3000。；;，,.")
    if not t or t[-1] not in CLOSE_BRACKETS:
        return None
    depth = 0
    for i in range(len(t) - 1, -1, -1):
        if t[i] in CLOSE_BRACKETS:
            depth += 1
        elif t[i] in OPEN_BRACKETS:
            depth -= 1
            if depth == 0:
                return i, t[i + 1: -1]
    return None


def split_tasks(text: str) -> list[tuple[str, Clause | None]]:
    """One paragraph holding several tasks, each closed by its own clause bracket:
    ``A。（X牵头）B。（Y负责）`` -> [(A, X), (B, Y)]. A paragraph with at most one such
    bracket, at its end, comes back whole (with its clause read by the caller)."""
    out: list[tuple[str, Clause | None]] = []
    start = 0
    depth = 0
    open_at = -1
    for i, ch in enumerate(text):
        if ch in OPEN_BRACKETS:
            if depth == 0:
                open_at = i
            depth += 1
        elif ch in CLOSE_BRACKETS and depth:
            depth -= 1
            if depth == 0:
                after = text[i + 1:].lstrip(" \t\u3000。；;，,.")
                before = text[start:open_at].rstrip(" \t\u3000")
                if not after or not before.endswith(("。", "；", ";", ".", "！", "？")):
                    continue
                clause = bracket_clause(text[open_at + 1: i])
                if clause is None or clause.empty:
                    continue
                out.append((before, clause))
                start = i + 1
                while start < len(text) and text[start] in " \t\u3000。；;，,.":
                    start += 1
    if not out:
        return [(text, None)]
    out.append((text[start:], None))
    return out


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


def space_split(piece: str) -> list[str]:
    """Unit names separated only by spaces (``市人社局 市农业农村局``) are several units; a
    padded name (``编  办``, ``市 发改委``) stays one.

    The rule: split at spaces only when every part is at least two characters long and ends
    like a unit name (局, 委, 办, 中心 …) and none is a bare suffix a wrapped name leaves
    behind (中心, 管委会); otherwise the spaces are padding and are removed.
    """
    if " " not in piece and piece.isprintable():  # white space but the space is not printable
        return [piece]
    parts = [p for p in _SPACE.split(piece.strip()) if p]
    if len(parts) < 2:
        return [piece]
    if all(len(p) >= 2 and p.endswith(UNIT_ENDS) and p not in GENERIC_SUFFIXES for p in parts):
        return parts
    return [piece]


# -- splitting a list of names ------------------------------------------------------------
_BLANKS = " \t\u3000"
_NAME_STRIP = " \t\u3000。；;，,、.：:"
_UNIT_SEPARATORS = "、，,；;"
_ETC = lazy(r"等(?:相关单位|有关单位|相关部门|有关部门|单位|部门)?$")
_ADMIN = ("街道", "园区", "社区", "县", "市", "区", "镇", "乡", "街", "村", "旗", "州", "省")


def _split_keep(text: str, separators: str) -> list[tuple[str, str]]:
    """Split on separators outside brackets: (piece, separator before it) pairs."""
    return [(p.strip(_BLANKS), s) for p, s in split_outside_brackets(text, separators)]


def _bare(piece: str) -> bool:
    return piece in _ADMIN


def _admin_start(piece: str) -> bool:
    return any(piece.startswith(w) and len(piece) > len(w) for w in _ADMIN)


# What sends a unit cell to the full reading (:meth:`taskduty.table._Normaliser.read_names`):
# white space (padding, names split at spaces), brackets (remarks, role marks), / and line
# breaks (more pieces), colons (labels), 等, the role characters and marks of has_roles
# (牵负配参协会联, ★…), 主 (a stated rule: 主办, 主责) and U+034F (squeezed away, yet printable).
_NOT_PLAIN_UNITS = lazy(
    "[\\s（()）【】\\[\\]/：:等牵负配参协会联主\u034f" + re.escape(_LEAD_STAR) + "]")
_UNIT_SPLIT = lazy("[" + re.escape(_UNIT_SEPARATORS) + "]")


def plain_unit_names(text: str) -> list[str] | None:
    """The units of a unit cell that holds only names and separators (most cells), each
    once, as the full reading gives them; None for a cell that needs the full reading (see
    :data:`_NOT_PLAIN_UNITS`; also 各县、市、区政府 and text that is not printable)."""
    if not text or _NOT_PLAIN_UNITS.search(text) is not None or not text.isprintable():
        return None
    names: list[str] = []
    for piece in _UNIT_SPLIT.split(text):
        piece = piece.strip(_NAME_STRIP)
        if not piece:
            continue
        if len(piece) <= 3 and piece.endswith(_ADMIN):  # an enumeration may start here
            return None
        if piece not in names:
            names.append(piece)
    return names


def split_names(value: str) -> list[str]:
    """Units of a value: split on 、，,；; outside brackets, 等 dropped, 各县、市、区政府 whole."""
    tokens = []
    enumeration = False  # whether a piece may start one: 各县、市、区政府
    for piece, sep in split_outside_brackets(value, _UNIT_SEPARATORS):
        piece = piece.strip(_NAME_STRIP)  # (the blanks are among these marks)
        if len(piece) > 2 and "等" in piece:
            piece = _ETC.sub("", piece).strip(_NAME_STRIP)
        if piece:
            tokens.append((piece, sep))
            enumeration = enumeration or (len(piece) <= 3 and piece.endswith(_ADMIN))
    if not enumeration:  # most values: every piece a name
        return [piece for piece, _ in tokens]
    out: list[str] = []
    i = 0
    while i < len(tokens):
        piece = tokens[i][0]
        if len(piece) <= 3 and piece.endswith(_ADMIN):
            k = i + 1
            while k < len(tokens) and tokens[k][1] == "、" and _bare(tokens[k][0]):
                k += 1
            has_bare = _bare(piece) or k > i + 1
            if (has_bare and k < len(tokens) and tokens[k][1] == "、"
                    and _admin_start(tokens[k][0])):
                out.append("、".join(p for p, _ in tokens[i: k + 1]))
                i = k + 1
                continue
        out.append(piece)
        i += 1
    return out


def split_leaders(value: str) -> list[str]:
    """Split a leader list on 、，,；; and spaces; "张 三" (a padded two-character name) stays."""
    out: list[str] = []
    for segment, _sep in _split_keep(value, _UNIT_SEPARATORS):
        words = [w for w in re.split(r"[\s\u3000]+", segment) if w]
        merged: list[str] = []
        i = 0
        while i < len(words):
            if i + 1 < len(words) and len(words[i]) == 1 and len(words[i + 1]) == 1:
                merged.append(words[i] + words[i + 1])
                i += 2
            else:
                merged.append(words[i])
                i += 1
        for word in merged:
            word = word.strip(_NAME_STRIP)
            if len(word) >= 3 and word.endswith("等"):
                word = word[:-1]
            if word:
                out.append(word)
    return out
