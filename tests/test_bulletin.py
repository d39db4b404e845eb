"""``taskduty bulletin``: the monthly 督查通报 as a Word document, and its templates."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import docx
import openpyxl
import pytest

from taskduty import bulletin

ROWS = [
    ["序号", "目标名称", "工作标准", "分管领导", "牵头单位", "配合单位", "完成时限"],
    ["1", "稳增长", "地区生产总值增长7%。", "韩立", "发展改革局", "统计局", "2019年12月底"],
    ["1", "稳增长", "新开工重大项目30个。", "韩立", "发展改革局、住房建设局", "", "2019年2月底"],
    ["1", "稳增长", "社会消费品零售总额增长9%。", "韩立、周敏", "商务局", "", ""],
    ["2", "惠民生", "新建养老服务中心5个。", "周敏", "民政局", "", "2019年6月底"],
    ["2", "惠民生", "改造老旧小区20个。", "周敏", "住房建设局", "城管局", "2019年1月底"],
    ["2", "惠民生", "新增城镇就业1.2万人。", "赵青山", "人力资源和社会保障局", "", ""],
    ["3", "优环境", "完成河道整治12条。", "赵青山", "水务局", "", "2019年10月底"],
    ["3", "优环境", "新增绿地50万平方米。", "赵青山", "城管局", "", ""],
]


def load_march(run, folder: Path) -> None:
    """A 2019 table with a March of reports: done, behind, in progress, overdue, silent."""
    path = folder / "t2019.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(ROWS)
    assert run("load", str(path), "--year", "2019", "-q").exit_code == 0
    for args in (("1.1", "-s", "已完成", "-n", "全年目标提前完成", "--by", "发展改革局"),
                 ("1.2", "-s", "滞后", "-p", "40", "-n", "12个项目已开工，土地报批滞后",
                  "--by", "住房建设局"),
                 ("2.1", "-s", "推进中", "-p", "50", "-n", "已建成2个", "--by", "民政局"),
                 ("2.2", "-s", "推进中", "-p", "70", "-n", "已完成14个", "--by", "住房建设局"),
                 ("3.1", "-s", "已完成", "--by", "水务局")):
        result = run("update", *args, "-d", "2019-03-20")
        assert result.exit_code == 0, result.output
    # an update in February does not count as reporting in March
    assert run("update", "1.3", "-s", "推进中", "-d", "2019-02-10", "--by", "商务局"
               ).exit_code == 0


@pytest.fixture
def month(from_template):
    """The CLI runner over :func:`load_march`'s database (loaded once, copied per test)."""
    return from_template(load_march)


def write(run, tmp_path, *args: str, name: str = "b.docx") -> Path:
    out = tmp_path / name
    result = run("bulletin", str(out), "--month", "2019-03", "--issue", "3",
                 "--date", "2019-04-05", "--office", "青山区人民政府督查室", *args)
    assert result.exit_code == 0, result.output
    assert out.exists()
    return out


_DEFAULT: dict[str, bytes] = {}  # backend -> the default bulletin of load_march's database


@pytest.fixture
def default_bulletin(month, db_url, tmp_path) -> Path:
    """``write(month, tmp_path)`` with no options: written once per backend (and worker) and
    copied, as the tests that read it ask the same command of the same database."""
    backend = "postgres" if db_url.startswith("postgres") else "sqlite"
    out = tmp_path / "b.docx"
    if backend not in _DEFAULT:
        _DEFAULT[backend] = write(month, tmp_path).read_bytes()
    else:
        out.write_bytes(_DEFAULT[backend])
    return out


def texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def section(doc, heading: str) -> list[str]:
    """The paragraphs under ``heading`` up to the next 一、…五、 heading."""
    paras = texts(doc)
    start = paras.index(heading)
    out = []
    for text in paras[start + 1:]:
        if re.match(r"^[一二三四五六]、", text) or text.startswith("附件："):
            break
        out.append(text)
    return out


def summary_total(run) -> dict[str, str]:
    """The terminal summary's 合计 row, by column header."""
    lines = run("summary", "--month", "2019-03", env={"TASKDUTY_LANG": "zh"}).stdout.splitlines()
    header = next(x for x in lines if x.startswith("分管领导"))
    line = next(x for x in lines if x.startswith("合计（任务不重复计）"))
    return dict(zip(header.split(), line.split(), strict=False))


