"""The task columns read from a task's own text: its deadline (date, kind, milestones) and
its targets. They depend on nothing but the text and the year, so a long
table's are worked out in a second process while this one normalises and stores the rows
(a load's two halves of work, on two cores): :class:`Deriver`.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections import deque
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from concurrent.futures import Future

# (deadline_date, deadline_kind, milestones JSON, deadline_inferred, targets JSON); the date
# as ISO text where the rows go to SQLite as text (``text_dates``)
Derived = tuple[date | str | None, str | None, str | None, bool, str | None]

PARALLEL_FROM = 4000  # tasks: below this a second process costs more than it saves
# A file this long is likely to hold PARALLEL_FROM tasks or more (a task's row is 100-300
# bytes): its second process is started before the file is read (:func:`start_early`).
EARLY_BYTES = 400_000

_NOT_TEXT = re.compile(r"[\s\W_]+", re.UNICODE)
# json.dumps(value, ensure_ascii=False), without building an encoder for each task
to_json = json.JSONEncoder(ensure_ascii=False).encode


def text_key(text: str) -> str:
    """The task text without spaces and punctuation, for matching edited tables (worked out
    when a table is replaced; the task's ``text_key`` column is no longer filled)."""
    return _NOT_TEXT.sub("", text)


def derived(standard: str, deadline: str | None, year: int, text_dates: bool = False
            ) -> Derived:
    """The columns of one task read from its text (see the module's docstring);
    ``text_dates``: the date as ISO text, as SQLite stores it."""
    from taskduty.schedule import read_deadline
    from taskduty.targets import targets_json

    found = read_deadline(deadline, standard, year)
    due = found.due
    return (due.isoformat() if text_dates and due is not None else due, found.kind,
            to_json(found.milestone_dicts()) if found.milestones else None,
            found.inferred, targets_json(standard))


def derive_chunk(texts: Sequence[tuple[str, str | None]], year: int,
                 text_dates: bool = False) -> list[Derived]:
    """:func:`derived` of each ``(standard, deadline)``, in order."""
    return [derived(standard, deadline, year, text_dates) for standard, deadline in texts]


def second_cpu() -> bool:
    """Whether this process may use more than one CPU."""
    try:
        return len(os.sched_getaffinity(0)) > 1
    except AttributeError:  # not on Linux
        return (os.cpu_count() or 1) > 1


class Deriver:
    """Works out chunks of tasks' :func:`derived` columns, in a second process when
    ``parallel`` (and a second CPU is there), else here when asked for.

    ``submit`` a chunk's texts, then ``take`` the oldest chunk's columns. If the second
    process cannot be started or fails, the chunk is worked out here: the columns are the
    same either way, only the time differs.
    """

    def __init__(self, year: int, parallel: bool = False, text_dates: bool = False) -> None:
        self.year = year
        # (a date comes back from the second process as text: unpickling a date object
        # costs this process four times as much, and SQLite stores the text anyway)
        self.text_dates = text_dates
        self._pending: deque[tuple[Sequence[tuple[str, str | None]], Future[Any] | None]] = (
            deque())
        self._pool: Any = None
        if parallel and second_cpu():
            self._pool = _take_early() or _start_pool()

    def submit(self, texts: Sequence[tuple[str, str | None]]) -> None:
        """Queue a chunk's ``(standard, deadline)`` pairs."""
        future = None
        if self._pool is not None:
            try:
                future = self._pool.submit(derive_chunk, texts, self.year, self.text_dates)
            except Exception:  # a broken pool: the rest is worked out here
                self.close()
        self._pending.append((texts, future))

    def take(self) -> list[Derived]:
        """The columns of the oldest chunk submitted and not yet taken."""
        return self._answer(*self._pending.popleft())

    def finish(self) -> list[list[Derived]]:
        """The columns of every chunk submitted and not yet taken, in order (the table's
        last chunks). The second process may still be some behind: while it answers the
        oldest, this process works out the newest, and the two meet in between."""
        pending = list(self._pending)
        self._pending.clear()
        out: list[list[Derived]] = [[] for _ in pending]
        first, last = 0, len(pending) - 1
        while first <= last:
            texts, future = pending[first]
            if future is None or future.done() or first == last:
                out[first] = self._answer(texts, future)
                first += 1
                continue
            texts, future = pending[last]
            out[last] = (self._answer(texts, future) if future is not None and future.done()
                         else derive_chunk(texts, self.year, self.text_dates))
            last -= 1
        return out

    def _answer(self, texts: Sequence[tuple[str, str | None]],
                future: Future[Any] | None) -> list[Derived]:
        """The columns of a chunk: its answer from the second process, else worked out here."""
        if future is not None:
            try:
                return future.result()
            except Exception:  # the second process failed: work it out here
                self.close()
        return derive_chunk(texts, self.year, self.text_dates)

    @property
    def parallel(self) -> bool:
        """Whether chunks go to the second process (it was started and has not failed)."""
        return self._pool is not None

    def close(self) -> None:
        """Stop the second process (chunks still waiting are worked out here)."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Deriver:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


_early: list[Any] = []  # the pool start_early started, until a Deriver takes it


def start_early(path: Path) -> None:
    """Start the second process now if ``path`` is long enough to need it, so that it is
    ready (started, its modules imported) when the first chunk of tasks comes. A pool no
    load takes is stopped as the program ends."""
    try:
        long = path.stat().st_size >= EARLY_BYTES
    except OSError:
        return  # the reader says what is wrong with the file
    if long and not _early and second_cpu() and (pool := _start_pool()) is not None:
        _early.append(pool)


def _take_early() -> Any:
    return _early.pop() if _early else None


def _start_pool() -> Any:
    """One worker process (:class:`PipePool`), started fresh: a forked copy of this process
    would share its open database connection and the progress bar's thread. It starts at
    once and imports its modules, so it is ready when the first chunk comes."""
    try:
        pool = PipePool()
        pool.submit(_warm)
    except (OSError, ValueError, RuntimeError):
        return None
    return pool


def _warm() -> None:
    """The worker's imports, and the patterns a task's text needs compiled (they are
    compiled on first use): done while this process is still starting."""
    derive_chunk(_WARM_TEXTS, 2025, True)


_WARM_TEXTS = [("全年地区生产总值增长6.5%以上，6月底前完成重点项目开工50个", "2025年12月底前"),
               ("推进“智慧城市”建设，新增就业1万人左右；10月底前全部投产", None),
               ("完成3户企业混改，每季度开展评价", "持续推进")]


# The worker's program: this module's serve(), on the same taskduty as this process.
_WORKER = "from taskduty.derive import serve; serve()"
_HEAD = 8  # bytes: the length of the pickle that follows


class PipePool:
    """A second Python process that runs this module's functions one call at a time, in
    the order given, over two pipes: ``submit(fn, *args)`` returns a Future.

    What ``concurrent.futures.ProcessPoolExecutor`` does for one worker, without its cost
    here: it imports ``multiprocessing`` (25 ms) and starts a third process, its resource
    tracker, that a short load pays for on two cores. Calls are written as they are
    submitted; a thread reads the answers, so the worker never waits on a full pipe. If the
    worker ends or a pipe breaks, every call not answered fails (the caller works it out
    itself).
    """

    def __init__(self) -> None:
        import subprocess
        import sys
        import threading

        env = dict(os.environ)
        # (the taskduty this process runs, wherever it was imported from)
        here = str(Path(__file__).resolve().parents[1])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH")) if p)
        self._proc = subprocess.Popen([sys.executable, "-c", _WORKER], env=env,
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.DEVNULL)
        _widen(self._proc.stdin, self._proc.stdout)
        self._waiting: deque[Future[Any]] = deque()  # submitted, not answered, in order
        self._broken = False
        # (held while a call is queued and while an answer is matched with its call: once
        # broken, no answer is matched with a later call's future)
        self._lock = threading.Lock()
        threading.Thread(target=self._receive, daemon=True).start()

    def submit(self, fn: Any, *args: Any) -> Future[Any]:
        """Send a call (written at once: the pipe holds a whole part, so the worker starts
        on it now, not when a sending thread next gets the interpreter)."""
        import pickle
        from concurrent.futures import Future

        call = pickle.dumps((fn, args), pickle.HIGHEST_PROTOCOL)
        future: Future[Any] = Future()
        with self._lock:
            if self._broken:
                raise RuntimeError("the second process has ended")
            self._waiting.append(future)
        pipe = self._proc.stdin
        assert pipe is not None
        try:
            pipe.write(len(call).to_bytes(_HEAD, "little") + call)
            pipe.flush()
        except (OSError, ValueError):
            self._fail(RuntimeError("the second process stopped reading"))
            raise RuntimeError("the second process stopped reading") from None
        return future

    def shutdown(self, wait: bool = False, cancel_futures: bool = True) -> None:
        """Close the worker's input: it ends once it has answered what it was given; with
        ``cancel_futures`` the calls not yet answered are cancelled and it is stopped now."""
        if cancel_futures and self._fail(None):
            self._proc.kill()
        with contextlib.suppress(OSError, ValueError):
            self._proc.stdin.close()  # type: ignore[union-attr]
        if wait:
            self._proc.wait()

    def _receive(self) -> None:
        import pickle
        from concurrent.futures import InvalidStateError

        pipe = self._proc.stdout
        assert pipe is not None
        try:
            # (read to the end, answers no call waits for too: the worker never blocks on
            # a full pipe)
            while len(head := pipe.read(_HEAD)) == _HEAD:
                ok, value = pickle.loads(pipe.read(int.from_bytes(head, "little")))
                with self._lock:
                    future = (self._waiting.popleft()
                              if self._waiting and not self._broken else None)
                if future is None:
                    continue
                with contextlib.suppress(InvalidStateError):  # cancelled meanwhile
                    if ok:
                        future.set_result(value)
                    else:
                        future.set_exception(RuntimeError(value))
        except Exception:  # a broken pipe or pickle: the calls left are worked out there
            pass
        self._fail(RuntimeError("the second process has ended"))
        self._proc.wait()

    def _fail(self, error: Exception | None) -> bool:
        """Every call not answered: failed with ``error``, or cancelled when None; whether
        there was any."""
        from concurrent.futures import InvalidStateError

        with self._lock:
            self._broken = True
            waiting, self._waiting = list(self._waiting), deque()
        for future in waiting:
            with contextlib.suppress(InvalidStateError):
                if error is None:
                    future.cancel()
                else:
                    future.set_exception(error)
        return bool(waiting)


_PIPE_BYTES = 1 << 20  # a part's texts or columns: a few hundred KB at most


def _widen(*pipes: Any) -> None:
    """Pipes big enough for a whole part's call or answer (Linux; elsewhere as they are):
    with the 64 KB a pipe holds by default, the worker waits on each answer until this
    process's reading thread gets its turn, and it gets one every few milliseconds only
    while the main thread normalises."""
    try:
        import fcntl

        for pipe in pipes:
            fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass


def serve() -> None:
    """The worker's loop (:class:`PipePool`): each call read from stdin is run and its
    result, or its error's text, written to stdout, until stdin ends."""
    import pickle
    import sys

    calls, results = sys.stdin.buffer, sys.stdout.buffer
    try:
        while len(head := calls.read(_HEAD)) == _HEAD:
            call = calls.read(int.from_bytes(head, "little"))
            try:
                fn, args = pickle.loads(call)
                answer = (True, fn(*args))
            except Exception as exc:
                answer = (False, f"{type(exc).__name__}: {exc}")
            data = pickle.dumps(answer, pickle.HIGHEST_PROTOCOL)
            results.write(len(data).to_bytes(_HEAD, "little") + data)
            results.flush()
    except (BrokenPipeError, KeyboardInterrupt):
        pass  # the load ended or was stopped
