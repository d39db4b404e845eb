"""The Chinese interface: a standard gettext catalog, complete, Chinese by default, English on
request (the rest of the suite runs in English, conftest.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from helpers import parsed

sys.path.insert(0, str(ROOT / "tools"))

import po

from taskduty import i18n
from taskduty.fields import HEADERS, LABELS

FIELD = re.compile(r"\{[^{}]*\}")


def test_every_message_id_in_src_has_a_chinese_translation():
    missing = po.missing()
    assert not missing, ("untranslated message ids (run python tools/po.py and translate "
                         f"them in {i18n.PO_FILE.name}): {missing}")


def test_translations_keep_every_placeholder():
    for msgid, plural, forms in i18n.parse_po(i18n.PO_FILE.read_text(encoding="utf-8")):
        if not msgid:
            continue
        wanted = sorted(FIELD.findall(plural or msgid))
        for text in forms:
            assert sorted(FIELD.findall(text)) == wanted, (msgid, text)


def test_the_catalog_is_standard_gettext():
    import gettext

    catalog = i18n.catalog("zh")
    assert isinstance(catalog, gettext.GNUTranslations)
    assert catalog.gettext("Error: {message}") == "错误：{message}"
    assert catalog.ngettext("{n} task", "{n} tasks", 5) == "{n} 项任务"
    assert catalog.gettext("a text no one translated") == "a text no one translated"


def test_the_compiled_catalog_is_cached_and_follows_the_po(tmp_path, monkeypatch):
    """The .po is compiled once into the user's cache; an edited .po gets a new .mo and the
    old one goes; an unwritable cache still gives the catalog (compiled in memory)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    po_file = tmp_path / "taskduty.po"
    po_file.write_text('msgid ""\nmsgstr ""\n\nmsgid "One"\nmsgstr "一"\n', encoding="utf-8")
    data = i18n.compiled(po_file)
    assert data == i18n.compile_mo(i18n.parse_po(po_file.read_text(encoding="utf-8")))
    cached = i18n.compiled_path(po_file)
    assert cached.parent == tmp_path / "cache" / "taskduty" and cached.read_bytes() == data
    cached.write_bytes(data + b"X")  # proves the next start reads the cache, not the .po
    assert i18n.compiled(po_file) == data + b"X"
    po_file.write_text('msgid ""\nmsgstr ""\n\nmsgid "Two"\nmsgstr "二"\n', encoding="utf-8")
    os.utime(po_file, ns=(1, 2))
    fresh = i18n.compiled(po_file)
    assert b"Two" in fresh and list((tmp_path / "cache" / "taskduty").iterdir()) == [
        i18n.compiled_path(po_file)]
    monkeypatch.setenv("XDG_CACHE_HOME", str(po_file))  # a file: the cache cannot be made
    assert i18n.compiled(po_file) == fresh


