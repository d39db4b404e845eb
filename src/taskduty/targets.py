"""Quantitative targets (量化指标) read from a task's text, and actual values judged against them.

``extract_targets("地区生产总值增长8%左右，新建幼儿园三所")`` gives two targets::

    {text: 地区生产总值增长8%左右, kind: growth, value: 8, upper: None, unit: %, bound: about}
    {text: 新建幼儿园三所,          kind: level,  value: 3, upper: None, unit: 所, bound: exact}

Kinds: ``growth`` (增长/提高 X), ``reduction`` (下降/降低/削减 X), ``level`` (an amount or count:
达到X, X亿元, X座), ``share`` (占比/比重 X%, and a bare X%), ``rate`` (…率 X%), ``range``
(X%-Y%, X至Y). Bounds: ``about`` (左右, 约), ``at_least`` (以上, 不低于, 不少于, 超过),
``at_most`` (以内, 不超过, 控制在, 降至), else ``exact``. Units are kept as written (``万人``,
``亿美元``, ``%``); Chinese numerals are read (三所 → 3 所, 十万人 → 10 万人).

What is not a target: numbers in quotes or titles (“135”工程, 《十四五规划》), beside Latin
letters (5G, PM2.5), ordinals (第三), years, months and days (2018年, 6月底), phases (二期),
names built on numbers (300强, 十大, 千亿级, 10分钟健身圈), section numbers and other bare
numbers not introduced by 达到/控制在/不低于…, and a count that only describes what the task
works on: one neither ending its clause nor introduced by a verb of doing (新建, 完成, 引进…),
such as 深化三项试点, or an amount qualifying a later count (引进10亿元项目2个 → 2个).

This module is pure: no database, no I/O.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from json.encoder import encode_basestring as _str_json
from typing import Any

from taskduty.lazyre import lazy
from taskduty.numerals import CN_BIG, half_width, read_chinese_number

KINDS = ("growth", "reduction", "level", "share", "rate", "range")
BOUNDS = ("exact", "about", "at_least", "at_most")
STATUSES = ("met", "on_course", "behind")
# as bulletins say it; "none": no actual value reported yet
STATUS_LABELS = {"met": "已达标", "on_course": "达序时", "behind": "未达序时", "none": "未报"}

# Full-width ASCII (１２％，－) as half-width, one character for one, so offsets stay valid.
_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

_PERCENT_UNITS = ("个百分点", "百分点", "%", "‰")
_BASE_UNITS = (
    # longest first where one is the start of another
    "人次", "人", "名", "个工作日", "工作日", "个", "所", "座", "家", "户", "项", "处", "条", "件",
    "平方公里", "平方米", "公里", "千米", "米", "亩", "公顷", "立方米", "吨标准煤", "吨", "千克",
    "千瓦时", "千瓦", "兆瓦", "美元", "元", "辆", "台", "套", "间", "张", "床", "标准箱",
    "次", "场", "栋", "幢", "支", "只", "头", "例", "篇", "部", "块", "片", "段", "倍", "天",
    "小时", "分钟",
    "微克/立方米", "座次", "班", "册", "箱", "株", "棵", "艘", "架",
)
_UNIT_RE = lazy(
    "(?P<unit>" + "|".join(re.escape(u) for u in _PERCENT_UNITS)
    + "|[万亿千百]*(?:" + "|".join(re.escape(u) for u in _BASE_UNITS) + ")"
    + "|[万亿]+)")
_CN_START = "零〇一二两三四五六七八九十"  # what a Chinese numeral starts with
_NUM_RE = lazy(r"(?P<ar>\d+(?:,\d{3})*(?:\.\d+)?)"
               rf"|(?P<cn>[{_CN_START}][{_CN_START}百千万亿]*)")
# Where a number of _NUM_RE starts: it matches at each such character, so its search is this
# search (a character class, scanned at C speed; _NUM_RE's two branches are tried at every
# character) and a match there.
_NUM_START = lazy(rf"[\d{_CN_START}]")
_RANGE_SEP_SIGNS = ("-", "–", "—", "~", "～", "至", "到", "－")
_RANGE_SEP_RE = lazy(r"\s*(?:" + "|".join(_RANGE_SEP_SIGNS) + r")\s*")
_RANGE_SEP_FIRST = "".join(_RANGE_SEP_SIGNS)  # what a separator after any white space is

# Words after a number that make it part of a name, a date or an ordinal.
_NOT_AFTER = lazy(
    r"(?:年|月|日|号|期|季度|届|周年|世纪|时|强|大|级|型|类|星|线|批|代|后|维|层|点)")
# A clause ends at one of these marks, at a comma only when not a thousands separator: one
# character class first, so the search scans for it at C speed (as [，。；;！？!?\n]|,(?!\d{3})).
_CLAUSE_END = lazy(r"[，。；;！？!?\n,](?!(?<=,)\d{3})")
_PIECE_SEP = "、"

_GROWTH = ("增长", "增加", "提高", "提升", "增幅", "增速", "递增", "增收", "上升", "涨幅")
_REDUCTION = ("下降", "降低", "减少", "削减", "压减", "压降", "压缩", "减排", "下调")
_CHANGE_WORDS = (*_GROWTH, *_REDUCTION, "达到")
_SHARE = ("占比", "比重", "比例", "占")
_RATE = ("率",)
_REACH_AFTER = ("到", "至", "为", "在")  # 提高到, 降至: reaching a level, not a change by X
_NOT_KIND_AFTER = ("值", "极", "点")  # 增加值, 增长极, 增长点

_AT_LEAST_BEFORE = ("不低于", "不少于", "不小于", "超过", "突破", "至少", "高于", "大于", "多于",
                    "超")
_AT_MOST_BEFORE = ("不超过", "不高于", "不大于", "控制在", "控制到", "低于", "少于", "小于", "最多",
                   "降至", "降到", "下降到", "下降至", "降低到", "降低至", "减少到", "减少至",
                   "压缩至", "压缩到", "压减至", "压减到", "缩短至", "缩短到")
_ABOUT_BEFORE = ("大约", "约", "近")
_BOUND_AFTER = (("及以上", "at_least"), ("以上", "at_least"), ("左右", "about"),
                ("以内", "at_most"), ("以下", "at_most"), ("之内", "at_most"))
_BOUND_AFTER_FIRST = "".join({w[0]: None for w, _b in _BOUND_AFTER})
_REACH_BEFORE = ("达到", "达", "为", "至", "到", "在", "是")
# Verbs that make a count or amount something to achieve rather than a description.
_DOING = (
    "新建", "建成", "建设", "改造", "新增", "完成", "实现", "引进", "培育", "启动", "开工", "创建",
    "创成", "打造", "达到", "达", "认定", "改扩建", "扩建", "发放", "惠及", "累计", "争取", "招引",
    "吸引", "开通", "实施", "整治", "治理", "培训", "新设", "设立", "筹集", "到账", "投入", "安排",
    "提供", "帮扶", "救助", "资助", "转移", "消除", "关闭", "淘汰", "搬迁", "拆除", "清理", "疏浚",
    "铺设", "种植", "造林", "植树", "投资", "新开", "建立", "组建", "举办", "办好", "开展", "落实",
    "招聘", "安置", "解决", "收储", "供应", "出让", "盘活", "处置", "化解", "新认定",
    "推进", "增加", "引育", "孵化", "上市", "挂牌", "签约", "竣工", "交付", "修缮", "新改",
    "新开工", "在建",
)
# Whether any of the words occurs, in one search each (C speed, not a loop over the words).
_DOING_RE = lazy("|".join(re.escape(w) for w in _DOING))
_CHANGE_RE = lazy("|".join(re.escape(w) for w in _CHANGE_WORDS))
_QUOTES_RE = lazy('[“「『《"]')  # an opening mark: what _masked is needed for
_QUOTE_MARKS_RE = lazy('[“「『”」』《》"]')  # every mark _masked reads


def _change_by_re(words: tuple[str, ...]) -> re.Pattern[str]:
    """Every position of one of ``words`` that is a change by X: not followed by 值/极/点
    (增加值, 增长极) nor by 到/至/为/在 (提高到); group 1 is the word."""
    return lazy("(?=(" + "|".join(re.escape(w) for w in words) + ")(?!["
                + "".join(_NOT_KIND_AFTER + _REACH_AFTER) + "]))")


_CHANGE_BY_RE = _change_by_re(_GROWTH + _REDUCTION)
# Every growth (group g) or reduction word (group r) that is a change by X, as _change_by_re
# finds them: every word is two characters long, so at most one matches at a position.
_GROWTH_OR_REDUCTION_RE = lazy(
    "(?=(?:(?P<g>" + "|".join(re.escape(w) for w in _GROWTH) + ")|(?P<r>"
    + "|".join(re.escape(w) for w in _REDUCTION) + "))(?!["
    + "".join(_NOT_KIND_AFTER + _REACH_AFTER) + "]))")
_RING_RE = lazy(r"[^，。；、]{0,6}圈")
_CHANGE_START = lazy("[" + "".join({w[0]: None for w in _GROWTH + _REDUCTION}) + "]")


@dataclass(frozen=True)
class Target:
    """One quantitative target in a task's text."""

    text: str
    kind: str
    value: float
    upper: float | None
    unit: str
    bound: str

    @property
    def cumulative(self) -> bool:
        """Whether the target accumulates over the year (新建58座, 完成投资510亿元), so that
        part of it is due by each date, rather than a figure to hold (增长8%, 控制在5%以内)."""
        if self.bound == "at_most" or is_percent(self.unit):
            return False
        return self.kind in ("level", "range", "reduction")

    def to_dict(self) -> dict[str, Any]:
        # Spelled out: dataclasses.asdict deep-copies and cost a 10k-task load a second.
        return {"text": self.text, "kind": self.kind, "value": self.value,
                "upper": self.upper, "unit": self.unit, "bound": self.bound}


