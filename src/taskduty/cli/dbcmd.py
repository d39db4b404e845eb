"""The ``db`` commands: the database's schema version and its upgrade."""

from __future__ import annotations

from typing import Annotated

import typer

from taskduty.cli.app import CONTEXT, REPORT_FORMATS, app, format_option, get_db
from taskduty.i18n import _

ReportFormat = Annotated[str, format_option(REPORT_FORMATS)]

db_app = typer.Typer(
    name="db",
    help=_("The database itself: its schema version and upgrades.\n\n"
           "Example: taskduty db status"),
    context_settings=CONTEXT,
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")


@db_app.command("status")
def db_status(fmt: ReportFormat = "table") -> None:
    """Show the database's schema version and any pending migrations.

    Also the backend and where the database is (a server URL's password masked), and the
    version this release uses.

    Example: taskduty --db postgresql+psycopg://duty@dbhost/taskduty db status
    """
    from taskduty import migrations, render

    info = migrations.status(get_db())
    current = info["current_version"]
    lines = [
        _("backend:  {backend}").format(backend=info["backend"]),
        _("database: {database}").format(database=info["database"]),
        _("schema:   {current} (this release: {target})").format(
            current=current if current is not None else "-", target=info["target_version"]),
        _("state:    {state}").format(state={
            "missing": _("no database yet (the first load creates it)"),
            "empty": _("no taskduty schema yet (the first load or `taskduty db upgrade` "
                       "creates it)"),
            "newer": _("made by a newer taskduty; upgrade taskduty"),
            "pending": _("upgrade pending (any command applies it; or run `taskduty db "
                         "upgrade`)"),
            "current": _("up to date"),
        }[info["state"]]),
    ]
    lines += ["  " + _("pending {version}: {description}").format(**p) for p in info["pending"]]
    render.write(render.Result(data=info, lines=lines), fmt)


@db_app.command("upgrade")
def db_upgrade(fmt: ReportFormat = "table") -> None:
    """Apply pending schema migrations now, in one transaction.

    A SQLite file is first copied to <file>.bak-v<old version>-<time>. On an empty server
    database this creates the schema. Otherwise it says the database is already current.

    Example: taskduty db upgrade
    """
    from taskduty import migrations, render

    db = get_db()
    done = migrations.upgrade(db)
    version = done.to_version if done else migrations.target_version()
    data = done.as_dict() if done else {"from_version": version, "to_version": version,
                                        "backup": None}
    data["database"] = db.display
    text = (_("{database} is already at version {version}; nothing to do").format(
        database=db.display, version=version) if done is None else done.describe(db))
    render.write(render.Result(data=data, lines=[text], lines_to_stderr=True), fmt)
