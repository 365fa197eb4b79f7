"""Numbers onto the do-not-call list by the ten thousand, by the fast paths of DATA-LAYER.md,
through the ORM's own connection.

PostgreSQL: COPY into a temporary table, then one `INSERT ... SELECT ... ON CONFLICT DO
NOTHING`. SQLite: one prepared INSERT run over the batch (executemany) in one transaction.
A number already listed in the same scope is left as it is (the unique index on phone and
campaign, and the partial one on global phones, decide) and counted as already listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Sequence

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from dialer.models.enums import DncSource

_COLUMNS = "phone, campaign_id, reason, added_by, added_at, expires_at, source"


@dataclass(frozen=True)
class Stamp:
    """What every number of one bulk add shares: scope, expiry, source, who, why."""

    campaign_id: int | None = None
    expires_at: datetime | None = None
    source: DncSource = DncSource.IMPORT
    added_by: str = ""
    reason: str = ""


def _sqlite() -> bool:
    return Tortoise.get_connection("default").capabilities.dialect == "sqlite"


def _text(value: datetime | None) -> str | None:
    # The text Tortoise writes for an aware datetime on SQLite, so the ORM reads it back and
    # the lease's text comparison (leasing._ts) holds.
    return None if value is None else str(value.astimezone(timezone.utc))


async def add_many(phones: Sequence[str], stamp: Stamp) -> int:
    """Add E.164 numbers in one transaction; returns how many were new in that scope."""
    if not phones:
        return 0
    now = datetime.now(timezone.utc)
    if _sqlite():
        async with in_transaction("default") as conn:
            db = conn._connection  # aiosqlite.Connection inside this transaction
            before = db.total_changes
            constant = (stamp.campaign_id, stamp.reason[:200], stamp.added_by[:64], _text(now),
                        _text(stamp.expires_at), stamp.source.value)
            await db.executemany(f"INSERT INTO dnc_entry ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) "
                                 "ON CONFLICT DO NOTHING", [(p, *constant) for p in phones])
            return db.total_changes - before
    async with in_transaction("default") as conn:
        db = conn._connection  # asyncpg.Connection holding this transaction
        await db.execute("SET LOCAL client_min_messages = warning")  # no "already exists" notices
        await db.execute("CREATE TEMP TABLE IF NOT EXISTS dialer_dnc_rows (phone text) ON COMMIT DELETE ROWS")
        await db.copy_records_to_table("dialer_dnc_rows", records=[(p,) for p in phones], columns=["phone"])
        status = await db.execute(
            f"INSERT INTO dnc_entry ({_COLUMNS}) SELECT r.phone, $1::int, $2, $3, $4::timestamptz, "
            "$5::timestamptz, $6 FROM dialer_dnc_rows r ON CONFLICT DO NOTHING",
            stamp.campaign_id, stamp.reason[:200], stamp.added_by[:64], now, stamp.expires_at, stamp.source.value)
        return int(status.split()[-1])


async def last_id() -> int:
    conn = Tortoise.get_connection("default")
    rows = await conn.execute_query_dict("SELECT MAX(id) AS m FROM dnc_entry")
    return int(rows[0]["m"] or 0) if rows else 0


async def refresh_statistics() -> None:
    """PostgreSQL: after a large add, the planner learns the table's new size now rather than at
    autovacuum's next pass; with the old figures it probed a million rows by nested loops (the
    contacts' closing below took minutes instead of a second). SQLite plans without them."""
    if not _sqlite():
        await Tortoise.get_connection("default").execute_script("ANALYZE dnc_entry")


async def close_listed_contacts(after_id: int) -> int:
    """Pending contacts whose number an add since entry `after_id` barred for good everywhere
    become `dnc` (the lease passes them over anyway; this makes the lists' counts say so)."""
    conn = Tortoise.get_connection("default")
    p = "?" if _sqlite() else "$1"
    count, _ = await conn.execute_query(
        "UPDATE contact SET status = 'dnc' WHERE status = 'pending' AND phone IN (SELECT d.phone FROM dnc_entry d "
        f"WHERE d.id > {p} AND d.campaign_id IS NULL AND d.expires_at IS NULL)", [after_id])
    return count
