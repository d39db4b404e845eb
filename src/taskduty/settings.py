"""Settings in one place: what an office sets once, and where each value came from.

A value is looked up, first match wins:

1. ``flag``      a command-line option given for this run (``--db``, ``--office`` …);
2. ``env``       the environment variable ``TASKDUTY_<NAME>`` (``TASKDUTY_DB``, …);
3. ``file``      the TOML settings file: ``--config FILE``, else ``$TASKDUTY_CONFIG``, else
                 ``config.toml`` in the user's app folder (Linux ``~/.config/taskduty/``);
4. ``database``  for the settings an office shares (``shared=True``: thresholds, the office's
                 name), the value stored in the database (``taskduty config set --shared``),
                 so every computer that uses the same database agrees;
5. ``default``   the value below.

The API other modules use::

    from taskduty import settings
    days = settings.get("blue_days", db)              # db: a Database, a Reader, or None
    office = settings.get("office_name", db, flag=office_option)   # a given flag wins
    value, source = settings.explain("stale_days")     # source: flag/env/file/database/default

``db`` may be a :class:`~taskduty.db.Database` or an open reader (``with db.read() as r``);
without it the database is not consulted. To add a setting, add a :class:`Setting` to
``SETTINGS`` (and its English help through ``_``); nothing else needs to change.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from taskduty.errors import TaskdutyError, UsageError
from taskduty.i18n import N_, _

CONFIG_ENV = "TASKDUTY_CONFIG"
FILE_NAME = "config.toml"
TABLE = "setting"  # the per-database table (migration 7)


@dataclass(frozen=True)
class Setting:
    """One setting: its name, type, default, help, and whether a database may hold it."""

    name: str
    kind: type
    default: Any
    help: str
    shared: bool = False  # may be stored in the database for the whole office

    @property
    def env(self) -> str:
        return "TASKDUTY_" + self.name.upper()

    def parse(self, text: Any, where: str) -> Any:
        """``text`` (from a file, the environment or the command line) as this setting's type."""
        if (isinstance(text, self.kind) and not isinstance(text, bool)) or (
                self.kind is bool and isinstance(text, bool)):
            return text
        if self.kind is float and isinstance(text, int | float) and not isinstance(text, bool):
            return text
        raw = str(text).strip()
        if self.kind is bool:
            low = raw.lower()
            if low in _TRUE:
                return True
            if low in _FALSE:
                return False
            raise UsageError(
                _("{where}: {name} must be true or false, not {value!r}").format(
                    where=where, name=self.name, value=raw),
                hint=_("write true/false (or 是/否)"))
        if self.kind is float:
            if re.fullmatch(r"\+?\d+(\.\d+)?", raw):
                number = float(raw)
                return int(number) if number.is_integer() else number
            raise UsageError(
                _("{where}: {name} must be a number, not {value!r}").format(
                    where=where, name=self.name, value=raw),
                hint=_("e.g. {name} = {default}").format(name=self.name, default=self.default))
        if self.kind is int:
            if re.fullmatch(r"[+-]?\d+", raw) and int(raw) >= 0:
                return int(raw)
            raise UsageError(
                _("{where}: {name} must be a whole number, not {value!r}").format(
                    where=where, name=self.name, value=raw),
                hint=_("e.g. {name} = {default}").format(name=self.name, default=self.default))
        return raw


_TRUE = {"1", "true", "yes", "on", "是", "真", "开"}
_FALSE = {"0", "false", "no", "off", "否", "假", "关", ""}

SETTINGS: dict[str, Setting] = {s.name: s for s in (
    Setting("db", str, "", N_("the database: a SQLite file path or a SQLAlchemy URL "
            "(default: taskduty.db in the app folder)")),
    Setting("office_name", str, "督查室", N_("the office's name, on notices and bulletins"),
            shared=True),
    Setting("blue_days", int, 15,
            N_("days before a deadline from which an unfinished task shows a blue light"),
            shared=True),
    Setting("yellow_points", float, 10,
            N_("percentage points behind schedule (序时进度) that show a yellow light"),
            shared=True),
    Setting("lead_first", bool, False,
            N_("when loading, the first-listed unit leads and the others cooperate"),
            shared=True),
    Setting("stale_days", int, 30, N_("a task is stale after this many days without an update"),
            shared=True),
)}

class _State:
    def __init__(self) -> None:
        self.config: str | None = None  # --config FILE
        self.flags: dict[str, Any] = {}
        self.file_cache: tuple[Path, float, dict[str, Any]] | None = None


_state = _State()


def use_config(path: str | os.PathLike[str] | None) -> None:
    """Use this settings file for the rest of the process (``--config FILE``)."""
    _state.config = str(path) if path else None
    _state.file_cache = None


def set_flag(name: str, value: Any) -> None:
    """A value given on the command line for this process (``--db``): it wins over the rest."""
    _setting(name)
    if value is None:
        _state.flags.pop(name, None)
    else:
        _state.flags[name] = value


def reset() -> None:
    """Forget flags and the chosen file (for tests and for a new command in one process)."""
    _state.config = None
    _state.flags = {}
    _state.file_cache = None


