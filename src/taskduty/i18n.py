"""Translations of user-facing text, by standard gettext.

Every message, hint, report line, help text and table header a person reads goes through
``_()`` with its English text as the message id; ``N_()`` marks a message id to be
translated later (a table of headers). Format after translating::

    _("no table loaded for {year}").format(year=y)
    ngettext("{n} task", "{n} tasks", n).format(n=n)

The catalog is ``locale/zh_CN/LC_MESSAGES/taskduty.po`` in this package; the repository holds
only the ``.po`` and nothing is built at install. On first use it is compiled into a standard
``.mo`` (the same bytes ``msgfmt`` would write), saved in the user's cache folder
(:func:`cache_dir`) under a name keyed by the ``.po``'s path, size and modification time, and
read from there by later runs (parsing the ``.po`` costs as much as the rest of the start-up).
An edited ``.po`` gets a new name, so a stale ``.mo`` is never read; when the cache cannot be
written the catalog is compiled in memory.

The interface is Chinese by default; English when ``TASKDUTY_LANG`` is ``en`` (or any
``en_*``), or, without ``TASKDUTY_LANG``, when the locale (``LC_ALL``, ``LC_MESSAGES``,
``LANG``) is English. ``TASKDUTY_LANG=zh`` forces Chinese.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import gettext

LANG_ENV = "TASKDUTY_LANG"
DOMAIN = "taskduty"
PO_FILE = Path(__file__).parent / "locale" / "zh_CN" / "LC_MESSAGES" / f"{DOMAIN}.po"


def language() -> str:
    """``zh`` or ``en``, from ``TASKDUTY_LANG`` or the locale (Chinese by default)."""
    wanted = os.environ.get(LANG_ENV, "").strip().lower()
    if not wanted:
        for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
            value = os.environ.get(var, "").strip().lower()
            if value:
                wanted = value if value.startswith(("en", "zh")) else ""
                break
    return "en" if wanted.startswith("en") else "zh"


def parse_po(text: str) -> list[tuple[str, str | None, list[str]]]:
    """The translated entries of a ``.po`` file: (msgid, msgid_plural or None, msgstrs).
    Fuzzy and untranslated entries are left out; the header (msgid "") is kept."""
    entries: list[tuple[str, str | None, list[str]]] = []
    fields: dict[str, str] = {}
    key: str | None = None
    fuzzy = False

    def flush() -> None:
        nonlocal fuzzy
        msgid = fields.get("msgid")
        if msgid is not None and not fuzzy:
            if "msgid_plural" in fields:
                forms = [fields[k] for k in sorted(k for k in fields if k.startswith("msgstr["))]
                if forms and all(forms):
                    entries.append((msgid, fields["msgid_plural"], forms))
            elif fields.get("msgstr") or msgid == "":
                entries.append((msgid, None, [fields.get("msgstr", "")]))
        fields.clear()
        fuzzy = False

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if "msgid" in fields:
                flush()
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            continue
        if line.startswith('"'):
            if key is not None:
                fields[key] += _unquote(line)
            continue
        word, _sep, rest = line.partition(" ")
        if word == "msgid" and "msgid" in fields:
            flush()
        key = word
        fields[key] = _unquote(rest.strip())
    flush()
    return entries


def _unquote(text: str) -> str:
    body = text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text
    out = []
    i = 0
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            out.append(escapes.get(body[i + 1], body[i + 1]))
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def compile_mo(entries: list[tuple[str, str | None, list[str]]]) -> bytes:
    """A GNU ``.mo`` file's bytes for ``entries`` (as :func:`parse_po` gives them)."""
    import struct

    pairs: dict[bytes, bytes] = {}
    for msgid, plural, forms in entries:
        key = msgid if plural is None else f"{msgid}\0{plural}"
        pairs[key.encode()] = "\0".join(forms).encode()
    keys = sorted(pairs)
    ids = b"".join(k + b"\0" for k in keys)
    n = len(keys)
    start = 7 * 4 + 16 * n
    id_table, str_table, id_pos, str_pos = [], [], 0, 0
    for k in keys:
        id_table.append(struct.pack("ii", len(k), start + id_pos))
        str_table.append(struct.pack("ii", len(pairs[k]), start + len(ids) + str_pos))
        id_pos += len(k) + 1
        str_pos += len(pairs[k]) + 1
    strs = b"".join(pairs[k] + b"\0" for k in keys)
    header = struct.pack("Iiiiiii", 0x950412DE, 0, n, 7 * 4, 7 * 4 + 8 * n, 0, 0)
    return header + b"".join(id_table) + b"".join(str_table) + ids + strs


