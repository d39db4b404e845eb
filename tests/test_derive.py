"""The columns read from a task's text (derive.py): worked out in a second process for a long
table, the same as in this one, and that process started early for a long file."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest

from taskduty import derive

TEXTS = [("全年地区生产总值增长6.5%以上", "2025年12月底前"),
         ("6月底前完成重点项目开工50个；10月底前全部投产", None),
         ("深化国有企业改革，完成3户企业混改", "持续推进"),
         ("开展营商环境评价", "每季度"), ("", None)]


class FakePool:
    """Stands for the second process: counts what it is given, works in this process."""

    started: ClassVar[list[FakePool]] = []

    def __init__(self) -> None:
        self.jobs = 0
        FakePool.started.append(self)

    def submit(self, fn: Any, *args: Any) -> Any:
        from concurrent.futures import Future

        self.jobs += 1
        future: Future[Any] = Future()
        future.set_result(fn(*args))
        return future

    def shutdown(self, **_kwargs: Any) -> None:
        pass


@pytest.fixture
def fake_pool(monkeypatch: pytest.MonkeyPatch) -> type[FakePool]:
    FakePool.started = []
    monkeypatch.setattr(derive, "_start_pool", FakePool)
    monkeypatch.setattr(derive, "second_cpu", lambda: True)
    monkeypatch.setattr(derive, "_early", [])
    return FakePool


def test_a_real_second_process_gives_the_columns_worked_out_here(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(derive, "second_cpu", lambda: True)
    with derive.Deriver(2025, parallel=True) as deriver:
        assert deriver.parallel
        deriver.submit(TEXTS)
        deriver.submit(TEXTS[:2])
        first, second = deriver.take(), deriver.take()
    assert first == derive.derive_chunk(TEXTS, 2025) and second == first[:2]
    assert first[0][0].isoformat() == "2025-12-31" and '"value": 6.5' in first[0][4]


def test_dates_as_text_come_back_as_the_text_sqlite_stores(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(derive, "second_cpu", lambda: True)
    with derive.Deriver(2025, parallel=True, text_dates=True) as deriver:
        assert deriver.parallel
        deriver.submit(TEXTS)
        texts = deriver.take()
    objects = derive.derive_chunk(TEXTS, 2025)
    assert texts[0][0] == "2025-12-31"
    assert [r[0] for r in texts] == [d.isoformat() if d else None for d, *_ in objects]
    assert [r[1:] for r in texts] == [r[1:] for r in objects]


def test_without_a_second_cpu_nothing_is_started(fake_pool: type[FakePool],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(derive, "second_cpu", lambda: False)
    with derive.Deriver(2025, parallel=True) as deriver:
        assert not deriver.parallel
        deriver.submit(TEXTS)
        assert deriver.take() == derive.derive_chunk(TEXTS, 2025)
    assert fake_pool.started == []


def test_a_long_file_starts_the_second_process_before_it_is_read(
        fake_pool: type[FakePool], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(derive, "EARLY_BYTES", 100)
    short, long = tmp_path / "short.csv", tmp_path / "long.csv"
    short.write_bytes(b"x" * 99)
    long.write_bytes(b"x" * 100)
    derive.start_early(short)
    derive.start_early(tmp_path / "missing.csv")
    assert fake_pool.started == []
    derive.start_early(long)
    derive.start_early(long)  # one is enough
    assert len(fake_pool.started) == 1
    with derive.Deriver(2025, parallel=True) as deriver:  # takes the one started early
        deriver.submit(TEXTS)
        assert deriver.take() == derive.derive_chunk(TEXTS, 2025)
    assert len(fake_pool.started) == 1 and fake_pool.started[0].jobs == 1
    with derive.Deriver(2025, parallel=True):  # none left: a new one
        pass
    assert len(fake_pool.started) == 2


def test_the_second_process_runs_calls_in_order_and_says_what_failed() -> None:
    pool = derive.PipePool()
    try:
        first = pool.submit(derive.derive_chunk, TEXTS, 2025)
        failing = pool.submit(derive.derive_chunk, None, 2025)
        last = pool.submit(derive.derive_chunk, TEXTS[:1], 2025, True)
        assert first.result(timeout=60) == derive.derive_chunk(TEXTS, 2025)
        with pytest.raises(RuntimeError, match="TypeError: 'NoneType' object is not iterable"):
            failing.result(timeout=60)
        assert last.result(timeout=60)[0][0] == "2025-12-31"
    finally:
        pool.shutdown(wait=True)
    assert pool._proc.returncode == 0


def test_a_second_process_that_dies_fails_every_call_not_answered() -> None:
    pool = derive.PipePool()
    assert pool.submit(derive._warm).result(timeout=60) is None
    waiting = pool.submit(derive.derive_chunk, TEXTS * 2000, 2025)
    pool._proc.kill()
    with pytest.raises(RuntimeError, match="has ended"):
        waiting.result(timeout=60)
    with pytest.raises(RuntimeError):  # and it takes no more
        pool.submit(derive.derive_chunk, TEXTS, 2025)


def test_shutdown_cancels_the_calls_not_answered_and_the_process_ends() -> None:
    pool = derive.PipePool()
    futures = [pool.submit(derive.derive_chunk, TEXTS * 200, 2025) for _ in range(20)]
    pool.shutdown(wait=True)
    assert all(f.done() for f in futures) and any(f.cancelled() for f in futures)
    assert pool._proc.returncode is not None


def test_a_long_load_starts_one_more_process_only(tmp_path: Path) -> None:
    """No ``multiprocessing`` in the load's process: its resource tracker would be a third
    process, and its import 25 ms of a short load."""
    import subprocess
    import sys

    rows = "".join(f"{n // 10 + 1},目标{n // 10 + 1},完成任务{n}项,张三,区发改局,,12月底前\n"
                   for n in range(120))
    table = tmp_path / "t.csv"
    table.write_text("序号,目标名称,工作标准,分管领导,牵头单位,配合单位,完成时限\n" + rows,
                     encoding="utf-8")
    code = ("import sys\n"
            "from taskduty import derive, store\n"
            "derive.EARLY_BYTES = store.PARALLEL_FROM = derive.PARALLEL_FROM = 0\n"
            "derive.second_cpu = lambda: True\n"
            "from taskduty.cli import main\n"
            "sys.argv = ['taskduty', '--db', sys.argv[1], 'load', sys.argv[2], '--year', "
            "'2025', '--quiet']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith('multiprocessing')))\n"
            "print(len(derive._early))\n")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "t.db"), str(table)],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    assert out.split("\n")[:2] == ["[]", "0"]


def test_the_pipes_hold_a_whole_part() -> None:
    """The worker never waits on a full pipe for this process's reading thread (which gets
    the interpreter every few milliseconds only while the main thread normalises)."""
    fcntl = pytest.importorskip("fcntl")
    if not hasattr(fcntl, "F_GETPIPE_SZ"):
        pytest.skip("pipe sizes are Linux's")
    pool = derive.PipePool()
    try:
        for pipe in (pool._proc.stdin, pool._proc.stdout):
            assert fcntl.fcntl(pipe.fileno(), fcntl.F_GETPIPE_SZ) >= derive._PIPE_BYTES
    finally:
        pool.shutdown(wait=True)


def test_the_worker_compiles_the_patterns_while_it_starts() -> None:
    """The patterns of a task's text are compiled on first use: the worker does it while
    the load is still starting, not on its first part."""
    import subprocess
    import sys

    code = ("from taskduty import derive, schedule, targets\n"
            "derive._warm()\n"
            "print(all('match' in vars(p) for p in (targets._NUM_RE, targets._UNIT_RE)))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    assert out.strip() == "True"


class SlowPool:
    """A second process that has answered its first ``answered`` calls and is still on the
    rest: those answer only when told (``answer``)."""

    def __init__(self, answered: int) -> None:
        self.answered, self.calls = answered, []

    def submit(self, fn: Any, *args: Any) -> Any:
        from concurrent.futures import Future

        future: Future[Any] = Future()
        self.calls.append((future, fn, args))
        if len(self.calls) <= self.answered:
            future.set_result(fn(*args))
        return future

    def answer(self, k: int) -> None:
        future, fn, args = self.calls[k]
        future.set_result(fn(*args))

    def shutdown(self, **_kwargs: Any) -> None:
        pass


def test_the_last_parts_are_worked_out_here_while_the_second_process_catches_up(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    pool = SlowPool(answered=2)
    monkeypatch.setattr(derive, "_start_pool", lambda: pool)
    monkeypatch.setattr(derive, "second_cpu", lambda: True)
    parts = [TEXTS[k:] for k in range(5)] + [TEXTS[:2]]
    with derive.Deriver(2025, parallel=True) as deriver:
        for part in parts:
            deriver.submit(part)
        # the process is on the third part: it answers that one in a moment
        threading.Timer(0.2, pool.answer, (2,)).start()
        found = deriver.finish()
    assert found == [derive.derive_chunk(p, 2025) for p in parts]
    # the newest three were worked out here, the third was waited for
    assert [f.done() for f, _fn, _args in pool.calls] == [True] * 3 + [False] * 3
