"""Fixtures shared by the whole suite: databases on both engines, and worlds built by intent."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import AsyncIterator

import pytest

from dbworld import PostgresDatabase, require_postgres, sqlite_url
from dialer.db import close_db, init_db, migrate


@pytest.fixture(params=["sqlite", "postgres"])
async def db_url(request: pytest.FixtureRequest, tmp_path) -> AsyncIterator[str]:
    """An empty database on each engine (PostgreSQL when DIALER_TEST_POSTGRES is set)."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
        return
    pg = PostgresDatabase(require_postgres())
    yield await pg.create()
    await pg.drop()


@pytest.fixture
async def sqlite_db_url(tmp_path) -> str:
    return sqlite_url(tmp_path)


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[str]:
    """A migrated database on each engine with the ORM initialised."""
    await migrate(db_url)
    await init_db(db_url)
    yield db_url
    await close_db()


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated once per run; tests get copies (migrating each costs ~0.3 s)."""
    path = tmp_path_factory.mktemp("template") / "migrated.sqlite3"
    asyncio.run(migrate(f"sqlite://{path.as_posix()}"))
    return path


@pytest.fixture
async def sqlite_db(migrated_sqlite_template: Path, tmp_path: Path) -> AsyncIterator[str]:
    """A migrated SQLite database with the ORM initialised (for tests that are engine-neutral)."""
    target = tmp_path / "test.sqlite3"
    shutil.copyfile(migrated_sqlite_template, target)
    url = f"sqlite://{target.as_posix()}"
    await init_db(url)
    yield url
    await close_db()