def test_a_damaged_cached_catalog_is_compiled_again(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(i18n, "_catalogs", {})
    path = i18n.compiled_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a catalog")
    assert i18n.catalog("zh").gettext("Error: {message}") == "错误：{message}"


def test_po_parser_skips_fuzzy_and_empty_entries():
    text = ('msgid ""\nmsgstr "Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
            'msgid "One"\nmsgstr "一"\n\n#, fuzzy\nmsgid "Two"\nmsgstr "二"\n\n'
            'msgid "Three"\nmsgstr ""\n\nmsgid "Multi"\n"line"\nmsgstr "多"\n"行"\n')
    entries = {m: forms for m, _p, forms in i18n.parse_po(text)}
    assert entries["One"] == ["一"] and entries["Multiline"] == ["多行"]
    assert "Two" not in entries and "Three" not in entries


def test_headers_translate_to_the_glossary_labels():
    for key, label in LABELS.items():
        assert i18n.chinese(HEADERS[key]) == label, key


@pytest.mark.parametrize(("env", "lang"), [
    ({}, "zh"), ({"LANG": "C.UTF-8"}, "zh"), ({"LANG": "zh_CN.UTF-8"}, "zh"),
    ({"LANG": "en_US.UTF-8"}, "en"), ({"LC_ALL": "en_GB.UTF-8", "LANG": "zh_CN"}, "en"),
    ({"TASKDUTY_LANG": "en"}, "en"), ({"TASKDUTY_LANG": "zh", "LANG": "en_US"}, "zh"),
])
def test_language_from_taskduty_lang_or_the_locale(monkeypatch, env, lang):
    for var in ("TASKDUTY_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert i18n.language() == lang


def cli(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``taskduty ARGS`` in a fresh interpreter (help texts are translated at import)."""
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("TASKDUTY_", "LC_")) and k != "LANG"}
    clean.update({"TASKDUTY_DB": str(tmp_path / "none.db"), "LANG": "C.UTF-8",
                  "XDG_CONFIG_HOME": str(tmp_path / "home"), **env})
    return subprocess.run([sys.executable, "-m", "taskduty", *args], cwd=tmp_path, env=clean,
                          capture_output=True, text=True, encoding="utf-8", timeout=120,
                          check=False)


def test_chinese_is_the_default_interface(tmp_path):
    result = cli(["tasks"], tmp_path)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("错误：") and lines[1].startswith("提示：")
    helped = cli(["tasks", "--help"], tmp_path)
    assert helped.returncode == 0 and "分管领导（可重复，表示其中任一）。" in helped.stdout
    assert "--leader" in helped.stdout  # option names stay English
    assert "列出任务，可按分管领导" in helped.stdout  # the command's help (its docstring)


def test_english_on_request_passes_the_same_check(tmp_path):
    result = cli(["tasks"], tmp_path, TASKDUTY_LANG="en")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("Error: ") and lines[1].startswith("Hint: ")
    helped = cli(["tasks", "--help"], tmp_path, LANG="en_US.UTF-8")
    assert "A responsible leader" in helped.stdout and "List tasks, filtered" in helped.stdout


def test_chinese_tables_messages_and_usage_errors(seeded):
    zh = {"TASKDUTY_LANG": "zh"}
    listed = seeded("leaders", env=zh)
    assert listed.exit_code == 0
    assert listed.stdout.splitlines()[1].split()[:2] == ["分管领导", "任务数"]
    assert "项任务" in seeded("tasks", "-l", "陆秋明", env=zh).stderr
    bad = seeded("tasks", "--month", "2018-13", env=zh)
    assert bad.exit_code == 2 and bad.stderr.startswith("错误：")
    english = seeded("leaders")
    assert english.stdout.splitlines()[1].split()[:2] == ["Leader", "Tasks"]
    # JSON keys and status keys stay English in both
    assert seeded("tasks", "-f", "json", env=zh).stdout == seeded("tasks", "-f", "json").stdout


def test_no_function_hides_the_translation_function():
    """``_, x = …`` inside a function that also calls ``_("…")`` makes ``_`` a local: the
    call then fails at run time ("'int' object is not callable")."""
    import ast

    bad = []
    for path in sorted((ROOT / "src" / "taskduty").rglob("*.py")):
        tree = parsed(path)
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            own = [n for n in ast.walk(fn) if not isinstance(n, ast.Lambda)]
            # a comprehension's variables live in its own scope
            scoped = {id(t) for c in own if isinstance(c, ast.comprehension)
                      for t in ast.walk(c.target)}
            assigned = any(isinstance(n, ast.Name) and n.id == "_" and id(n) not in scoped
                           and isinstance(n.ctx, ast.Store) for n in own)
            called = any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                         and n.func.id == "_" for n in own)
            if assigned and called:
                bad.append(f"{path.relative_to(ROOT)}:{fn.lineno} {fn.name}")
    assert not bad, f"rename the throwaway `_` (e.g. `_plan`) in: {bad}"
