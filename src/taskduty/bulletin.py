"""The monthly supervision bulletin (督查通报) as a Word document.

:func:`gather` reads a month's numbers and names through the same queries ``summary`` and
``export`` use (so every count in the bulletin equals theirs); :func:`write_bulletin` writes
them out, either in taskduty's own layout (:func:`build_document`) or into an office's own
Word template through docxtpl (:func:`open_template`, :func:`fill_template`, placeholders in
:data:`PLACEHOLDERS`).

The layout follows the conventions of official documents where python-docx allows: A4 with
the GB/T 9704 margins, a red masthead with its rule, 方正小标宋 title, 黑体 and 楷体 headings,
仿宋 body text at 三号 (16 pt) with a first-line indent of two characters, page numbers as
``— 1 —``, and the full task table as an attachment in a landscape section. Every font names
a fallback (``w:altName`` in the font table), so a machine without 仿宋_GB2312 uses 仿宋.

The chart (tasks by status per leader or per lead unit) needs matplotlib (``pip install
'taskduty[chart]'``) and a CJK font (Noto Sans CJK, Debian's ``fonts-noto-cjk``; SimHei or
Microsoft YaHei on Windows); without either the bulletin is written without it and says why.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from taskduty.dates import Month
from taskduty.db import Reader
from taskduty.errors import TaskdutyError
from taskduty.fields import STATUSES
from taskduty.i18n import _
from taskduty.numerals import chinese_numeral

# Fonts: (east Asian name, fallback written as its w:altName, Latin font)
TITLE_FONT = ("方正小标宋简体", "宋体", "Times New Roman")
HEADING_FONT = ("黑体", "SimHei", "Times New Roman")
SUBHEADING_FONT = ("楷体_GB2312", "楷体", "Times New Roman")
BODY_FONT = ("仿宋_GB2312", "仿宋", "Times New Roman")
NUMBER_FONT = ("宋体", "SimSun", "Times New Roman")
RED = "FF0000"

# The bulletin's classes of task in 一、总体情况: the four statuses exactly as `summary`
# counts them, then 逾期 (and 欠序时 when the schedule is known) as "of which" lines.
CLASS_LABELS = {"done": "已完成", "in_progress": "正常推进", "behind": "滞后",
                "not_started": "未启动"}
CHART_BY = ("leader", "unit", "none")

DEFAULT_ADDRESSEES = "各镇人民政府、街道办事处，区各委办局，各直属单位："
DEFAULT_DEMANDS = (
    "各牵头单位要对照目标任务和序时进度，逐项排出时间表、路线图，对滞后和逾期的任务逐项分析"
    "原因，制定整改措施，确保按期完成。",
    "各分管领导要加强对分管领域目标任务的督促指导，及时协调解决推进中的困难和问题。",
    "未按时报送进展情况的单位要在本通报印发后三个工作日内补报；督查室将继续实行按月督查、"
    "按月通报，对进展缓慢、推进不力的任务进行专项督查。",
)


@dataclass
class Bulletin:
    """What a month's bulletin says: numbers and names, all from the database."""

    year: int
    month: Month
    issue: int
    issued: date
    office: str
    addressees: str
    demands: list[str]
    tasks: list[Any]  # TaskViews as of the month's end, in goal order
    total: dict[str, Any]  # queries.summary_total: the 合计 row of `summary` and `export`
    by_leader: list[dict[str, Any]]
    by_unit: list[dict[str, Any]]
    overdue: list[Any]
    behind_schedule: list[Any] | None  # 欠序时, when the tasks carry a schedule
    units: list[str]  # every lead unit
    unreported: list[str]  # lead units with no report in the month (as `remind`)

    @property
    def as_of(self) -> date:
        return self.month.last

    @property
    def title(self) -> str:
        return (f"{self.year}年《政府工作报告》目标任务推进情况通报"
                f"（截至{cn_date(self.as_of)}）")

    @property
    def done(self) -> list[Any]:
        return [t for t in self.tasks if t.status == "done"]

    @property
    def late(self) -> list[Any]:
        """The tasks 三、 names, in goal order: reported 滞后, overdue (逾期), or reported
        progress below 序时 (欠序时). A task below 序时 only because nothing was ever reported
        on it is counted in 一、, and its unit named in 四、, not listed one by one."""
        behind = {id(t) for t in self.behind_schedule or []}
        overdue = {id(t) for t in self.overdue}
        return [t for t in self.tasks
                if t.status == "behind" or id(t) in overdue
                or (id(t) in behind and t.updated is not None)]

    @property
    def unreported_behind(self) -> int:
        """Tasks below 序时 with no report at all (not named in 三、)."""
        return sum(1 for t in self.behind_schedule or []
                   if t.updated is None and t.status != "behind" and not self.is_overdue(t))

    def is_overdue(self, task: Any) -> bool:
        return any(t is task for t in self.overdue)

    @property
    def reported(self) -> int:
        return len(self.units) - len(self.unreported)

    def counts(self) -> list[tuple[str, str, int]]:
        """(key, label, count) of 一、总体情况, in the order printed: the statuses, then
        逾期 and 欠序时 (each "of which")."""
        rows = [(k, label, self.total[k]) for k, label in CLASS_LABELS.items()]
        rows.append(("overdue", "逾期", len(self.overdue)))
        if self.behind_schedule is not None:
            rows.append(("behind_schedule", "欠序时", len(self.behind_schedule)))
        return rows


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def share(n: int, total: int) -> str:
    """A share as printed: ``3.5%``."""
    return f"{100 * n / total:.1f}%" if total else "0.0%"


