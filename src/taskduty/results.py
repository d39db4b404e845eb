"""What the recording and monthly-cycle commands show: their results as :class:`render.Result`
(columns, lines, notes) and their stderr messages, so ``cli/`` only parses options, calls one
library function and hands what comes back to :func:`render.write` / :func:`render.message`.

``update``/``extend``/``undo``/``withdraw`` (cli/status.py) and ``forms``/``collect``/
``remind``/``export`` (cli/report.py) build their output here.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from taskduty import render
from taskduty.fields import HEADERS
from taskduty.i18n import N_, _, ngettext


def _status_text(value: Any, _row: dict) -> str:
    return render.status_label(value) if value else ""


def _pct(progress: Any) -> str:
    return f" {progress}%" if progress is not None else ""


# -- update, extend, undo, withdraw ----------------------------------------------------------
def recorded_result(year: int, batch: int | None, recorded: list[dict],
                    actuals: list[dict] | None = None) -> render.Result:
    """The updates (and actual values) a batch recorded: one row each; JSON keeps the batch
    around them."""
    rows = [{"year": year, "batch": batch, **r} for r in recorded]
    rows += [{"year": year, "batch": batch, "code": f"{a['code']}#{a['target']}",
              "status": None, "progress": None, "value": a.get("value"), "date": a["date"],
              "id": f"A{a['id']}"} for a in actuals or []]
    columns = render.columns(
        ("year", HEADERS["year"]), ("code", HEADERS["code"]),
        render.Column("status", HEADERS["status"], _status_text),
        ("progress", HEADERS["progress"]), ("date", N_("Date")), ("id", N_("ID")))
    if actuals:
        columns.insert(4, render.Column("value", N_("Actual value")))
    return render.Result(rows=rows, columns=columns, show=lambda _rows, _cols: None,
                         data={"year": year, "batch": batch, "recorded": recorded})


def actual_lines(year: int, actuals: list[dict]) -> list[str]:
    """One line per actual value recorded."""
    if not actuals:
        return []
    from taskduty.targets import describe

    return [_("{year} {code}#{no}: 实际完成值 {value} (target {target}: {text}) "
              "on {date} [id {id}]").format(
        year=year, code=a["code"], no=a["target"],
        value=describe({"value": a["value"], "unit": a["unit"], "bound": "exact",
                        "kind": "level", "upper": None}),
        target=describe(a["target_spec"]), text=a["text"], date=a["date"], id=a["id"])
        for a in actuals]


def update_result(result: Any) -> render.Result:
    """``update``: a row per update and actual value recorded (json: the whole batch)."""
    out = recorded_result(result.year, result.batch_id, result.recorded, result.actuals)
    out.data.update({"skipped": result.skipped, "reopened": result.reopened,
                     "actuals": result.actuals})
    out.lines = [_("{year} {code}: {label} ({status}){pct} on {date} [id {id}]").format(
        year=result.year, code=r["code"], label=render.status_label(r["status"]),
        status=r["status"], pct=_pct(r["progress"]), date=r["date"], id=r["id"])
        for r in result.recorded]
    out.lines += actual_lines(result.year, result.actuals)
    return out


def update_messages(result: Any, status: str | None, dated: date | None) -> list[str]:
    """``update``'s stderr lines after the output: updates skipped as already recorded,
    tasks reopened to ``status``, and (``dated``: the day used when no --date was given) a
    day outside the table's year."""
    lines = []
    if result.skipped:
        lines.append(_("Skipped {codes}: the same update is already recorded "
                       "(nothing recorded twice)").format(codes=", ".join(result.skipped)))
    if result.reopened and status is not None:
        lines.append(_("Reopened {codes}: it was done (已完成) and is now {status}").format(
            codes=", ".join(result.reopened), status=render.status_label(status)))
    if dated is not None and dated.year != result.year:
        lines.append(_("Note: dated today ({day}), outside the {year} table's year; "
                       "give the day it describes with --date, e.g. --date {year}-12-31"
                       ).format(day=dated.isoformat(), year=result.year))
    return lines


