"""Compare the per-text functions of targets.py and schedule.py with saved copies of an older
version, over every text we have: prove a speed-up changed no output.

    python tools/compare_text_functions.py OLD_DIR [FILE …]

``OLD_DIR`` holds ``old_targets.py`` and ``old_schedule.py`` (copies of the modules before
the change). Texts: every line and every tab/comma-separated cell of the given files, plus
the seed table, /work/shared/realdata, tests' string literals and bench tables of 10k and 50k.
"""

from __future__ import annotations

import ast
import csv
import importlib.util
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))


def load(path: Path, name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def texts_of_file(path: Path) -> set[str]:
    out: set[str] = set()
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except (UnicodeDecodeError, OSError):
        return out
    for line in raw.splitlines():
        out.add(line)
        out.update(line.split("\t"))
    if path.suffix == ".csv":
        for row in csv.reader(raw.splitlines()):
            out.update(row)
    if path.suffix == ".py":
        for node in ast.walk(ast.parse(raw)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                out.add(node.value)
                out.update(node.value.splitlines())
    return out


def main() -> None:
    old_dir = Path(sys.argv[1])
    from generate import make_rows

    from taskduty import schedule, targets

    old_t = load(old_dir / "old_targets.py", "old_targets")
    old_s = load(old_dir / "old_schedule.py", "old_schedule")
    files = [Path(a) for a in sys.argv[2:]]
    files += [ROOT / "data" / "seed_table.csv", *ROOT.glob("tests/**/*.py"),
              *ROOT.glob("tests/data/**/*")]
    files += [p for p in Path("/work/shared/realdata").rglob("*") if p.is_file()]
    texts: set[str] = set()
    for f in files:
        if f.is_file():
            texts |= texts_of_file(f)
    for n in (10_000, 50_000):
        for row in make_rows(n):
            texts.update(row)
    print(f"{len(texts)} distinct texts")
    bad = 0
    for text in sorted(texts):
        if [t.to_dict() for t in targets.extract_targets(text)] != [
                t.to_dict() for t in old_t.extract_targets(text)]:
            bad += 1
            print("targets differ:", repr(text))
        if targets.targets_json(text) != old_t.targets_json(text):
            bad += 1
            print("targets_json differs:", repr(text))
        for year in (2015, 2019, 2025):
            new = schedule.infer_deadline(text, year)
            old = old_s.infer_deadline(text, year)
            if (new.kind, new.milestone_dicts(), new.inferred) != (
                    old.kind, old.milestone_dicts(), old.inferred):
                bad += 1
                print("infer_deadline differs:", year, repr(text))
            new = schedule.parse_deadline(text, year)
            old = old_s.parse_deadline(text, year)
            if (new.kind, new.milestone_dicts()) != (old.kind, old.milestone_dicts()):
                bad += 1
                print("parse_deadline differs:", year, repr(text))
    print(f"{bad} differences")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