def _overdue(task: Any, as_of: date) -> bool:
    schedule = getattr(task, "schedule", None)
    if schedule is not None:
        return bool(schedule.overdue)
    return (task.deadline_date is not None and task.deadline_date < as_of
            and task.status != "done")


def gather(reader: Reader, year: int | None, month: Month, *, issue: int | None = None,
           issued: date | None = None, office: str = "督查室",
           addressees: str = DEFAULT_ADDRESSEES,
           demands: Sequence[str] | None = None) -> Bulletin:
    """The bulletin for ``month``: tasks as of its last day (what ``summary --month`` and
    ``export --month`` read), the units that did not report in it (what ``remind`` lists)."""
    from taskduty import queries
    from taskduty.forms import unreported

    _plan, plan_year = queries.plan_id(reader, year)
    tasks = queries.list_tasks(reader, queries.TaskFilter(year=plan_year, as_of=month.last))
    if not tasks:
        raise TaskdutyError(_("the table of {year} has no tasks").format(year=plan_year))
    scheduled = all(getattr(t, "schedule", None) is not None for t in tasks)
    units = sorted({u for t in tasks for u in t.units})
    return Bulletin(
        year=plan_year, month=month, issue=issue if issue is not None else month.month,
        issued=issued or date.today(), office=office, addressees=addressees,
        demands=list(demands) if demands else list(DEFAULT_DEMANDS), tasks=tasks,
        total=queries.summary_total(tasks),
        by_leader=queries.summary_rows(tasks, "leader"),
        by_unit=queries.summary_rows(tasks, "unit"),
        overdue=[t for t in tasks if _overdue(t, month.last)],
        behind_schedule=[t for t in tasks if t.schedule.behind] if scheduled else None,
        units=units,
        unreported=[e["unit"] for e in unreported(reader, plan_year, month)])