def withdrawn_result(entries: list[dict], heading: str,
                     actuals: list[dict] | None = None) -> render.Result:
    """What was withdrawn: one row per update, extension or actual value (json: a list, the
    actual values told apart by their "target" key, extensions by "kind")."""
    actuals = actuals or []
    extensions = [e for e in entries if e.get("kind") == "extension"]
    updates = [e for e in entries if e.get("kind") != "extension"]
    n = len(updates) + len(actuals)
    notes = []
    if n or not extensions:
        notes.append(ngettext("{heading}: {n} update", "{heading}: {n} updates", n).format(
            heading=heading, n=n))
    if extensions:
        notes.append(ngettext("{heading}: {n} extension", "{heading}: {n} extensions",
                              len(extensions)).format(heading=heading, n=len(extensions)))
    lines = [_("{year} {code}: withdrew update {id} ({label}, {date})").format(
        year=e["year"], code=e["code"], id=e["id"], label=render.status_label(e["status"]),
        date=e["date"]) for e in updates]
    lines += [_("{year} {code}: withdrew extension {id} (to {date})").format(**e)
              for e in extensions]
    lines += [_("{year} {code}#{no}: withdrew actual value {id} ({value}, {date})").format(
        year=a["year"], code=a["code"], no=a["target"], id=a["id"],
        value=f"{a['value']:g}", date=a["date"]) for a in actuals]
    rows = [*entries, *({**a, "code": f"{a['code']}#{a['target']}", "id": f"A{a['id']}"}
                        for a in actuals)]
    columns = render.columns(
        ("year", HEADERS["year"]), ("code", HEADERS["code"]), ("id", N_("ID")),
        render.Column("status", HEADERS["status"], _status_text), ("date", N_("Date")))
    return render.Result(rows=rows, columns=columns, data=entries + actuals,
                         show=lambda _rows, _cols: None, notes=notes, lines=lines)


def undo_result(result: Any) -> render.Result:
    """``undo``: the batch withdrawn."""
    return withdrawn_result(result.entries, _("Withdrew batch {batch}").format(
        batch=result.batch_id), result.actuals)


def withdraw_result(result: Any) -> render.Result:
    """``withdraw ID...``: the updates withdrawn."""
    return withdrawn_result(result.entries, _("Withdrew"), result.actuals)


def extend_result(result: Any) -> render.Result:
    """``extend``: a row per extension recorded (json: the batch around them)."""
    rows = [{"year": result.year, "batch": result.batch_id, **r} for r in result.recorded]
    return render.Result(
        rows=rows, data={"year": result.year, "batch": result.batch_id,
                         "recorded": result.recorded},
        columns=render.columns(("year", HEADERS["year"]), ("code", HEADERS["code"]),
                               ("to", N_("Due")), ("deadline", HEADERS["deadline"]),
                               ("id", N_("ID"))),
        show=lambda _rows, _cols: None,
        lines=[_("{year} {code}: due {to} (was {was}) [id {id}]").format(
            year=result.year, code=r["code"], to=r["to"], was=r["deadline"] or _("no deadline"),
            id=r["id"]) for r in result.recorded],
        notes=[ngettext("Recorded {n} extension as batch {batch} (undo with: taskduty undo)",
                        "Recorded {n} extensions as batch {batch} (undo with: taskduty undo)",
                        len(result.recorded)).format(n=len(result.recorded),
                                                     batch=result.batch_id)])