def is_percent(unit: str) -> bool:
    """Whether a unit is a percentage or percentage points."""
    return unit in _PERCENT_UNITS


def _number(value: float) -> float:
    """``8.0`` as ``8`` (an int), so JSON and text show numbers as written."""
    return int(value) if float(value).is_integer() else value  # type: ignore[return-value]


def _read_number(m: re.Match[str]) -> tuple[float, str] | None:
    """(value, unit prefix) of a number match; a Chinese numeral ending in 万/亿 keeps that
    character as the start of its unit (十万人 → 10, 万), like an Arabic 10万人."""
    if m.group("ar"):
        return float(m.group("ar").replace(",", "")), ""
    text = m.group("cn")
    prefix = ""
    if text[-1] in CN_BIG and len(text) > 1 and not any(c in CN_BIG for c in text[:-1]):
        text, prefix = text[:-1], text[-1]
    value = read_chinese_number(text)
    return None if value is None else (float(value), prefix)


def _masked(text: str) -> bytearray:
    """For each character, whether it lies inside quotes or a title (“…”, "…", 《…》, 「…」):
    1 or 0. A closing mark counts as inside; the runs between marks are filled at once."""
    out = bytearray(len(text))
    depth_cn, depth_title, ascii_open = 0, 0, False
    run_from, inside = 0, False  # the characters after the last mark, and whether inside
    for m in _QUOTE_MARKS_RE.finditer(text):
        i = m.start()
        if inside:
            out[run_from:i] = b"\x01" * (i - run_from)
        ch = text[i]
        if ch in "“「『":
            depth_cn += 1
        elif ch in "”」』":
            depth_cn = max(0, depth_cn - 1)
        elif ch == "《":
            depth_title += 1
        elif ch == "》":
            depth_title = max(0, depth_title - 1)
        else:  # "
            ascii_open = not ascii_open
        inside = depth_cn > 0 or depth_title > 0 or ascii_open
        out[i] = inside or ch in "”」』》"
        run_from = i + 1
    if inside:
        out[run_from:] = b"\x01" * (len(text) - run_from)
    return out


