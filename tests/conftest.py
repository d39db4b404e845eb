"""Shared fixtures: a fresh database per test on each backend, the seed table, a CLI runner.

``db_url`` is parametrised over SQLite and PostgreSQL, so every test that uses it (or ``run``
or ``seeded``) runs on both. PostgreSQL tests use the server named by ``TASKDUTY_TEST_PG_URL``
(``postgresql+psycopg://USER@HOST:PORT/DB``); each test gets its own schema there, dropped
afterwards. Without that variable they skip locally, and fail under ``CI=true``.
Tests that only make sense on SQLite are marked ``@pytest.mark.sqlite_only``.

A loaded table is built once per session (per xdist worker) by the real CLI and copied into
each test's database (:class:`Templates`): a file copy on SQLite, a schema clone (the models'
DDL plus ``INSERT … SELECT``) on PostgreSQL. ``seeded`` and ``plan`` use it; a test module's
own loaded fixture uses ``from_template``. A PostgreSQL clone that its test left exactly as it
was cloned is kept for the next test of the same template (:class:`_PgClones`).

Rich's width is fixed (COLUMNS) so table output is the same on every machine.
"""

from __future__ import annotations

import functools
import os
import shutil
import sqlite3
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from typer.testing import CliRunner

# PYTHONDONTWRITEBYTECODE (set on some machines) would make every worker of every run parse
# and assertion-rewrite all the test modules again, and compile taskduty's sources again:
# ~6 of a worker's ~9 CPU-seconds of collection. The suite's own processes cache them as
# Python and pytest do by default (in the __pycache__ folders .gitignore leaves out); the
# commands the tests start keep the environment they were given (and read those caches).
sys.dont_write_bytecode = False


def _ram_disk_for_temporary_files() -> str | None:
    """Put the run's temporary files (tmp_path, the commands' own) on /dev/shm when it is a
    RAM disk with room and TMPDIR is not set: SQLite syncs every commit to disk, and the
    suite's thousands of commits on a disk left a worker waiting for about a third of its
    time (five write-heavy modules on SQLite: 12.2–13.6 s on disk, 7.4–8.1 s on /dev/shm)."""
    if os.environ.get("TMPDIR") or not os.access("/dev/shm", os.W_OK):
        return None
    try:
        with open("/proc/mounts", encoding="utf-8") as mounts:
            ram = any(line.split()[1:3] == ["/dev/shm", "tmpfs"] for line in mounts)
        free = os.statvfs("/dev/shm")
    except OSError:
        return None
    if not ram or free.f_bavail * free.f_frsize < 2 << 30:
        return None
    import tempfile

    os.environ["TMPDIR"] = "/dev/shm"  # the workers and the commands they start inherit it
    tempfile.tempdir = None  # (gettempdir() caches its answer)
    return "/dev/shm"


RAM_TMP = _ram_disk_for_temporary_files()

# The suite runs the English interface (the Chinese one has its own tests, test_i18n.py).
# Set before any taskduty module is imported (helpers imports taskduty): help texts are
# translated at import.
os.environ["TASKDUTY_LANG"] = "en"

from helpers import load_plan  # noqa: E402  (after the settings above)
from taskduty.cli import load_commands  # noqa: E402

load_commands()  # commands register lazily (cli/app.py); the tests look at all of them

ROOT = Path(__file__).resolve().parent.parent
SEED_TEXT = ROOT / "data" / "seed_2018.txt"
SEED_CSV = ROOT / "data" / "seed_table.csv"
PG_ENV = "TASKDUTY_TEST_PG_URL"
BACKENDS = ("sqlite", "postgres")


def _build_click_commands_once() -> None:
    """Typer's ``CliRunner.invoke`` and calling the app (``app(args)``, as ``main()`` and
    test_cli_lean do) rebuild the click command from every command function's signature on
    each call (``typer.main.get_command``: ~40% of a typical in-process invoke, ~0.14 s a
    call of the app, thousands of times a run). Build it once per app instead, as the real
    ``taskduty`` process does once per run; an app that gains commands later is built
    again."""
    import typer.main
    import typer.testing

    build = typer.main.get_command
    built: dict[tuple[int, int, int], tuple[Any, Any]] = {}

    def get_command(app: Any) -> Any:
        key = (id(app), len(app.registered_commands), len(app.registered_groups))
        hit = built.get(key)
        if hit is None or hit[0] is not app:
            hit = built[key] = (app, build(app))
        return hit[1]

    typer.testing._get_command = get_command
    typer.main.get_command = get_command  # what Typer.__call__ looks up when it is called


