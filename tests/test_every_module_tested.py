"""Every module of crawler/ and checks/ has a test file that imports it.

A package's ``__init__`` counts only when it holds code of its own (functions or classes);
one that only imports its modules is their face, not a module to test. Helpers inside
tests/ (testkits, fixtures) count as tests. Modules still waiting for their tests are
listed in ``NOT_YET``; the list may only shrink (a listed module that is now imported fails
the test, so the list stays true).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("crawler", "checks")
NOT_YET: set[str] = set()


def _has_code(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) for n in tree.body)


def project_modules() -> set[str]:
    """Dotted names of the modules of crawler/ and checks/."""
    out = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                if not _has_code(path):
                    continue
                parts = parts[:-1]
            out.add(".".join(parts))
    return out


def imported_by_tests() -> dict[str, set[str]]:
    """Dotted name -> test files importing it (``import a.b``, ``from a import b``, ``from a.b import x``),
    at any depth of the file (imports inside test functions count)."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / "tests").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            else:
                continue
            for name in names:
                found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return found


def test_the_finder_sees_modules_and_their_tests():
    modules, imported = project_modules(), imported_by_tests()
    assert {"crawler.store", "checks.pipeline.engine", "checks.catalogue"} <= modules  # a package with code
    assert "checks.rules" not in modules or _has_code(ROOT / "checks" / "rules" / "__init__.py")
    assert "tests/test_every_module_tested.py" not in imported.get("crawler.store", set())
    assert "tests/crawler/test_store.py" in imported["crawler.store"]


def test_every_module_is_imported_by_a_test():
    modules, imported = project_modules(), imported_by_tests()
    untested = sorted(m for m in modules - NOT_YET if m not in imported)
    assert not untested, f"modules no test imports (write a test of what each does): {untested}"
    done = sorted(m for m in NOT_YET if m in imported)
    assert not done, f"now imported by a test, take them off NOT_YET: {done}"