def read_demands(path: Path) -> list[str]:
    """五、下一步工作要求 from a text file: one paragraph per line (blank lines skipped)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise TaskdutyError(_("cannot read {path}: {reason}").format(
            path=path, reason=getattr(exc, "strerror", None) or exc)) from None
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    if not paragraphs:
        raise TaskdutyError(_("{path} is empty").format(path=path),
                            hint=_("write one paragraph per line"))
    return paragraphs


# -- the text of the sections -----------------------------------------------------------------
def overview_text(b: Bulletin) -> str:
    """The paragraph of 一、总体情况."""
    total = b.total["tasks"]
    parts = [f"{label}{n}项，占{share(n, total)}" for key, label, n in b.counts()
             if key in CLASS_LABELS]
    text = (f"截至{cn_date(b.as_of)}，{b.year}年《政府工作报告》{total}项目标任务中，"
            + "；".join(parts) + "。")
    extra = [f"已逾期（超过完成时限仍未完成）{len(b.overdue)}项，占{share(len(b.overdue), total)}"]
    if b.behind_schedule is not None:
        n = len(b.behind_schedule)
        extra.append(f"欠序时进度{n}项，占{share(n, total)}")
    text += "其中，" + "；".join(extra) + "。"
    text += (f"{len(b.units)}家牵头单位中，{b.reported}家按时报送了本月进展情况，"
             f"{len(b.unreported)}家未报送。")
    return text


def names(values: Sequence[str]) -> str:
    return "、".join(values)


def task_line(t: Any) -> str:
    """A task named in 二、: code, text and lead units."""
    return f"{t.code} {t.standard}（牵头单位：{names(t.units)}）"


def late_line(b: Bulletin, t: Any) -> tuple[str, str]:
    """A task named in 三、: its head (code, what is late, text, units, leaders) and its latest
    进展情况."""
    tags = []
    if t.status == "behind":
        tags.append("滞后")
    if b.behind_schedule is not None and any(x is t for x in b.behind_schedule) \
            and t.status != "behind":
        tags.append("欠序时")
    if b.is_overdue(t):
        due = getattr(getattr(t, "schedule", None), "due", None) or t.deadline_date
        tags.append(f"逾期，完成时限{t.deadline or cn_date(due)}" if due else "逾期")
    head = (f"{t.code}【{'，'.join(tags)}】{t.standard}（牵头单位：{names(t.units)}；"
            f"分管领导：{names(t.leaders)}）")
    note = (t.note or "").strip().replace("\n", "；")
    return head, f"进展情况：{note}" if note else "进展情况：本月未报送进展情况。"


def good_units(b: Bulletin, limit: int = 10) -> list[dict[str, Any]]:
    """Lead units with at least one task done, best share first."""
    rows = [r for r in b.by_unit if r["done"]]
    rows.sort(key=lambda r: (-r["done_pct"], -r["done"], r["name"]))
    return rows[:limit]


# -- the chart ----------------------------------------------------------------------------
CJK_FONT_FILES = ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf",
                  "NotoSansSC-Regular.otf", "NotoSerifCJK-Regular.ttc",
                  "SourceHanSansSC-Regular.otf",
                  "wqy-microhei.ttc", "wqy-zenhei.ttc", "simhei.ttf", "msyh.ttc", "simsun.ttc")
CJK_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "/Library/Fonts",
                 "/System/Library/Fonts", "C:/Windows/Fonts")


def cjk_font() -> Path | None:
    """A font file that draws Chinese, or None (Noto CJK first: Debian's fonts-noto-cjk)."""
    home = Path.home() / ".local/share/fonts"
    for name in CJK_FONT_FILES:
        for root in (*CJK_FONT_DIRS, str(home)):
            base = Path(root)
            if not base.is_dir():
                continue
            found = next(iter(sorted(base.rglob(name))), None)
            if found:
                return found
    return None


class ChartUnavailable(TaskdutyError):
    """The chart cannot be drawn here (no matplotlib, or no font for Chinese)."""


def chart_png(rows: Sequence[dict[str, Any]], title: str, limit: int = 30) -> bytes:
    """A horizontal stacked bar chart of tasks by status per name (at most ``limit`` names,
    the busiest), as PNG bytes."""
    try:
        import matplotlib
    except ImportError:
        raise ChartUnavailable(_("the chart needs matplotlib"),
                               hint=_("pip install 'taskduty[chart]'")) from None
    font = cjk_font()
    if font is None:
        raise ChartUnavailable(_("no font for Chinese found for the chart"),
                               hint=_("install Noto CJK (Debian: apt install fonts-noto-cjk)"))
    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt
    from matplotlib.ticker import MaxNLocator

    font_manager.fontManager.addfont(str(font))
    family = font_manager.FontProperties(fname=str(font)).get_name()
    colours = {"not_started": "#A6A6A6", "in_progress": "#5B9BD5", "behind": "#E15759",
               "done": "#59A14F"}
    shown = list(rows)[:limit]
    labels = [r["name"] for r in shown]
    with plt.rc_context({"font.family": family, "font.size": 10,
                         "axes.unicode_minus": False}):
        fig, ax = plt.subplots(figsize=(6.3, max(2.2, 0.32 * len(shown) + 1.3)), dpi=200)
        left = [0] * len(shown)
        for key, label in STATUSES.items():
            values = [r[key] for r in shown]
            ax.barh(labels, values, left=left, color=colours[key], label=label, height=0.6)
            left = [a + v for a, v in zip(left, values, strict=True)]
        ax.invert_yaxis()
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("任务数（项）")
        ax.set_title(title, fontsize=12)
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.12 if len(shown) > 6
                                                               else -0.25), frameon=False)
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="png")
        plt.close(fig)
    return out.getvalue()


def chart_for(b: Bulletin, by: str) -> tuple[bytes, str]:
    """The chart's picture and caption for ``by`` (leader or unit)."""
    label = "分管领导" if by == "leader" else "牵头单位"
    rows = b.by_leader if by == "leader" else b.by_unit
    caption = f"各{label}目标任务推进情况（截至{cn_date(b.as_of)}）"
    if len(rows) > 30:
        caption += f"（任务数最多的30个{label}）"
    return chart_png(rows, f"各{label}目标任务推进情况"), caption


# -- the document ---------------------------------------------------------------------------
@dataclass
class Written:
    """What :func:`write_bulletin` wrote, and what it had to leave out (and why)."""

    path: Path
    notes: list[str] = field(default_factory=list)


