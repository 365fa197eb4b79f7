"""Which package may know which, read from the source (no import runs): the web layer sees the
engine only through its facade and its read-only views, and the simulated PBX stays a PBX that
knows nothing of the engine, as a real Asterisk does not."""

from __future__ import annotations

import ast
from pathlib import Path

from dialer.engine.engine import Engine

DIALER = Path(__file__).parents[1] / "backend" / "dialer"

WEB_MAY_IMPORT: dict[str, set[str] | None] = {"dialer.engine.views": None,
                                               "dialer.engine.engine": {"Engine", "AgentError"}}
"""Engine modules the web may import, with the names it may take from each (None: any)."""

FACADE = {name for name in vars(Engine) if not name.startswith("_")}
"""What the web may use of an engine: the methods and properties the Engine class declares, not
the parts it is built from (`engine.s`, `engine.calls`, `engine.preview`...)."""


def _trees(package: str) -> list[tuple[str, ast.Module]]:
    return [(str(path.relative_to(DIALER)), ast.parse(path.read_text(encoding="utf-8"), str(path)))
            for path in sorted((DIALER / package).rglob("*.py"))]


def _engine_imports(tree: ast.Module) -> list[tuple[int, str, set[str]]]:
    """(line, engine module, names taken from it) for every import of the engine, at any depth
    (lazy imports inside functions too)."""
    found: list[tuple[int, str, set[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, set()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "dialer.engine":  # `from dialer.engine import views`: modules
                found += [(node.lineno, f"dialer.engine.{alias.name}", set()) for alias in node.names]
            else:
                found.append((node.lineno, node.module, {alias.name for alias in node.names}))
    return [(line, module, names) for line, module, names in found
            if module == "dialer.engine" or module.startswith("dialer.engine.")]


def _names_the_engine(node: ast.expr) -> bool:
    """`engine`, `self.engine`, `app.state.engine`: how the web calls an engine."""
    return (isinstance(node, ast.Name) and node.id == "engine") or (
        isinstance(node, ast.Attribute) and node.attr == "engine")


def web_violations(path: str, tree: ast.Module) -> list[str]:
    bad = []
    for line, module, names in _engine_imports(tree):
        if module not in WEB_MAY_IMPORT:
            bad.append(f"{path}:{line} imports {module}")
        elif (allowed := WEB_MAY_IMPORT[module]) is not None and names - allowed:
            bad.append(f"{path}:{line} takes {sorted(names - allowed)} from {module}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "s":
            bad.append(f"{path}:{node.lineno} reads `.s` (an engine's state)")
        elif isinstance(node, ast.Attribute) and _names_the_engine(node.value) and node.attr not in FACADE:
            bad.append(f"{path}:{node.lineno} reads engine.{node.attr}, which the Engine facade does not offer")
    return bad


def sim_violations(path: str, tree: ast.Module) -> list[str]:
    return [f"{path}:{line} imports {module}" for line, module, _ in _engine_imports(tree)]


def test_the_web_reads_the_engine_only_through_its_facade_and_views() -> None:
    assert [bad for path, tree in _trees("web") for bad in web_violations(path, tree)] == []


def test_the_simulated_pbx_does_not_import_the_engine() -> None:
    assert [bad for path, tree in _trees("sim") for bad in sim_violations(path, tree)] == []


def test_the_checks_catch_what_they_are_for() -> None:
    web = ast.parse("from dialer.engine.views import CallView\n"
                    "from dialer.engine.engine import Engine, CallFlow\n"
                    "from dialer.engine import state\n"
                    "def f(engine, app):\n"
                    "    import dialer.engine.contact_feed\n"
                    "    return engine.s.agents, app.state.engine.preview, engine.agent_view(1)\n")
    assert sorted(web_violations("w.py", web)) == [
        "w.py:2 takes ['CallFlow'] from dialer.engine.engine", "w.py:3 imports dialer.engine.state",
        "w.py:5 imports dialer.engine.contact_feed", "w.py:6 reads `.s` (an engine's state)",
        "w.py:6 reads engine.preview, which the Engine facade does not offer"]
    sim = ast.parse("from dialer.sim.pbx import Pbx\ndef f():\n    from dialer.engine.engine import Engine\n")
    assert sim_violations("s.py", sim) == ["s.py:3 imports dialer.engine.engine"]
