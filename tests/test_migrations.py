"""The migration history applies unchanged on SQLite and PostgreSQL, from zero and onto
databases that already hold rows, and covers every model change."""

from __future__ import annotations

import pkgutil

import pytest
from tortoise import connections

import dialer.migrations
from dialer.db import close_db, init_db, migrate, pending_model_changes
from dialer.models import Campaign, Contact, ContactList, User

MIGRATIONS = sorted(m.name for m in pkgutil.iter_modules(dialer.migrations.__path__) if m.name[:4].isdigit())

# Rows written with the columns of the first migration, which never changes: later
# migrations must carry them forward (a NOT NULL column without db_default fails here).
BASELINE_ROWS = [
    "INSERT INTO team (name, description, created_at) VALUES ('Sales', '', '2026-01-01 10:00:00+00:00')",
    "INSERT INTO \"user\" (username, full_name, email, password_hash, role, active, team_id, created_at) "
    "VALUES ('old', 'Old Timer', '', 'x', 'agent', TRUE, 1, '2026-01-01 10:00:00+00:00')",
    "INSERT INTO contact_list (name, category, description, created_at) "
    "VALUES ('L', '', '', '2026-01-01 10:00:00+00:00')",
    "INSERT INTO contact (contact_list_id, phone, alt_phones, phone_index, name, custom_fields, timezone, caller_id, "
    "status, attempts, last_outcome, last_caller_id, is_callback, created_at, updated_at) VALUES "
    "(1, '+420601000001', '[]', 0, 'Jana', '{\"plan\": \"Plus\"}', '', '', 'pending', 2, '', '', FALSE, "
    "'2026-01-01 10:00:00+00:00', '2026-01-01 10:00:00+00:00')",
]


def test_history_starts_with_the_initial_migration() -> None:
    assert MIGRATIONS and MIGRATIONS[0].startswith("0001_")


async def test_models_have_no_changes_without_a_migration() -> None:
    # The same check as `dialer makemigrations --check`: a model edited without a new
    # migration file fails here.
    assert await pending_model_changes() == []


async def test_applies_from_zero_and_is_idempotent(db_url: str) -> None:
    first = await migrate(db_url)
    assert [s.split(".")[-1] for s in first] == MIGRATIONS
    assert await migrate(db_url) == []
    await init_db(db_url)
    try:
        await Campaign.create(name="c")
        assert await Campaign.filter(name="c").count() == 1
    finally:
        await close_db()


async def test_applies_onto_a_database_holding_rows(db_url: str) -> None:
    await migrate(db_url, MIGRATIONS[0])
    await init_db(db_url)
    try:
        conn = connections.get("default")
        for sql in BASELINE_ROWS:
            await conn.execute_script(sql)
    finally:
        await close_db()
    await migrate(db_url)
    await init_db(db_url)
    try:
        user = await User.get(username="old").select_related("team")
        assert user.team.name == "Sales" and user.active
        contact = await Contact.get(phone="+420601000001")
        assert contact.attempts == 2 and contact.custom_fields == {"plan": "Plus"}
        assert await ContactList.filter(name="L").exists()
    finally:
        await close_db()


@pytest.mark.skipif(len(MIGRATIONS) < 2, reason="needs two migrations to step between")
async def test_downgrade_and_upgrade_again(db_url: str) -> None:
    await migrate(db_url)
    await migrate(db_url, MIGRATIONS[0])
    assert [s.split(".")[-1] for s in await migrate(db_url)] == MIGRATIONS[1:]
