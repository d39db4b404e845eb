"""Old and WPS formats: .xls and .et workbooks with merged cells, .doc and .wps documents
through LibreOffice, and the one-line error when LibreOffice is missing.

The fixtures (tests/data/old_formats/) were built by :func:`build_xls` and :func:`build_docs`
(openpyxl/python-docx) and saved in the old formats by LibreOffice itself; run this file
(``python tests/test_old_formats.py``) to build them again. They are kept rather than built
in each run: three starts of LibreOffice (~1.3 s each, on each worker that runs this file).
CI installs LibreOffice (.ci/run): there the tests that load .doc and .wps never skip.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from taskduty.sources import oldformats


def need_soffice() -> str:
    program = oldformats.soffice()
    if program is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install LibreOffice (libreoffice-writer, libreoffice-calc)")
        pytest.skip("LibreOffice (soffice) is not installed")
    return program


def save_as(source: Path, to: str, outdir: Path, *more: Path) -> Path:
    """``source`` (and ``more``) saved by LibreOffice as ``to`` (xls, doc), in one run of it
    (a start of LibreOffice is the cost: ~1.3 s)."""
    program = need_soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run([program, f"-env:UserInstallation={(outdir / 'profile').as_uri()}",
                    "--headless", "--convert-to", to, "--outdir", str(outdir), str(source),
                    *map(str, more)],
                   capture_output=True, timeout=180, check=True, stdin=subprocess.DEVNULL)
    for path in (source, *more):
        assert (outdir / f"{path.stem}.{to}").exists(), path
    return outdir / f"{source.stem}.{to}"


DATA = Path(__file__).resolve().parent / "data" / "old_formats"


def build_xls(folder: Path) -> Path:
    """A workbook with merged cells, saved by LibreOffice as .xls."""
    import openpyxl

    folder.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "某镇2022年重点工作责任分解表"
    ws.merge_cells("A1:E1")
    ws.append(["序号", "目标名称", "工作标准", "分管领导", "牵头单位"])
    ws.append([1, "稳增长", "招引项目5个。", "冯甲", "镇经发办"])
    ws.append([2, None, "技改投资增长8%。", None, "镇工业办"])
    ws.append([3, "惠民生", "改造农房30户。", "陈乙", "镇建设办"])
    ws.merge_cells("B3:B4")
    ws.merge_cells("D3:D4")
    source = folder / "分解表.xlsx"
    wb.save(source)
    return save_as(source, "xls", folder)


def build_docs(folder: Path) -> tuple[Path, Path]:
    """A table document saved as .doc, and a notice saved as .doc and named .wps."""
    import docx

    folder.mkdir(parents=True, exist_ok=True)
    table_doc = docx.Document()
    table_doc.add_paragraph("某县2022年目标任务分解表")
    table = table_doc.add_table(rows=3, cols=5)
    for r, values in enumerate([["序号", "目标名称", "工作标准", "分管领导", "牵头单位"],
                                ["1", "稳增长", "新增规上企业3家。", "褚丙", "县工信局"],
                                ["2", "稳增长", "外贸增长5%。", "褚丙", "县商务局"]]):
        for c, text in enumerate(values):
            table.cell(r, c).text = text
    table_source = folder / "表格.docx"
    table_doc.save(table_source)
    notice = docx.Document()
    notice.add_paragraph("关于2022年重点工作分工的通知")
    notice.add_paragraph("一、优化环境")
    notice.add_paragraph("1.压减审批时限。（县审批局牵头，县司法局配合）")
    notice_source = folder / "通知.docx"
    notice.save(notice_source)
    # through .odt: LibreOffice drops python-docx's tables when it writes .doc from .docx
    doc = save_as(save_as(table_source, "odt", folder / "odt"), "doc", folder, notice_source)
    wps = (folder / f"{notice_source.stem}.doc").rename(folder / "通知.wps")
    return doc, wps


@pytest.fixture
def xls_file() -> Path:
    return DATA / "分解表.xls"


@pytest.fixture
def doc_files() -> tuple[Path, Path]:
    return DATA / "表格.doc", DATA / "通知.wps"


def load(run: Any, path: Path) -> dict[str, Any]:
    result = run("load", str(path), "--year", "2022", "-f", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def tasks(run: Any) -> list[dict[str, Any]]:
    result = run("tasks", "--year", "2022", "-f", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_xls_with_merged_cells(run: Any, xls_file: Path) -> None:
    report = load(run, xls_file)
    assert report["input_format"] == "xls"
    assert report["title"] == "某镇2022年重点工作责任分解表"
    got = tasks(run)
    assert [(t["code"], t["goal"], t["leaders"], t["units"]) for t in got] == [
        ("1.1", "稳增长", ["冯甲"], ["镇经发办"]), ("1.2", "稳增长", ["冯甲"], ["镇工业办"]),
        ("2.1", "惠民生", ["陈乙"], ["镇建设办"])]
    assert any("merged cell" in r["message"] for r in report["repairs"])


def test_wps_et_workbook(run: Any, xls_file: Path, tmp_path: Path) -> None:
    et = tmp_path / "分解表.et"
    shutil.copyfile(xls_file, et)
    assert load(run, et)["tasks"] == 3


# SQLite only: LibreOffice's conversion does not depend on the database, and the converted
# .docx is read and loaded as any .docx is (on PostgreSQL: test_load_formats' docx seed); its
# second load already goes to a SQLite file. Two LibreOffice starts fewer (~1.3 s each).
@pytest.mark.sqlite_only
def test_doc_table_and_wps_notice(run: Any, doc_files: tuple[Path, Path],
                                  tmp_path: Path) -> None:
    doc, wps = doc_files
    report = load(run, doc)
    assert (report["input_format"], report["tasks"]) == ("doc", 2)
    assert [t["units"] for t in tasks(run)] == [["县工信局"], ["县商务局"]]
    other = tmp_path / "other.db"
    result = run("--db", str(other), "load", str(wps), "--year", "2022")
    assert result.exit_code == 0, result.stderr
    result = run("--db", str(other), "tasks", "--year", "2022", "-f", "json")
    (task,) = json.loads(result.stdout)
    assert (task["units"], task["co_units"]) == (["县审批局"], ["县司法局"])


def test_doc_without_libreoffice_is_a_one_line_error(run: Any, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(oldformats, "soffice", lambda: None)
    path = tmp_path / "通知.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    result = run("load", str(path), "--year", "2022")
    assert result.exit_code == 1
    error, hint = result.stderr.strip().split("\n")
    assert error.startswith("Error: 通知.doc: reading .doc files needs LibreOffice")
    assert "另存为" in hint


def test_xlsx_saved_under_an_old_name_and_a_file_that_is_no_workbook(
        run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "目标名称", "工作标准", "分管领导", "牵头单位"])
    ws.append([1, "稳增长", "任务一。", "卫丁", "甲局"])
    renamed = tmp_path / "改名.xls"
    wb.save(renamed)
    assert load(run, renamed)["tasks"] == 1
    bogus = tmp_path / "网页.xls"
    bogus.write_text("<html><table><tr><td>序号</td></tr></table></html>", encoding="utf-8")
    result = run("load", str(bogus), "--year", "2022")
    assert result.exit_code == 1
    assert "not an Excel 97–2003 or WPS workbook" in result.stderr
    assert "另存为" in result.stderr


if __name__ == "__main__":  # build the fixtures again: python tests/test_old_formats.py
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        DATA.mkdir(parents=True, exist_ok=True)
        for path in (build_xls(Path(tmp) / "xls"), *build_docs(Path(tmp) / "doc")):
            shutil.copyfile(path, DATA / path.name)
            print(DATA / path.name)
