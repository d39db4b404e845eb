"""The ``db`` commands: the database's schema version and its upgrade."""

from __future__ import annotations

import typer

from taskduty.cli.app import CONTEXT, FormatOption, OutputFormat, app, get_db

db_app = typer.Typer(
    name="db",
    help="The database itself: its schema version and upgrades.\n\n"
    "Example: taskduty db status",
    context_settings=CONTEXT,
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")


@db_app.command("status")
def db_status(fmt: FormatOption = OutputFormat.table) -> None:
    """Show the database's schema version and any pending migrations.

    Also the backend and where the database is (a server URL's password masked), and the
    version this release uses.

    Example: taskduty --db postgresql+psycopg://duty@dbhost/taskduty db status
    """
    from taskduty import migrations, render

    info = migrations.status(get_db())
    if fmt == OutputFormat.json:
        render.emit(render.to_json(info))
        return
    if fmt == OutputFormat.csv:
        render.emit(render.to_csv(
            ["backend", "database", "current_version", "target_version", "state", "pending"],
            [[info["backend"], info["database"], info["current_version"],
              info["target_version"], info["state"],
              " ".join(str(p["version"]) for p in info["pending"])]]))
        return
    current = info["current_version"]
    lines = [
        f"backend:  {info['backend']}",
        f"database: {info['database']}",
        f"schema:   {current if current is not None else '-'} "
        f"(this release: {info['target_version']})",
        "state:    " + {
            "missing": "no database yet (the first load creates it)",
            "empty": "no taskduty schema yet (the first load or `taskduty db upgrade` "
                     "creates it)",
            "newer": "made by a newer taskduty; upgrade taskduty",
            "pending": "upgrade pending (any command applies it; or run `taskduty db upgrade`)",
            "current": "up to date",
        }[info["state"]],
    ]
    lines += [f"  pending {p['version']}: {p['description']}" for p in info["pending"]]
    typer.echo("\n".join(lines))


@db_app.command("upgrade")
def db_upgrade(fmt: FormatOption = OutputFormat.table) -> None:
    """Apply pending schema migrations now, in one transaction.

    A SQLite file is first copied to <file>.bak-v<old version>-<time>. On an empty server
    database this creates the schema. Otherwise it says the database is already current.

    Example: taskduty db upgrade
    """
    from taskduty import migrations, render

    db = get_db()
    done = migrations.upgrade(db)
    version = done.to_version if done else migrations.target_version()
    if fmt != OutputFormat.table:
        data = done.as_dict() if done else {"from_version": version, "to_version": version,
                                            "backup": None}
        data["database"] = db.display
        if fmt == OutputFormat.json:
            render.emit(render.to_json(data))
        else:
            render.emit(render.to_csv(list(data), [list(data.values())]))
        return
    if done is None:
        render.message(f"{db.display} is already at version {version}; nothing to do")
    else:
        render.message(done.describe(db))
