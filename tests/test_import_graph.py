"""The module-level import graph of src/taskduty has no cycles, and the lower layers import
nothing above them (:mod:`taskduty.db` neither the migrations nor the renderer), not even
inside a function.

``graph(lazy=True)`` also follows imports inside functions; that graph still has cycles
(fields -> clauses -> fields, …) which a later change should remove, then this test should
check it too."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

SRC = ROOT / "src" / "taskduty"


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def graph(lazy: bool) -> dict[str, set[str]]:
    modules = {module_name(p): p for p in SRC.rglob("*.py")}
    edges: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        nodes = ast.walk(tree) if lazy else tree.body
        for node in nodes:
            if isinstance(node, ast.If):  # TYPE_CHECKING blocks are not imports at run time
                continue
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for t in targets:
                if t in modules and t != name and not name.startswith(t + "."):
                    edges[name].add(t)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    found, state, stack = [], {}, []

    def visit(n: str) -> None:
        state[n] = 1
        stack.append(n)
        for m in sorted(edges[n]):
            if state.get(m) == 1:
                found.append([*stack[stack.index(m):], m])
            elif m not in state:
                visit(m)
        stack.pop()
        state[n] = 2

    for n in sorted(edges):
        if n not in state:
            visit(n)
    return found


def test_module_level_imports_have_no_cycles():
    assert cycles(graph(lazy=False)) == []


def imports_anywhere(module: str) -> set[str]:
    """Every taskduty module ``module`` imports, at module level or in any function."""
    return graph(lazy=True)[module]


def test_db_imports_neither_migrations_nor_render():
    found = imports_anywhere("taskduty.db")
    assert not found & {"taskduty.migrations", "taskduty.render"}, found
    assert "taskduty.migrations" in imports_anywhere("taskduty.cli.app")  # the graph sees it


def test_no_test_module_imports_another():
    """Tests share helpers through tests/helpers.py (and fixtures through conftest.py)."""
    tests = ROOT / "tests"
    modules = {p.stem for p in tests.glob("test_*.py")}
    found = []
    for path in sorted(tests.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            found += [(path.name, n) for n in names if n.split(".")[0] in modules]
    assert found == []
