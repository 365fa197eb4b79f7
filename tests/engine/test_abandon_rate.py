"""The abandon rate as the rules count it (pure arithmetic of the campaign's counters)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from dialer.engine.compliance_window import ComplianceWindow
from dialer.engine.campaign_runtime import LearnedCounters

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


def counters(live: int, abandons: int, machines: int = 0, ofcom: bool = False) -> LearnedCounters:
    window = ComplianceWindow(timedelta(hours=24) if ofcom else timedelta(days=30))
    window.add(NOW - timedelta(hours=1), live=live, abandons=abandons, machines=machines)
    return LearnedCounters(window=window)


def test_fcc_rate_is_abandons_over_live_answers() -> None:
    assert counters(200, 5).window_counts(NOW) == (200, 5)


def test_ofcom_adjusts_for_calls_agents_marked_as_machines() -> None:
    # AH = 190 agent-handled, D = 10 abandoned, AM = 10 marked machines:
    # D' = 10 - 10*10/(190+10) = 9.5, rate = 9.5 / (190 + 9.5).
    live, abandons = counters(200, 10, machines=10, ofcom=True).window_counts(NOW)
    assert abandons == pytest.approx(9.5) and live == pytest.approx(199.5)
    assert abandons / live == pytest.approx(0.047619, rel=1e-4)


def test_ofcom_without_machines_is_the_plain_rate() -> None:
    assert counters(100, 3, ofcom=True).window_counts(NOW) == (100, 3)
