"""Contact rows into the database by the fast paths measured in DATA-LAYER.md, through the
ORM's own connection (Tortoise stays the one owner of connections).

PostgreSQL: COPY (the CSV bytes `batches.copy_csv` made in the parsing process) into a
temporary table, then one `INSERT ... SELECT ... ON CONFLICT DO NOTHING RETURNING id`.
SQLite: the rows into an index-free temporary table, then one `INSERT ... SELECT ... ON
CONFLICT DO NOTHING` in the batch's transaction (WAL). Duplicates are left to the unique index
(contact_list, phone). Each batch reports the ids it inserted so a failed import can delete
exactly those, and which of its rows it skipped as duplicates (looked up only when some were).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, AsyncIterator, Callable, Sequence

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from dialer.importer.batches import COPY_COLUMNS, COPY_FORCE_NULL
from dialer.importer.rows import ContactRow

log = logging.getLogger(__name__)

IdRanges = list[list[int]]  # [[first, last], ...] inclusive, ascending

_COLUMNS = ("phone", "alt_phones", "name", "external_id", "custom_fields", "timezone", "caller_id",
            "caller_id_pool_id", "dial_profile_id")
_INSERT_COLUMNS = "contact_list_id, " + ", ".join(_COLUMNS) + ", status, created_at, updated_at"
_DNC_CONDITION = ("d.phone = {phone} AND d.campaign_id IS NULL "
                  "AND (d.expires_at IS NULL OR d.expires_at > {now})")


# A row the batch skipped: its index in the batch, its phone, and the index of the row of the
# same batch that holds the number (None: the number was in the list before this batch).
Skipped = tuple[int, str, "int | None"]


@dataclass(frozen=True)
class BatchResult:
    inserted: int
    dnc: int
    ids: IdRanges
    skipped: list[Skipped] = field(default_factory=list)


def skipped_rows(phones: Sequence[str], inserted: set[str]) -> list[Skipped]:
    """The rows of a batch (their phones, in file order) that were not inserted: a repeat of an
    earlier row of the batch, or a number already in the list (`inserted`: the batch's new ones)."""
    first: dict[str, int] = {}
    out: list[Skipped] = []
    for i, phone in enumerate(phones):
        won = first.setdefault(phone, i)
        if won != i:
            out.append((i, phone, won))
        elif phone not in inserted:
            out.append((i, phone, None))
    return out


@dataclass(frozen=True)
class JobProgress:
    """What the job row says after a batch; written in the batch's own transaction, so a crash
    never leaves rows the job does not know it inserted."""

    processed_bytes: int
    rows_read: int
    imported: int
    duplicates: int
    invalid: int
    dnc_flagged: int
    options: dict[str, Any]  # the job's options, without inserted_ids
    earlier_ids: IdRanges  # the ids the job's earlier batches inserted (read only)
    batch_ids: IdRanges  # this batch's
    errors: list[dict[str, Any]] | None  # None: unchanged since the last batch


def merge_ranges(ranges: IdRanges, ids: Sequence[int]) -> IdRanges:
    """`ranges` extended by `ids`, adjacent runs joined (ids are mostly consecutive)."""
    for i in sorted(ids):
        if ranges and ranges[-1][0] <= i <= ranges[-1][1] + 1:
            ranges[-1][1] = max(ranges[-1][1], i)
        else:
            ranges.append([i, i])
    return ranges


class EarlierBatchFailed(RuntimeError):
    """The batch before this one failed, so this one is rolled back too."""


@dataclass
class BatchOrder:
    """File order for a batch written beside the one before it (PostgreSQL, two connections).

    It takes its ids only once that batch has taken its own, so ids follow the file (the
    scheduler dials in id order), and records its progress and commits only after that batch
    has settled, so commits come in file order and a failure stops every later batch.
    Consecutive batches never hold the same number (`batches.parse_batches`), so neither
    waits on the other's rows.
    """

    previous_ids: asyncio.Future[bool] | None = None  # the previous batch's `ids_taken`
    previous: asyncio.Future[Any] | None = None  # the previous batch's write
    ids_taken: asyncio.Future[bool] = field(default_factory=lambda: asyncio.get_running_loop().create_future())

    async def ids_turn(self) -> None:
        if self.previous_ids is not None and not await self.previous_ids:
            raise EarlierBatchFailed("an earlier batch failed")

    def took_ids(self, ok: bool = True) -> None:
        if not self.ids_taken.done():
            self.ids_taken.set_result(ok)

    async def commit_turn(self) -> None:
        if self.previous is not None:
            await asyncio.wait([self.previous])
            if self.previous.cancelled() or self.previous.exception() is not None:
                raise EarlierBatchFailed("an earlier batch failed")


def join_ranges(ranges: IdRanges, more: IdRanges) -> IdRanges:
    """`ranges` extended by the ascending ranges `more` that follow them, adjacent runs joined."""
    for first, last in more:
        if ranges and ranges[-1][1] + 1 == first:
            ranges[-1][1] = last
        else:
            ranges.append([first, last])
    return ranges


def copy_payload() -> bool:
    """Whether batches for the default connection travel as COPY bytes (PostgreSQL)."""
    return not _is_sqlite(Tortoise.get_connection("default"))


def _is_sqlite(conn: BaseDBAsyncClient) -> bool:
    return conn.capabilities.dialect == "sqlite"


def _now_sqlite() -> str:
    # The text Tortoise writes for an aware datetime on SQLite, so the ORM reads it back.
    return str(datetime.now(timezone.utc))


# WAL pages between checkpoints while an import writes (SQLite's default is 1,000, about 4 MB).
# A batch dirties thousands of pages of the two phone indexes, so at the default every commit
# copies its whole batch into the database file again; at 20,000 (about 80 MB of WAL) that
# happens every few batches: ~2 s less CPU and ~4 s less time for a million rows.
_WAL_CHECKPOINT_PAGES = 20_000


@contextlib.asynccontextmanager
async def bulk_writes() -> AsyncIterator[None]:
    """While an import writes: SQLite checkpoints its WAL less often (the connection's own
    setting is restored after). Nothing to change on PostgreSQL."""
    if not _is_sqlite(Tortoise.get_connection("default")):
        yield
        return
    async with in_transaction("default") as conn:  # the connection is shared: set it in turn
        _, rows = await conn.execute_query("PRAGMA wal_autocheckpoint")
        previous = int(next(iter(dict(rows[0]).values()))) if rows else 1000
        await conn.execute_query(f"PRAGMA wal_autocheckpoint = {_WAL_CHECKPOINT_PAGES}")
    try:
        yield
    finally:
        try:
            async with in_transaction("default") as conn:
                await conn.execute_query(f"PRAGMA wal_autocheckpoint = {previous}")
        except Exception:  # noqa: BLE001 - never hide why the import itself stopped
            log.warning("import: could not restore wal_autocheckpoint = %s", previous, exc_info=True)


_SQLITE_TEMP = ("CREATE TEMP TABLE IF NOT EXISTS dialer_import_rows (phone TEXT, alt_phones TEXT, name TEXT, "
                "external_id TEXT, custom_fields TEXT, timezone TEXT, caller_id TEXT, caller_id_pool_id INTEGER, "
                "dial_profile_id INTEGER)")


async def _insert_sqlite(conn: Any, list_id: int, rows: list[ContactRow]) -> BatchResult:
    db = conn._connection  # aiosqlite.Connection inside this transaction
    now = _now_sqlite()

    async def scalar(sql: str, params: tuple = ()) -> int:
        cursor = await db.execute(sql, params)
        row = await cursor.fetchone()
        await cursor.close()
        return int(row[0]) if row and row[0] is not None else 0

    # Rows go first into an index-free temporary table (the executemany binds each row with
    # the GIL held, so it should be cheap), then into `contact` with one INSERT ... SELECT:
    # a single statement in C that releases the GIL while SQLite updates the table's seven
    # indexes, so the next batch is parsed at the same time.
    # A bigger page cache for this connection: at a million contacts the table's indexes far
    # exceed SQLite's default 2 MiB, and each miss is a read. Pages are allocated as used.
    # 40 MiB, not 64: 0.8 s slower on 1M rows but 27 MB less peak RSS (bench/import.py:
    # 18.7 s / 166 MB against 17.9 s / 193 MB, with the 200 MB budget counting the parser too).
    await db.execute("PRAGMA cache_size = -40960")
    await db.execute(_SQLITE_TEMP)
    await db.execute("DELETE FROM temp.dialer_import_rows")
    await db.executemany("INSERT INTO temp.dialer_import_rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    before = await scalar("SELECT seq FROM sqlite_sequence WHERE name = 'contact'")
    cursor = await db.execute(
        f"INSERT INTO contact ({_INSERT_COLUMNS}) SELECT {int(list_id)}, r.phone, r.alt_phones, r.name, "
        "r.external_id, r.custom_fields, r.timezone, r.caller_id, r.caller_id_pool_id, r.dial_profile_id, "
        f"CASE WHEN EXISTS (SELECT 1 FROM dnc_entry d WHERE {_DNC_CONDITION.format(phone='r.phone', now='?')}) "
        "THEN 'dnc' ELSE 'pending' END, ?, ? "
        # WHERE true: SQLite's grammar needs it before an upsert clause; rowid keeps file order,
        # so of two rows with the same phone the first in the file wins.
        "FROM temp.dialer_import_rows r WHERE true ORDER BY r.rowid ON CONFLICT (contact_list_id, phone) DO NOTHING",
        (now, now, now))
    inserted = cursor.rowcount
    await cursor.close()
    phones = [row[0] for row in rows]
    if not inserted:
        return BatchResult(0, 0, [], skipped_rows(phones, set()))
    # AUTOINCREMENT ids only grow, and this transaction is the only writer: the ids it inserted
    # are exactly (before, after].
    after = await scalar("SELECT seq FROM sqlite_sequence WHERE name = 'contact'")
    dnc = await scalar("SELECT count(*) FROM contact WHERE id > ? AND id <= ? AND status = 'dnc'", (before, after))
    skipped: list[Skipped] = []
    if inserted < len(rows):
        cursor = await db.execute("SELECT phone FROM contact WHERE id > ? AND id <= ?", (before, after))
        skipped = skipped_rows(phones, {r[0] for r in await cursor.fetchall()})
        await cursor.close()
    return BatchResult(inserted, dnc, [[before + 1, after]], skipped)


_PG_TEMP = ("CREATE TEMP TABLE IF NOT EXISTS dialer_import_rows (n integer, phone text, alt_phones text, "
            "name text, external_id text, custom_fields text, timezone text, caller_id text, "
            "caller_id_pool_id integer, dial_profile_id integer) ON COMMIT DELETE ROWS")
# The global DNC numbers as one hashed set per statement, instead of one index probe per row.
_PG_DNC = ("CASE WHEN r.phone IN (SELECT d.phone FROM dnc_entry d WHERE d.campaign_id IS NULL "
           "AND (d.expires_at IS NULL OR d.expires_at > now())) THEN 'dnc' ELSE 'pending' END")
_PG_INSERT = (
    f"INSERT INTO contact ({_INSERT_COLUMNS}) "
    "SELECT $1, r.phone, r.alt_phones::jsonb, r.name, r.external_id, r.custom_fields::jsonb, r.timezone, "
    f"r.caller_id, r.caller_id_pool_id, r.dial_profile_id, {_PG_DNC}, now(), now() "
    # ORDER BY n: of two rows with the same phone, the first in the file wins.
    "FROM dialer_import_rows r ORDER BY r.n "
    "ON CONFLICT (contact_list_id, phone) DO NOTHING RETURNING id, status, phone")
# The same with the ids taken beforehand ($2, in file order), for batches written side by side.
_PG_INSERT_IDS = _PG_INSERT.replace(f"({_INSERT_COLUMNS})", f"(id, {_INSERT_COLUMNS})", 1).replace(
    "SELECT $1,", "SELECT ($2::bigint[])[r.n + 1], $1,", 1)
_PG_TAKE_IDS = ("SELECT array_agg(id ORDER BY id) FROM (SELECT nextval(s.seq) AS id FROM generate_series(1, $1), "
                "(SELECT pg_get_serial_sequence('contact', 'id')::regclass AS seq) s) taken")


async def _insert_postgres(conn: Any, list_id: int, rows: bytes, order: BatchOrder | None = None) -> BatchResult:
    db = conn._connection  # asyncpg.Connection holding this transaction
    # Temporary tables live per session; pooled sessions keep theirs, emptied at each commit.
    await db.execute("SET LOCAL client_min_messages = warning")  # no "already exists" notices
    await db.execute(_PG_TEMP)
    # A memoryview: asyncpg would take plain bytes for a file name.
    status = await db.copy_to_table("dialer_import_rows", source=memoryview(rows), columns=COPY_COLUMNS,
                                    format="csv", force_null=COPY_FORCE_NULL)
    if order is None:
        returned = await db.fetch(_PG_INSERT, list_id)
    else:
        await order.ids_turn()
        ids = await db.fetchval(_PG_TAKE_IDS, int(status.split()[-1]))
        order.took_ids()
        returned = await db.fetch(_PG_INSERT_IDS, list_id, ids)
    ids = [r["id"] for r in returned]
    dnc = sum(1 for r in returned if r["status"] == "dnc")
    count = int(status.split()[-1])
    skipped: list[Skipped] = []
    if len(ids) < count:  # some were duplicates: which (the rows are still in the temporary table)
        phones = [r["phone"] for r in await db.fetch("SELECT phone FROM dialer_import_rows ORDER BY n")]
        skipped = skipped_rows(phones, {r["phone"] for r in returned})
    return BatchResult(len(ids), dnc, merge_ranges([], ids), skipped)


async def _record_progress(conn: Any, job_id: int, p: JobProgress) -> None:
    sqlite = _is_sqlite(conn)
    values: list[Any] = []

    def mark(value: Any, cast: str = "") -> str:
        values.append(value)
        return "?" if sqlite else f"${len(values)}{cast}"

    sets = [f"{column} = {mark(value)}" for column, value in (
        ("processed_bytes", p.processed_bytes), ("rows_read", p.rows_read), ("imported", p.imported),
        ("duplicates", p.duplicates), ("invalid", p.invalid), ("dnc_flagged", p.dnc_flagged))]
    if sqlite:  # one range per batch at most (AUTOINCREMENT, one writer): the list stays short
        ids = join_ranges([list(r) for r in p.earlier_ids], p.batch_ids)
        sets.append(f"options = {mark(json.dumps(p.options | {'inserted_ids': ids}, ensure_ascii=False))}")
    else:
        # Ids skipped by duplicates split PostgreSQL's list into many ranges (tens of thousands
        # for a million rows): append this batch's on the server instead of resending them all.
        sets.append(f"options = {mark(json.dumps(p.options, ensure_ascii=False), '::jsonb')} || jsonb_build_object("
                    f"'inserted_ids', coalesce(options -> 'inserted_ids', '[]'::jsonb) || "
                    f"{mark(json.dumps(p.batch_ids), '::jsonb')})")
    if p.errors is not None:
        sets.append(f"errors = {mark(json.dumps(p.errors, ensure_ascii=False), '::jsonb')}")
    sql = f"UPDATE import_job SET {', '.join(sets)} WHERE id = {mark(job_id)}"
    await conn.execute_query(sql, values)


def side_by_side() -> int:
    """How many batches may be written at once on the default connection: two on PostgreSQL
    (each on its own connection, see BatchOrder), one on SQLite (one writer at a time)."""
    return 1 if _is_sqlite(Tortoise.get_connection("default")) else 2


async def write_batch(list_id: int, rows: list[ContactRow] | bytes, count: int, job_id: int,
                      progress: Callable[[BatchResult], JobProgress], order: BatchOrder | None = None) -> BatchResult:
    """Insert one batch of `count` rows and record the job's progress, atomically.

    With `order` (PostgreSQL), the batch may be written while the one before it still is."""
    try:
        async with in_transaction("default") as conn:
            if not count:
                result = BatchResult(0, 0, [])
            elif _is_sqlite(conn):
                result = await _insert_sqlite(conn, list_id, rows)
            else:
                result = await _insert_postgres(conn, list_id, rows, order)
            if order is not None:
                order.took_ids()  # (an empty batch takes none)
                await order.commit_turn()
            await _record_progress(conn, job_id, progress(result))
    except BaseException:
        if order is not None:
            order.took_ids(False)
        raise
    return result


async def delete_inserted(list_id: int, ranges: IdRanges) -> int:
    """Remove the contacts an import inserted (its id ranges); returns how many went."""
    deleted = 0
    async with in_transaction("default") as conn:
        if not _is_sqlite(conn):
            # PostgreSQL's ranges run to tens of thousands (ids skipped by duplicates): one statement.
            sql = ("DELETE FROM contact c USING unnest($2::bigint[], $3::bigint[]) AS r(first, last) "
                   "WHERE c.contact_list_id = $1 AND c.id BETWEEN r.first AND r.last")
            count, _ = await conn.execute_query(sql, [list_id, [r[0] for r in ranges], [r[1] for r in ranges]])
            return count
        sql = "DELETE FROM contact WHERE contact_list_id = ? AND id >= ? AND id <= ?"
        for first, last in ranges:
            count, _ = await conn.execute_query(sql, [list_id, first, last])
            deleted += count
    return deleted
