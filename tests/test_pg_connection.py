"""PostgreSQL URLs, credentials and connection failures: one line, password masked.

The unreachable-server tests need no server (only psycopg); the others use the test server
(``TASKDUTY_TEST_PG_URL``) and skip locally without one.
"""

from __future__ import annotations

import json
import uuid
from urllib.parse import parse_qsl, urlsplit

import pytest

from conftest import SEED_CSV, _admin_execute, new_pg_schema, pg_base_url, with_search_path
from helpers import assert_one_line_error, invoke
from taskduty.db import Database, display_url, resolve_url

SECRET = "Sekr1t-pw"


@pytest.mark.parametrize(("url", "shown"), [
    ("postgresql+psycopg://duty:s3cret@db.example/taskduty",
     "postgresql+psycopg://duty:***@db.example/taskduty"),
    ("postgresql+psycopg://duty:p@ss/w:rd@db.example:5433/taskduty?sslmode=require",
     "postgresql+psycopg://duty:***@db.example:5433/taskduty?sslmode=require"),
    ("postgresql+psycopg://duty@db.example/taskduty",
     "postgresql+psycopg://duty@db.example/taskduty"),
    ("postgresql+psycopg:///taskduty?password=s3cret&sslmode=require",
     "postgresql+psycopg:///taskduty?password=***&sslmode=require"),
])
def test_display_url_masks_passwords(url, shown):
    assert display_url(url) == shown


def test_plain_postgres_urls_use_psycopg():
    assert resolve_url("postgresql://duty@db/taskduty") == "postgresql+psycopg://duty@db/taskduty"
    assert resolve_url("postgres://duty@db/taskduty") == "postgresql+psycopg://duty@db/taskduty"
    db = Database("postgresql://duty:x@db/taskduty")
    assert db.backend == "postgresql" and not db.is_sqlite and db.path is None


@pytest.mark.parametrize("args", [
    ("tasks",),
    ("load", str(SEED_CSV), "--year", "2018"),
    ("update", "1.1", "--status", "done"),
    ("db", "status"),
    ("db", "upgrade"),
])
def test_an_unreachable_server_is_one_masked_line(args):
    url = f"postgresql+psycopg://duty:{SECRET}@127.0.0.1:1/taskduty"
    result = invoke("--db", url, *args)
    assert_one_line_error(result, "postgresql+psycopg://duty:***@127.0.0.1:1/taskduty",
                          "Hint: check that the server is running", secret=SECRET)
    env_result = invoke(*args, env={"TASKDUTY_DB": url})
    assert_one_line_error(env_result, "duty:***@", secret=SECRET)


def test_an_unknown_host_is_one_line():
    result = invoke("--db", f"postgresql://duty:{SECRET}@no-such-host.invalid/taskduty", "tasks")
    assert_one_line_error(result, "duty:***@no-such-host.invalid", secret=SECRET)


def test_an_unknown_backend_is_one_line():
    result = invoke("--db", f"oracle://duty:{SECRET}@db/x", "tasks")
    assert_one_line_error(result, "oracle://duty:***@db/x", "postgresql+psycopg://", secret=SECRET)


@pytest.fixture
def password_role():
    """A role that must log in with a password (the test server trusts only ``postgres``)."""
    base = pg_base_url()
    role = "pw_" + uuid.uuid4().hex[:8]
    _admin_execute(base, f"CREATE ROLE {role} LOGIN PASSWORD 'right-{SECRET}'")
    try:
        yield role
    finally:
        _admin_execute(base, f"DROP ROLE IF EXISTS {role}")


def test_a_wrong_password_is_one_masked_line(password_role):
    parts = urlsplit(pg_base_url())
    url = (f"postgresql+psycopg://{password_role}:{SECRET}@{parts.hostname}:{parts.port}"
           f"{parts.path}")
    result = invoke("--db", url, "tasks")
    if result.exit_code != 1 and "password authentication failed" not in result.stderr:
        pytest.skip("the test server accepts any password from 127.0.0.1 (pg_hba trust)")
    assert_one_line_error(result, f"{password_role}:***@", "password authentication failed",
                          secret=SECRET)