# -- export, forms, collect, remind ----------------------------------------------------------
def export_message(info: Any) -> str:
    """``export X.xlsx``: what the workbook holds, one line."""
    lights = info.lights or {}
    return (_("Wrote {path}: {tasks} tasks, {late} behind or stale").format(
        path=info.path, tasks=info.tasks, late=info.behind_or_stale)
        + _("; lights: {red} red, {yellow} yellow, {blue} blue").format(
            red=lights.get("red", 0), yellow=lights.get("yellow", 0),
            blue=lights.get("blue", 0))
        + (_("; quantitative targets: {n}, {ok} met or on course").format(
            n=info.targets["targets"], ok=info.targets["ok"])
           if info.targets and info.targets["targets"] else ""))


def form_lines(forms: list[tuple[str, Path, int]]) -> list[str]:
    """``PATH<TAB>UNIT<TAB>TASKS`` per form written (what scripts read from ``forms``)."""
    return [f"{path}\t{name}\t{n}" for name, path, n in forms]


def forms_result(result: Any, month: Any, outdir: Path) -> render.Result:
    """``forms``: a row per form written."""
    rows = [{"file": str(path), "unit": name, "tasks": n} for name, path, n in result.forms]
    n = len(rows)
    return render.Result(
        rows=rows, columns=render.columns(("file", N_("File")), ("unit", N_("Lead unit")),
                                          ("tasks", N_("Tasks"))),
        lines=form_lines(result.forms),
        show=lambda _rows, _cols: None,
        notes=[ngettext("Wrote {n} form for {month} ({year}) to {folder}",
                        "Wrote {n} forms for {month} ({year}) to {folder}", n).format(
            n=n, month=month, year=result.year, folder=outdir)])


def problem_lines(problems: list[Any]) -> list[str]:
    """The problems ``collect`` found, indented, the first few of many (limits.listed)."""
    from taskduty.limits import listed

    shown, more = listed(problems)
    lines = [f"  {problem}" for problem in shown]
    if more:
        lines.append("  " + _("… and {n} more problems (the first {shown} are listed)")
                     .format(n=more, shown=len(shown)))
    return lines


def report_text(r: dict[str, Any]) -> str:
    """``推进中 40%`` for a report or status dict; 未报送 when there is none."""
    if r.get("status") is None:
        return _("not reported")
    return f"{render.status_label(r['status'])}{_pct(r.get('progress'))}"


def collect_result(result: Any) -> render.Result:
    """``collect``: a row per update recorded; json the whole batch (recorded, skipped,
    moved, conflicts, forms); notes per form and on the batch."""
    out = recorded_result(result.year, result.batch_id, result.recorded, result.actuals)
    out.data.update({
        "skipped": result.skipped,
        "actuals": [{k: v for k, v in a.items() if k != "target_spec"}
                    for a in result.actuals],
        "moved": [{"file": f, "form_code": a, "code": b} for f, a, b in result.moved],
        "conflicts": result.conflicts,
        "forms": [{"file": str(f.path), "unit": f.unit, "month": str(f.month),
                   "rows": len(f.rows), "copied": f.copied, **f.contact}
                  for f in result.forms]})
    notes = []
    for form in result.forms:
        contact = render.contact_text(form.contact)
        notes.append(ngettext("{file}: {unit}, {month}, {n} filled row",
                              "{file}: {unit}, {month}, {n} filled rows", len(form.rows)).format(
            file=form.path.name, unit=form.unit, month=form.month, n=len(form.rows))
            + (_(" (a copied form, matched by 任务编号)") if form.copied else "")
            + (f" ({contact})" if contact else ""))
    out.lines = [_("{year} {code}: {label}{pct} on {date} [id {id}]").format(
        year=result.year, code=r["code"], label=render.status_label(r["status"]),
        pct=_pct(r["progress"]), date=r["date"], id=r["id"]) for r in result.recorded]
    out.lines += [_("{year} {code}#{no}: 实际完成值 {value:g}{unit} on {date} [id {id}]").format(
        year=result.year, code=a["code"], no=a["target"], value=a["value"],
        unit=a["unit"], date=a["date"], id=a["id"]) for a in result.actuals]
    notes += [_("{file}: task {was} is now {now} (the table was reloaded); recorded as "
                "{now}").format(file=Path(file).name, was=was, now=now)
              for file, was, now in result.moved]
    for c in result.conflicts:
        told = "; ".join(f"{r['unit']} {report_text(r)}" for r in c["reports"])
        notes.append(_("Note: {code} was reported differently by its lead units ({told}); "
                       "each report is kept, and its status is the least advanced: "
                       "{status}").format(code=c["code"], told=told, status=report_text(c)))
    if result.skipped:
        notes.append(_("Skipped {n} update(s) already recorded (the same form collected "
                       "before): {codes}").format(n=len(result.skipped),
                                                 codes=", ".join(result.skipped)))
    if result.batch_id is None:
        notes.append(_("Nothing new to record."))
    else:
        n = len(result.recorded)
        values = (_(" and {n} actual values").format(n=len(result.actuals))
                  if result.actuals else "")
        notes.append(ngettext("Recorded {n} update{values} as batch {batch} (undo with: "
                              "taskduty undo)",
                              "Recorded {n} updates{values} as batch {batch} (undo with: "
                              "taskduty undo)", n).format(n=n, values=values,
                                                          batch=result.batch_id))
    out.notes = notes
    return out


