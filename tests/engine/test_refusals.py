"""How long the engine holds off after Asterisk refuses calls, and what the campaign page says."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from dialer.engine.refusals import LONGEST_HOLD_S, Refusals

NOW = datetime(2026, 12, 5, 9, 0, tzinfo=timezone.utc)


def test_each_refusal_doubles_the_hold_up_to_a_limit() -> None:
    r = Refusals()
    holds = []
    for i in range(6):
        r.refused("500 Allocation failed", NOW)
        assert r.until is not None
        holds.append((r.until - NOW).total_seconds())
    assert holds == [1, 2, 4, 8, LONGEST_HOLD_S, LONGEST_HOLD_S]
    assert r.holding(NOW + timedelta(seconds=14)) and not r.holding(NOW + timedelta(seconds=15))


def test_the_page_says_what_asterisk_answered_and_what_happens_next() -> None:
    r = Refusals()
    r.refused("503 Shutdown in progress", NOW)
    assert r.not_dialing(NOW).message == ("Asterisk refused calls: 503 Shutdown in progress "
                                          "(1 call went back to the queue; trying again in 1 s).")
    r.refused("500 Allocation failed", NOW)
    later = NOW + timedelta(seconds=3)
    assert r.not_dialing(later).detail.endswith("(2 calls went back to the queue; trying one call at a time)")


def test_a_reconnect_ends_the_hold_and_a_taken_call_ends_the_refusal() -> None:
    r = Refusals()
    r.refused("connection failed", NOW)
    r.reconnected()
    assert not r.holding(NOW) and r.probing, "back at once, one call at a time"
    r.accepted()
    assert not r.probing and r.count == 0
