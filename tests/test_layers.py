"""Layers point down: lo_audit -> checks -> crawler -> common (issue 16).

Every ``import`` of every module is read with ``ast``, those inside functions and methods
included (an import hidden in a function is still a dependency), so a module that reaches
up a layer fails here however it does it.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("common", "crawler", "checks", "lo_audit")

FORBIDDEN = {
    "common": ("crawler", "checks", "lo_audit"),
    "crawler": ("checks", "lo_audit"),
    "checks": ("lo_audit",),
}
"""Packages each layer must never import (its own and the ones below it are fine)."""

def imports_of(path: Path, root: Path = ROOT) -> set[str]:
    """Every name ``path`` imports, at any depth: ``import a.b`` gives ``a.b``, ``from a import b``
    gives ``a.b`` (a module or a name in ``a``); relative imports are resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            found.update(f"{base}.{alias.name}" if alias.name != "*" else base for alias in node.names)
    return found


def modules(package: str, root: Path = ROOT) -> list[Path]:
    return sorted((root / package).rglob("*.py"))


def upward_imports(root: Path = ROOT) -> set[tuple[str, str]]:
    """``(file, imported name)`` for every import that points up a layer."""
    out = set()
    for layer, banned in FORBIDDEN.items():
        for path in modules(layer, root):
            for name in imports_of(path, root):
                if name.split(".")[0] in banned:
                    out.add((path.relative_to(root).as_posix(), name))
    return out


def test_the_scan_sees_imports_inside_functions(tmp_path):
    """The test can fail: upward imports hidden in a function or made relative are found."""
    (tmp_path / "checks" / "rules").mkdir(parents=True)
    (tmp_path / "crawler").mkdir()
    (tmp_path / "common").mkdir()
    (tmp_path / "checks" / "rules" / "probe.py").write_text(
        "def f():\n    from lo_audit import config\n    import lo_audit.cli as cli\n")
    (tmp_path / "crawler" / "probe.py").write_text("class A:\n    def m(self):\n        from checks.rules import x\n")
    (tmp_path / "common" / "probe.py").write_text("from crawler.urls import host_key\nfrom . import errors\n")
    assert upward_imports(tmp_path) == {
        ("checks/rules/probe.py", "lo_audit.config"), ("checks/rules/probe.py", "lo_audit.cli"),
        ("crawler/probe.py", "checks.rules.x"), ("common/probe.py", "crawler.urls.host_key"),
    }


def test_no_layer_imports_a_layer_above_it():
    found = sorted(upward_imports())
    assert not found, "imports pointing up a layer:\n" + "\n".join(f"{f}: {n}" for f, n in found)


def import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports (a package's import means its ``__init__``)."""
    names = {}
    for package in PACKAGES:
        for path in modules(package):
            rel = path.relative_to(ROOT).with_suffix("")
            parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
            names[".".join(parts)] = path
    graph = {}
    for name, path in names.items():
        targets = set()
        for imported in imports_of(path):
            while imported and imported not in names:  # ``from a.b import c``: c may be a name
                imported = imported.rpartition(".")[0]
            if imported and imported != name:
                targets.add(imported)
        graph[name] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), i.e. import cycles."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return out


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles_even_through_function_imports():
    found = cycles(import_graph())
    assert not found, "\n".join(" -> ".join(group) for group in found)