def write_bulletin(path: Path, b: Bulletin, *, chart_by: str = "leader",
                   template: Path | None = None) -> Written:
    """Write the bulletin to ``path``: taskduty's layout, or ``template`` filled."""
    notes: list[str] = []
    chart: tuple[bytes, str] | None = None
    # A template is checked before the chart is drawn (a bad placeholder fails at once), and
    # the chart is drawn only when the template shows it.
    opened = open_template(template) if template is not None else None
    if chart_by != "none" and (opened is None or {"chart", "chart_caption"} & opened[1]):
        try:
            chart = chart_for(b, chart_by)
        except ChartUnavailable as exc:
            notes.append(_("bulletin written without its chart: {reason} ({hint})").format(
                reason=exc.message, hint=exc.hint))
    doc = build_document(b, chart) if opened is None else fill_template(opened, b, chart)
    from taskduty.safeio import atomic_path

    with atomic_path(path) as tmp:  # whole or not at all; a full disk is one line
        doc.save(str(tmp))
    return Written(path=path, notes=notes)


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def set_fonts(target: Any, fonts: tuple[str, str, str]) -> None:
    """Set a style's or run's fonts: east Asian ``fonts[0]``, Latin ``fonts[2]``."""
    east, _alt, latin = fonts
    target.font.name = latin
    rpr = target.element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    rfonts.set(_qn("w:eastAsia"), east)
    rfonts.set(_qn("w:ascii"), latin)
    rfonts.set(_qn("w:hAnsi"), latin)


def _font_table(doc: Any) -> None:
    """Name each font's fallback in the document's font table (``w:altName``)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from lxml import etree

    part = next((r.target_part for r in doc.part.rels.values() if r.reltype == RT.FONT_TABLE),
                None)
    if part is None:
        return
    root = etree.fromstring(part.blob)
    have = {f.get(_qn("w:name")) for f in root}
    for east, alt, _latin in (TITLE_FONT, HEADING_FONT, SUBHEADING_FONT, BODY_FONT,
                              NUMBER_FONT):
        if east in have:
            continue
        font = etree.SubElement(root, _qn("w:font"))
        font.set(_qn("w:name"), east)
        etree.SubElement(font, _qn("w:altName")).set(_qn("w:val"), alt)
        etree.SubElement(font, _qn("w:charset")).set(_qn("w:val"), "86")  # GB2312
        etree.SubElement(font, _qn("w:family")).set(_qn("w:val"), "modern")
        etree.SubElement(font, _qn("w:pitch")).set(_qn("w:val"), "fixed")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                standalone=True)


STYLE_NAMES = {"masthead": "通报版头", "title": "通报标题", "heading": "通报一级标题",
               "subheading": "通报二级标题", "body": "通报正文", "plain": "通报无缩进",
               "table": "通报表格", "caption": "通报图题"}


def _styles(doc: Any) -> None:
    """The bulletin's paragraph styles (their names in :data:`STYLE_NAMES`)."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt, RGBColor

    normal = doc.styles["Normal"]
    set_fonts(normal, BODY_FONT)
    normal.font.size = Pt(16)

    def add(key: str, fonts: tuple[str, str, str], size: float, *, bold: bool = False,
            align: Any = None, indent: bool = False, exact: float | None = 28,
            colour: str | None = None) -> None:
        style = doc.styles.add_style(STYLE_NAMES[key], WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.quick_style = True
        set_fonts(style, fonts)
        style.font.size = Pt(size)
        style.font.bold = bold
        if colour:
            style.font.color.rgb = RGBColor.from_string(colour)
        pf = style.paragraph_format
        if align is not None:
            pf.alignment = align
        pf.first_line_indent = Pt(2 * size) if indent else Pt(0)
        pf.space_before = pf.space_after = Pt(0)
        if exact:
            pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            pf.line_spacing = Pt(exact)
        pf.widow_control = True

    centre = WD_ALIGN_PARAGRAPH.CENTER
    add("masthead", TITLE_FONT, 48, align=centre, exact=None, colour=RED)
    add("title", TITLE_FONT, 22, align=centre, exact=36)
    add("heading", HEADING_FONT, 16, indent=True)
    add("subheading", SUBHEADING_FONT, 16, indent=True)
    add("body", BODY_FONT, 16, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    add("plain", BODY_FONT, 16)
    add("table", BODY_FONT, 10.5, exact=None)
    add("caption", HEADING_FONT, 12, align=centre, exact=None)
    doc.styles[STYLE_NAMES["heading"]].paragraph_format.keep_with_next = True
    doc.styles[STYLE_NAMES["subheading"]].paragraph_format.keep_with_next = True


def _a4(section: Any, landscape: bool = False) -> None:
    """A4 with the margins of official documents (GB/T 9704: 37/35/28/26 mm)."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin, section.bottom_margin = Mm(25), Mm(25)
        section.left_margin, section.right_margin = Mm(25), Mm(25)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(18)


def _field(paragraph: Any, instruction: str) -> None:
    """A Word field (``PAGE``) in ``paragraph``, shown as 1 until the viewer updates it."""
    from docx.oxml import OxmlElement

    def char(kind: str) -> Any:
        el = OxmlElement("w:fldChar")
        el.set(_qn("w:fldCharType"), kind)
        return el

    run = paragraph.add_run()
    run._r.append(char("begin"))
    run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(_qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run._r.append(text)
    paragraph.add_run()._r.append(char("separate"))
    paragraph.add_run("1")
    paragraph.add_run()._r.append(char("end"))


def _page_numbers(section: Any) -> None:
    """``— 1 —`` centred in the footer, 宋体 四号."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    footer = section.footer
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("— ")
    _field(p, "PAGE")
    p.add_run(" —")
    for run in p.runs:
        set_fonts(run, NUMBER_FONT)
        run.font.size = Pt(14)


def _rule(paragraph: Any, colour: str = RED, size: int = 18) -> None:
    """A line under ``paragraph`` (the masthead's red rule)."""
    from docx.oxml import OxmlElement

    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "6"),
                 ("w:color", colour)):
        bottom.set(_qn(k), v)
    borders.append(bottom)
    ppr.append(borders)


