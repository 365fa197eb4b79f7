"""Signing in does not hold the event loop: the same loop bridges answered customers to agents,
and argon2 spends a tenth of a second or more of CPU per password by design. Thirty agents
signing in after a restart held customers 4-5 s in bench/faults.py, each an abandon."""

from __future__ import annotations

import asyncio
import time

from dialer.accounts.passwords import verify_password
from dialer.accounts.users import Actor, check_login, create_user
from dialer.models.enums import Role


async def _longest_stall(work) -> float:
    """The longest the loop went without running a 5 ms ticker while `work` ran."""
    longest = 0.0
    done = asyncio.Event()

    async def ticker() -> None:
        nonlocal longest
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            longest, last = max(longest, now - last), now

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0.02)
    await work
    done.set()
    await task
    return longest


async def test_logins_leave_the_loop_free(sqlite_db: str) -> None:
    user = await create_user("jana", "s3cret-pass", Role.AGENT, actor=Actor.system())
    started = time.perf_counter()
    assert verify_password(user.password_hash, "s3cret-pass")
    one_hash = time.perf_counter() - started

    async def logins() -> None:
        results = await asyncio.gather(*(check_login("jana", "s3cret-pass") for _ in range(2)),
                                       check_login("nobody", "s3cret-pass"))
        assert [r is not None for r in results] == [True] * 2 + [False]

    stall = await _longest_stall(logins())
    assert stall < one_hash / 2, f"the loop stalled {stall * 1000:.0f} ms; one hash takes {one_hash * 1000:.0f} ms"
