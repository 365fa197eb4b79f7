"""Leasing contacts atomically, so that no two engine processes ever dial the same contact.

A lease is a row-level claim with an owner and an expiry: taken in one statement, renewed
by its owner while calls are in progress, returned when unused, and reclaimed by anyone
once expired (the owner crashed). PostgreSQL uses `FOR UPDATE SKIP LOCKED` inside one
`UPDATE … RETURNING`; SQLite, which has no row locks, gets the same single statement,
serialised by its write lock (DATA-LAYER.md: 0 duplicates, no "database is locked").
Due callbacks are leased before new contacts; DNC numbers are never leased.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Sequence

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient


@dataclass(frozen=True)
class LeaseRequest:
    list_ids: tuple[int, ...]
    owner: str  # engine instance id
    limit: int
    now: datetime
    lease_for: timedelta = timedelta(minutes=2)
    campaign_id: int | None = None  # for campaign-scoped DNC entries
    owner_agent_id: int | None = None  # lease only this agent's private callbacks
    closed_profiles: tuple[int, ...] = ()
    """Contacts' own dial profiles on a closure day now: their contacts are passed over in the
    lease itself, not leased and put back one by one all day (engine/contact_feed.py)."""


def _is_postgres(conn: BaseDBAsyncClient) -> bool:
    return conn.capabilities.dialect == "postgres"


def _ts(conn: BaseDBAsyncClient, value: datetime) -> Any:
    if value.tzinfo is None:
        raise ValueError("lease times must be timezone-aware")
    value = value.astimezone(timezone.utc)
    # SQLite keeps Tortoise's text form; text comparison is only right in that exact form.
    return value if _is_postgres(conn) else value.isoformat(" ")


class _Params:
    """Placeholders in the dialect's style ($1 for asyncpg, ? for SQLite), in order."""

    def __init__(self, postgres: bool) -> None:
        self.postgres = postgres
        self.values: list[Any] = []

    def add(self, value: Any) -> str:
        self.values.append(value)
        return f"${len(self.values)}" if self.postgres else "?"

    def add_list(self, values: Sequence[Any]) -> str:
        if self.postgres:
            return f"ANY({self.add(list(values))})"
        return "IN (" + ", ".join(self.add(v) for v in values) + ")" if values else "IN (NULL)"


def _lease_sql(conn: BaseDBAsyncClient, req: LeaseRequest, callbacks: bool, limit: int) -> tuple[str, list[Any]]:
    pg = _is_postgres(conn)
    p = _Params(pg)
    now = _ts(conn, req.now)
    owner = p.add(req.owner)
    expires = p.add(_ts(conn, req.now + req.lease_for))
    if pg and len(req.list_ids) == 1:
        # One list (the usual campaign): plain equality lets PostgreSQL walk the ordered partial
        # index (migration 0016) and stop after `limit` rows; `= ANY(array)` cannot give order.
        in_lists = "= " + p.add(req.list_ids[0])
    else:
        in_lists = ("= " if pg else "") + p.add_list(req.list_ids)
    due = p.add(now)
    if req.owner_agent_id is None:
        agent_clause = "c.owner_agent_id IS NULL"
    else:
        agent_clause = f"c.owner_agent_id = {p.add(req.owner_agent_id)}"
    closed_clause = ""
    if req.closed_profiles:
        # A filter on the rows the walk meets, like the callback and agent ones: the order index stays the plan.
        not_closed = (f"<> ALL({p.add(list(req.closed_profiles))})" if pg
                      else f"NOT {p.add_list(req.closed_profiles)}")
        closed_clause = f"AND (c.dial_profile_id IS NULL OR c.dial_profile_id {not_closed})"
    dnc_campaign = p.add(req.campaign_id)
    dnc_now = p.add(now)
    order = "c.next_attempt_at, c.id" if callbacks else "c.next_attempt_at NULLS FIRST, c.id"
    # PostgreSQL turns a plain NOT EXISTS into an anti-join, and against a national registry (a
    # million numbers) it hashed the whole DNC table for every lease (316 ms instead of 63 ms,
    # bench/dnc_import.py): it takes nearly every contact for listed. OFFSET 0 keeps the check a
    # probe of the DNC phone index per row, made only for the rows the lease walks along the
    # ordered index of one list (1 ms). Not where it must sort instead (several lists) or for
    # the few callbacks: there the probe's cost, counted for every contact, set off the JIT
    # compiler (130 ms). SQLite probes the index per row anyway (and wants no OFFSET alone).
    probe_only = " OFFSET 0" if pg and not callbacks and len(req.list_ids) == 1 else ""
    callback_flag = "TRUE" if callbacks else "FALSE"
    pick = f"""
            SELECT c.id FROM contact c
            WHERE c.status = 'pending' AND c.contact_list_id {in_lists}
              AND (c.next_attempt_at IS NULL OR c.next_attempt_at <= {due})
              AND c.is_callback = {callback_flag} AND {agent_clause} {closed_clause}
              AND NOT EXISTS (
                SELECT 1 FROM dnc_entry d WHERE d.phone = c.phone
                  AND (d.campaign_id IS NULL OR d.campaign_id = {dnc_campaign})
                  AND (d.expires_at IS NULL OR d.expires_at > {dnc_now}){probe_only})
            ORDER BY {order}
            LIMIT {p.add(limit)}"""
    set_lease = f"status = 'leased', lease_owner = {owner}, lease_expires_at = {expires}"
    if pg:
        # A locking CTE runs exactly once. Inside `WHERE id IN (…)` the planner may run the
        # LIMITed, SKIP LOCKED subquery more than once and lease more rows than asked.
        sql = f"""
            WITH picked AS ({pick} FOR UPDATE OF c SKIP LOCKED)
            UPDATE contact SET {set_lease} FROM picked
            WHERE contact.id = picked.id AND contact.status = 'pending'
            RETURNING contact.id AS id"""
    else:
        sql = f"UPDATE contact SET {set_lease} WHERE id IN ({pick}) AND status = 'pending' RETURNING id"
    return sql, p.values