def _para(doc: Any, text: str, key: str = "body") -> Any:
    return doc.add_paragraph(text, style=STYLE_NAMES[key])


def _masthead(doc: Any, b: Bulletin) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
    from docx.shared import Mm, Pt

    _para(doc, "督查通报", "masthead")
    issue = _para(doc, f"第{b.issue}期", "plain")
    issue.alignment = WD_ALIGN_PARAGRAPH.CENTER
    issue.paragraph_format.space_before = Pt(12)
    line = _para(doc, f"{b.office}\t{cn_date(b.issued)}", "plain")
    line.paragraph_format.tab_stops.add_tab_stop(Mm(156), WD_TAB_ALIGNMENT.RIGHT)
    line.paragraph_format.space_before = Pt(6)
    _rule(line)
    spacer = _para(doc, "", "plain")
    spacer.paragraph_format.space_after = Pt(6)


def _counts_table(doc: Any, b: Bulletin) -> None:
    """表1: the counts and shares of 一、总体情况."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    total = b.total["tasks"]
    rows = [("类别", "任务数（项）", "占比")]
    for key, label, n in b.counts():
        name = label if key in CLASS_LABELS else f"其中：{label}"
        rows.append((name, str(n), share(n, total)))
    rows.append(("合计", str(total), "100%"))
    table = doc.add_table(rows=len(rows), cols=3)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, (50, 40, 30), strict=True):
        column.width = Mm(width)
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.width = Mm((50, 40, 30)[c])
            p = cell.paragraphs[0]
            p.style = doc.styles[STYLE_NAMES["table"]]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.keep_with_next = r < len(rows) - 1  # the table on one page
            run = p.add_run(value)
            if r == 0 or values[0] == "合计":
                run.bold = True
    _repeat_header(table)


def _repeat_header(table: Any) -> None:
    from docx.oxml import OxmlElement

    trpr = table.rows[0]._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(_qn("w:val"), "true")
    trpr.append(el)


def _no_split(row: Any) -> None:
    from docx.oxml import OxmlElement

    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _picture(doc: Any, chart: tuple[bytes, str]) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Mm, Pt

    png, caption = chart
    p = _para(doc, "", "plain")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.keep_with_next = True
    # an exact line height (the body's 28 pt) would clip the picture to one line
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    p.paragraph_format.space_before = Pt(6)
    p.add_run().add_picture(io.BytesIO(png), width=Mm(150))
    _para(doc, f"图1  {caption}", "caption")


ATTACHMENT_COLUMNS = (  # key, header, width in mm (247 mm between the landscape margins)
    ("code", "编号", 14), ("goal", "目标名称", 30), ("standard", "工作标准", 72),
    ("leaders", "分管领导", 20), ("units", "牵头单位", 28), ("status", "状态", 16),
    ("progress", "进度", 14), ("note", "进展情况", 53))


def attachment_cells(t: Any) -> dict[str, str]:
    """A task's cells in the attachment table (as the workbook's report sheet has them)."""
    progress = 100 if t.status == "done" else t.progress
    return {"code": t.code, "goal": f"{t.goal_no}. {t.goal}", "standard": t.standard,
            "leaders": names(t.leaders), "units": names(t.units),
            "status": STATUSES.get(t.status, t.status),
            "progress": f"{progress}%" if progress is not None else "",
            "note": (t.note or "").strip()}


def attachment_table(doc: Any, b: Bulletin) -> Any:
    """The full task table (附件), header repeated on every page, rows kept whole."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    table = doc.add_table(rows=1, cols=len(ATTACHMENT_COLUMNS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    from docx.enum.style import WD_STYLE_TYPE

    style = doc.styles[STYLE_NAMES["table"]] if STYLE_NAMES["table"] in \
        [s.name for s in doc.styles] else None
    # The style's id, looked up once: Paragraph.style = style looks through every style of
    # the document for the default one each time (most of a long annex's time).
    style_id = (doc.part.get_style_id(style, WD_STYLE_TYPE.PARAGRAPH)
                if style is not None else None)

    def fill(cell: Any, text: str, width: int, bold: bool = False,
             centre: bool = False) -> None:
        cell.width = Mm(width)
        p = cell.paragraphs[0]
        if style_id is not None:
            p._p.style = style_id  # what the Paragraph.style setter stores
        if centre:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(text)
        run.bold = bold

    for column, (_k, _h, width) in zip(table.columns, ATTACHMENT_COLUMNS, strict=True):
        column.width = Mm(width)  # the grid: what LibreOffice lays the table out by
    for cell, (_k, header, width) in zip(table.rows[0].cells, ATTACHMENT_COLUMNS, strict=True):
        fill(cell, header, width, bold=True, centre=True)
    _repeat_header(table)
    for t in b.tasks:
        row = table.add_row()
        _no_split(row)
        values = attachment_cells(t)
        for cell, (key, _h, width) in zip(row.cells, ATTACHMENT_COLUMNS, strict=True):
            fill(cell, values[key], width,
                 centre=key in ("code", "leaders", "status", "progress"))
    return table


