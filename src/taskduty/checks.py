"""``taskduty check``: a data-quality report for a loaded year.


It combines what each load recorded (load notes: inherited cells, repaired fragments, cleaned
names, notes, warnings) with checks computed from the stored table: names that look like
variants of one another and tasks without a leader or a lead unit.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import Any

from taskduty.db import Reader
from taskduty.i18n import _

# A trailing organ character: 发改委 and 发改局 share the stem 发改.
_ORGAN_ENDINGS = "局委办厅室处科部"


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def variant_reason(a: str, b: str, kind: str) -> str | None:
    """Why ``a`` and ``b`` may be two spellings of one name, or None.

    One contained in the other (经开区 / 常州经开区); for units also one edit apart in names
    of four or more characters, or the same stem with another organ ending (发改委 / 发改局).
    Leaders' names are short and differ by one character between different people, so only
    containment counts for them.
    """
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 2 and short in long_:
        return _("{short!r} is part of {long!r}").format(short=short, long=long_)
    if kind == "leader":
        return None
    if min(len(a), len(b)) >= 4 and edit_distance(a, b) == 1:
        return _("one character apart")
    if (len(a) == len(b) >= 3 and a[:-1] == b[:-1]
            and a[-1] in _ORGAN_ENDINGS and b[-1] in _ORGAN_ENDINGS):
        return _("same name {stem!r} with another ending").format(stem=a[:-1])
    return None


def variants(names: dict[str, int], kind: str) -> list[dict[str, Any]]:
    """Pairs of names (with their task counts) that look like variants of one another."""
    out = []
    for a, b in combinations(sorted(names), 2):
        reason = variant_reason(a, b, kind)
        if reason:
            out.append({"kind": kind, "names": [a, b], "tasks": [names[a], names[b]],
                        "reason": reason})
    return out


def data_quality(reader: Reader, year: int | None) -> dict[str, Any]:
    """The check report for ``year`` (default: the latest year loaded)."""
    from taskduty.queries import plan_id

    pid, found_year = plan_id(reader, year)
    notes = reader.all("SELECT kind, ref, code, message FROM load_note WHERE plan_id = :p "
                       "ORDER BY id", {"p": pid})
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for n in notes:
        by_kind[n["kind"]].append({"ref": n["ref"], "code": n["code"], "message": n["message"]})
    tasks = reader.all("SELECT id, code, leaders_inherited, units_inherited FROM task "
                       "WHERE plan_id = :p AND removed = :no ORDER BY goal_no, seq",
                       {"p": pid, "no": False})
    leader_counts: dict[str, int] = defaultdict(int)
    with_leader: set[int] = set()
    for r in reader.all("SELECT tl.task_id, l.name FROM task_leader tl JOIN leader l "
                        "ON l.id = tl.leader_id JOIN task t ON t.id = tl.task_id "
                        "WHERE t.plan_id = :p AND t.removed = :no", {"p": pid, "no": False}):
        leader_counts[r["name"]] += 1
        with_leader.add(r["task_id"])
    unit_counts: dict[str, int] = defaultdict(int)
    with_unit: set[int] = set()
    for r in reader.all("SELECT tu.task_id, tu.role, u.name FROM task_unit tu JOIN unit u "
                        "ON u.id = tu.unit_id JOIN task t ON t.id = tu.task_id "
                        "WHERE t.plan_id = :p AND t.removed = :no", {"p": pid, "no": False}):
        unit_counts[r["name"]] += 1
        if r["role"] == "lead":
            with_unit.add(r["task_id"])
    how: dict[str, list[str]] = defaultdict(list)
    for n in by_kind.get("inherited", []):
        how[n["code"]].append(n["message"])
    inherited = [{"code": t["code"],
                  "fields": [f for f in ("leaders", "units") if t[f"{f}_inherited"]],
                  "messages": how.get(t["code"], [])}
                 for t in tasks if t["leaders_inherited"] or t["units_inherited"]]
    removed = reader.all("SELECT code, standard FROM task WHERE plan_id = :p AND removed = :yes "
                         "ORDER BY goal_no, seq", {"p": pid, "yes": True})
    return {
        "year": found_year,
        "tasks": len(tasks),
        "inherited": inherited,
        "repaired": by_kind.get("repaired", []),
        "cleaned": by_kind.get("cleaned", []),
        "warnings": by_kind.get("warning", []),
        "notes": by_kind.get("note", []),
        "variants": variants(leader_counts, "leader") + variants(unit_counts, "unit"),
        "no_leader": [t["code"] for t in tasks if t["id"] not in with_leader],
        "no_unit": [t["code"] for t in tasks if t["id"] not in with_unit],
        "removed": [{"code": r["code"], "standard": r["standard"]} for r in removed],
    }


def problem_count(report: dict[str, Any]) -> int:
    """What a person should look at: warnings, variant names, tasks without leader or unit."""
    return (len(report["warnings"]) + len(report["variants"]) + len(report["no_leader"])
            + len(report["no_unit"]))
