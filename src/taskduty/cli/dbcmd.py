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
    from taskduty.results import db_status_result

    render.write(db_status_result(migrations.status(get_db())), fmt)


@db_app.command("upgrade")
def db_upgrade(fmt: ReportFormat = "table") -> None:
    """Apply pending schema migrations now, in one transaction.

    A SQLite file is first copied to <file>.bak-v<old version>-<time>. On an empty server
    database this creates the schema. Otherwise it says the database is already current.

    Example: taskduty db upgrade
    """
    from taskduty import migrations, render
    from taskduty.results import db_upgrade_result

    db = get_db()
    render.write(db_upgrade_result(db, migrations.upgrade(db)), fmt)
