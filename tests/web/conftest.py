"""A web world: the app on a migrated SQLite database, an HTTP client, users by role.
Helpers that tests import by name are in webworld.py."""

from __future__ import annotations

from typing import AsyncIterator

import httpx
import pytest

from dialer.accounts.users import Actor, create_user, get_or_create_team
from dialer.config import Settings
from dialer.models.enums import Role
from dialer.web.app import create_app
from webworld import PASSWORD, People


@pytest.fixture
def app(sqlite_db: str, tmp_path):
    return create_app(Settings(data_dir=tmp_path, db_url=sqlite_db, secret_key="test-secret"), manage_db=False)


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("10.1.2.3", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture
async def people(sqlite_db: str) -> People:
    team = await get_or_create_team("Sales")
    actor = Actor.system("test")
    return People(
        admin=await create_user("admin", PASSWORD, Role.ADMIN, actor=actor),
        supervisor=await create_user("super", PASSWORD, Role.SUPERVISOR, actor=actor, team=team),
        agent=await create_user("agent1", PASSWORD, Role.AGENT, actor=actor, team=team, extension="PJSIP/1001"),
    )
