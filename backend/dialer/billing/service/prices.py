"""Writing ratings onto their call attempts, many at a time: one statement per batch on
SQLite (executemany in the open transaction); on PostgreSQL a COPY of (attempt, price,
billable seconds, how it was priced) into a temporary table, the few thousand ways calls were
priced into another, and one UPDATE joining them. What the engine's meter, `rerate` and the
benchmark write through.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from typing import Sequence

from tortoise import connections
from tortoise.transactions import in_transaction

from dialer.billing.bulk_rating import RatedCalls
from dialer.billing.rating import Rating

BATCH = 50_000
PARALLEL_FROM = 100_000  # below this one transaction is as fast
# From here the temporary tables are analysed and the join given memory: without statistics
# the planner guesses a few hundred rows, and at the default 4 MB work_mem a million-row hash
# join spills to disk. With both and the narrow COPY, PostgreSQL's CPU for 1M ratings went from
# 35 s to 27 s. The rest is the UPDATE's new index entries (a row on a full page gets no HOT
# update: one entry in each of call_attempt's six indexes): without the five secondary ones
# the same UPDATE takes 6 s.
LARGE = 10_000


def _sqlite_time(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).isoformat(" ")  # as Tortoise stores it in SQLite


def is_postgres() -> bool:
    return connections.get("default").capabilities.dialect == "postgres"


async def store_ratings(ratings: Sequence[Rating] | RatedCalls, rated_at: datetime, *,
                        parallel: bool = False) -> int:
    """Put each rating's price and rate on its attempt; the rows written. Invoiced attempts
    are left alone: an issued invoice's calls keep the price it listed.

    `parallel` (PostgreSQL, many ratings, called outside any transaction): two transactions
    on two connections write halves side by side, as one UPDATE uses one core; each half is
    whole or absent, so a failed re-rating is simply run again.
    """
    rated = ratings if isinstance(ratings, RatedCalls) else RatedCalls.of(ratings)
    if not len(rated):
        return 0
    if is_postgres():
        if parallel and len(rated) >= PARALLEL_FROM:
            half = -(-len(rated) // 2)
            parts = await asyncio.gather(_store_postgres(rated, 0, half, rated_at),
                                         _store_postgres(rated, half, len(rated), rated_at))
            return sum(parts)
        return await _store_postgres(rated, 0, len(rated), rated_at)
    return await _store_sqlite(rated, rated_at)


def _price_text(e4: int) -> str:
    """Ten-thousandths as the four-place decimal text a Decimal price prints (never negative)."""
    return f"{e4 // 10_000}.{e4 % 10_000:04d}"


async def _store_sqlite(rated: RatedCalls, rated_at: datetime) -> int:
    sql = ("UPDATE call_attempt SET price = ?, price_currency = ?, rate_per_min = ?, rate_prefix = ?, "
           "rate_destination = ?, billable_s = ?, tariff_id = ?, rated_at = ? WHERE id = ? AND invoice_id IS NULL")
    at = _sqlite_time(rated_at)
    how = [(r.currency, str(r.rate_per_min), r.prefix, r.destination, r.tariff_id) for r in rated.rates]
    ids, used, billable, price = (rated.attempt_id.tolist(), rated.used.tolist(), rated.billable_s.tolist(),
                                  rated.price_e4.tolist())
    async with in_transaction() as conn:
        for i in range(0, len(ids), BATCH):
            rows = []
            for attempt_id, k, seconds, e4 in zip(ids[i:i + BATCH], used[i:i + BATCH], billable[i:i + BATCH],
                                                  price[i:i + BATCH]):
                currency, per_min, prefix, destination, tariff_id = how[k]
                rows.append((_price_text(e4), currency, per_min, prefix, destination, seconds, tariff_id, at,
                             attempt_id))
            await conn.execute_many(sql, rows)
    return len(ids)


async def _store_postgres(rated: RatedCalls, start: int, end: int, rated_at: datetime) -> int:
    large = end - start >= LARGE
    async with in_transaction() as conn:
        async with conn.acquire_connection() as raw:
            await raw.execute("CREATE TEMP TABLE IF NOT EXISTS rating_how (k INT, tariff_id INT, "
                              "price_currency VARCHAR(3), rate_per_min NUMERIC(12,4), rate_prefix VARCHAR(16), "
                              "rate_destination VARCHAR(100)) ON COMMIT DELETE ROWS")
            await raw.execute("CREATE TEMP TABLE IF NOT EXISTS rating_price (id BIGINT, price_e4 BIGINT, "
                              "billable_s INT, k INT) ON COMMIT DELETE ROWS")
            await raw.copy_records_to_table("rating_how", records=[
                (k, r.tariff_id, r.currency, r.rate_per_min, r.prefix, r.destination)
                for k, r in enumerate(rated.rates)])
            await raw.copy_records_to_table("rating_price", records=zip(
                rated.attempt_id[start:end].tolist(), rated.price_e4[start:end].tolist(),
                rated.billable_s[start:end].tolist(), rated.used[start:end].tolist()))
            if large:
                await raw.execute("ANALYZE rating_price")
                await raw.execute("ANALYZE rating_how")
                await raw.execute("SET LOCAL work_mem = '128MB'")
            status = await raw.execute(
                "UPDATE call_attempt a SET price = p.price_e4 * 0.0001, price_currency = h.price_currency, "
                "rate_per_min = h.rate_per_min, rate_prefix = h.rate_prefix, rate_destination = h.rate_destination, "
                "billable_s = p.billable_s, tariff_id = h.tariff_id, rated_at = $1 "
                "FROM rating_price p JOIN rating_how h ON h.k = p.k WHERE a.id = p.id AND a.invoice_id IS NULL",
                rated_at)
    return int(status.split()[-1])


async def clear_prices(attempt_ids: Sequence[int]) -> None:
    """Attempts no tariff prices any more (a re-rating after a tariff was withdrawn)."""
    from dialer.models import CallAttempt

    for i in range(0, len(attempt_ids), 10_000):
        await CallAttempt.filter(id__in=list(attempt_ids[i:i + 10_000]), invoice_id__isnull=True).update(
            price=None, price_currency="", rate_per_min=None, rate_prefix="", rate_destination="", billable_s=None,
            tariff_id=None, rated_at=None)