def attachment_title(b: Bulletin) -> str:
    return f"{b.year}年《政府工作报告》目标任务推进情况表（截至{cn_date(b.as_of)}）"


def build_document(b: Bulletin, chart: tuple[bytes, str] | None = None) -> Any:
    """The bulletin in taskduty's own layout (a python-docx Document)."""
    from docx import Document

    doc = Document()
    _styles(doc)
    _font_table(doc)
    first = doc.sections[0]
    _a4(first)
    _page_numbers(first)
    doc.core_properties.title = b.title
    doc.core_properties.author = b.office
    _masthead(doc, b)
    _para(doc, b.title, "title")
    _para(doc, "", "plain")
    _para(doc, b.addressees, "plain")
    _para(doc, f"现将截至{cn_date(b.as_of)}{b.year}年《政府工作报告》目标任务推进情况通报如下：")

    _para(doc, "一、总体情况", "heading")
    _para(doc, overview_text(b))
    _counts_table(doc, b)
    if chart is not None:
        _picture(doc, chart)

    _para(doc, "二、进展较好的任务", "heading")
    done = b.done
    if done:
        _para(doc, f"截至{cn_date(b.as_of)}，以下{len(done)}项任务已完成：")
        for t in done:
            _para(doc, task_line(t))
        good = good_units(b)
        if good:
            _para(doc, "完成率较高的牵头单位：" + "、".join(
                f"{r['name']}（已完成{r['done']}项，完成率{r['done_pct']:.1f}%）" for r in good)
                + "。")
    else:
        _para(doc, "本期暂无已完成的任务。")

    _para(doc, "三、滞后和逾期的任务", "heading")
    late = b.late
    if late:
        _para(doc, f"以下{len(late)}项任务进度滞后或已逾期，请牵头单位和分管领导重点关注：")
        for t in late:
            head, note = late_line(b, t)
            _para(doc, head)
            _para(doc, note)
    else:
        _para(doc, "本期没有滞后或逾期的任务。")
    if b.unreported_behind:
        _para(doc, f"另有{b.unreported_behind}项任务尚无进展报告，按序时进度计为欠序时，"
                   "其牵头单位见第四部分，任务见附件。")

    _para(doc, "四、未报送进展情况的单位", "heading")
    if b.unreported:
        _para(doc, f"截至{cn_date(b.as_of)}，以下{len(b.unreported)}家单位未报送"
                   f"{b.month.cn}进展情况：{names(b.unreported)}。")
    else:
        _para(doc, f"各牵头单位均已报送{b.month.cn}进展情况。")

    _para(doc, "五、下一步工作要求", "heading")
    for i, text in enumerate(b.demands, 1):
        _para(doc, text if len(b.demands) == 1 else f"{_cn_number(i)}{text}")

    _signature_and_annex(doc, attachment_title(b), b.office, cn_date(b.issued))
    attachment_table(doc, b)
    return doc


def _signature_and_annex(doc: Any, title: str, office: str, issued: str) -> None:
    """The 附件 line and the signature (office, date) under the body, then the landscape
    section that opens with the attachment's heading (the table follows)."""
    from docx.enum.section import WD_SECTION
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    _para(doc, "", "plain")
    _para(doc, f"附件：{title}")
    for text in ("", office, issued):
        p = _para(doc, text, "plain")
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.right_indent = Pt(64)
    annex = doc.add_section(WD_SECTION.NEW_PAGE)
    _a4(annex, landscape=True)
    _page_numbers(annex)
    _para(doc, "附件", "heading").paragraph_format.first_line_indent = Pt(0)
    heading = _para(doc, title, "title")
    for run in heading.runs:  # one line across the landscape page
        run.font.size = Pt(18)


