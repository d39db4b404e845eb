"""``update``, ``undo``, ``tasks``, ``summary`` and ``load`` parsed without Typer, so they
start fast.

Importing Typer and building a command from its signature is about half of a one-task
``update``'s start-up, and most of a query's on a table of a thousand tasks. :func:`run`
reads the plain forms these commands are typed in (``--opt VALUE``, ``--opt=VALUE``,
``-o VALUE``, a repeatable filter given again, ``--db``/``--config``/``-q``/``--all`` before or
after the command name, ``load``'s FILE and ``--lead-first``/``--no-lead-first``) and runs
the same code as the Typer commands (cli/record.py, cli/views.py, cli/loading.py) under the
same error boundary (cli/boundary.py). Anything else — help,
``--version``, an option given twice that is not a filter, a value that starts with ``-`` or
is not a plain choice or number, ``--``, ``-sVALUE``, an option of the environment
(TASKDUTY_CONFIG, TASKDUTY_MAX_CELLS, TASKDUTY_RAW_CSV), ``--raw-csv``, ``--max-cells`` —
returns None and Typer handles the command line, so its messages and usage errors are
unchanged. ``tests/test_cli_lean.py`` runs both parsers on the same command lines.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

ROOT_VALUES = {"--db": "db", "--config": "config"}
ROOT_FLAGS = {"--quiet": "quiet", "-q": "quiet", "--all": "show_all"}
OUTPUT = {"--format": "fmt", "-f": "fmt", "--output": "output", "-o": "output",
          "--fields": "fields"}
THRESHOLDS = {"--blue-days": "blue_days", "--yellow-points": "yellow_points"}
VIEW = {"--year": "year", "-y": "year", "--as-of": "as_of", "--month": "month", "-m": "month",
        **THRESHOLDS, **OUTPUT}
# Each command's options -> the parameter of the Typer command (and of the function in
# cli/record.py or cli/views.py) they give. After the command name, a command's own option
# comes first (``tasks -q`` is --search; ``summary -q``, as before the name, is --quiet).
COMMANDS: dict[str, dict[str, str]] = {
    "update": {"--status": "status", "-s": "status", "--progress": "progress",
               "-p": "progress", "--note": "note", "-n": "note", "--date": "on", "-d": "on",
               "--by": "by", "--actual": "actual", "-a": "actual", "--target": "target",
               "-t": "target", "--year": "year", "-y": "year", **OUTPUT},
    "undo": OUTPUT,
    "tasks": {"--leader": "leader", "-l": "leader", "--unit": "unit", "-u": "unit",
              "--co-unit": "co_unit", "-c": "co_unit", "--goal": "goal", "-g": "goal",
              "--search": "search", "-q": "search", "--status": "status", "-s": "status",
              "--stale": "stale", "--overdue": "overdue", "--target": "target", "-t": "target",
              "--warning": "warning", "-w": "warning", **VIEW},
    "summary": {"--by": "by", "-b": "by", **VIEW},
    "load": {"--year": "year", "-y": "year", "--dry-run": "dry_run", "-n": "dry_run",
             "--replace": "replace", "--input-format": "input_format", "-i": "input_format",
             "--sheet": "sheet", "--quiet": "quiet", "-q": "quiet", "--format": "fmt",
             "-f": "fmt", "--lead-first": "lead_first", "--no-lead-first": "lead_first"},
}
# How a parameter's value is read (else: a string, given once). "list": repeatable, each
# value kept; "flag": no value; "count": a whole number from 1; "number": a whole number;
# "decimal": a number from 0 with an optional decimal part; "format": a listing format;
# "report": a report format; "input": an input format; "switch": a flag pair (--x/--no-x).
LISTS = ("leader", "unit", "co_unit", "goal", "search", "status", "target", "warning")
KINDS: dict[str, dict[str, str]] = {
    "update": {"target": "count", "year": "number", "fmt": "format", "output": "path"},
    "undo": {"fmt": "format", "output": "path"},
    "tasks": {**dict.fromkeys(LISTS, "list"), "overdue": "flag", "stale": "number",
              "blue_days": "number", "yellow_points": "decimal", "year": "number",
              "fmt": "format", "output": "path"},
    "summary": {"blue_days": "number", "yellow_points": "decimal", "year": "number",
                "fmt": "format", "output": "path"},
    "load": {"year": "number", "dry_run": "flag", "replace": "flag", "quiet": "flag",
             "input_format": "input", "fmt": "report", "lead_first": "switch"},
}
# The module of taskduty.cli whose function of the command's name runs it.
RUNNERS = {"update": "record", "undo": "record", "tasks": "views", "summary": "views",
           "load": "loading"}
# Options the environment may give (Typer reads them): their command lines go to Typer.
ENVIRONMENT = ("TASKDUTY_CONFIG", "TASKDUTY_MAX_CELLS", "TASKDUTY_RAW_CSV")
LISTING_FORMATS = ("table", "json", "jsonl", "csv", "tsv")  # = render.LISTING_FORMATS
REPORT_FORMATS = ("table", "json")  # = cli.app.REPORT_FORMATS


def parse(argv: list[str]) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
    """(command, root options, the command's arguments) of a plain command line, or None."""
    if any(name in os.environ for name in ENVIRONMENT):
        return None
    command: str | None = None
    root: dict[str, Any] = {}
    values: dict[str, Any] = {}
    codes: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        i += 1
        if not arg.startswith("-"):
            if command is None and arg in COMMANDS:
                command = arg
            elif command == "update":
                codes.append(arg)
            elif command == "load" and "file" not in values and arg not in ("", "."):
                values["file"] = Path(arg)  # what Typer makes of it (cli/app.py)
            else:
                return None
            continue
        name, eq, value = arg.partition("=")
        if eq and not name.startswith("--"):
            return None
        own = COMMANDS[command] if command is not None else {}
        kinds = KINDS[command] if command is not None else {}
        if name in own:
            into, key = values, own[name]
        elif name in ROOT_FLAGS:
            into, key = root, ROOT_FLAGS[name]
        elif name in ROOT_VALUES:
            into, key = root, ROOT_VALUES[name]
        else:
            return None
        kind = ("flag" if name in ROOT_FLAGS else None) if into is root else kinds.get(key)
        if key in into and kind != "list":
            return None
        if kind in ("flag", "switch") and eq:
            return None
        if kind == "flag":
            into[key] = True
            continue
        if kind == "switch":
            into[key] = not name.startswith("--no-")
            continue
        if not eq:
            if i >= len(argv) or argv[i].startswith("-"):
                return None
            value = argv[i]
            i += 1
        value = read(kind, value)
        if value is None:
            return None
        if kind == "list":
            into.setdefault(key, []).append(value)
        else:
            into[key] = value
    if command is None or (command == "update" and not codes) or (
            command == "load" and "file" not in values):
        return None
    if command == "update":
        values["codes"] = codes
    return command, root, values


def read(kind: str | None, value: str) -> Any:
    """A value as the command gets it (a parameter of kind ``kind``, see :data:`KINDS`), or
    None when it is not plain and Typer is to read it."""
    if kind == "format":
        from taskduty.cli.boundary import choose

        return choose(value, LISTING_FORMATS)
    if kind in ("report", "input"):
        from taskduty.cli.boundary import choose

        if kind == "report":
            return choose(value, REPORT_FORMATS)
        from taskduty.sources import INPUT_FORMATS

        return choose(value, INPUT_FORMATS)
    if kind in ("number", "count"):
        if not value.isascii() or not value.isdigit() or (kind == "count" and int(value) < 1):
            return None
        return int(value)
    if kind == "decimal":
        whole, dot, part = value.partition(".")
        if not value.isascii() or not whole.isdigit() or (dot and not part.isdigit()):
            return None
        return float(value)
    if kind == "path":
        return Path(value) if value else None
    return value


def run(argv: list[str]) -> int | None:
    """Run ``taskduty ARGV`` when :func:`parse` reads it; the exit code, or None."""
    parsed = parse(argv)
    if parsed is None:
        return None
    command, root, values = parsed
    import importlib

    from taskduty.cli import boundary

    try:
        boundary.setup(db=root.get("db"), config=root.get("config"),
                       quiet=root.get("quiet", False), show_all=root.get("show_all", False))
        runner = importlib.import_module(f"taskduty.cli.{RUNNERS[command]}")
        getattr(runner, command)(**values)
    except (Exception, KeyboardInterrupt) as exc:
        return boundary.failure(exc)
    return 0


# The options whose values shell completion reads from the database (kinds as in cli/names.py),
# per command; tests/test_completion.py checks this against the Typer commands.
_YEAR = {"--year": "years", "-y": "years"}
COMPLETIONS: dict[str, dict[str, str]] = {
    **dict.fromkeys(("bulletin", "check", "collect", "extend", "goals", "leaders", "remind",
                     "show", "summary", "units", "update"), _YEAR),
    "export": {"--leader": "leaders", "-l": "leaders", "--unit": "units", "-u": "units",
               **_YEAR},
    "forms": {"--unit": "units", "-u": "units", **_YEAR},
    "tasks": {"--leader": "leaders", "-l": "leaders", "--unit": "units", "-u": "units",
              "--goal": "goals", "-g": "goals", **_YEAR},
}


def complete(environ: Any) -> str | None:
    """bash's completion of a name option's value (``taskduty tasks --leader 陆`` + TAB), as
    Typer answers it but without importing Typer (about half of such a request's time); None
    for anything else (another shell, a command's or option's name, a positional value, --db
    or --config given, quoting, an option right before that may take the next word as its
    value), which Typer answers."""
    if environ.get("_TASKDUTY_COMPLETE") != "complete_bash":
        return None
    line = environ.get("COMP_WORDS", "")
    if set(line) & set("'\"\\$`"):
        return None
    words = line.split()
    try:
        current = int(environ.get("COMP_CWORD", ""))
    except ValueError:
        return None
    args, incomplete = words[1:current], words[current] if current < len(words) else ""
    if not args or args[0] not in COMPLETIONS or current < 1:
        return None
    if any(a in ("--", "--db", "--config") or a.startswith(("--db=", "--config="))
           for a in args):
        return None
    options = COMPLETIONS[args[0]]
    if incomplete.startswith("--") and "=" in incomplete:
        option, _sep, incomplete = incomplete.partition("=")
        before = args[1:]
    else:
        if len(args) < 2:
            return None
        option, before = args[-1], args[1:-1]
    if option not in options or incomplete.startswith("-") or (
            before and before[-1].startswith("-")):
        return None
    from taskduty.cli import names

    return "\n".join(getattr(names, options[option])(incomplete)) + "\n"  # as click echoes
