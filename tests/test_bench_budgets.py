"""bench/run.py judges each budget at the size its issue set it at."""

from __future__ import annotations

import importlib.util
import sys

from conftest import ROOT


def _bench():
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(ROOT / "bench"))


def _sizes(bench, seconds: dict[int, tuple[float, float]]):
    """Each size's load and export, timed (load s, export s), export's RSS as 50 + size/1000."""
    Stats = bench.Stats
    return {n: [Stats("load", "command", [load]),
                Stats("export", "command", [export], peak_mib=50 + n / 1000)]
            for n, (load, export) in seconds.items()}


def _rows(bench, sizes):
    return {r["budget"]: r for r in bench.check_budgets([], [], sizes)}


def test_issue_7_budgets_are_judged_at_50k_not_at_the_largest_size():
    bench = _bench()
    rows = _rows(bench, _sizes(bench, {1000: (0.5, 1.0), 50_000: (11.0, 25.0),
                                       200_000: (40.0, 150.0)}))
    assert rows["load 50k tasks"]["measured"] == 11.0 and rows["load 50k tasks"]["passed"]
    assert rows["export 50k tasks"]["measured"] == 25.0 and rows["export 50k tasks"]["passed"]
    memory = rows["export peak RSS 50k / 1k"]
    assert memory["measured"] == 100 / 51 and memory["passed"]
    assert not any("200k tasks" in name for name in rows)


def test_issue_7_budgets_fail_at_50k_and_are_skipped_without_it():
    bench = _bench()
    rows = _rows(bench, _sizes(bench, {1000: (0.5, 1.0), 50_000: (21.0, 31.0)}))
    assert rows["load 50k tasks"]["passed"] is False
    assert rows["export 50k tasks"]["passed"] is False
    rows = _rows(bench, _sizes(bench, {1000: (0.5, 1.0), 10_000: (2.0, 8.0)}))
    assert rows["load 50k tasks"]["passed"] is None
    assert rows["export 50k tasks"]["passed"] is None
    assert not any(name.startswith("export peak RSS") for name in rows)


def test_a_module_the_cli_does_not_import_costs_it_nothing(monkeypatch, tmp_path):
    """cli/complete.py is imported only when a shell asks: its share of --version is 0 %,
    a pass, not a budget the run could not measure."""
    import subprocess

    bench = _bench()

    def run(argv, **kwargs):
        return subprocess.CompletedProcess(argv, 0, "", "import time: 5 | 900 | taskduty.cli\n")

    monkeypatch.setattr(bench.subprocess, "run", run)
    stats = bench.import_ms({"env": {}, "work": tmp_path}, "taskduty.cli.complete", runs=3)
    assert stats.ok and stats.times == [0.0, 0.0, 0.0]
    version = bench.Stats("--version", "command", [0.05])
    rows = {r["budget"]: r for r in bench.completion_budgets([stats, version])}
    share = next(r for name, r in rows.items() if name.startswith("completion: import"))
    assert share["measured"] == 0 and share["passed"] is True