def _cn_number(i: int) -> str:
    return f"（{chinese_numeral(i) if i <= 10 else i}）"


# -- templates --------------------------------------------------------------------------------
PLACEHOLDERS: dict[str, str] = {
    "office": "the office's name (--office)",
    "issue": "the issue number, 第N期 (--issue)",
    "date": "the issue date as 2018年4月5日 (--date)",
    "title": "the bulletin's title",
    "year": "the table's year",
    "month": "the month as 2018年3月",
    "as_of": "the month's last day as 2018年3月31日",
    "addressees": "the addressees line (--to)",
    "overview": "the paragraph of 一、总体情况",
    "total": "the number of tasks",
    "counts": "a list of {label, n, share} for 已完成, 正常推进, 滞后, 未启动, 逾期 (and 欠序时)",
    "done": "the number of tasks done",
    "in_progress": "the number of tasks 正常推进",
    "behind": "the number of tasks 滞后",
    "not_started": "the number of tasks 未启动",
    "overdue": "the number of tasks 逾期",
    "done_share": "the share done, as 3.5%",
    "done_tasks": "a list of {code, goal, standard, units, leaders, note, line} done",
    "late_tasks": "a list of {code, goal, standard, units, leaders, note, status, head, "
                  "progress_note} behind or overdue",
    "unreported_behind": "the number of tasks below 序时 with no report at all (not in late_tasks)",
    "units_total": "the number of lead units",
    "units_reported": "the number of lead units that reported in the month",
    "unreported_units": "the names of the lead units that did not report, joined by 、",
    "unreported_count": "the number of lead units that did not report",
    "demands": "a list of the paragraphs of 五、下一步工作要求 (--demands)",
    "chart": "the chart as a picture ({{ chart }} alone in a paragraph)",
    "chart_caption": "the chart's caption",
    "attachment_title": "the attachment table's title",
    "attachment": "the full task table ({{p attachment }} alone in a paragraph)",
}


def template_context(b: Bulletin) -> dict[str, Any]:
    """Every placeholder's value except ``chart`` and ``attachment`` (which need the
    template)."""
    total = b.total["tasks"]

    def task(t: Any) -> dict[str, Any]:
        return {"code": t.code, "goal": t.goal, "standard": t.standard,
                "units": names(t.units), "leaders": names(t.leaders), "note": t.note or "",
                "status": STATUSES.get(t.status, t.status), "line": task_line(t)}

    late = []
    for t in b.late:
        head, note = late_line(b, t)
        late.append(task(t) | {"head": head, "progress_note": note})
    return {
        "office": b.office, "issue": b.issue, "date": cn_date(b.issued), "title": b.title,
        "year": b.year, "month": b.month.cn, "as_of": cn_date(b.as_of),
        "addressees": b.addressees, "overview": overview_text(b), "total": total,
        "counts": [{"key": k, "label": label, "n": n, "share": share(n, total)}
                   for k, label, n in b.counts()],
        **{k: b.total[k] for k in STATUSES}, "overdue": len(b.overdue),
        "done_share": share(b.total["done"], total),
        "done_tasks": [task(t) for t in b.done], "late_tasks": late,
        "unreported_behind": b.unreported_behind,
        "units_total": len(b.units), "units_reported": b.reported,
        "unreported_units": names(b.unreported), "unreported_count": len(b.unreported),
        "demands": b.demands, "chart": "", "chart_caption": "",
        "attachment_title": attachment_title(b), "attachment": "",
    }


def example_template() -> Path:
    """The example template shipped with taskduty (a 红头 masthead and every placeholder)."""
    return Path(__file__).parent / "templates" / "bulletin_example.docx"


