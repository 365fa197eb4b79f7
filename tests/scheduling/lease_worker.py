"""A separate process that leases contacts until none are left and prints their ids as JSON
(used by the two-process leasing test; run as `python lease_worker.py DB_URL OWNER LIST_ID`)."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import datetime, timedelta, timezone


async def main(db_url: str, owner: str, list_id: int) -> None:
    from dialer.db import close_db, init_db
    from dialer.scheduling.leasing import LeaseRequest, lease_contacts

    await init_db(db_url)
    # Start together: the test says "go" to both workers once both are ready, so the leasing
    # really races (Python's start-up time alone could let one finish before the other begins).
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    got: list[int] = []
    try:
        now = datetime.now(timezone.utc)
        while True:
            batch = await lease_contacts(LeaseRequest((list_id,), owner, 25, now, timedelta(minutes=5)))
            if not batch:
                break
            got.extend(batch)
            # An engine leases on a cadence, not in a tight loop. Without this pause SQLite's
            # busy handler (which backs off up to 100 ms) can let one process re-take the write
            # lock every time and drain the list alone: correct, but it would not show a race.
            await asyncio.sleep(0.02)
    finally:
        await close_db()
    print(json.dumps(got))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
