"""The glossary in code: canonical field names, the header aliases that map onto them,
and the status vocabulary. Every reader, query and renderer takes its words from here."""

from __future__ import annotations

import re

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
}

REQUIRED = ("goal", "standard", "leaders", "units")

# Header text (spaces removed) -> field. Order matters only for documentation.
_ALIASES: dict[str, tuple[str, ...]] = {
    "section": ("类别", "类型", "板块"),
    "goal_no": ("序号", "编号", "目标序号"),
    "goal": ("目标名称", "目标任务", "目标"),
    "standard": ("工作标准", "工作任务", "任务内容", "工作内容", "具体任务"),
    "leaders": ("分管领导", "责任领导", "牵头领导", "区政府分管领导", "市政府分管领导",
                "县政府分管领导", "政府分管领导", "牵头负责领导", "牵头责任领导"),
    "units": ("牵头单位", "牵头责任单位", "责任单位", "牵头部门"),
    "co_units": ("配合单位", "协同责任单位", "协办单位", "配合部门"),
    "deadline": ("完成时限", "时间节点", "完成时间", "时限"),
}

HEADER_ALIASES: dict[str, str] = {
    alias: name for name, aliases in _ALIASES.items() for alias in aliases
}

_SPACE = re.compile(r"\s+")


def squeeze(text: str) -> str:
    """Remove every kind of white space (ASCII, full-width, NBSP, line breaks)."""
    return _SPACE.sub("", text.replace("\u3000", " ").replace("\xa0", " "))


def header_field(text: str) -> str | None:
    """The canonical field a header cell names, or None (``"工 作 标 准"`` -> ``"standard"``)."""
    key = squeeze(text).strip("*＊:：")
    return HEADER_ALIASES.get(key)


def map_header(header: list[str]) -> dict[str, int]:
    """Map canonical fields to column indexes.

    责任单位 means the lead units, unless a 牵头单位 column also exists: then it is the
    cooperating units. The first column wins when a field appears twice.
    """
    keys = [squeeze(h).strip("*＊:：") for h in header]
    has_lead = any(k in ("牵头单位", "牵头责任单位", "牵头部门") for k in keys)
    found: dict[str, int] = {}
    for i, key in enumerate(keys):
        name = HEADER_ALIASES.get(key)
        if key == "责任单位" and has_lead:
            name = "co_units"
        if name and name not in found:
            found[name] = i
    return found


def is_header_row(cells: list[str]) -> bool:
    """True when the cells look like a table header: they name the standard and at least
    two other required fields."""
    found = map_header(cells)
    return "standard" in found and sum(f in found for f in REQUIRED) >= 3


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
