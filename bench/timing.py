"""Repeated timing, hyperfine-style, in plain Python: whole commands as subprocesses (wall
time and the child's peak RSS from ``wait4``) and in-process function calls (wall time, and
the peak of Python allocations from ``tracemalloc`` on one extra run)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Stats:
    """Timings of one measured thing, in seconds; memory in MiB."""

    name: str
    kind: str  # "command" | "call"
    times: list[float] = field(default_factory=list)
    peak_mib: float | None = None
    note: str = ""
    ok: bool = True

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["median"] = self.median
        data["min"] = min(self.times) if self.times else None
        return data


# Forks and execs the command, then reports its wall time, peak RSS and exit code on a pipe.
# A child forked straight from the benchmark would count the benchmark's own memory in its
# ru_maxrss (the pages it had before exec); this launcher is a bare interpreter (-S -I), far
# smaller than any taskduty process.
_LAUNCHER = """
import os, sys, time
out = int(sys.argv[1])
os.set_inheritable(out, False)
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
os.write(out, f"{wall} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}".encode())
"""


def run_once(argv: Sequence[str], env: dict[str, str], cwd: Path) -> tuple[float, float, int]:
    """(wall seconds, the command's peak RSS in MiB, exit code) of one run."""
    read_end, write_end = os.pipe()
    try:
        proc = subprocess.Popen([sys.executable, "-S", "-I", "-c", _LAUNCHER, str(write_end),
                                 *argv], env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, pass_fds=(write_end,))
        os.close(write_end)
        write_end = -1
        with os.fdopen(read_end, "rb") as fh:
            read_end = -1
            report = fh.read().decode().split()
        proc.wait()
    finally:
        for fd in (read_end, write_end):
            if fd >= 0:
                os.close(fd)
    if len(report) != 3:
        return float("nan"), 0.0, proc.returncode or 1
    wall, rss_kib, code = report
    return float(wall), int(rss_kib) / 1024, int(code)  # ru_maxrss is KiB on Linux


def time_commands(commands: dict[str, Sequence[str]], env: dict[str, str], cwd: Path,
                  runs: int, warmup: int = 1,
                  before: dict[str, Callable[[], None]] | None = None,
                  envs: dict[str, dict[str, str]] | None = None) -> dict[str, Stats]:
    """Median of ``runs`` for each command, interleaved so load on the machine hits all alike
    (a command and its floor timed in turns). ``before[name]`` runs untimed before each run
    of that command (to reset state); ``envs[name]`` is added to its environment."""
    out = {name: Stats(name, "command") for name in commands}
    before = before or {}
    envs = envs or {}
    for i in range(warmup + runs):
        for name, argv in commands.items():
            if name in before:
                before[name]()
            wall, rss, code = run_once(argv, {**env, **envs.get(name, {})}, cwd)
            if code != 0:
                out[name].ok = False
                out[name].note = f"exit code {code}: {' '.join(argv)}"
            if i >= warmup:
                out[name].times.append(wall)
                out[name].peak_mib = max(out[name].peak_mib or 0.0, rss)
    return out


def time_command(name: str, argv: Sequence[str], env: dict[str, str], cwd: Path, runs: int,
                 warmup: int = 0, before: Callable[[], None] | None = None) -> Stats:
    """One command, ``runs`` times (``before`` runs untimed before each, e.g. to reset state)."""
    stats = Stats(name, "command")
    for i in range(warmup + runs):
        if before is not None:
            before()
        wall, rss, code = run_once(argv, env, cwd)
        if code != 0:
            stats.ok = False
            stats.note = f"exit code {code}: {' '.join(argv)}"
        if i >= warmup:
            stats.times.append(wall)
            stats.peak_mib = max(stats.peak_mib or 0.0, rss)
    return stats


def time_call(name: str, fn: Callable[[], Any], runs: int, warmup: int = 1,
              trace_memory: bool = True, before: Callable[[], None] | None = None) -> Stats:
    """Median wall time of ``fn()``; the tracemalloc peak of one more, separate run."""
    stats = Stats(name, "call")
    for i in range(warmup + runs):
        if before is not None:
            before()
        start = time.perf_counter()
        fn()
        if i >= warmup:
            stats.times.append(time.perf_counter() - start)
    if trace_memory:
        if before is not None:
            before()
        tracemalloc.start()
        try:
            fn()
            stats.peak_mib = tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()
    return stats
