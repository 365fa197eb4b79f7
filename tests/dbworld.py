"""Databases for tests: a SQLite file per test, or a fresh PostgreSQL database per test
(created on the server named by DIALER_TEST_POSTGRES and dropped afterwards)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

POSTGRES_ENV = "DIALER_TEST_POSTGRES"


def postgres_admin_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


class PostgresDatabase:
    """A throw-away database on the test server."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url.replace("postgresql://", "postgres://", 1)
        self.name = f"dialer_t_{uuid.uuid4().hex[:12]}"
        self.url = _with_database(self.admin_url, self.name)

    def _asyncpg_url(self) -> str:
        return self.admin_url.replace("postgres://", "postgresql://", 1)

    async def create(self) -> str:
        conn = await asyncpg.connect(self._asyncpg_url())
        try:
            await conn.execute(f'CREATE DATABASE "{self.name}"')
        finally:
            await conn.close()
        return self.url

    async def drop(self) -> None:
        conn = await asyncpg.connect(self._asyncpg_url())
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        finally:
            await conn.close()


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite://{(tmp_path / 'test.sqlite3').as_posix()}"


def require_postgres() -> str:
    url = postgres_admin_url()
    if not url:
        pytest.skip(f"{POSTGRES_ENV} not set (.ci/run sets it)")
    return url