def cache_dir() -> Path:
    """The user's cache folder for taskduty (Linux ``$XDG_CACHE_HOME/taskduty``, by default
    ``~/.cache/taskduty``; macOS ``~/Library/Caches/taskduty``; Windows
    ``%LOCALAPPDATA%\\taskduty\\Cache``)."""
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "taskduty" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "taskduty"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "taskduty"


def compiled_path(po: Path = PO_FILE) -> Path:
    """Where the ``.mo`` compiled from ``po`` is cached: its name changes with the ``.po``'s
    path, size and modification time."""
    import zlib

    st = po.stat()
    where = zlib.crc32(str(po.resolve()).encode("utf-8", "surrogateescape"))
    return cache_dir() / f"{DOMAIN}-zh_CN-{where:08x}-{st.st_size}-{st.st_mtime_ns}.mo"


def compiled(po: Path = PO_FILE) -> bytes:
    """The ``.mo`` bytes for ``po``: from the cache when there, else compiled (and cached
    when the cache folder can be written)."""
    path: Path | None = None
    try:
        path = compiled_path(po)
        return path.read_bytes()
    except OSError:
        pass
    data = compile_mo(parse_po(po.read_text(encoding="utf-8")))
    if path is None:
        return data
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)  # atomic: a parallel run reads the old name or the whole file
        for old in path.parent.glob(f"{path.name.rsplit('-', 2)[0]}-*.mo"):
            if old != path:  # the same .po's earlier versions
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only or missing home: compiled in memory at every start
    return data


_catalogs: dict[str, gettext.NullTranslations] = {}


def catalog(lang: str) -> gettext.NullTranslations:
    """The catalog for ``zh`` (from the ``.po``, compiled once into the user's cache) or
    ``en`` (the message ids themselves)."""
    if lang not in _catalogs:
        import gettext

        if lang == "zh" and PO_FILE.exists():
            import io
            import struct

            try:
                _catalogs[lang] = gettext.GNUTranslations(io.BytesIO(compiled()))
            except (OSError, struct.error, UnicodeDecodeError):  # a damaged cached .mo
                data = compile_mo(parse_po(PO_FILE.read_text(encoding="utf-8")))
                _catalogs[lang] = gettext.GNUTranslations(io.BytesIO(data))
        else:
            _catalogs[lang] = gettext.NullTranslations()
    return _catalogs[lang]


# The language is read at import and by use(); its catalog is loaded by the first message
# translated (a query that writes only data, a JSON listing, never loads it).
_lang = language()
_current: gettext.NullTranslations | None = None


def _translations() -> gettext.NullTranslations:
    global _current
    if _current is None:
        _current = catalog(_lang)
    return _current


def use(lang: str | None = None) -> None:
    """Switch the interface language for this process (``None``: from the environment).
    Help texts already built keep their language; messages follow at once."""
    global _current, _lang
    _lang, _current = lang or language(), None


def current() -> str:
    """The language in use: ``zh`` or ``en``."""
    import gettext

    return "zh" if isinstance(_translations(), gettext.GNUTranslations) else "en"


def _(message: str) -> str:
    """``message`` in the interface language."""
    if not message:
        return message
    return (_current if _current is not None else _translations()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form of a message for ``n``, in the interface language."""
    return (_current if _current is not None else _translations()).ngettext(singular, plural,
                                                                             n)


def N_(message: str) -> str:
    """Mark ``message`` for translation without translating it now (gettext_noop)."""
    return message


def chinese(message: str) -> str:
    """``message`` in Chinese whatever the interface language (CSV headers, documents)."""
    return catalog("zh").gettext(message)
