"""The package's modules import one another one way: no import cycles.

Imports inside functions count as much as those at the top of a module: they only delay a cycle
to the first call, where it can still fail half-initialised or hide that two modules are one.
Importing ``a.b.c`` also runs ``a/__init__.py`` and ``a/b/__init__.py``, so an import names its
enclosing packages too (except those the importing module itself lives in, which are already
being imported).
"""

from __future__ import annotations

import ast
from pathlib import Path

import reesim

Graph = dict[str, set[str]]


def modules_under(root: Path) -> dict[str, tuple[Path, bool]]:
    """Every module of the package in folder ``root``: dotted name -> (file, is a package)."""
    found: dict[str, tuple[Path, bool]] = {}
    for path in sorted(root.rglob("*.py")):
        parts = [root.name, *path.relative_to(root).with_suffix("").parts]
        package = parts[-1] == "__init__"
        if package:
            parts.pop()
        found[".".join(parts)] = (path, package)
    return found


def _targets(node: ast.Import | ast.ImportFrom, package: str, modules: set[str]) -> list[str]:
    """The modules an import statement in ``package`` loads, as dotted names."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        parts = package.split(".")
        parts = parts[: len(parts) - node.level + 1]
        base = ".".join([*parts, *([node.module] if node.module else [])])
    # ``from a import b`` loads the module a.b when there is one, else takes a name from a.
    return [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]


def import_graph(root: Path) -> Graph:
    """Module -> the package's modules it imports anywhere in its file (top level, functions,
    branches), with the enclosing packages each import runs."""
    modules = modules_under(root)
    names = set(modules)
    graph: Graph = {name: set() for name in modules}
    for name, (path, package) in modules.items():
        here = name if package else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for target in _targets(node, here, names):
                parts = target.split(".")
                for n in range(1, len(parts) + 1):
                    loaded = ".".join(parts[:n])
                    inside = name == loaded or name.startswith(loaded + ".")
                    if loaded in names and not inside:
                        graph[name].add(loaded)
    return graph


def cycles(graph: Graph) -> list[list[str]]:
    """One cycle (``[a, b, ..., a]``) through each group of modules that import one another."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group: set[str] = set()
            while True:
                w = stack.pop()
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(group)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    found: list[list[str]] = []
    for group in groups:
        start = min(group)
        paths = {start: [start]}
        queue = [start]
        while queue:  # shortest way round from start back to start, within the group
            v = queue.pop(0)
            if start in graph[v]:
                found.append([*paths[v], start])
                break
            for w in sorted(graph[v] & group):
                if w not in paths:
                    paths[w] = [*paths[v], w]
                    queue.append(w)
    return sorted(found)


def test_reesim_has_no_import_cycles() -> None:
    root = Path(reesim.__file__).parent
    graph = import_graph(root)
    # The graph is the real one: every module, with imports at the top and inside functions.
    assert {"reesim", "reesim.cli", "reesim.cli.root", "reesim.kernel.fast"} <= set(graph)
    assert "reesim.cli.common" in graph["reesim.cli.root"]
    assert "reesim.api" in graph["reesim"]  # imported inside __getattr__
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path / "pkg"


def test_a_cycle_through_a_function_level_import_is_found(tmp_path: Path) -> None:
    root = _package(
        tmp_path,
        {
            "__init__.py": "",
            "a.py": "from pkg.b import f\n",
            "b.py": "def f():\n    from . import a\n    return a\n",
            "c.py": "import pkg.a\n",
        },
    )
    assert cycles(import_graph(root)) == [["pkg.a", "pkg.b", "pkg.a"]]


def test_a_cycle_through_a_package_init_is_found(tmp_path: Path) -> None:
    root = _package(
        tmp_path,
        {
            "__init__.py": "",
            "top.py": "def f():\n    from pkg.sub.leaf import g\n    return g\n",
            "sub/__init__.py": "from pkg.top import f\n",
            "sub/leaf.py": "from .other import h\n",
            "sub/other.py": "h = 1\n",
        },
    )
    graph = import_graph(root)
    assert graph["pkg.sub.leaf"] == {"pkg.sub.other"}  # its own package is already being imported
    assert cycles(graph) == [["pkg.sub", "pkg.top", "pkg.sub"]]
