"""When a lost phone is called again, pure: at once, then backing off, then giving up."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from dialer.engine.agents.redial import MAX_TRIES, Redials, delay_s

T0 = datetime(2026, 12, 5, 9, 0, tzinfo=timezone.utc)


def test_the_first_call_is_at_once_then_the_pauses_grow_to_a_minute() -> None:
    assert [delay_s(n) for n in range(8)] == [0, 2, 4, 8, 16, 32, 60, 60]


def test_a_failing_phone_is_tried_with_backoff_then_left_to_the_agent() -> None:
    r, now, calls = Redials(), T0, []
    r.plan(1, now)
    for _ in range(100):
        due = r.due(now)
        if due:
            calls.append((now - T0).total_seconds())
            r.plan(1, now)  # the call failed: plan the next one
        if not r.pending(1, now):
            break
        now += timedelta(seconds=1)
    assert calls == [0, 2, 6, 14, 30, 62][:MAX_TRIES]
    assert not r.pending(1, now)


def test_a_due_call_is_not_repeated_while_its_outcome_is_awaited() -> None:
    r = Redials()
    r.plan(1, T0)
    assert r.due(T0) == [1] and r.due(T0 + timedelta(hours=1)) == []


def test_a_phone_that_answers_and_drops_at_once_is_one_more_failed_try() -> None:
    r = Redials()
    r.plan(1, T0)
    r.due(T0)
    r.answered(1, T0 + timedelta(seconds=1))
    assert r.pending(1, T0 + timedelta(seconds=2))
    r.plan(1, T0 + timedelta(seconds=2))
    assert r.due(T0 + timedelta(seconds=3)) == [] and r.due(T0 + timedelta(seconds=4)) == [1]


def test_a_phone_that_stayed_up_starts_a_new_series() -> None:
    r = Redials()
    for _ in range(3):
        r.plan(1, T0)
        r.due(T0 + timedelta(minutes=5))
    r.answered(1, T0 + timedelta(minutes=5))
    later = T0 + timedelta(minutes=10)
    assert not r.pending(1, later)
    r.plan(1, later)
    assert r.due(later) == [1], "at once again"
