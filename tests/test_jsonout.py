"""jsonout.dumps_indented writes the very text json.dumps(indent=2, ensure_ascii=False,
default=str) writes (render.to_json relies on it for every -f json listing)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from taskduty import render
from taskduty.jsonout import dumps_indented

CASES = [
    [], {}, 0, -3, 2.5, "x", None, True, False, date(2025, 1, 2),
    [1, 2.5, True, False, None, "中文\"引号\"\n\t\\", {"a": [], "b": {}}],
    {7: "int key", 2.5: "float key", True: "t", False: "f", None: "n", "键": "值"},
    {"floats": [float("nan"), float("inf"), -float("inf"), 1e16, -0.0, 0.1 + 0.2]},
    {"tuple": (1, [2, (3,)]), "date": date(2025, 12, 31), "decimal": Decimal("1.50")},
    [[[]], [{}], {"x": [{"y": [1, {"z": None}]}]}],
    [{"code": "1.1", "targets": [{"no": 1, "value": 8, "upper": None}], "reports": []}],
]


@pytest.mark.parametrize("data", CASES, ids=range(len(CASES)))
def test_same_text_as_json_dumps(data):
    want = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    assert dumps_indented(data) == want
    assert render.to_json(data) == want


def test_unsupported_key_fails_like_json():
    with pytest.raises(TypeError):
        json.dumps({(1, 2): 1}, indent=2)
    with pytest.raises(TypeError):
        dumps_indented({(1, 2): 1})
