from __future__ import annotations

from dialer.accounts.throttle import LoginThrottle


def test_locks_a_name_after_max_failures_until_the_window_passes() -> None:
    t = LoginThrottle(max_failures=3, window_s=60)
    for i in range(3):
        assert t.retry_after("ada", "10.0.0.1", now=100 + i) == 0
        t.record_failure("ada", "10.0.0.1", now=100 + i)
    assert t.retry_after("ada", "10.0.0.9", now=103) == 57  # another address does not help
    assert t.retry_after("ADA", "10.0.0.1", now=103) > 0  # nor another spelling
    assert t.retry_after("ben", "10.0.0.2", now=103) == 0  # other users are not affected
    assert t.retry_after("ada", "10.0.0.1", now=160.5) == 0


def test_success_clears_the_name_count() -> None:
    t = LoginThrottle(max_failures=2, window_s=60)
    t.record_failure("ada", "ip", now=1)
    t.record_success("ada")
    t.record_failure("ada", "ip", now=2)
    assert t.retry_after("ada", "ip", now=3) == 0


def test_an_address_spraying_many_names_is_locked() -> None:
    t = LoginThrottle(max_failures=5, window_s=60, max_failures_per_ip=10)
    for i in range(10):
        t.record_failure(f"user{i}", "10.0.0.66", now=i)
    assert t.retry_after("someone-else", "10.0.0.66", now=10) > 0
