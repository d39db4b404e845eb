"""The glossary in code: canonical field names, the header aliases that map onto them,
and the status vocabulary. Every reader, query and renderer takes its words from here."""

from __future__ import annotations

from taskduty.i18n import N_
from taskduty.lazyre import lazy
from taskduty.textclean import CLOSE_BRACKETS as CLOSE_BRACKETS
from taskduty.textclean import OPEN_BRACKETS as OPEN_BRACKETS
from taskduty.textclean import split_outside_brackets as split_outside_brackets
from taskduty.textclean import squeeze as squeeze

# Canonical fields of a task row, in table order, with the header shown to users.
LABELS: dict[str, str] = {
    "section": "类别",
    "goal_no": "序号",
    "goal": "目标名称",
    "code": "任务编号",
    "standard": "工作标准",
    "leaders": "分管领导",
    "units": "牵头单位",
    "co_units": "配合单位",
    "deadline": "完成时限",
    "status": "状态",
    "progress": "进度",
    "note": "进展情况",
    "updated": "更新日期",
    "expected_progress": "序时进度",
    "warning": "预警",
    "days_left": "剩余天数",
}

# The same fields' headers as English message ids: tables show them in the interface
# language; their Chinese translations are the labels above (tests/test_i18n.py checks).
HEADERS: dict[str, str] = {
    "section": N_("Section"),
    "goal_no": N_("No."),
    "goal": N_("Goal"),
    "code": N_("Code"),
    "standard": N_("Standard"),
    "leaders": N_("Leaders"),
    "units": N_("Lead units"),
    "co_units": N_("Co-units"),
    "deadline": N_("Deadline"),
    "status": N_("Status"),
    "progress": N_("Progress"),
    "note": N_("Note"),
    "updated": N_("Updated"),
    "expected_progress": N_("Expected progress"),
    "warning": N_("Warning"),
    "days_left": N_("Days left"),
    "year": N_("Year"),
}

REQUIRED = ("goal", "standard", "leaders", "units")

# Header text (spaces removed) -> field. Order matters only for documentation.
_ALIASES: dict[str, tuple[str, ...]] = {
    "section": ("类别", "类型", "板块", "领域"),
    "goal_no": ("序号", "编号", "目标序号", "项目序号"),
    "goal": ("目标名称", "目标任务", "目标", "重点工作", "工作目标", "主要目标", "目标内容",
             "工作项目", "项目名称", "项目", "重点项目", "工作类别"),
    "standard": ("工作标准", "工作任务", "任务内容", "工作内容", "具体任务", "重点任务",
                 "主要任务", "工作措施", "具体措施", "工作举措", "任务事项", "工作事项",
                 "目标要求", "工作要求", "具体内容", "主要内容", "具体工作", "任务要求",
                 "年度目标任务", "目标任务内容", "重点工作任务", "主要工作任务", "目标与任务",
                 "指标要求", "工作任务内容", "重点任务内容", "具体工作任务", "任务",
                 "工作内容及目标", "具体目标任务", "主要工作内容", "目标任务及措施", "具体事项"),
    "leaders": ("分管领导", "责任领导", "牵头领导", "区政府分管领导", "市政府分管领导",
                "县政府分管领导", "政府分管领导", "牵头负责领导", "牵头责任领导", "联系领导",
                "挂钩领导", "包挂领导", "牵头市领导", "牵头区领导", "牵头县领导",
                "分管市领导", "分管区领导", "分管县领导", "市领导", "区领导", "县领导"),
    "units": ("牵头单位", "牵头责任单位", "责任单位", "牵头部门", "牵头责任部门", "责任部门",
              "主办单位", "承办单位", "主责单位", "责任主体"),
    "co_units": ("配合单位", "协同责任单位", "协办单位", "配合部门", "协同单位", "参与单位",
                 "配合责任单位", "协助单位", "协作单位"),
    "deadline": ("完成时限", "时间节点", "完成时间", "时限", "完成期限", "时间要求",
                 "时限要求", "时间安排", "进度安排"),
}

HEADER_ALIASES: dict[str, str] = {
    alias: name for name, aliases in _ALIASES.items() for alias in aliases
}
# Words a header may end with when it is not spelled like any alias ("市政府分管副市长" is not,
# but "区政府分管领导" or "牵头单位（部门）" are read through these).
_SUFFIXES = (("分管领导", "leaders"), ("责任领导", "leaders"), ("牵头领导", "leaders"),
             ("牵头单位", "units"), ("牵头部门", "units"), ("配合单位", "co_units"),
             ("协办单位", "co_units"), ("完成时限", "deadline"))
_LEAD_KEYS = ("牵头单位", "牵头责任单位", "牵头部门", "牵头责任部门", "主办单位")
_PLAIN_UNIT_KEYS = ("责任单位", "责任部门")

_BRACKETED = lazy(r"[（(][^）)]*[）)]")


