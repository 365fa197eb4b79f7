"""Billing benchmark: rate N answered call attempts (pure, in memory, as `dialer billing rerate`
rates a period: `bulk_rating.rate_calls` on the period's rows as columns), then write the
prices onto their rows in SQLite and PostgreSQL as `rerate` does.

    .venv/bin/python bench/billing.py                   # 1,000,000 attempts (PostgreSQL from
    .venv/bin/python bench/billing.py --attempts 100000 #   DIALER_TEST_POSTGRES or --postgres)

Targets: rating <= 10 s; writing <= 30 s on each database. The seeding of the attempt rows,
and loading them into columns (the database's part of a re-rating), are not timed. The last
line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from datetime import datetime, time as clock_time, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backend"))

from dialer.billing.bulk_rating import RatedCalls, calls_frame, rate_calls  # noqa: E402
from dialer.billing.rating import CallToRate  # noqa: E402
from dialer.billing.service.prices import store_ratings  # noqa: E402
from dialer.billing.tariffs import Increments, Rate, Tariff, TimeBands  # noqa: E402
from dialer.db import close_db, init_db, migrate  # noqa: E402

START = datetime(2026, 11, 1, tzinfo=timezone.utc)
TEAMS = 10


def log(message: str) -> None:
    print(message, flush=True)


def tariffs() -> list[Tariff]:
    """A general tariff with ~1,200 prefixes (country codes and mobile ranges), a cheaper one
    for two branches, and a 2026/2027 change of the general one on 15 November."""
    rng = random.Random(3)
    rates = []
    for cc in range(1, 999):
        rates.append(Rate(str(cc), Decimal(rng.randint(50, 900)) / 100, f"country {cc}",
                          off_peak=Decimal(rng.randint(20, 50)) / 100))
    for mobile in range(4206, 4208):
        for sub in range(10):
            rates.append(Rate(f"{mobile}{sub}", Decimal("1.20"), "Czech mobile", weekend=Decimal("0.60"),
                              increments=Increments(30, 6)))
    bands = TimeBands(clock_time(8), clock_time(18), "Europe/Prague")
    general = Tariff(1, "General", "CZK", tuple(rates), Increments(60, 60), Decimal("0.10"), bands,
                     valid_to=START + timedelta(days=14))
    renewed = Tariff(2, "General 2", "CZK", tuple(rates), Increments(1, 1), Decimal("0"), bands,
                     valid_from=START + timedelta(days=14))
    branch = Tariff(3, "Branch", "CZK", tuple(rates[:300]), Increments(30, 6), Decimal("0"), bands, team_id=2)
    return [general, renewed, branch]


def calls(n: int) -> list[CallToRate]:
    rng = random.Random(7)
    numbers = [f"+420{rng.choice('67')}{rng.randint(10**7, 10**8 - 1)}" for _ in range(5000)]
    numbers += [f"+{rng.randint(1, 998)}{rng.randint(10**7, 10**9)}" for _ in range(2000)]
    lines = ["+420221000100", "+420221000200", ""]
    out = []
    for i in range(1, n + 1):
        answered = START + timedelta(seconds=rng.randint(0, 30 * 86400))
        out.append(CallToRate(i, numbers[i % len(numbers)], answered,
                              answered + timedelta(seconds=rng.randint(1, 600) + rng.random()),
                              1 + i % TEAMS, lines[i % 3]))
    return out


def sqlite_seed(path: str, batch: list[CallToRate]) -> None:
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executemany("INSERT INTO team (id, name, description, created_at) "
                   "VALUES (?, ?, '', '2026-01-01 00:00:00+00:00')",
                   [(t, f"team {t}") for t in range(1, TEAMS + 1)])
    db.executemany("INSERT INTO campaign (id, name, team_id, card_fields, required_skills, created_at, updated_at) "
                   "VALUES (?, ?, ?, '[]', '[]', '2026-01-01 00:00:00+00:00', '2026-01-01 00:00:00+00:00')",
                   [(t, f"campaign {t}", t) for t in range(1, TEAMS + 1)])
    with db:
        db.executemany(
            "INSERT INTO call_attempt (id, campaign_id, phone, originated_at, answered_at, ended_at, outcome) "
            "VALUES (?, ?, ?, ?, ?, ?, 'answered')",
            ((c.attempt_id, c.team_id, c.number, c.answered_at.isoformat(" "), c.answered_at.isoformat(" "),
              c.ended_at.isoformat(" ")) for c in batch))
    db.close()


async def postgres_seed(url: str, batch: list[CallToRate]) -> None:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    await conn.executemany("INSERT INTO team (id, name, description, created_at) VALUES ($1, $2, '', now())",
                           [(t, f"team {t}") for t in range(1, TEAMS + 1)])
    await conn.executemany("INSERT INTO campaign (id, name, team_id, card_fields, required_skills, created_at, "
                           "updated_at) VALUES ($1, $2, $3, '[]', '[]', now(), now())",
                           [(t, f"campaign {t}", t) for t in range(1, TEAMS + 1)])
    await conn.copy_records_to_table(
        "call_attempt", columns=["id", "campaign_id", "phone", "originated_at", "answered_at", "ended_at", "outcome"],
        records=((c.attempt_id, c.team_id, c.number, c.answered_at, c.answered_at, c.ended_at, "answered")
                 for c in batch))
    # As a live table is: autovacuum has set hint bits and statistics (a fresh COPY has neither,
    # and the first statement to touch each row would pay for them inside the timing).
    await conn.execute("VACUUM ANALYZE call_attempt")
    await conn.close()


async def write(engine: str, url: str, ratings: RatedCalls, seed) -> float:  # type: ignore[no-untyped-def]
    await migrate(url)
    started = time.perf_counter()
    await seed()
    log(f"{engine}: seeded {len(ratings):,} attempts in {time.perf_counter() - started:.1f} s")
    await init_db(url)
    try:
        started = time.perf_counter()
        written = await store_ratings(ratings, datetime.now(timezone.utc), parallel=True)
        took = time.perf_counter() - started
    finally:
        await close_db()
    log(f"{engine}: wrote {written:,} prices in {took:.1f} s")
    return round(took, 2)


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url.replace("postgresql://", "postgres://", 1))
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--attempts", type=int, default=1_000_000)
    parser.add_argument("--postgres", default=os.environ.get("DIALER_TEST_POSTGRES"),
                        help="a PostgreSQL server URL; a throw-away database is made there")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    n = args.attempts
    batch = calls(n)
    frame = calls_frame(batch)
    price_list = tariffs()
    started = time.perf_counter()
    ratings = rate_calls(frame, price_list)
    rate_s = round(time.perf_counter() - started, 2)
    total = Decimal(ratings.total_e4()).scaleb(-4)
    log(f"rated {n:,} calls in {rate_s} s ({len(ratings):,} priced, total {total} CZK)")
    result: dict[str, object] = {"attempts": n, "rate_s": rate_s, "sqlite_write_s": None, "postgres_write_s": None}
    with tempfile.TemporaryDirectory(prefix="dialer-bench-") as tmp:
        if not args.skip_sqlite:
            path = Path(tmp) / "billing.sqlite3"
            result["sqlite_write_s"] = await write(
                "sqlite", f"sqlite://{path.as_posix()}", ratings,
                lambda: asyncio.to_thread(sqlite_seed, str(path), batch))
        if args.postgres and not args.skip_postgres:
            import asyncpg

            admin = args.postgres.replace("postgres://", "postgresql://", 1)
            name = f"dialer_bench_{uuid.uuid4().hex[:10]}"
            conn = await asyncpg.connect(admin)
            await conn.execute(f'CREATE DATABASE "{name}"')
            await conn.close()
            url = _with_database(args.postgres, name)
            try:
                result["postgres_write_s"] = await write("postgres", url, ratings,
                                                         lambda: postgres_seed(url, batch))
            finally:
                conn = await asyncpg.connect(admin)
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                await conn.close()
        elif not args.skip_postgres:
            log("no PostgreSQL (set DIALER_TEST_POSTGRES or --postgres): skipped")
    print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main())
