"""Fill translations into the Chinese catalog: ``python tools/translate.py FILE.py``.

FILE.py defines ``ZH`` (and ``PLURAL``), dicts of msgid -> Chinese; entries already in the
catalog are overwritten. Run ``python tools/po.py`` first so every id is in the catalog.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import po


def main(path: str) -> int:
    given = runpy.run_path(path)
    known, header = po.current()
    for table in ("ZH", "PLURAL"):
        for msgid, text in given.get(table, {}).items():
            known[msgid] = [text]
    ids = po.extract()
    po.PO_FILE.write_text(po.po_text(ids, known, header), encoding="utf-8")
    gaps = [m for m in ids if m not in known]
    print(f"{len(ids)} ids, {len(gaps)} without a translation")
    for m in gaps:
        print("  " + repr(m))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
