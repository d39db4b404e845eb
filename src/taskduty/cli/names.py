"""The names shell completion offers for an option (leaders, units, years, goals, task
codes), read from the database named as :func:`taskduty.cli.app.get_db` names it.

Imported only when a shell asks (:func:`taskduty.cli.app.complete_from`); it imports nothing
of the command line, so the command modules can point at it without a circle.
"""

from __future__ import annotations


def _ask(sql: str) -> list[str]:
    """One column of text from the database; nothing (never an error) when there is none."""
    try:
        from taskduty import render, settings
        from taskduty.migrations import open_database

        db = open_database(settings.get("db") or None, fast_reads=True, announce=render.message)
        with db.read() as reader:
            return [str(next(iter(r.values()))) for r in reader.all(sql)]
    except Exception:  # completion must never print a trace into the user's prompt
        return []


def _matching(values: list[str], incomplete: str) -> list[str]:
    return sorted({v for v in values if v.startswith(incomplete)})


def leaders(incomplete: str) -> list[str]:
    return _matching(_ask("SELECT name FROM leader"), incomplete)


def units(incomplete: str) -> list[str]:
    return _matching(_ask("SELECT name FROM unit"), incomplete)


def years(incomplete: str) -> list[str]:
    return _matching(_ask("SELECT year FROM plan"), incomplete)


def goals(incomplete: str) -> list[str]:
    return _matching(_ask("SELECT g.goal_no FROM goal g JOIN plan p ON p.id = g.plan_id "
                          "WHERE p.year = (SELECT MAX(year) FROM plan)"), incomplete)


def codes(incomplete: str) -> list[str]:
    return _matching(_ask("SELECT t.code FROM task t JOIN plan p ON p.id = t.plan_id "
                          "WHERE p.year = (SELECT MAX(year) FROM plan)"), incomplete)