NOTICE_SEP = "\n" + "-" * 40 + "\n\n"


def remind_result(late: list[dict[str, Any]], plan_year: int, which: Any, due: date,
                  office: str) -> render.Result:
    """``remind --month``: the lead units that have not reported, with their tasks; the
    ``text`` format is a 催办 notice per unit."""
    from taskduty.forms import reminder_text

    def notices() -> str:
        return NOTICE_SEP.join(reminder_text(e, plan_year, which, due, office) for e in late)

    rows = [{**e, "tasks": len(e["tasks"]),
             "codes": [t["code"] for t in e["tasks"]]} for e in late]
    n = sum(len(e["tasks"]) for e in late)
    return render.Result(
        rows=rows,
        columns=render.columns(
            ("unit", N_("Lead unit")), ("leaders", N_("Leaders")),
            render.Column("tasks", N_("Not reported / led"),
                          lambda v, r: f"{v}/{r['total']}" if "total" in r else v),
            render.Column("codes", N_("Tasks not reported"), lambda v, _r: " ".join(v))),
        data={"year": plan_year, "month": str(which), "deadline": due.isoformat(),
              "units": late},
        title=_("{month}: units that have not reported ({year}, {n} units)").format(
            month=which.cn, year=plan_year, n=len(late)),
        texts={"text": notices},
        notes=[_("{units} units have not reported for {month} ({tasks} task reports "
                 "missing)").format(units=len(late), month=str(which), tasks=n)])


def due_result(units: list[dict[str, Any]], plan_year: int, when: date, days: int,
               office: str) -> render.Result:
    """``remind --due-within DAYS``: a row per task coming due, by lead unit; the ``text``
    format is a 到期提醒 notice per unit."""
    from taskduty.due import due_notice

    n = len({t["code"] for e in units for t in e["tasks"]})
    summary = _("{units} units have {tasks} tasks due within {days} days of {day}").format(
        units=len(units), tasks=n, days=days, day=when.isoformat())

    def notices() -> str:
        return NOTICE_SEP.join(due_notice(e, plan_year, when, days, office) for e in units)

    rows = [{"unit": e["unit"], "leaders": e["leaders"], "code": t["code"], "due": t["due"],
             "extended": t["extended"], "days_left": t["days_left"], "status": t["status"],
             "warning": t["warning"]} for e in units for t in e["tasks"]]
    columns = render.columns(
        ("unit", HEADERS["units"]), ("leaders", HEADERS["leaders"]), ("code", HEADERS["code"]),
        render.Column("due", HEADERS["deadline"],
                      lambda v, r: f"{v}" + (_("(extended)") if r["extended"] else "")),
        ("days_left", HEADERS["days_left"]),
        render.Column("status", HEADERS["status"], lambda v, _r: render.status_label(v)),
        render.Column("warning", HEADERS["warning"], lambda v, _r: render.warning_label(v)))
    return render.Result(
        rows=rows, columns=columns, texts={"text": notices}, notes=[summary],
        data={"year": plan_year, "as_of": when.isoformat(), "within": days, "units": units},
        title=_("Due within {days} days of {day}").format(days=days, day=when.isoformat()))