def test_bulletin_sections_names_and_counts(month, default_bulletin, tmp_path):
    run = month
    out = default_bulletin
    doc = docx.Document(str(out))
    paras = texts(doc)
    # masthead, title, addressees
    assert paras[0] == "督查通报"
    assert "第3期" in paras
    assert "青山区人民政府督查室\t2019年4月5日" in paras
    title = "2019年《政府工作报告》目标任务推进情况通报（截至2019年3月31日）"
    assert title in paras
    assert paras[paras.index(title) + 2] == bulletin.DEFAULT_ADDRESSEES
    headings = [p.text for p in doc.paragraphs if p.style.name == "通报一级标题"]
    assert headings == ["一、总体情况", "二、进展较好的任务", "三、滞后和逾期的任务",
                        "四、未报送进展情况的单位", "五、下一步工作要求", "附件"]

    # 一、总体情况: the counts table equals summary's 合计 row; 逾期 equals tasks --overdue
    total = summary_total(run)
    n, not_started, in_progress, behind, done = (
        int(total[k]) for k in ("任务数", "未启动", "推进中", "滞后", "已完成"))
    counts = {row.cells[0].text: (row.cells[1].text, row.cells[2].text)
              for row in doc.tables[0].rows[1:]}
    assert counts["已完成"] == (str(done), f"{float(total['完成率%']):.1f}%")
    assert counts["正常推进"][0] == str(in_progress)
    assert counts["滞后"][0] == str(behind)
    assert counts["未启动"][0] == str(not_started)
    assert counts["合计"][0] == str(n) == "8"
    overdue = json.loads(run("tasks", "--overdue", "--month", "2019-03", "-f", "json").stdout)
    assert counts["其中：逾期"][0] == str(len(overdue)) == "2"
    # and the workbook's 汇总 sheet says the same
    xlsx = tmp_path / "r.xlsx"
    assert run("export", str(xlsx), "--month", "2019-03").exit_code == 0
    row = next(r for r in openpyxl.load_workbook(xlsx)["汇总"].iter_rows(values_only=True)
               if r[0] == "合计（任务不重复计）")
    assert list(row[1:6]) == [n, not_started, in_progress, behind, done]
    overview = section(doc, "一、总体情况")[0]
    assert f"{n}项目标任务中，已完成{done}项，占{counts['已完成'][1]}" in overview
    assert "已逾期（超过完成时限仍未完成）2项" in overview

    # 二、done tasks named with their units
    good = "\n".join(section(doc, "二、进展较好的任务"))
    assert "1.1 地区生产总值增长7%。（牵头单位：发展改革局）" in good
    assert "3.1 完成河道整治12条。（牵头单位：水务局）" in good
    assert "1.2" not in good
    # 三、behind and overdue: code, units, leaders, latest 进展情况
    late = section(doc, "三、滞后和逾期的任务")
    head = next(p for p in late if p.startswith("1.2【"))
    assert "滞后" in head and "逾期" in head
    assert "牵头单位：发展改革局、住房建设局" in head and "分管领导：韩立" in head
    assert late[late.index(head) + 1] == "进展情况：12个项目已开工，土地报批滞后"
    head22 = next(p for p in late if p.startswith("2.2【"))
    assert "逾期，完成时限2019年1月底" in head22 and "住房建设局" in head22
    assert not any(p.startswith(("1.1【", "2.1【", "3.1【")) for p in late)
    # below 序时 (25% at the end of March): 1.3 was reported (in February) and is named; the
    # tasks never reported on are counted, their units named in 四、
    assert any(p.startswith("1.3【欠序时】") for p in late)
    assert not any(p.startswith(("2.3【", "3.2【")) for p in late)
    assert "另有2项任务尚无进展报告，按序时进度计为欠序时" in late[-1]
    assert counts["其中：欠序时"][0] == "5"  # 1.2 and 2.2 (past due), 1.3, 2.3, 3.2
    # 四、the units that did not report: what remind lists
    remind = json.loads(run("remind", "--month", "2019-03", "-f", "json").stdout)
    missing = [u["unit"] for u in remind["units"]]
    assert "商务局" in missing and "水务局" not in missing
    assert f"以下{len(missing)}家单位未报送2019年3月进展情况：{'、'.join(missing)}。" in \
        section(doc, "四、未报送进展情况的单位")[0]
    units = json.loads(run("units", "-f", "json").stdout)
    assert f"{len(units)}家牵头单位中，{len(units) - len(missing)}家按时报送" in overview
    # 五、the default demands
    assert section(doc, "五、下一步工作要求")[0].endswith(bulletin.DEFAULT_DEMANDS[0])
    # 附件: every task in a landscape section, header repeated on each page
    annex = doc.tables[-1]
    tasks = json.loads(run("tasks", "--month", "2019-03", "-f", "json").stdout)
    assert [r.cells[0].text for r in annex.rows[1:]] == [t["code"] for t in tasks]
    assert [c.text for c in annex.rows[0].cells][:5] == ["编号", "目标名称", "工作标准",
                                                         "分管领导", "牵头单位"]
    assert annex.rows[0]._tr.trPr.xpath("./w:tblHeader")
    by_code = {r.cells[0].text: r for r in annex.rows[1:]}
    assert by_code["2.1"].cells[5].text == "推进中" and by_code["2.1"].cells[6].text == "50%"
    assert by_code["2.1"].cells[7].text == "已建成2个"


