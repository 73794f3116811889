"""Layers only look down: no module of core or dashapp imports one that imports it back, and core
never imports the web stack.

The graph is read from the source with `ast`, so it also sees imports inside
functions (a lazy import that climbs back up is still a cycle) and relative ones.
`from a.b import c` is an edge to module a.b.c when that is a module, else to a.b.
"""
from __future__ import annotations

import ast
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "dashapp")
WEB_STACK = ("dashapp", "dash", "flask")  # and their extensions (dash_*, flask_*)


def find_modules(root: Path, packages: tuple[str, ...]) -> dict[str, Path]:
    """Dotted module name -> source file, for every .py file under `packages` in `root`."""
    modules = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def imported_names(module: str, path: Path) -> list[str]:
    """Every dotted name `module` imports, wherever the import statement is; relative imports made absolute."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            names += [f"{base}.{alias.name}" for alias in node.names]
    return names


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """module -> the modules of `modules` it imports."""
    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph = {}
    for module, path in modules.items():
        targets = {resolve(name) for name in imported_names(module, path)}
        graph[module] = {t for t in targets if t is not None and t != module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One import cycle (a path from a module back to itself) per group of modules that import each other."""
    found = []
    for group in _strongly_connected(graph):
        if len(group) > 1:
            found.append(_path_back(graph, min(group), group))
    return found


def _strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm: groups of modules each reachable from every other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def _path_back(graph: dict[str, set[str]], start: str, group: set[str]) -> list[str]:
    """A shortest import path start -> ... -> start inside `group`."""
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph[node] & group):
                if target == start:
                    return paths[node] + [start]
                if target not in paths:
                    paths[target] = paths[node] + [target]
                    following.append(target)
        frontier = following
    raise AssertionError(f"{start} is in a cycle but no path leads back to it")


def test_no_module_imports_one_that_imports_it_back():
    modules = find_modules(REPO_ROOT, PACKAGES)
    assert {"core", "core.pipeline", "dashapp.app"} <= set(modules)  # the walk found the packages
    found = cycles(import_graph(modules))
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(cycle) for cycle in found)


def test_core_never_imports_dashapp_dash_or_flask():
    modules = find_modules(REPO_ROOT, ("core",))
    offending = sorted(
        f"{module} imports {name}"
        for module, path in modules.items()
        for name in imported_names(module, path)
        if any(name.split(".")[0] == web or name.split(".")[0].startswith(f"{web}_") for web in WEB_STACK)
    )
    assert not offending, "\n".join(offending)


def test_the_reader_sees_lazy_and_relative_imports_that_close_a_cycle(tmp_path):
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg.sub.b import helper\n")
    (package / "sub" / "b.py").write_text("def helper():\n    from .c import deep\n    return deep\n")
    (package / "sub" / "c.py").write_text("import numpy\n\n\ndef deep():\n    from .. import a\n    return a\n")
    graph = import_graph(find_modules(tmp_path, ("pkg",)))
    assert graph["pkg.a"] == {"pkg.sub.b"} and graph["pkg.sub.b"] == {"pkg.sub.c"}
    assert cycles(graph) == [["pkg.a", "pkg.sub.b", "pkg.sub.c", "pkg.a"]]
    (package / "sub" / "c.py").write_text("def deep():\n    return 1\n")
    assert cycles(import_graph(find_modules(tmp_path, ("pkg",)))) == []