@dataclass(slots=True)
class _Hit:
    start: int
    end: int  # after the unit and any bound word
    num_end: int
    value: float
    upper: float | None
    unit: str
    after_bound: str | None
    percent: bool


def _kind(window: str, percent: bool) -> str:
    """The kind of a target from the words before its number in its clause: that of the
    keyword ending last (growth, reduction; share and rate only for a percentage)."""
    growth = reduction = share = rate = -1
    # one pass for both change words (each is two characters: one matches at a position),
    # tried at every character: only in a window with a character they start with
    if _CHANGE_START.search(window) is not None:
        for m in _GROWTH_OR_REDUCTION_RE.finditer(window):
            if m.lastgroup == "g":
                growth = m.end("g")
            else:
                reduction = m.end("r")
    if percent:
        share = max((window.rfind(w) + len(w) for w in _SHARE if w in window), default=-1)
        rate = window.rfind("率") + 1 if "率" in window else -1
    # the first of the greatest, in this order (as max over the four does)
    kind, pos = "growth", growth
    if reduction > pos:
        kind, pos = "reduction", reduction
    if share > pos:
        kind, pos = "share", share
    if rate > pos:
        kind, pos = "rate", rate
    if pos < 0:
        return "share" if percent else "level"
    return kind


_BOUND_BEFORE = sorted([(w, "at_most") for w in _AT_MOST_BEFORE]
                       + [(w, "at_least") for w in _AT_LEAST_BEFORE]
                       + [(w, "about") for w in _ABOUT_BEFORE], key=lambda wb: -len(wb[0]))