def test_page_setup_fonts_and_chart(default_bulletin):
    doc = docx.Document(str(default_bulletin))
    first, annex = doc.sections
    def mm(length):
        return round(length.mm)

    assert (mm(first.page_width), mm(first.page_height)) == (210, 297)  # A4
    assert (mm(annex.page_width), mm(annex.page_height)) == (297, 210)
    assert annex.orientation == 1  # landscape
    for s in (first, annex):
        xml = s.footer._element.xml
        assert "PAGE" in xml and "— " in "".join(p.text for p in s.footer.paragraphs)
    # 仿宋 body, 黑体 headings, each font with its fallback in the font table
    def east(style):
        return style.element.rPr.rFonts.get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
    assert east(doc.styles["通报正文"]) == "仿宋_GB2312"
    assert east(doc.styles["通报一级标题"]) == "黑体"
    fonts = next(r.target_part for r in doc.part.rels.values()
                 if r.reltype.endswith("/fontTable")).blob.decode()
    assert re.search(r'w:name="仿宋_GB2312".*?<w:altName w:val="仿宋"', fonts, re.S)
    assert re.search(r'w:name="黑体".*?<w:altName w:val="SimHei"', fonts, re.S)
    # the chart: one picture, in 一、总体情况, with its caption
    assert len(doc.inline_shapes) == 1
    paras = texts(doc)
    caption = next(p for p in paras if p.startswith("图1"))
    assert "各分管领导目标任务推进情况" in caption
    assert paras.index("一、总体情况") < paras.index(caption) < paras.index("二、进展较好的任务")


def test_chart_options_and_demands_file(month, tmp_path):
    demands = tmp_path / "要求.txt"
    demands.write_text("各单位要倒排工期。\n\n月底前报送整改情况。\n", encoding="utf-8")
    out = write(month, tmp_path, "--chart", "none", "--demands", str(demands),
                "--to", "各有关单位：")
    doc = docx.Document(str(out))
    assert len(doc.inline_shapes) == 0
    assert section(doc, "五、下一步工作要求")[:2] == ["（一）各单位要倒排工期。",
                                                    "（二）月底前报送整改情况。"]
    assert "各有关单位：" in texts(doc)
    by_unit = docx.Document(str(write(month, tmp_path, "--chart", "unit", name="u.docx")))
    assert any(p.startswith("图1  各牵头单位") for p in texts(by_unit))


def test_the_chart_draws_chinese_with_a_font_found_here():
    font = bulletin.cjk_font()
    assert font is not None, "install fonts-noto-cjk (.ci/run does)"
    png = bulletin.chart_png([{"name": "发展改革局", "tasks": 3, "not_started": 1,
                               "in_progress": 1, "behind": 0, "done": 1}], "测试")
    assert png.startswith(b"\x89PNG")


def test_the_example_template_is_filled(month, tmp_path):
    run = month
    template = tmp_path / "模板.docx"
    result = run("bulletin", str(template), "--example-template")
    assert result.exit_code == 0, result.output
    assert template.read_bytes() == bulletin.example_template().read_bytes()
    out = write(run, tmp_path, "--template", str(template))
    doc = docx.Document(str(out))
    body = "\n".join(texts(doc))
    assert "{{" not in body and "{%" not in body
    assert "第3期" in body and "青山区人民政府督查室\t2019年4月5日" in body
    assert "2019年《政府工作报告》目标任务推进情况通报（截至2019年3月31日）" in body
    total = summary_total(run)
    assert f"已完成：{total['已完成']}项" in body and f"滞后：{total['滞后']}项" in body
    assert "3.1 完成河道整治12条。（牵头单位：水务局）" in body
    assert "进展情况：12个项目已开工，土地报批滞后" in body
    assert "商务局" in body
    assert len(doc.inline_shapes) == 1
    codes = [r.cells[0].text for r in doc.tables[-1].rows[1:]]
    assert codes == [t["code"] for t in json.loads(run("tasks", "-f", "json").stdout)]
    assert round(doc.sections[-1].page_width.mm) == 297


def test_the_shipped_example_is_what_the_builder_makes(tmp_path):
    from docxtpl import DocxTemplate

    fresh = tmp_path / "fresh.docx"
    bulletin.build_example_template(fresh)
    shipped = DocxTemplate(str(bulletin.example_template()))
    assert shipped.get_undeclared_template_variables() == \
        DocxTemplate(str(fresh)).get_undeclared_template_variables()
    assert shipped.get_undeclared_template_variables() <= set(bulletin.PLACEHOLDERS)


