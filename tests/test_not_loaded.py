"""Every "no table loaded" is a NotLoadedError built in one place (errors.not_loaded):
translated, with a hint, from the queries, updates, extensions and unload alike."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from taskduty import errors
from taskduty.db import Database
from taskduty.errors import NotLoadedError
from taskduty.extensions import extend
from taskduty.store import unload_plan
from taskduty.updates import NewUpdate, record_batch


def test_every_writer_says_not_loaded_with_one_error(seeded: Any, db_url: str) -> None:
    db = Database(db_url)
    calls = [
        lambda: record_batch(db, 2017, [NewUpdate(code="1.1", status="done",
                                                  date=date(2017, 3, 1))]),
        lambda: extend(db, 2017, ["1.1"], date(2017, 12, 1), "征地手续调整"),
        lambda: unload_plan(db, 2017),
    ]
    for call in calls:
        with pytest.raises(NotLoadedError) as caught:
            call()
        assert caught.value.message == "no table loaded for 2017"
        assert caught.value.hint
    db.dispose()


def test_the_error_in_chinese(seeded: Any) -> None:
    for args in (("update", "1.1", "--year", "2017", "--status", "done"),
                 ("unload", "2017"), ("tasks", "--year", "2017")):
        result = seeded(*args, env={"TASKDUTY_LANG": "zh"})
        assert result.exit_code == 1, args
        assert "2017 年度尚未导入责任分解表" in result.stderr, (args, result.stderr)


def test_the_hint_names_the_loaded_years_or_says_how_to_load() -> None:
    assert (errors.not_loaded(2017, known=[2018, 2019]).hint or "").endswith("2018, 2019")
    assert errors.not_loaded(2017, known=[]).hint == errors.not_loaded().hint
    assert "taskduty load" in (errors.not_loaded().hint or "")
    assert "taskduty years" in (errors.not_loaded(2017).hint or "")
    assert "/x.db" in errors.not_loaded(database="/x.db", missing=True).message