_BOUND_WORDS = dict(reversed(_BOUND_BEFORE))  # word -> bound
_BOUND_LONGEST = max(len(w) for w, _b in _BOUND_BEFORE)
_BOUND_LAST = frozenset(w[-1] for w, _b in _BOUND_BEFORE)  # a bound word ends in one of them


def _bound_before(window: str) -> str | None:
    """The bound a word just before the number gives (the longest: 不低于 before 低于)."""
    tail = window.rstrip()
    if not tail or tail[-1] not in _BOUND_LAST:
        return None
    for n in range(min(_BOUND_LONGEST, len(tail)), 0, -1):
        bound = _BOUND_WORDS.get(tail[-n:])
        if bound is not None:
            return bound
    return None


def _scan(s: str, mask: bytes | bytearray) -> list[_Hit]:
    """Every number with its unit, range and bound word, before deciding which are targets."""
    hits: list[_Hit] = []
    pos = 0
    while True:
        found = _NUM_START.search(s, pos)
        if found is None:
            return hits
        m = _NUM_RE.match(s, found.start())
        pos = m.end()  # type: ignore[union-attr]  # (it always matches there)
        start = m.start()
        if mask[start]:
            continue
        prev = s[start - 1] if start else ""
        if (prev.isascii() and (prev.isalpha() or prev in "._/")) or prev in "第前":
            continue
        read = _read_number(m)
        if read is None:
            continue
        value, prefix = read
        is_cn = m.lastgroup == "cn"
        end = m.end()
        if end < len(s) and s[end].isascii() and s[end].isalpha():
            continue
        approx = None
        if s[end:end + 1] in ("余", "多"):
            approx, end = "at_least", end + 1
        um = _UNIT_RE.match(s, end)
        unit = prefix + (um.group("unit") if um else "")
        unit_end = um.end() if um else end
        # a range: 4.5%-5%, 5-8家, 三至五所, 3万至5万人
        upper = None
        # (most numbers are followed by neither white space nor a separator)
        after = s[unit_end:unit_end + 1]
        sep = _RANGE_SEP_RE.match(s, unit_end) if after and (
            after in _RANGE_SEP_FIRST or after.isspace()) else None
        if sep:
            m2 = _NUM_RE.match(s, sep.end())
            if m2 and not mask[m2.start()] and (m2.group("ar") is not None) == (not is_cn):
                read2 = _read_number(m2)
                if read2 is not None:
                    um2 = _UNIT_RE.match(s, m2.end())
                    unit2 = read2[1] + (um2.group("unit") if um2 else "")
                    if unit2 and (not unit or unit2.endswith(unit) or unit.endswith(unit2)
                                  or unit2.startswith(unit)):
                        upper, unit = read2[0], unit2
                        unit_end = um2.end() if um2 else m2.end()
                        pos = unit_end
        # (matched at unit_end, not on a copy of the rest of the text)
        if (not unit or unit[-1] in "万亿") and _NOT_AFTER.match(s, unit_end):
            continue  # 2018年, 6月底, 300强, 二期, 千亿级
        if unit == "个" and s.startswith("月", unit_end):
            continue  # 三个月
        if is_cn and not unit:
            continue  # a Chinese numeral counts only with a measure word: 三所, not 三权
        if unit in ("分钟", "公里") and _RING_RE.match(s, unit_end):
            continue  # 10分钟体育健身圈: a name
        bound = approx
        if s[unit_end:unit_end + 1] in _BOUND_AFTER_FIRST:
            for word, b in _BOUND_AFTER:
                if s.startswith(word, unit_end):
                    bound, unit_end = b, unit_end + len(word)
                    break
        hits.append(_Hit(start, unit_end, m.end(), value, upper, unit, bound,
                         unit in _PERCENT_UNITS))
        pos = max(pos, unit_end)