async def lease_contacts(req: LeaseRequest, connection: str = "default") -> list[int]:
    """Lease up to `limit` dialable contacts (due callbacks first); returns their ids."""
    if req.limit <= 0 or not req.list_ids:
        return []
    conn = connections.get(connection)
    leased: list[int] = []
    for callbacks in (True, False):
        want = req.limit - len(leased)
        if want <= 0:
            break
        sql, values = _lease_sql(conn, req, callbacks, want)
        rows = await conn.execute_query_dict(sql, values)
        leased.extend(int(r["id"]) for r in rows)
    return leased


async def renew_leases(owner: str, until: datetime, connection: str = "default") -> int:
    """Push the expiry of every lease `owner` holds (its calls are still in progress)."""
    conn = connections.get(connection)
    p = _Params(_is_postgres(conn))
    sql = (f"UPDATE contact SET lease_expires_at = {p.add(_ts(conn, until))} "
           f"WHERE status = 'leased' AND lease_owner = {p.add(owner)}")
    count, _ = await conn.execute_query(sql, p.values)
    return count


async def release_leases(owner: str, contact_ids: Sequence[int], connection: str = "default") -> int:
    """Give unused leases back as they were (pending, same due time)."""
    if not contact_ids:
        return 0
    conn = connections.get(connection)
    pg = _is_postgres(conn)
    p = _Params(pg)
    owner_p = p.add(owner)
    ids = ("= " if pg else "") + p.add_list(list(contact_ids))
    sql = (f"UPDATE contact SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL "
           f"WHERE status = 'leased' AND lease_owner = {owner_p} AND id {ids}")
    count, _ = await conn.execute_query(sql, p.values)
    return count


async def reclaim_expired_leases(now: datetime, connection: str = "default") -> int:
    """Return to the pool every lease whose owner stopped renewing it (crash, kill -9)."""
    conn = connections.get(connection)
    p = _Params(_is_postgres(conn))
    sql = (f"UPDATE contact SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL "
           f"WHERE status = 'leased' AND lease_expires_at < {p.add(_ts(conn, now))}")
    count, _ = await conn.execute_query(sql, p.values)
    return count


async def dnc_numbers(phones: Sequence[str], campaign_id: int | None, now: datetime,
                      connection: str = "default") -> set[str]:
    """Which of these numbers are on the DNC list now (checked right before each dial, so a
    number added while a campaign runs is never dialed)."""
    return set(await dnc_blocks(phones, campaign_id, now, connection))


@dataclass(frozen=True)
class DncBar:
    """How a number is barred now for a campaign."""

    everywhere: bool
    """By an entry for every campaign (with or without an end), not only this campaign's."""
    forever: bool
    """For good and everywhere (a global entry without expiry): its contacts may be closed as `dnc`."""


async def dnc_blocks(phones: Sequence[str], campaign_id: int | None, now: datetime,
                     connection: str = "default") -> dict[str, bool]:
    """The numbers of these on the DNC list now for this campaign, each with whether the bar is
    for good and everywhere (a global entry without expiry): only such a number's contact may
    be closed as `dnc`; one barred in this campaign or for a while stays dialable elsewhere or later."""
    return {phone: bar.forever for phone, bar in (await dnc_bars(phones, campaign_id, now, connection)).items()}


async def dnc_bars(phones: Sequence[str], campaign_id: int | None, now: datetime,
                   connection: str = "default") -> dict[str, DncBar]:
    """The numbers of these on the DNC list now for this campaign, with how each is barred."""
    if not phones:
        return {}
    conn = connections.get(connection)
    pg = _is_postgres(conn)
    p = _Params(pg)
    in_phones = ("= " if pg else "") + p.add_list(list(phones))
    sql = (f"SELECT phone, campaign_id, expires_at FROM dnc_entry WHERE phone {in_phones} "
           f"AND (campaign_id IS NULL OR campaign_id = {p.add(campaign_id)}) "
           f"AND (expires_at IS NULL OR expires_at > {p.add(_ts(conn, now))})")
    bars: dict[str, DncBar] = {}
    for r in await conn.execute_query_dict(sql, p.values):
        everywhere = r["campaign_id"] is None
        before = bars.get(r["phone"], DncBar(False, False))
        bars[r["phone"]] = DncBar(before.everywhere or everywhere,
                                  before.forever or (everywhere and r["expires_at"] is None))
    return bars
