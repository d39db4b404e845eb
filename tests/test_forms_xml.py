"""The forms' sheet rows are written as the bytes openpyxl's lxml writer gives for them, and
the validations' cell lists as openpyxl's MultiCellRange writes them."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml.etree import xmlfile
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import fromstring

from taskduty import forms, xlsxrows


def through_lxml(xml: str) -> bytes:
    """What openpyxl's write-only sheet writer writes for a parsed row (the old path)."""
    out = io.BytesIO()
    with xmlfile(out) as xf, xf.element("worksheet", xmlns=SHEET_MAIN_NS), \
            xf.element("sheetData"):
        xf.write(fromstring(xml))
    text = out.getvalue()
    return text[text.index(b"<sheetData>") + len(b"<sheetData>"):text.rindex(b"</sheetData>")]


def row(text: str) -> str:
    """A row's XML as RowWriter.write_row builds it (an empty text: no <is> element)."""
    value = text.translate(xlsxrows._XML_TEXT)
    space = ' xml:space="preserve"' if text != text.strip() else ""
    cell = (f'<c r="B7" s="4" t="inlineStr"><is><t{space}>{value}</t></is></c>' if text
            else '<c r="B7" s="4" t="inlineStr"/>')
    return f'<row r="7" ht="45" customHeight="1"><c r="A7" s="3" t="n"/>{cell}</row>'


TEXTS = ["推进中 40%\n（2018-03-31）", "=SUM(A1)", "a & b < c > d \"q\" 'p'", "两行\r\n说明 ",
         " leading", "tab\there", "😀 ①②", "é e\u0301", "上次 7.9亿美元"]


@pytest.mark.parametrize("text", TEXTS)
def test_a_row_is_written_as_lxml_writes_it(text: str) -> None:
    assert xlsxrows.row_bytes(row(text)) == through_lxml(row(text))


def test_an_empty_row_as_lxml_writes_it() -> None:
    xml = '<row r="15"/>'
    assert xlsxrows.row_bytes(xml) == through_lxml("<row r=\"15\"></row>") == b'<row r="15"/>'


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff",
                             min_codepoint=9), max_size=40))
def test_any_cell_text_is_written_as_lxml_writes_it(text: str) -> None:
    text = xlsxrows.clean_text(text)
    assert xlsxrows.row_bytes(row(text)) == through_lxml(row(text))


def test_text_xml_cannot_hold_is_refused_as_before() -> None:
    with pytest.raises(Exception) as new:
        xlsxrows.row_bytes(row("bad \ufffe"))
    with pytest.raises(Exception) as old:
        through_lxml(row("bad \ufffe"))
    assert type(new.value) is type(old.value)


@pytest.mark.parametrize("spans", [[(4, 4)], [(4, 4), (6, 6), (8, 14)], [(5, 9), (11, 11)],
                                   [(4, 4), (10, 30), (2, 2)]])
def test_validation_cells_as_multicellrange_writes_them(spans: list[tuple[int, int]]) -> None:
    ranges = forms._ranges("F", spans)
    old = MultiCellRange(" ".join(f"F{a}:F{b}" for a, b in spans))
    assert str(ranges) == str(old) and bool(ranges)


def _task(n: int, standard: str) -> SimpleNamespace:
    return SimpleNamespace(
        id=100 + n, code=f"1.{n}", goal_no=1, goal="经济发展目标", standard=standard,
        leaders=["张强"], units=["发改局"], status="in_progress", progress=40,
        updated=date(2018, 2, 28), note="按序时推进", reports=[], extension=None,
        deadline="年底前", deadline_date=None, schedule=None, warning=None, targets=[])


def test_forms_sharing_their_styles_share_one_stylesheet(tmp_path: Path) -> None:
    """The stylesheet is serialised once per distinct set of styles in a run, and is what
    a form written on its own gets."""
    import zipfile

    from taskduty.dates import read_month

    month = read_month("2018-03")
    shared = forms._FormStyles()
    forms_and_tasks = {"a": [_task(1, "普通")], "b": [_task(2, "另一项"), _task(3, "第三项")],
                       "quoted": [_task(4, "=1+1 看似公式")]}
    for name, tasks in forms_and_tasks.items():
        forms.write_form(tmp_path / f"{name}.xlsx", "发改局", 2018, month, tasks, "s", shared)
        forms.write_form(tmp_path / f"{name}-alone.xlsx", "发改局", 2018, month, tasks, "s",
                         forms._FormStyles())
        with zipfile.ZipFile(tmp_path / f"{name}.xlsx") as one, \
                zipfile.ZipFile(tmp_path / f"{name}-alone.xlsx") as alone:
            assert one.read("xl/styles.xml") == alone.read("xl/styles.xml")
    assert len(shared._stylesheets) == 2  # the quoted cell's style is one more
