"""Indented JSON text, byte for byte what ``json.dumps(data, ensure_ascii=False, indent=2,
default=str)`` gives, several times faster.

The standard library's C encoder does not indent (before Python 3.14), so ``indent=2`` runs
its pure-Python encoder: a generator per nested list and dict, one ``yield`` per token. A whole
year's listing (10,000 tasks, ~2 million values) spent most of ``tasks -f json`` there. This
writer appends to one list, handles scalars inline in the container loops and leaves the
string escaping to the C ``encode_basestring``. No cycle check: the data are plain rows.
"""

from __future__ import annotations

from json.encoder import encode_basestring
from typing import Any

_INF = float("inf")
_KEYS: dict[str, str] = {}  # str key -> its JSON text: rows repeat the same few field names


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == _INF:
        return "Infinity"
    if value == -_INF:
        return "-Infinity"
    return float.__repr__(value)


def _key(key: Any) -> str:
    """A dict key as ``json`` writes it (str, float, bool, None, int; anything else fails)."""
    if isinstance(key, str):
        text = encode_basestring(key)
        if type(key) is str and len(_KEYS) < 4096:
            _KEYS[key] = text
        return text
    if key is None or isinstance(key, (int, float)):  # bool is an int: "true", "false"
        return f'"{_scalar(key)}"'
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def _scalar(value: Any) -> str | None:
    """The JSON text of a scalar, or None for a list, tuple or dict (``default=str`` for
    anything else, as ``json.dumps(default=str)``)."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, (list, tuple, dict)):
        return None
    return encode_basestring(str(value))


def _write(value: Any, newline: str, out: list[str]) -> None:
    """Append ``value`` (a list, tuple or dict) indented below ``newline`` ("\\n" + indent)."""
    inner = newline + "  "
    add = out.append
    if isinstance(value, dict):
        if not value:
            add("{}")
            return
        sep = "{" + inner
        keys = _KEYS
        for key, item in value.items():
            name = keys.get(key) or _key(key)  # only str keys are cached: no 1/True clash
            if type(item) is str:
                add(sep + name + ": " + encode_basestring(item))
            elif item is None:
                add(sep + name + ": null")
            else:
                text = _scalar(item)
                if text is None:
                    add(sep + name + ": ")
                    _write(item, inner, out)
                else:
                    add(sep + name + ": " + text)
            sep = "," + inner
        add(newline + "}")
        return
    if not value:
        add("[]")
        return
    sep = "[" + inner
    for item in value:
        text = _scalar(item)
        if text is None:
            add(sep)
            _write(item, inner, out)
        else:
            add(sep + text)
        sep = "," + inner
    add(newline + "]")


def dumps_indented(data: Any) -> str:
    """``json.dumps(data, ensure_ascii=False, indent=2, default=str)``, the same text."""
    text = _scalar(data)
    if text is not None:
        return text
    out: list[str] = []
    _write(data, "\n", out)
    return "".join(out)


def dumps_item(data: Any, newline: str) -> str:
    """:func:`dumps_indented` of ``data`` as an item of a list indented at ``newline``
    ("\\n" + the list's indent and two spaces): how a list writes its items one by one."""
    text = _scalar(data)
    if text is not None:
        return text
    out: list[str] = []
    _write(data, newline, out)
    return "".join(out)
