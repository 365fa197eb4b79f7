"""Benchmark of the do-not-call list at national-registry size: a file of N numbers imported
into SQLite and PostgreSQL (`dialer.dnc.importing`, as `dialer dnc import` and the DNC page
run it), then the lease of contacts checked against that list.

The file is what registries hand out: one number per line, national and international
formats mixed, 0.1 % bad lines. The lease check is `scheduling.leasing.lease_contacts` taking
50 contacts at a time from a list of 100,000 where every other number is on the DNC list (the
NOT EXISTS probe on the DNC index), and `dnc_blocks` for those 50 just before dialing.

    .venv/bin/python bench/dnc_import.py [--numbers N] [--postgres URL] [--keep]

PostgreSQL comes from --postgres or DIALER_TEST_POSTGRES (default
postgres://postgres@127.0.0.1:5432/test; a throw-away database is created there and dropped
after); --no-postgres runs SQLite only. The last line is JSON:
{"numbers": ..., "sqlite_import_s": ..., "postgres_import_s": ..., "lease_check_ms": ...}
(lease_check_ms: the slower database's median lease of 50 contacts plus its DNC check; with
the same lease against an empty DNC list beside it, and each database's own figures).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

CONTACTS = 100_000
LEASE = 50
LEASES = 30
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/test"


def _national(i: int) -> str:
    # Czech mobiles 601 000 000 … 608 999 999: distinct for i < 9,000,000.
    return f"60{1 + i // 1_000_000}{i % 1_000_000:06d}"


def generate(path: Path, numbers: int, seed: int = 21) -> int:
    rng = random.Random(seed)
    bad = 0
    with open(path, "w", encoding="ascii", newline="") as f:
        chunk: list[str] = []
        for i in range(numbers):
            n = _national(i)
            r = rng.random()
            if r < 0.001:
                chunk.append(rng.choice(("12345", "n/a", "+42060", "6011234567890")))
                bad += 1
            elif r < 0.4:
                chunk.append(f"+420{n}")
            elif r < 0.7:
                chunk.append(n)
            elif r < 0.9:
                chunk.append(f"{n[:3]} {n[3:6]} {n[6:]}")
            else:
                chunk.append(f"00420{n}")
            if len(chunk) >= 100_000:
                f.write("\n".join(chunk) + "\n")
                chunk = []
        if chunk:
            f.write("\n".join(chunk) + "\n")
    return bad


async def _contacts(numbers: int) -> list[int]:
    """A list of CONTACTS contacts; every other one's number is in the registry file."""
    from tortoise import Tortoise

    from dialer.models import ContactList

    clist = await ContactList.create(name="bench")
    conn = Tortoise.get_connection("default")
    now = datetime.now(timezone.utc)
    sqlite = conn.capabilities.dialect == "sqlite"
    rows = []
    for i in range(CONTACTS):
        listed = i % 2 == 0
        n = _national((i * 7) % numbers) if listed else f"77{i:07d}"
        rows.append((clist.id, f"+420{n}", "[]", "", "{}", str(now) if sqlite else now))
    sql = ("INSERT INTO contact (contact_list_id, phone, alt_phones, name, custom_fields, created_at, updated_at, "
           "status) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')")
    if sqlite:
        async with conn._in_transaction() as tx:
            await tx.execute_many(sql, [(*r, r[-1]) for r in rows])
    else:
        pg = sql
        for k in range(7, 0, -1):
            pg = pg[::-1].replace("?", f"${k}"[::-1], 1)[::-1]
        async with conn._in_transaction() as tx:
            await tx._connection.executemany(pg.replace("'[]'", "$3::jsonb"),
                                             [(r[0], r[1], r[2], r[3], r[4], r[5], r[5]) for r in rows])
        await conn.execute_script("ANALYZE contact")  # as autovacuum would have by the time it dials
    return [clist.id]


