"""``update`` and ``undo`` parsed without Typer, so recording one task starts fast.

Importing Typer and building a command from its signature is about half of a one-task
``update``'s start-up. :func:`run` reads the plain forms these two commands are typed in
(``--opt VALUE``, ``--opt=VALUE``, ``-o VALUE``, ``--db``/``--config``/``-q`` before or after
the command name) and runs the same code as the Typer commands (cli/record.py) under the same
error boundary (cli/boundary.py). Anything else — help, ``--version``, a repeated option, a
value that starts with ``-`` or is not a plain choice or number, ``--``, an option of the
environment (TASKDUTY_CONFIG, TASKDUTY_MAX_CELLS, TASKDUTY_RAW_CSV) — returns None and
Typer handles the command line, so its messages and usage errors are unchanged.
``tests/test_cli_lean.py`` runs both parsers on the same command lines.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

ROOT_VALUES = {"--db": "db", "--config": "config"}
ROOT_FLAGS = {"--quiet": "quiet", "-q": "quiet"}
OUTPUT = {"--format": "fmt", "-f": "fmt", "--output": "output", "-o": "output",
          "--fields": "fields"}
COMMANDS: dict[str, dict[str, str]] = {
    "update": {"--status": "status", "-s": "status", "--progress": "progress",
               "-p": "progress", "--note": "note", "-n": "note", "--date": "on", "-d": "on",
               "--by": "by", "--actual": "actual", "-a": "actual", "--target": "target",
               "-t": "target", "--year": "year", "-y": "year", **OUTPUT},
    "undo": OUTPUT,
}
# Options the environment may give (Typer reads them): their command lines go to Typer.
ENVIRONMENT = ("TASKDUTY_CONFIG", "TASKDUTY_MAX_CELLS", "TASKDUTY_RAW_CSV")
LISTING_FORMATS = ("table", "json", "jsonl", "csv", "tsv")  # = render.LISTING_FORMATS


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
            else:
                return None
            continue
        name, eq, value = arg.partition("=")
        if name in ROOT_FLAGS and not eq:
            if "quiet" in root:
                return None
            root["quiet"] = True
            continue
        into, table = (root, ROOT_VALUES) if name in ROOT_VALUES else (
            values, COMMANDS.get(command or "", {}))
        key = table.get(name)
        if key is None or key in into or (eq and not name.startswith("--")):
            return None
        if not eq:
            if i >= len(argv) or argv[i].startswith("-"):
                return None
            value = argv[i]
            i += 1
        into[key] = value
    if command is None or (command == "update" and not codes):
        return None
    if "fmt" in values:
        from taskduty.cli.boundary import choose

        values["fmt"] = choose(values["fmt"], LISTING_FORMATS)
        if values["fmt"] is None:
            return None
    for key, least in (("target", 1), ("year", None)):
        if key in values:
            if not values[key].isascii() or not values[key].isdigit():
                return None
            values[key] = int(values[key])
            if least is not None and values[key] < least:
                return None
    if "output" in values:
        if not values["output"]:
            return None
        values["output"] = Path(values["output"])
    if command == "update":
        values["codes"] = codes
    return command, root, values


def run(argv: list[str]) -> int | None:
    """Run ``taskduty ARGV`` when :func:`parse` reads it; the exit code, or None."""
    parsed = parse(argv)
    if parsed is None:
        return None
    command, root, values = parsed
    from taskduty.cli import boundary, record

    try:
        boundary.setup(db=root.get("db"), config=root.get("config"),
                       quiet=root.get("quiet", False))
        getattr(record, command)(**values)
    except (Exception, KeyboardInterrupt) as exc:
        return boundary.failure(exc)
    return 0
