"""Shared fixtures: a fresh database per test on each backend, the seed table, a CLI runner.

``db_url`` is parametrised over SQLite and PostgreSQL, so every test that uses it (or ``run``
or ``seeded``) runs on both. PostgreSQL tests use the server named by ``TASKDUTY_TEST_PG_URL``
(``postgresql+psycopg://USER@HOST:PORT/DB``); each test gets its own schema there, dropped
afterwards. Without that variable they skip locally, and fail under ``CI=true``.
Tests that only make sense on SQLite are marked ``@pytest.mark.sqlite_only``.

Rich's width is fixed (COLUMNS) so table output is the same on every machine.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
SEED_TEXT = ROOT / "data" / "seed_2018.txt"
SEED_CSV = ROOT / "data" / "seed_table.csv"
PG_ENV = "TASKDUTY_TEST_PG_URL"
BACKENDS = ("sqlite", "postgres")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only: runs with the SQLite db_url only (no PostgreSQL variant)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Drop the PostgreSQL variant of tests marked ``sqlite_only`` (dropped, not skipped)."""
    keep = []
    for item in items:
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("db_url") if callspec else None
        if backend == "postgres" and item.get_closest_marker("sqlite_only"):
            continue
        keep.append(item)
    items[:] = keep


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pg_base_url() -> str:
    """The test server's URL, or skip (locally) / fail (in CI) when there is none."""
    url = os.environ.get(PG_ENV, "").strip()
    if not url:
        reason = (f"PostgreSQL tests need {PG_ENV}=postgresql+psycopg://USER@HOST:PORT/DB "
                  "(.ci/run starts a server and sets it)")
        if in_ci():
            pytest.fail(f"CI=true but {reason}", pytrace=False)
        pytest.skip(reason)
    return url


def with_search_path(url: str, schema: str) -> str:
    """``url`` whose connections use ``schema`` (libpq ``options=-csearch_path=…``)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "options"]
    query.append(("options", f"-csearch_path={schema}"))
    return urlunsplit(parts._replace(query=urlencode(query)))


def _admin_execute(url: str, *statements: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            for sql in statements:
                conn.execute(text(sql))
    finally:
        engine.dispose()


@contextmanager
def new_pg_schema() -> Iterator[str]:
    """A URL into a new, empty PostgreSQL schema, dropped afterwards."""
    base = pg_base_url()
    schema = "t_" + uuid.uuid4().hex[:12]
    _admin_execute(base, f"CREATE SCHEMA {schema}")
    try:
        yield with_search_path(base, schema)
    finally:
        _admin_execute(base, f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A URL into a new, empty PostgreSQL schema (dropped after the test)."""
    with new_pg_schema() as url:
        yield url


@pytest.fixture(autouse=True)
def _fixed_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("LINES", "50")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.delenv("TASKDUTY_DEBUG", raising=False)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path,
           monkeypatch: pytest.MonkeyPatch) -> str:
    """A new, empty database for this test (a SQLite path or a PostgreSQL URL), also set as
    TASKDUTY_DB."""
    if request.param == "postgres":
        url = request.getfixturevalue("pg_schema_url")
    else:
        url = str(tmp_path / "taskduty.db")
    monkeypatch.setenv("TASKDUTY_DB", url)
    return url


@pytest.fixture
def another_db_url(db_url: str, tmp_path: Path) -> Iterator[str]:
    """A second new, empty database on the same backend as ``db_url``."""
    if db_url.startswith("postgres"):
        with new_pg_schema() as url:
            yield url
    else:
        yield str(tmp_path / "another.db")


@pytest.fixture
def is_pg(db_url: str) -> bool:
    """Whether this test's database is PostgreSQL."""
    return db_url.startswith("postgres")


@pytest.fixture
def run(db_url: str) -> Callable[..., object]:
    """Invoke the CLI in-process: ``run("tasks", "-f", "json")`` -> click Result."""
    from taskduty.cli import app

    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None):
        return runner.invoke(app, list(args), input=input,
                             env={"TASKDUTY_DB": db_url, **(env or {})})

    return invoke


@pytest.fixture
def seeded(run: Callable[..., object]) -> Callable[..., object]:
    """The CLI runner over a database with the 2018 seed table loaded."""
    result = run("load", str(SEED_TEXT), "--year", "2018", "--quiet")
    assert result.exit_code == 0, result.output
    return run


def pytest_report_header() -> str:
    pg = "set" if os.environ.get(PG_ENV) else "unset"
    return f"taskduty tests; {PG_ENV}={pg}; CI={os.environ.get('CI', '')}"


@pytest.fixture
def plan(run: Callable[..., object], tmp_path: Path) -> Callable[..., object]:
    """The CLI runner over a database with the query tests' 2019 table (test_query_filters)."""
    from test_query_filters import load_plan

    load_plan(run, tmp_path)
    return run