async def _measure(url: str, path: Path, numbers: int) -> dict[str, float]:
    from dialer.db import database
    from dialer.dnc.importing import import_dnc_file
    from dialer.scheduling.leasing import LeaseRequest, dnc_blocks, lease_contacts

    from dialer.models import Contact
    from dialer.scheduling.leasing import release_leases

    async def leases(release: bool) -> tuple[list[float], int]:
        times, leased_total = [], 0
        for _ in range(LEASES):
            now = datetime.now(timezone.utc)
            t0 = time.perf_counter()
            ids = await lease_contacts(LeaseRequest(tuple(list_ids), "bench", LEASE, now, campaign_id=1))
            phones = [c.phone for c in await Contact.filter(id__in=ids).only("id", "phone")]
            blocked = await dnc_blocks(phones, 1, now)
            times.append((time.perf_counter() - t0) * 1000)
            assert release or not blocked, "a leased contact was on the DNC list"
            leased_total += len(ids)
            if release:
                await release_leases("bench", ids)
        return times, leased_total

    async with database(url):
        list_ids = await _contacts(numbers)
        before, _ = await leases(release=True)  # the same lease with an empty DNC list
        started = time.perf_counter()
        result = await import_dnc_file(path, region="CZ", added_by="bench")
        seconds = time.perf_counter() - started
        times, leased_total = await leases(release=False)
        return {"seconds": round(seconds, 2), "added": result.added, "invalid": result.invalid,
                "contacts_closed": result.contacts_closed, "lease_ms": round(statistics.median(times), 2),
                "lease_ms_max": round(max(times), 2), "leased": leased_total,
                "lease_ms_empty_list": round(statistics.median(before), 2)}


def _with_database(url: str, name: str) -> str:
    p = urlsplit(url)
    return urlunsplit((p.scheme, p.netloc, f"/{name}", p.query, p.fragment))


async def _pg(admin_url: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(admin_url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def report(name: str, numbers: int, r: dict[str, float]) -> None:
    print(f"{name:10s} import {r['seconds']:6.2f} s  {numbers / r['seconds']:>9,.0f} numbers/s  "
          f"added {r['added']:,} bad {r['invalid']:,} contacts closed {r['contacts_closed']:,}  "
          f"lease {LEASE} + DNC check: median {r['lease_ms']} ms, max {r['lease_ms_max']} ms "
          f"({r['leased']:,} leased, none listed; {r['lease_ms_empty_list']} ms with an empty DNC list)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--numbers", type=int, default=1_000_000)
    parser.add_argument("--postgres", default=os.environ.get("DIALER_TEST_POSTGRES") or DEFAULT_PG,
                        help=f"admin URL of a PostgreSQL server (default DIALER_TEST_POSTGRES, else {DEFAULT_PG})")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--keep", action="store_true", help="keep the generated file and SQLite database")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="dialer-dnc-bench-"))
    path = tmp / "registry.txt"
    started = time.perf_counter()
    bad = generate(path, args.numbers)
    print(f"generated {args.numbers:,} numbers ({bad:,} bad lines), {path.stat().st_size / 2**20:.1f} MiB "
          f"in {time.perf_counter() - started:.1f} s")
    results: dict[str, dict[str, float]] = {}
    results["sqlite"] = asyncio.run(_measure(f"sqlite://{(tmp / 'bench.sqlite3').as_posix()}", path, args.numbers))
    report("SQLite", args.numbers, results["sqlite"])
    if not args.no_postgres:
        admin = args.postgres.replace("postgresql://", "postgres://", 1)
        name = f"dialer_dnc_bench_{uuid.uuid4().hex[:10]}"
        asyncio.run(_pg(admin, f'CREATE DATABASE "{name}"'))
        try:
            results["postgres"] = asyncio.run(_measure(_with_database(admin, name), path, args.numbers))
        finally:
            asyncio.run(_pg(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        report("PostgreSQL", args.numbers, results["postgres"])
    if args.keep:
        print(f"kept {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps({
        "numbers": args.numbers,
        "sqlite_import_s": results["sqlite"]["seconds"],
        "postgres_import_s": results["postgres"]["seconds"] if "postgres" in results else None,
        "lease_check_ms": max(r["lease_ms"] for r in results.values()),
        "sqlite_lease_check_ms": results["sqlite"]["lease_ms"],
        "postgres_lease_check_ms": results["postgres"]["lease_ms"] if "postgres" in results else None,
        "lease_check_ms_empty_list": max(r["lease_ms_empty_list"] for r in results.values()),
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
