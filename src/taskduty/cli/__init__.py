"""The command line: a thin layer that parses options, calls one library function, renders.

Commands are registered lazily: a run imports only the module of the command it runs
(``COMMAND_MODULES`` in cli/app.py); ``--help`` and completion import them all. A plain
``update`` or ``undo`` is parsed without Typer at all (cli/lean.py).
"""

from __future__ import annotations

import sys
import types
from typing import Any

__all__ = ["app", "load_commands", "main", "translate_docstrings"]

COMPLETE_VAR = "_TASKDUTY_COMPLETE"  # = complete.COMPLETE_VAR


def __getattr__(name: str) -> Any:
    """``load_commands`` and ``translate_docstrings`` from cli/app.py (Typer), imported on
    first use."""
    if name in ("load_commands", "translate_docstrings"):
        import importlib

        return getattr(importlib.import_module("taskduty.cli.app"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _Package(types.ModuleType):
    """``taskduty.cli.app`` names the Typer application, as when this package imported it
    at once, though the submodule of that name is imported only on first use: the import
    system's recording of the submodule here is ignored."""

    @property
    def app(self) -> Any:
        from taskduty.cli.app import app

        return app

    @app.setter
    def app(self, value: Any) -> None:
        pass


sys.modules[__name__].__class__ = _Package


def main() -> None:
    """The ``taskduty`` console script."""
    import os

    if COMPLETE_VAR in os.environ:  # a shell asking for completions
        from taskduty.cli import lean

        answer = lean.complete(os.environ)
        if answer is not None:
            sys.stdout.write(answer)
            sys.exit(0)
        from taskduty.cli import complete

        complete.register()
    else:
        from taskduty.cli import lean

        code = lean.run(sys.argv[1:])
        if code is not None:
            sys.exit(code)
    from taskduty.cli.app import app

    app(prog_name="taskduty")
