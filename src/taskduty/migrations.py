"""Schema versions and the ordered migrations between them.

Version 1 is the first schema. A migration ``n`` takes a database from version ``n - 1`` to
``n``; each runs in the same transaction as the version bump, so an upgrade lands whole.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from taskduty.errors import DatabaseError

if TYPE_CHECKING:
    from taskduty.db import Database

# version -> function(connection) that upgrades from version - 1
MIGRATIONS: dict[int, Callable[[Any], None]] = {}


def current_version(conn: Any) -> int | None:
    """The stored schema version, or None for a database without taskduty tables."""
    from sqlalchemy import inspect, text

    if "meta" not in inspect(conn).get_table_names():
        return None
    row = conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).first()
    return int(row[0]) if row else None


def ensure(db: Database) -> None:
    """Create the schema in an empty database; upgrade an older one in one transaction."""
    from sqlalchemy import text
    from sqlmodel import SQLModel

    import taskduty.models  # noqa: F401  (registers the tables)
    from taskduty.db import SCHEMA_VERSION

    engine = db.engine()
    with engine.begin() as conn:
        version = current_version(conn)
        if version == SCHEMA_VERSION:
            return
        if version is None:
            from sqlalchemy import inspect

            if inspect(conn).get_table_names():
                raise DatabaseError(
                    f"{db.display} is not a taskduty database (it has other tables)",
                    hint="point --db (or TASKDUTY_DB) at a taskduty database or a new file",
                )
            SQLModel.metadata.create_all(conn)
            conn.execute(text("INSERT INTO meta (key, value) VALUES ('schema_version', :v)"),
                         {"v": str(SCHEMA_VERSION)})
            return
        if version > SCHEMA_VERSION:
            raise DatabaseError(
                f"{db.display} was made by a newer taskduty (schema {version})",
                hint="upgrade taskduty",
            )
        for step in range(version + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[step](conn)
        conn.execute(text("UPDATE meta SET value = :v WHERE key = 'schema_version'"),
                     {"v": str(SCHEMA_VERSION)})
