"""``taskduty bulletin``: the monthly 督查通报 as a Word document."""

from __future__ import annotations

import shutil
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from taskduty.cli.app import YearOption, app, get_db
from taskduty.errors import UsageError
from taskduty.i18n import _


def office_name(reader: object, flag: str | None) -> str:
    """The office's name: ``--office``, else the ``office_name`` setting (set once per
    database with ``taskduty config set --shared``), else 督查室."""
    from taskduty import settings

    return str(settings.get("office_name", reader, flag=flag))


class ChartBy(StrEnum):
    leader = "leader"
    unit = "unit"
    none = "none"


@app.command(help=_(
    "Write the month's supervision bulletin (督查通报) as a Word document.\n\n"
    "Masthead (office, 第N期, date), title, addressees; 一、总体情况 (counts and shares, "
    "a chart), 二、进展较好, 三、滞后和逾期, 四、未报送单位, 五、下一步工作要求; the full task "
    "table as 附件 in a landscape section. Every number is what `summary --month` and "
    "`export --month` give. With --template, an office's own .docx with placeholders "
    "(see README) is filled instead; --example-template writes the shipped example.\n\n"
    "Example: taskduty bulletin 通报-2018-03.docx --month 2018-03 --issue 3"))
def bulletin(
    out: Annotated[Path, typer.Argument(metavar="OUT.docx", help=_("The file to write."))],
    month: Annotated[str | None, typer.Option(
        "--month", "-m", help=_("The month reported on (YYYY-MM); default this month."))] = None,
    issue: Annotated[int | None, typer.Option(
        "--issue", "-n", min=1, help=_("The issue number, 第N期; default the month's number."))
    ] = None,
    template: Annotated[Path | None, typer.Option(
        "--template", "-t", metavar="FILE.docx",
        help=_("An office's own Word template with placeholders to fill."))] = None,
    office: Annotated[str | None, typer.Option(
        "--office", help=_("The office's name in the masthead and signature; default the "
                           "office_name setting (taskduty config), else 督查室."))
    ] = None,
    to: Annotated[str | None, typer.Option(
        "--to", metavar="TEXT", help=_("The addressees line (主送机关)."))] = None,
    demands: Annotated[Path | None, typer.Option(
        "--demands", metavar="FILE.txt",
        help=_("五、下一步工作要求 from a UTF-8 text file, one paragraph per line."))] = None,
    issued: Annotated[str | None, typer.Option(
        "--date", "-d", metavar="YYYY-MM-DD", help=_("The issue date; default today."))] = None,
    chart: Annotated[ChartBy, typer.Option(
        "--chart", help=_("Chart tasks by leader, by unit, or none."),
        case_sensitive=False)] = ChartBy.leader,
    year: YearOption = None,
    example_template: Annotated[bool, typer.Option(
        "--example-template", help=_("Write the example template to OUT.docx and stop."))
    ] = False,
) -> None:
    from taskduty import bulletin as bl
    from taskduty import render
    from taskduty.dates import parse_date, parse_month

    if out.suffix.lower() != ".docx":
        raise UsageError(_("cannot write a bulletin to {name!r}").format(name=out.name),
                         hint=_("end the name with .docx"))
    if example_template:
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(bl.example_template(), out)
        render.message(_("Wrote the example template to {path}").format(path=out))
        return
    if template is not None and not template.is_file():
        raise UsageError(_("no template {path}").format(path=template),
                         hint=_("write the example with: taskduty bulletin T.docx "
                                "--example-template"))
    which = parse_month(month)
    day = parse_date(issued, "--date", future=True) if issued else None
    paragraphs = bl.read_demands(demands) if demands else None
    with get_db().read() as reader:
        from taskduty import queries

        data = bl.gather(reader, queries.year_for(reader, year, which.last), which,
                         issue=issue, issued=day, office=office_name(reader, office),
                         addressees=to or bl.DEFAULT_ADDRESSEES, demands=paragraphs)
    written = bl.write_bulletin(out, data, chart_by=chart.value, template=template)
    for note in written.notes:
        render.message(note)
    render.message(_("Wrote {path}: 第{issue}期, {tasks} tasks, {late} behind or overdue, "
                     "{missing} units not reported").format(
        path=written.path, issue=data.issue, tasks=data.total["tasks"], late=len(data.late),
        missing=len(data.unreported)))
