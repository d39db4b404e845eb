"""jsonout.dumps_indented writes the very text json.dumps(indent=2, ensure_ascii=False,
default=str) writes (render.to_json relies on it for every -f json listing)."""

from __future__ import annotations

import json
import random
from collections import OrderedDict, defaultdict
from datetime import date
from decimal import Decimal
from enum import IntEnum

import pytest

from taskduty import render
from taskduty.jsonout import dumps_indented, dumps_item

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


class Level(IntEnum):
    LOW = 1


class Name(str):
    pass


SHAPES = [
    {"a%s": 1, "%": "%s", "b": "%d%%"},  # the templates' own marks in keys and values
    ["a", "b", 1], [1, "a", "b"], ["a", ["b", "c"], "d"], [["x", "y"], []],
    [Name("子类"), "x"], {"k": Name("v"), "l": [Name("w")]}, {"e": Level.LOW, "l": [Level.LOW]},
    OrderedDict(b=1, a=[OrderedDict(c=None)]), defaultdict(list, {"x": [1]}),
    {"t": ("a", "b"), "n": [("c", {"d": (1, [2])})]}, {"k": {1: "x", "y": {2.5: True}}},
    [{"a": 1, "b": 2}, {"b": 2, "a": 1}, {"a": 1}, {"a": [{"a": 1, "b": 2}]}],
    {"\u2028\n\"\\": "\u2028\n\"\\", "ctl": "\x00\x1f\x7f"}, [True, False, None, 0, -0.0, 1e300],
]


@pytest.mark.parametrize("data", SHAPES, ids=range(len(SHAPES)))
def test_shapes_and_subclasses_as_json_dumps(data):
    want = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    assert dumps_indented(data) == want
    assert dumps_item(data, "\n  ") == want.replace("\n", "\n  ")


def test_random_documents_as_json_dumps():
    """Nested lists, dicts (str, int, float, bool, None keys), tuples and scalars of every
    kind, many of them sharing shapes (the templates) and more shapes than are kept."""
    rng = random.Random(19)
    words = ["", "a", "中文", "%s", "%", '"', "\\", "\n", "\t", "x y", "\u2028", "\x01"]

    def scalar():
        return rng.choice([None, True, False, rng.randint(-5, 5), rng.random() * 100,
                           float(rng.randint(0, 3)), rng.choice(words), date(2025, 1, 2),
                           Decimal("2.50"), Level.LOW, Name(rng.choice(words))])

    def value(depth):
        pick = rng.random()
        if depth > 3 or pick < 0.45:
            return scalar()
        size = rng.randint(0, 4)
        if pick < 0.6:
            return [rng.choice(words) for _ in range(size)]
        if pick < 0.75:
            return [value(depth + 1) for _ in range(size)]
        if pick < 0.8:
            return tuple(value(depth + 1) for _ in range(size))
        keys = [rng.choice(words[:6]) + str(rng.randint(0, 2)) for _ in range(size)]
        if rng.random() < 0.1:
            keys.append(rng.choice([1, 2.5, True, None]))
        return {k: value(depth + 1) for k in keys}

    for _ in range(3000):
        data = value(0)
        want = json.dumps(data, ensure_ascii=False, indent=2, default=str)
        assert dumps_indented(data) == want
        assert dumps_item(data, "\n    ") == want.replace("\n", "\n    ")
    many = [{f"k{i}": i, "v": [str(i)]} for i in range(3000)]  # more shapes than are kept
    assert dumps_indented(many) == json.dumps(many, ensure_ascii=False, indent=2)