# -- unload, check, alias --------------------------------------------------------------------
def unload_message(year: int, counts: dict[str, int]) -> str:
    """``unload YEAR``: what was deleted."""
    return _("Unloaded {year}: {tasks} tasks in {goals} goals, {updates} updates "
             "deleted").format(year=year, tasks=counts["tasks"], goals=counts["goals"],
                               updates=counts["updates"])


CHECK_HEADINGS = {
    "warning": N_("Warnings"),
    "variant": N_("Names that look like variants (taskduty alias ALIAS NAME merges them)"),
    "no_leader": N_("Tasks without a leader"), "no_unit": N_("Tasks without a lead unit"),
    "repaired": N_("Repaired fragments"), "inherited": N_("Inherited cells"),
    "cleaned": N_("Cleaned names"), "removed": N_("Removed tasks kept for their history"),
    "note": N_("Notes")}


def check_result(report: dict[str, Any]) -> render.Result:
    """``check``: the data-quality report under its headings (json: the whole report; csv,
    tsv and jsonl one row per item)."""
    from taskduty import checks

    items = check_items(report)
    lines = [_("Check {year}: {tasks} tasks, {n} to look at").format(
        year=report["year"], tasks=report["tasks"], n=checks.problem_count(report))]
    for kind, heading in CHECK_HEADINGS.items():
        mine = [item for k, item in items if k == kind]
        if mine:
            lines.append(_("{heading} ({n}):").format(heading=_(heading), n=len(mine)))
            lines += [f"  {item}" for item in mine]
    if not items:
        lines.append("  " + _("nothing to report"))
    return render.Result(
        rows=[{"kind": k, "item": i} for k, i in items],
        columns=render.columns(("kind", N_("Kind")), ("item", N_("Item"))),
        data=report, lines=lines, show=lambda _rows, _cols: None)


def check_items(report: dict[str, Any]) -> list[tuple[str, str]]:
    """``check``'s items as (kind, text), a source row's place in the interface language."""
    def where(n: dict[str, Any]) -> str:
        return render.ref_text(n["ref"]) + ": " if n.get("ref") else ""

    lines = [("warning", where(n) + n["message"]) for n in report["warnings"]]
    lines += [("variant", _("{kind} {a} ({a_tasks} tasks) / {b} ({b_tasks} tasks): "
                            "{reason}").format(kind=v["kind"], a=v["names"][0],
                                               a_tasks=v["tasks"][0], b=v["names"][1],
                                               b_tasks=v["tasks"][1], reason=v["reason"]))
              for v in report["variants"]]
    lines += [("no_leader", code) for code in report["no_leader"]]
    lines += [("no_unit", code) for code in report["no_unit"]]
    lines += [("repaired", where(n) + n["message"]) for n in report["repaired"]]
    lines += [("inherited", f"{i['code']} {'、'.join(i['fields'])}")
              for i in report["inherited"]]
    lines += [("cleaned", n["message"]) for n in report["cleaned"]]
    lines += [("removed", f"{r['code']} {r['standard']}") for r in report["removed"]]
    lines += [("note", where(n) + n["message"]) for n in report["notes"]]
    return lines


