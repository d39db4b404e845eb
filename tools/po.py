"""Keep the Chinese catalog in step with the source: ``python tools/po.py``.

Finds every message id in ``src/taskduty`` (``_("…")``, ``N_("…")``, ``ngettext("…", "…", n)``,
string literals only, implicit concatenation joined; and the docstring of every
``@….command()`` function, which is its help) and rewrites
``src/taskduty/locale/zh_CN/LC_MESSAGES/taskduty.po``: existing translations are kept, new ids
are added untranslated (``msgstr ""``) for a translator, ids no longer used are dropped.
``python tools/po.py --check`` lists ids without a translation and exits 1 if there are any
(``tests/test_i18n.py`` runs the same check).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "taskduty"
sys.path.insert(0, str(ROOT / "src"))

from taskduty.i18n import PO_FILE, parse_po  # noqa: E402

FUNCTIONS = {"_": 1, "N_": 1, "ngettext": 2}


def extract(src: Path = SRC) -> dict[str, tuple[str | None, list[str]]]:
    """msgid -> (msgid_plural or None, ["file:line", …]) for every marked string in ``src``."""
    found: dict[str, tuple[str | None, list[str]]] = {}
    for path in sorted(src.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            # a command's docstring is its help (cli/app.py translate_docstrings)
            if isinstance(node, ast.FunctionDef) and any(
                    isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)
                    and d.func.attr == "command" for d in node.decorator_list):
                doc = ast.get_docstring(node, clean=True)
                if doc:
                    where = f"{path.relative_to(src.parent)}:{node.lineno}"
                    old = found.get(doc)
                    found[doc] = (None, [*(old[1] if old else []), where])
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in FUNCTIONS):
                continue
            args = node.args[:FUNCTIONS[node.func.id]]
            if not args or not all(isinstance(a, ast.Constant) and isinstance(a.value, str)
                                   for a in args):
                continue
            msgid = args[0].value
            if not msgid:
                continue
            plural = args[1].value if len(args) > 1 else None
            where = f"{path.relative_to(src.parent)}:{node.lineno}"
            old = found.get(msgid)
            found[msgid] = (plural or (old[0] if old else None), [*(old[1] if old else []),
                                                                  where])
    return found


def quote(text: str) -> str:
    body = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("\t", "\\t"))
    return f'"{body}"'


def po_text(ids: dict[str, tuple[str | None, list[str]]],
            known: dict[str, list[str]], header: str) -> str:
    out = [header.rstrip() + "\n"]
    for msgid, (plural, where) in sorted(ids.items(), key=lambda kv: kv[1][1][0]):
        out.append("")
        out.append("#: " + " ".join(where[:3]))
        out.append(f"msgid {quote(msgid)}")
        forms = known.get(msgid, [])
        if plural is None:
            out.append(f"msgstr {quote(forms[0] if forms else '')}")
        else:
            out.append(f"msgid_plural {quote(plural)}")
            out.append(f"msgstr[0] {quote(forms[0] if forms else '')}")
    return "\n".join(out) + "\n"


def current() -> tuple[dict[str, list[str]], str]:
    text = PO_FILE.read_text(encoding="utf-8") if PO_FILE.exists() else ""
    known = {msgid: forms for msgid, _plural, forms in parse_po(text) if msgid}
    header = text.split("\n\n", 1)[0] if text else ""
    return known, header


def missing() -> list[str]:
    known, _header = current()
    return [m for m in extract() if m not in known]


def main(argv: list[str]) -> int:
    if "--check" in argv:
        gaps = missing()
        for msgid in gaps:
            print(msgid)
        return 1 if gaps else 0
    known, header = current()
    ids = extract()
    PO_FILE.parent.mkdir(parents=True, exist_ok=True)
    PO_FILE.write_text(po_text(ids, known, header), encoding="utf-8")
    print(f"{len(ids)} message ids, {sum(m not in known for m in ids)} untranslated: {PO_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
