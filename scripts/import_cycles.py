"""Report the import cycles between kgraph's modules.

    python scripts/import_cycles.py            # module-level imports (what runs when a module is imported)
    python scripts/import_cycles.py --all      # also the imports inside functions (deferred imports)

Reads the source with ``ast`` (nothing is imported); imports under ``if TYPE_CHECKING:`` are left out. Exit
status 1 when there is a cycle, so the check can run in CI.
"""
from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "kgraph"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports(path: Path, modules: set[str], deferred: bool) -> set[str]:
    """The kgraph modules ``path`` imports (a package's ``from . import x`` names the submodule x)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST, top: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                continue
            inner = top and not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, (ast.Import, ast.ImportFrom)) and (top or deferred):
                if isinstance(child, ast.Import):
                    targets = [alias.name for alias in child.names]
                else:
                    base = child.module or ""
                    if child.level:
                        anchor = package.split(".")
                        anchor = anchor[:len(anchor) - (child.level - 1)]
                        base = ".".join(anchor + ([child.module] if child.module else []))
                    targets = [f"{base}.{alias.name}" for alias in child.names] + [base]
                for target in targets:
                    while target and target not in modules:
                        target = target.rpartition(".")[0]
                    if target and target != name and not name.startswith(target + "."):
                        found.add(target)
            visit(child, inner)

    visit(ast.parse(path.read_text(encoding="utf-8")), True)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for v in sorted(graph):
        if v not in index:
            connect(v)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="also count imports made inside functions")
    args = parser.parse_args()
    paths = sorted((ROOT / PACKAGE).rglob("*.py"))
    modules = {module_name(p) for p in paths}
    graph = {module_name(p): imports(p, modules, args.all) for p in paths}
    found = cycles(graph)
    kind = "module-level and deferred" if args.all else "module-level"
    edges = sum(len(v) for v in graph.values())
    print(f"{len(graph)} modules, {edges} {kind} imports between them, {len(found)} cycles")
    for component in found:
        print("cycle: " + " <-> ".join(component))
        for v in component:
            print(f"  {v} -> " + ", ".join(sorted(graph[v] & set(component))))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