def _clauses(s: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each clause of ``s`` that is not empty, in order, as they are asked
    for (a text's last target is often in its first clauses)."""
    start = 0
    for m in _CLAUSE_END.finditer(s):
        if m.start() > start:
            yield start, m.start()
        start = m.end()
    if len(s) > start:
        yield start, len(s)


def extract_targets(text: str) -> list[Target]:
    """The quantitative targets in a task's text, in the order written (none for most tasks)."""
    return [Target(*found) for found in _targets(text)]


_Found = tuple[str, str, float, "float | None", str, str]  # Target's fields, in order


def _targets(text: str) -> list[_Found]:
    """The fields of :func:`extract_targets`'s targets (no objects for the store's JSON)."""
    if not text:
        return []
    s = half_width(text)
    if _NUM_START.search(s) is None:
        return []
    # (most texts have no quotes: the character walk is the costliest step of a load)
    mask = _masked(s) if _QUOTES_RE.search(s) else bytes(len(s))
    targets: list[_Found] = []
    all_hits = _scan(s, mask)
    if not all_hits:
        return []
    n_hits, first = len(all_hits), 0
    for c_start, c_end in _clauses(s):
        # the hits in this clause (all_hits is in order of start): clauses without one skipped
        while first < n_hits and all_hits[first].start < c_start:
            first += 1
        if first == n_hits:
            break  # no hit in this clause or any after it
        last = first
        while last < n_hits and all_hits[last].start < c_end:
            last += 1
        if last == first:
            continue
        hits = all_hits[first:last]
        kept: list[tuple[_Hit, str, str | None]] = []  # with its window and bound word
        prev_end = c_start
        for i, h in enumerate(hits):
            window = s[prev_end:h.start]
            before = _bound_before(window)
            if not h.percent:
                nxt = hits[i + 1] if i + 1 < len(hits) else None
                between = s[h.end:nxt.start] if nxt else ""
                if nxt and not nxt.percent and _PIECE_SEP not in between and (
                        _CHANGE_RE.search(between) is None) and (
                        _CLAUSE_END.search(between) is None):
                    continue  # 10亿美元项目2个: the amount describes the count after it
                if not h.unit:
                    if not (before or h.after_bound
                            or window.rstrip().endswith(_REACH_BEFORE)):
                        continue  # a bare number: a section number, a code, a name
                elif not (before or h.after_bound):
                    # (cheapest first; _kind(window, False) != "level" is a growth or
                    # reduction word)
                    follows = s[h.end:c_end].lstrip()
                    if not (not follows or follows[0] in _PIECE_SEP + "）)"
                            or _DOING_RE.search(s, c_start, h.start) is not None
                            or _CHANGE_BY_RE.search(window) is not None):
                        continue  # 深化三项试点: the count describes, it is not to achieve
            kept.append((h, window, before))
            prev_end = h.end
        for i, (h, window, before) in enumerate(kept):
            # the window is the one above: from the previous kept target (or the clause)
            t_start = kept[i - 1][0].end if i else c_start
            t_end = h.end if i + 1 < len(kept) else c_end
            bound = h.after_bound or before or "exact"
            if before == "at_most" and h.after_bound == "about":
                bound = "at_most"  # 控制在3%左右: a ceiling, give or take
            kind = "range" if h.upper is not None else _kind(window, h.percent)
            phrase = text[t_start:t_end].strip().lstrip("、和及与并且，,").strip()
            phrase = phrase.rstrip("、，。；;,.")
            targets.append((phrase, kind, _number(h.value),
                            None if h.upper is None else _number(h.upper), h.unit, bound))
    return targets


def targets_json(text: str) -> str | None:
    """The targets of ``text`` as stored with the task (JSON), or None when it has none:
    the text ``json.dumps([t.to_dict() …], ensure_ascii=False)`` gives, written directly
    (a third of the encoder's cost for these few fixed fields)."""
    found = _targets(text)
    if not found:
        return None
    return "[" + ", ".join(
        f'{{"text": {_str_json(phrase)}, "kind": "{kind}", '
        f'"value": {_num_json(value)}, "upper": {_num_json(upper)}, '
        f'"unit": {_str_json(unit)}, "bound": "{bound}"}}'
        for phrase, kind, value, upper, unit, bound in found) + "]"


_JSON = json.JSONEncoder(ensure_ascii=False)  # what json.dumps(…, ensure_ascii=False) builds


def _num_json(value: float | None) -> str:
    """A target's number as the JSON encoder writes it."""
    if value is None:
        return "null"
    if type(value) is int:
        return int.__repr__(value)
    if type(value) is float and math.isfinite(value):
        return float.__repr__(value)
    return _JSON.encode(value)  # NaN, Infinity, anything else: as the encoder says


# --- actual values ---------------------------------------------------------------------------

_MAGNITUDE = {"": 1.0, "万": 1e4, "亿": 1e8, "千": 1e3, "百": 1e2, "万亿": 1e12}
_ACTUAL_RE = lazy(r"^\s*(?P<sign>[-+−])?\s*(?P<num>\d+(?:,\d{3})*(?:\.\d+)?|\.\d+)\s*"
                  r"(?P<unit>\S*?)\s*$")


def _split_magnitude(unit: str) -> tuple[str, str]:
    m = re.match(r"^([万亿千百]*)(.*)$", unit)
    assert m
    return m.group(1), m.group(2)


def parse_actual(text: str | float | int, unit: str = "") -> float:
    """An actual value typed by a person or read from a form cell, in the target's ``unit``.

    ``"8.2%"``, ``"８．２％"``, ``"8.2"`` for a ``%`` target all read 8.2; ``"1.2亿元"`` for a
    ``万元`` target reads 12000; ``"3所"`` or ``"三所"`` for a ``所`` target 3. A value in a
    different kind of unit (``5亿元`` for a ``座`` target) raises ValueError.
    """
    if isinstance(text, bool):
        raise ValueError("not a number")
    if isinstance(text, int | float):
        return float(text)
    s = str(text).translate(_WIDTH).strip().replace("−", "-")
    s = s.replace("，", ",").replace("。", ".")
    for word, _b in _BOUND_AFTER:
        s = s.removesuffix(word)
    s = s.strip()
    m = _ACTUAL_RE.match(s)
    if m is None:
        cn = re.match(r"^\s*([零〇一二两三四五六七八九十百千万亿]+)(\S*)\s*$", s)
        if cn is None:
            raise ValueError(f"not a number: {text!r}")
        nm = _NUM_RE.match(cn.group(1))
        read = _read_number(nm) if nm and nm.end() == len(cn.group(1)) else None
        if read is None:
            raise ValueError(f"not a number: {text!r}")
        value, given = read[0], read[1] + cn.group(2)
    else:
        value = float(m.group("num").replace(",", ""))
        if m.group("sign") == "-":
            value = -value
        given = m.group("unit")
    if not given or given == unit:
        return value
    if is_percent(unit) or is_percent(given):
        if is_percent(unit) and is_percent(given):
            return value
        raise ValueError(f"{text!r} is not in {unit or 'a plain number'}")
    g_mag, g_base = _split_magnitude(given)
    u_mag, u_base = _split_magnitude(unit)
    if g_base and u_base and g_base != u_base:
        raise ValueError(f"{text!r} is not in {unit}")
    if g_mag not in _MAGNITUDE or u_mag not in _MAGNITUDE:
        raise ValueError(f"{text!r} is not in {unit}")
    return value * _MAGNITUDE[g_mag] / _MAGNITUDE[u_mag]


# --- met or behind ---------------------------------------------------------------------------

ABOUT_TOLERANCE = 0.05  # 左右: within 5% of the figure counts as reaching it


def year_elapsed(year: int, as_of: date) -> float:
    """The share of ``year`` elapsed at the end of ``as_of`` (序时进度), 0–1, counted by
    months as offices print it (the end of March is 3/12): :func:`schedule.year_share`."""
    from taskduty.schedule import year_share

    return year_share(as_of, year) / 100


def assess(target: Target | dict[str, Any], actual: float | None, elapsed: float) -> str | None:
    """``met``, ``on_course`` or ``behind`` for an actual value at a share ``elapsed`` of the
    year (None without an actual).

    A cumulative level or count (新建58座) is met when reached and on course when it has
    reached the elapsed share of the year. A figure to hold — a growth, rate or share, a
    ceiling — is compared with the target itself with its bound: on course while the year
    runs, met once it is over.
    """
    if actual is None:
        return None
    t = target if isinstance(target, Target) else Target(**{k: target[k] for k in (
        "text", "kind", "value", "upper", "unit", "bound")})
    value = float(t.value)
    tol = abs(value) * ABOUT_TOLERANCE if t.bound == "about" else 0.0
    if t.bound == "at_most":
        ok = actual <= value + tol
        reached = ok
    else:
        reached = actual >= value - tol
        ok = reached
    if t.cumulative:
        if reached:
            return "met"
        return "on_course" if actual >= value * elapsed - 1e-9 else "behind"
    if not ok:
        return "behind"
    return "met" if elapsed >= 1.0 else "on_course"


def count_statuses(targets: list[dict[str, Any]]) -> dict[str, int]:
    """How many ``targets`` (with their ``status``) there are, and how many are met, on
    course, behind, and without an actual value (``none``); ``ok`` is met plus on course."""
    from collections import Counter

    counts = Counter(t.get("status") or "none" for t in targets)
    out = {"targets": len(targets), **{k: counts.get(k, 0) for k in STATUS_LABELS}}
    out["ok"] = out["met"] + out["on_course"]
    return out


def counts_line(counts: dict[str, int]) -> str:
    """``量化指标33项：已达标5项、达序时20项、未达序时3项、未报5项`` (as bulletins count)."""
    parts = "、".join(f"{label}{counts[k]}项" for k, label in STATUS_LABELS.items())
    return f"量化指标{counts['targets']}项：{parts}"


def describe(target: Target | dict[str, Any]) -> str:
    """The target in a few characters: ``≥60%``, ``≈9%``, ``4.5–5%``, ``58座``."""
    t = target if isinstance(target, dict) else target.to_dict()
    num = f"{t['value']:g}" if isinstance(t["value"], float) else str(t["value"])
    if t.get("upper") is not None:
        up = t["upper"]
        num += "–" + (f"{up:g}" if isinstance(up, float) else str(up))
    sign = {"about": "≈", "at_least": "≥", "at_most": "≤"}.get(t["bound"], "")
    kind = {"growth": "+", "reduction": "−"}.get(t["kind"], "")
    return f"{sign}{kind}{num}{t['unit']}"