def build_example_template(path: Path) -> None:
    """Write the example template (:func:`example_template` is this function's output): the
    layout of :func:`build_document` with its text replaced by placeholders."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
    from docx.shared import Mm, Pt

    doc = Document()
    _styles(doc)
    _font_table(doc)
    _a4(doc.sections[0])
    _page_numbers(doc.sections[0])
    _para(doc, "督查通报", "masthead")
    issue = _para(doc, "第{{ issue }}期", "plain")
    issue.alignment = WD_ALIGN_PARAGRAPH.CENTER
    issue.paragraph_format.space_before = Pt(12)
    line = _para(doc, "{{ office }}\t{{ date }}", "plain")
    line.paragraph_format.tab_stops.add_tab_stop(Mm(156), WD_TAB_ALIGNMENT.RIGHT)
    _rule(line)
    _para(doc, "", "plain")
    _para(doc, "{{ title }}", "title")
    _para(doc, "", "plain")
    _para(doc, "{{ addressees }}", "plain")
    _para(doc, "现将截至{{ as_of }}{{ year }}年《政府工作报告》目标任务推进情况通报如下：")
    _para(doc, "一、总体情况", "heading")
    _para(doc, "{{ overview }}")
    for text in ("{%p for c in counts %}", "{{ c.label }}：{{ c.n }}项，占{{ c.share }}",
                 "{%p endfor %}"):
        _para(doc, text)
    pic = _para(doc, "{{ chart }}", "plain")
    pic.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pic.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE  # not clipped to a line
    _para(doc, "{{ chart_caption }}", "caption")
    _para(doc, "二、进展较好的任务", "heading")
    for text in ("截至{{ as_of }}，已完成{{ done }}项，占{{ done_share }}：",
                 "{%p for t in done_tasks %}", "{{ t.line }}", "{%p endfor %}"):
        _para(doc, text)
    _para(doc, "三、滞后和逾期的任务", "heading")
    for text in ("{%p for t in late_tasks %}", "{{ t.head }}", "{{ t.progress_note }}",
                 "{%p endfor %}"):
        _para(doc, text)
    _para(doc, "四、未报送进展情况的单位", "heading")
    _para(doc, "{{ units_total }}家牵头单位中，{{ unreported_count }}家未报送{{ month }}进展情况："
               "{{ unreported_units }}。")
    _para(doc, "五、下一步工作要求", "heading")
    for text in ("{%p for d in demands %}", "{{ d }}", "{%p endfor %}"):
        _para(doc, text)
    _signature_and_annex(doc, "{{ attachment_title }}", "{{ office }}", "{{ date }}")
    _para(doc, "{{p attachment }}", "plain")
    doc.core_properties.title = "督查通报（示例模板）"
    doc.core_properties.author = "taskduty"
    from taskduty.safeio import atomic_path

    with atomic_path(path) as tmp:
        doc.save(str(tmp))


def open_template(path: Path) -> tuple[Any, set[str], Path]:
    """``path`` (a .docx with docxtpl placeholders) read and checked: (the template, the
    placeholders it uses, its path). A placeholder that is not one of :data:`PLACEHOLDERS`,
    or a broken tag, is a one-line error."""
    import jinja2
    from docxtpl import DocxTemplate

    try:
        tpl = DocxTemplate(str(path))
        tpl.init_docx()
    except Exception as exc:  # python-docx raises several kinds for a file that is no docx
        raise TaskdutyError(_("cannot read template {path}: {reason}").format(
            path=path, reason=str(exc).splitlines()[0] if str(exc) else type(exc).__name__),
            hint=_("give a Word .docx file")) from None
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    try:
        used = tpl.get_undeclared_template_variables(env)
    except jinja2.TemplateSyntaxError as exc:
        raise TaskdutyError(_("template {path}: broken placeholder: {reason}").format(
            path=path.name, reason=exc.message),
            hint=_("check that every {{ … }} and {% … %} in the template is closed")) from None
    unknown = sorted(set(used) - set(PLACEHOLDERS))
    if unknown:
        raise TaskdutyError(
            _("template {path}: unknown placeholder {{{{ {name} }}}}").format(
                path=path.name, name=unknown[0]),
            hint=_("known placeholders: {names}").format(names=", ".join(PLACEHOLDERS)))
    return tpl, set(used), path


def fill_template(opened: tuple[Any, set[str], Path], b: Bulletin,
                  chart: tuple[bytes, str] | None) -> Any:
    """The template :func:`open_template` read, filled with the bulletin."""
    import jinja2
    from docx.shared import Mm
    from docxtpl import InlineImage

    tpl, used, path = opened
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    context = template_context(b)
    if chart is not None:
        context["chart"] = InlineImage(tpl, io.BytesIO(chart[0]), width=Mm(150))
        context["chart_caption"] = chart[1]
    if "attachment" in used:
        sub = tpl.new_subdoc()
        _styles_for_subdoc(sub.subdocx)
        attachment_table(sub.subdocx, b)
        context["attachment"] = sub
    try:
        tpl.render(context, env)
    except jinja2.UndefinedError as exc:
        raise TaskdutyError(_("template {path}: {reason}").format(
            path=path.name, reason=exc.message)) from None
    except jinja2.TemplateError as exc:
        raise TaskdutyError(_("template {path}: broken placeholder: {reason}").format(
            path=path.name, reason=exc.message or type(exc).__name__),
            hint=_("check that every {{ … }} and {% … %} in the template is closed")) from None
    return tpl


def _styles_for_subdoc(doc: Any) -> None:
    """The table style of the attachment in a subdocument (its paragraphs keep their own
    fonts when the template has no style of that name)."""
    if STYLE_NAMES["table"] not in [s.name for s in doc.styles]:
        _styles(doc)


def status_counts(tasks: Sequence[Any]) -> Counter[str]:
    """Tasks per status (for tests and callers comparing with ``summary``)."""
    return Counter(t.status for t in tasks)