def alias_result(aliases: list[dict[str, Any]], removed: bool = False,
                 added: bool = False) -> render.Result:
    """``alias``: the aliases listed, removed (a note each) or the one added (its note says
    what it replaced and how many task links moved)."""
    columns = render.columns(("kind", N_("Kind")), ("alias", N_("Alias")),
                             ("name", N_("Name")))
    if removed:
        return render.Result(
            rows=aliases, columns=columns, show=lambda _rows, _cols: None,
            notes=[_("Removed {kind} alias {alias} -> {name}").format(**r) for r in aliases])
    if not added:
        return render.Result(rows=aliases, columns=columns)
    result = aliases[0]
    was = (_(" (was {name})").format(name=result["was"])
           if result["was"] and result["was"] != result["name"] else "")
    moved = (_("; {n} task links moved from {alias}").format(n=result["relinked"],
                                                             alias=result["alias"])
             if result["relinked"] else "")
    return render.Result(
        rows=[result], columns=columns, data=result, show=lambda _rows, _cols: None,
        notes=[_("{kind} alias {alias} -> {name}").format(**result) + was + moved])


# -- db status, db upgrade, config list/get --------------------------------------------------
def db_status_result(info: dict[str, Any]) -> render.Result:
    """``db status``: backend, database, schema version, state and pending migrations."""
    current = info["current_version"]
    lines = [
        _("backend:  {backend}").format(backend=info["backend"]),
        _("database: {database}").format(database=info["database"]),
        _("schema:   {current} (this release: {target})").format(
            current=current if current is not None else "-", target=info["target_version"]),
        _("state:    {state}").format(state={
            "missing": _("no database yet (the first load creates it)"),
            "empty": _("no taskduty schema yet (the first load or `taskduty db upgrade` "
                       "creates it)"),
            "newer": _("made by a newer taskduty; upgrade taskduty"),
            "pending": _("upgrade pending (any command applies it; or run `taskduty db "
                         "upgrade`)"),
            "current": _("up to date"),
        }[info["state"]]),
    ]
    lines += ["  " + _("pending {version}: {description}").format(**p) for p in info["pending"]]
    return render.Result(data=info, lines=lines)


def db_upgrade_result(db: Any, done: Any) -> render.Result:
    """``db upgrade``: the migration applied (``done``), or that there was nothing to do."""
    from taskduty import migrations

    version = done.to_version if done else migrations.target_version()
    data = done.as_dict() if done else {"from_version": version, "to_version": version,
                                        "backup": None}
    data["database"] = db.display
    text = (_("{database} is already at version {version}; nothing to do").format(
        database=db.display, version=version) if done is None else done.describe(db))
    return render.Result(data=data, lines=[text], lines_to_stderr=True)


SETTING_COLUMNS = (("name", N_("Setting")), ("value", N_("Value")), ("source", N_("Source")),
                   ("help", N_("Meaning")))


def setting_rows(listing: list[dict[str, Any]], file: Path,
                 names: list[str] | None = None) -> list[dict[str, Any]]:
    """settings.listing() as shown: values as text, the file source with its path."""
    from taskduty import settings

    rows = []
    for r in listing:
        r = {**r, "value": settings.to_text(r["value"])}
        if r["source"] == "file":
            r["source"] = f"file ({file})"
        rows.append(r)
    return [r for r in rows if names is None or r["name"] in names]


def config_list_result(listing: list[dict[str, Any]], file: Path) -> render.Result:
    """``config list``: every setting, with the settings file in a note."""
    return render.Result(
        rows=setting_rows(listing, file), columns=render.columns(*SETTING_COLUMNS),
        notes=[_("settings file: {path}{missing}").format(
            path=file, missing="" if file.exists() else _(" (not there yet)"))])


def config_get_result(listing: list[dict[str, Any]], file: Path, name: str) -> render.Result:
    """``config get NAME``: the value on stdout, its source in a note."""
    rows = setting_rows(listing, file, [name])
    return render.Result(
        rows=rows, columns=render.columns(*SETTING_COLUMNS), show=lambda _r, _c: None,
        lines=[rows[0]["value"]],
        notes=[_("source: {source}").format(source=rows[0]["source"])])
