"""Indented JSON text, byte for byte what ``json.dumps(data, ensure_ascii=False, indent=2,
default=str)`` gives, several times faster.

The standard library's C encoder does not indent (before Python 3.14), so ``indent=2`` runs
its pure-Python encoder: a generator per nested list and dict, one ``yield`` per token. A whole
year's listing (10,000 tasks, ~2 million values) spent most of ``tasks -f json`` there. This
writer builds each list and dict as one string: a dict of str keys from a template of its keys
at its indent (made once per shape: the rows of a listing share a few), its scalars by their
exact type, a list of strings in one ``join``; the string escaping is the C
``encode_basestring``'s. Anything else (other key types, subclasses, tuples, values shown by
``str``) takes the general path, :func:`_write`. No cycle check: the data are plain rows.
"""

from __future__ import annotations

from collections.abc import Callable
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


def _null(_value: None) -> str:
    return "null"


def _bool(value: bool) -> str:
    return "true" if value else "false"


# a scalar's text by its exact type (a subclass takes the general path, as json.dumps sees it)
_EXACT: dict[type, Callable[[Any], str]] = {
    str: encode_basestring, int: int.__repr__, float: _float, bool: _bool, type(None): _null}
_TEMPLATES: dict[tuple[tuple[str, ...], str], str] = {}  # (keys, newline) -> "%s" template


def _template(keys: tuple[str, ...], newline: str) -> str:
    """The text of a dict of ``keys`` below ``newline``, a ``%s`` for each value."""
    inner = newline + "  "
    return ("{" + inner + ("," + inner).join(
        encode_basestring(k).replace("%", "%%") + ": %s" for k in keys) + newline + "}")


def _text(value: Any, newline: str) -> str:
    """The text of ``value`` (a list or dict) indented below ``newline``."""
    kind = type(value)
    inner = newline + "  "
    exact = _EXACT
    if kind is dict:
        if not value:
            return "{}"
        keys = tuple(value)
        template = _TEMPLATES.get((keys, newline))
        if template is None:
            if not all(type(k) is str for k in keys):
                return _general(value, newline)
            template = _template(keys, newline)
            if len(_TEMPLATES) < 1024:
                _TEMPLATES[(keys, newline)] = template
        items = []
        for item in value.values():
            encode = exact.get(type(item))
            items.append(encode(item) if encode is not None else _text(item, inner))
        return template % tuple(items)
    if kind is list:
        if not value:
            return "[]"
        try:  # a list of strings, the usual list of a row (names)
            return "[" + inner + ("," + inner).join(map(encode_basestring, value)) + (
                newline + "]")
        except TypeError:
            pass
        items = []
        for item in value:
            encode = exact.get(type(item))
            items.append(encode(item) if encode is not None else _text(item, inner))
        return "[" + inner + ("," + inner).join(items) + newline + "]"
    return _general(value, newline)


def _general(value: Any, newline: str) -> str:
    """Any value's text below ``newline``, by the general path."""
    text = _scalar(value)
    if text is not None:
        return text
    out: list[str] = []
    _write(value, newline, out)
    return "".join(out)


def dumps_indented(data: Any) -> str:
    """``json.dumps(data, ensure_ascii=False, indent=2, default=str)``, the same text."""
    encode = _EXACT.get(type(data))
    return encode(data) if encode is not None else _text(data, "\n")


def dumps_item(data: Any, newline: str) -> str:
    """:func:`dumps_indented` of ``data`` as an item of a list indented at ``newline``
    ("\\n" + the list's indent and two spaces): how a list writes its items one by one."""
    encode = _EXACT.get(type(data))
    return encode(data) if encode is not None else _text(data, newline)