def _template(path: Path, *lines: str) -> Path:
    doc = docx.Document()
    for line in lines:
        doc.add_paragraph(line)
    doc.save(str(path))
    return path


def test_an_office_template_is_filled(month, tmp_path):
    template = _template(tmp_path / "ours.docx", "{{ office }}第{{ issue }}期",
                         "共{{ total }}项，未报送{{ unreported_count }}家",
                         "{%p for t in late_tasks %}", "{{ t.code }}：{{ t.units }}",
                         "{%p endfor %}")
    doc = docx.Document(str(write(month, tmp_path, "--template", str(template),
                                  "--chart", "none")))
    paras = [p for p in texts(doc) if p]
    assert paras[0] == "青山区人民政府督查室第3期"
    assert paras[1].startswith("共8项，未报送")
    assert "1.2：发展改革局、住房建设局" in paras and "2.2：住房建设局" in paras


@pytest.mark.parametrize(("line", "said"), [
    ("{{ ofice }}", "unknown placeholder {{ ofice }}"),
    ("{% for t in late_tasks %}{{ t.nope }}{% endfor %}", "has no attribute 'nope'"),
    ("{{ office ", "broken placeholder"),
])
@pytest.mark.pg_once()
def test_a_bad_placeholder_is_refused(month, tmp_path, line, said):
    template = _template(tmp_path / "bad.docx", "{{ office }}", line)
    out = tmp_path / "b.docx"
    result = month("bulletin", str(out), "--month", "2019-03", "--template", str(template))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("Error: template bad.docx:") and said in lines[0]
    assert all(x.startswith(("Error:", "Hint:")) for x in lines)
    assert not out.exists()


def test_usage_errors(month, run, tmp_path):
    result = month("bulletin", str(tmp_path / "b.pdf"), "--month", "2019-03")
    assert result.exit_code == 2 and "Error:" in result.stderr and ".docx" in result.stderr
    result = month("bulletin", str(tmp_path / "b.docx"), "--template",
                   str(tmp_path / "none.docx"))
    assert result.exit_code == 2 and "no template" in result.stderr
    not_docx = tmp_path / "x.docx"
    not_docx.write_text("not a word file", encoding="utf-8")
    result = month("bulletin", str(tmp_path / "b.docx"), "--month", "2019-03",
                   "--template", str(not_docx))
    assert result.exit_code == 1 and "cannot read template" in result.stderr
    assert not (tmp_path / "b.docx").exists()


def test_before_any_load(run, tmp_path):
    result = run("bulletin", str(tmp_path / "b.docx"), "--month", "2019-03")
    assert result.exit_code == 1 and result.stderr.startswith("Error:")
    assert not (tmp_path / "b.docx").exists()


def test_every_annex_cell_is_in_the_table_style(default_bulletin):
    doc = docx.Document(str(default_bulletin))
    annex = doc.tables[-1]
    styles = {p.style.name for row in annex.rows for cell in row.cells for p in cell.paragraphs}
    assert styles == {bulletin.STYLE_NAMES["table"]}
    assert len(annex.rows) == 1 + 8  # the header and the table's eight tasks


def test_the_chart_is_drawn_only_for_a_template_that_shows_it(month, tmp_path, monkeypatch):
    drawn: list[str] = []
    real = bulletin.chart_for

    def counted(b, by):
        drawn.append(by)
        return real(b, by)

    monkeypatch.setattr(bulletin, "chart_for", counted)
    plain = _template(tmp_path / "plain.docx", "{{ office }}")
    result = month("bulletin", str(tmp_path / "a.docx"), "--month", "2019-03",
                   "--template", str(plain))
    assert result.exit_code == 0, result.output
    assert drawn == [] and "without its chart" not in result.stderr
    bad = _template(tmp_path / "bad.docx", "{{ chart }}", "{{ ofice }}")
    result = month("bulletin", str(tmp_path / "b.docx"), "--month", "2019-03",
                   "--template", str(bad))
    assert result.exit_code == 1 and "unknown placeholder {{ ofice }}" in result.stderr
    assert drawn == []  # refused before the chart was drawn
    shows = _template(tmp_path / "shows.docx", "{{ chart }}", "{{ chart_caption }}")
    result = month("bulletin", str(tmp_path / "c.docx"), "--month", "2019-03",
                   "--template", str(shows))
    assert result.exit_code == 0, result.output
    assert drawn == ["leader"]
    assert len(docx.Document(str(tmp_path / "c.docx")).inline_shapes) == 1
