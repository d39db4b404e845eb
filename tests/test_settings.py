"""Settings in one place: a TOML file, --config/TASKDUTY_CONFIG, the environment, flags and
the database, each value shown with its source (taskduty config)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import SEED_TEXT
from taskduty import settings


def config_json(run, *args: str, env: dict[str, str] | None = None) -> dict[str, dict]:
    result = run(*args, "config", "list", "-f", "json", env=env)
    assert result.exit_code == 0, result.output
    return {r["name"]: r for r in json.loads(result.stdout)}


def app_file(tmp_path: Path) -> Path:
    return tmp_path / "config-home" / "taskduty" / "config.toml"


def test_defaults_and_their_source(run):
    rows = config_json(run)
    assert {k: (rows[k]["value"], rows[k]["source"]) for k in
            ("office_name", "blue_days", "yellow_points", "lead_first", "stale_days")} == {
        "office_name": ("督查室", "default"), "blue_days": ("15", "default"),
        "yellow_points": ("10", "default"), "lead_first": ("false", "default"),
        "stale_days": ("30", "default")}


def test_set_writes_the_app_folders_toml_file(run, tmp_path):
    assert run("config", "set", "blue_days", "20").exit_code == 0
    assert run("config", "set", "office_name", "区政府督查室").exit_code == 0
    path = app_file(tmp_path)
    import tomllib

    assert tomllib.loads(path.read_text(encoding="utf-8")) == {"blue_days": 20,
                                                               "office_name": "区政府督查室"}
    got = run("config", "get", "blue_days")
    assert got.stdout == "20\n" and f"file ({path})" in got.stderr
    assert config_json(run)["office_name"]["source"] == f"file ({path})"
    removed = run("config", "unset", "blue_days")
    assert removed.exit_code == 0 and "now 15 (default)" in removed.stderr


def test_precedence_flag_env_file_default(run, tmp_path, monkeypatch):
    path = tmp_path / "office.toml"
    path.write_text('stale_days = 40\ndb = "from-file.db"\n', encoding="utf-8")
    rows = config_json(run, "--config", str(path))
    assert (rows["stale_days"]["value"], rows["stale_days"]["source"]) == (
        "40", f"file ({path})")
    rows = config_json(run, "--config", str(path), env={"TASKDUTY_STALE_DAYS": "50"})
    assert (rows["stale_days"]["value"], rows["stale_days"]["source"]) == ("50", "env")
    rows = config_json(run, "--db", str(tmp_path / "flag.db"))
    assert (rows["db"]["value"], rows["db"]["source"]) == (str(tmp_path / "flag.db"), "flag")
    # TASKDUTY_CONFIG names the file too
    monkeypatch.setenv("TASKDUTY_CONFIG", str(path))
    settings.reset()
    assert settings.explain("stale_days") == (40, "file")
    assert settings.explain("stale_days", flag=7) == (7, "flag")


def test_the_database_setting_goes_through_the_file(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from taskduty.cli import app

    db = tmp_path / "office.db"
    path = tmp_path / "s.toml"
    path.write_text(f'db = "{db}"\n', encoding="utf-8")
    monkeypatch.delenv("TASKDUTY_DB", raising=False)
    result = CliRunner().invoke(app, ["--config", str(path), "load", str(SEED_TEXT),
                                      "--year", "2018", "--quiet"])
    assert result.exit_code == 0, result.output
    assert db.exists()


def test_shared_settings_live_in_the_database(seeded, tmp_path):
    assert seeded("config", "set", "--shared", "yellow_points", "12").exit_code == 0
    assert seeded("config", "set", "--shared", "office_name", "某区督查室").exit_code == 0
    # another computer: its own (empty) settings folder, the same database
    other = {"XDG_CONFIG_HOME": str(tmp_path / "other-computer")}
    rows = config_json(seeded, env=other)
    assert (rows["yellow_points"]["value"], rows["yellow_points"]["source"]) == ("12",
                                                                                 "database")
    notice = seeded("remind", "--month", "2018-03", "-f", "text", env=other)
    assert notice.exit_code == 0 and "某区督查室" in notice.stdout
    # a computer's own file still wins over the database
    assert seeded("config", "set", "yellow_points", "8").exit_code == 0
    assert config_json(seeded)["yellow_points"]["value"] == "8"
    assert seeded("config", "unset", "--shared", "yellow_points").exit_code == 0
    assert config_json(seeded, env=other)["yellow_points"]["source"] == "default"


def test_settings_api_reads_a_database_or_a_reader(seeded, db_url):
    from taskduty.db import Database

    assert seeded("config", "set", "--shared", "blue_days", "21").exit_code == 0
    settings.reset()
    db = Database(db_url)
    assert settings.get("blue_days", db) == 21
    with db.read() as reader:
        assert settings.explain("blue_days", reader) == (21, "database")
    assert settings.get("blue_days") == 15  # without a database: not consulted


@pytest.mark.parametrize(("args", "code", "text"), [
    (("config", "set", "blue_days", "soon"), 2, "blue_days must be a whole number"),
    (("config", "set", "lead_first", "maybe"), 2, "must be true or false"),
    (("config", "get", "colour"), 2, "unknown setting 'colour'"),
    (("config", "set", "--shared", "db", "x.db"), 2, "db cannot be stored in the database"),
])
def test_bad_settings_are_one_line_errors(run, args, code, text):
    result = run(*args)
    assert result.exit_code == code and text in result.stderr
    assert result.stderr.startswith("Error: ")


def test_chinese_yes_and_no(run):
    assert run("config", "set", "lead_first", "是").exit_code == 0
    assert run("config", "get", "lead_first").stdout == "true\n"


def test_a_broken_settings_file_is_an_error(run, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("blue_days = = 3\n", encoding="utf-8")
    result = run("--config", str(path), "config", "list")
    assert result.exit_code == 1 and "cannot read the settings file" in result.stderr
    missing = run("--config", str(tmp_path / "nope.toml"), "config", "list")
    assert missing.exit_code == 1 and "does not exist" in missing.stderr
