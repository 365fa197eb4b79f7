"""Presence of an agent's screens, pure: sockets open and closed, requests, the grace period."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from dialer.engine.agents.presence import Presence

T0 = datetime(2026, 12, 5, 9, 0, tzinfo=timezone.utc)


def at(s: float) -> datetime:
    return T0 + timedelta(seconds=s)


def test_an_open_screen_is_never_gone() -> None:
    p = Presence()
    p.opened(1, at(0))
    assert not p.gone(1, at(3600), 20)


def test_gone_only_after_the_grace_once_every_screen_closed() -> None:
    p = Presence()
    p.opened(1, at(0))
    p.opened(1, at(1))  # panel and extension
    p.closed(1, at(5))
    assert not p.gone(1, at(60), 20), "the extension is still there"
    p.closed(1, at(10))
    assert not p.gone(1, at(29.9), 20)
    assert p.gone(1, at(30), 20)


def test_a_request_counts_as_a_sign_of_life() -> None:
    p = Presence()
    p.seen(1, at(0))
    assert not p.gone(1, at(19), 20) and p.gone(1, at(20), 20)
    p.seen(1, at(20))
    assert not p.gone(1, at(25), 20)


def test_an_agent_never_seen_is_gone() -> None:
    assert Presence().gone(7, at(0), 20)
