"""The engine world of tests/engine (the fake Asterisk on loopback, a migrated SQLite
database), for the do-not-call tests that dial."""

from __future__ import annotations

from engine.conftest import EngineWorld, engine_world  # noqa: F401 - a fixture, found by name

__all__ = ["EngineWorld", "engine_world"]
