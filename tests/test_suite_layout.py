"""The suite's own layout: pytest's default import mode refuses two test modules with the same
file name (in folders that are not packages), and then collects nothing at all in CI."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

TESTS = Path(__file__).parent


def test_test_module_names_are_unique() -> None:
    seen: dict[str, list[str]] = defaultdict(list)
    for path in TESTS.rglob("test_*.py"):
        if (path.parent / "__init__.py").exists():
            continue  # inside a package the module name is qualified
        seen[path.name].append(str(path.relative_to(TESTS)))
    clashes = {name: paths for name, paths in seen.items() if len(paths) > 1}
    assert not clashes, f"rename one of each: {clashes}"


def test_no_module_imports_a_conftest() -> None:
    # Every folder's conftest is the top-level module `conftest`: which one an import gets
    # depends on what else pytest collected (tests/billing/service with tests/web: none at all).
    importers = [str(path.relative_to(TESTS)) for path in TESTS.rglob("*.py")
                 if any(line.startswith(("from conftest import", "import conftest"))
                        for line in path.read_text(encoding="utf-8").splitlines())]
    assert not importers, f"put what they share in a named module (like webworld.py): {importers}"
