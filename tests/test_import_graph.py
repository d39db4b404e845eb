"""The import graph of src/taskduty has no cycles, counting imports inside functions too (a
lazy import is still a dependency: a circle through one only works by luck of call order),
and the lower layers import nothing above them (:mod:`taskduty.db` neither the migrations
nor the renderer)."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT
from helpers import parsed

SRC = ROOT / "src" / "taskduty"


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _targets(node: ast.AST, name: str, modules: dict[str, Path]) -> list[str]:
    """The taskduty modules one import statement of module ``name`` names: absolute
    ``taskduty.`` imports and relative ones; ``from taskduty import x`` names module
    ``taskduty.x`` when that is a module (else the package ``taskduty``)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:
        package = name.split(".") if modules[name].name == "__init__.py" else name.split(".")[:-1]
        package = package[:len(package) - (node.level - 1)]
        base = ".".join([*package, *([base] if base else [])])
    found = []
    for alias in node.names:
        sub = f"{base}.{alias.name}"
        found.append(sub if sub in modules else base)
    return found


def _type_checking(node: ast.AST) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.Module, lazy: bool) -> list[ast.AST]:
    """The import statements of a module: top level only, or (lazy) anywhere in it, in both
    cases leaving out ``if TYPE_CHECKING:`` blocks (no import at run time)."""
    out: list[ast.AST] = []
    todo: list[ast.AST] = list(tree.body)
    while todo:
        node = todo.pop()
        if _type_checking(node):
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            out.append(node)
        elif lazy:
            todo.extend(ast.iter_child_nodes(node))
    return out


def graph(lazy: bool) -> dict[str, set[str]]:
    modules = {module_name(p): p for p in SRC.rglob("*.py")}
    edges: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        tree = parsed(path)
        for node in _imports(tree, lazy):
            for t in _targets(node, name, modules):
                if t in modules and t != name and not name.startswith(t + "."):
                    edges[name].add(t)
    return edges


# Deliberate circles through an import inside a function, each with why it stays: none.
ALLOWED: dict[tuple[str, ...], str] = {}


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


def test_no_cycles_even_through_imports_inside_functions():
    found = [c for c in cycles(graph(lazy=True)) if tuple(c) not in ALLOWED]
    assert found == []


def test_the_graph_follows_every_spelling_of_an_import():
    """Relative imports, ``from taskduty import x`` and imports inside a function count."""
    edges = graph(lazy=True)
    assert "taskduty.cli.names" in edges["taskduty.cli.app"]  # inside a nested function
    assert "taskduty.render" in edges["taskduty.cli.boundary"]  # from taskduty import render
    assert "taskduty.settings" in edges["taskduty.cli.app"]  # from taskduty import settings
    assert cycles({"a": {"b"}, "b": {"a"}}) == [["a", "b", "a"]]


def imports_anywhere(module: str) -> set[str]:
    """Every taskduty module ``module`` imports, at module level or in any function."""
    return graph(lazy=True)[module]


def test_db_imports_neither_migrations_nor_render():
    found = imports_anywhere("taskduty.db")
    assert not found & {"taskduty.migrations", "taskduty.render"}, found
    assert "taskduty.migrations" in imports_anywhere("taskduty.cli.boundary")  # graph sees it


def test_no_test_module_imports_another():
    """Tests share helpers through tests/helpers.py (and fixtures through conftest.py)."""
    tests = ROOT / "tests"
    modules = {p.stem for p in tests.glob("test_*.py")}
    found = []
    for path in sorted(tests.rglob("*.py")):
        for node in ast.walk(parsed(path)):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            found += [(path.name, n) for n in names if n.split(".")[0] in modules]
    assert found == []
