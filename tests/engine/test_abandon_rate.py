"""The abandon rate as the rules count it (pure arithmetic of the campaign's counters)."""

from __future__ import annotations

import pytest

from dialer.engine.campaign_runtime import LearnedCounters


def test_fcc_rate_is_abandons_over_live_answers() -> None:
    c = LearnedCounters(live_in_window=200, abandons_in_window=5)
    assert c.window_counts() == (200, 5)


def test_ofcom_adjusts_for_calls_agents_marked_as_machines() -> None:
    # AH = 190 agent-handled, D = 10 abandoned, AM = 10 marked machines:
    # D' = 10 - 10*10/(190+10) = 9.5, rate = 9.5 / (190 + 9.5).
    c = LearnedCounters(live_in_window=200, abandons_in_window=10, machines_in_window=10, ofcom=True)
    live, abandons = c.window_counts()
    assert abandons == pytest.approx(9.5) and live == pytest.approx(199.5)
    assert abandons / live == pytest.approx(0.047619, rel=1e-4)


def test_ofcom_without_machines_is_the_plain_rate() -> None:
    c = LearnedCounters(live_in_window=100, abandons_in_window=3, ofcom=True)
    assert c.window_counts() == (100, 3)
