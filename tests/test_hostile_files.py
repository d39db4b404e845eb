"""Hostile files: zip bombs, millions of cells, entity expansion, forms with absurd sizes,
thousands of problems. Each is refused early with one line (or capped), never parsed whole."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from helpers import STATUS_COL, assert_one_line_error, form_rows, write_forms
from taskduty.errors import SourceError
from taskduty.limits import Limits, check_package

HEADER = ["序号", "目标名称", "工作标准", "分管领导", "牵头单位"]


def _workbook(path: Path, rows: int) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for i in range(rows):
        ws.append([1, "目标", f"任务{i}", "张三", "发改局"])
    wb.save(path)
    return path


def test_a_real_table_passes(tmp_path):
    check_package(_workbook(tmp_path / "ok.xlsx", 50), "xlsx")


def test_too_many_cells_and_rows_refused_before_parsing(tmp_path):
    path = _workbook(tmp_path / "big.xlsx", 300)
    with pytest.raises(SourceError, match="more than 1,000 cells"):
        check_package(path, "xlsx", Limits(cells=1000, rows=10_000, bytes=10**9))
    with pytest.raises(SourceError, match="more than 100 rows"):
        check_package(path, "xlsx", Limits(cells=10**6, rows=100, bytes=10**9))


def test_a_zip_bomb_is_refused_by_its_real_size(tmp_path):
    """Declared sizes can lie: the parts are measured as they unpack."""
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", "<worksheet>" + " " * 3_000_000 + "</worksheet>")
    assert path.stat().st_size < 20_000
    with pytest.raises(SourceError, match="far beyond any real table"):
        check_package(path, "xlsx", Limits(cells=10**6, rows=10**6, bytes=2_000_000))


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_entity_expansion_is_refused(tmp_path, run, suffix):
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
              "<worksheet>&lol2;</worksheet>")
    path = tmp_path / f"laughs{suffix}"
    part = "xl/worksheets/sheet1.xml" if suffix == ".xlsx" else "word/document.xml"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr(part, laughs)
    result = run("load", str(path), "--year", "2019")
    assert_one_line_error(result, "declares a document type or entities")


def test_the_cli_refuses_and_max_cells_raises_the_limit(run, tmp_path):
    path = _workbook(tmp_path / "2019年表.xlsx", 40)
    refused = run("--max-cells", "100", "load", str(path), "--dry-run")
    assert_one_line_error(refused, "far beyond any real table", "more than 100 cells",
                          "--max-cells")
    assert run("--max-cells", "100000", "load", str(path), "--dry-run").exit_code == 0
    env = run("load", str(path), "--dry-run", env={"TASKDUTY_MAX_CELLS": "100"})
    assert_one_line_error(env, "far beyond any real table")


def test_a_form_of_absurd_size_is_refused_before_reading(seeded, tmp_path):
    forms = write_forms(seeded, tmp_path / "out", "--unit", "发改局")
    wb = openpyxl.load_workbook(forms["发改局"])
    ws = wb.worksheets[0]
    ws.protection.sheet = False
    for r in range(ws.max_row + 1, ws.max_row + 400):
        for c in range(1, 9):
            ws.cell(r, c).value = None
            ws.cell(r, c).number_format = "0"  # stored, styled, empty: the cheap attack
    ws.cell(4, STATUS_COL).value = "推进中"
    wb.save(tmp_path / "huge.xlsx")
    result = seeded("collect", str(tmp_path / "huge.xlsx"),
                    env={"TASKDUTY_MAX_CELLS": "20000"})
    assert result.exit_code == 1
    assert "huge.xlsx: huge.xlsx is far beyond any real table" in result.stderr


def test_at_most_50_problems_are_listed(seeded, tmp_path):
    forms = write_forms(seeded, tmp_path / "out", "--unit", "发改局")
    wb = openpyxl.load_workbook(forms["发改局"])
    ws = wb.worksheets[0]
    start = ws.max_row + 1
    for i in range(70):
        ws.cell(start + i, 1).value = f"99.{i + 1}"
        ws.cell(start + i, STATUS_COL).value = "推进中"
    wb.save(tmp_path / "many.xlsx")
    result = seeded("collect", str(tmp_path / "many.xlsx"))
    assert result.exit_code == 1
    listed = [line for line in result.stderr.splitlines() if "many.xlsx, row" in line]
    assert len(listed) == 50
    assert "… and 20 more problems" in result.stderr
    assert "70 problems in the forms" in result.stderr
    assert form_rows(forms["发改局"])


def test_a_huge_text_file_is_refused_by_its_size(tmp_path):
    from taskduty.limits import check_file_size

    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * 5000)
    check_file_size(path, Limits(cells=10, rows=10, bytes=10_000))
    with pytest.raises(SourceError, match="on disk"):
        check_file_size(path, Limits(cells=10, rows=10, bytes=1000))
