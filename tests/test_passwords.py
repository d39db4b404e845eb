"""Passwords in a --db URL are never shown, whatever they contain (#, ?, space, @, /, :)."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

import pytest

from conftest import _admin_execute, pg_base_url
from helpers import assert_one_line_error, invoke
from taskduty.db import display_url, resolve_url, scrub, split_url

SPECIAL = ["pa#ss9word", "pa?ss9word", "pa ss9word", "pa@ss9word", "p@ss#w?rd 9x", "pa/ss:9w@rd"]


@pytest.mark.parametrize("password", SPECIAL)
def test_display_masks_an_unencoded_password(password):
    url = f"postgresql+psycopg://duty:{password}@db.example:5433/taskduty"
    shown = display_url(url)
    assert shown == "postgresql+psycopg://duty:***@db.example:5433/taskduty"
    assert split_url(url) == ("postgresql+psycopg://", "duty", password,
                              "db.example:5433/taskduty")
    # the driver gets the whole password, encoded, and the same host
    parts = urlsplit(resolve_url(url))
    assert parts.hostname == "db.example" and parts.port == 5433
    from sqlalchemy.engine import make_url

    assert make_url(resolve_url(url)).password == password


@pytest.mark.parametrize("password", SPECIAL)
def test_driver_messages_are_scrubbed(password):
    url = f"postgresql://duty:{password}@db.example/taskduty"
    piece = password.split("@")[-1]
    text = f'could not translate host name "{piece}@db.example" to address: {password}'
    out = scrub(text, url)
    assert password not in out and (len(piece) < 3 or piece not in out)


@pytest.mark.parametrize("password", SPECIAL)
def test_an_unreachable_server_never_shows_the_password(password):
    url = f"postgresql+psycopg://duty:{password}@127.0.0.1:1/taskduty"
    for args in (("tasks",), ("db", "status"), ("update", "1.1", "--status", "done")):
        result = invoke("--db", url, *args)
        assert_one_line_error(result, "duty:***@127.0.0.1:1/taskduty")
        assert password not in result.output
        env = invoke(*args, env={"TASKDUTY_DB": url})
        assert_one_line_error(env, "duty:***@")
        assert password not in env.output


def test_a_password_with_every_special_character_logs_in():
    base = pg_base_url()
    role = "pw_" + uuid.uuid4().hex[:8]
    password = "p@ss#w?rd /x:9"
    _admin_execute(base, f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
    try:
        parts = urlsplit(base)
        url = f"postgresql+psycopg://{role}:{password}@{parts.hostname}:{parts.port}{parts.path}"
        result = invoke("--db", url, "db", "status")
        assert password not in result.output
        assert result.exit_code == 0, result.output
        assert f"{role}:***@" in result.output
        wrong = invoke("--db", url.replace("9@", "8@"), "db", "status")
        if "password authentication failed" in wrong.stderr:
            assert_one_line_error(wrong, f"{role}:***@")
            assert "p@ss" not in wrong.output
    finally:
        _admin_execute(base, f"DROP ROLE IF EXISTS {role}")
