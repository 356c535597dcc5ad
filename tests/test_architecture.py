"""The layout's rules, checked: data flows one way through the layers, and no module imports itself back."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("geo", "layers", "server")


def _module(path: Path) -> str:
    name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return name.removesuffix(".__init__")


def _runtime_imports(tree: ast.AST) -> set[str]:
    """Every module named by an import that runs: function-level ones included, `if TYPE_CHECKING:` ones not."""
    found: set[str] = set()

    def visit(node: ast.AST, typing_only: bool) -> None:
        if isinstance(node, ast.If):
            test = node.test
            guard = (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
                isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")
            for child in node.body:
                visit(child, typing_only or guard)
            for child in node.orelse:
                visit(child, typing_only)
            return
        if not typing_only:
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
                found.update(f"{node.module}.{a.name}" for a in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child, typing_only)

    visit(tree, False)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports at run time."""
    paths = {_module(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}
    return {m: {i for i in _runtime_imports(ast.parse(p.read_text(encoding="utf-8"))) if i in paths and i != m}
            for m, p in paths.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that import each other, directly or round a loop (Tarjan's strongly connected parts)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while (w := stack.pop()) != v:
                group.append(w)
            if group:
                out.append(sorted([v, *group]))

    for v in graph:
        if v not in index:
            visit(v)
    return out


def test_no_module_imports_itself_back() -> None:
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_scan_sees_function_level_imports_and_skips_typing_only_ones() -> None:
    tree = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import x\n"
                     "def f():\n    from y import z\n")
    assert _runtime_imports(tree) == {"typing", "typing.TYPE_CHECKING", "y", "y.z"}


def test_import_contracts_are_kept() -> None:
    """pyproject.toml's [tool.importlinter] contracts: the layers' direction and HTTP only in server/."""
    run = subprocess.run([sys.executable, "-c", "from importlinter.cli import lint_imports_command as c; c()",
                          "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "BROKEN" not in run.stdout


def test_nothing_below_the_server_asks_for_the_newest_data() -> None:
    """Pages, stats and render read the snapshot they are given; only the atlas's snapshot() reads the store.

    A call of `.version()`, or of the store's `.observations()` / `.targets()`, anywhere else below server/ would
    be a page deciding on its own which data version it shows.
    """
    reads = {"version", "observations", "targets"}
    found = []
    for package in ("pages", "stats", "render", "core"):
        for path in (ROOT / "layers" / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in reads:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.func.attr}()")
    elsewhere = [f for f in found if not f.startswith("layers/pages/atlas.py:")]
    assert elsewhere == []
    assert {f.rsplit(" ", 1)[1] for f in found} == {".version()", ".observations()", ".targets()"}  # the scan sees them