_build_click_commands_once()


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """Run in parallel by default (``-n auto``, one worker per core) when pytest-xdist is
    installed. ``-n N`` chooses, ``-n 0`` or ``-p no:xdist`` runs in one process."""
    if (config.pluginmanager.hasplugin("xdist") and not hasattr(config, "workerinput")
            and config.getoption("numprocesses", None) is None
            and not config.getoption("usepdb", False)):
        config.option.numprocesses = "auto"
    # Work stealing: each worker starts on a contiguous half of the tests (a module's tests,
    # and its module fixtures, mostly on one worker) and an idle worker takes tests from a
    # busy one, so slow files bunched on one worker do not leave the other waiting at the end.
    if (config.pluginmanager.hasplugin("xdist") and not hasattr(config, "workerinput")
            and config.getoption("dist", "no") == "no" and config.option.numprocesses):
        config.option.dist = "worksteal"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only: runs with the SQLite db_url only (no PostgreSQL variant)")
    config.addinivalue_line(
        "markers", "pg_once(*names): the PostgreSQL variant runs for the first value of the "
        "parameters ``names`` only (all of the test's parameters when none are named); for "
        "parameters that vary what Python parses or renders, not the SQL")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Drop the PostgreSQL variant of tests marked ``sqlite_only``, and of ``pg_once`` tests
    but for the first value of the named parameters (dropped, not skipped).

    ``pg_once`` is for parameters that only change what Python does with the same reads and
    writes (a spelling parsed, a format or a terminal width rendered): every value still runs
    on SQLite, and the test still runs on PostgreSQL, once per value of its other
    parameters."""
    keep = []
    seen: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
    for item in items:
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("db_url") if callspec else None
        if backend == "postgres" and item.get_closest_marker("sqlite_only"):
            continue
        once = item.get_closest_marker("pg_once")
        if backend == "postgres" and once is not None:
            named = set(once.args) or set(callspec.params) - {"db_url"}
            if not named <= set(callspec.params):
                raise pytest.UsageError(f"{item.nodeid}: pg_once names "
                                        f"{sorted(named - set(callspec.params))}, not its "
                                        "parameters")
            rest = tuple(sorted((k, repr(v)) for k, v in callspec.params.items()
                                if k not in named))
            key = (item.nodeid.split("[", 1)[0], rest)
            if key in seen:
                continue
            seen.add(key)
        keep.append(item)
    # Modules with the longest single tests run first (each in its own order): a worker that
    # has run out of tests can only take tests not yet started, so a long one near the end of
    # a worker's share would finish alone while the other worker waits.
    first = {name: i for i, name in enumerate(LONG_TESTS_FIRST)}
    keep.sort(key=lambda item: first.get(item.path.name, len(first)))
    items[:] = keep


# The modules whose single tests take longest (several CPU-seconds each: many comparisons,
# processes started, every character), longest first; the rest keep pytest's order after them.
LONG_TESTS_FIRST = (
    "test_listing_fields.py", "test_migrations.py", "test_concurrency.py",
    "test_long_listings.py", "test_schedule.py", "test_imports.py", "test_old_formats.py",
    "test_render_cells.py", "test_perf_queries.py", "test_status_sql.py",
)


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


_ADMIN: dict[str, Any] = {}  # libpq URL -> this worker's open autocommit connection


def _admin(url: str) -> Any:
    """This process's autocommit psycopg connection to ``url`` (opened once, reopened if it was
    closed): creating, filling and dropping a test's schema costs a round trip, not a new
    connection and SQLAlchemy engine each time (~5 ms connect + ~7 ms dialect set-up)."""
    import psycopg
    from sqlalchemy.engine import make_url

    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = _ADMIN.get(dsn)
    if conn is None or conn.closed or conn.broken:
        conn = _ADMIN[dsn] = psycopg.connect(dsn, autocommit=True)
    return conn


def _admin_execute(url: str, *statements: str) -> None:
    """Run each statement on its own (autocommit) on ``url``'s database."""
    conn = _admin(url)
    for sql in statements:
        conn.execute(sql)