def test_credentials_from_pg_environment_variables(monkeypatch):
    """A URL without host, port or user takes them (and the schema, via PGOPTIONS) from the
    usual PG* variables, as libpq does."""
    with new_pg_schema() as url:
        parts = urlsplit(url)
        env = {"PGHOST": parts.hostname or "", "PGPORT": str(parts.port or 5432),
               "PGUSER": parts.username or "",
               "PGOPTIONS": dict(parse_qsl(parts.query))["options"]}
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        bare = f"postgresql+psycopg://{parts.path}"
        loaded = invoke("--db", bare, "load", str(SEED_CSV), "--year", "2018", "-q")
        assert loaded.exit_code == 0, loaded.output
        listed = invoke("--db", bare, "goals", "-f", "json")
        assert listed.exit_code == 0, listed.output
        assert len(json.loads(listed.stdout)) == 23
        # The rows really are in that schema on the server named by the variables.
        counted = invoke("--db", url, "years", "-f", "json")
        assert json.loads(counted.stdout)[0]["tasks"] == 114


def test_a_command_looks_up_no_type_on_connect(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening the database costs no type lookup (SQLAlchemy's hstore one, on by default: a
    round trip per command on a server)."""
    import psycopg.types

    looked_up: list[str] = []
    fetch = psycopg.types.TypeInfo._fetch.__func__  # type: ignore[attr-defined]

    def counted(cls: type, conn: object, name: str) -> object:
        looked_up.append(name)
        return fetch(cls, conn, name)

    monkeypatch.setattr(psycopg.types.TypeInfo, "_fetch", classmethod(counted))
    with new_pg_schema() as url:
        result = invoke("--db", url, "load", str(SEED_CSV), "--year", "2018", "--quiet")
        assert result.exit_code == 0, result.output
        db = Database(url)
        try:
            with db.read() as reader:
                assert reader.all("SELECT COUNT(*) AS n FROM task")[0]["n"] > 0
        finally:
            db.dispose()
    assert looked_up == []


def test_a_command_reads_no_information_schema_view(monkeypatch: pytest.MonkeyPatch) -> None:
    """A command finds the schema version without information_schema (its views cost each
    new connection ~3 ms of catalog reads); a schema without taskduty's tables, or a
    search_path naming no schema that exists, still reads as not loaded."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    sent: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        sent.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        with new_pg_schema() as url:
            empty = invoke("--db", url, "years")
            assert empty.exit_code == 1 and "no table loaded" in empty.output, empty.output
            loaded = invoke("--db", url, "load", str(SEED_CSV), "--year", "2018", "--quiet")
            assert loaded.exit_code == 0, loaded.output
            sent.clear()
            result = invoke("--db", url, "years", "-f", "json")
            assert json.loads(result.stdout)[0]["tasks"] == 114
            db = Database(url)
            try:
                with db.engine().connect() as conn:
                    assert db.stored_version(conn) is not None
            finally:
                db.dispose()
        nowhere = with_search_path(pg_base_url(), "no_such_" + uuid.uuid4().hex[:8])
        missing = invoke("--db", nowhere, "years")
        assert missing.exit_code == 1 and "no table loaded" in missing.output, missing.output
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    assert sent and not [s for s in sent if "information_schema" in s.lower()]


def test_a_process_s_commands_share_one_connection_per_database(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands run in one process (a script, the tests) on one server URL reuse one open
    connection; only the last few URLs keep one; every one is closed by
    ``dispose_server_engines`` (what runs at exit)."""
    import psycopg

    from taskduty import db as dbmod

    opened: list[psycopg.Connection] = []
    connect = psycopg.connect  # what SQLAlchemy's dialect calls

    def counted(*args: object, **kwargs: object) -> psycopg.Connection:
        conn = connect(*args, **kwargs)
        opened.append(conn)
        return conn

    dbmod.dispose_server_engines()
    monkeypatch.setattr(psycopg, "connect", counted)
    with new_pg_schema() as url:
        loaded = invoke("--db", url, "load", str(SEED_CSV), "--year", "2018", "--quiet")
        assert loaded.exit_code == 0, loaded.output
        before = len(opened)
        for args in (("years",), ("tasks", "--leader", "陆秋明", "-f", "json"),
                     ("update", "1.1", "--status", "in_progress", "--date", "2018-03-01"),
                     ("undo",), ("summary",)):
            result = invoke("--db", url, *args)
            assert result.exit_code == 0, result.output
        assert before >= 1 and len(opened) == before  # the load's connection, kept
        assert [c for c in opened if not c.closed]
        others = [with_search_path(pg_base_url(), f"nothing_{i}") for i in range(6)]
        for each in others:
            assert invoke("--db", each, "years").exit_code == 1
        assert list(dbmod._SERVER_ENGINES) == others[-dbmod._SERVER_ENGINES_KEPT:]
        dbmod.dispose_server_engines()
        assert not dbmod._SERVER_ENGINES
        assert [c for c in opened if not c.closed] == []