def app_dir() -> Path:
    """The user's app folder for taskduty (Linux ``~/.config/taskduty``): what Typer's
    ``get_app_dir("taskduty")`` gives (click's rule, tests/test_cli_lean.py compares them),
    without importing Typer, which a query parsed by cli/lean.py never does."""
    import sys

    if sys.platform.startswith("win"):
        folder = os.environ.get("APPDATA")
        return Path(os.path.expanduser("~") if folder is None else folder, "taskduty")
    if sys.platform == "darwin":
        return Path(os.path.expanduser("~/Library/Application Support"), "taskduty")
    return Path(os.environ.get("XDG_CONFIG_HOME", os.path.expanduser("~/.config")), "taskduty")


def config_path() -> tuple[Path, str]:
    """The settings file in use and why: (path, ``flag``/``env``/``default``)."""
    if _state.config:
        return Path(_state.config).expanduser(), "flag"
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV]).expanduser(), "env"
    return app_dir() / FILE_NAME, "default"


def read_file() -> dict[str, Any]:
    """The settings file's values (empty when there is no file); a broken file is an error."""
    path, why = config_path()
    try:
        mtime = path.stat().st_mtime
    except OSError:
        if why != "default" and not path.exists():
            raise TaskdutyError(_("settings file {path} does not exist").format(path=path),
                                hint=_("create it with: taskduty config set NAME VALUE")) from None
        return {}
    cached = _state.file_cache
    if cached and cached[0] == path and cached[1] == mtime:
        return cached[2]
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TaskdutyError(_("cannot read the settings file {path}: {reason}").format(
            path=path, reason=exc), hint=_("fix or remove the file")) from None
    values = {k: v for k, v in data.get("taskduty", data).items() if not isinstance(v, dict)}
    _state.file_cache = (path, mtime, values)
    return values


def _setting(name: str) -> Setting:
    key = name.strip().lower().replace("-", "_")
    if key not in SETTINGS:
        raise UsageError(_("unknown setting {name!r}").format(name=name),
                         hint=_("settings: {names}").format(names=", ".join(SETTINGS)))
    return SETTINGS[key]


def _from_database(setting: Setting, db: Any) -> Any:
    """The value stored in the database, or None (no database, no table, no row)."""
    if db is None or not setting.shared:
        return None
    from taskduty.errors import NotLoadedError

    def ask(reader: Any) -> Any:
        try:
            rows = reader.all(f"SELECT value FROM {TABLE} WHERE key = :k", {"k": setting.name})
        except Exception:  # an older schema without the table: nothing stored
            return None
        return rows[0]["value"] if rows else None

    if hasattr(db, "all"):
        return ask(db)
    if getattr(db, "path", None) is not None and not db.path.exists():
        return None
    try:
        with db.read() as reader:
            return ask(reader)
    except NotLoadedError:
        return None


def explain(name: str, db: Any = None, flag: Any = None) -> tuple[Any, str]:
    """The value of setting ``name`` and its source: ``flag``, ``env``, ``file``,
    ``database`` or ``default``."""
    setting = _setting(name)
    if flag is not None:
        return setting.parse(flag, "--" + setting.name.replace("_", "-")), "flag"
    if setting.name in _state.flags:
        return setting.parse(_state.flags[setting.name], "flag"), "flag"
    env = os.environ.get(setting.env)
    if env not in (None, ""):
        return setting.parse(env, setting.env), "env"
    values = read_file()
    if setting.name in values:
        return setting.parse(values[setting.name], str(config_path()[0])), "file"
    stored = _from_database(setting, db)
    if stored is not None:
        return setting.parse(stored, "database"), "database"
    return setting.default, "default"


def get(name: str, db: Any = None, flag: Any = None) -> Any:
    """The value of setting ``name`` (see the module docstring for the order)."""
    return explain(name, db, flag)[0]


def listing(db: Any = None) -> list[dict[str, Any]]:
    """Every setting with its value, source and description (for ``taskduty config list``)."""
    rows = []
    for setting in SETTINGS.values():
        value, source = explain(setting.name, db)
        rows.append({"name": setting.name, "value": value, "source": source,
                     "shared": setting.shared, "help": _(setting.help)})
    return rows


def to_text(value: Any) -> str:
    """A value as typed on the command line / stored in the database."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def set_in_file(name: str, value: str | None) -> Path:
    """Write (or with ``value=None`` remove) ``name`` in the settings file; returns its path."""
    setting = _setting(name)
    parsed = None if value is None else setting.parse(value, setting.name)
    path, _why = config_path()
    values = dict(read_file()) if path.exists() else {}
    if parsed is None:
        values.pop(setting.name, None)
    else:
        values[setting.name] = parsed
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# taskduty settings (taskduty config list shows every value and its source)"]
    lines += [f"{k} = {_toml(v)}" for k, v in values.items()]
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)
    _state.file_cache = None
    return path


def _toml(value: Any) -> str:
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a TOML basic string


def set_in_database(db: Any, name: str, value: str | None) -> None:
    """Store (or with ``value=None`` remove) a shared setting in the database, one transaction."""
    setting = _setting(name)
    if not setting.shared:
        raise UsageError(_("{name} cannot be stored in the database").format(name=setting.name),
                         hint=_("store it in the settings file: taskduty config set {name} "
                                "VALUE").format(name=setting.name))
    from sqlalchemy import text

    parsed = None if value is None else to_text(setting.parse(value, setting.name))
    with db.write() as session:
        session.execute(text(f"DELETE FROM {TABLE} WHERE key = :k"), {"k": setting.name})
        if parsed is not None:
            session.execute(text(f"INSERT INTO {TABLE} (key, value) VALUES (:k, :v)"),
                            {"k": setting.name, "v": parsed})