def _key(text: str) -> str:
    """A header cell reduced for lookup: no spaces, marks or bracketed remarks."""
    return _BRACKETED.sub("", squeeze(text)).strip("*＊:：、.")


def header_field(text: str) -> str | None:
    """The canonical field a header cell names, or None (``"工 作 标 准"`` -> ``"standard"``)."""
    key = _key(text)
    if key in HEADER_ALIASES:
        return HEADER_ALIASES[key]
    if found := next((name for suffix, name in _SUFFIXES if key.endswith(suffix)), None):
        return found
    # Any other spelling the responsibility-clause grammar knows (分管省领导, 主要责任单位 …);
    # imported here: its regexes are for loading, not for every command's start-up.
    from taskduty.clauses import label_kind

    kind = label_kind(key) if key else None
    return {"leaders": "leaders", "units": "units", "plain": "units", "co_units": "co_units",
            "deadline": "deadline"}.get(kind[0]) if kind else None


def map_header(header: list[str]) -> dict[str, int]:
    """Map canonical fields to column indexes.

    责任单位 means the lead units, unless a 牵头单位 column also exists: then it is the
    cooperating units. The first column wins when a field appears twice; but with two
    task-text columns and no goal column, the first one holds the goals (重点工作 | 具体措施).
    """
    keys = [_key(h) for h in header]
    has_lead = any(k in _LEAD_KEYS for k in keys)
    found: dict[str, int] = {}
    standards: list[int] = []
    for i, (key, text) in enumerate(zip(keys, header, strict=True)):
        name = header_field(text)
        if key in _PLAIN_UNIT_KEYS and has_lead:
            name = "co_units"
        if name == "standard":
            standards.append(i)
        if name and name not in found:
            found[name] = i
    if "goal" not in found and len(standards) >= 2:
        found["goal"], found["standard"] = standards[0], standards[1]
    if "standard" not in found and "goal" in found:
        # 重点工作 as the only text column holds the tasks; of two goal-like columns
        # (重点工作 | 目标任务) the second holds them.
        goals = [i for i, text in enumerate(header) if header_field(text) == "goal"]
        found["standard"] = goals[-1] if len(goals) >= 2 else found.pop("goal")
    return found


NAME_FIELDS = ("leaders", "units", "co_units")


def extra_columns(header: list[str]) -> dict[str, list[int]]:
    """Columns naming a field that another column already holds (two 工作标准, two
    牵头单位): field -> the extra columns' indexes (:func:`map_header` keeps the first)."""
    found = map_header(header)
    used = set(found.values())
    keys = [_key(h) for h in header]
    has_lead = any(k in _LEAD_KEYS for k in keys)
    extra: dict[str, list[int]] = {}
    for i, (key, text) in enumerate(zip(keys, header, strict=True)):
        name = "co_units" if key in _PLAIN_UNIT_KEYS and has_lead else header_field(text)
        if name and i not in used and name in found:
            extra.setdefault(name, []).append(i)
    return extra


def is_header_row(cells: list[str]) -> bool:
    """True when the cells look like a table header: they name the standard and at least
    two other required fields, or a task column (重点工作 alone is one), a unit column and a
    third known column (序号 | 重点工作任务 | 责任单位)."""
    found = map_header(cells)
    if "standard" in found and sum(f in found for f in REQUIRED) >= 3:
        return True
    return "standard" in found and "units" in found and len(found) >= 3


# Status vocabulary: key -> Chinese label, in workflow order.
STATUSES: dict[str, str] = {
    "not_started": "未启动",
    "in_progress": "推进中",
    "behind": "滞后",
    "done": "已完成",
}

STATUS_SYNONYMS: dict[str, str] = {
    **{k: k for k in STATUSES},
    **{v: k for k, v in STATUSES.items()},
    "未开始": "not_started",
    "未启动": "not_started",
    "推进中": "in_progress",
    "进行中": "in_progress",
    "正常推进": "in_progress",
    "达进度": "in_progress",
    "序时推进": "in_progress",
    "按序时推进": "in_progress",
    "滞后": "behind",
    "欠进度": "behind",
    "进度滞后": "behind",
    "完成": "done",
    "已完成": "done",
    "办结": "done",
    "已办结": "done",
    "销号": "done",
    "not-started": "not_started",
    "in-progress": "in_progress",
    "notstarted": "not_started",
    "inprogress": "in_progress",
}


def parse_status(text: str) -> str | None:
    """A status key from any accepted spelling, or None."""
    key = squeeze(text).lower()
    return STATUS_SYNONYMS.get(key)


def normalise_code(code: str) -> str:
    """``1.2`` from what a user may type: ``01.02``, ``1．2``, `` 1.2 ``."""
    text = code.strip().replace("．", ".").replace("。", ".")
    parts = text.split(".")
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        return f"{int(parts[0])}.{int(parts[1])}"
    return text