def _schema_of(url: str) -> str:
    """The schema a URL made by :func:`with_search_path` points into."""
    options = dict(parse_qsl(urlsplit(url).query)).get("options", "")
    assert options.startswith("-csearch_path="), url
    return options.removeprefix("-csearch_path=")


def pytest_sessionfinish(session: pytest.Session) -> None:
    for conn in _ADMIN.values():
        conn.close()
    _ADMIN.clear()


# Names of this worker's schemas that were dropped (or kept under another name) and can be
# given to the next test: the same name is the same URL, whose connection the commands of the
# last test left open (taskduty keeps one per URL in a process), so a test's first command
# does not pay for a new connection and server process.
_FREE_SCHEMA_NAMES: list[str] = []


@contextmanager
def new_pg_schema() -> Iterator[str]:
    """A URL into a new, empty PostgreSQL schema, dropped afterwards."""
    base = pg_base_url()
    schema = _FREE_SCHEMA_NAMES.pop() if _FREE_SCHEMA_NAMES else "t_" + uuid.uuid4().hex[:12]
    _admin_execute(base, f"CREATE SCHEMA {schema}")
    try:
        yield with_search_path(base, schema)
    finally:
        if not _PG_CLONES.recycle(schema):
            _admin_execute(base, f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        _FREE_SCHEMA_NAMES.append(schema)


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A URL into a new, empty PostgreSQL schema (dropped after the test)."""
    with new_pg_schema() as url:
        yield url


@pytest.fixture(autouse=True)
def _fixed_terminal(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("LINES", "50")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setenv("TASKDUTY_LANG", "en")
    monkeypatch.delenv("TASKDUTY_DEBUG", raising=False)
    # No settings from the machine running the tests: an empty app folder, no TASKDUTY_*.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config-home"))
    for name in ("TASKDUTY_CONFIG", "TASKDUTY_OFFICE_NAME", "TASKDUTY_BLUE_DAYS",
                 "TASKDUTY_YELLOW_POINTS", "TASKDUTY_LEAD_FIRST", "TASKDUTY_STALE_DAYS"):
        monkeypatch.delenv(name, raising=False)
    # A command run with TASKDUTY_LANG=zh switches the process's messages to Chinese
    # (cli/app.py calls i18n.use()); start every test in the suite's English.
    from taskduty import i18n, settings
    i18n.use("en")
    # An in-process command leaves its --db/--config for the rest of the process: a library
    # call in a later test (loading.load, get_db) would open that command's database.
    settings.reset()


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


def pytest_report_header() -> str:
    pg = "set" if os.environ.get(PG_ENV) else "unset"
    return f"taskduty tests; {PG_ENV}={pg}; CI={os.environ.get('CI', '')}"



# -- loaded-database templates --------------------------------------------------------------

Build = Callable[[Callable[..., Any], Path], None]


def _invoke(url: str) -> Callable[..., Any]:
    """The CLI runner over ``url`` (also as ``.url``, for a build that records through the
    library)."""
    from taskduty.cli import app

    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None):
        return runner.invoke(app, list(args), input=input,
                             env={"TASKDUTY_DB": url, **(env or {})})

    invoke.url = url  # type: ignore[attr-defined]
    return invoke


def _pg_clone_sql(source_schema: str) -> str:
    """SQL that recreates the models' tables in the current schema and copies every row (and
    each id sequence's position) from ``source_schema``: one round trip per test."""
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import CreateIndex, CreateTable
    from sqlmodel import SQLModel

    import taskduty.models  # noqa: F401  (registers the tables)

    dialect = postgresql.dialect()
    quote = dialect.identifier_preparer.quote
    tables = SQLModel.metadata.sorted_tables
    parts = []
    for table in tables:
        # No autovacuum: a test sees the same (no) planner statistics however long it runs,
        # and an unchanged clone stays unchanged while it is kept for the next test.
        parts.append(str(CreateTable(table).compile(dialect=dialect)).rstrip()
                     + " WITH (autovacuum_enabled = false)")
        parts += [str(CreateIndex(index).compile(dialect=dialect)) for index in table.indexes]
    for table in tables:
        name = quote(table.name)
        cols = ", ".join(quote(c.name) for c in table.columns)
        parts.append(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM "
                     f"{quote(source_schema)}.{name}")
        if (col := table.autoincrement_column) is not None:
            parts.append(f"SELECT setval(pg_get_serial_sequence('{name}', '{col.name}'), "
                         f"COALESCE(MAX({quote(col.name)}), 0) + 1, false) FROM {name}")
    return ";\n".join(parts)


class Templates:
    """Databases loaded once (by ``build(run, folder)``) and copied into each test's database.

    Keyed by the build function, so every fixture that loads the same way shares one.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.sqlite: dict[str, Path] = {}
        self.pg: dict[str, tuple[str, str]] = {}  # key -> (schema, clone SQL)

    @staticmethod
    def key(build: Build) -> str:
        return f"{build.__module__}.{build.__qualname__}"

    def _build(self, build: Build, url: str, key: str) -> None:
        folder = self.folder / uuid.uuid4().hex[:8]
        folder.mkdir()
        build(_invoke(url), folder)

    def copy_into(self, db_url: str, build: Build) -> None:
        """Fill the (new, empty) database ``db_url`` with the template of ``build``."""
        key = self.key(build)
        if db_url.startswith("postgres"):
            if key not in self.pg:
                schema = "tpl_" + uuid.uuid4().hex[:12]
                base = pg_base_url()
                _admin_execute(base, f"CREATE SCHEMA {schema}")
                self._build(build, with_search_path(base, schema), key)
                self.pg[key] = (schema, _pg_clone_sql(schema))
            _PG_CLONES.fill(db_url, key, self.pg[key][1])
            return
        if key not in self.sqlite:
            path = self.folder / f"{uuid.uuid4().hex[:8]}.db"
            self._build(build, str(path), key)
            conn = sqlite3.connect(path)
            try:  # everything in the main file, so copying it alone is a whole database
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                conn.close()
            self.sqlite[key] = path
        shutil.copyfile(self.sqlite[key], db_url)

    def drop(self) -> None:
        if self.pg:
            _admin_execute(pg_base_url(), *(f"DROP SCHEMA IF EXISTS {schema} CASCADE"
                                            for schema, _ in self.pg.values()))
        _PG_CLONES.drop()


def _pg_run_script(url: str, sql: str) -> None:
    """Run several statements (no parameters) in one transaction on ``url``'s schema."""
    conn = _admin(pg_base_url())
    with conn.transaction():
        conn.execute(f"SET LOCAL search_path TO {_schema_of(url)}")
        conn.execute(sql)


# Everything a test could change in a schema and a later test could see: its objects and their
# definitions, the planner's statistics, each sequence's position, and every table's rows in
# their physical order (ctid). Run with search_path set to the schema; the schema's own name is
# taken out (pg_get_indexdef and pg_get_triggerdef qualify names with it).
_PG_STATE_SQL = """
SELECT md5(replace(ARRAY[
  (SELECT string_agg(ROW(c.relname, c.relkind, c.relpersistence, c.relrowsecurity,
                               c.reloptions::text, c.relacl::text, c.relpages, c.reltuples,
                               c.relhasindex, c.relhastriggers, obj_description(c.oid))::text,
                     ',' ORDER BY c.relname)
     FROM pg_class c WHERE c.relnamespace = n.oid),
  (SELECT string_agg(ROW(c.relname, a.attnum, a.attname,
                               format_type(a.atttypid, a.atttypmod), a.attnotnull,
                               a.attisdropped, pg_get_expr(d.adbin, d.adrelid),
                               col_description(c.oid, a.attnum))::text,
                     ',' ORDER BY c.relname, a.attnum)
     FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
     LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
     WHERE c.relnamespace = n.oid AND a.attnum > 0),
  (SELECT string_agg(d, ',' ORDER BY d) FROM (SELECT pg_get_indexdef(i.indexrelid) AS d
     FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid WHERE c.relnamespace = n.oid) x),
  (SELECT string_agg(d, ',' ORDER BY d) FROM (SELECT k.conname || pg_get_constraintdef(k.oid)
     AS d FROM pg_constraint k WHERE k.connamespace = n.oid) x),
  (SELECT string_agg(d, ',' ORDER BY d) FROM (SELECT pg_get_triggerdef(t.oid) AS d
     FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
     WHERE c.relnamespace = n.oid AND NOT t.tgisinternal) x),
  (SELECT string_agg(d, ',' ORDER BY d) FROM (SELECT pg_get_functiondef(p.oid) AS d
     FROM pg_proc p WHERE p.pronamespace = n.oid) x),
  (SELECT string_agg(d, ',' ORDER BY d) FROM (SELECT ROW(t.typname, t.typtype)::text AS d
     FROM pg_type t WHERE t.typnamespace = n.oid) x),
  (SELECT string_agg(d, ',' ORDER BY d) FROM (SELECT r.rulename || r.ev_class::regclass AS d
     FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class WHERE c.relnamespace = n.oid) x),
  (SELECT string_agg(d, ',' ORDER BY d) FROM (SELECT p.polname::text AS d
     FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid WHERE c.relnamespace = n.oid) x),
  (SELECT count(*) FROM pg_statistic s JOIN pg_class c ON c.oid = s.starelid
     WHERE c.relnamespace = n.oid)::text,
  (SELECT string_agg(ROW(q.sequencename, q.start_value, q.min_value, q.max_value,
                               q.increment_by, q.cycle, q.cache_size, q.last_value)::text,
                     ',' ORDER BY q.sequencename)
     FROM pg_sequences q WHERE q.schemaname = n.nspname)
  {rows}]::text, quote_ident(n.nspname) || '.', ''))
FROM pg_namespace n WHERE n.nspname = current_schema()
"""


class _PgClones:
    """Clones of a template that no test changed, kept for the next test that wants the same
    template: a clone costs ~0.1 s of server time (the models' DDL, the copy, then the DROP),
    taking a kept one is a rename.

    A schema is kept when its :data:`_PG_STATE_SQL` digest (objects, definitions, statistics,
    sequences, rows with their ctids) still equals that of a fresh clone, checked when its
    test ends and again when it is taken; anything else is dropped, as before."""

    KEEP = 2  # per template and worker

    def __init__(self) -> None:
        self.fresh: dict[str, str] = {}  # template key -> digest of a fresh clone
        self.in_use: dict[str, str] = {}  # a test's schema -> the template key it holds
        self.kept: dict[str, list[str]] = {}  # template key -> kept schemas
        self.hits = self.misses = 0

    @staticmethod
    def _state_sql() -> str:
        from sqlmodel import SQLModel

        import taskduty.models  # noqa: F401  (registers the tables)

        rows = "".join(
            f",\n  (SELECT md5(string_agg(x.ctid::text || x::text, ',' ORDER BY x.ctid)) "
            f'FROM "{table.name}" x)' for table in SQLModel.metadata.sorted_tables)
        return _PG_STATE_SQL.format(rows=rows)

    def _digest(self, schema: str) -> str | None:
        import psycopg

        conn = _admin(pg_base_url())
        try:
            with conn.transaction():
                conn.execute(f"SET LOCAL search_path TO {schema}")
                row = conn.execute(self._sql).fetchone()
        except psycopg.Error:  # dropped, renamed or changed so that a table is missing
            return None
        return row[0] if row else None

    @functools.cached_property
    def _sql(self) -> str:
        return self._state_sql()

    def fill(self, url: str, key: str, clone_sql: str) -> None:
        """Fill the new, empty schema of ``url`` with the template ``key``."""
        schema = _schema_of(url)
        conn = _admin(pg_base_url())
        kept = self.kept.get(key, [])
        while kept:
            candidate = kept.pop()
            if self._digest(candidate) == self.fresh[key]:
                conn.execute(f"DROP SCHEMA {schema}; ALTER SCHEMA {candidate} RENAME TO {schema}")
                self.in_use[schema] = key
                self.hits += 1
                return
            conn.execute(f"DROP SCHEMA IF EXISTS {candidate} CASCADE")
        _pg_run_script(url, clone_sql)
        self.misses += 1
        if key not in self.fresh:
            digest = self._digest(schema)
            assert digest is not None
            self.fresh[key] = digest
        self.in_use[schema] = key

    def recycle(self, schema: str) -> bool:
        """Keep ``schema`` (its test has ended) when it is still a fresh clone."""
        key = self.in_use.pop(schema, None)
        if key is None or len(self.kept.setdefault(key, [])) >= self.KEEP:
            return False
        if self._digest(schema) != self.fresh[key]:
            return False
        name = "kept_" + uuid.uuid4().hex[:12]
        _admin(pg_base_url()).execute(f"ALTER SCHEMA {schema} RENAME TO {name}")
        self.kept[key].append(name)
        return True

    def drop(self) -> None:
        names = [n for kept in self.kept.values() for n in kept]
        if names:
            _admin_execute(pg_base_url(), *(f"DROP SCHEMA IF EXISTS {n} CASCADE" for n in names))
        self.kept.clear()


_PG_CLONES = _PgClones()


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    found = Templates(tmp_path_factory.mktemp("templates"))
    yield found
    found.drop()


@pytest.fixture
def from_template(db_url: str, templates: Templates,
                  run: Callable[..., Any]) -> Callable[[Build], Callable[..., Any]]:
    """``from_template(build)`` fills this test's database as ``build(run, folder)`` does
    (run once per session, then copied) and returns the CLI runner."""
    filled: list[str] = []

    def use(build: Build) -> Callable[..., Any]:
        key = Templates.key(build)
        if filled:  # a second fixture of this test asking for a template
            if filled[0] != key:
                pytest.fail(f"this test's database is already {filled[0]}; it cannot also "
                            f"be {key}", pytrace=False)
            return run
        templates.copy_into(db_url, build)
        filled.append(key)
        return run

    return use


def load_seed(run: Callable[..., Any], folder: Path) -> None:
    """The 2018 seed table."""
    result = run("load", str(SEED_TEXT), "--year", "2018", "--quiet")
    assert result.exit_code == 0, result.output


def load_seed_reported(run: Callable[..., Any], folder: Path) -> None:
    """The 2018 seed with ``helpers.add_reports``'s office and lead-unit reports."""
    from helpers import add_reports

    load_seed(run, folder)
    add_reports(run.url)


def load_query_plan(run: Callable[..., Any], folder: Path) -> None:
    """The query tests' 2019 table (``helpers.ROWS``)."""
    load_plan(run, folder)


@pytest.fixture
def seeded(from_template: Callable[[Build], Callable[..., Any]]) -> Callable[..., Any]:
    """The CLI runner over a database with the 2018 seed table loaded."""
    return from_template(load_seed)


@pytest.fixture
def seeded_reported(from_template: Callable[[Build], Callable[..., Any]]) -> Callable[..., Any]:
    """The CLI runner over a database with the 2018 seed and ``helpers.add_reports``'s
    reports (built once per session and copied, like ``seeded``)."""
    return from_template(load_seed_reported)


@pytest.fixture
def plan(from_template: Callable[[Build], Callable[..., Any]]) -> Callable[..., Any]:
    """The CLI runner over a database with the query tests' 2019 table (``helpers.ROWS``)."""
    return from_template(load_query_plan)


@pytest.fixture(scope="session")
def seed_csv_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the seed table (``data/seed_table.csv``) loaded as 2018 by the CLI,
    for tests that only read it (copy it before writing to it)."""
    path = tmp_path_factory.mktemp("seed_csv") / "taskduty.db"
    result = _invoke(str(path))("load", str(SEED_CSV), "--year", "2018", "--quiet")
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="session")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the seed table (from CSV) and updates on every other task, for the
    query-plan tests (read only)."""
    from taskduty import queries
    from taskduty.migrations import open_database
    from taskduty.store import load_plan as store_plan
    from taskduty.table import read_table
    from taskduty.updates import NewUpdate, record_batch

    path = tmp_path_factory.mktemp("plans") / "taskduty.db"
    db = open_database(str(path))
    store_plan(db, read_table(SEED_CSV), 2018, SEED_CSV.name)
    with db.read() as reader:
        codes = [t.code for t in queries.list_tasks(reader, queries.TaskFilter(year=2018))]
    record_batch(db, 2018, [NewUpdate(code=c, status="in_progress", date=date(2018, 3, 31),
                                      progress=20) for c in codes[::2]])
    db.dispose()
    return path

