"""The importer's database fixture: the suite's `db` (a migrated database on SQLite and on
PostgreSQL), made fast by copying one migrated template per engine instead of migrating
each test's database afresh (about 3 s a test on PostgreSQL on a busy machine)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import shutil
import uuid
from pathlib import Path
from typing import Any, AsyncIterator, Coroutine, Iterator

import asyncpg
import pytest

from dbworld import PostgresDatabase, require_postgres
from dialer.db import close_db, init_db, migrate


def _run(coro: Coroutine[Any, Any, Any]) -> Any:
    # Sync fixtures may be set up while a test's event loop runs: use a loop of our own.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


@pytest.fixture(scope="session")
def migrated_postgres_template() -> Iterator[PostgresDatabase]:
    pg = PostgresDatabase(require_postgres())
    pg.name = f"dialer_tpl_{uuid.uuid4().hex[:12]}"
    pg.url = pg.url.rsplit("/", 1)[0] + "/" + pg.name
    _run(pg.create())
    _run(migrate(pg.url))
    yield pg
    _run(pg.drop())


async def _clone(template: PostgresDatabase) -> PostgresDatabase:
    clone = PostgresDatabase(template.admin_url)
    conn = await asyncpg.connect(clone.admin_url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute(f'CREATE DATABASE "{clone.name}" TEMPLATE "{template.name}"')
    finally:
        await conn.close()
    return clone


@pytest.fixture(params=["sqlite", "postgres"])
def db_copy(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        target = tmp_path / "test.sqlite3"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite_template"), target)
        yield f"sqlite://{target.as_posix()}"
        return
    clone = _run(_clone(request.getfixturevalue("migrated_postgres_template")))
    yield clone.url
    _run(clone.drop())


@pytest.fixture
async def db(db_copy: str) -> AsyncIterator[str]:
    """A migrated database on each engine with the ORM initialised."""
    await init_db(db_copy)
    yield db_copy
    await close_db()
