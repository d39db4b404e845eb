"""Output files are written whole or not at all: a full disk (simulated: the write fails
with ENOSPC when the file is flushed to disk, or part-way through) leaves the target as it
was and no temporary file behind, with a one-line error."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from helpers import assert_one_line_error


@pytest.fixture
def full_disk(monkeypatch):
    """From the n-th file on (``full_disk(n)``), flushing an output file fails: disk full."""
    from taskduty import safeio

    real = os.fsync
    state = {"left": None}

    def fsync(fd: int) -> None:
        if state["left"] is not None:
            if state["left"] <= 0:
                raise OSError(errno.ENOSPC, "No space left on device")
            state["left"] -= 1
        real(fd)

    monkeypatch.setattr(safeio.os, "fsync", fsync)

    def arm(after: int = 0) -> None:
        state["left"] = after

    return arm


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".taskduty-")]


@pytest.mark.parametrize("args", [
    ("tasks", "-o", "{out}.csv"), ("tasks", "-f", "json", "-o", "{out}.json"),
    ("units", "-o", "{out}.csv"), ("export", "{out}.xlsx"), ("export", "{out}.csv"),
    ("export", "{out}.json"), ("convert", "{seed}", "-o", "{out}.csv"),
])
@pytest.mark.pg_once()
def test_full_disk_leaves_the_target_untouched(seeded, tmp_path, full_disk, args):
    from conftest import SEED_TEXT

    out = tmp_path / "out"
    argv = [a.format(out=out, seed=SEED_TEXT) for a in args]
    target = Path(next(a for a in argv if a.startswith(str(out))))
    target.write_bytes(b"previous version")
    full_disk()
    result = seeded(*argv)
    assert_one_line_error(result, f"cannot write {target}: the disk is full; it was left unchanged")
    assert target.read_bytes() == b"previous version"
    assert _leftovers(tmp_path) == []
    target.unlink()
    result = seeded(*argv)
    assert_one_line_error(result, "the disk is full")
    assert not target.exists() and _leftovers(tmp_path) == []


def test_forms_say_which_were_written_and_a_rerun_completes_the_set(seeded, tmp_path,
                                                                    full_disk):
    outdir = tmp_path / "forms"
    full_disk(after=3)
    result = seeded("forms", str(outdir), "--month", "2018-03")
    assert_one_line_error(result, "the disk is full", "3 of ", "forms were written before it")
    listed = [line.split("\t")[0] for line in result.stdout.splitlines()]
    assert len(listed) == 3
    assert sorted(str(p) for p in outdir.iterdir()) == sorted(listed)
    full_disk(after=10_000)
    again = seeded("forms", str(outdir), "--month", "2018-03")
    assert again.exit_code == 0, again.output
    units = json.loads(seeded("units", "-f", "json").stdout)
    assert len(list(outdir.iterdir())) == len(units) == len(again.stdout.splitlines())


@pytest.mark.parametrize("args", [("tasks", "-o", "{dir}"), ("tasks", "-f", "csv", "-o", "{dir}"),
                                  ("export", "{dir}.xlsx"), ("units", "-o", "{dir}")])
def test_an_output_path_that_is_a_folder_is_one_line(seeded, tmp_path, args):
    folder = tmp_path / "a_folder.csv"
    folder.mkdir()
    Path(str(folder) + ".xlsx").mkdir()
    argv = [a.format(dir=folder) for a in args]
    result = seeded(*argv)
    assert_one_line_error(result, "is a folder, not a file")


def test_an_unwritable_folder_is_one_line(seeded, tmp_path, monkeypatch):
    """Simulated (tests may run as root, who may write anywhere): creating the file fails."""
    from taskduty import safeio

    def refuse(*_args, **_kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(safeio.tempfile, "mkstemp", refuse)
    assert_one_line_error(seeded("tasks", "-o", str(tmp_path / "t.csv")), "permission denied")
    assert_one_line_error(seeded("export", str(tmp_path / "r.xlsx")), "permission denied")
    result = seeded("forms", str(tmp_path / "f"), "--month", "2018-03")
    assert_one_line_error(result, "permission denied", "0 of ")
    assert result.stdout == ""


def test_an_output_under_a_file_is_one_line(seeded, tmp_path):
    afile = tmp_path / "plain"
    afile.write_text("x")
    assert_one_line_error(seeded("tasks", "-o", str(afile / "t.csv")), "is a file, not a folder")
    assert_one_line_error(seeded("export", str(afile / "r.xlsx")), "is a file, not a folder")


def test_long_cjk_and_emoji_unit_names_give_unique_short_file_names(run, tmp_path):
    long_a = "区" * 90 + "发展和改革委员会甲"
    long_b = "区" * 90 + "发展和改革委员会乙"
    emoji = "🚀" * 70 + "单位"
    table = tmp_path / "t.csv"
    table.write_text("序号,目标名称,工作标准,分管领导,牵头单位\n"
                     f"1,目标,任务一,张三,{long_a}\n1,目标,任务二,张三,{long_b}\n"
                     f"1,目标,任务三,张三,{emoji}\n", encoding="utf-8")
    assert run("load", str(table), "--year", "2019", "-q").exit_code == 0
    result = run("forms", str(tmp_path / "f"), "--month", "2019-03")
    assert result.exit_code == 0, result.output
    names = [p.name for p in (tmp_path / "f").iterdir()]
    assert len(names) == 3 == len(set(names))
    assert all(len(n.encode()) <= 255 for n in names)
    from taskduty.forms import safe_filename

    assert len(safe_filename(emoji).encode()) <= 120
    assert safe_filename("发\u200b改局") == "发改局"
