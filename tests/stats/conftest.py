"""The hand-computed world on each engine (SQLite always; PostgreSQL with DIALER_TEST_POSTGRES)."""

from __future__ import annotations

import pytest

from stats.world import World, seed_world


@pytest.fixture
async def world(db: str) -> World:
    return await seed_world()
