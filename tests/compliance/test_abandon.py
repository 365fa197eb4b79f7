"""The abandon arithmetic: late connections, Ofcom's machine adjustment, the rolling window."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest

from dialer.compliance.abandon import (
    CapStanding,
    ComplianceWindow,
    WindowCounts,
    abandon_rate,
    adjusted_abandoned,
    cap_standing,
    is_late,
    over_cap,
    rule_abandon_rate,
    rule_counts,
)
from dialer.compliance.law import FCC_WINDOW, OFCOM_WINDOW

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)


def test_a_person_connected_after_two_seconds_was_abandoned() -> None:
    assert not is_late(2.0) and is_late(2.01)


def test_ofcom_adjustment() -> None:
    # D = 4, AH = 90, AM = 10: D' = 4 - 4*10/100 = 3.6; rate 3.6 / 93.6.
    assert adjusted_abandoned(4.0, 90.0, 10.0) == pytest.approx(3.6)
    assert abandon_rate(4.0, 90.0, 10.0) == pytest.approx(3.6 / 93.6)
    series = abandon_rate(pd.Series([4.0, 0.0]), pd.Series([90.0, 0.0]), pd.Series([10.0, 0.0]))
    assert series.iloc[0] == pytest.approx(3.6 / 93.6) and pd.isna(series.iloc[1])


def test_fcc_rate_has_no_machine_adjustment() -> None:
    assert rule_abandon_rate(3.0, 1.0, 100.0, 10.0, ofcom=False) == pytest.approx(4 / (89 + 4))
    assert rule_abandon_rate(3.0, 1.0, 100.0, 10.0, ofcom=True) < 4 / 93


def test_rule_counts() -> None:
    counts = WindowCounts(live=100, abandons=4, machines=10)
    assert rule_counts(counts, ofcom=False) == (100.0, 4.0)
    live, d = rule_counts(counts, ofcom=True)
    assert d == pytest.approx(4 - 4 * 10 / 106) and live == pytest.approx(96 + d)
    assert over_cap(100, 3.1, 0.03) and not over_cap(100, 3, 0.03) and not over_cap(0, 0, 0.03)


def test_calls_leave_the_window_whole() -> None:
    window = ComplianceWindow(OFCOM_WINDOW)
    window.add(T0, live=1, abandons=1)
    window.add(T0 + timedelta(hours=1), live=1)
    assert window.counts(T0 + timedelta(hours=23, minutes=59)) == WindowCounts(2, 1, 0)
    assert window.counts(T0 + timedelta(hours=24, minutes=2)) == WindowCounts(1, 0, 0)
    assert window.ofcom and not ComplianceWindow(FCC_WINDOW).ofcom


def test_thirty_days() -> None:
    window = ComplianceWindow(FCC_WINDOW)
    window.add(T0, live=10, abandons=1)
    assert window.rule_counts(T0 + timedelta(days=29)) == (10.0, 1.0)
    assert window.rule_counts(T0 + timedelta(days=30, hours=1)) == (0.0, 0.0)


def test_where_a_rate_stands_against_the_cap() -> None:
    # The law says "at most 3 %": 3 % itself is near the cap, not over it; red from 80 % of it.
    assert cap_standing(0.031, 0.03) is CapStanding.OVER
    assert cap_standing(0.03, 0.03) is CapStanding.NEAR and cap_standing(0.024, 0.03) is CapStanding.NEAR
    assert cap_standing(0.0239, 0.03) is CapStanding.UNDER and cap_standing(0.0, 0.03) is CapStanding.UNDER
    # Nobody reached (no rate), or no cap (a campaign outside the law): nothing to say.
    assert cap_standing(float("nan"), 0.03) is None and cap_standing(None, 0.03) is None
    assert cap_standing(0.05, None) is None
