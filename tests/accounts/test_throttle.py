"""Login throttling counts failures in the database: per name and per address, across a
restart and across processes (two throttle objects on one database stand for two processes)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from dialer.accounts.throttle import LoginThrottle
from dialer.models import LoginFailure

T0 = datetime(2026, 12, 5, 9, 0, tzinfo=timezone.utc)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


async def test_too_many_failures_lock_the_name_for_the_window(db) -> None:
    t = LoginThrottle(max_failures=3, window_s=60)
    for i in range(3):
        assert await t.retry_after("ada", "10.0.0.1", at(i)) == 0
        await t.record_failure("ada", "10.0.0.1", at(i))
    assert await t.retry_after("ada", "10.0.0.9", at(3)) == 57  # another address does not help
    assert await t.retry_after("ADA", "10.0.0.1", at(3)) > 0  # nor another spelling
    assert await t.retry_after("ben", "10.0.0.2", at(3)) == 0  # other users are not affected
    assert await t.retry_after("ada", "10.0.0.1", at(60.5)) == 0


async def test_the_count_survives_a_restart_and_is_shared_by_processes(db) -> None:
    first, second = LoginThrottle(max_failures=2, window_s=60), LoginThrottle(max_failures=2, window_s=60)
    await first.record_failure("ada", "ip", at(1))
    await second.record_failure("ada", "ip", at(2))
    assert await LoginThrottle(max_failures=2, window_s=60).retry_after("ada", "ip", at(3)) == 58


async def test_success_clears_the_name_and_old_failures_are_forgotten(db) -> None:
    t = LoginThrottle(max_failures=2, window_s=60)
    await t.record_failure("ada", "ip", at(1))
    await t.record_success("ada")
    await t.record_failure("ada", "ip", at(2))
    assert await t.retry_after("ada", "ip", at(3)) == 0
    await t.record_failure("ada", "ip", at(200))
    assert await LoginFailure.filter(key="u:ada").count() == 1  # the one from t=2 left the window


async def test_one_address_spraying_names_is_stopped_too(db) -> None:
    t = LoginThrottle(max_failures=5, window_s=60, max_failures_per_ip=10)
    for i in range(10):
        await t.record_failure(f"user{i}", "10.0.0.66", at(i))
    assert await t.retry_after("someone-else", "10.0.0.66", at(10)) > 0
    assert await t.retry_after("someone-else", "10.0.0.67", at(10)) == 0
